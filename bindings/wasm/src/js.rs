//! Conversions between JavaScript values and the core: errors with `.code`, option objects,
//! JSON through the host's own `JSON`, the clock and the random source.

use alloc::string::String;
use alloc::vec::Vec;
use js_sys::{Array, JSON, Object, Reflect};
use wasm_bindgen::prelude::*;

// The error classes (errors.mjs, beside the package's `pkg/`: the path is relative to the
// generated `pkg/web/bearerkit_wasm.js` and `pkg/node/bearerkit_wasm.js`). `makeError` picks
// the class from where the error happened and its code, as the Node package does.
#[wasm_bindgen(raw_module = "../../errors.mjs")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(ctx: &str, code: &str, message: &str) -> JsValue;
}

/// A `BearerkitError` with `.code`.
pub(crate) fn error(code: &str, message: &str) -> JsValue {
    make_error("", code, message)
}

/// The core's error reading or writing a key (`InvalidKey`).
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn key(e: bearerkit::Error) -> JsValue {
    make_error("key", e.code(), e.message().as_str())
}

/// The core's error while signing (`SigningError`, `InvalidKey` for a key's codes).
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn sign(e: bearerkit::Error) -> JsValue {
    make_error("sign", e.code(), e.message().as_str())
}

/// The core's error in verification or decoding (`InvalidToken` and its subclasses,
/// `InvalidPolicy`).
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn verify(e: bearerkit::Error) -> JsValue {
    make_error("verify", e.code(), e.message().as_str())
}

/// An argument the API refuses (`invalid_argument`).
pub(crate) fn argument(message: &str) -> JsValue {
    make_error("", "invalid_argument", message)
}

/// `invalid_argument` for the option `name`: "`name` `what`" (no `format!`: the module links
/// no formatting code).
pub(crate) fn option_error(name: &str, what: &str) -> JsValue {
    let mut message = String::with_capacity(name.len() + what.len() + 1);
    message.push_str(name);
    message.push(' ');
    message.push_str(what);
    argument(&message)
}

/// Seconds since the Unix epoch from the host's clock.
pub(crate) fn now() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        // Whole seconds (the conversion truncates a positive value, i.e. floors it); a
        // clock before 1970 reads 0.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let secs = (ms / 1000.0) as u64;
        secs
    } else {
        0
    }
}

/// `n` random bytes from `crypto.getRandomValues`.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|_| error("rng_failed", "random number generator failed (crypto.getRandomValues)"))?;
    Ok(bytes)
}

/// `JSON.parse(text)`.
pub(crate) fn parse(text: &str) -> Result<JsValue, JsValue> {
    JSON::parse(text).map_err(|_| error("bad_json", "not JSON"))
}

/// A JSON document given as a string (used as is) or as a value (`JSON.stringify`).
pub(crate) fn text_or_stringify(value: &JsValue) -> Result<String, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| argument("not JSON: JSON.stringify failed or gave nothing"))
}

/// Reads the members of an options object; a missing object means no options.
pub(crate) struct Options(Option<Object>);

impl Options {
    /// The options in `value` (`undefined` or `null`: none). Every enumerable name, its own
    /// and its prototypes' (what `for…in` lists), must be in `known`: a misspelt option is
    /// refused (`invalid_argument`), never ignored.
    pub(crate) fn new(value: &JsValue, known: &[&str]) -> Result<Self, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(Self(None));
        }
        if !value.is_object() {
            return Err(argument("options must be an object"));
        }
        let obj: Object = value.clone().unchecked_into();
        let mut level = obj.clone();
        loop {
            for name in Object::keys(&level).iter() {
                let name = name.as_string().unwrap_or_default();
                if !known.contains(&name.as_str()) {
                    let mut message = String::from("unknown option \"");
                    message.push_str(&name);
                    message.push('"');
                    return Err(argument(&message));
                }
            }
            let proto = Reflect::get_prototype_of(&level)?;
            if proto.is_null() || proto.is_undefined() {
                break;
            }
            level = proto;
        }
        Ok(Self(Some(obj)))
    }

    /// The member `name`, `None` when absent, `undefined` or `null`; a getter that throws
    /// gives its exception.
    pub(crate) fn get(&self, name: &str) -> Result<Option<JsValue>, JsValue> {
        let Some(obj) = self.0.as_ref() else { return Ok(None) };
        let v = Reflect::get(obj, &name.into())?;
        Ok(if v.is_undefined() || v.is_null() { None } else { Some(v) })
    }

    pub(crate) fn string(&self, name: &str) -> Result<Option<String>, JsValue> {
        self.get(name)?
            .map(|v| v.as_string().ok_or_else(|| option_error(name, "must be a string")))
            .transpose()
    }

    /// A whole number of seconds (a number or a BigInt). Values past 2^53 − 1 (or past
    /// u64) are far beyond any date the core accepts; they read as `u64::MAX`, so the core
    /// answers with its own code (`date_out_of_range`) instead of a rounded value.
    pub(crate) fn u64(&self, name: &str) -> Result<Option<u64>, JsValue> {
        self.get(name)?
            .map(|v| {
                if v.is_bigint() {
                    let big: js_sys::BigInt = v.unchecked_into();
                    let negative = big.to_string(10).is_ok_and(|t| String::from(t).starts_with('-'));
                    return if negative {
                        Err(option_error(name, "must not be negative"))
                    } else {
                        Ok(u64::try_from(big).unwrap_or(u64::MAX))
                    };
                }
                let n = v.as_f64().ok_or_else(|| option_error(name, "must be a number"))?;
                let not_whole = || option_error(name, "must be a whole number of seconds, at least 0");
                if !(n.is_finite() && n >= 0.0) {
                    return Err(not_whole());
                }
                // Every double past 2^53 − 1 is a whole number.
                if n > 9_007_199_254_740_991.0 {
                    return Ok(u64::MAX);
                }
                // Exact below 2^53: the conversion back tells whether `n` had a fraction
                // (`f64::fract` needs `std`).
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    clippy::cast_precision_loss
                )]
                let whole = n as u64;
                #[allow(clippy::cast_precision_loss, clippy::float_cmp)]
                if whole as f64 != n {
                    return Err(not_whole());
                }
                Ok(whole)
            })
            .transpose()
    }

    pub(crate) fn bool(&self, name: &str) -> Result<bool, JsValue> {
        self.get(name)?
            .map(|v| v.as_bool().ok_or_else(|| option_error(name, "must be a boolean")))
            .transpose()
            .map(|b| b.unwrap_or(false))
    }

    /// A string or an array of strings: the list, and whether it was one string.
    pub(crate) fn strings(&self, name: &str) -> Result<Option<(Vec<String>, bool)>, JsValue> {
        let Some(v) = self.get(name)? else { return Ok(None) };
        if let Some(s) = v.as_string() {
            return Ok(Some((alloc::vec![s], true)));
        }
        if Array::is_array(&v) {
            let list: Array = v.unchecked_into();
            let mut out = Vec::with_capacity(list.length() as usize);
            for item in list.iter() {
                out.push(item.as_string().ok_or_else(|| option_error(name, "must hold strings"))?);
            }
            return Ok(Some((out, false)));
        }
        Err(option_error(name, "must be a string or an array of strings"))
    }
}

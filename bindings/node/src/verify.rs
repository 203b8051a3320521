//! Verification with the core's strict contract: `verify` (any policy; every option left
//! `undefined` is the core's default), the D1 and client-assertion profiles, key sets, work
//! off the main thread, and `decodeUnverified`.
//!
//! A verified token comes back as one string, `headerJson U+001F claimsJson` (JSON text
//! never contains a raw U+001F), which `index.js` splits and parses when read.

use crate::errors::{self, Ctx};
use crate::keys::{EcKey, KeySet, KeySetInner, VerifyingKey};
use crate::sign::d1_env;
use bearerkit::profile::{client_assertion, d1};
use bearerkit::{Validation, dangerous};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;
use std::sync::Arc;

/// Which policy the options apply to.
#[derive(Clone, Copy)]
enum Profile {
    /// `Validation::new(now)`: the core's defaults.
    Plain,
    /// `profile::d1::validation(issuer, env, kid, now)`.
    D1(d1::Env),
    /// `profile::client_assertion::validation(issuer, audience[0], now)`.
    ClientAssertion,
}

/// The options of a verification, owned; `None` (or `false`) is the core's default.
pub(crate) struct Options {
    profile: Profile,
    issuer: Option<String>,
    audience: Option<Vec<String>>,
    any_audience: bool,
    subject: Option<String>,
    kid: Option<String>,
    require_kid: bool,
    typ: Option<Vec<String>>,
    leeway: Option<u64>,
    max_lifetime: Option<u64>,
    max_expiry_ahead: Option<u64>,
    required: Option<Vec<String>>,
    max_bytes: Option<usize>,
    now: u64,
    issuer_equals_subject: bool,
    sole_audience: bool,
    audience_as_string: bool,
    allow_missing_exp: bool,
}

fn strs(v: Option<&Vec<String>>) -> Vec<&str> {
    v.map(|l| l.iter().map(String::as_str).collect()).unwrap_or_default()
}

impl Options {
    /// The options from the positional arguments `index.js` passes. `profile`: 0 plain, 1 D1
    /// (`issuer` is the issuer id, `env` and `kid` needed), 2 client assertion (`issuer` is
    /// the client id, `audience` the accepted audiences).
    #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
    fn new(
        profile: u32,
        env: Option<String>,
        issuer: Option<String>,
        audience: Option<Vec<String>>,
        any_audience: Option<bool>,
        subject: Option<String>,
        kid: Option<String>,
        require_kid: Option<bool>,
        typ: Option<Vec<String>>,
        leeway: Option<f64>,
        max_lifetime: Option<f64>,
        max_expiry_ahead: Option<f64>,
        required: Option<Vec<String>>,
        max_bytes: Option<f64>,
        now: Option<f64>,
        issuer_equals_subject: Option<bool>,
        sole_audience: Option<bool>,
        audience_as_string: Option<bool>,
        allow_missing_exp: Option<bool>,
    ) -> napi::Result<Self> {
        let profile = match profile {
            0 => Profile::Plain,
            1 => Profile::D1(d1_env(env.as_deref().unwrap_or(""))?),
            _ => Profile::ClientAssertion,
        };
        let any_audience = any_audience.unwrap_or(false);
        if any_audience && audience.is_some() {
            return Err(errors::argument("give audience or anyAudience: true, not both"));
        }
        let max_bytes = errors::opt_seconds(max_bytes, "maxBytes")?
            .map(|n| usize::try_from(n).map_err(|_| errors::argument("maxBytes is too large")))
            .transpose()?;
        Ok(Self {
            profile,
            issuer,
            audience,
            any_audience,
            subject,
            kid,
            require_kid: require_kid.unwrap_or(false),
            typ,
            leeway: errors::opt_seconds(leeway, "leeway")?,
            max_lifetime: errors::opt_seconds(max_lifetime, "maxLifetime")?,
            max_expiry_ahead: errors::opt_seconds(max_expiry_ahead, "maxExpiryAhead")?,
            required,
            max_bytes,
            now: errors::opt_seconds(now, "now")?.unwrap_or_else(bearerkit::now_unix),
            issuer_equals_subject: issuer_equals_subject.unwrap_or(false),
            sole_audience: sole_audience.unwrap_or(false),
            audience_as_string: audience_as_string.unwrap_or(false),
            allow_missing_exp: allow_missing_exp.unwrap_or(false),
        })
    }

    /// Run `f` with the core's policy: the profile's (or the default), then the options.
    fn with_policy<R>(&self, f: impl FnOnce(&Validation<'_>) -> R) -> R {
        let auds = strs(self.audience.as_ref());
        let typ = strs(self.typ.as_ref());
        let required = strs(self.required.as_ref());
        let issuer = self.issuer.as_deref().unwrap_or("");
        let mut policy = match self.profile {
            Profile::Plain => Validation::new(self.now),
            Profile::D1(env) => d1::validation(issuer, env, self.kid.as_deref().unwrap_or(""), self.now),
            Profile::ClientAssertion => {
                client_assertion::validation(issuer, auds.first().copied().unwrap_or(""), self.now)
            }
        };
        if matches!(self.profile, Profile::Plain)
            && let Some(v) = &self.issuer
        {
            policy = policy.issuer(v);
        }
        if self.audience.is_some() {
            policy = policy.audiences(&auds);
        }
        if self.any_audience {
            policy = policy.any_audience();
        }
        if let Some(v) = &self.subject {
            policy = policy.subject(v);
        }
        if !matches!(self.profile, Profile::D1(_))
            && let Some(v) = &self.kid
        {
            policy = policy.kid(v);
        }
        if self.require_kid {
            policy = policy.require_kid(true);
        }
        if self.typ.is_some() {
            policy = policy.typ(&typ);
        }
        if let Some(v) = self.leeway {
            policy = policy.leeway(v);
        }
        if let Some(v) = self.max_lifetime {
            policy = policy.max_lifetime(v);
        }
        if let Some(v) = self.max_expiry_ahead {
            policy = policy.max_expiry_ahead(v);
        }
        if self.required.is_some() {
            policy = policy.required(&required);
        }
        if let Some(v) = self.max_bytes {
            policy = policy.max_bytes(v);
        }
        if self.issuer_equals_subject {
            policy = policy.issuer_equals_subject(true);
        }
        if self.sole_audience {
            policy = policy.sole_audience(true);
        }
        if self.audience_as_string {
            policy = policy.audience_as_string(true);
        }
        if self.allow_missing_exp {
            policy = dangerous::allow_missing_exp(policy);
        }
        f(&policy)
    }
}

/// The verification key: one P-256 key, or a key set chosen by `kid`.
pub(crate) enum AnyKey {
    One(Arc<EcKey>),
    Set(Arc<KeySetInner>),
}

/// Verify `token`: `headerJson U+001F claimsJson`.
pub(crate) fn run(token: &str, key: &AnyKey, options: &Options) -> napi::Result<String> {
    options.with_policy(|policy| {
        let mut scratch = vec![0u8; token.len().saturating_add(16)];
        let verified = match key {
            AnyKey::One(k) => bearerkit::verify(token, k.as_ref(), policy, &mut scratch),
            AnyKey::Set(set) => bearerkit::verify_with_key_set(token, set.as_ref(), policy, &mut scratch),
        };
        verified
            .map(|t| {
                let (h, c) = (t.header().as_json(), t.claims().as_json());
                let mut out = String::with_capacity(h.len() + c.len() + 1);
                out.push_str(h);
                out.push('\u{1f}');
                out.push_str(c);
                out
            })
            .map_err(|e| errors::core(e, Ctx::Verify))
    })
}

macro_rules! options_args {
    ($($name:ident),*) => {
        Options::new($($name),*)?
    };
}

macro_rules! verify_fn {
    ($(#[$doc:meta])* $name:ident, $js:literal, $key_ty:ty, $any:expr, sync) => {
        $(#[$doc])*
        ///
        /// # Errors
        /// The core's verification codes (`bad_signature`, `expired`, ...), `invalid_policy`,
        /// or `invalid_argument`.
        #[napi(js_name = $js)]
        #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
        pub fn $name(
            token: String,
            key: &$key_ty,
            profile: u32,
            env: Option<String>,
            issuer: Option<String>,
            audience: Option<Vec<String>>,
            any_audience: Option<bool>,
            subject: Option<String>,
            kid: Option<String>,
            require_kid: Option<bool>,
            typ: Option<Vec<String>>,
            leeway: Option<f64>,
            max_lifetime: Option<f64>,
            max_expiry_ahead: Option<f64>,
            required: Option<Vec<String>>,
            max_bytes: Option<f64>,
            now: Option<f64>,
            issuer_equals_subject: Option<bool>,
            sole_audience: Option<bool>,
            audience_as_string: Option<bool>,
            allow_missing_exp: Option<bool>,
        ) -> napi::Result<String> {
            let options = options_args!(
                profile, env, issuer, audience, any_audience, subject, kid, require_kid, typ, leeway,
                max_lifetime, max_expiry_ahead, required, max_bytes, now, issuer_equals_subject,
                sole_audience, audience_as_string, allow_missing_exp
            );
            let any: fn(&$key_ty) -> AnyKey = $any;
            run(&token, &any(key), &options)
        }
    };
    ($(#[$doc:meta])* $name:ident, $js:literal, $key_ty:ty, $any:expr, task) => {
        $(#[$doc])*
        ///
        /// # Errors
        /// `invalid_argument` for unusable options; verification errors reject the promise.
        #[napi(js_name = $js)]
        #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
        pub fn $name(
            token: String,
            key: &$key_ty,
            profile: u32,
            env: Option<String>,
            issuer: Option<String>,
            audience: Option<Vec<String>>,
            any_audience: Option<bool>,
            subject: Option<String>,
            kid: Option<String>,
            require_kid: Option<bool>,
            typ: Option<Vec<String>>,
            leeway: Option<f64>,
            max_lifetime: Option<f64>,
            max_expiry_ahead: Option<f64>,
            required: Option<Vec<String>>,
            max_bytes: Option<f64>,
            now: Option<f64>,
            issuer_equals_subject: Option<bool>,
            sole_audience: Option<bool>,
            audience_as_string: Option<bool>,
            allow_missing_exp: Option<bool>,
        ) -> napi::Result<AsyncTask<VerifyTask>> {
            let options = options_args!(
                profile, env, issuer, audience, any_audience, subject, kid, require_kid, typ, leeway,
                max_lifetime, max_expiry_ahead, required, max_bytes, now, issuer_equals_subject,
                sole_audience, audience_as_string, allow_missing_exp
            );
            let any: fn(&$key_ty) -> AnyKey = $any;
            Ok(AsyncTask::new(VerifyTask { token, key: any(key), options }))
        }
    };
}

verify_fn!(
    /// Verify with one P-256 key.
    verify_key, "_verifyKey", VerifyingKey, |k| AnyKey::One(Arc::clone(&k.inner)), sync
);
verify_fn!(
    /// Verify with a key set (the key chosen by the token's `kid`).
    verify_set, "_verifySet", KeySet, |s| AnyKey::Set(Arc::clone(&s.inner)), sync
);
verify_fn!(
    /// Verify with one P-256 key, off the main thread.
    verify_key_async, "_verifyKeyAsync", VerifyingKey, |k| AnyKey::One(Arc::clone(&k.inner)), task
);
verify_fn!(
    /// Verify with a key set, off the main thread.
    verify_set_async, "_verifySetAsync", KeySet, |s| AnyKey::Set(Arc::clone(&s.inner)), task
);

/// Verification off the main thread (libuv's thread pool).
pub struct VerifyTask {
    token: String,
    key: AnyKey,
    options: Options,
}

impl Task for VerifyTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<String> {
        run(&self.token, &self.key, &self.options)
    }

    fn resolve(&mut self, _env: Env, output: String) -> napi::Result<String> {
        Ok(output)
    }
}

/// Decode a token WITHOUT checking its signature or claims (the core's format and JSON
/// rules still apply): `headerJson U+001F claimsJson U+001F signatureLength`.
///
/// # Errors
/// `malformed_token`, `bad_json`, `duplicate_member`, ...
#[napi(js_name = "_decodeUnverified")]
pub fn decode_unverified(token: String) -> napi::Result<String> {
    let mut scratch = vec![0u8; token.len().saturating_add(16)];
    let t = dangerous::decode_unverified(&token, &mut scratch).map_err(|e| errors::core(e, Ctx::Verify))?;
    Ok(format!("{}\u{1f}{}\u{1f}{}", t.header().as_json(), t.claims().as_json(), t.signature_len()))
}

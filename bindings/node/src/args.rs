//! String arguments read with one N-API call: the token of the synchronous verifications and
//! the short strings of the profiles' sign and verify calls.
//!
//! napi-rs's `String` argument asks V8 for the string's UTF-8 length, allocates, then asks V8
//! to copy it (and `Option<String>` first asks for the value's type): up to three N-API calls
//! per string on every call. These entry points take such arguments as `Unknown` values
//! instead and copy each, with one call, into a buffer: for the token one the main thread
//! reuses, large enough for any token the core's default size limit accepts; for a short
//! string one on the stack. A longer string is read again whole, napi-rs's way, so the core
//! always sees the whole token and `token_too_large` reports its true length. Either way the
//! bytes are V8's UTF-8 of the string, exactly what napi-rs's `String` holds (lone surrogates
//! become U+FFFD, which no valid token contains).

use core::cell::Cell;
use napi::bindgen_prelude::{JsValue, Unknown, ValueType};
use napi::{Error, Status, sys};

/// Tokens of up to this many bytes are read with one call: the core's default limit, which
/// the profiles keep.
const ONE_CALL_BYTES: usize = bearerkit::DEFAULT_MAX_BYTES;

/// The stack buffer of a short string: strings of up to `SHORT - SLACK - 1` bytes (ids, `kid`,
/// `env`, `jti`) are read with one call.
const SHORT: usize = 128;

/// V8 never writes part of a character: a string cut short at the end of a buffer of `size`
/// bytes fills at least `size - SLACK` of them (up to 3 bytes are left when a 4-byte character
/// did not fit, and 1 holds the NUL it writes). So at most `size - SLACK - 1` bytes copied
/// means the whole string was.
const SLACK: usize = 4;

thread_local! {
    /// The buffer, taken out while a token is in use (a nested call would find an empty one).
    static BUF: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// The error napi-rs gives when an argument is not a string (`index.js` turns it into a
/// `TypeError`).
fn not_a_string() -> Error {
    Error::new(Status::StringExpected, "Failed to convert a JavaScript value into rust type `String`")
}

/// Copy the UTF-8 of the string `value` into `buf` (at most `buf.len() - 1` bytes, whole
/// characters only, then a NUL) and return the number of bytes copied; with no `buf`, return
/// the string's whole UTF-8 length.
#[allow(unsafe_code)] // The crate's one raw N-API call: napi-rs has no safe call that copies into a caller's buffer.
fn utf8(value: &Unknown<'_>, buf: Option<&mut [u8]>) -> napi::Result<usize> {
    let v = value.value();
    let (ptr, size) = buf.map_or((core::ptr::null_mut(), 0), |b| (b.as_mut_ptr(), b.len()));
    let mut written = 0usize;
    // SAFETY: `v.env` and `v.value` are the handles napi-rs passed to this call, alive until
    // it returns; `ptr` is null (length only) or valid for writes of `size` bytes, and V8
    // writes at most `size` bytes.
    let status = unsafe { sys::napi_get_value_string_utf8(v.env, v.value, ptr.cast(), size, &mut written) };
    match status {
        sys::Status::napi_ok => Ok(written),
        sys::Status::napi_string_expected => Err(not_a_string()),
        other => Err(Error::new(Status::from(other), "Failed to read a JavaScript string")),
    }
}

/// The whole token, napi-rs's way: its length, then a copy.
fn whole(value: &Unknown<'_>) -> napi::Result<String> {
    let len = utf8(value, None)?;
    let mut buf = vec![0u8; len.saturating_add(1)];
    let n = utf8(value, Some(&mut buf))?;
    buf.truncate(n);
    String::from_utf8(buf).map_err(|_| not_a_string())
}

/// Run `f` with the token `value` (a JavaScript string) as `&str`.
///
/// # Errors
/// A `StringExpected` error when `value` is not a string, or `f`'s error.
pub(crate) fn with_token<R>(value: &Unknown<'_>, f: impl FnOnce(&str) -> napi::Result<R>) -> napi::Result<R> {
    let size = ONE_CALL_BYTES + SLACK + 1;
    let mut buf = BUF.take();
    if buf.len() < size {
        buf.resize(size, 0);
    }
    let result = match utf8(value, Some(&mut buf[..size])) {
        // Whole (see `SLACK`).
        Ok(n) if n <= ONE_CALL_BYTES => {
            buf.get(..n).and_then(|b| core::str::from_utf8(b).ok()).ok_or_else(not_a_string).and_then(f)
        }
        Ok(_) => whole(value).and_then(|t| f(&t)),
        Err(e) => Err(e),
    };
    BUF.set(buf);
    result
}

/// An optional string argument, as napi-rs's `Option<String>` reads it (`undefined` and `null`
/// are `None`, any other non-string a `StringExpected` error), with one N-API call when it is
/// short.
///
/// # Errors
/// A `StringExpected` error when `value` is neither a string nor `undefined`/`null`.
pub(crate) fn opt_string(value: &Unknown<'_>) -> napi::Result<Option<String>> {
    let mut buf = [0u8; SHORT];
    match utf8(value, Some(&mut buf)) {
        // Whole (see `SLACK`).
        Ok(n) if n < SHORT - SLACK => buf
            .get(..n)
            .and_then(|b| core::str::from_utf8(b).ok())
            .map(|s| Some(s.to_owned()))
            .ok_or_else(not_a_string),
        Ok(_) => whole(value).map(Some),
        Err(e) => match value.get_type()? {
            ValueType::Undefined | ValueType::Null => Ok(None),
            _ => Err(e),
        },
    }
}

//! Private helpers for `benches/node/bench.mjs`: the same core call as the public functions,
//! timed `n` times inside Rust, so the benchmark can subtract the core's own time from a
//! JavaScript call and report the binding's overhead. Not part of the public API.

use crate::errors::{self, Ctx};
use crate::keys::{SigningKey, VerifyingKey};
use crate::sign::d1_env;
use bearerkit::profile::d1;
use napi_derive::napi;
use std::time::Instant;

/// Nanoseconds for `n` D1 verifications of `token` with `key` (prepared as the public call
/// would have it), each exactly what `verifyD1Assertion` does minus the JavaScript layer.
///
/// # Errors
/// The verification's error, if the token does not verify.
#[napi(js_name = "_benchCoreVerifyD1")]
#[allow(clippy::too_many_arguments)]
pub fn bench_core_verify_d1(
    token: String,
    key: &VerifyingKey,
    issuer_id: String,
    env: String,
    kid: String,
    now: f64,
    n: u32,
) -> napi::Result<f64> {
    let env = d1_env(&env)?;
    let now = errors::seconds(now, "now")?;
    let policy = d1::validation(&issuer_id, env, &kid, now);
    let inner = &key.inner;
    timed(n, || {
        let mut scratch = vec![0u8; token.len().saturating_add(16)];
        let t = bearerkit::verify(&token, inner.as_ref(), &policy, &mut scratch)
            .map_err(|e| errors::core(e, Ctx::Verify))?;
        core::hint::black_box(t.claims().as_json().to_owned());
        Ok(())
    })
}

/// Nanoseconds for `n` D1 assertions signed by `key`, as `d1Assertion` makes them (a fixed
/// `jti`).
///
/// # Errors
/// The signing error, if any.
#[napi(js_name = "_benchCoreSignD1")]
#[allow(clippy::too_many_arguments)]
pub fn bench_core_sign_d1(
    key: &SigningKey,
    issuer_id: String,
    env: String,
    kid: String,
    now: f64,
    jti: String,
    n: u32,
) -> napi::Result<f64> {
    let env = d1_env(&env)?;
    let now = errors::seconds(now, "now")?;
    timed(n, || {
        let token = d1::assertion(&issuer_id, env, &kid, now)
            .jwt_id(&jti)
            .sign_with_to_string(key.key.as_ref())
            .map_err(|e| errors::core(e, Ctx::Sign))?;
        core::hint::black_box(token);
        Ok(())
    })
}

/// Nanoseconds for `n` D1 signing inputs (`base64url(header).base64url(claims)`) written
/// exactly as `_benchCoreSignD1` writes them before it signs: the JSON and base64url part of
/// a signature, for the benchmark's breakdown of the core's signing time.
///
/// # Errors
/// The encoding error, if any.
#[napi(js_name = "_benchCoreSigningInputD1")]
pub fn bench_core_signing_input_d1(
    issuer_id: String,
    env: String,
    kid: String,
    now: f64,
    jti: String,
    n: u32,
) -> napi::Result<f64> {
    let env = d1_env(&env)?;
    let now = errors::seconds(now, "now")?;
    timed(n, || {
        let mut buf = [0u8; 1024];
        let input = d1::assertion(&issuer_id, env, &kid, now)
            .jwt_id(&jti)
            .signing_input(&mut buf)
            .map_err(|e| errors::core(e, Ctx::Sign))?;
        core::hint::black_box(input);
        Ok(())
    })
}

/// Nanoseconds `n` runs of `f` take (stopping at its first error).
#[allow(clippy::cast_precision_loss)]
fn timed(n: u32, mut f: impl FnMut() -> napi::Result<()>) -> napi::Result<f64> {
    let start = Instant::now();
    for _ in 0..n {
        f()?;
    }
    Ok(start.elapsed().as_nanos() as f64)
}

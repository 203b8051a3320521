//! Private helpers for `benches/python`: the same core call as the public functions, timed
//! `n` times inside Rust, so the benchmark can subtract the core's own time from a Python call
//! and report the binding's overhead. Not part of the public API (underscore names).

use crate::errors::{self, Ctx};
use crate::keys::{PySigningKey, PyVerifyingKey};
use crate::sign::d1_env;
use bearerkit::profile::d1;
use pyo3::prelude::*;
use std::time::Instant;

/// Nanoseconds for `n` D1 verifications of `token` with `key` (prepared as the public call
/// would have it), each exactly what `verify_d1_assertion` does minus the Python layer.
#[pyfunction]
#[pyo3(signature = (token, key, issuer_id, env, kid, now, n))]
#[allow(clippy::too_many_arguments)]
fn _bench_core_verify_d1(
    py: Python<'_>,
    token: &str,
    key: &PyVerifyingKey,
    issuer_id: &str,
    env: &str,
    kid: &str,
    now: u64,
    n: u32,
) -> PyResult<u128> {
    let env = d1_env(env)?;
    let policy = d1::validation(issuer_id, env, kid, now);
    let inner = &key.inner;
    let start = Instant::now();
    for _ in 0..n {
        let mut scratch = vec![0u8; token.len().saturating_add(16)];
        let t = bearerkit::verify(token, inner.as_ref(), &policy, &mut scratch)
            .map_err(|e| errors::core(py, e, Ctx::Verify))?;
        core::hint::black_box(t.claims().as_json().to_owned());
    }
    Ok(start.elapsed().as_nanos())
}

/// Nanoseconds for `n` D1 assertions signed by `key`, as `d1_assertion` makes them (a fixed
/// `jti`).
#[pyfunction]
#[pyo3(signature = (key, issuer_id, env, kid, now, jti, n))]
#[allow(clippy::too_many_arguments)]
fn _bench_core_sign_d1(
    py: Python<'_>,
    key: &PySigningKey,
    issuer_id: &str,
    env: &str,
    kid: &str,
    now: u64,
    jti: &str,
    n: u32,
) -> PyResult<u128> {
    let env = d1_env(env)?;
    let start = Instant::now();
    for _ in 0..n {
        let token = d1::assertion(issuer_id, env, kid, now)
            .jwt_id(jti)
            .sign_with_to_string(&key.key)
            .map_err(|e| errors::core(py, e, Ctx::Sign))?;
        core::hint::black_box(token);
    }
    Ok(start.elapsed().as_nanos())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_bench_core_verify_d1, m)?)?;
    m.add_function(wrap_pyfunction!(_bench_core_sign_d1, m)?)?;
    Ok(())
}

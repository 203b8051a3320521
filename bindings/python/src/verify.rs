//! Verification with the core's strict contract: `verify` (any policy, every `None` the
//! core's default), the D1 and client-assertion profiles, and `decode_unverified`.

use crate::errors::{self, Ctx};
use crate::json;
use crate::keys::{PyKeySet, PyVerifyingKey};
use crate::sign::{audience_list, d1_env};
use bearerkit::profile::{client_assertion, d1};
use bearerkit::{PolicyOptions, Validation, dangerous};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use std::sync::Arc;

/// A verified token: its header and claims as dicts (parsed on first access).
#[pyclass(frozen, module = "bearerkit", name = "VerifiedToken")]
pub(crate) struct PyVerifiedToken {
    header_json: String,
    claims_json: String,
    header: PyOnceLock<Py<PyAny>>,
    claims: PyOnceLock<Py<PyAny>>,
}

impl PyVerifiedToken {
    fn new(header_json: &str, claims_json: &str) -> Self {
        Self {
            header_json: header_json.to_owned(),
            claims_json: claims_json.to_owned(),
            header: PyOnceLock::new(),
            claims: PyOnceLock::new(),
        }
    }
}

fn parsed<'py>(py: Python<'py>, cell: &PyOnceLock<Py<PyAny>>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let v = cell.get_or_try_init(py, || json::loads(py, text).map(Bound::unbind))?;
    Ok(v.bind(py).clone())
}

#[pymethods]
impl PyVerifiedToken {
    /// The JOSE header as a dict.
    #[getter]
    fn header<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        parsed(py, &self.header, &self.header_json)
    }

    /// The claims as a dict.
    #[getter]
    fn claims<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        parsed(py, &self.claims, &self.claims_json)
    }

    /// The header JSON exactly as it was in the token.
    #[getter]
    fn header_json(&self) -> &str {
        &self.header_json
    }

    /// The claims JSON exactly as it was in the token.
    #[getter]
    fn claims_json(&self) -> &str {
        &self.claims_json
    }

    fn __repr__(&self) -> String {
        format!("VerifiedToken(header={}, claims={})", self.header_json, self.claims_json)
    }
}

/// A token decoded WITHOUT verification: its header, claims and signature length.
#[pyclass(frozen, module = "bearerkit", name = "UnverifiedToken")]
pub(crate) struct PyUnverifiedToken {
    header_json: String,
    claims_json: String,
    signature_len: usize,
}

#[pymethods]
impl PyUnverifiedToken {
    /// The JOSE header as a dict (NOT verified).
    #[getter]
    fn header<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::loads(py, &self.header_json)
    }

    /// The claims as a dict (NOT verified).
    #[getter]
    fn claims<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::loads(py, &self.claims_json)
    }

    /// The signature's length in bytes (64 for ES256).
    #[getter]
    fn signature_len(&self) -> usize {
        self.signature_len
    }

    fn __repr__(&self) -> String {
        format!("UnverifiedToken(header={}, claims={}, NOT VERIFIED)", self.header_json, self.claims_json)
    }
}

/// Decode a token WITHOUT checking its signature or claims (the core's format and JSON rules
/// still apply): for inspection and logging only, never to trust its content.
#[pyfunction]
fn decode_unverified(py: Python<'_>, token: &str) -> PyResult<PyUnverifiedToken> {
    let mut scratch = vec![0u8; token.len().saturating_add(16)];
    let t =
        dangerous::decode_unverified(token, &mut scratch).map_err(|e| errors::core(py, e, Ctx::Verify))?;
    Ok(PyUnverifiedToken {
        header_json: t.header().as_json().to_owned(),
        claims_json: t.claims().as_json().to_owned(),
        signature_len: t.signature_len(),
    })
}

/// The verification key: one P-256 key, or a key set chosen by `kid`.
enum VerifyKey {
    One(Arc<crate::keys::EcKey>),
    Set(Py<PyKeySet>),
}

fn verify_key(key: &Bound<'_, PyAny>) -> PyResult<VerifyKey> {
    if let Ok(k) = key.cast::<PyVerifyingKey>() {
        return Ok(VerifyKey::One(Arc::clone(&k.get().inner)));
    }
    if let Ok(k) = key.cast::<PyKeySet>() {
        return Ok(VerifyKey::Set(k.clone().unbind()));
    }
    Err(PyTypeError::new_err("key must be a VerifyingKey or a KeySet"))
}

/// Verify with the GIL released.
fn run(py: Python<'_>, token: &str, key: &VerifyKey, policy: &Validation<'_>) -> PyResult<PyVerifiedToken> {
    let result = py.detach(|| {
        let mut scratch = vec![0u8; token.len().saturating_add(16)];
        let verified = match key {
            VerifyKey::One(k) => bearerkit::verify(token, k.as_ref(), policy, &mut scratch),
            VerifyKey::Set(set) => bearerkit::verify_with_key_set(token, set.get(), policy, &mut scratch),
        };
        verified.map(|t| PyVerifiedToken::new(t.header().as_json(), t.claims().as_json()))
    });
    result.map_err(|e| errors::core(py, e, Ctx::Verify))
}

/// Verify `token` with `key` under `options` applied to `base`.
fn verify_with(
    py: Python<'_>,
    token: &str,
    key: &Bound<'_, PyAny>,
    options: &PolicyOptions,
    base: Validation<'_>,
) -> PyResult<PyVerifiedToken> {
    let key = verify_key(key)?;
    if options.any_audience && options.audience.is_some() {
        return Err(errors::argument("give audience or any_audience=True, not both"));
    }
    options.with_validation(base, |policy| run(py, token, &key, policy))
}

fn audience_option(audience: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<String>>> {
    audience.map(|a| audience_list(a).map(|(l, _)| l)).transpose()
}

/// Verify a token with the core's strict contract and return its header and claims.
///
/// Every option left at `None` (or `False`) is the core's default: `exp` required, `typ`
/// `JWT` or absent, 60 s leeway, 8 KiB at most, and no audience expected (a token that
/// carries `aud` is refused unless `audience` names one of its values or `any_audience`
/// is set).
#[pyfunction]
#[pyo3(signature = (token, key, *, issuer=None, audience=None, any_audience=false, subject=None, kid=None, require_kid=false, typ=None, leeway=None, max_lifetime=None, max_expiry_ahead=None, required=None, max_bytes=None, now=None, issuer_equals_subject=false, sole_audience=false, audience_as_string=false, dangerous_allow_missing_exp=false))]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
fn verify(
    py: Python<'_>,
    token: &str,
    key: &Bound<'_, PyAny>,
    issuer: Option<String>,
    audience: Option<&Bound<'_, PyAny>>,
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
    now: Option<u64>,
    issuer_equals_subject: bool,
    sole_audience: bool,
    audience_as_string: bool,
    dangerous_allow_missing_exp: bool,
) -> PyResult<PyVerifiedToken> {
    let options = PolicyOptions {
        issuer,
        audience: audience_option(audience)?,
        any_audience,
        subject,
        kid,
        require_kid,
        typ,
        leeway,
        max_lifetime,
        max_expiry_ahead,
        required,
        max_bytes,
        issuer_equals_subject,
        sole_audience,
        audience_as_string,
        dangerous_allow_missing_exp,
    };
    let now = now.unwrap_or_else(bearerkit::now_unix);
    verify_with(py, token, key, &options, Validation::new(now))
}

/// Verify a Thales D1 assertion the way D1 does (the core's `d1` profile): `iss` = `sub` =
/// `issuer_id`, `aud` `stg`/`prd`, `kid` required and equal to `kid`, `typ` `JWT`, `exp`
/// at most 15 minutes ahead. `key` is the issuer's `VerifyingKey`, or a `KeySet`.
#[pyfunction]
#[pyo3(signature = (token, key, *, issuer_id, env, kid, now=None, leeway=None))]
#[allow(clippy::too_many_arguments)]
fn verify_d1_assertion(
    py: Python<'_>,
    token: &str,
    key: &Bound<'_, PyAny>,
    issuer_id: &str,
    env: &str,
    kid: &str,
    now: Option<u64>,
    leeway: Option<u64>,
) -> PyResult<PyVerifiedToken> {
    let env = d1_env(env)?;
    let now = now.unwrap_or_else(bearerkit::now_unix);
    let options = PolicyOptions { leeway, ..PolicyOptions::default() };
    verify_with(py, token, key, &options, d1::validation(issuer_id, env, kid, now))
}

/// Verify a `private_key_jwt` client assertion (the core's `client_assertion` profile):
/// `iss` = `sub` = `client_id`, `aud` one of `audience` (a string or a list: the issuer
/// and/or the token endpoint URL) and a single audience, `jti` required, `exp` required.
#[pyfunction]
#[pyo3(signature = (token, key, *, client_id, audience, now=None, leeway=None, max_lifetime=None, kid=None))]
#[allow(clippy::too_many_arguments)]
fn verify_client_assertion(
    py: Python<'_>,
    token: &str,
    key: &Bound<'_, PyAny>,
    client_id: &str,
    audience: &Bound<'_, PyAny>,
    now: Option<u64>,
    leeway: Option<u64>,
    max_lifetime: Option<u64>,
    kid: Option<String>,
) -> PyResult<PyVerifiedToken> {
    let (auds, _) = audience_list(audience)?;
    let first = auds.first().cloned().unwrap_or_default();
    let now = now.unwrap_or_else(bearerkit::now_unix);
    let options =
        PolicyOptions { audience: Some(auds), leeway, max_lifetime, kid, ..PolicyOptions::default() };
    verify_with(py, token, key, &options, client_assertion::validation(client_id, &first, now))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyVerifiedToken>()?;
    m.add_class::<PyUnverifiedToken>()?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(verify_d1_assertion, m)?)?;
    m.add_function(wrap_pyfunction!(verify_client_assertion, m)?)?;
    m.add_function(wrap_pyfunction!(decode_unverified, m)?)?;
    Ok(())
}

//! Signing: the `Assertion` builder (the core's, field for field), `sign_assertion`, and the
//! D1 and client-assertion profiles.

use crate::errors::{self, Ctx};
use crate::json;
use crate::keys::{PyExternalSigner, PyRsaSigningKey, PySigningKey};
use bearerkit::profile::{client_assertion as ca_profile, d1};
use bearerkit::{Assertion, JwsSigner};
use bearerkit_rsa::RsaAlgorithm;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};
use std::sync::Arc;

/// The key that signs, with its algorithm.
pub(crate) enum AnySigner {
    /// ES256 with a P-256 key.
    Ec(bearerkit::SigningKey),
    /// RS256 or PS256 with an RSA key.
    Rsa(Arc<bearerkit_rsa::RsaSigningKey>, RsaAlgorithm),
    /// ES256 through a callback.
    External(Py<PyExternalSigner>),
}

impl JwsSigner for AnySigner {
    fn algorithm(&self) -> &str {
        match self {
            Self::Ec(_) | Self::External(_) => "ES256",
            Self::Rsa(_, alg) => alg.name(),
        }
    }

    fn sign_jws(&self, signing_input: &[u8], out: &mut [u8]) -> Result<usize, bearerkit::Error> {
        match self {
            Self::Ec(key) => key.sign_jws(signing_input, out),
            Self::Rsa(key, alg) => key.signer(*alg).sign_jws(signing_input, out),
            Self::External(signer) => {
                let sig = signer.get().sign_raw(signing_input)?.to_bytes();
                out.get_mut(..sig.len()).ok_or(bearerkit::Error::SignerFailed)?.copy_from_slice(&sig);
                Ok(sig.len())
            }
        }
    }
}

/// The signer for `key` (`SigningKey`, `RsaSigningKey` or `ExternalSigner`) and `algorithm`
/// (None: ES256 for P-256 keys, RS256 for RSA keys).
pub(crate) fn signer_of(key: &Bound<'_, PyAny>, algorithm: Option<&str>) -> PyResult<AnySigner> {
    let es256_only = |what: &str| match algorithm {
        None | Some("ES256") => Ok(()),
        Some(other) => Err(errors::argument(format!("{what} signs ES256, not {other}"))),
    };
    if let Ok(k) = key.cast::<PySigningKey>() {
        es256_only("a P-256 SigningKey")?;
        return Ok(AnySigner::Ec(k.get().key.clone()));
    }
    if let Ok(k) = key.cast::<PyExternalSigner>() {
        es256_only("an ExternalSigner")?;
        return Ok(AnySigner::External(k.clone().unbind()));
    }
    if let Ok(k) = key.cast::<PyRsaSigningKey>() {
        let alg = match algorithm {
            None | Some("RS256") => RsaAlgorithm::Rs256,
            Some("PS256") => RsaAlgorithm::Ps256,
            Some(other) => {
                return Err(errors::argument(format!("an RsaSigningKey signs RS256 or PS256, not {other}")));
            }
        };
        return Ok(AnySigner::Rsa(Arc::clone(&k.get().key), alg));
    }
    Err(PyTypeError::new_err("key must be a SigningKey, an RsaSigningKey or an ExternalSigner"))
}

/// `aud`: a string or a list (tuple) of strings.
pub(crate) fn audience_list(aud: &Bound<'_, PyAny>) -> PyResult<(Vec<String>, bool)> {
    if let Ok(s) = aud.cast::<PyString>() {
        return Ok((vec![s.to_str()?.to_owned()], true));
    }
    if aud.cast::<PyList>().is_ok() || aud.cast::<PyTuple>().is_ok() {
        return Ok((aud.extract::<Vec<String>>()?, false));
    }
    Err(PyTypeError::new_err("aud must be a str or a list of str"))
}

/// The owned values of an assertion, borrowed by the core's builder at signing time.
#[derive(Clone, Default)]
struct Fields {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<(Vec<String>, bool)>,
    exp: Option<u64>,
    expires_in: Option<u64>,
    nbf: Option<u64>,
    iat: Option<u64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<String>,
}

impl Fields {
    /// Sign with the core's builder, with the GIL released (an `ExternalSigner` takes it
    /// back for its callback).
    fn sign(&self, py: Python<'_>, signer: &AnySigner) -> PyResult<String> {
        let result = py.detach(|| {
            let auds: Vec<&str> = self.aud.iter().flat_map(|(l, _)| l.iter().map(String::as_str)).collect();
            let mut a = Assertion::new();
            if let Some(v) = &self.iss {
                a = a.issuer(v);
            }
            if let Some(v) = &self.sub {
                a = a.subject(v);
            }
            match &self.aud {
                Some((_, true)) => a = a.audience(auds[0]),
                Some((_, false)) => a = a.audiences(&auds),
                None => {}
            }
            if let Some(v) = self.iat {
                a = a.issued_at(v);
            }
            if let Some(v) = self.exp {
                a = a.expires_at(v);
            }
            if let Some(v) = self.expires_in {
                a = a.expires_in(v);
            }
            if let Some(v) = self.nbf {
                a = a.not_before(v);
            }
            if let Some(v) = &self.jti {
                a = a.jwt_id(v);
            }
            if let Some(v) = &self.kid {
                a = a.key_id(v);
            }
            if let Some(v) = &self.typ {
                a = a.typ(v);
            }
            if let Some(v) = &self.claims {
                a = a.claims_json(v);
            }
            a.sign_with_to_string(signer)
        });
        result.map_err(|e| sign_error(py, e, signer))
    }
}

/// The core's signing error; for an `ExternalSigner`, its callback's exception is the cause.
pub(crate) fn sign_error(py: Python<'_>, e: bearerkit::Error, signer: &AnySigner) -> PyErr {
    let err = errors::core(py, e, Ctx::Sign);
    if let AnySigner::External(s) = signer
        && let Some(cause) = s.get().take_error()
    {
        err.set_cause(py, Some(cause));
    }
    err
}

/// Private claims: a dict (written by `json.dumps`, insertion order kept) or a JSON object text.
fn claims_text(claims: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    claims.map(json::text_or_dump).transpose()
}

/// A JWT assertion, field by field, as the core builds it: header `{"alg", "typ"?, "kid"?}`,
/// claims `iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti` (each only when given) and then
/// the private `claims` in their order. Unlike `sign_assertion`, nothing is added: no `iat`
/// unless given.
#[pyclass(frozen, module = "bearerkit", name = "Assertion")]
pub(crate) struct PyAssertion {
    fields: Fields,
}

#[pymethods]
impl PyAssertion {
    #[new]
    #[pyo3(signature = (*, iss=None, sub=None, aud=None, exp=None, expires_in=None, nbf=None, iat=None, jti=None, kid=None, typ=None, claims=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        iss: Option<String>,
        sub: Option<String>,
        aud: Option<&Bound<'_, PyAny>>,
        exp: Option<u64>,
        expires_in: Option<u64>,
        nbf: Option<u64>,
        iat: Option<u64>,
        jti: Option<String>,
        kid: Option<String>,
        typ: Option<String>,
        claims: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        if exp.is_some() && expires_in.is_some() {
            return Err(errors::argument("give exp or expires_in, not both"));
        }
        Ok(Self {
            fields: Fields {
                iss,
                sub,
                aud: aud.map(audience_list).transpose()?,
                exp,
                expires_in,
                nbf,
                iat,
                jti,
                kid,
                typ,
                claims: claims_text(claims)?,
            },
        })
    }

    /// The compact JWS, signed by `key` with `algorithm` (default by the key's type).
    #[pyo3(signature = (key, *, algorithm=None))]
    fn sign(&self, key: &Bound<'_, PyAny>, algorithm: Option<&str>) -> PyResult<String> {
        let signer = signer_of(key, algorithm)?;
        self.fields.sign(key.py(), &signer)
    }
}

fn now_or_clock(now: Option<u64>) -> u64 {
    now.unwrap_or_else(bearerkit::now_unix)
}

/// 32 random hex digits, for a `jti`.
fn random_jti(py: Python<'_>) -> PyResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        errors::raise::<errors::SigningError>(
            py,
            "rng_failed",
            format!("random number generator failed: {e}"),
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Sign a JWT assertion: `iat` = `now` (the system clock unless given), `exp` = `now` +
/// `expires_in` (or `exp` exactly), plus whatever else is given.
#[pyfunction]
#[pyo3(signature = (key, *, iss=None, sub=None, aud=None, expires_in=None, exp=None, now=None, nbf=None, jti=None, kid=None, typ=None, claims=None, algorithm=None))]
#[allow(clippy::too_many_arguments)]
fn sign_assertion(
    key: &Bound<'_, PyAny>,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<&Bound<'_, PyAny>>,
    expires_in: Option<u64>,
    exp: Option<u64>,
    now: Option<u64>,
    nbf: Option<u64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<&Bound<'_, PyAny>>,
    algorithm: Option<&str>,
) -> PyResult<String> {
    if exp.is_some() == expires_in.is_some() {
        return Err(errors::argument("give exactly one of expires_in (seconds from now) and exp"));
    }
    let signer = signer_of(key, algorithm)?;
    let fields = Fields {
        iss,
        sub,
        aud: aud.map(audience_list).transpose()?,
        exp,
        expires_in,
        nbf,
        iat: Some(now_or_clock(now)),
        jti,
        kid,
        typ,
        claims: claims_text(claims)?,
    };
    fields.sign(key.py(), &signer)
}

/// The D1 environment from `"stg"` / `"prd"`.
pub(crate) fn d1_env(env: &str) -> PyResult<d1::Env> {
    match env {
        "stg" | "staging" => Ok(d1::Env::Staging),
        "prd" | "production" => Ok(d1::Env::Production),
        _ => Err(errors::argument("env must be \"stg\" or \"prd\"")),
    }
}

/// A Thales D1 assertion (the core's `d1` profile): `iss` = `sub` = `issuer_id`, `aud`
/// `stg`/`prd`, `kid`, `typ` `JWT`, `iat` = now, `exp` = now + `expires_in` (default 300,
/// at most 900), and a `jti` (random unless given).
#[pyfunction]
#[pyo3(signature = (key, *, issuer_id, env, kid, now=None, expires_in=None, jti=None))]
fn d1_assertion(
    key: &Bound<'_, PyAny>,
    issuer_id: &str,
    env: &str,
    kid: &str,
    now: Option<u64>,
    expires_in: Option<u64>,
    jti: Option<String>,
) -> PyResult<String> {
    let py = key.py();
    let signer = signer_of(key, None)?;
    if !matches!(signer, AnySigner::Ec(_) | AnySigner::External(_)) {
        return Err(errors::argument("Thales D1 accepts ES256 only: use a P-256 key"));
    }
    let env = d1_env(env)?;
    let jti = match jti {
        Some(j) => j,
        None => random_jti(py)?,
    };
    let now = now_or_clock(now);
    let result = py.detach(|| {
        let mut a = d1::assertion(issuer_id, env, kid, now).jwt_id(&jti);
        if let Some(secs) = expires_in {
            a = a.expires_in(secs);
        }
        a.sign_with_to_string(&signer)
    });
    result.map_err(|e| sign_error(py, e, &signer))
}

/// A `private_key_jwt` client assertion (the core's `client_assertion` profile): `iss` =
/// `sub` = `client_id`, `aud` = `audience` (one string: the authorization server's issuer,
/// or its token endpoint), `jti` (random unless given), `iat` = now, `exp` = now +
/// `expires_in` (default 60), `kid` when given.
#[pyfunction]
#[pyo3(signature = (key, *, client_id, audience, kid=None, now=None, expires_in=None, jti=None, algorithm=None))]
#[allow(clippy::too_many_arguments)]
fn client_assertion(
    key: &Bound<'_, PyAny>,
    client_id: &str,
    audience: &str,
    kid: Option<String>,
    now: Option<u64>,
    expires_in: Option<u64>,
    jti: Option<String>,
    algorithm: Option<&str>,
) -> PyResult<String> {
    let py = key.py();
    let signer = signer_of(key, algorithm)?;
    let jti = match jti {
        Some(j) => j,
        None => random_jti(py)?,
    };
    let now = now_or_clock(now);
    let result = py.detach(|| {
        let mut a = ca_profile::assertion(client_id, audience, &jti, now);
        if let Some(secs) = expires_in {
            a = a.expires_in(secs);
        }
        if let Some(kid) = &kid {
            a = a.key_id(kid);
        }
        a.sign_with_to_string(&signer)
    });
    result.map_err(|e| sign_error(py, e, &signer))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAssertion>()?;
    m.add_function(wrap_pyfunction!(sign_assertion, m)?)?;
    m.add_function(wrap_pyfunction!(d1_assertion, m)?)?;
    m.add_function(wrap_pyfunction!(client_assertion, m)?)?;
    Ok(())
}

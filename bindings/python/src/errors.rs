//! The exception hierarchy, and the mapping from the Rust crates' errors (each with its stable
//! `code`) to it. Messages never contain key material, assertions or tokens: they are the
//! crates' own `Display` texts, which never do.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::{PyTypeInfo, create_exception};

create_exception!(
    bearerkit,
    BearerkitError,
    PyException,
    "Base class of every bearerkit error. `.code` is the stable snake_case code (the Rust crates')."
);
create_exception!(
    bearerkit,
    InvalidKey,
    BearerkitError,
    "A key, JWK or certificate could not be read: bad_pem, bad_der, bad_jwk, wrong_curve, invalid_point, rsa_key_size, ..."
);
create_exception!(
    bearerkit,
    InvalidToken,
    BearerkitError,
    "A token was refused by verification (format, JSON, header, signature or claims)."
);
create_exception!(bearerkit, ExpiredToken, InvalidToken, "The token has expired (code `expired`).");
create_exception!(
    bearerkit,
    NotYetValid,
    InvalidToken,
    "The token is not valid yet: `not_yet_valid` (nbf) or `issued_in_future` (iat)."
);
create_exception!(
    bearerkit,
    ClaimMismatch,
    InvalidToken,
    "A claim or header value differs from the policy: issuer_mismatch, subject_mismatch, audience_mismatch, unexpected_audience, audience_not_sole, kid_mismatch, missing_kid, lifetime_too_long."
);
create_exception!(
    bearerkit,
    InvalidPolicy,
    BearerkitError,
    "The verification policy itself is unusable (`invalid_policy`: leeway above 3600, an empty audience list, ...)."
);
create_exception!(
    bearerkit,
    SigningError,
    BearerkitError,
    "An assertion could not be signed: date_out_of_range, claims_not_object, signer_failed, bad_der_signature, ..."
);
create_exception!(
    bearerkit,
    TokenClientError,
    BearerkitError,
    "Base class of the token client's errors. `.attempts` is the number of requests made."
);
create_exception!(
    bearerkit,
    OAuthError,
    TokenClientError,
    "The token endpoint answered an RFC 6749 error: `.error` (also `.code`), `.description`, `.uri`, `.status`."
);
create_exception!(
    bearerkit,
    TransportError,
    TokenClientError,
    "No usable answer: transport, tls, timeout, unexpected_response, response_too_large, rng_failed."
);
create_exception!(
    bearerkit,
    RateLimited,
    TokenClientError,
    "HTTP 429 until the retries gave up: `.retry_after` (seconds or None), `.status` (429)."
);
create_exception!(
    bearerkit,
    ConfigError,
    BearerkitError,
    "The token client's configuration is unusable (`invalid_config`): a bad URL, plain http to a non-loopback host, a bad certificate, ..."
);

/// `InvalidArgument(BearerkitError, ValueError)`: a Python argument the API refuses (an
/// unknown `format`, `env` or `algorithm`, claims that are not JSON, two options that exclude
/// each other). Made at import with `type(...)`, since it has two bases.
static INVALID_ARGUMENT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn invalid_argument_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INVALID_ARGUMENT
        .get_or_try_init(py, || {
            let bases = PyTuple::new(py, [BearerkitError::type_object(py).into_any(), py.get_type::<pyo3::exceptions::PyValueError>().into_any()])?;
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "bearerkit")?;
            namespace.set_item(
                "__doc__",
                "An argument the API refuses (`invalid_argument`): an unknown format, env or algorithm, claims that are not JSON, options that exclude each other. Also a ValueError.",
            )?;
            let class = py.get_type::<PyType>().call1(("InvalidArgument", bases, namespace))?;
            Ok(class.cast_into::<PyType>()?.unbind())
        })
        .map(|t| t.bind(py))
}

/// An `InvalidArgument` (code `invalid_argument`) with `message`.
pub(crate) fn argument(message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| match invalid_argument_type(py) {
        Ok(class) => raise_class(class, "invalid_argument", message),
        Err(e) => e,
    })
}

/// Where an error of the core happened: the same code can belong to different families
/// (`date_out_of_range` is a verification refusal, or a date no verifier could accept when
/// signing).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// Key or certificate import.
    Key,
    /// Signing.
    Sign,
    /// Verification or decoding.
    Verify,
}

const KEY_CODES: &[&str] = &[
    "bad_pem",
    "bad_der",
    "bad_jwk",
    "unsupported_key_type",
    "wrong_curve",
    "invalid_point",
    "invalid_scalar",
    "key_mismatch",
    "key_usage",
];

/// An exception of class `T` with `.code` and the message.
pub(crate) fn raise<T: PyTypeInfo>(py: Python<'_>, code: &str, message: String) -> PyErr {
    let err = PyErr::new::<T, _>(message);
    // Setting an attribute on a fresh exception instance cannot fail in practice; if it
    // did, the exception would still be raised, without `.code`.
    let _ = err.value(py).setattr("code", code);
    err
}

fn class_of<'py>(py: Python<'py>, code: &str, ctx: Ctx) -> Bound<'py, PyType> {
    if KEY_CODES.contains(&code) && ctx != Ctx::Verify || ctx == Ctx::Key {
        return InvalidKey::type_object(py);
    }
    if code == "invalid_policy" {
        return InvalidPolicy::type_object(py);
    }
    if ctx == Ctx::Sign {
        return SigningError::type_object(py);
    }
    match code {
        "expired" => ExpiredToken::type_object(py),
        "not_yet_valid" | "issued_in_future" => NotYetValid::type_object(py),
        "issuer_mismatch"
        | "subject_mismatch"
        | "audience_mismatch"
        | "unexpected_audience"
        | "audience_not_sole"
        | "kid_mismatch"
        | "missing_kid"
        | "lifetime_too_long" => ClaimMismatch::type_object(py),
        _ => InvalidToken::type_object(py),
    }
}

fn raise_class(class: &Bound<'_, PyType>, code: &str, message: String) -> PyErr {
    match class.call1((message.clone(),)) {
        Ok(value) => {
            let _ = value.setattr("code", code);
            PyErr::from_value(value)
        }
        Err(e) => e,
    }
}

/// The core's error as a Python exception of its family.
pub(crate) fn core(py: Python<'_>, e: bearerkit::Error, ctx: Ctx) -> PyErr {
    raise_class(&class_of(py, e.code(), ctx), e.code(), e.to_string())
}

/// An RSA key error (`bearerkit-rsa`): always [`InvalidKey`].
pub(crate) fn rsa(py: Python<'_>, e: bearerkit_rsa::Error) -> PyErr {
    raise::<InvalidKey>(py, e.code(), e.to_string())
}

/// The token client's error.
pub(crate) fn client(py: Python<'_>, e: &bearerkit_client::Error) -> PyErr {
    use bearerkit_client::ErrorKind;
    let message = e.to_string();
    let err = match e.kind() {
        ErrorKind::Assertion(core_error) => {
            let ctx = if KEY_CODES.contains(&core_error.code()) { Ctx::Key } else { Ctx::Sign };
            core(py, *core_error, ctx)
        }
        ErrorKind::RsaKey(rsa_error) => rsa(py, *rsa_error),
        ErrorKind::OAuth(oauth) => {
            let err = raise::<OAuthError>(py, e.code(), message);
            let value = err.value(py);
            let _ = value.setattr("error", oauth.error.as_str());
            let _ = value.setattr("description", oauth.description.as_deref());
            let _ = value.setattr("uri", oauth.uri.as_deref());
            let _ = value.setattr("status", oauth.status);
            err
        }
        ErrorKind::RateLimited { retry_after, .. } => {
            let err = raise::<RateLimited>(py, e.code(), message);
            let _ = err.value(py).setattr("retry_after", retry_after.map(|d| d.as_secs_f64()));
            let _ = err.value(py).setattr("status", 429u16);
            err
        }
        ErrorKind::Config { .. } => raise::<ConfigError>(py, e.code(), message),
        _ => {
            let err = raise::<TransportError>(py, e.code(), message);
            let status = match e.kind() {
                ErrorKind::UnexpectedResponse { status, .. } | ErrorKind::ResponseTooLarge { status, .. } => {
                    Some(*status)
                }
                _ => None,
            };
            let _ = err.value(py).setattr("status", status);
            err
        }
    };
    let _ = err.value(py).setattr("attempts", e.attempts());
    err
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    for (name, class) in [
        ("BearerkitError", BearerkitError::type_object(py)),
        ("InvalidKey", InvalidKey::type_object(py)),
        ("InvalidToken", InvalidToken::type_object(py)),
        ("ExpiredToken", ExpiredToken::type_object(py)),
        ("NotYetValid", NotYetValid::type_object(py)),
        ("ClaimMismatch", ClaimMismatch::type_object(py)),
        ("InvalidPolicy", InvalidPolicy::type_object(py)),
        ("SigningError", SigningError::type_object(py)),
        ("TokenClientError", TokenClientError::type_object(py)),
        ("OAuthError", OAuthError::type_object(py)),
        ("TransportError", TransportError::type_object(py)),
        ("RateLimited", RateLimited::type_object(py)),
        ("ConfigError", ConfigError::type_object(py)),
    ] {
        m.add(name, class)?;
    }
    m.add("InvalidArgument", invalid_argument_type(py)?)?;
    Ok(())
}

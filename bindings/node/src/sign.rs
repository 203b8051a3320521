//! Signing: generic assertions (the core's `Assertion` builder, field for field), the D1 and
//! client-assertion profiles, RSA keys, and external signers (a KMS or an HSM) whose
//! signature is awaited in JavaScript between [`signing_input`] and [`finish_signed`].
//!
//! The assertion's members arrive as positional arguments (cheaper across N-API than an
//! object's properties); `index.js` takes them from the caller's options object.

use crate::args;
use crate::errors::{self, Ctx};
use crate::keys::{RsaSigningKey, SigningKey};
use bearerkit::profile::{client_assertion as ca_profile, d1};
use bearerkit::{Assertion, JwsSigner};
use bearerkit_rsa::RsaAlgorithm;
use napi::bindgen_prelude::{AsyncTask, Buffer, Either, External, Unknown};
use napi::{Env, Task};
use napi_derive::napi;
use std::sync::Arc;

/// The key that signs, with its algorithm.
pub(crate) enum AnySigner {
    /// ES256 with a P-256 key.
    Ec(bearerkit::SigningKey),
    /// RS256 or PS256 with an RSA key.
    Rsa(Arc<bearerkit_rsa::RsaSigningKey>, RsaAlgorithm),
    /// ES256 with a signature made elsewhere (awaited in JavaScript) over the expected
    /// signing input.
    Fixed { input: String, signature: [u8; 64] },
}

impl JwsSigner for AnySigner {
    fn algorithm(&self) -> &str {
        match self {
            Self::Ec(_) | Self::Fixed { .. } => "ES256",
            Self::Rsa(_, alg) => alg.name(),
        }
    }

    fn sign_jws(&self, signing_input: &[u8], out: &mut [u8]) -> Result<usize, bearerkit::Error> {
        match self {
            Self::Ec(key) => key.sign_jws(signing_input, out),
            Self::Rsa(key, alg) => key.signer(*alg).sign_jws(signing_input, out),
            Self::Fixed { input, signature } => {
                // The same members give the same signing input; anything else is refused
                // rather than joined to a signature made over other bytes.
                if input.as_bytes() != signing_input {
                    return Err(bearerkit::Error::SignerFailed);
                }
                out.get_mut(..64).ok_or(bearerkit::Error::SignerFailed)?.copy_from_slice(signature);
                Ok(64)
            }
        }
    }
}

/// The RSA algorithm named by `algorithm` (none: RS256).
pub(crate) fn rsa_algorithm(algorithm: Option<&str>) -> napi::Result<RsaAlgorithm> {
    match algorithm {
        None | Some("RS256") => Ok(RsaAlgorithm::Rs256),
        Some("PS256") => Ok(RsaAlgorithm::Ps256),
        Some(other) => Err(errors::argument(format!("an RsaSigningKey signs RS256 or PS256, not {other}"))),
    }
}

/// The D1 environment from `"stg"` / `"prd"` (or `"staging"` / `"production"`).
pub(crate) fn d1_env(env: &str) -> napi::Result<d1::Env> {
    match env {
        "stg" | "staging" => Ok(d1::Env::Staging),
        "prd" | "production" => Ok(d1::Env::Production),
        _ => Err(errors::argument("env must be \"stg\" or \"prd\"")),
    }
}

/// 32 random hex digits, for a `jti`.
pub(crate) fn random_jti() -> napi::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        errors::encoded("SigningError", "rng_failed", &format!("random number generator failed: {e}"), None)
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Which builder makes the assertion.
#[derive(Clone, Copy)]
enum Profile {
    /// The core's `Assertion`, exactly the members given.
    Exact,
    /// `profile::d1::assertion` (`iss` is the issuer id, `iat` is `now`).
    D1(d1::Env),
    /// `profile::client_assertion::assertion` (`iss` is the client id, `aud` the audience,
    /// `iat` is `now`).
    ClientAssertion,
}

/// `aud`: one string or a list.
#[derive(Clone)]
enum Aud {
    One(String),
    Many(Vec<String>),
}

/// The owned members of an assertion, borrowed by the core's builder when signing.
#[derive(Clone)]
pub(crate) struct Spec {
    profile: Profile,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Aud>,
    exp: Option<u64>,
    expires_in: Option<u64>,
    nbf: Option<u64>,
    iat: Option<u64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<String>,
}

impl Spec {
    /// The spec from the positional arguments `index.js` passes. `profile`: 0 exact, 1 D1
    /// (`env` needed), 2 client assertion. Profiles get a random `jti` unless one is given.
    #[allow(clippy::too_many_arguments)]
    fn new(
        profile: u32,
        env: Option<String>,
        iss: Option<String>,
        sub: Option<String>,
        aud: Option<Either<String, Vec<String>>>,
        exp: Option<f64>,
        expires_in: Option<f64>,
        nbf: Option<f64>,
        iat: Option<f64>,
        jti: Option<String>,
        kid: Option<String>,
        typ: Option<String>,
        claims: Option<String>,
    ) -> napi::Result<Self> {
        let profile = match profile {
            0 => Profile::Exact,
            1 => Profile::D1(d1_env(env.as_deref().unwrap_or(""))?),
            _ => Profile::ClientAssertion,
        };
        // The profiles' `iat` is `now`: the system clock unless given.
        let iat = match (profile, iat) {
            (Profile::Exact, iat) | (_, iat @ Some(_)) => errors::opt_seconds(iat, "iat (now)")?,
            (_, None) => Some(bearerkit::now_unix()),
        };
        let jti = match (profile, jti) {
            (Profile::Exact, jti) => jti,
            (_, Some(jti)) => Some(jti),
            (_, None) => Some(random_jti()?),
        };
        Ok(Self {
            profile,
            iss,
            sub,
            aud: aud.map(|a| match a {
                Either::A(one) => Aud::One(one),
                Either::B(many) => Aud::Many(many),
            }),
            exp: errors::opt_seconds(exp, "exp")?,
            expires_in: errors::opt_seconds(expires_in, "expiresIn")?,
            nbf: errors::opt_seconds(nbf, "nbf")?,
            iat,
            jti,
            kid,
            typ,
            claims,
        })
    }

    /// Run `f` with the core's builder for this spec.
    fn with_assertion<R>(&self, f: impl FnOnce(&Assertion<'_>) -> R) -> R {
        let auds: Vec<&str> = match &self.aud {
            Some(Aud::Many(list)) => list.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        let iss = self.iss.as_deref().unwrap_or("");
        let now = self.iat.unwrap_or_default();
        let jti = self.jti.as_deref().unwrap_or("");
        match self.profile {
            Profile::D1(env) => {
                let mut a = d1::assertion(iss, env, self.kid.as_deref().unwrap_or(""), now).jwt_id(jti);
                if let Some(secs) = self.expires_in {
                    a = a.expires_in(secs);
                }
                f(&a)
            }
            Profile::ClientAssertion => {
                let aud = match &self.aud {
                    Some(Aud::One(a)) => a.as_str(),
                    _ => "",
                };
                let mut a = ca_profile::assertion(iss, aud, jti, now);
                if let Some(secs) = self.expires_in {
                    a = a.expires_in(secs);
                }
                if let Some(kid) = &self.kid {
                    a = a.key_id(kid);
                }
                f(&a)
            }
            Profile::Exact => {
                let mut a = Assertion::new();
                if let Some(v) = &self.iss {
                    a = a.issuer(v);
                }
                if let Some(v) = &self.sub {
                    a = a.subject(v);
                }
                match &self.aud {
                    Some(Aud::One(one)) => a = a.audience(one),
                    Some(Aud::Many(_)) => a = a.audiences(&auds),
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
                f(&a)
            }
        }
    }

    /// The compact JWS signed by `signer` (an [`AnySigner`], or a P-256 key borrowed from its
    /// object without a copy).
    pub(crate) fn sign(&self, signer: &impl JwsSigner) -> napi::Result<String> {
        self.with_assertion(|a| a.sign_with_to_string(signer)).map_err(|e| errors::core(e, Ctx::Sign))
    }

    /// The ES256 signing input `b64(header).b64(claims)`.
    fn signing_input(&self) -> napi::Result<String> {
        let mut size = 2048usize;
        loop {
            let mut buf = vec![0u8; size];
            match self.with_assertion(|a| a.signing_input(&mut buf).map(str::to_owned)) {
                Ok(s) => return Ok(s),
                Err(bearerkit::Error::BufferTooSmall) if size < (1 << 20) => size *= 4,
                Err(e) => return Err(errors::core(e, Ctx::Sign)),
            }
        }
    }
}

macro_rules! spec_args {
    ($($name:ident),*) => {
        Spec::new($($name),*)?
    };
}

/// Sign with a P-256 key (ES256; the key's `_handle()`). Arguments: the spec (see
/// [`Spec::new`]).
///
/// # Errors
/// The core's signing codes (`date_out_of_range`, `claims_not_object`, ...), or
/// `invalid_argument`.
#[napi(js_name = "_signEs256")]
#[allow(clippy::too_many_arguments)]
pub fn sign_es256(
    key: &External<Arc<bearerkit::SigningKey>>,
    profile: u32,
    env: Option<String>,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Either<String, Vec<String>>>,
    exp: Option<f64>,
    expires_in: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<String>,
) -> napi::Result<String> {
    let spec = spec_args!(profile, env, iss, sub, aud, exp, expires_in, nbf, iat, jti, kid, typ, claims);
    let key: &bearerkit::SigningKey = key;
    spec.sign(key)
}

/// [`sign_es256`] for the D1 and client-assertion profiles (`profile` 1 or 2), with only
/// the members they take: `d1Assertion` and `clientAssertion` pass these nine arguments
/// instead of fourteen (each argument is an N-API conversion per call), and the strings are
/// read with one N-API call each ([`args::opt_string`]).
///
/// # Errors
/// As [`sign_es256`].
#[napi(js_name = "_signProfileEs256")]
#[allow(clippy::too_many_arguments)]
pub fn sign_profile_es256(
    key: &External<Arc<bearerkit::SigningKey>>,
    profile: u32,
    env: Unknown<'_>,
    iss: Unknown<'_>,
    aud: Option<Either<String, Vec<String>>>,
    expires_in: Option<f64>,
    iat: Option<f64>,
    jti: Unknown<'_>,
    kid: Unknown<'_>,
) -> napi::Result<String> {
    let (env, iss) = (args::opt_string(&env)?, args::opt_string(&iss)?);
    let (jti, kid) = (args::opt_string(&jti)?, args::opt_string(&kid)?);
    let spec = Spec::new(profile, env, iss, None, aud, None, expires_in, None, iat, jti, kid, None, None)?;
    let key: &bearerkit::SigningKey = key;
    spec.sign(key)
}

/// Sign with an RSA key (`algorithm` RS256, the default, or PS256).
///
/// # Errors
/// As [`sign_es256`].
#[napi(js_name = "_signRsa")]
#[allow(clippy::too_many_arguments)]
pub fn sign_rsa(
    key: &RsaSigningKey,
    algorithm: Option<String>,
    profile: u32,
    env: Option<String>,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Either<String, Vec<String>>>,
    exp: Option<f64>,
    expires_in: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<String>,
) -> napi::Result<String> {
    let alg = rsa_algorithm(algorithm.as_deref())?;
    let spec = spec_args!(profile, env, iss, sub, aud, exp, expires_in, nbf, iat, jti, kid, typ, claims);
    spec.sign(&AnySigner::Rsa(Arc::clone(&key.key), alg))
}

/// Signing off the main thread (libuv's thread pool).
pub struct SignTask {
    spec: Spec,
    signer: AnySigner,
}

impl Task for SignTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<String> {
        self.spec.sign(&self.signer)
    }

    fn resolve(&mut self, _env: Env, output: String) -> napi::Result<String> {
        Ok(output)
    }
}

/// [`sign_es256`] off the main thread.
///
/// # Errors
/// `invalid_argument` for unusable arguments; signing errors reject the promise.
#[napi(js_name = "_signEs256Async")]
#[allow(clippy::too_many_arguments)]
pub fn sign_es256_async(
    key: &SigningKey,
    profile: u32,
    env: Option<String>,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Either<String, Vec<String>>>,
    exp: Option<f64>,
    expires_in: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<String>,
) -> napi::Result<AsyncTask<SignTask>> {
    let spec = spec_args!(profile, env, iss, sub, aud, exp, expires_in, nbf, iat, jti, kid, typ, claims);
    Ok(AsyncTask::new(SignTask { spec, signer: AnySigner::Ec(bearerkit::SigningKey::clone(&key.key)) }))
}

/// [`sign_rsa`] off the main thread.
///
/// # Errors
/// As [`sign_es256_async`].
#[napi(js_name = "_signRsaAsync")]
#[allow(clippy::too_many_arguments)]
pub fn sign_rsa_async(
    key: &RsaSigningKey,
    algorithm: Option<String>,
    profile: u32,
    env: Option<String>,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Either<String, Vec<String>>>,
    exp: Option<f64>,
    expires_in: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<String>,
) -> napi::Result<AsyncTask<SignTask>> {
    let alg = rsa_algorithm(algorithm.as_deref())?;
    let spec = spec_args!(profile, env, iss, sub, aud, exp, expires_in, nbf, iat, jti, kid, typ, claims);
    Ok(AsyncTask::new(SignTask { spec, signer: AnySigner::Rsa(Arc::clone(&key.key), alg) }))
}

/// The first half of external (KMS/HSM) signing: the ES256 signing input of the spec, with
/// the `jti` it signs (a profile's random one, or the one given), as `[signingInput, jti]`
/// (`[signingInput]` without a `jti`) for [`finish_signed`].
///
/// # Errors
/// As [`sign_es256`].
#[napi(js_name = "_signingInput")]
#[allow(clippy::too_many_arguments)]
pub fn signing_input(
    profile: u32,
    env: Option<String>,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Either<String, Vec<String>>>,
    exp: Option<f64>,
    expires_in: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<String>,
) -> napi::Result<Vec<String>> {
    let spec = spec_args!(profile, env, iss, sub, aud, exp, expires_in, nbf, iat, jti, kid, typ, claims);
    let input = spec.signing_input()?;
    Ok(core::iter::once(input).chain(spec.jti).collect())
}

/// The second half of external signing: the token for the same spec (and the `jti` the
/// first half returned) with `signature`, the external signer's P-256 ECDSA signature of the
/// signing input, raw (64 bytes `r‖s`) or DER (converted by the core's
/// `der_to_raw_signature`). The core writes the token again and refuses
/// (`signer_failed`) if its signing input differs.
///
/// # Errors
/// `bad_der_signature`, `signature_range`, `signer_failed`, or the core's signing codes.
#[napi(js_name = "_finishSigned")]
#[allow(clippy::too_many_arguments)]
pub fn finish_signed(
    signature: Buffer,
    signed_input: String,
    profile: u32,
    env: Option<String>,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Either<String, Vec<String>>>,
    exp: Option<f64>,
    expires_in: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<String>,
) -> napi::Result<String> {
    let spec = spec_args!(profile, env, iss, sub, aud, exp, expires_in, nbf, iat, jti, kid, typ, claims);
    let raw = if signature.len() == 64 {
        let mut raw = [0u8; 64];
        raw.copy_from_slice(&signature);
        raw
    } else {
        bearerkit::der_to_raw_signature(&signature).map_err(|e| errors::core(e, Ctx::Sign))?
    };
    // r and s must be in 1..n, as for any ES256 signature.
    bearerkit::p256::ecdsa::Signature::from_slice(&raw)
        .map_err(|_| errors::core(bearerkit::Error::SignatureRange, Ctx::Sign))?;
    spec.sign(&AnySigner::Fixed { input: signed_input, signature: raw })
}

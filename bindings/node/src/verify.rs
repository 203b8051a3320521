//! Verification with the core's strict contract: `verify` (any policy; every option left
//! `undefined` is the core's default), the D1 and client-assertion profiles, key sets, work
//! off the main thread, and `decodeUnverified`.
//!
//! A verified token comes back as one string, `headerJson U+001F claimsJson` (JSON text
//! never contains a raw U+001F), which `index.js` splits and parses when read.

use crate::args;
use crate::errors::{self, Ctx};
use crate::keys::{EcKey, KeySet, KeySetInner, VerifyingKey};
use crate::sign::d1_env;
use bearerkit::profile::{client_assertion, d1};
use bearerkit::{PolicyOptions, Validation, dangerous};
use napi::bindgen_prelude::{AsyncTask, External, Unknown};
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
    /// The profile's issuer id (D1) or client id (client assertion); unused for `Plain`.
    profile_id: String,
    /// The D1 profile's `kid`.
    profile_kid: String,
    now: u64,
    /// Every other option (each left `None` keeps the profile's or the core's rule).
    policy: PolicyOptions,
}

impl Options {
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
        let mut policy = PolicyOptions {
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
            issuer_equals_subject: issuer_equals_subject.unwrap_or(false),
            sole_audience: sole_audience.unwrap_or(false),
            audience_as_string: audience_as_string.unwrap_or(false),
            dangerous_allow_missing_exp: allow_missing_exp.unwrap_or(false),
        };
        // For the profiles, `issuer` is the issuer id or client id, and D1's `kid` is the
        // profile's own: they go into the base validation, not on top of it.
        let profile_id = if matches!(profile, Profile::Plain) {
            String::new()
        } else {
            policy.issuer.take().unwrap_or_default()
        };
        let profile_kid = if matches!(profile, Profile::D1(_)) {
            policy.kid.take().unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Self {
            profile,
            profile_id,
            profile_kid,
            now: errors::opt_seconds(now, "now")?.unwrap_or_else(bearerkit::now_unix),
            policy,
        })
    }

    fn with_policy<R>(&self, f: impl FnOnce(&Validation<'_>) -> R) -> R {
        let first_audience = self.policy.audience.as_ref().and_then(|l| l.first()).map_or("", String::as_str);
        let base = match self.profile {
            Profile::Plain => Validation::new(self.now),
            Profile::D1(env) => d1::validation(&self.profile_id, env, &self.profile_kid, self.now),
            Profile::ClientAssertion => {
                client_assertion::validation(&self.profile_id, first_audience, self.now)
            }
        };
        self.policy.with_validation(base, f)
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
            token: Unknown<'_>,
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
            args::with_token(&token, |token| {
                let options = options_args!(
                    profile, env, issuer, audience, any_audience, subject, kid, require_kid, typ,
                    leeway, max_lifetime, max_expiry_ahead, required, max_bytes, now,
                    issuer_equals_subject, sole_audience, audience_as_string, allow_missing_exp
                );
                let any: fn(&$key_ty) -> AnyKey = $any;
                run(token, &any(key), &options)
            })
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
    /// Verify with one P-256 key (its `_handle()`).
    verify_key, "_verifyKey", External<Arc<EcKey>>, |k| AnyKey::One(Arc::clone(k)), sync
);
verify_fn!(
    /// Verify with a key set (its `_handle()`; the key chosen by the token's `kid`).
    verify_set, "_verifySet", External<Arc<KeySetInner>>, |s| AnyKey::Set(Arc::clone(s)), sync
);

/// Verify with a profile's policy (`profile` 1 D1, 2 client assertion) and only the options
/// the profiles take: `verifyD1Assertion` and `verifyClientAssertion` pass these ten
/// arguments instead of twenty-one (each argument is an N-API conversion per call). The
/// entry points read the token and the strings with one N-API call each ([`args`]).
#[allow(clippy::too_many_arguments)]
fn verify_profile(
    token: &str,
    key: &AnyKey,
    profile: u32,
    env: Option<String>,
    issuer: Option<String>,
    audience: Option<Vec<String>>,
    kid: Option<String>,
    leeway: Option<f64>,
    max_lifetime: Option<f64>,
    now: Option<f64>,
) -> napi::Result<String> {
    let options = Options::new(
        profile,
        env,
        issuer,
        audience,
        None,
        None,
        kid,
        None,
        None,
        leeway,
        max_lifetime,
        None,
        None,
        None,
        now,
        None,
        None,
        None,
        None,
    )?;
    run(token, key, &options)
}

/// [`verify_profile`] with one P-256 key (its `_handle()`).
///
/// # Errors
/// As [`verify_key`].
#[napi(js_name = "_verifyProfileKey")]
#[allow(clippy::too_many_arguments)]
pub fn verify_profile_key(
    token: Unknown<'_>,
    key: &External<Arc<EcKey>>,
    profile: u32,
    env: Unknown<'_>,
    issuer: Unknown<'_>,
    audience: Option<Vec<String>>,
    kid: Unknown<'_>,
    leeway: Option<f64>,
    max_lifetime: Option<f64>,
    now: Option<f64>,
) -> napi::Result<String> {
    profile_entry(
        &token,
        &AnyKey::One(Arc::clone(key)),
        profile,
        [&env, &issuer, &kid],
        audience,
        leeway,
        max_lifetime,
        now,
    )
}

/// [`verify_profile`] with a key set (its `_handle()`).
///
/// # Errors
/// As [`verify_key`].
#[napi(js_name = "_verifyProfileSet")]
#[allow(clippy::too_many_arguments)]
pub fn verify_profile_set(
    token: Unknown<'_>,
    key: &External<Arc<KeySetInner>>,
    profile: u32,
    env: Unknown<'_>,
    issuer: Unknown<'_>,
    audience: Option<Vec<String>>,
    kid: Unknown<'_>,
    leeway: Option<f64>,
    max_lifetime: Option<f64>,
    now: Option<f64>,
) -> napi::Result<String> {
    profile_entry(
        &token,
        &AnyKey::Set(Arc::clone(key)),
        profile,
        [&env, &issuer, &kid],
        audience,
        leeway,
        max_lifetime,
        now,
    )
}

/// The body of [`verify_profile_key`] and [`verify_profile_set`]: the token and the short
/// strings (`env`, issuer, `kid`) read with one N-API call each, then [`verify_profile`].
#[allow(clippy::too_many_arguments)]
fn profile_entry(
    token: &Unknown<'_>,
    key: &AnyKey,
    profile: u32,
    [env, issuer, kid]: [&Unknown<'_>; 3],
    audience: Option<Vec<String>>,
    leeway: Option<f64>,
    max_lifetime: Option<f64>,
    now: Option<f64>,
) -> napi::Result<String> {
    args::with_token(token, |token| {
        let (env, issuer, kid) = (args::opt_string(env)?, args::opt_string(issuer)?, args::opt_string(kid)?);
        verify_profile(token, key, profile, env, issuer, audience, kid, leeway, max_lifetime, now)
    })
}

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

//! The validation policy.

use crate::{Error, JsonStr};

/// Default size limit for a token, in bytes.
pub const DEFAULT_MAX_BYTES: usize = 8192;
/// Default clock-skew leeway, in seconds.
pub const DEFAULT_LEEWAY: u64 = 60;
/// Default accepted `typ` values.
pub const DEFAULT_TYP: &[&str] = &["JWT"];
/// Default required claims.
pub const DEFAULT_REQUIRED: &[&str] = &["exp"];

/// Which audiences a token may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudiencePolicy<'a> {
    /// `aud` is not checked.
    Any,
    /// `aud` must contain this value.
    One(&'a str),
    /// `aud` must contain one of these values.
    OneOf(&'a [&'a str]),
}

impl AudiencePolicy<'_> {
    pub(crate) fn accepts(&self, aud: &JsonStr<'_>) -> bool {
        match self {
            Self::Any => true,
            Self::One(a) => aud.eq_str(a),
            Self::OneOf(list) => list.iter().any(|a| aud.eq_str(a)),
        }
    }
}

/// What a token must satisfy to verify: the verification contract of `DESIGN.md`.
///
/// `now` is always given by the caller; the core never reads a clock. Every other field
/// has a strict default, listed on its setter.
///
/// ```
/// use bearerkit::Validation;
/// let policy = Validation::new(1_700_000_000)
///     .issuer("issuer-123")
///     .audience("prd")
///     .kid("k1")
///     .leeway(30)
///     .max_lifetime(900);
/// assert_eq!(policy.now(), 1_700_000_000);
/// ```
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct Validation<'a> {
    pub(crate) now: u64,
    pub(crate) leeway: u64,
    pub(crate) max_lifetime: Option<u64>,
    pub(crate) max_expiry_ahead: Option<u64>,
    pub(crate) issuer: Option<&'a str>,
    pub(crate) subject: Option<&'a str>,
    pub(crate) audience: AudiencePolicy<'a>,
    pub(crate) kid: Option<&'a str>,
    pub(crate) require_kid: bool,
    pub(crate) iss_equals_sub: bool,
    pub(crate) typ: &'a [&'a str],
    pub(crate) required: &'a [&'a str],
    pub(crate) max_bytes: usize,
}

impl<'a> Validation<'a> {
    /// A policy evaluated at `now` (seconds since the epoch).
    pub const fn new(now: u64) -> Self {
        Self {
            now,
            leeway: DEFAULT_LEEWAY,
            max_lifetime: None,
            max_expiry_ahead: None,
            issuer: None,
            subject: None,
            audience: AudiencePolicy::Any,
            kid: None,
            require_kid: false,
            iss_equals_sub: false,
            typ: DEFAULT_TYP,
            required: DEFAULT_REQUIRED,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// The time the policy is evaluated at.
    #[must_use]
    pub const fn now(&self) -> u64 {
        self.now
    }

    /// Change the evaluation time.
    pub const fn at(mut self, now: u64) -> Self {
        self.now = now;
        self
    }

    /// Clock-skew leeway in seconds for `exp`, `nbf` and `iat`. Defaults to 60; 0 is allowed.
    pub const fn leeway(mut self, secs: u64) -> Self {
        self.leeway = secs;
        self
    }

    /// Maximum lifetime: `exp − iat` (or `exp − now` without `iat`) must not exceed it.
    /// Defaults to no limit.
    pub const fn max_lifetime(mut self, secs: u64) -> Self {
        self.max_lifetime = Some(secs);
        self
    }

    /// Latest accepted expiry relative to now: `exp` must not be later than `now + secs`
    /// (the D1 rule "exp at most 15 minutes ahead"; no leeway, so that an `iat` a little in
    /// the future cannot stretch it); refused with [`Error::LifetimeTooLong`]. Defaults to
    /// no limit.
    pub const fn max_expiry_ahead(mut self, secs: u64) -> Self {
        self.max_expiry_ahead = Some(secs);
        self
    }

    /// Expected `iss`, matched exactly. Defaults to not checked.
    pub const fn issuer(mut self, iss: &'a str) -> Self {
        self.issuer = Some(iss);
        self
    }

    /// Expected `sub`, matched exactly. Defaults to not checked.
    pub const fn subject(mut self, sub: &'a str) -> Self {
        self.subject = Some(sub);
        self
    }

    /// Require `iss` and `sub` to be present and equal (RFC 7523 §2.2 client assertions,
    /// the D1 profile). Defaults to off.
    pub const fn issuer_equals_subject(mut self, on: bool) -> Self {
        self.iss_equals_sub = on;
        self
    }

    /// Expected audience: `aud` (a string or an array) must contain it. Defaults to not
    /// checked.
    pub const fn audience(mut self, aud: &'a str) -> Self {
        self.audience = AudiencePolicy::One(aud);
        self
    }

    /// Accepted audiences: `aud` must contain one of them. Defaults to not checked.
    pub const fn audiences(mut self, auds: &'a [&'a str]) -> Self {
        self.audience = AudiencePolicy::OneOf(auds);
        self
    }

    /// Expected header `kid`: a token carrying another `kid` is refused. Defaults to any.
    pub const fn kid(mut self, kid: &'a str) -> Self {
        self.kid = Some(kid);
        self
    }

    /// Whether a `kid` header must be present. Defaults to false (on in the `d1` profile).
    pub const fn require_kid(mut self, on: bool) -> Self {
        self.require_kid = on;
        self
    }

    /// Accepted `typ` values (case-insensitive, `application/` prefix optional); a token
    /// without `typ` is always accepted. An empty list refuses any `typ`. Defaults to `["JWT"]`.
    pub const fn typ(mut self, accepted: &'a [&'a str]) -> Self {
        self.typ = accepted;
        self
    }

    /// Claims that must be present and non-null. Defaults to `["exp"]`.
    pub const fn required(mut self, claims: &'a [&'a str]) -> Self {
        self.required = claims;
        self
    }

    /// Maximum token length in bytes, checked before any decoding. Defaults to 8192.
    pub const fn max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }

    /// Check that the policy itself is sensible.
    ///
    /// # Errors
    /// [`Error::InvalidPolicy`] when `max_bytes` is 0, `now`, `leeway` or `max_lifetime`
    /// exceed the NumericDate range, or an accepted audience list is empty.
    pub const fn check(&self) -> Result<(), Error> {
        let max = crate::verify::MAX_DATE;
        let lifetime_ok = match (self.max_lifetime, self.max_expiry_ahead) {
            (Some(l), _) if l > max => false,
            (_, Some(a)) if a > max => false,
            _ => true,
        };
        let aud_ok = match self.audience {
            AudiencePolicy::OneOf(list) => !list.is_empty(),
            _ => true,
        };
        if self.max_bytes == 0 || self.now > max || self.leeway > max || !lifetime_ok || !aud_ok {
            return Err(Error::InvalidPolicy);
        }
        Ok(())
    }
}

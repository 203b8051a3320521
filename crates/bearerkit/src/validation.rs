//! The validation policy.

use crate::{Error, JsonStr};

/// Default size limit for a token, in bytes.
pub const DEFAULT_MAX_BYTES: usize = 8192;
/// Default clock-skew leeway, in seconds.
pub const DEFAULT_LEEWAY: u64 = 60;
/// Largest leeway a policy accepts (one hour): a larger one is [`Error::InvalidPolicy`],
/// since a leeway of years would turn expiry off.
pub const MAX_LEEWAY: u64 = 3600;
/// Default accepted `typ` values.
pub const DEFAULT_TYP: &[&str] = &["JWT"];
/// Claims every policy requires: `exp`. [`Validation::required`] adds to it; only
/// [`crate::dangerous::allow_missing_exp`] removes it.
pub const DEFAULT_REQUIRED: &[&str] = &["exp"];

/// Which audiences a token may carry (see [`Validation::audience_policy`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AudiencePolicy<'a> {
    /// No audience is expected: a token that carries `aud` is refused with
    /// [`Error::UnexpectedAudience`]. The default, so that forgetting
    /// [`Validation::audience`] fails closed.
    Absent,
    /// `aud` is not checked at all: only through [`Validation::any_audience`].
    Any,
    /// `aud` must contain this value.
    One(&'a str),
    /// `aud` must contain one of these values.
    OneOf(&'a [&'a str]),
}

impl AudiencePolicy<'_> {
    pub(crate) fn accepts(&self, aud: &JsonStr<'_>) -> bool {
        match self {
            Self::Absent => false,
            Self::Any => true,
            Self::One(a) => aud.eq_str(a),
            Self::OneOf(list) => list.iter().any(|a| aud.eq_str(a)),
        }
    }
}

/// What a token must satisfy to verify (the contract is in `SECURITY.md` and the
/// [`crate::verify()`] docs).
///
/// `now` is always given by the caller; the core never reads a clock. Every other field
/// has a strict default that fails closed:
///
/// | setting | default | how to change it |
/// |---|---|---|
/// | `exp` | required; expired when `now ≥ exp + leeway` | only [`crate::dangerous::allow_missing_exp`] drops the requirement |
/// | required claims | `exp` | [`Validation::required`] adds claims, never removes `exp` |
/// | `aud` | a token carrying `aud` is refused (`unexpected_audience`) | [`Validation::audience`] / [`Validation::audiences`] name the accepted ones; [`Validation::any_audience`] turns the check off |
/// | `aud` shape | a string or an array | [`Validation::sole_audience`] (one audience), [`Validation::audience_as_string`] (a string only) |
/// | leeway | 60 s for `exp`, `nbf`, `iat` | [`Validation::leeway`], at most [`MAX_LEEWAY`] (one hour) |
/// | lifetime | not limited | [`Validation::max_lifetime`] (also makes `iat` required), [`Validation::max_expiry_ahead`] |
/// | `iss`, `sub`, `kid` | not checked | [`Validation::issuer`], [`Validation::subject`], [`Validation::kid`], [`Validation::require_kid`] |
/// | `typ` | absent or `JWT` | [`Validation::typ`] |
/// | size | 8 KiB | [`Validation::max_bytes`] (the JSON checks stay linear in the size) |
/// | `alg` | `ES256` only; `crit` always refused | not configurable |
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
    pub(crate) require_exp: bool,
    /// 0: any `aud` shape; 1: at most one audience; 2: a JSON string only.
    pub(crate) aud_shape: u8,
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
            audience: AudiencePolicy::Absent,
            kid: None,
            require_kid: false,
            iss_equals_sub: false,
            typ: DEFAULT_TYP,
            required: &[],
            require_exp: true,
            aud_shape: 0,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// The time the policy is evaluated at.
    #[must_use]
    pub const fn now(&self) -> u64 {
        self.now
    }

    /// The audience rule in force ([`AudiencePolicy::Absent`] unless set), so that a binding
    /// or a caller can show what the policy checks.
    #[must_use]
    pub const fn audience_policy(&self) -> AudiencePolicy<'a> {
        self.audience
    }

    /// Whether `exp` is required (always, unless [`crate::dangerous::allow_missing_exp`]).
    #[must_use]
    pub const fn requires_exp(&self) -> bool {
        self.require_exp
    }

    /// The leeway in seconds.
    #[must_use]
    pub const fn leeway_secs(&self) -> u64 {
        self.leeway
    }

    /// Change the evaluation time.
    pub const fn at(mut self, now: u64) -> Self {
        self.now = now;
        self
    }

    /// Clock-skew leeway in seconds for `exp`, `nbf` and `iat`. Defaults to 60; 0 is allowed;
    /// above [`MAX_LEEWAY`] (one hour) the policy is [`Error::InvalidPolicy`].
    pub const fn leeway(mut self, secs: u64) -> Self {
        self.leeway = secs;
        self
    }

    /// Maximum lifetime: `exp − iat` must not exceed it; `iat` becomes a required claim
    /// (a token without it is [`Error::MissingClaim`]). Defaults to no limit.
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

    /// Expected audience: `aud` (a string or an array) must contain it. Without this,
    /// [`Self::audiences`] or [`Self::any_audience`], a token carrying `aud` is refused
    /// with [`Error::UnexpectedAudience`].
    pub const fn audience(mut self, aud: &'a str) -> Self {
        self.audience = AudiencePolicy::One(aud);
        self
    }

    /// Accepted audiences: `aud` must contain one of them. An empty list is
    /// [`Error::InvalidPolicy`].
    pub const fn audiences(mut self, auds: &'a [&'a str]) -> Self {
        self.audience = AudiencePolicy::OneOf(auds);
        self
    }

    /// Require a sole audience: an `aud` array with more than one member is refused with
    /// [`Error::AudienceNotSole`] (a string, or an array of one, passes to the audience check).
    /// The client-assertion profile turns it on, as OpenID Connect, FAPI 2.0 and Keycloak
    /// 26.2 do for client assertions (several audiences invite audience injection). Off by
    /// default for other grants.
    pub const fn sole_audience(mut self, on: bool) -> Self {
        self.aud_shape = if on { 1 } else { 0 };
        self
    }

    /// Require `aud` to be a JSON string (FAPI 2.0 for client assertions): any array, even of
    /// one member, is refused with [`Error::AudienceNotSole`]. Implies [`Self::sole_audience`].
    pub const fn audience_as_string(mut self, on: bool) -> Self {
        self.aud_shape = if on { 2 } else { 0 };
        self
    }

    /// Accept any `aud`, or none: the audience is NOT checked.
    ///
    /// <div class="warning">
    /// RFC 7523 §3 and RFC 8725 §3.9 want the recipient to check that it is the audience:
    /// without that check, a token minted for another service (another environment, another
    /// tenant) is accepted here. Use this only when the audience is checked elsewhere.
    /// </div>
    pub const fn any_audience(mut self) -> Self {
        self.audience = AudiencePolicy::Any;
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

    /// Claims that must be present and non-null, in addition to `exp` (always required,
    /// see [`DEFAULT_REQUIRED`]). A second call replaces the list of the first; `exp`
    /// stays required whatever the list holds.
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
    /// [`Error::InvalidPolicy`] when `max_bytes` is 0, `leeway` exceeds [`MAX_LEEWAY`],
    /// `now` or `max_lifetime` exceed the NumericDate range, or an accepted audience list
    /// is empty.
    pub const fn check(&self) -> Result<(), Error> {
        let max = crate::date::MAX_DATE;
        let lifetime_ok = match (self.max_lifetime, self.max_expiry_ahead) {
            (Some(l), _) if l > max => false,
            (_, Some(a)) if a > max => false,
            _ => true,
        };
        let aud_ok = match self.audience {
            AudiencePolicy::OneOf(list) => !list.is_empty(),
            _ => true,
        };
        if self.max_bytes == 0 || self.now > max || self.leeway > MAX_LEEWAY || !lifetime_ok || !aud_ok {
            return Err(Error::InvalidPolicy);
        }
        Ok(())
    }
}

//! Presets for each flow: the assertion builder and the matching [`Validation`].

#[cfg(feature = "sign")]
use crate::Assertion;
#[cfg(feature = "verify")]
use crate::Validation;

/// Thales D1 inbound JWT-bearer grant (`docs/thales-d1-inbound.md`).
///
/// The issuer backend signs an ES256 assertion with `kid` (mandatory), `iss` = `sub` = the
/// issuer / merchant gateway id, `aud` `stg` or `prd`, and `exp` at most 15 minutes ahead.
pub mod d1 {
    #[cfg(feature = "sign")]
    use super::Assertion;
    #[cfg(feature = "verify")]
    use super::Validation;

    /// The longest assertion lifetime D1 accepts: 15 minutes.
    pub const MAX_LIFETIME: u64 = 900;
    /// The lifetime [`assertion`] gives by default: 5 minutes, well inside D1's limit even
    /// with clock skew.
    pub const DEFAULT_LIFETIME: u64 = 300;
    /// The `grant_type` of the token request (RFC 7523 §2.1).
    pub const GRANT_TYPE: &str = crate::protocol::GRANT_TYPE_JWT_BEARER;
    /// Production base URL.
    pub const PRODUCTION_URL: &str = crate::protocol::D1_PRODUCTION_URL;
    /// Staging base URL.
    pub const STAGING_URL: &str = crate::protocol::D1_STAGING_URL;
    /// The accepted `typ` values.
    pub const TYP: &[&str] = &["JWT"];
    /// The claims a D1 assertion must carry.
    pub const REQUIRED: &[&str] = &["iss", "sub", "aud", "exp"];

    /// D1 environment: decides `aud`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Env {
        /// `aud` = `stg`.
        Staging,
        /// `aud` = `prd`.
        Production,
    }

    impl Env {
        /// The `aud` value.
        #[must_use]
        pub const fn audience(self) -> &'static str {
            match self {
                Self::Staging => "stg",
                Self::Production => "prd",
            }
        }
        /// The token endpoint base URL.
        #[must_use]
        pub const fn base_url(self) -> &'static str {
            match self {
                Self::Staging => STAGING_URL,
                Self::Production => PRODUCTION_URL,
            }
        }
        /// The token endpoint: [`Self::base_url`] + `/oauth2/token`.
        #[must_use]
        pub const fn token_url(self) -> &'static str {
            match self {
                Self::Staging => crate::protocol::D1_STAGING_TOKEN_URL,
                Self::Production => crate::protocol::D1_PRODUCTION_TOKEN_URL,
            }
        }
    }

    #[cfg(feature = "sign")]
    /// A D1 assertion: header `typ` `JWT` and `kid`; `iss` = `sub` = `issuer_id`; `aud` from
    /// `env`; `iat` = `now`; `exp` = `now` + [`DEFAULT_LIFETIME`] (change it with
    /// [`Assertion::expires_in`], at most [`MAX_LIFETIME`]).
    ///
    /// ```
    /// # fn main() -> Result<(), bearerkit::Error> {
    /// use bearerkit::{profile::d1, SigningKey};
    /// let key = SigningKey::from_bytes(&[7u8; 32])?;
    /// let mut buf = [0u8; 512];
    /// let token = d1::assertion("MGW_ID", d1::Env::Production, "k1", 1_700_000_000).sign(&key, &mut buf)?;
    /// let policy = d1::validation("MGW_ID", d1::Env::Production, "k1", 1_700_000_000);
    /// let mut scratch = [0u8; 512];
    /// bearerkit::verify(token, &key.verifying_key(), &policy, &mut scratch)?;
    /// # Ok(()) }
    /// ```
    pub const fn assertion<'a>(issuer_id: &'a str, env: Env, kid: &'a str, now: u64) -> Assertion<'a> {
        Assertion::new()
            .typ("JWT")
            .key_id(kid)
            .issuer(issuer_id)
            .subject(issuer_id)
            .audience(env.audience())
            .issued_at(now)
            .expires_in(DEFAULT_LIFETIME)
    }

    #[cfg(feature = "verify")]
    /// What a D1-style server checks: `kid` present and equal to `kid`; `iss` = `sub` =
    /// `issuer_id`; `aud` from `env`; `exp` and `iat` required; `exp − iat` ≤ 15 minutes and
    /// `exp` at most 15 minutes after `now`.
    ///
    /// D1's documentation names `iss`, `sub`, `aud` and `exp`; `iat` is required here
    /// because the lifetime limit is measured from it ([`Validation::max_lifetime`]).
    /// [`assertion`] always sets it.
    pub const fn validation<'a>(issuer_id: &'a str, env: Env, kid: &'a str, now: u64) -> Validation<'a> {
        Validation::new(now)
            .require_kid(true)
            .kid(kid)
            .issuer(issuer_id)
            .subject(issuer_id)
            .issuer_equals_subject(true)
            .audience(env.audience())
            .required(REQUIRED)
            .typ(TYP)
            .max_lifetime(MAX_LIFETIME)
            .max_expiry_ahead(MAX_LIFETIME)
    }
}

/// Client authentication with a JWT (RFC 7523 §2.2 / §3, OpenID Connect `private_key_jwt`),
/// as Worldline Open Banking (Keycloak) takes it: `iss` = `sub` = client id,
/// `aud` = the token endpoint, a unique `jti`; `kid` = the signing certificate's SHA-1
/// fingerprint in upper-case hex (see [`crate::CertificateThumbprints::sha1_hex`]).
pub mod client_assertion {
    #[cfg(feature = "sign")]
    use super::Assertion;
    #[cfg(feature = "verify")]
    use super::Validation;

    /// `client_assertion_type` form value (RFC 7523 §2.2).
    pub const ASSERTION_TYPE: &str = crate::protocol::CLIENT_ASSERTION_TYPE;
    /// Optional explicit `typ` for client authentication JWTs.
    pub const TYP_CLIENT_AUTH: &str = "client-authentication+jwt";
    /// Accepted `typ` values.
    pub const TYP: &[&str] = &["JWT", TYP_CLIENT_AUTH];
    /// Lifetime given by [`assertion`]: 60 seconds.
    pub const DEFAULT_LIFETIME: u64 = 60;
    /// Default maximum lifetime accepted by [`validation`]: one hour.
    pub const DEFAULT_MAX_LIFETIME: u64 = 3600;
    /// The claims a client assertion must carry.
    pub const REQUIRED: &[&str] = &["iss", "sub", "aud", "exp", "jti"];

    #[cfg(feature = "sign")]
    /// A client assertion: `iss` = `sub` = `client_id`, `aud` = `token_endpoint`, `jti`,
    /// `iat` = `now`, `exp` = `now` + 60 s. Add `.key_id(fingerprint)` for Worldline.
    pub const fn assertion<'a>(
        client_id: &'a str,
        token_endpoint: &'a str,
        jti: &'a str,
        now: u64,
    ) -> Assertion<'a> {
        Assertion::new()
            .issuer(client_id)
            .subject(client_id)
            .audience(token_endpoint)
            .jwt_id(jti)
            .issued_at(now)
            .expires_in(DEFAULT_LIFETIME)
    }

    #[cfg(feature = "verify")]
    /// What the token endpoint checks: `iss` = `sub` = `client_id`, `aud` = `token_endpoint`
    /// (use [`Validation::audiences`] to also accept the realm issuer URL) as the sole
    /// audience (an `aud` array of several is refused, [`Validation::sole_audience`]), `jti`
    /// and `iat` present, lifetime `exp − iat` ≤ one hour. Replay of `jti` is the server's job (it
    /// keeps the seen ids).
    pub const fn validation<'a>(client_id: &'a str, token_endpoint: &'a str, now: u64) -> Validation<'a> {
        Validation::new(now)
            .issuer(client_id)
            .subject(client_id)
            .issuer_equals_subject(true)
            .audience(token_endpoint)
            .sole_audience(true)
            .required(REQUIRED)
            .typ(TYP)
            .max_lifetime(DEFAULT_MAX_LIFETIME)
    }
}

/// The plain JWT-bearer authorization grant (RFC 7523 §2.1, §3): `iss`, `sub`, `aud` and
/// `exp` required.
pub mod rfc7523 {
    #[cfg(feature = "sign")]
    use super::Assertion;
    #[cfg(feature = "verify")]
    use super::Validation;

    /// `grant_type` form value (RFC 7523 §2.1).
    pub const GRANT_TYPE: &str = crate::protocol::GRANT_TYPE_JWT_BEARER;
    /// Lifetime given by [`assertion`]: 5 minutes.
    pub const DEFAULT_LIFETIME: u64 = 300;
    /// Claims RFC 7523 §3 requires.
    pub const REQUIRED: &[&str] = &["iss", "sub", "aud", "exp"];

    #[cfg(feature = "sign")]
    /// An RFC 7523 grant assertion with `iat` = `now` and `exp` = `now` + 5 minutes.
    pub const fn assertion<'a>(iss: &'a str, sub: &'a str, aud: &'a str, now: u64) -> Assertion<'a> {
        Assertion::new().issuer(iss).subject(sub).audience(aud).issued_at(now).expires_in(DEFAULT_LIFETIME)
    }

    #[cfg(feature = "verify")]
    /// The matching checks: `iss` and `aud` as given, the RFC's required claims.
    pub const fn validation<'a>(iss: &'a str, aud: &'a str, now: u64) -> Validation<'a> {
        Validation::new(now).issuer(iss).audience(aud).required(REQUIRED)
    }
}

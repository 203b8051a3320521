//! The one error type of the core.

use core::fmt;

/// Why a token, key, claim or policy was rejected.
///
/// `Copy`, holds no heap data and never any secret. Each variant has a stable
/// snake_case [`Error::code`] that every runtime (Rust, Python, Node,
/// WebAssembly) exposes unchanged and that the shared vectors in
/// `tests/vectors/` test against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    // ---- token format -------------------------------------------------
    /// The token is longer than the policy's size limit (checked before any decoding).
    TokenTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The token length in bytes.
        found: usize,
    },
    /// Not exactly three non-empty dot-separated segments (compact JWS, RFC 7515 §7.1).
    MalformedToken,
    /// A segment is not canonical unpadded base64url (RFC 7515 §2): wrong alphabet,
    /// padding, whitespace or non-zero unused bits.
    BadBase64,
    /// Header or claims are not a strict RFC 8259 JSON object (bad UTF-8, BOM, comments,
    /// NaN, trailing data, lone surrogate escapes, not an object, ...).
    BadJson,
    /// A JSON object has the same member name twice (compared after unescaping).
    DuplicateMember,
    /// JSON nesting is deeper than the supported bound.
    JsonTooDeep,
    /// A JSON object has more members than the supported bound ([`crate::json::MAX_MEMBERS`]).
    TooManyMembers,
    // ---- header -------------------------------------------------------
    /// `alg` is missing or not exactly `ES256` (RFC 7518 §3.4).
    UnsupportedAlgorithm,
    /// `crit` is present but empty, not an array of strings, names a parameter absent from
    /// the header, or names an unsupported extension (RFC 7515 §4.1.11).
    UnsupportedCritical,
    /// The policy requires a `kid` header and the token has none.
    MissingKeyId,
    /// The token's `kid` differs from the expected one, or no key matches it.
    KeyIdMismatch,
    /// `typ` is present and not one of the accepted types (RFC 7515 §4.1.9).
    BadType,
    /// A header parameter has the wrong JSON type (for example `kid` a number).
    BadHeader,
    // ---- signature ----------------------------------------------------
    /// The signature is not exactly 64 bytes `R‖S` (DER signatures are refused).
    SignatureLength {
        /// Bytes found after base64url decoding.
        found: usize,
    },
    /// `r` or `s` is zero or not below the group order.
    SignatureRange,
    /// The signature does not verify with the key.
    BadSignature,
    // ---- claims -------------------------------------------------------
    /// A registered claim has the wrong JSON type (`exp` a string, `iss` a number, `aud` an
    /// array holding a number, ...).
    ClaimType,
    /// A date claim is a number outside the supported range (negative, beyond year 9999, or
    /// not finite such as `1e400`).
    DateOutOfRange,
    /// `now ≥ exp + leeway` (RFC 7519 §4.1.4).
    Expired,
    /// `nbf > now + leeway` (RFC 7519 §4.1.5).
    NotYetValid,
    /// `iat > now + leeway`.
    IssuedInFuture,
    /// `exp − iat` exceeds the policy's maximum lifetime, or `exp` is later than its latest
    /// accepted expiry.
    LifetimeTooLong,
    /// `iss` differs from the expected issuer.
    IssuerMismatch,
    /// `sub` differs from the expected subject, or from `iss` where the profile requires `iss = sub`.
    SubjectMismatch,
    /// `aud` does not contain the expected audience.
    AudienceMismatch,
    /// The token carries `aud` but the policy names no audience (see
    /// [`crate::Validation::any_audience`] for the explicit opt-out).
    UnexpectedAudience,
    /// A required claim is missing or `null`.
    MissingClaim,
    // ---- keys ---------------------------------------------------------
    /// PEM armour is malformed, or its label is not one this import accepts.
    BadPem,
    /// DER structure (SEC1, PKCS#8, SPKI, certificate) is malformed.
    BadDer,
    /// JWK JSON is malformed or misses a member (`kty`, `crv`, `x`, `y`, `d`).
    BadJwk,
    /// The key is not an EC key (for example `kty` RSA, or an RSA SPKI).
    UnsupportedKeyType,
    /// The key is on another curve than P-256.
    WrongCurve,
    /// The public point is not a valid, non-identity point on P-256.
    InvalidPoint,
    /// The private scalar is zero or not below the group order.
    InvalidScalar,
    /// The private key's embedded public key does not match its private scalar.
    KeyMismatch,
    /// A JWK is marked for another use: `use` other than `sig`, `key_ops` without the
    /// needed operation, or `alg` other than `ES256`.
    KeyUsage,
    // ---- signing and policy --------------------------------------------
    /// The caller's output or scratch buffer is too small.
    BufferTooSmall,
    /// Private claims did not serialize to a JSON object.
    ClaimsNotObject,
    /// The signer (for example an HSM or KMS) reported a failure.
    SignerFailed,
    /// A DER-encoded ECDSA signature could not be converted to `R‖S`.
    BadDerSignature,
    /// The validation policy itself is inconsistent (for example a zero size limit).
    InvalidPolicy,
}

impl Error {
    /// Stable identifier, identical in every runtime. Never changes once released.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::TokenTooLarge { .. } => "token_too_large",
            Self::MalformedToken => "malformed_token",
            Self::BadBase64 => "bad_base64",
            Self::BadJson => "bad_json",
            Self::DuplicateMember => "duplicate_member",
            Self::JsonTooDeep => "json_too_deep",
            Self::TooManyMembers => "too_many_members",
            Self::UnsupportedAlgorithm => "unsupported_alg",
            Self::UnsupportedCritical => "unsupported_crit",
            Self::MissingKeyId => "missing_kid",
            Self::KeyIdMismatch => "kid_mismatch",
            Self::BadType => "bad_typ",
            Self::BadHeader => "bad_header",
            Self::SignatureLength { .. } => "bad_signature_length",
            Self::SignatureRange => "signature_out_of_range",
            Self::BadSignature => "bad_signature",
            Self::ClaimType => "bad_claim_type",
            Self::DateOutOfRange => "date_out_of_range",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::IssuedInFuture => "issued_in_future",
            Self::LifetimeTooLong => "lifetime_too_long",
            Self::IssuerMismatch => "issuer_mismatch",
            Self::SubjectMismatch => "subject_mismatch",
            Self::AudienceMismatch => "audience_mismatch",
            Self::UnexpectedAudience => "unexpected_audience",
            Self::MissingClaim => "missing_claim",
            Self::BadPem => "bad_pem",
            Self::BadDer => "bad_der",
            Self::BadJwk => "bad_jwk",
            Self::UnsupportedKeyType => "unsupported_key_type",
            Self::WrongCurve => "wrong_curve",
            Self::InvalidPoint => "invalid_point",
            Self::InvalidScalar => "invalid_scalar",
            Self::KeyMismatch => "key_mismatch",
            Self::KeyUsage => "key_usage",
            Self::BufferTooSmall => "buffer_too_small",
            Self::ClaimsNotObject => "claims_not_object",
            Self::SignerFailed => "signer_failed",
            Self::BadDerSignature => "bad_der_signature",
            Self::InvalidPolicy => "invalid_policy",
        }
    }

    /// Every code, for bindings and documentation tables.
    pub const ALL_CODES: &'static [&'static str] = &[
        "token_too_large",
        "malformed_token",
        "bad_base64",
        "bad_json",
        "duplicate_member",
        "json_too_deep",
        "too_many_members",
        "unsupported_alg",
        "unsupported_crit",
        "missing_kid",
        "kid_mismatch",
        "bad_typ",
        "bad_header",
        "bad_signature_length",
        "signature_out_of_range",
        "bad_signature",
        "bad_claim_type",
        "date_out_of_range",
        "expired",
        "not_yet_valid",
        "issued_in_future",
        "lifetime_too_long",
        "issuer_mismatch",
        "subject_mismatch",
        "audience_mismatch",
        "unexpected_audience",
        "missing_claim",
        "bad_pem",
        "bad_der",
        "bad_jwk",
        "unsupported_key_type",
        "wrong_curve",
        "invalid_point",
        "invalid_scalar",
        "key_mismatch",
        "key_usage",
        "buffer_too_small",
        "claims_not_object",
        "signer_failed",
        "bad_der_signature",
        "invalid_policy",
    ];
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::TokenTooLarge { limit, found } => {
                write!(f, "token too large: limit {limit} bytes, got {found}")
            }
            Self::MalformedToken => {
                f.write_str("malformed token: expected three non-empty base64url segments")
            }
            Self::BadBase64 => f.write_str("invalid base64url: expected canonical unpadded base64url"),
            Self::BadJson => f.write_str("invalid JSON: expected a single strict RFC 8259 object"),
            Self::DuplicateMember => f.write_str("duplicate JSON member name"),
            Self::JsonTooDeep => f.write_str("JSON nested too deeply"),
            Self::TooManyMembers => f.write_str("JSON object has too many members"),
            Self::UnsupportedAlgorithm => f.write_str("unsupported alg: expected ES256"),
            Self::UnsupportedCritical => f.write_str("unsupported or malformed crit header"),
            Self::MissingKeyId => f.write_str("missing kid header"),
            Self::KeyIdMismatch => f.write_str("kid does not match the expected key id"),
            Self::BadType => f.write_str("typ header is not an accepted type"),
            Self::BadHeader => f.write_str("header parameter has the wrong JSON type"),
            Self::SignatureLength { found } => {
                write!(f, "invalid signature length: expected 64 bytes, got {found}")
            }
            Self::SignatureRange => f.write_str("signature r or s out of range"),
            Self::BadSignature => f.write_str("signature does not verify"),
            Self::ClaimType => f.write_str("claim has the wrong JSON type"),
            Self::DateOutOfRange => f.write_str("date claim out of range"),
            Self::Expired => f.write_str("token expired"),
            Self::NotYetValid => f.write_str("token not yet valid (nbf in the future)"),
            Self::IssuedInFuture => f.write_str("token issued in the future (iat)"),
            Self::LifetimeTooLong => f.write_str("token lifetime exceeds the maximum"),
            Self::IssuerMismatch => f.write_str("iss does not match the expected issuer"),
            Self::SubjectMismatch => f.write_str("sub does not match the expected subject"),
            Self::AudienceMismatch => f.write_str("aud does not contain the expected audience"),
            Self::UnexpectedAudience => f.write_str("token has aud but the policy expects no audience"),
            Self::MissingClaim => f.write_str("required claim missing"),
            Self::BadPem => f.write_str("invalid PEM"),
            Self::BadDer => f.write_str("invalid DER"),
            Self::BadJwk => f.write_str("invalid JWK"),
            Self::UnsupportedKeyType => f.write_str("unsupported key type: expected an EC key"),
            Self::WrongCurve => f.write_str("wrong curve: expected P-256"),
            Self::InvalidPoint => f.write_str("invalid public point for P-256"),
            Self::InvalidScalar => f.write_str("invalid private scalar for P-256"),
            Self::KeyMismatch => f.write_str("public key does not match the private key"),
            Self::KeyUsage => f.write_str("JWK is not meant for ES256 signatures (use, key_ops or alg)"),
            Self::BufferTooSmall => f.write_str("buffer too small"),
            Self::ClaimsNotObject => f.write_str("claims must serialize to a JSON object"),
            Self::SignerFailed => f.write_str("signer failed"),
            Self::BadDerSignature => f.write_str("invalid DER ECDSA signature"),
            Self::InvalidPolicy => f.write_str("invalid validation policy"),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::Error;

    /// Every variant once, in `ALL_CODES` order.
    const ALL: [Error; 41] = [
        Error::TokenTooLarge { limit: 0, found: 0 },
        Error::MalformedToken,
        Error::BadBase64,
        Error::BadJson,
        Error::DuplicateMember,
        Error::JsonTooDeep,
        Error::TooManyMembers,
        Error::UnsupportedAlgorithm,
        Error::UnsupportedCritical,
        Error::MissingKeyId,
        Error::KeyIdMismatch,
        Error::BadType,
        Error::BadHeader,
        Error::SignatureLength { found: 0 },
        Error::SignatureRange,
        Error::BadSignature,
        Error::ClaimType,
        Error::DateOutOfRange,
        Error::Expired,
        Error::NotYetValid,
        Error::IssuedInFuture,
        Error::LifetimeTooLong,
        Error::IssuerMismatch,
        Error::SubjectMismatch,
        Error::AudienceMismatch,
        Error::UnexpectedAudience,
        Error::MissingClaim,
        Error::BadPem,
        Error::BadDer,
        Error::BadJwk,
        Error::UnsupportedKeyType,
        Error::WrongCurve,
        Error::InvalidPoint,
        Error::InvalidScalar,
        Error::KeyMismatch,
        Error::KeyUsage,
        Error::BufferTooSmall,
        Error::ClaimsNotObject,
        Error::SignerFailed,
        Error::BadDerSignature,
        Error::InvalidPolicy,
    ];

    /// No wildcard: a new variant does not compile until it is listed here, and then the
    /// test below fails until `ALL` and `ALL_CODES` list it too.
    fn position(e: Error) -> usize {
        match e {
            Error::TokenTooLarge { .. } => 0,
            Error::MalformedToken => 1,
            Error::BadBase64 => 2,
            Error::BadJson => 3,
            Error::DuplicateMember => 4,
            Error::JsonTooDeep => 5,
            Error::TooManyMembers => 6,
            Error::UnsupportedAlgorithm => 7,
            Error::UnsupportedCritical => 8,
            Error::MissingKeyId => 9,
            Error::KeyIdMismatch => 10,
            Error::BadType => 11,
            Error::BadHeader => 12,
            Error::SignatureLength { .. } => 13,
            Error::SignatureRange => 14,
            Error::BadSignature => 15,
            Error::ClaimType => 16,
            Error::DateOutOfRange => 17,
            Error::Expired => 18,
            Error::NotYetValid => 19,
            Error::IssuedInFuture => 20,
            Error::LifetimeTooLong => 21,
            Error::IssuerMismatch => 22,
            Error::SubjectMismatch => 23,
            Error::AudienceMismatch => 24,
            Error::UnexpectedAudience => 25,
            Error::MissingClaim => 26,
            Error::BadPem => 27,
            Error::BadDer => 28,
            Error::BadJwk => 29,
            Error::UnsupportedKeyType => 30,
            Error::WrongCurve => 31,
            Error::InvalidPoint => 32,
            Error::InvalidScalar => 33,
            Error::KeyMismatch => 34,
            Error::KeyUsage => 35,
            Error::BufferTooSmall => 36,
            Error::ClaimsNotObject => 37,
            Error::SignerFailed => 38,
            Error::BadDerSignature => 39,
            Error::InvalidPolicy => 40,
        }
    }

    #[test]
    fn all_codes_list_every_variant_once() {
        assert_eq!(ALL.len(), Error::ALL_CODES.len());
        for (i, e) in ALL.iter().enumerate() {
            assert_eq!(position(*e), i);
            assert_eq!(e.code(), Error::ALL_CODES[i]);
        }
    }
}

//! The one error type of the core, and its table of stable codes.
//!
//! Every variant is written once, in the [`error_table!`] invocation below: its docs, its
//! stable code and its message. [`Error::code`], [`Error::ALL_CODES`], `Display` and the
//! code table in the docs of [`Error::ALL_CODES`] are all generated from that one table.

use core::fmt;

/// Declares [`Error`] from one table: `Variant [{ fields }] => "code", "message";`.
/// The message may name the variant's fields (`{found}`).
macro_rules! error_table {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $({ $( $(#[doc = $fdoc:literal])* $field:ident : $fty:ty ),* $(,)? })?
            => $code:literal, $msg:literal;
    )*) => {
        /// Why a token, key, claim or policy was rejected.
        ///
        /// `Copy`, holds no heap data and never any secret. Each variant has a stable
        /// snake_case [`Error::code`] that the shared vectors in `tests/vectors/` test
        /// against, and that every binding (Python, Node and WebAssembly, when they land)
        /// must expose unchanged.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Error {
            $(
                $(#[doc = $doc])*
                $variant $({ $( $(#[doc = $fdoc])* $field: $fty ),* })?,
            )*
        }

        impl Error {
            /// Stable identifier, identical in every runtime. Never changes once released.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self {
                    $( Self::$variant { .. } => $code, )*
                }
            }

            /// Every code, in declaration order, for bindings and documentation tables:
            ///
            /// | code | message |
            /// |---|---|
            $( #[doc = concat!("| `", $code, "` | ", $msg, " |")] )*
            pub const ALL_CODES: &'static [&'static str] = &[$($code),*];

            /// One value of every variant (fields zero), in declaration order.
            #[cfg(test)]
            const ALL: &'static [Error] = &[$( Self::$variant $({ $($field: 0),* })? ),*];
        }

        impl Error {
            /// The human-readable message, the same text `Display` writes, made without
            /// `core::fmt` (so a size-constrained build such as a WebAssembly module can show
            /// it without linking the formatting machinery). Never holds a secret.
            #[must_use]
            pub fn message(self) -> ErrorMessage {
                match self {
                    $( Self::$variant $({ $($field),* })? =>
                        ErrorMessage::fill($msg, &[$($( (stringify!($field), $field as u64) ),*)?]), )*
                }
            }
        }

        impl fmt::Display for Error {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.message().as_str())
            }
        }
    };
}

error_table! {
    // ---- token format -------------------------------------------------
    /// The token is longer than the policy's size limit (checked before any decoding).
    TokenTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The token length in bytes.
        found: usize,
    } => "token_too_large", "token too large: limit {limit} bytes, got {found}";
    /// Not exactly three non-empty dot-separated segments (compact JWS, RFC 7515 §7.1).
    MalformedToken => "malformed_token", "malformed token: expected three non-empty base64url segments";
    /// A segment is not canonical unpadded base64url (RFC 7515 §2): wrong alphabet,
    /// padding, whitespace or non-zero unused bits.
    BadBase64 => "bad_base64", "invalid base64url: expected canonical unpadded base64url";
    /// Header or claims are not a strict RFC 8259 JSON object (bad UTF-8, BOM, comments,
    /// NaN, trailing data, lone surrogate escapes, not an object, ...).
    BadJson => "bad_json", "invalid JSON: expected a single strict RFC 8259 object";
    /// A JSON object has the same member name twice (compared after unescaping).
    DuplicateMember => "duplicate_member", "duplicate JSON member name";
    /// JSON nesting is deeper than the supported bound.
    JsonTooDeep => "json_too_deep", "JSON nested too deeply";
    /// A JSON object has more members than the supported bound ([`crate::json::MAX_MEMBERS`]).
    TooManyMembers => "too_many_members", "JSON object has too many members";
    // ---- header -------------------------------------------------------
    /// `alg` is missing or not exactly the verifier's algorithm (`ES256` for the core's keys; RFC 7518 §3.4).
    UnsupportedAlgorithm => "unsupported_alg", "unsupported alg: not the algorithm of the verifying key";
    /// `crit` is present but empty, not an array of strings, names a parameter absent from
    /// the header, or names an unsupported extension (RFC 7515 §4.1.11).
    UnsupportedCritical => "unsupported_crit", "unsupported or malformed crit header";
    /// The policy requires a `kid` header and the token has none.
    MissingKeyId => "missing_kid", "missing kid header";
    /// The token's `kid` differs from the expected one, or no key matches it.
    KeyIdMismatch => "kid_mismatch", "kid does not match the expected key id";
    /// `typ` is present and not one of the accepted types (RFC 7515 §4.1.9).
    BadType => "bad_typ", "typ header is not an accepted type";
    /// A header parameter has the wrong JSON type (for example `kid` a number).
    BadHeader => "bad_header", "header parameter has the wrong JSON type";
    // ---- signature ----------------------------------------------------
    /// The signature is not exactly 64 bytes `R‖S` (DER signatures are refused).
    SignatureLength {
        /// Bytes found after base64url decoding.
        found: usize,
    } => "bad_signature_length", "invalid signature length: expected 64 bytes, got {found}";
    /// `r` or `s` is zero or not below the group order.
    SignatureRange => "signature_out_of_range", "signature r or s out of range";
    /// The signature does not verify with the key.
    BadSignature => "bad_signature", "signature does not verify";
    // ---- claims -------------------------------------------------------
    /// A registered claim has the wrong JSON type (`exp` a string, `iss` a number, `aud` an
    /// array holding a number, ...).
    ClaimType => "bad_claim_type", "claim has the wrong JSON type";
    /// A date claim is a number outside the supported range (negative, beyond year 9999, or
    /// not finite such as `1e400`).
    DateOutOfRange => "date_out_of_range", "date claim out of range";
    /// `now ≥ exp + leeway` (RFC 7519 §4.1.4).
    Expired => "expired", "token expired";
    /// `nbf > now + leeway` (RFC 7519 §4.1.5).
    NotYetValid => "not_yet_valid", "token not yet valid (nbf in the future)";
    /// `iat > now + leeway`.
    IssuedInFuture => "issued_in_future", "token issued in the future (iat)";
    /// `exp − iat` exceeds the policy's maximum lifetime, or `exp` is later than its latest
    /// accepted expiry.
    LifetimeTooLong => "lifetime_too_long", "token lifetime exceeds the maximum";
    /// `iss` differs from the expected issuer.
    IssuerMismatch => "issuer_mismatch", "iss does not match the expected issuer";
    /// `sub` differs from the expected subject, or from `iss` where the profile requires `iss = sub`.
    SubjectMismatch => "subject_mismatch", "sub does not match the expected subject";
    /// `aud` does not contain the expected audience.
    AudienceMismatch => "audience_mismatch", "aud does not contain the expected audience";
    /// The token carries `aud` but the policy names no audience (see
    /// [`crate::Validation::any_audience`] for the explicit opt-out).
    UnexpectedAudience => "unexpected_audience", "token has aud but the policy expects no audience";
    /// `aud` holds more than one audience, or is an array, where the policy wants a sole
    /// audience ([`crate::Validation::sole_audience`], [`crate::Validation::audience_as_string`]).
    AudienceNotSole => "audience_not_sole", "aud must be a single audience";
    /// A required claim is missing or `null`.
    MissingClaim => "missing_claim", "required claim missing";
    // ---- keys ---------------------------------------------------------
    /// PEM armour is malformed, or its label is not one this import accepts.
    BadPem => "bad_pem", "invalid PEM";
    /// DER structure (SEC1, PKCS#8, SPKI, certificate) is malformed.
    BadDer => "bad_der", "invalid DER";
    /// JWK JSON is malformed or misses a member (`kty`, `crv`, `x`, `y`, `d`).
    BadJwk => "bad_jwk", "invalid JWK";
    /// The key is not an EC key (for example `kty` RSA, or an RSA SPKI).
    UnsupportedKeyType => "unsupported_key_type", "unsupported key type: expected an EC key";
    /// The key is on another curve than P-256.
    WrongCurve => "wrong_curve", "wrong curve: expected P-256";
    /// The public point is not a valid, non-identity point on P-256.
    InvalidPoint => "invalid_point", "invalid public point for P-256";
    /// The private scalar is zero or not below the group order.
    InvalidScalar => "invalid_scalar", "invalid private scalar for P-256";
    /// The private key's embedded public key does not match its private scalar.
    KeyMismatch => "key_mismatch", "public key does not match the private key";
    /// A JWK is marked for another use: `use` other than `sig`, `key_ops` without the
    /// needed operation, or `alg` other than `ES256`.
    KeyUsage => "key_usage", "JWK is not meant for ES256 signatures (use, key_ops or alg)";
    // ---- signing and policy --------------------------------------------
    /// The caller's output or scratch buffer is too small.
    BufferTooSmall => "buffer_too_small", "buffer too small";
    /// Private claims did not serialize to a JSON object.
    ClaimsNotObject => "claims_not_object", "claims must serialize to a JSON object";
    /// The signer (for example an HSM or KMS) reported a failure.
    SignerFailed => "signer_failed", "signer failed";
    /// A DER-encoded ECDSA signature could not be converted to `R‖S`.
    BadDerSignature => "bad_der_signature", "invalid DER ECDSA signature";
    /// The validation policy itself is inconsistent (for example a zero size limit).
    InvalidPolicy => "invalid_policy", "invalid validation policy";
}

impl core::error::Error for Error {}

/// An [`Error`]'s message, held inline (no heap): [`Error::message`]. Derefs to `str`.
#[derive(Clone, Copy)]
pub struct ErrorMessage {
    buf: [u8; ErrorMessage::CAPACITY],
    len: usize,
}

impl ErrorMessage {
    /// Room for the longest message with its numbers at their widest (`u64::MAX`).
    const CAPACITY: usize = 160;

    /// `template` with each `{name}` replaced by the decimal value of the field `name`.
    fn fill(template: &str, fields: &[(&str, u64)]) -> Self {
        let mut out = Self { buf: [0; Self::CAPACITY], len: 0 };
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').unwrap_or(after.len());
            let name = &after[..close];
            match fields.iter().find(|(n, _)| *n == name) {
                Some(&(_, value)) => out.push_decimal(value),
                None => out.push(&rest[open..open + 1 + close]),
            }
            rest = after.get(close + 1..).unwrap_or("");
        }
        out.push(rest);
        out
    }

    /// Append `s` whole, or nothing when it does not fit (messages are sized to fit; the
    /// table's test checks them).
    fn push(&mut self, s: &str) {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + s.len()) {
            dst.copy_from_slice(s.as_bytes());
            self.len += s.len();
        }
    }

    fn push_decimal(&mut self, mut value: u64) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            // `value % 10` is a single decimal digit.
            #[allow(clippy::cast_possible_truncation)]
            let digit = (value % 10) as u8;
            digits[start] = b'0' + digit;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        // ASCII digits are UTF-8.
        self.push(core::str::from_utf8(&digits[start..]).unwrap_or("0"));
    }

    /// The message text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only whole `str`s are ever appended, so the bytes are UTF-8.
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl core::ops::Deref for ErrorMessage {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn messages_substitute_their_fields() {
        extern crate alloc;
        use alloc::string::ToString;
        let e = Error::TokenTooLarge { limit: 8192, found: 9001 };
        assert_eq!(e.message().as_str(), "token too large: limit 8192 bytes, got 9001");
        assert_eq!(e.to_string(), "token too large: limit 8192 bytes, got 9001");
        let e = Error::SignatureLength { found: 0 };
        assert_eq!(&*e.message(), "invalid signature length: expected 64 bytes, got 0");
        // The widest numbers still fit, and every message is whole (no placeholder left).
        let wide = Error::TokenTooLarge { limit: usize::MAX, found: usize::MAX };
        let text = wide.message();
        assert!(text.ends_with(&usize::MAX.to_string()), "{text}");
        for e in Error::ALL {
            let m = e.message();
            assert!(!m.is_empty() && !m.contains('{') && !m.contains('}'), "{m}");
        }
    }

    #[test]
    fn one_code_per_variant() {
        assert_eq!(Error::ALL.len(), Error::ALL_CODES.len());
        for (i, a) in Error::ALL_CODES.iter().enumerate() {
            assert!(!Error::ALL_CODES[..i].contains(a), "code {a} listed twice");
        }
        for (e, code) in Error::ALL.iter().zip(Error::ALL_CODES) {
            assert_eq!(e.code(), *code);
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{code}"
            );
        }
    }
}

//! Key import errors with stable codes.

use core::fmt;

/// Why an RSA key or certificate was refused. Each variant has a stable [`Error::code`];
/// where a code exists in the core (`bad_pem`, `bad_der`, `unsupported_key_type`) it is the
/// same string.
///
/// Signing and verification report [`bearerkit::Error`] (through the core's
/// [`bearerkit::JwsSigner`] and [`bearerkit::JwsVerifier`] seams), not this type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// PEM armour is malformed, or its label is not one this import accepts.
    BadPem,
    /// DER structure (PKCS#8, PKCS#1, SPKI, certificate) is malformed.
    BadDer,
    /// The key (or the certificate's key) is not an RSA key.
    UnsupportedKeyType,
    /// The modulus is outside the supported 2048 to 4096 bits.
    KeySize {
        /// The modulus length found, in bits.
        bits: usize,
    },
    /// The public exponent is even, below 3 or longer than 33 bits (ring's limits).
    BadExponent,
    /// The private key parsed as a two-prime PKCS#1 `RSAPrivateKey` of a supported size and
    /// exponent, but ring refused it: its components are inconsistent (its public part does
    /// not match its private part, a prime is wrong, ...) or ring refuses it for another
    /// reason. Code `rsa_key_invalid` (not `key_mismatch`, which the client and the CLI use
    /// for a certificate that does not carry the signing key).
    InvalidKey,
}

impl Error {
    /// Every code, in declaration order.
    pub const ALL_CODES: &'static [&'static str] =
        &["bad_pem", "bad_der", "unsupported_key_type", "rsa_key_size", "rsa_exponent", "rsa_key_invalid"];

    /// Stable identifier. Never changes once released.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::BadPem => "bad_pem",
            Self::BadDer => "bad_der",
            Self::UnsupportedKeyType => "unsupported_key_type",
            Self::KeySize { .. } => "rsa_key_size",
            Self::BadExponent => "rsa_exponent",
            Self::InvalidKey => "rsa_key_invalid",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BadPem => f.write_str("invalid PEM"),
            Self::BadDer => f.write_str("invalid DER"),
            Self::UnsupportedKeyType => f.write_str("unsupported key type: expected an RSA key"),
            Self::KeySize { bits } => {
                write!(f, "unsupported RSA key size: expected 2048 to 4096 bits, got {bits}")
            }
            Self::BadExponent => f.write_str("unsupported RSA public exponent"),
            Self::InvalidKey => {
                f.write_str("invalid RSA private key: refused by ring (inconsistent components)")
            }
        }
    }
}

impl core::error::Error for Error {}

impl From<der::Error> for Error {
    fn from(_: der::Error) -> Self {
        Self::BadDer
    }
}

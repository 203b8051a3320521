//! P-256 keys (stub, being written).

/// A P-256 public key for ES256 verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyingKey(pub(crate) p256::ecdsa::VerifyingKey);

impl VerifyingKey {
    /// The underlying `p256` key.
    #[must_use]
    pub fn as_p256(&self) -> &p256::ecdsa::VerifyingKey {
        &self.0
    }
    /// Wrap a `p256` key.
    #[must_use]
    pub fn from_p256(key: p256::ecdsa::VerifyingKey) -> Self {
        Self(key)
    }
}

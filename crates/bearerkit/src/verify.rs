//! Verification (stub, being written).
use crate::Error;

/// Something that checks an ES256 signature over a JWS signing input.
///
/// Implemented by [`crate::VerifyingKey`] (plain `p256`) and, with `alloc`, by
/// [`crate::PreparedVerifyingKey`] (per-key precomputed tables). The signature has already
/// been checked to be 64 bytes with `1 ≤ r, s < n` when this is called.
pub trait Es256Verifier {
    /// Verify `signature` over `signing_input` (the ASCII `header.claims` bytes).
    ///
    /// # Errors
    /// [`Error::BadSignature`] when the signature does not verify.
    fn verify_es256(&self, signing_input: &[u8], signature: &p256::ecdsa::Signature) -> Result<(), Error>;
}

impl Es256Verifier for crate::VerifyingKey {
    fn verify_es256(&self, signing_input: &[u8], signature: &p256::ecdsa::Signature) -> Result<(), Error> {
        use p256::ecdsa::signature::Verifier;
        self.0.verify(signing_input, signature).map_err(|_| Error::BadSignature)
    }
}

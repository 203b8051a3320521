//! Shared fixtures for the benchmarks (see `benches/RESULTS.md`).

/// The key every benchmark uses (the Thales D1 guide's example key, from the testkit).
pub use bearerkit_testkit::d1_guide::KEY_PEM as D1_GUIDE_PEM;

/// `now` for every benchmark.
pub const NOW: u64 = 1_700_000_000;

use bearerkit::{Assertion, SigningKey, Validation, VerifyingKey, profile::d1};
use p256::ecdsa::signature::Signer;

/// The inputs both benchmarks measure: a D1 assertion signed with the D1 guide key, its policy,
/// and the same signing input and signature for raw `p256`.
pub struct Fixture {
    /// The Thales D1 guide's example key.
    pub key: SigningKey,
    /// Its public key.
    pub vk: VerifyingKey,
    /// The D1 assertion builder (`profile::d1::assertion`).
    pub assertion: Assertion<'static>,
    /// The D1 policy the token is verified with.
    pub policy: Validation<'static>,
    /// The signed D1 token.
    pub token: String,
    /// Its signing input (header.claims), for raw `p256`.
    pub input: Vec<u8>,
    /// Raw `p256` signing key.
    pub raw_sk: p256::ecdsa::SigningKey,
    /// Raw `p256` verifying key.
    pub raw_vk: p256::ecdsa::VerifyingKey,
    /// Raw `p256` signature of `input`.
    pub raw_sig: p256::ecdsa::Signature,
}

impl Fixture {
    /// Build the fixture.
    ///
    /// # Panics
    /// Never for the built-in D1 guide key (a benchmark setup, not library code).
    #[must_use]
    #[allow(clippy::unwrap_used, reason = "fixed, valid inputs")]
    pub fn new() -> Self {
        let key = SigningKey::from_pem(D1_GUIDE_PEM).unwrap();
        let vk = key.verifying_key();
        let assertion = d1::assertion("MGW_ID", d1::Env::Production, "k1", NOW);
        let policy = d1::validation("MGW_ID", d1::Env::Production, "k1", NOW);
        let token = assertion.sign_to_string(&key).unwrap();
        let input = token.rsplit_once('.').unwrap().0.as_bytes().to_vec();
        let raw_sk = key.as_p256().clone();
        let raw_vk = *vk.as_p256();
        let raw_sig: p256::ecdsa::Signature = raw_sk.sign(&input);
        Self { key, vk, assertion, policy, token, input, raw_sk, raw_vk, raw_sig }
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

//! The algorithm seam: `JwsSigner` and `JwsVerifier` let another algorithm use the whole
//! verification contract. A test-only algorithm ("TS512": the signature is SHA-512 of the
//! signing input, 64 bytes like ES256) stands in for the RSA verifier of the std crates.
use crate::common::{NOW, test_key};
use bearerkit::{Assertion, Error, JwsSigner, JwsVerifier, MAX_SIGNATURE_LEN, Validation, verify};
use sha2::{Digest, Sha512};

struct Ts512;

impl JwsSigner for Ts512 {
    fn algorithm(&self) -> &str {
        "TS512"
    }
    fn sign_jws(&self, input: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        let d = Sha512::digest(input);
        out.get_mut(..64).ok_or(Error::SignerFailed)?.copy_from_slice(&d);
        Ok(64)
    }
}

impl JwsVerifier for Ts512 {
    fn algorithm(&self) -> &str {
        "TS512"
    }
    fn signature_len(&self) -> usize {
        64
    }
    fn verify_signature(&self, input: &[u8], signature: &[u8]) -> Result<(), Error> {
        if Sha512::digest(input).as_slice() == signature { Ok(()) } else { Err(Error::BadSignature) }
    }
}

/// Writes more than any JWS signature may be.
struct Oversized;
impl JwsSigner for Oversized {
    fn algorithm(&self) -> &str {
        "XL"
    }
    fn sign_jws(&self, _: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        out.get_mut(..MAX_SIGNATURE_LEN + 1).ok_or(Error::SignerFailed).map(|_| MAX_SIGNATURE_LEN + 1)
    }
}

fn assertion() -> Assertion<'static> {
    Assertion::new().issuer("i").audience("a").issued_at(NOW).expires_in(60)
}

#[test]
fn another_algorithm_gets_the_whole_contract() {
    let mut buf = [0u8; 1024];
    let token = assertion().sign_with(&Ts512, &mut buf).unwrap().to_string();
    let mut s = vec![0u8; token.len()];
    let t = verify(&token, &Ts512, &Validation::new(NOW).audience("a"), &mut s).unwrap();
    assert!(t.header().alg().unwrap().eq_str("TS512"));
    // The same claim rules apply: expiry, audience, a changed byte.
    assert_eq!(
        verify(&token, &Ts512, &Validation::new(NOW + 3600).audience("a"), &mut s).err(),
        Some(Error::Expired)
    );
    assert_eq!(verify(&token, &Ts512, &Validation::new(NOW), &mut s).err(), Some(Error::UnexpectedAudience));
    let tampered = token.replacen("eyJ", "eyK", 1);
    assert!(verify(&tampered, &Ts512, &Validation::new(NOW).audience("a"), &mut s).is_err());
}

#[test]
fn the_key_decides_the_algorithm_never_the_token() {
    let key = test_key();
    let mut buf = [0u8; 1024];
    let es = assertion().sign(&key, &mut buf).unwrap().to_string();
    let ts = assertion().sign_with(&Ts512, &mut buf).unwrap().to_string();
    let mut s = vec![0u8; 1024];
    let policy = Validation::new(NOW).audience("a");
    assert_eq!(verify(&es, &Ts512, &policy, &mut s).err(), Some(Error::UnsupportedAlgorithm));
    assert_eq!(verify(&ts, &key.verifying_key(), &policy, &mut s).err(), Some(Error::UnsupportedAlgorithm));
    assert!(verify(&es, &key.verifying_key(), &policy, &mut s).is_ok());
}

#[test]
fn es256_through_the_seam_is_byte_identical() {
    let key = test_key();
    let (mut a, mut b) = ([0u8; 1024], [0u8; 1024]);
    assert_eq!(assertion().sign(&key, &mut a).unwrap(), assertion().sign_with(&key, &mut b).unwrap());
    assert_eq!(JwsSigner::algorithm(&key), "ES256");
    assert_eq!(JwsVerifier::algorithm(&key.verifying_key()), "ES256");
    assert_eq!(key.verifying_key().signature_len(), 64);
}

#[test]
fn a_signer_writing_too_much_fails() {
    let mut buf = [0u8; 2048];
    assert_eq!(assertion().sign_with(&Oversized, &mut buf).err(), Some(Error::SignerFailed));
}

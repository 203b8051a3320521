//! Key import: the input as PEM and JWK text and as DER / SEC1 / scalar bytes to every
//! importer. Never a panic; whatever is accepted exports and re-imports to the same key,
//! and a private key's imports agree with the public imports of the same text.
#![no_main]

use bearerkit::{SigningKey, VerifyingKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = std::str::from_utf8(data).ok();
    let mut signing: Vec<SigningKey> = Vec::new();
    let mut verifying: Vec<VerifyingKey> = Vec::new();
    if let Some(text) = text {
        let sk = SigningKey::from_pem(text);
        let vk = VerifyingKey::from_pem(text);
        if let Ok(k) = &sk {
            assert_eq!(
                vk.as_ref().ok(),
                Some(&k.verifying_key()),
                "private PEM accepted, its public import differs"
            );
        }
        let sj = SigningKey::from_jwk(text);
        let vj = VerifyingKey::from_jwk(text);
        if let Ok(k) = &sj {
            assert_eq!(
                vj.as_ref().ok(),
                Some(&k.verifying_key()),
                "private JWK accepted, its public import differs"
            );
        }
        signing.extend(sk.ok().into_iter().chain(sj.ok()));
        verifying.extend(vk.ok().into_iter().chain(vj.ok()));
    }
    signing.extend(SigningKey::from_sec1_der(data).ok());
    signing.extend(SigningKey::from_pkcs8_der(data).ok());
    signing.extend(SigningKey::from_bytes(data).ok());
    verifying.extend(VerifyingKey::from_spki_der(data).ok());
    verifying.extend(VerifyingKey::from_sec1_bytes(data).ok());
    let _ = bearerkit::der_to_raw_signature(data);
    let _ = bearerkit::CertificateThumbprints::from_der(data);

    let mut buf = [0u8; 512];
    for k in &signing {
        let scalar = k.to_bytes();
        let same = |other: Result<SigningKey, bearerkit::Error>, how: &str| {
            let other = other.unwrap_or_else(|e| panic!("{how} re-import failed: {}", e.code()));
            assert_eq!(*other.to_bytes(), *scalar, "{how} re-import changed the key");
        };
        same(SigningKey::from_pem(k.to_sec1_pem(&mut buf).expect("SEC1 PEM")), "SEC1 PEM");
        same(SigningKey::from_pem(k.to_pkcs8_pem(&mut buf).expect("PKCS#8 PEM")), "PKCS#8 PEM");
        same(SigningKey::from_pkcs8_der(k.to_pkcs8_der(&mut buf).expect("PKCS#8 DER")), "PKCS#8 DER");
        same(SigningKey::from_jwk(k.to_jwk(&mut buf).expect("JWK")), "private JWK");
        same(SigningKey::from_bytes(&*scalar), "scalar");
        verifying.push(k.verifying_key());
    }
    for k in &verifying {
        let same = |other: Result<VerifyingKey, bearerkit::Error>, how: &str| {
            let other = other.unwrap_or_else(|e| panic!("{how} re-import failed: {}", e.code()));
            assert_eq!(other, *k, "{how} re-import changed the key");
        };
        same(VerifyingKey::from_spki_der(k.to_spki_der(&mut buf).expect("SPKI DER")), "SPKI DER");
        same(VerifyingKey::from_pem(k.to_spki_pem(&mut buf).expect("SPKI PEM")), "SPKI PEM");
        same(VerifyingKey::from_jwk(k.to_jwk(&mut buf).expect("JWK")), "public JWK");
        same(VerifyingKey::from_sec1_bytes(&k.to_sec1_bytes()), "SEC1 point");
        let _ = k.thumbprint();
    }
});

//! Test fixtures for the bearerkit workspace (dev-only, never published).
//!
//! - [`Pki`]: a CA, a server leaf for `127.0.0.1` and a client leaf, for HTTPS and mutual TLS
//!   (rcgen, every key a fresh P-256 one).
//! - [`SelfSigned`]: a self-signed certificate and its key, as a Keycloak client registers
//!   for the client-assertion flow.
//! - [`d1_guide`]: the example key and token of the Thales D1 guide.
//! - [`Served`]: `bearerkit serve` as a child process, for the CLI's tests.
//! - [`rsa`]: RSA keys and certificates made with `openssl` (RS256/PS256 tests).
//!
//! The constructors panic when they fail: they are meant for tests.

mod captured;
pub mod d1_guide;
pub mod rsa;
mod served;

pub use captured::Captured;
pub use served::Served;

use bearerkit::{CertificateThumbprints, SigningKey};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
};

fn key_pair() -> KeyPair {
    KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("rcgen generates a P-256 key")
}

/// A test PKI, all in PEM: a CA (`CN=bearerkit test CA`), a server leaf for the IP address
/// `127.0.0.1` (extended key usage `serverAuth`) and a client leaf (`CN=client`, `clientAuth`),
/// both issued by the CA. Private keys are PKCS#8 (`PRIVATE KEY`).
pub struct Pki {
    /// The CA's certificate: the trust anchor of both sides.
    pub ca_pem: String,
    /// The server leaf's certificate.
    pub server_cert_pem: String,
    /// The server leaf's private key.
    pub server_key_pem: String,
    /// The client leaf's certificate.
    pub client_cert_pem: String,
    /// The client leaf's private key.
    pub client_key_pem: String,
}

impl Pki {
    /// A new CA and its two leaves, with fresh keys.
    ///
    /// # Panics
    /// When rcgen fails to make a key or a certificate.
    #[must_use]
    pub fn new() -> Self {
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "bearerkit test CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
        let ca = CertifiedIssuer::self_signed(ca, key_pair()).expect("the CA certificate");
        let server_key = key_pair();
        let mut server = CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("server parameters");
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server = server.signed_by(&server_key, &ca).expect("the server certificate");
        let client_key = key_pair();
        let mut client = CertificateParams::new(Vec::<String>::new()).expect("client parameters");
        client.distinguished_name.push(DnType::CommonName, "client");
        client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client = client.signed_by(&client_key, &ca).expect("the client certificate");
        Self {
            ca_pem: ca.pem(),
            server_cert_pem: server.pem(),
            server_key_pem: server_key.serialize_pem(),
            client_cert_pem: client.pem(),
            client_key_pem: client_key.serialize_pem(),
        }
    }

    /// The client's identity as one PEM: its certificate, then its key.
    #[must_use]
    pub fn client_identity_pem(&self) -> String {
        format!("{}\n{}", self.client_cert_pem, self.client_key_pem)
    }
}

impl Default for Pki {
    /// The same as [`Pki::new`].
    fn default() -> Self {
        Self::new()
    }
}

/// A self-signed P-256 certificate (`CN=` the given name, DNS name `NAME.example`) and its key.
pub struct SelfSigned {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The certificate, DER.
    pub cert_der: Vec<u8>,
    /// The private key, PKCS#8 PEM (`PRIVATE KEY`).
    pub key_pem: String,
    /// The private key, as a bearerkit key.
    pub signing_key: SigningKey,
    /// The certificate's SHA-1 fingerprint in upper-case hex: the Keycloak client assertion's `kid`.
    pub sha1_fingerprint: String,
}

impl SelfSigned {
    /// A new certificate for the common name `cn`, with a fresh key.
    ///
    /// # Panics
    /// When rcgen fails to make the key or the certificate, or bearerkit to read them back.
    #[must_use]
    pub fn new(cn: &str) -> Self {
        let pair = key_pair();
        let mut params =
            CertificateParams::new(vec![format!("{cn}.example")]).expect("certificate parameters");
        params.distinguished_name.push(DnType::CommonName, cn);
        let cert = params.self_signed(&pair).expect("the certificate");
        let key_pem = pair.serialize_pem();
        let signing_key = SigningKey::from_pem(&key_pem).expect("bearerkit reads rcgen's PKCS#8 key");
        let sha1_fingerprint = CertificateThumbprints::from_der(cert.der())
            .expect("bearerkit reads rcgen's certificate")
            .sha1_hex()
            .as_str()
            .to_owned();
        Self { cert_pem: cert.pem(), cert_der: cert.der().to_vec(), key_pem, signing_key, sha1_fingerprint }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use x509_cert::Certificate;
    use x509_cert::der::{DecodePem, Encode};

    fn parse(pem: &str) -> Certificate {
        Certificate::from_pem(pem.as_bytes()).unwrap()
    }

    /// Whether `cert` names `issuer` as its issuer and carries a valid ECDSA signature by its key.
    fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
        let spki = issuer.tbs_certificate().subject_public_key_info().to_der().unwrap();
        let key =
            <p256::ecdsa::VerifyingKey as p256::pkcs8::DecodePublicKey>::from_public_key_der(&spki).unwrap();
        let signature = p256::ecdsa::DerSignature::try_from(cert.signature().raw_bytes()).unwrap();
        cert.tbs_certificate().issuer() == issuer.tbs_certificate().subject()
            && key.verify(&cert.tbs_certificate().to_der().unwrap(), &signature).is_ok()
    }

    #[test]
    fn the_leaves_are_issued_by_the_ca() {
        let pki = Pki::new();
        let ca = parse(&pki.ca_pem);
        let (server, client) = (parse(&pki.server_cert_pem), parse(&pki.client_cert_pem));
        assert!(issued_by(&ca, &ca));
        assert!(issued_by(&server, &ca));
        assert!(issued_by(&client, &ca));
        // Another PKI's CA has the same name but not the same key.
        let other = parse(&Pki::new().ca_pem);
        assert!(!issued_by(&server, &other));
        assert!(!issued_by(&client, &other));
        assert_eq!(pki.client_identity_pem(), format!("{}\n{}", pki.client_cert_pem, pki.client_key_pem));
    }

    #[test]
    fn the_d1_guide_token_verifies_with_its_key() {
        let key = SigningKey::from_pem(d1_guide::KEY_PEM).unwrap().verifying_key();
        let policy = bearerkit::Validation::new(1_636_033_200).audience("your_audience");
        let mut scratch = [0u8; 1024];
        let token = bearerkit::verify(d1_guide::TOKEN, &key, &policy, &mut scratch).unwrap();
        assert!(token.header().as_json().contains("\"kid\":\"your_tenant_key_id\""));
    }

    #[test]
    fn self_signed_forms_agree() {
        let s = SelfSigned::new("Worldline-000021");
        let cert = parse(&s.cert_pem);
        assert!(issued_by(&cert, &cert));
        assert_eq!(cert.to_der().unwrap(), s.cert_der);
        assert!(s.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let spki = cert.tbs_certificate().subject_public_key_info().to_der().unwrap();
        assert_eq!(bearerkit::VerifyingKey::from_spki_der(&spki).unwrap(), s.signing_key.verifying_key());
        assert_eq!(s.sha1_fingerprint.len(), 40);
        assert_eq!(s.sha1_fingerprint, s.sha1_fingerprint.to_ascii_uppercase());
    }
}

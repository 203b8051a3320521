//! Configuration: the example file, TOML errors, redaction.

use bearerkit_server::{ConfigError, ServerConfig};

const EXAMPLE: &str = include_str!("../../examples/server.toml");

#[test]
fn example_config_parses() {
    let c = ServerConfig::from_toml_str(EXAMPLE).unwrap();
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    assert_eq!((c.d1_issuers.len(), c.outbound_clients.len(), c.realms.len()), (1, 1, 1));
    assert_eq!(c.realms[0].clients.len(), 2);
    // The example client key matches the example certificate's fingerprint.
    let cert = c.realms[0].clients[1].certificate.as_deref().unwrap();
    let mut scratch = vec![0u8; 4096];
    let fp = bearerkit::CertificateThumbprints::from_pem(cert, &mut scratch).unwrap().sha1_hex();
    assert_eq!(fp.as_str(), "88A8C8C099836516656C82545D0312F28B583443");
    let key =
        bearerkit::SigningKey::from_pem(include_str!("../../examples/keycloak-client-key.pem")).unwrap();
    let cert_der = {
        use x509_cert::der::{DecodePem, Encode};
        x509_cert::Certificate::from_pem(cert.trim().as_bytes())
            .unwrap()
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap()
    };
    assert_eq!(bearerkit::VerifyingKey::from_spki_der(&cert_der).unwrap(), key.verifying_key());
}

#[test]
fn secrets_are_redacted_in_debug() {
    let c = ServerConfig::from_toml_str(EXAMPLE).unwrap();
    let text = format!("{c:?}");
    assert!(!text.contains("password123") && !text.contains("outbound-demo-secret"), "{text}");
    assert!(text.contains("Secret([redacted])"));
}

#[test]
fn defaults() {
    let c = ServerConfig::from_toml_str("").unwrap();
    assert_eq!(c.bind.to_string(), "127.0.0.1:0");
    assert_eq!(c.token_lifetime_secs, 900);
    assert!(!c.test_endpoints);
    let c = ServerConfig::from_toml_str(
        "[[realms]]\nname = \"r\"\n[[realms.clients]]\nclient_id = \"c\"\nsecret = \"s\"\n",
    )
    .unwrap();
    assert_eq!((c.realms[0].token_lifetime_secs, c.realms[0].assertion_max_lifetime_secs), (300, 3600));
}

#[test]
fn errors() {
    let parse = |s: &str| ServerConfig::from_toml_str(s).unwrap_err();
    assert!(matches!(parse("bogus = 1"), ConfigError::Parse(_)));
    assert!(matches!(parse("[[d1_issuers]]\nissuer_id = \"a\"\nenv = \"dev\""), ConfigError::Parse(_)));
    let bad_key = "[[d1_issuers]]\nissuer_id = \"a\"\nenv = \"stg\"\n[[d1_issuers.keys]]\nkid = \"k\"\npublic_key = \"nope\"";
    let e = parse(bad_key);
    assert!(matches!(e, ConfigError::InvalidKey { .. }), "{e}");
    assert!(e.to_string().contains("bad_pem"), "{e}");
    let dup = "[[outbound_clients]]\nclient_id = \"a\"\nsecret = \"s\"\n[[outbound_clients]]\nclient_id = \"a\"\nsecret = \"t\"";
    assert!(matches!(parse(dup), ConfigError::Duplicate { .. }));
    let no_cred = "[[realms]]\nname = \"r\"\n[[realms.clients]]\nclient_id = \"c\"";
    assert!(matches!(parse(no_cred), ConfigError::Invalid { .. }));
    let bad_cert = "[[realms]]\nname = \"r\"\n[[realms.clients]]\nclient_id = \"c\"\ncertificate = \"x\"";
    assert!(matches!(parse(bad_cert), ConfigError::InvalidCertificate { .. }));
    assert!(matches!(parse("[[realms]]\nname = \"a/b\""), ConfigError::Invalid { .. }));
    assert!(matches!(parse("token_lifetime_secs = 0"), ConfigError::Invalid { .. }));
    let e = ServerConfig::from_file(std::path::Path::new("/nonexistent/bearerkit.toml")).unwrap_err();
    assert!(matches!(e, ConfigError::Io { .. }));
}

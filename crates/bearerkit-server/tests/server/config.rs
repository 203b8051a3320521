//! Configuration: the example file, TOML errors, redaction, merging.

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
    assert!(!c.realms[0].issuer_only_audience);
    let c = ServerConfig::from_toml_str(
        "[[realms]]\nname = \"r\"\nissuer_only_audience = true\n[[realms.clients]]\nclient_id = \"c\"\nsecret = \"s\"\n",
    )
    .unwrap();
    assert!(c.realms[0].issuer_only_audience);
}

#[test]
fn connection_limit_defaults_and_bounds() {
    use bearerkit_server::{MAX_CONNECTION_TIMEOUT_SECS, MAX_CONNECTIONS_LIMIT};
    let c = ServerConfig::from_toml_str("").unwrap();
    assert_eq!(
        (c.header_read_timeout_secs, c.idle_timeout_secs, c.max_connections, c.allow_unspecified_bind),
        (10, 5, 512, false)
    );
    let c = ServerConfig::from_toml_str(
        "header_read_timeout_secs = 3\nidle_timeout_secs = 4\nmax_connections = 7\n",
    )
    .unwrap();
    assert_eq!((c.header_read_timeout_secs, c.idle_timeout_secs, c.max_connections), (3, 4, 7));
    for ok in [
        format!("header_read_timeout_secs = {MAX_CONNECTION_TIMEOUT_SECS}"),
        format!("idle_timeout_secs = {MAX_CONNECTION_TIMEOUT_SECS}"),
        format!("max_connections = {MAX_CONNECTIONS_LIMIT}"),
    ] {
        ServerConfig::from_toml_str(&ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for (toml, expected) in [
        ("header_read_timeout_secs = 0".to_owned(), "header_read_timeout_secs"),
        (
            format!("header_read_timeout_secs = {}", MAX_CONNECTION_TIMEOUT_SECS + 1),
            "header_read_timeout_secs",
        ),
        ("idle_timeout_secs = 0".to_owned(), "idle_timeout_secs"),
        (format!("idle_timeout_secs = {}", MAX_CONNECTION_TIMEOUT_SECS + 1), "idle_timeout_secs"),
        ("max_connections = 0".to_owned(), "max_connections"),
        (format!("max_connections = {}", MAX_CONNECTIONS_LIMIT + 1), "max_connections"),
    ] {
        match ServerConfig::from_toml_str(&toml).unwrap_err() {
            ConfigError::Invalid { field, .. } => assert_eq!(field, expected, "{toml}"),
            other => panic!("{toml}: {other:?}"),
        }
    }
}

/// The bind rule: `0.0.0.0`, `[::]` and `[::ffff:0.0.0.0]` alike need
/// `allow_unspecified_bind = true`, and are refused with `test_endpoints` even then (not
/// loopback). Only validation is checked: nothing is bound to every interface here.
#[test]
fn unspecified_bind_addresses_need_allowing_and_never_serve_test_endpoints() {
    let field = |toml: &str| match ServerConfig::from_toml_str(toml) {
        Ok(_) => "ok",
        Err(ConfigError::Invalid { field, .. }) => field,
        Err(other) => panic!("{toml}: {other:?}"),
    };
    for bind in ["0.0.0.0:8080", "[::]:8080", "[::ffff:0.0.0.0]:8080", "0.0.0.0:0"] {
        let bind = format!("bind = \"{bind}\"\n");
        assert_eq!(field(&bind), "bind", "{bind}");
        assert_eq!(field(&format!("{bind}test_endpoints = true\n")), "bind", "{bind}");
        assert_eq!(field(&format!("{bind}allow_unspecified_bind = true\n")), "ok", "{bind}");
        let c = ServerConfig::from_toml_str(&format!("{bind}allow_unspecified_bind = true\n")).unwrap();
        assert!(c.allow_unspecified_bind);
        assert_eq!(
            field(&format!("{bind}allow_unspecified_bind = true\ntest_endpoints = true\n")),
            "test_endpoints",
            "{bind}"
        );
    }
    let e = ServerConfig::from_toml_str("bind = \"0.0.0.0:8080\"").unwrap_err().to_string();
    assert!(e.contains("allow_unspecified_bind = true") && e.contains("--listen-any"), "{e}");
    // Specific addresses need nothing.
    for bind in ["127.0.0.1:0", "[::1]:0", "192.0.2.10:8080", "[2001:db8::1]:8080", "10.1.2.3:0"] {
        assert_eq!(field(&format!("bind = \"{bind}\"\n")), "ok", "{bind}");
    }
    // In code too.
    let any: core::net::SocketAddr = "0.0.0.0:0".parse().unwrap();
    assert!(ServerConfig::default().with_bind(any).validate().is_err());
    ServerConfig::default().with_bind(any).with_unspecified_bind_allowed(true).validate().unwrap();
}

/// The test endpoints are served only on a loopback bind address: `127.0.0.0/8`, `[::1]`
/// (and an IPv4-mapped `[::ffff:127.x.y.z]`, the same address). A specific address of
/// another interface is refused like an unspecified one, with a message naming the rule.
/// Only validation is checked: nothing is bound to a non-loopback address here.
#[test]
fn test_endpoints_need_a_loopback_bind() {
    let field = |toml: &str| match ServerConfig::from_toml_str(toml) {
        Ok(_) => "ok",
        Err(ConfigError::Invalid { field, .. }) => field,
        Err(other) => panic!("{toml}: {other:?}"),
    };
    for bind in ["127.0.0.1:0", "127.0.0.1:8080", "127.1.2.3:8080", "[::1]:0", "[::ffff:127.0.0.1]:8080"] {
        assert_eq!(field(&format!("bind = \"{bind}\"\ntest_endpoints = true\n")), "ok", "{bind}");
    }
    for bind in [
        "192.0.2.10:8080",
        "[2001:db8::1]:8080",
        "10.0.0.1:0",
        "192.168.1.1:8080",
        "172.16.0.1:8080",
        "[fe80::1]:8080",
        "[fd00::1]:8080",
        "[::ffff:192.0.2.10]:8080",
        "169.254.1.1:8080",
        "128.0.0.1:8080",
        "126.255.255.255:8080",
    ] {
        let toml = format!("bind = \"{bind}\"\ntest_endpoints = true\n");
        assert_eq!(field(&toml), "test_endpoints", "{bind}");
        // Allowing unspecified binds changes nothing for a specific address.
        assert_eq!(field(&format!("{toml}allow_unspecified_bind = true\n")), "test_endpoints", "{bind}");
        // Without the test endpoints the address is fine.
        assert_eq!(field(&format!("bind = \"{bind}\"\ntest_endpoints = false\n")), "ok", "{bind}");
    }
    let e = ServerConfig::from_toml_str("bind = \"192.0.2.10:8080\"\ntest_endpoints = true\n")
        .unwrap_err()
        .to_string();
    for part in ["test_endpoints", "loopback", "127.0.0.0/8", "[::1]", "192.0.2.10"] {
        assert!(e.contains(part), "{part:?} not in {e}");
    }
    // In code too.
    let specific: core::net::SocketAddr = "192.0.2.10:8080".parse().unwrap();
    let e = ServerConfig::default().with_bind(specific).with_test_endpoints(true).validate().unwrap_err();
    assert!(matches!(e, ConfigError::Invalid { field: "test_endpoints", .. }), "{e:?}");
    ServerConfig::default().with_bind(specific).validate().unwrap();
    let loopback: core::net::SocketAddr = "[::1]:0".parse().unwrap();
    ServerConfig::default().with_bind(loopback).with_test_endpoints(true).validate().unwrap();
}

/// `spawn` refuses an unspecified address before binding it.
#[tokio::test]
async fn spawn_refuses_an_unspecified_bind_before_binding() {
    use bearerkit_server::ServerError;
    for bind in ["0.0.0.0:0", "[::]:0"] {
        let config = ServerConfig::default().with_bind(bind.parse().unwrap());
        let e = bearerkit_server::spawn(config.clone()).await.unwrap_err();
        assert!(matches!(e, ServerError::Config(ConfigError::Invalid { field: "bind", .. })), "{e:?}");
        let config = config.with_unspecified_bind_allowed(true).with_test_endpoints(true);
        let e = bearerkit_server::spawn(config).await.unwrap_err();
        assert!(
            matches!(e, ServerError::Config(ConfigError::Invalid { field: "test_endpoints", .. })),
            "{e:?}"
        );
    }
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

#[test]
fn lifetimes_and_timeouts_are_bounded() {
    use bearerkit_server::{
        MAX_LEEWAY_SECS, MAX_LIFETIME_SECS, MAX_REQUEST_TIMEOUT_SECS, Realm, RealmClient,
    };
    assert_eq!(MAX_LIFETIME_SECS, 31_536_000);
    let invalid_field = |e: ConfigError| match e {
        ConfigError::Invalid { field, reason } => (field, reason),
        other => panic!("expected ConfigError::Invalid, got {other:?}"),
    };
    let realm = |token: u64, assertion: u64| {
        format!(
            "[[realms]]\nname = \"r\"\ntoken_lifetime_secs = {token}\nassertion_max_lifetime_secs = {assertion}\n\
             [[realms.clients]]\nclient_id = \"c\"\nsecret = \"s\"\n"
        )
    };
    // The bounds themselves are accepted.
    for ok in [
        format!("token_lifetime_secs = {MAX_LIFETIME_SECS}"),
        format!("request_timeout_secs = {MAX_REQUEST_TIMEOUT_SECS}"),
        format!("leeway_secs = {MAX_LEEWAY_SECS}"),
        realm(MAX_LIFETIME_SECS, MAX_LIFETIME_SECS),
    ] {
        ServerConfig::from_toml_str(&ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    // One more, or u64::MAX (Instant::now() + that would panic), is a typed error.
    let cases = [
        (format!("token_lifetime_secs = {}", MAX_LIFETIME_SECS + 1), "token_lifetime_secs"),
        (format!("token_lifetime_secs = {}", i64::MAX), "token_lifetime_secs"),
        (format!("request_timeout_secs = {}", MAX_REQUEST_TIMEOUT_SECS + 1), "request_timeout_secs"),
        (format!("leeway_secs = {}", MAX_LEEWAY_SECS + 1), "leeway_secs"),
        (realm(MAX_LIFETIME_SECS + 1, 60), "realms.token_lifetime_secs"),
        (realm(300, MAX_LIFETIME_SECS + 1), "realms.assertion_max_lifetime_secs"),
        (realm(0, 60), "realms.token_lifetime_secs"),
        (realm(300, 0), "realms.assertion_max_lifetime_secs"),
    ];
    for (toml, expected) in &cases {
        let (field, reason) = invalid_field(ServerConfig::from_toml_str(toml).unwrap_err());
        assert_eq!(field, *expected, "{toml}");
        assert!(reason.starts_with("must be"), "{reason}");
    }
    let e =
        ServerConfig::from_toml_str(&format!("token_lifetime_secs = {}", MAX_LIFETIME_SECS + 1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid token_lifetime_secs: must be at most 31536000 seconds (one year), got 31536001"
    );
    // Built in code, u64::MAX (TOML integers stop at i64::MAX) is refused by validate,
    // and so by AppState::new and spawn: the server never starts with it.
    let huge = ServerConfig::default().with_token_lifetime(u64::MAX);
    assert_eq!(invalid_field(huge.validate().unwrap_err()).0, "token_lifetime_secs");
    assert!(bearerkit_server::AppState::new(&huge, "http://127.0.0.1:1").is_err());
    let realm = Realm::new("r").client(RealmClient::new("c").secret("s")).token_lifetime(u64::MAX);
    let e = ServerConfig::default().with_realm(realm).validate().unwrap_err();
    assert_eq!(invalid_field(e).0, "realms.token_lifetime_secs");
    let realm = Realm::new("r").client(RealmClient::new("c").secret("s")).assertion_max_lifetime(u64::MAX);
    let e = ServerConfig::default().with_realm(realm).validate().unwrap_err();
    assert_eq!(invalid_field(e).0, "realms.assertion_max_lifetime_secs");
}

/// The longest allowed lifetime really issues tokens (no overflow on the way).
#[tokio::test]
async fn the_longest_lifetime_issues_tokens() {
    use bearerkit_server::{BasicClient, MAX_LIFETIME_SECS};
    let config = ServerConfig::default()
        .with_token_lifetime(MAX_LIFETIME_SECS)
        .with_outbound_client(BasicClient::new("c", "s", ["a"]));
    let server = bearerkit_server::spawn(config).await.unwrap();
    let r = crate::common::http()
        .post(server.outbound_token_url())
        .basic_auth("c", Some("s"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let (status, body) = crate::common::json(r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], MAX_LIFETIME_SECS.to_string());
    server.shutdown().await;
}

/// A TOML error's `Display` quotes the offending line; the configuration error must not
/// (the line may hold a secret) but must still say where.
#[test]
fn parse_errors_never_quote_the_document() {
    const CLIENT: &str = "[[realms]]\nname = \"r\"\n[[realms.clients]]\nclient_id = \"c\"\n";
    let cases = [
        // Unknown field (deny_unknown_fields) with the secret on the line.
        (format!("{CLIENT}secrt = \"password123\"\n"), "password123", 5, "unknown field `secrt`"),
        // Unterminated string.
        (format!("{CLIENT}secret = \"hunter2\n"), "hunter2", 5, "invalid basic string"),
        (format!("{CLIENT}secret = \"hunter2\" junk\n"), "hunter2", 5, "unexpected key or value"),
        // Unquoted.
        (format!("{CLIENT}secret = hunter2\n"), "hunter2", 5, "string values must be quoted"),
        // Wrong types: serde's message quotes the value itself.
        ("token_lifetime_secs = \"abc\"".to_owned(), "abc", 1, "invalid type: string, expected u64"),
        (format!("{CLIENT}secret = 8675309\n"), "8675309", 5, "invalid type: integer, expected a string"),
        ("\n\nleeway_secs = -4242".to_owned(), "4242", 3, "invalid value: integer, expected u64"),
        (
            "replay_cache_capacity = 1.25".to_owned(),
            "1.25",
            1,
            "invalid type: floating point, expected usize",
        ),
        ("test_endpoints = \"hunter2\"".to_owned(), "hunter2", 1, "invalid type: string, expected a boolean"),
        // Unknown enum variant: the value is the variant.
        (
            "[[d1_issuers]]\nissuer_id = \"a\"\nenv = \"hunter2\"".to_owned(),
            "hunter2",
            3,
            "unknown variant, expected one of `staging`, `stg`, `prd`, `production`",
        ),
        // The value contains the text serde puts before the expectation.
        (
            "token_lifetime_secs = \"x, expected hunter2\"".to_owned(),
            "hunter2",
            1,
            "invalid type: string, expected u64",
        ),
        (format!("{CLIENT}secret = \"a\"\nsecret = \"hunter2\"\n"), "hunter2", 6, "duplicate key"),
        ("bind = \"hunter2\"".to_owned(), "hunter2", 1, "invalid socket address syntax"),
    ];
    for (toml, secret, line, what) in &cases {
        let e = ServerConfig::from_toml_str(toml).unwrap_err();
        assert!(matches!(e, ConfigError::Parse(_)), "{toml}: {e:?}");
        let (display, debug) = (e.to_string(), format!("{e:?}"));
        for text in [&display, &debug] {
            assert!(!text.contains(secret), "{toml:?} leaked {secret:?}: {text}");
            assert!(!text.contains('\n'), "{text}");
        }
        assert!(display.starts_with(&format!("invalid configuration: line {line}, column ")), "{display}");
        assert!(display.contains(what), "{toml:?}: {display}");
    }
    let e = ServerConfig::from_toml_str(&format!("{CLIENT}secrt = \"password123\"\n")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid configuration: line 5, column 1: unknown field `secrt`, expected one of `client_id`, \
         `secret`, `certificate`, `assertion_algorithms`, `scopes`, `client_credentials`"
    );
    let e = ServerConfig::from_toml_str(&format!("{CLIENT}secret = \"hunter2\n")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid configuration: line 5, column 18: invalid basic string, expected `\"`"
    );
}

/// A D1 key given as JWK text in the TOML file (a literal inline string, a pretty-printed
/// multi-line literal string, and a basic string with escaped quotes), next to a PEM key:
/// the server loaded from that file accepts assertions signed by the matching private keys
/// and refuses them under the other kids.
#[tokio::test]
async fn toml_jwk_d1_keys_issue_tokens() {
    use crate::common::{GRANT, assert_error, http, json, jti, now};
    use bearerkit::SigningKey;
    use bearerkit::profile::d1;
    let pem_key = SigningKey::from_bytes(&[21u8; 32]).unwrap();
    let inline_key = SigningKey::from_bytes(&[22u8; 32]).unwrap();
    let multi_key = SigningKey::from_bytes(&[23u8; 32]).unwrap();
    let basic_key = SigningKey::from_bytes(&[24u8; 32]).unwrap();
    let inline_jwk = inline_key.verifying_key().to_jwk_string();
    let multi_jwk = {
        let v: serde_json::Value = serde_json::from_str(&multi_key.verifying_key().to_jwk_string()).unwrap();
        // With the members RFC 7517 allows on a signing key.
        let mut v = v.as_object().unwrap().clone();
        v.insert("use".into(), "sig".into());
        v.insert("alg".into(), "ES256".into());
        serde_json::to_string_pretty(&v).unwrap()
    };
    assert!(multi_jwk.lines().count() > 3, "{multi_jwk}");
    let basic_jwk = basic_key.verifying_key().to_jwk_string().replace('"', "\\\"");
    let toml = format!(
        "[[d1_issuers]]\nissuer_id = \"MGW_TOML\"\nenv = \"stg\"\n\
         [[d1_issuers.keys]]\nkid = \"k-pem\"\npublic_key = \"\"\"\n{pem}\"\"\"\n\
         [[d1_issuers.keys]]\nkid = \"k-jwk-inline\"\npublic_key = '{inline_jwk}'\n\
         [[d1_issuers.keys]]\nkid = \"k-jwk-multi\"\npublic_key = '''\n{multi_jwk}\n'''\n\
         [[d1_issuers.keys]]\nkid = \"k-jwk-basic\"\npublic_key = \"{basic_jwk}\"\n",
        pem = pem_key.verifying_key().to_spki_pem_string(),
    );
    let config = ServerConfig::from_toml_str(&toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    let keys = &config.d1_issuers[0].keys;
    assert_eq!(keys.len(), 4);
    assert!(keys[2].public_key.trim_start().starts_with('{') && keys[2].public_key.contains('\n'));
    let server = bearerkit_server::spawn(config).await.unwrap();
    let client = http();
    let post = |assertion: String| {
        client.post(server.d1_token_url()).form(&[("grant_type", GRANT), ("assertion", &assertion)]).send()
    };
    let sign = |kid: &str, key: &SigningKey| {
        let jti = jti();
        d1::assertion("MGW_TOML", d1::Env::Staging, kid, now()).jwt_id(&jti).sign_to_string(key).unwrap()
    };
    for (kid, key) in [
        ("k-pem", &pem_key),
        ("k-jwk-inline", &inline_key),
        ("k-jwk-multi", &multi_key),
        ("k-jwk-basic", &basic_key),
    ] {
        let (status, body) = json(post(sign(kid, key)).await.unwrap()).await;
        assert_eq!(status, 200, "{kid}: {body}");
        assert_eq!(body["token_type"], "Bearer", "{kid}");
        assert_eq!(body["access_token"].as_str().unwrap().len(), 43, "{kid}");
    }
    // The JWK kids verify with their own keys only.
    for (kid, key) in [("k-jwk-inline", &multi_key), ("k-jwk-multi", &pem_key), ("k-pem", &inline_key)] {
        let d = assert_error(post(sign(kid, key)).await.unwrap(), 400, "invalid_grant").await;
        assert!(d.starts_with("assertion rejected: bad_signature"), "{kid}: {d}");
    }
    server.shutdown().await;
}

/// A JWK in TOML that is not a P-256 public key: a typed [`ConfigError::InvalidKey`] that
/// names the issuer and the kid of the entry and carries the core's reason, never a panic
/// and never the key text, both from [`ServerConfig::from_toml_str`] and from `spawn`.
#[tokio::test]
async fn toml_bad_jwk_d1_keys_are_typed_errors() {
    // A real P-384 key (openssl/cryptography made), and P-256 shapes that are not keys.
    const P384: &str = r#"{"kty":"EC","crv":"P-384","x":"ghUG5vIZuErlHSmNLt-YQQH4ZSLB0RIQvnr_tr7AqZ5yiwgA335UGoHONx4KbhkM","y":"630cZtOQt5yRauSyXakgxGvA1eyA8o0skV9r_3janysrCscTSlLuOsCixn_k6NTS"}"#;
    let good = bearerkit::SigningKey::from_bytes(&[25u8; 32]).unwrap().verifying_key().to_jwk_string();
    let zero = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let off_curve = format!(r#"{{"kty":"EC","crv":"P-256","x":"{zero}","y":"{zero}"}}"#);
    let for_encryption = good.replacen('{', r#"{"use":"enc","#, 1);
    let cases: Vec<(String, bearerkit::Error)> = vec![
        (P384.to_owned(), bearerkit::Error::WrongCurve),
        (P384.replace("P-384", "secp256k1"), bearerkit::Error::WrongCurve),
        (r#"{"kty":"RSA","n":"sXch","e":"AQAB"}"#.to_owned(), bearerkit::Error::UnsupportedKeyType),
        (good[..good.len() / 2].to_owned(), bearerkit::Error::BadJwk),
        ("{ garbage }".to_owned(), bearerkit::Error::BadJwk),
        ("{}".to_owned(), bearerkit::Error::BadJwk),
        (r#"{"kty":"EC","crv":"P-256"}"#.to_owned(), bearerkit::Error::BadJwk),
        (good.replacen("\"x\":\"", "\"x\":\"!!", 1), bearerkit::Error::BadJwk),
        (off_curve, bearerkit::Error::InvalidPoint),
        (for_encryption, bearerkit::Error::KeyUsage),
    ];
    for (jwk, expected) in &cases {
        assert!(!jwk.contains("'''"));
        // Both as an inline literal string and as a multi-line literal string.
        for value in [format!("'{jwk}'"), format!("'''\n{jwk}\n'''")] {
            let toml = format!(
                "[[d1_issuers]]\nissuer_id = \"MGW_TOML\"\nenv = \"prd\"\n\
                 [[d1_issuers.keys]]\nkid = \"k-ok\"\npublic_key = '{good}'\n\
                 [[d1_issuers.keys]]\nkid = \"k-bad\"\npublic_key = {value}\n"
            );
            let e = ServerConfig::from_toml_str(&toml).unwrap_err();
            let ConfigError::InvalidKey { issuer_id, kid, source } = &e else {
                panic!("{jwk}: expected ConfigError::InvalidKey, got {e:?}");
            };
            assert_eq!(
                (issuer_id.as_str(), kid.as_str(), *source),
                ("MGW_TOML", "k-bad", *expected),
                "{jwk}"
            );
            let text = e.to_string();
            assert!(
                text.starts_with("invalid public key for issuer \"MGW_TOML\", kid \"k-bad\": "),
                "{jwk}: {text}"
            );
            assert!(text.ends_with(&format!("({})", expected.code())), "{jwk}: {text}");
            assert!(!text.contains(jwk.as_str()) && !text.contains("ghUG5vIZ"), "{text}");
            let source = core::error::Error::source(&e).map(ToString::to_string);
            assert_eq!(source, Some(expected.to_string()));
        }
        // Built in code the same text is refused by spawn, before binding.
        let config = ServerConfig::default().with_d1_issuer(
            bearerkit_server::D1Issuer::new("MGW_TOML", bearerkit_server::D1Env::Prd)
                .key("k-bad", jwk.as_str()),
        );
        match bearerkit_server::spawn(config).await {
            Err(bearerkit_server::ServerError::Config(ConfigError::InvalidKey { kid, source, .. })) => {
                assert_eq!((kid.as_str(), source), ("k-bad", *expected));
            }
            Err(other) => panic!("{jwk}: {other:?}"),
            Ok(_) => panic!("{jwk}: the server started"),
        }
    }
}

/// A configuration file's worth: issuer `MGW_F` (stg, kid `k1`), outbound client `file-out`,
/// realm `openbanking` (60 s tokens) with client `File-Client`.
fn file_config(public_key: &str) -> ServerConfig {
    ServerConfig::from_toml_str(&format!(
        "[[d1_issuers]]\nissuer_id = \"MGW_F\"\nenv = \"stg\"\nscope = \"file:scope\"\n\
         [[d1_issuers.keys]]\nkid = \"k1\"\npublic_key = \"\"\"\n{public_key}\"\"\"\n\
         [[outbound_clients]]\nclient_id = \"file-out\"\nsecret = \"file-secret\"\n\
         [[realms]]\nname = \"openbanking\"\ntoken_lifetime_secs = 60\n\
         [[realms.clients]]\nclient_id = \"File-Client\"\nsecret = \"file-password\"\n"
    ))
    .unwrap()
}

/// `merge` adds issuers, keys, clients, realms and TLS (what `bearerkit serve`'s flags do to
/// its `--config` file), keeping what the configuration has.
#[test]
fn merge_adds_without_overriding() {
    use bearerkit_server::{
        BasicClient, ConfigAdditions, D1Env, D1IssuerAdditions, RealmAdditions, RealmClient, TlsConfig,
    };
    let public = |seed: u8| {
        bearerkit::SigningKey::from_bytes(&[seed; 32]).unwrap().verifying_key().to_spki_pem_string()
    };
    let additions = ConfigAdditions::default()
        .d1_issuer(D1IssuerAdditions::new("MGW_F", D1Env::Stg).key("k2", public(2)))
        .d1_issuer(D1IssuerAdditions::new("MGW_P", D1Env::Prd).key("p1", public(3)).scope("custom:read"))
        .d1_issuer(D1IssuerAdditions::new("MGW_D", D1Env::Prd).key("d1", public(4)))
        .outbound_client(BasicClient::new("flag-out", "flag-secret", ["a", "b"]))
        .realm(RealmAdditions::new("openbanking").client(RealmClient::new("Flag-Client").secret("s")))
        .realm(
            RealmAdditions::new("other")
                .client(RealmClient::new("c").secret("s"))
                .token_lifetime(120)
                .assertion_max_lifetime(90),
        )
        .realm(RealmAdditions::new("defaults").client(RealmClient::new("c").secret("s")));
    let c = file_config(&public(1)).merge(additions).unwrap();
    c.validate().unwrap();
    let issuers: Vec<(&str, usize, &str)> =
        c.d1_issuers.iter().map(|i| (i.issuer_id.as_str(), i.keys.len(), i.scope.as_str())).collect();
    assert_eq!(
        issuers,
        [
            ("MGW_F", 2, "file:scope"),
            ("MGW_P", 1, "custom:read"),
            ("MGW_D", 1, bearerkit_server::DEFAULT_D1_SCOPE)
        ]
    );
    assert_eq!(c.d1_issuers[0].env, D1Env::Stg);
    let outbound: Vec<&str> = c.outbound_clients.iter().map(|o| o.client_id.as_str()).collect();
    assert_eq!(outbound, ["file-out", "flag-out"]);
    assert_eq!(c.outbound_clients[1].scopes, ["a", "b"]);
    let realms: Vec<(&str, usize, u64, u64)> = c
        .realms
        .iter()
        .map(|r| (r.name.as_str(), r.clients.len(), r.token_lifetime_secs, r.assertion_max_lifetime_secs))
        .collect();
    assert_eq!(realms, [("openbanking", 2, 60, 3600), ("other", 1, 120, 90), ("defaults", 1, 300, 3600)]);
    assert!(c.tls.is_none());
    // TLS is added to a configuration without it.
    let tls = TlsConfig::new("chain", "key");
    let c = ServerConfig::default().merge(ConfigAdditions::default().tls(tls)).unwrap();
    assert_eq!(c.tls.map(|t| t.certificate_chain), Some("chain".to_owned()));
    // Nothing to add: the same configuration.
    let c = file_config(&public(1)).merge(ConfigAdditions::default()).unwrap();
    assert_eq!(format!("{c:?}"), format!("{:?}", file_config(&public(1))));
}

/// What the configuration has is refused, never overridden: a kid of one of its issuers, an
/// issuer of another environment, a scope or lifetime for its issuers and realms, a client
/// id, `[tls]`; and so is an addition given twice. The errors name the entry, never a secret.
#[test]
fn merge_refuses_what_the_configuration_has() {
    use bearerkit_server::{
        BasicClient, ConfigAdditions, D1Env, D1IssuerAdditions, RealmAdditions, RealmClient, TlsConfig,
    };
    let public = bearerkit::SigningKey::from_bytes(&[1; 32]).unwrap().verifying_key().to_spki_pem_string();
    let realm =
        |client: &str| RealmAdditions::new("openbanking").client(RealmClient::new(client).secret("s"));
    let cases: Vec<(ConfigAdditions, &str)> = vec![
        (
            ConfigAdditions::default().d1_issuer(D1IssuerAdditions::new("MGW_F", D1Env::Stg).key("k1", "x")),
            "duplicate d1 key id: \"MGW_F/k1\"",
        ),
        (
            ConfigAdditions::default().d1_issuer(D1IssuerAdditions::new("MGW_F", D1Env::Prd).key("k9", "x")),
            "invalid d1_issuers.env: issuer \"MGW_F\" is stg in the configuration, not prd",
        ),
        (
            ConfigAdditions::default().d1_issuer(D1IssuerAdditions::new("MGW_F", D1Env::Stg).scope("a")),
            "invalid d1_issuers.scope: issuer \"MGW_F\" is already in the configuration: set its scope there",
        ),
        (
            ConfigAdditions::default().outbound_client(BasicClient::new("file-out", "flag-secret", ["a"])),
            "duplicate outbound client: \"file-out\"",
        ),
        (
            ConfigAdditions::default().realm(realm("File-Client")),
            "duplicate realm client: \"openbanking/File-Client\"",
        ),
        (
            ConfigAdditions::default().realm(realm("New").token_lifetime(120)),
            "invalid realms.token_lifetime_secs: realm \"openbanking\" is already in the configuration: \
             set its lifetimes there",
        ),
        (
            ConfigAdditions::default().realm(realm("New").assertion_max_lifetime(90)),
            "invalid realms.assertion_max_lifetime_secs: realm \"openbanking\" is already in the \
             configuration: set its lifetimes there",
        ),
        // Twice among the additions: the second finds the first.
        (
            ConfigAdditions::default()
                .outbound_client(BasicClient::new("x", "flag-secret", ["a"]))
                .outbound_client(BasicClient::new("x", "flag-secret", ["a"])),
            "duplicate outbound client: \"x\"",
        ),
        (
            ConfigAdditions::default()
                .d1_issuer(D1IssuerAdditions::new("N", D1Env::Prd).key("k", "x").key("k", "y")),
            "duplicate d1 key id: \"N/k\"",
        ),
    ];
    for (additions, expected) in cases {
        let e = file_config(&public).merge(additions).unwrap_err();
        assert!(matches!(e, ConfigError::Duplicate { .. } | ConfigError::Invalid { .. }), "{e:?}");
        assert_eq!(e.to_string(), expected);
        let debug = format!("{e:?}");
        assert!(!debug.contains("secret") && !debug.contains("password"), "{debug}");
    }
    let with_tls = ServerConfig::default().with_tls(TlsConfig::new("file chain", "file key"));
    let e = with_tls.merge(ConfigAdditions::default().tls(TlsConfig::new("chain", "key"))).unwrap_err();
    assert_eq!(e.to_string(), "invalid tls: [tls] is already in the configuration");
}

//! Shared fixtures: keys, certificates, a configured server on 127.0.0.1:0, clients.

use bearerkit::SigningKey;
use bearerkit::profile::d1;
use bearerkit_client::{ClientAuth, D1Grant, PrivateKeyJwt, RetryPolicy, TokenClient, TokenClientBuilder};
use bearerkit_server::{BasicClient, D1Env, D1Issuer, Realm, RealmClient, RunningServer, ServerConfig};
use core::time::Duration;

pub(crate) const ISSUER: &str = "MGW_ID";
pub(crate) const KID: &str = "k1";
pub(crate) const OUT_CLIENT: &str = "d1-outbound";
pub(crate) const OUT_SECRET: &str = "outbound-secret-value";
pub(crate) const REALM: &str = "example-realm";
pub(crate) const KC_SECRET_CLIENT: &str = "Worldline-000021";
pub(crate) const KC_SECRET: &str = "password123-very-secret";
pub(crate) const KC_JWT_CLIENT: &str = "5734699";

pub(crate) fn d1_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32]).unwrap()
}

/// A self-signed P-256 certificate (rcgen) and its key: the Worldline client's.
pub(crate) struct Cert {
    pub(crate) pem: String,
    pub(crate) key_pem: String,
}

pub(crate) fn make_cert(cn: &str) -> Cert {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec![format!("{cn}.example")]).unwrap();
    params.distinguished_name.push(rcgen::DnType::CommonName, cn);
    let cert = params.self_signed(&pair).unwrap();
    Cert { pem: cert.pem(), key_pem: pair.serialize_pem() }
}

/// The test server's configuration: a D1 issuer, an outbound client, a realm with a
/// secret client and a certificate client; JSON bodies accepted everywhere.
pub(crate) fn config(cert: &Cert) -> ServerConfig {
    ServerConfig::default()
        .with_test_endpoints(true)
        .with_json_bodies(true)
        .with_d1_issuer(
            D1Issuer::new(ISSUER, D1Env::Prd).key(KID, d1_key().verifying_key().to_spki_pem_string()),
        )
        .with_outbound_client(BasicClient::new(OUT_CLIENT, OUT_SECRET, ["cards", "notifications"]))
        .with_realm(
            Realm::new(REALM)
                .client(RealmClient::new(KC_SECRET_CLIENT).secret(KC_SECRET).scopes(["VOP", "WERO"]))
                .client(
                    RealmClient::new(KC_JWT_CLIENT).certificate(cert.pem.clone()).scopes(["VOP", "WERO"]),
                ),
        )
}

pub(crate) struct Fixture {
    pub(crate) server: RunningServer,
    pub(crate) cert: Cert,
}

pub(crate) async fn start() -> Fixture {
    start_with(|c| c).await
}

pub(crate) async fn start_with(edit: impl FnOnce(ServerConfig) -> ServerConfig) -> Fixture {
    let cert = make_cert("client");
    let server = bearerkit_server::spawn(edit(config(&cert))).await.unwrap();
    assert!(server.local_addr().ip().is_loopback());
    Fixture { server, cert }
}

/// Fast retries for tests.
pub(crate) fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

impl Fixture {
    pub(crate) fn d1(&self) -> TokenClientBuilder {
        TokenClient::builder(
            self.server.d1_token_url(),
            D1Grant::new(ISSUER, d1::Env::Production, KID, d1_key()),
        )
        .retry(quick_retries())
    }

    pub(crate) fn outbound(&self) -> TokenClientBuilder {
        TokenClient::builder(
            self.server.outbound_token_url(),
            ClientAuth::secret_basic(OUT_CLIENT, OUT_SECRET),
        )
        .retry(quick_retries())
    }

    pub(crate) fn kc_secret_post(&self) -> TokenClientBuilder {
        TokenClient::builder(
            self.server.keycloak_token_url(REALM),
            ClientAuth::secret_post(KC_SECRET_CLIENT, KC_SECRET),
        )
        .retry(quick_retries())
    }

    pub(crate) fn kc_private_key_jwt(&self) -> TokenClientBuilder {
        let key = SigningKey::from_pem(&self.cert.key_pem).unwrap();
        let auth = PrivateKeyJwt::new(KC_JWT_CLIENT, key).kid_from_certificate_pem(&self.cert.pem).unwrap();
        TokenClient::builder(self.server.keycloak_token_url(REALM), auth).retry(quick_retries())
    }
}

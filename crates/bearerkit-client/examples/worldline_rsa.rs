//! Worldline Open Banking with an RSA certificate: `private_key_jwt` client assertions signed
//! RS256 and PS256 (`kid` = the certificate's SHA-1 fingerprint, `aud` = the realm issuer),
//! exchanged for access tokens at a Keycloak-style realm.
//!
//! ```sh
//! cargo run -p bearerkit-client --example worldline_rsa -- KEY.pem CERT.pem
//! ```
//!
//! The key is RSA, 2048 to 4096 bits, PKCS#8 or PKCS#1 PEM
//! (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out KEY.pem`), the
//! certificate the one registered for the client
//! (`openssl req -x509 -key KEY.pem -subj /CN=Worldline-000021 -days 365 -out CERT.pem`).
//! The realm is `bearerkit serve`'s, started here on a free 127.0.0.1 port with that
//! certificate registered; point the URL at Worldline's realm to use it for real.

use bearerkit_client::bearerkit_rsa::{RsaAlgorithm, RsaSigningKey};
use bearerkit_client::{AssertionSigner, PrivateKeyJwt, TokenClient};
use bearerkit_server::{Realm, RealmClient, ServerConfig};

const CLIENT_ID: &str = "Worldline-000021";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn core::error::Error>> {
    bearerkit_client::install_crypto_provider();
    let args: Vec<String> = std::env::args().collect();
    let [_, key_path, cert_path] = &args[..] else {
        return Err("usage: worldline_rsa KEY.pem CERT.pem (an RSA key and its certificate)".into());
    };
    let key_pem = std::fs::read_to_string(key_path)?;
    let cert_pem = std::fs::read_to_string(cert_path)?;

    // The local realm, with the certificate registered for the client.
    let realm = Realm::new("openbanking")
        .client(RealmClient::new(CLIENT_ID).certificate(cert_pem.as_str()).scopes(["VOP", "WERO"]));
    let server = bearerkit_server::spawn(ServerConfig::default().with_realm(realm)).await?;
    let url = server.keycloak_token_url("openbanking");
    println!("realm token endpoint: {url}");

    for alg in [RsaAlgorithm::Rs256, RsaAlgorithm::Ps256] {
        let signer = AssertionSigner::rsa(RsaSigningKey::from_pem(&key_pem)?, alg);
        // key_mismatch here, before anything is sent, if the certificate is not the key's.
        let auth = PrivateKeyJwt::with_signer(CLIENT_ID, signer).kid_from_certificate_pem(&cert_pem)?;
        let client = TokenClient::builder(url.as_str(), auth).scope("VOP WERO").build()?;
        let token = client.token().await?;
        println!(
            "{alg}: access token {} ({} s, scope {})",
            token.access_token().preview(),
            token.lifetime().as_secs(),
            token.scope().unwrap_or("-")
        );
    }
    server.shutdown().await;
    Ok(())
}

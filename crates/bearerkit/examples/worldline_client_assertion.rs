//! Worldline Open Banking (Keycloak; `docs/worldline-open-banking.md`): a `private_key_jwt` client assertion whose
//! `kid` is the signing certificate's SHA-1 fingerprint, and the form body of the
//! `client_credentials` request.
//!
//! `cargo run -p bearerkit --example worldline_client_assertion --features std -- cert.pem key.pem`
//! (without arguments it uses a fresh key and prints how to make a certificate).
use bearerkit::{CertificateThumbprints, SigningKey, profile::client_assertion as ca};

fn main() -> Result<(), Box<dyn core::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (key, kid) = if let [_, cert, key] = &args[..] {
        let cert_pem = std::fs::read_to_string(cert)?;
        let mut scratch = vec![0u8; cert_pem.len() * 2];
        let fp = CertificateThumbprints::from_pem(&cert_pem, &mut scratch)?;
        (SigningKey::from_pem(&std::fs::read_to_string(key)?)?, fp.sha1_hex().to_string())
    } else {
        eprintln!(
            "no certificate given: make one with\n  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=me -keyout key.pem -out cert.pem"
        );
        (SigningKey::generate(&mut rand::rng()), "B4E11A49EE0D1239E7F784919B91DF577E839385".to_string())
    };
    let endpoint = "https://example-domain/auth/realms/example-realm/protocol/openid-connect/token";
    let now = bearerkit::now_unix();
    let jti = format!("{:032x}", rand::random::<u128>());
    let mut buf = [0u8; 1024];
    let assertion =
        ca::assertion("Worldline-000021", endpoint, &jti, now).key_id(&kid).sign(&key, &mut buf)?;
    println!("POST {endpoint}");
    println!(
        "grant_type=client_credentials&scope=VOP%20WERO&client_assertion_type={}&client_assertion={assertion}",
        ca::ASSERTION_TYPE.replace(':', "%3A")
    );
    Ok(())
}

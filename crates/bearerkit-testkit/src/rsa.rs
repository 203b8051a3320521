//! RSA test keys and certificates, made once with `openssl` (`genpkey`, `req -x509`) and
//! kept beside the `bearerkit-rsa` tests: ring cannot generate RSA keys, and making them at
//! test time would need the `openssl` CLI in every Rust test.

/// A 2048-bit RSA private key, PKCS#8 (`BEGIN PRIVATE KEY`).
pub const KEY_2048_PEM: &str = include_str!("../../bearerkit-rsa/tests/keys/rsa2048.pem");
/// The same key as [`KEY_2048_PEM`], PKCS#1 (`BEGIN RSA PRIVATE KEY`).
pub const KEY_2048_PKCS1_PEM: &str = include_str!("../../bearerkit-rsa/tests/keys/rsa2048-pkcs1.pem");
/// A self-signed certificate for [`KEY_2048_PEM`].
pub const CERT_2048_PEM: &str = include_str!("../../bearerkit-rsa/tests/keys/rsa2048-cert.pem");
/// A 3072-bit RSA private key, PKCS#8.
pub const KEY_3072_PEM: &str = include_str!("../../bearerkit-rsa/tests/keys/rsa3072.pem");
/// A self-signed certificate for [`KEY_3072_PEM`].
pub const CERT_3072_PEM: &str = include_str!("../../bearerkit-rsa/tests/keys/rsa3072-cert.pem");
/// A 1024-bit RSA private key, PKCS#8: too small, refused everywhere.
pub const KEY_1024_PEM: &str = include_str!("../../bearerkit-rsa/tests/keys/rsa1024.pem");
/// A self-signed certificate for [`KEY_1024_PEM`] (refused: the key is too small).
pub const CERT_1024_PEM: &str = include_str!("../../bearerkit-rsa/tests/keys/rsa1024-cert.pem");

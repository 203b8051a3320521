//! Key import and export in every format, PEM tolerance, and interop with the `openssl` CLI.
use bearerkit::{Error, SigningKey, VerifyingKey};
use std::process::Command;

/// The Thales D1 guide's example key exactly as printed, trailing spaces included (from
/// the shared vector, its one home in the repository).
fn guide_pem() -> String {
    crate::common::load("d1_guide_example.json")["sec1_pem"].as_str().unwrap().to_string()
}

#[test]
fn d1_guide_key_imports_and_round_trips() {
    let guide = guide_pem();
    let key = SigningKey::from_pem(&guide).unwrap();
    let mut buf = [0u8; 512];
    let sec1 = key.to_sec1_pem(&mut buf).unwrap().to_string();
    // The export is the guide's key, normalised.
    assert_eq!(sec1.trim(), guide.replace(" \n", "\n"));
    let pkcs8 = key.to_pkcs8_pem(&mut buf).unwrap().to_string();
    assert!(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(SigningKey::from_pem(&pkcs8).unwrap().to_bytes(), key.to_bytes());
    let jwk = key.to_jwk(&mut buf).unwrap().to_string();
    assert_eq!(SigningKey::from_jwk(&jwk).unwrap().to_bytes(), key.to_bytes());
    let vk = key.verifying_key();
    let spki = vk.to_spki_pem(&mut buf).unwrap().to_string();
    assert_eq!(VerifyingKey::from_pem(&spki).unwrap(), vk);
    assert_eq!(VerifyingKey::from_pem(&guide).unwrap(), vk);
    assert_eq!(VerifyingKey::from_pem(&pkcs8).unwrap(), vk);
    let pjwk = vk.to_jwk(&mut buf).unwrap().to_string();
    assert!(!pjwk.contains("\"d\""));
    assert_eq!(VerifyingKey::from_jwk(&pjwk).unwrap(), vk);
    assert_eq!(VerifyingKey::from_jwk(&jwk).unwrap(), vk);
    assert_eq!(VerifyingKey::from_sec1_bytes(&vk.to_sec1_bytes()).unwrap(), vk);
    let mut der = [0u8; 256];
    let spki_der = vk.to_spki_der(&mut der).unwrap().to_vec();
    assert_eq!(VerifyingKey::from_spki_der(&spki_der).unwrap(), vk);
    let pk8 = key.to_pkcs8_der(&mut der).unwrap().to_vec();
    assert_eq!(SigningKey::from_pkcs8_der(&pk8).unwrap().to_bytes(), key.to_bytes());
}

#[test]
fn pem_whitespace_tolerance_and_limits() {
    let clean = guide_pem().replace(" \n", "\n");
    for variant in [clean.replace('\n', "\r\n"), format!("\n\n  {clean}  \n\n"), clean.replace('\n', " \t\n")]
    {
        SigningKey::from_pem(&variant).unwrap();
    }
    // Indented lines are not "trailing spaces": refused.
    let indented = clean.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n");
    assert_eq!(SigningKey::from_pem(&indented).unwrap_err(), Error::BadPem);
    // Anything else malformed is a typed error.
    assert_eq!(SigningKey::from_pem(&clean.replace("MHcC", "MH cC")).unwrap_err(), Error::BadPem);
    assert_eq!(
        SigningKey::from_pem(&clean.replace("EC PRIVATE KEY-----\nM", "EC PRIVATE KEY-----\n\nM"))
            .unwrap_err(),
        Error::BadPem
    );
    assert_eq!(SigningKey::from_pem(&clean.replace("END EC", "END XX")).unwrap_err(), Error::BadPem);
    assert_eq!(SigningKey::from_pem("").unwrap_err(), Error::BadPem);
    assert_eq!(SigningKey::from_pem(&"A".repeat(5000)).unwrap_err(), Error::BadPem);
    let big = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----", "QUFB".repeat(300));
    assert_eq!(SigningKey::from_pem(&big).unwrap_err(), Error::BadPem);
    // A public key is not a private key.
    let mut buf = [0u8; 256];
    let spki = SigningKey::from_pem(&guide_pem())
        .unwrap()
        .verifying_key()
        .to_spki_pem(&mut buf)
        .unwrap()
        .to_string();
    assert_eq!(SigningKey::from_pem(&spki).unwrap_err(), Error::BadPem);
    assert_eq!(
        SigningKey::from_pem("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----")
            .unwrap_err(),
        Error::UnsupportedKeyType
    );
}

#[test]
fn generate_gives_distinct_working_keys() {
    let mut rng = rand::rng();
    let a = SigningKey::generate(&mut rng);
    let b = SigningKey::generate(&mut rng);
    assert_ne!(a.to_bytes(), b.to_bytes());
    assert_eq!(format!("{a:?}"), "SigningKey { .. }");
}

fn openssl(args: &[&str], input: Option<&str>) -> (bool, String) {
    use std::io::Write;
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the openssl CLI is an interop peer of these tests: install it (the test command does)");
    if let Some(i) = input {
        child.stdin.take().unwrap().write_all(i.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn openssl_interop() {
    // A key made by the command the D1 guide gives imports.
    let (ok, pem) = openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout"], None);
    assert!(ok);
    let key = SigningKey::from_pem(&pem).unwrap();
    let (ok, spki) = openssl(&["ec", "-pubout"], Some(&pem));
    assert!(ok);
    assert_eq!(VerifyingKey::from_pem(&spki).unwrap(), key.verifying_key());
    // openssl reads what bearerkit writes, and derives the same public key.
    let mut buf = [0u8; 512];
    let ours_spki = key.verifying_key().to_spki_pem(&mut buf).unwrap().to_string();
    for export in [
        key.to_sec1_pem(&mut [0u8; 512]).unwrap().to_string(),
        key.to_pkcs8_pem(&mut [0u8; 512]).unwrap().to_string(),
    ] {
        let (ok, out) = openssl(&["pkey", "-pubout"], Some(&export));
        assert!(ok, "openssl pkey refused {export}");
        assert_eq!(out, ours_spki);
        let (ok, _) = openssl(&["ec", "-check", "-noout"], Some(&export));
        assert!(ok);
    }
    // P-384 from openssl: wrong curve.
    let (ok, p384) = openssl(&["ecparam", "-name", "secp384r1", "-genkey", "-noout"], None);
    assert!(ok);
    assert_eq!(SigningKey::from_pem(&p384).unwrap_err(), Error::WrongCurve);
    let (ok, p384pub) = openssl(&["ec", "-pubout"], Some(&p384));
    assert!(ok);
    assert_eq!(VerifyingKey::from_pem(&p384pub).unwrap_err(), Error::WrongCurve);
}

#[test]
fn certificate_fingerprints() {
    let dir = std::env::temp_dir().join(format!("bk-cert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("k.pem");
    let cert = dir.join("c.pem");
    let st = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=bearerkit-test",
            "-days",
            "1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(st.status.success());
    let pem = std::fs::read_to_string(&cert).unwrap();
    let mut scratch = vec![0u8; pem.len() * 2];
    let t = bearerkit::CertificateThumbprints::from_pem(&pem, &mut scratch).unwrap();
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    let expected = line.trim().rsplit('=').next().unwrap().replace(':', "");
    assert_eq!(t.sha1_hex().as_str(), expected);
    assert_eq!(t.sha1_hex().as_str().len(), 40);
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    let sha256_hex =
        String::from_utf8(out.stdout).unwrap().trim().rsplit('=').next().unwrap().replace(':', "");
    assert_eq!(hex::encode_upper(t.sha256()), sha256_hex);
    assert_eq!(hex::encode_upper(t.sha1()), expected);
    assert_eq!(t.x5t().as_str(), crate::common::b64(&hex::decode(&expected).unwrap()));
    assert_eq!(t.x5t_s256().as_str(), crate::common::b64(&hex::decode(&sha256_hex).unwrap()));
    assert_eq!(
        bearerkit::CertificateThumbprints::from_pem(&std::fs::read_to_string(&key).unwrap(), &mut scratch)
            .unwrap_err(),
        Error::BadPem
    );
    assert_eq!(bearerkit::CertificateThumbprints::from_der(b"not der").unwrap_err(), Error::BadDer);
    std::fs::remove_dir_all(&dir).unwrap();
}

"""Interop: `bearerkit sign --profile client-assertion --alg RS256|PS256 --kid-from-cert CERT`
with an RSA key and certificate made by `openssl`, verified by PyJWT with the certificate's
public key (Python `cryptography`, no bearerkit code).

Checks the signature (PyJWT: RS256 is RSASSA-PKCS1-v1_5, PS256 RSASSA-PSS with SHA-256),
the header (`alg` as asked, `kid` = the certificate's SHA-1 fingerprint in upper-case hex, as
`openssl x509 -fingerprint -sha1` prints it without colons) and the claims (`aud` exactly as
given, `iss` = `sub`, a 60-second-or-so lifetime, `jti`). The signature does not verify under
the other algorithm's padding, nor with one byte changed.

Needs the built `bearerkit` binary: `BEARERKIT_BIN`, or `$CARGO_TARGET_DIR/debug/bearerkit`, or
`target/debug/bearerkit`. Under CI (`CI=true`) a missing binary is a failure, never a skip.
"""
import base64
import os
import subprocess

import jwt
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIENT = "Worldline-000021"
# Not a Keycloak-style token URL, so `sign` keeps it exactly.
AUD = "https://as.example/auth/realms/openbanking"


def bearerkit_bin():
    candidates = [os.environ.get("BEARERKIT_BIN")]
    if os.environ.get("CARGO_TARGET_DIR"):
        candidates.append(os.path.join(os.environ["CARGO_TARGET_DIR"], "debug", "bearerkit"))
    candidates.append(os.path.join(ROOT, "target", "debug", "bearerkit"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    if os.environ.get("CI") == "true":
        pytest.fail("the bearerkit binary is not built (set BEARERKIT_BIN)")
    pytest.skip("the bearerkit binary is not built: run `cargo build -p bearerkit-cli` first")


@pytest.fixture(scope="module")
def rsa_files(tmp_path_factory):
    """A 2048-bit RSA key (`openssl genpkey`), its self-signed certificate (`openssl req
    -x509`) and the certificate's SHA-1 fingerprint (`openssl x509 -fingerprint -sha1`)."""
    d = tmp_path_factory.mktemp("cli-rsa")
    key_path, cert_path = d / "rsa.pem", d / "rsa-cert.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                    str(key_path)], check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-x509", "-key", str(key_path), "-subj", f"/CN={CLIENT}", "-days", "2",
                    "-out", str(cert_path)], check=True, capture_output=True)
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha1", "-in", str(cert_path)],
                         check=True, capture_output=True, text=True).stdout
    fingerprint = out.strip().rsplit("=", 1)[-1].replace(":", "").upper()
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return str(key_path), str(cert_path), fingerprint, cert.public_key()


def sign(key_path, cert_path, alg):
    r = subprocess.run(
        [bearerkit_bin(), "sign", "--profile", "client-assertion", "--alg", alg, "--iss", CLIENT, "--aud", AUD,
         "--exp-in", "60", "--key", key_path, "--kid-from-cert", cert_path],
        capture_output=True, text=True, timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_pyjwt_verifies_the_cli_assertion_with_the_certificates_key(rsa_files, alg):
    key_path, cert_path, fingerprint, public = rsa_files
    token = sign(key_path, cert_path, alg)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == alg
    assert header["kid"] == fingerprint and len(fingerprint) == 40
    claims = jwt.decode(token, public, algorithms=[alg], audience=AUD, issuer=CLIENT,
                        options={"require": ["iss", "sub", "aud", "iat", "exp", "jti"]})
    assert claims["aud"] == AUD  # one string, exactly as given
    assert claims["sub"] == CLIENT
    assert 0 < claims["exp"] - claims["iat"] <= 60
    head, payload, sig = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    assert len(raw) == 256
    # The signature is of the padding `alg` names, and of no other (`cryptography` directly).
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    paddings = {"RS256": padding.PKCS1v15(), "PS256": pss}
    signing_input = f"{head}.{payload}".encode()
    public.verify(bytes(raw), signing_input, paddings[alg], hashes.SHA256())
    other = "PS256" if alg == "RS256" else "RS256"
    with pytest.raises(InvalidSignature):
        public.verify(bytes(raw), signing_input, paddings[other], hashes.SHA256())
    # One signature byte changed: refused.
    raw[7] ^= 0x01
    forged = ".".join([head, payload, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, public, algorithms=[alg], audience=AUD)


def test_rs256_is_deterministic_and_ps256_is_not(rsa_files):
    key_path, cert_path, _, _ = rsa_files
    # Fresh jti per run, so compare signatures over the same input: sign twice with a fixed jti
    # and time.
    def fixed(alg):
        r = subprocess.run(
            [bearerkit_bin(), "sign", "--profile", "client-assertion", "--alg", alg, "--iss", CLIENT, "--aud",
             AUD, "--now", "1700000000", "--jti", "j1", "--key", key_path, "--kid-from-cert", cert_path],
            capture_output=True, text=True, timeout=60,
        )
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()
    assert fixed("RS256") == fixed("RS256")
    assert fixed("PS256") != fixed("PS256")

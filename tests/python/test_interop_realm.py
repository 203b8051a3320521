"""Interop: client assertions made by an independent library (PyJWT, keys and certificate from
Python `cryptography`) against the local Keycloak-style realm of `bearerkit serve`.

The realm must take the issuer (or its token URL) as the single audience, refuse an assertion
with several audiences (`["issuer", "other"]`), and with `--realm-issuer-only-audience` take
only the issuer as a JSON string. A client registered with an RSA certificate made by
`openssl req -x509` takes RS256 and PS256 assertions made by PyJWT, and nothing else.

Needs the built `bearerkit` binary: `BEARERKIT_BIN`, or `$CARGO_TARGET_DIR/debug/bearerkit`, or
`target/debug/bearerkit` (scripts/test.sh builds it in an earlier step and sets
`BEARERKIT_BIN`). Under CI (`CI=true`) a missing binary is a failure, never a skip.
"""
import datetime
import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REALM = "openbanking"
CLIENT = "Worldline-000021"


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
def identity(tmp_path_factory):
    """A P-256 key and a self-signed v3 certificate, and the certificate's SHA-1 fingerprint."""
    d = tmp_path_factory.mktemp("realm")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CLIENT)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path = d / "cert.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    kid = cert.fingerprint(hashes.SHA1()).hex().upper()
    return key, str(cert_path), kid


def serve(cert_path, *extra):
    args = [bearerkit_bin(), "serve", "--port", "0", "--realm-cert-client", f"{REALM}:{CLIENT}:{cert_path}",
            "--realm-scopes", f"{REALM}:{CLIENT}:VOP", *extra]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            env=dict(os.environ, RUST_LOG="warn"), text=True)
    line = proc.stdout.readline().strip()
    url = line.rsplit(" ", 1)[-1]
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise AssertionError(f"bearerkit serve printed {line!r}")
    return proc, url


@pytest.fixture(scope="module")
def rsa_identity(tmp_path_factory):
    """A 2048-bit RSA key (`openssl genpkey`) and its self-signed certificate (`openssl req
    -x509`), and the certificate's SHA-1 fingerprint (`openssl x509 -fingerprint -sha1`)."""
    d = tmp_path_factory.mktemp("realm-rsa")
    key_path, cert_path = d / "rsa.pem", d / "rsa-cert.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                    str(key_path)], check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-x509", "-key", str(key_path), "-subj", f"/CN={CLIENT}", "-days", "2",
                    "-out", str(cert_path)], check=True, capture_output=True)
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha1", "-in", str(cert_path)],
                         check=True, capture_output=True, text=True).stdout
    kid = out.strip().rsplit("=", 1)[-1].replace(":", "")
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    return key, str(cert_path), kid


def assertion(key, kid, aud, alg="ES256"):
    now = int(time.time())
    claims = {"iss": CLIENT, "sub": CLIENT, "aud": aud, "iat": now, "exp": now + 60, "jti": secrets.token_hex(16)}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def post(token_url, client_assertion):
    body = urllib.parse.urlencode({
        "grant_type": "client_credentials",
        "scope": "VOP",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion,
    }).encode()
    req = urllib.request.Request(token_url, data=body,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_default_realm_takes_one_audience_and_refuses_several(identity):
    key, cert_path, kid = identity
    proc, url = serve(cert_path)
    try:
        issuer = f"{url}/auth/realms/{REALM}"
        token_url = f"{issuer}/protocol/openid-connect/token"
        for aud in (issuer, token_url, [issuer]):
            status, body = post(token_url, assertion(key, kid, aud))
            assert status == 200, (aud, body)
            assert body["token_type"] == "Bearer"
        for aud in ([issuer, "https://other.example"], [token_url, issuer]):
            status, body = post(token_url, assertion(key, kid, aud))
            assert status in (400, 401), (aud, body)
            assert body["error"] == "invalid_client", body
            assert "audience_not_sole" in body.get("error_description", ""), body
    finally:
        proc.kill()
        proc.wait()


def test_issuer_only_realm_takes_the_issuer_as_a_string(identity):
    key, cert_path, kid = identity
    proc, url = serve(cert_path, "--realm-issuer-only-audience", REALM)
    try:
        issuer = f"{url}/auth/realms/{REALM}"
        token_url = f"{issuer}/protocol/openid-connect/token"
        status, body = post(token_url, assertion(key, kid, issuer))
        assert status == 200, body
        for aud, code in ((token_url, "audience_mismatch"), ([issuer], "audience_not_sole")):
            status, body = post(token_url, assertion(key, kid, aud))
            assert status in (400, 401) and body["error"] == "invalid_client", (aud, body)
            assert code in body.get("error_description", ""), (aud, body)
    finally:
        proc.kill()
        proc.wait()


def test_rsa_certificate_client_takes_pyjwt_rs256_and_ps256_and_nothing_else(rsa_identity, identity):
    key, cert_path, kid = rsa_identity
    proc, url = serve(cert_path)
    try:
        issuer = f"{url}/auth/realms/{REALM}"
        token_url = f"{issuer}/protocol/openid-connect/token"
        for alg in ("RS256", "PS256"):
            for aud in (issuer, token_url):
                status, body = post(token_url, assertion(key, kid, aud, alg))
                assert status == 200, (alg, aud, body)
                assert body["token_type"] == "Bearer" and body["scope"] == "VOP", body
            # Several audiences: refused as for ES256.
            status, body = post(token_url, assertion(key, kid, [issuer, "https://other.example"], alg))
            assert status == 400 and "audience_not_sole" in body["error_description"], body
        # Another algorithm of the same key, and an ES256 assertion with the RSA client's kid.
        refused = [assertion(key, kid, issuer, "RS512"), assertion(identity[0], kid, issuer, "ES256")]
        for token in refused:
            status, body = post(token_url, token)
            assert status == 400 and body["error"] == "invalid_client", body
            assert "unsupported_alg" in body["error_description"], body
        # A one-time jti: the same RS256 assertion twice.
        once = assertion(key, kid, issuer, "RS256")
        assert post(token_url, once)[0] == 200
        status, body = post(token_url, once)
        assert status == 400 and "jti_replayed" in body["error_description"], body
    finally:
        proc.kill()
        proc.wait()

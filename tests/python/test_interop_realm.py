"""Interop: client assertions made by an independent library (PyJWT, keys and certificate from
Python `cryptography`) against the local Keycloak-style realm of `bearerkit serve`.

The realm must take the issuer (or its token URL) as the single audience, refuse an assertion
with several audiences (`["issuer", "other"]`), and with `--realm-issuer-only-audience` take
only the issuer as a JSON string.

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


def assertion(key, kid, aud):
    now = int(time.time())
    claims = {"iss": CLIENT, "sub": CLIENT, "aud": aud, "iat": now, "exp": now + 60, "jti": secrets.token_hex(16)}
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid})


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

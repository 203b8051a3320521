"""Interop: RS256/PS256 from `bearerkit-rsa` (ring) against PyJWT and Python `cryptography`,
both directions.

- Rust signs (`examples/rsa_sign`), PyJWT and `cryptography` verify.
- PyJWT signs with keys `cryptography` generates, Rust verifies (`examples/rsa_verify`, exit 0
  and the claims on success, exit 1 and the error code otherwise).

The examples come from `BEARERKIT_RSA_SIGN` / `BEARERKIT_RSA_VERIFY`, else this test builds
them with `cargo build -p bearerkit-rsa --examples` (into `$CARGO_TARGET_DIR` or `target/`).
Under CI (`CI=true`) a missing cargo or binary is a failure, never a skip.
"""
import base64
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import time

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = os.path.join(ROOT, "crates", "bearerkit-rsa", "tests", "keys")
AUD = "https://idp.example/token"
IN_CI = os.environ.get("CI") == "true"


def _unavailable(reason):
    if IN_CI:
        pytest.fail(reason + " (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def examples():
    sign = os.environ.get("BEARERKIT_RSA_SIGN")
    verify = os.environ.get("BEARERKIT_RSA_VERIFY")
    if sign and verify:
        return sign, verify
    cargo = shutil.which("cargo")
    if cargo is None:
        _unavailable("cargo not found and BEARERKIT_RSA_SIGN/BEARERKIT_RSA_VERIFY not set")
    build = subprocess.run(
        [cargo, "build", "-q", "-p", "bearerkit-rsa", "--examples"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert build.returncode == 0, build.stderr
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    out = []
    for name in ("rsa_sign", "rsa_verify"):
        path = os.path.join(target, "debug", "examples", name)
        if not os.access(path, os.X_OK):
            _unavailable(f"{path} was not built")
        out.append(path)
    return tuple(out)


def rust_sign(examples, key_path, alg):
    r = subprocess.run([examples[0], key_path, alg, AUD], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def rust_verify(examples, key_path, alg, token):
    r = subprocess.run(
        [examples[1], key_path, alg, token, AUD], capture_output=True, text=True, timeout=60
    )
    return r.returncode, r.stdout.strip()


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def int_bytes(i):
    return i.to_bytes((i.bit_length() + 7) // 8, "big")


def rfc7638(public_key):
    nums = public_key.public_numbers()
    canon = json.dumps(
        {"e": b64u(int_bytes(nums.e)), "kty": "RSA", "n": b64u(int_bytes(nums.n))},
        separators=(",", ":"),
        sort_keys=True,
    )
    return b64u(hashlib.sha256(canon.encode()).digest())


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return str(path)


def new_key(bits):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@pytest.fixture(scope="session")
def py_keys(tmp_path_factory):
    """Python-generated keys: 2048 (PKCS#8) and 3072 (PKCS#1) bits, with public PEMs and a
    self-signed certificate for the 2048-bit one."""
    d = tmp_path_factory.mktemp("rsa")
    k2048, k3072 = new_key(2048), new_key(3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rsa-interop")])
    now = int(time.time())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(k2048.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime.fromtimestamp(now - 60, datetime.timezone.utc))
        .not_valid_after(datetime.datetime.fromtimestamp(now + 86400, datetime.timezone.utc))
        .sign(k2048, hashes.SHA256())
    )
    return {
        "k2048": k2048,
        "k3072": k3072,
        "k2048_pkcs8": write(
            d / "k2048.pem",
            k2048.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        ),
        "k3072_pkcs1": write(
            d / "k3072-pkcs1.pem",
            k3072.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ),
        ),
        "k2048_spki": write(
            d / "k2048-pub.pem",
            k2048.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
        ),
        "k2048_pkcs1_pub": write(
            d / "k2048-pub-pkcs1.pem",
            k2048.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
            ),
        ),
        "k2048_cert": write(d / "k2048-cert.pem", cert.public_bytes(serialization.Encoding.PEM)),
        "k3072_spki": write(
            d / "k3072-pub.pem",
            k3072.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
        ),
        "k1024": write(
            d / "k1024.pem",
            new_key(1024).private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        ),
    }


# ---- Rust signs, Python verifies ------------------------------------------------------


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
@pytest.mark.parametrize("which", ["repo2048", "k2048_pkcs8", "k3072_pkcs1"])
def test_rust_signs_python_verifies(examples, py_keys, alg, which):
    if which == "repo2048":
        key_path = os.path.join(KEYS, "rsa2048.pem")
        with open(key_path, "rb") as f:
            public = serialization.load_pem_private_key(f.read(), None).public_key()
    else:
        key_path = py_keys[which]
        public = py_keys[which.split("_")[0]].public_key()
    code, token, err = rust_sign(examples, key_path, alg)
    assert code == 0, err
    header = jwt.get_unverified_header(token)
    assert header["alg"] == alg
    # The example uses the RFC 7638 thumbprint as kid: the same as Python's.
    assert header["kid"] == rfc7638(public)
    claims = jwt.decode(token, public, algorithms=[alg], audience=AUD, issuer="client-1")
    assert claims["sub"] == "client-1" and claims["exp"] - claims["iat"] == 300
    # With `cryptography` directly: PKCS#1 v1.5, or PSS with MGF1-SHA256 and a 32-byte salt.
    signing_input, sig = token.rsplit(".", 1)
    sig = b64u_decode(sig)
    assert len(sig) == public.key_size // 8
    pad = (
        padding.PKCS1v15()
        if alg == "RS256"
        else padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    )
    public.verify(sig, signing_input.encode(), pad, hashes.SHA256())
    # The other RSA algorithm must not accept it.
    other = "PS256" if alg == "RS256" else "RS256"
    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(token, public, algorithms=[other], audience=AUD)


def test_rust_rs256_matches_python_rs256(examples, py_keys):
    """PKCS#1 v1.5 is deterministic: the same signing input gives the same signature."""
    code, token, err = rust_sign(examples, py_keys["k2048_pkcs8"], "RS256")
    assert code == 0, err
    signing_input, sig = token.rsplit(".", 1)
    py_sig = py_keys["k2048"].sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    assert b64u(py_sig) == sig


def test_rust_refuses_a_1024_bit_key(examples, py_keys):
    code, token, err = rust_sign(examples, py_keys["k1024"], "RS256")
    assert code != 0 and token == ""
    assert err.startswith("rsa_key_size"), err


# ---- Python signs, Rust verifies ------------------------------------------------------


def py_token(key, alg, **overrides):
    now = int(time.time())
    claims = {"iss": "client-1", "sub": "client-1", "aud": AUD, "iat": now, "exp": now + 300}
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": rfc7638(key.public_key())})


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
@pytest.mark.parametrize("public", ["k2048_spki", "k2048_pkcs1_pub", "k2048_cert"])
def test_python_signs_rust_verifies(examples, py_keys, alg, public):
    token = py_token(py_keys["k2048"], alg)
    code, out = rust_verify(examples, py_keys[public], alg, token)
    assert code == 0, out
    assert json.loads(out)["aud"] == AUD


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_python_signs_rust_verifies_3072(examples, py_keys, alg):
    token = py_token(py_keys["k3072"], alg)
    code, out = rust_verify(examples, py_keys["k3072_spki"], alg, token)
    assert code == 0, out


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_rust_refuses_bad_python_tokens(examples, py_keys, alg):
    key, spki = py_keys["k2048"], py_keys["k2048_spki"]
    token = py_token(key, alg)
    # Flip one signature byte: same length, wrong value.
    head, sig = token.rsplit(".", 1)
    raw = bytearray(b64u_decode(sig))
    raw[5] ^= 1
    assert rust_verify(examples, spki, alg, f"{head}.{b64u(bytes(raw))}") == (1, "bad_signature")
    # The key decides the algorithm.
    other = "PS256" if alg == "RS256" else "RS256"
    assert rust_verify(examples, spki, other, token) == (1, "unsupported_alg")
    # Another key of another size: the signature length is checked first.
    assert rust_verify(examples, py_keys["k3072_spki"], alg, token) == (1, "bad_signature_length")
    # The core's claim checks apply.
    expired = py_token(key, alg, iat=int(time.time()) - 4000, exp=int(time.time()) - 3600)
    assert rust_verify(examples, spki, alg, expired) == (1, "expired")
    wrong_aud = py_token(key, alg, aud="https://other.example")
    assert rust_verify(examples, spki, alg, wrong_aud) == (1, "audience_mismatch")

#!/usr/bin/env python3
"""Generate bearerkit's golden test vectors with an independent implementation.

Everything here is computed with the Python standard library and `cryptography`
(RFC 6979 deterministic ECDSA via ``ec.ECDSA(hashes.SHA256(), deterministic_signing=True)``);
no code from bearerkit is used.  The script is deterministic: keys come from fixed
integers or from SHA-256 of fixed labels, timestamps are constants, and the one RSA key
is embedded below as text.  Re-running it rewrites byte-identical files.

    python3 tests/vectors/generate.py

See README.md in this directory for the schemas.
"""

import base64
import datetime
import hashlib
import json
import os
import re

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
# The example key and token printed in Thales' public D1 guide "Get an OAuth 2.0 access
# token" (a SEC1 `EC PRIVATE KEY` PEM, copied byte for byte with the trailing space at the end
# of its first three lines, and a token made with the jose library from that key).
D1_GUIDE_PEM = b'-----BEGIN EC PRIVATE KEY----- \nMHcCAQEEILlIXMnH1if8EuWykPmWw/LyXZuoNVCzMp3Yhbj9/sEUoAoGCCqGSM49 \nAwEHoUQDQgAE6swczLIRn/lPxQPpdUb2pHjCr0YeC02lkG7vMmqCNpalwIQSl+TR \nfZVDwCKJmajRgK3+n5SyAgCp4oH8qNluwQ==\n-----END EC PRIVATE KEY-----'
D1_GUIDE_TOKEN = 'eyJhbGciOiJFUzI1NiIsImtpZCI6InlvdXJfdGVuYW50X2tleV9pZCJ9.eyJpYXQiOjE2MzYwMzMxODYsImlzcyI6InlvdXJfaXNzdWVyX2lkIiwiYXVkIjoieW91cl9hdWRpZW5jZSIsImV4cCI6MTYzNjAzMzM2Niwic3ViIjoib3VyX3VzZXJfZm9yX2F1ZGl0In0.lgVzN8k9IGcv1s-FZACpEyVxXcS9LAh4ahY3DO5Fg6MRl-Twa_wVAfw_Oe0XiH1Am-RFfafgDrepNi3Jz05Gvg'

# P-256 group order and field prime.
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
HALF_N = N // 2
MAX_NUMERIC_DATE = 253402300799  # 9999-12-31T23:59:59Z

NOW = 1700000000  # 2023-11-14T22:13:20Z, the clock of most verification vectors

# A 2048-bit RSA key generated once with `cryptography` and embedded so that the output is
# reproducible.  Used only by keys.json (unsupported_key_type).
RSA_PKCS8_PEM = """-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDY8hW/89GPvVEz
L6MZczMoyrJcm2Snk+1Y1upAEq1ncRK/x64/s6/otz3gZapqJtEZHSmFh3cf8eK9
mJzXl3/QSj0IbWs9J+7n+HkSeGUUl4/lld+L+OmI7TaKvReQ36XGImlLR3Hnw8v7
8ygnodqTDqXZdHO3Vf2ii7eCvGegkCM5H91AXWgdcq0DXvKhYVyq93xgBU8kisP1
33E07v8SI9BldjCpwAntg2OBAbcDAaecJGAkup9vaoMjPqYnC2TvdDug9ue/ToTo
TrE7Z7MVx0oxTf8ArvUg3xzKbCSFeO+vRxTJUugaAw2nA/FZgySL5wkrzpOfStu+
AKBTXHeLAgMBAAECggEABks/sPSfPSRTmWs7DXSiJKonco2vkI0MyGmzx21t9R+l
WPBaGyRYviT9eT0kgd/jwRlvfZ2TKddtVJgmNLsDIkUvxXF8jab9mg1DYJ3NkO4K
EVxqbTfTeVLTJO3yI78uorOXim+QMRZ6cdzOwBeaAm+HsD9d/BD/7W9QQPgQ/uoh
5axQX6sP3G0ms37k8CWUQqAHkcGWD42n6d9WUzxpjoz0WcEMdJIFxwPgfm3qgnAb
W+8Gh2OEV0ptGQvowOk6Gj6TnNvVUQJE8Zh0Gu++cqBo7XULiyl+foOaq8Au+wJ0
FHYLBzUfkwoL2dUVNT56vkqM0hyJauAibJBhSIaKQQKBgQD9Xv7NKshQZloXnCwv
h1sVftDkMdrMe6cVxHfXyOhfN+0VcpC0EpN7qa7/lngH3OLgSxvwiVOu1puxC75a
Ts6/iP9La7g8Z39aTHZPqdDUQgMsaLvPs99lKn7cJmHIb7SDNAD36o2gnKEY7NhJ
VL+SXRPTh1+XAMFUlPV2YVFo/wKBgQDbMlYbCaFdFH3FyYqriKGCvyQlC4rCaqIL
97L48N0MPpaQZWxewE9tF82icFEv/7WD/WnD1l6J5AO6SUXjbmkfAjECDoracbdi
0VWjiSwMG16+7GO7qMQ1e0y0Vy3lh2RSatS5EQRGv/JxJzHjqoGCGgF3cDBliji/
Qcye32WFdQKBgQCj5gF5goVVzP/WagYDMNHw07oZA08AG7T31cGYarQ2dBz/VL7a
XXHd+uPjHdjDbVWttah7LrpdTSIlou0dygDf0aUjiqkBGgo9xVx7J+SYiaM35QAo
2bhW3uh1TLbQS8I/ZTKDLM006l0jnIJE3XeXHHKo0Nc6/RgSuNEYJNfezQKBgAVp
XrrYKAW2RcymRygo/WPO+EN533khTNLi0KZYu/xbZzg1aNGGCe/1kHwcLcTzmTWj
AgN1vWvGF1l4CaOtzCaZ1T/pv//YouBrrqOU9WNvIY2xJF0zs3RmkOQ66sUp7I4k
WRAgnWxpvMCSaSbnxL7DiZm7SVaYbQI7y6N4fHcpAoGBAOYDIkePkD5LZO/MZUby
vVX6wLMC/J9bdS60Z2UU751RtjCIMzTEnNbdEc6520fypkfXxwWzrqzsoEecYi5k
fSl2Oti6J5/6rJIW4a0QDayp2mEnn4wwhV9CsW+JJCOurYaublLT+VbTOEX5Oahn
b1ifTDWwJ6knj0DF8/EB3xS/
-----END PRIVATE KEY-----
"""

# RFC 7515 Appendix A.3 (ES256).  d as printed in the RFC; d*G is checked against (x, y).
RFC7515_A3_JWK = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
}
RFC7515_A3_TOKEN = (
    "eyJhbGciOiJFUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
)


# --------------------------------------------------------------------------------------------
# Encoding helpers


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Strict, canonical base64url decoding (what a conforming verifier accepts)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise ValueError("not canonical base64url: %r" % text[:40])
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64u(raw) != text:
        raise ValueError("non-canonical trailing bits")
    return raw


def js(value) -> str:
    """bearerkit's canonical compact JSON for one value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def int_to_b64u(value: int, size: int) -> str:
    return b64u(value.to_bytes(size, "big"))


def b64u_to_int(text: str) -> int:
    return int.from_bytes(b64u_decode(text), "big")


def scalar_from_label(label: str) -> int:
    return int.from_bytes(hashlib.sha256(label.encode()).digest(), "big") % (N - 1) + 1


def pem_text(data: bytes) -> str:
    return data.decode("ascii")


def to_bytes(part) -> bytes:
    if isinstance(part, bytes):
        return part
    if isinstance(part, str):
        return part.encode("utf-8")
    return js(part).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Keys


class Key:
    def __init__(self, ident: str, d: int, description: str):
        self.id = ident
        self.d = d
        self.description = description
        self.priv = ec.derive_private_key(d, ec.SECP256R1())
        self.pub = self.priv.public_key()
        numbers = self.pub.public_numbers()
        self.x, self.y = numbers.x, numbers.y

    def public_jwk(self) -> dict:
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": int_to_b64u(self.x, 32),
            "y": int_to_b64u(self.y, 32),
        }

    def private_jwk(self) -> dict:
        jwk = self.public_jwk()
        jwk["d"] = int_to_b64u(self.d, 32)
        return jwk

    def sec1_der(self) -> bytes:
        return self.priv.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )

    def sec1_pem(self) -> str:
        return pem_text(
            self.priv.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )

    def pkcs8_der(self) -> bytes:
        return self.priv.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def pkcs8_pem(self) -> str:
        return pem_text(
            self.priv.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    def spki_der(self) -> bytes:
        return self.pub.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def spki_pem(self) -> str:
        return pem_text(
            self.pub.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def thumbprint(self) -> str:
        return jwk_thumbprint(self.public_jwk())

    def key_object(self) -> dict:
        return {
            "id": self.id,
            "private_jwk": self.private_jwk(),
            "public_jwk": self.public_jwk(),
            "sec1_pem": self.sec1_pem(),
            "pkcs8_pem": self.pkcs8_pem(),
            "spki_pem": self.spki_pem(),
            "thumbprint": self.thumbprint(),
        }

    def public_object(self) -> dict:
        return {"id": self.id, "public_jwk": self.public_jwk()}

    def sign_rs(self, data: bytes):
        der = self.priv.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        return decode_dss_signature(der)

    def sign64(self, data: bytes) -> bytes:
        r, s = self.sign_rs(data)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def verify64(self, data: bytes, sig: bytes) -> bool:
        if len(sig) != 64:
            return False
        r = int.from_bytes(sig[:32], "big")
        s = int.from_bytes(sig[32:], "big")
        if not (1 <= r < N and 1 <= s < N):
            return False
        try:
            self.pub.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
            return True
        except Exception:
            return False


def jwk_thumbprint(jwk: dict) -> str:
    canonical = '{"crv":"%s","kty":"%s","x":"%s","y":"%s"}' % (
        jwk["crv"],
        jwk["kty"],
        jwk["x"],
        jwk["y"],
    )
    return b64u(hashlib.sha256(canonical.encode("ascii")).digest())


GUIDE_PEM = D1_GUIDE_PEM
GUIDE_D = serialization.load_pem_private_key(GUIDE_PEM, None).private_numbers().private_value

KA = Key("key-a", scalar_from_label("bearerkit/vectors/key-a"), "d = SHA-256('bearerkit/vectors/key-a') mod (n-1) + 1")
KB = Key("key-b", scalar_from_label("bearerkit/vectors/key-b"), "d = SHA-256('bearerkit/vectors/key-b') mod (n-1) + 1")
KC = Key("key-c", scalar_from_label("bearerkit/vectors/key-c"), "d = SHA-256('bearerkit/vectors/key-c') mod (n-1) + 1")
KD = Key("key-d", scalar_from_label("bearerkit/vectors/key-d"), "d = SHA-256('bearerkit/vectors/key-d') mod (n-1) + 1")
K1 = Key("key-one", 1, "d = 1 (public key is the generator G)")
K3 = Key("key-three", 3, "d = 3")
KNM1 = Key("key-n-minus-1", N - 1, "d = n - 1 (public key is -G)")
KGUIDE = Key("key-d1-guide", GUIDE_D, "the example key printed in the D1 guide")
KA_NEG = Key("key-a-negated", N - KA.d, "d = n - d(key-a): same x as key-a, y negated")
ALL_SIGNING_KEYS = [KA, KB, KC, KD, K1, K3, KNM1, KGUIDE]


# --------------------------------------------------------------------------------------------
# Token construction


def canonical_header(inp: dict) -> str:
    out = '{"alg":"ES256"'
    if "typ" in inp:
        out += ',"typ":' + js(inp["typ"])
    if "kid" in inp:
        out += ',"kid":' + js(inp["kid"])
    return out + "}"


def canonical_claims(inp: dict) -> str:
    members = []
    for name in ("iss", "sub", "aud", "exp", "nbf", "iat", "jti"):
        if name in inp:
            members.append(js(name) + ":" + js(inp[name]))
    for name, value in inp.get("private", {}).items():
        members.append(js(name) + ":" + js(value))
    return "{" + ",".join(members) + "}"


def sign_segments(key: Key, hseg: str, cseg: str) -> str:
    """Sign the exact text `hseg.cseg` (whatever it contains) and return the token."""
    signing_input = hseg + "." + cseg
    return signing_input + "." + b64u(key.sign64(signing_input.encode("utf-8")))


def mk(key: Key, header, claims) -> str:
    """Token over header/claims given as dict (compact JSON), str (UTF-8) or bytes (raw)."""
    return sign_segments(key, b64u(to_bytes(header)), b64u(to_bytes(claims)))


def split(token: str):
    return token.split(".")


def sig_rs(token: str):
    raw = b64u_decode(split(token)[2])
    return int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")


def with_sig(token: str, sig: bytes) -> str:
    h, c, _ = split(token)
    return h + "." + c + "." + b64u(sig)


def rs_bytes(r: int, s: int) -> bytes:
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def flip_unused_bits(segment: str) -> str:
    """Change the last character so that only the unused trailing bits differ."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    rem = len(segment) % 4
    assert rem in (2, 3), "segment has no unused bits"
    unused = 4 if rem == 2 else 2
    value = alphabet.index(segment[-1])
    assert value & ((1 << unused) - 1) == 0
    changed = segment[:-1] + alphabet[value | 1]
    assert base64.urlsafe_b64decode(changed + "=" * (-len(changed) % 4)) == b64u_decode(segment)
    return changed


# --------------------------------------------------------------------------------------------
# Output


def write_json(name: str, data) -> None:
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def check_no_control_chars(value, where: str) -> None:
    if isinstance(value, str):
        for ch in value:
            if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF:
                raise AssertionError("control/surrogate character in %s: %r" % (where, value))
    elif isinstance(value, list):
        for item in value:
            check_no_control_chars(item, where)
    elif isinstance(value, dict):
        for name, item in value.items():
            check_no_control_chars(name, where)
            check_no_control_chars(item, where)
    elif isinstance(value, float):
        raise AssertionError("float in %s" % where)


# --------------------------------------------------------------------------------------------
# signing.json


def signing_cases():
    iat0 = 1700000000
    hex_kid = hashlib.sha1(b"bearerkit/vectors/worldline-certificate").hexdigest().upper()
    hex_kid2 = hashlib.sha1(b"bearerkit/vectors/worldline-certificate-2").hexdigest().upper()
    kc_url = "https://auth.example.com/auth/realms/openbanking/protocol/openid-connect/token"
    long_blob = "".join("%04d:abcdefghijklmnopqrstuvwxyz-ÄÖÜ/\"\\;" % i for i in range(56))
    nested = {"level": 1}
    cursor = nested
    for depth in range(2, 13):
        cursor["next"] = {"level": depth, "items": [depth, str(depth), depth % 2 == 0, None]}
        cursor = cursor["next"]

    cases = [
        ("d1_stg_basic", KA, "D1 inbound assertion (staging): iss = sub = merchant gateway id, aud stg, kid and typ JWT, exp = iat + 900.",
         {"iss": "MGW_ID_0001", "sub": "MGW_ID_0001", "aud": "stg", "exp": iat0 + 900, "iat": iat0, "kid": "k1", "typ": "JWT"}),
        ("d1_prd_600s", KA, "D1 inbound assertion (production), exp = iat + 600.",
         {"iss": "MGW_ID_0001", "sub": "MGW_ID_0001", "aud": "prd", "exp": iat0 + 600, "iat": iat0, "kid": "k1", "typ": "JWT"}),
        ("d1_prd_with_jti", KB, "D1 assertion with a jti, exp = iat + 300.",
         {"iss": "MGW_ID_0002", "sub": "MGW_ID_0002", "aud": "prd", "exp": iat0 + 300, "iat": iat0, "jti": "6f1c2a9e-0d4b-4e7f-9a1b-2c3d4e5f6a7b", "kid": "tenant-key-2024", "typ": "JWT"}),
        ("d1_stg_nbf", KC, "D1 assertion with nbf = iat and exp = iat + 900.",
         {"iss": "issuer-77", "sub": "issuer-77", "aud": "stg", "exp": iat0 + 900, "nbf": iat0, "iat": iat0, "kid": "k-77", "typ": "JWT"}),
        ("d1_guide_key", KGUIDE, "D1-like assertion signed with the D1 guide example key.",
         {"iss": "your_issuer_id", "sub": "your_issuer_id", "aud": "stg", "exp": 1636033186 + 900, "iat": 1636033186, "kid": "your_tenant_key_id", "typ": "JWT"}),
        ("d1_guide_key_production", KGUIDE, "bearerkit's profile::d1::assertion(\"MGW_ID\", Env::Production, \"k1\", 1700000000) with the D1 guide key: what the firmware in examples/embedded signs on an emulated Cortex-M4.",
         {"iss": "MGW_ID", "sub": "MGW_ID", "aud": "prd", "exp": 1700000000 + 300, "iat": 1700000000, "kid": "k1", "typ": "JWT"}),
        ("client_assertion_worldline", KA, "RFC 7523 client assertion (Keycloak private_key_jwt): aud = token endpoint URL, jti, typ client-authentication+jwt, kid = upper-case SHA-1 hex.",
         {"iss": "wl-client-01", "sub": "wl-client-01", "aud": kc_url, "exp": iat0 + 60, "iat": iat0, "jti": "b7d0a3c2-1e4f-4a5b-8c6d-7e8f9a0b1c2d", "kid": hex_kid, "typ": "client-authentication+jwt"}),
        ("client_assertion_no_typ", KB, "Client assertion without typ, with nbf.",
         {"iss": "wl-client-02", "sub": "wl-client-02", "aud": kc_url, "exp": iat0 + 120, "nbf": iat0 - 5, "iat": iat0, "jti": "jti-0000000000000002", "kid": hex_kid2}),
        ("client_assertion_key_one", K1, "Client assertion signed with d = 1.",
         {"iss": "client-one", "sub": "client-one", "aud": "https://as.example.org/oauth2/token", "exp": iat0 + 90, "iat": iat0, "jti": "one", "kid": hex_kid, "typ": "client-authentication+jwt"}),
        ("aud_list_two", KA, "aud as a list of two strings.",
         {"iss": "issuer-123", "sub": "issuer-123", "aud": ["stg", "prd"], "exp": iat0 + 900, "iat": iat0, "kid": "k1", "typ": "JWT"}),
        ("aud_list_one", KC, "aud as a list of one string.",
         {"iss": "issuer-123", "sub": "issuer-123", "aud": ["prd"], "exp": iat0 + 900, "iat": iat0, "kid": "k1", "typ": "JWT"}),
        ("aud_list_three_urls", KD, "aud as a list of URLs (slashes are not escaped).",
         {"iss": "issuer-123", "aud": ["https://a.example/token", "https://b.example/token?x=1&y=2", "urn:example:aud"], "exp": iat0 + 900, "iat": iat0}),
        ("no_kid", KA, "typ but no kid.",
         {"iss": "issuer-123", "sub": "issuer-123", "aud": "prd", "exp": iat0 + 900, "iat": iat0, "typ": "JWT"}),
        ("no_typ", KB, "kid but no typ.",
         {"iss": "issuer-123", "sub": "issuer-123", "aud": "prd", "exp": iat0 + 900, "iat": iat0, "kid": "k1"}),
        ("no_kid_no_typ", KC, "Header is exactly {\"alg\":\"ES256\"}.",
         {"iss": "issuer-123", "sub": "issuer-123", "aud": "prd", "exp": iat0 + 900, "iat": iat0}),
        ("only_exp", KD, "Claims hold only exp.",
         {"exp": iat0 + 900}),
        ("only_exp_key_three", K3, "Claims hold only exp; d = 3.",
         {"exp": iat0 + 1}),
        ("empty_claims", KA, "No builder parameters at all: claims are {}.",
         {}),
        ("all_registered_claims", KNM1, "Every registered claim plus kid and typ; d = n - 1.",
         {"iss": "iss-all", "sub": "sub-all", "aud": "aud-all", "exp": iat0 + 900, "nbf": iat0 - 30, "iat": iat0 - 30, "jti": "jti-all", "kid": "kid-all", "typ": "JWT", "private": {"scope": "read write"}}),
        ("max_numeric_date", KNM1, "exp = 253402300799 (9999-12-31T23:59:59Z), the largest accepted NumericDate.",
         {"iss": "far-future", "exp": MAX_NUMERIC_DATE, "iat": iat0}),
        ("zero_dates", K1, "exp = 0, nbf = 0, iat = 0 (serialization only; such a token is expired).",
         {"exp": 0, "nbf": 0, "iat": 0}),
        ("private_nested", KA, "Private claims with nested objects, arrays, booleans and null, in the given member order.",
         {"iss": "issuer-123", "exp": iat0 + 900, "iat": iat0, "kid": "k1", "typ": "JWT",
          "private": {"scope": "payments accounts", "ctx": {"a": [1, 2, {"b": None}], "flag": True, "off": False, "empty_obj": {}, "empty_arr": []}, "z": None, "a": [[], [[]], {"k": [True, False, None]}]}}),
        ("private_deep_12", KB, "Private claim nested 12 objects deep.",
         {"iss": "issuer-123", "exp": iat0 + 900, "private": {"tree": nested}}),
        ("private_large_integers", KC, "Large and negative integers (2^53 + 1, i64 min, u64 max) in private claims.",
         {"iss": "issuer-123", "exp": iat0 + 900, "private": {"big": 9007199254740993, "neg": -9223372036854775808, "u64max": 18446744073709551615, "zero": 0, "minus_one": -1, "list": [0, -0, 1, 1000000000000]}}),
        ("private_unicode", KD, "Non-ASCII strings written raw as UTF-8 (Latin, CJK, RTL, emoji outside the BMP, U+2028/U+2029).",
         {"iss": "émetteur-Ω", "sub": "émetteur-Ω", "aud": "prd", "exp": iat0 + 900, "iat": iat0, "kid": "clé-1", "typ": "JWT",
          "private": {"name": "Zoë Ünïcødé", "cjk": "日本語テキスト", "rtl": "שלום עולם", "emoji": "😀🔑🇫🇷", "separators": "a\u2028b\u2029c", "nbsp": "x\u00a0y", "bmp_edge": "\uffff\ufffd"}}),
        ("private_unicode_member_names", KA, "Non-ASCII and escaped characters in private member names.",
         {"exp": iat0 + 900, "private": {"clé": "valeur", "名前": "値", "q\"k": 1, "back\\slash": 2, "sl/ash": 3, "": "empty name"}}),
        ("private_escapes", KB, "Quotes, backslashes and slashes: only \" and \\ are escaped, / is written raw.",
         {"iss": "a\"b\\c/d", "sub": "a\"b\\c/d", "aud": "</script>", "exp": iat0 + 900, "jti": "\\\\\"\"//", "kid": "key/with\\odd\"chars", "typ": "JWT",
          "private": {"quote": "say \"hi\"", "backslash": "C:\\path\\to\\file", "slash": "a/b</script>", "mixed": "\\\"/", "url": "https://example.com/a?b=c&d=e#f"}}),
        ("long_claim_2kb", KC, "A private claim of about 2 KB (mixed ASCII, non-ASCII and escapes).",
         {"iss": "issuer-123", "exp": iat0 + 900, "kid": "k1", "private": {"blob": long_blob}}),
        ("long_kid_and_jti", KD, "A 200-character kid and a 300-character jti.",
         {"iss": "issuer-123", "exp": iat0 + 900, "jti": "j" * 300, "kid": "K" * 200, "typ": "JWT"}),
        ("typ_custom", K3, "A non-default typ (at+jwt).",
         {"iss": "issuer-123", "exp": iat0 + 900, "typ": "at+jwt"}),
        ("iss_differs_from_sub", KGUIDE, "iss and sub differ.",
         {"iss": "d1", "sub": "MGW_ID", "aud": "stg", "exp": 1545222654, "iat": 1545222654 - 900, "kid": "your_tenant_key_id", "typ": "JWT"}),
        ("key_one_d1", K1, "D1 assertion with d = 1.",
         {"iss": "MGW_ID_1", "sub": "MGW_ID_1", "aud": "stg", "exp": iat0 + 900, "iat": iat0, "kid": "k1", "typ": "JWT"}),
        ("key_n_minus_1_d1", KNM1, "D1 assertion with d = n - 1.",
         {"iss": "MGW_ID_N", "sub": "MGW_ID_N", "aud": "prd", "exp": iat0 + 900, "iat": iat0, "kid": "k-n", "typ": "JWT"}),
        ("key_three_client_assertion", K3, "Client assertion with d = 3.",
         {"iss": "c3", "sub": "c3", "aud": kc_url, "exp": iat0 + 60, "iat": iat0, "jti": "three", "kid": hex_kid2, "typ": "client-authentication+jwt"}),
    ]

    out = []
    for name, key, description, inp in cases:
        check_no_control_chars(inp, name)
        header_json = canonical_header(inp)
        claims_json = canonical_claims(inp)
        signing_input = b64u(header_json.encode()) + "." + b64u(claims_json.encode())
        sig = key.sign64(signing_input.encode())
        s = int.from_bytes(sig[32:], "big")
        high_s = s > HALF_N
        if high_s:
            description += " Signature is high-S as produced (s > n/2)."
        else:
            description += " Signature is low-S as produced."
        out.append({
            "name": name,
            "description": description,
            "key": key.key_object(),
            "input": inp,
            "header_json": header_json,
            "claims_json": claims_json,
            "signing_input": signing_input,
            "token": signing_input + "." + b64u(sig),
            "high_s": high_s,
        })
    assert len(out) >= 24
    assert sum(1 for c in out if c["high_s"]) >= 3, "need at least 3 high-S cases"
    assert len({c["key"]["id"] for c in out}) >= 6
    assert any(MAX_NUMERIC_DATE in (c["input"].get(d) for d in ("exp", "nbf", "iat")) for c in out)
    return out


def signing_invalid_cases():
    """Builder inputs that must be refused: a date no verifier accepts (after 253402300799)."""
    iat0 = 1700000000
    cases = [
        ("exp_after_max_date", "exp = 253402300800, one second after 9999-12-31T23:59:59Z (the largest NumericDate a verifier accepts).",
         {"iss": "far-future", "exp": MAX_NUMERIC_DATE + 1, "iat": iat0}),
        ("nbf_after_max_date", "nbf = 253402300800; exp and iat in range.",
         {"iss": "far-future", "exp": iat0 + 900, "nbf": MAX_NUMERIC_DATE + 1, "iat": iat0}),
        ("iat_after_max_date", "iat = 253402300800; exp in range.",
         {"iss": "far-future", "exp": iat0 + 900, "iat": MAX_NUMERIC_DATE + 1}),
        ("exp_u64_max", "exp = 2^64 - 1 (u64::MAX).",
         {"iss": "far-future", "exp": 2 ** 64 - 1, "iat": iat0}),
        ("iat_u64_max", "iat = 2^64 - 1 (u64::MAX), no exp.",
         {"iss": "far-future", "iat": 2 ** 64 - 1}),
    ]
    out = []
    for name, description, inp in cases:
        assert sum(1 for d in ("exp", "nbf", "iat") if inp.get(d, 0) > MAX_NUMERIC_DATE) == 1, name
        out.append({"name": name, "description": description, "input": inp, "code": "date_out_of_range"})
    return out


# --------------------------------------------------------------------------------------------
# d1_guide_example.json and rfc7515_a3.json


def guide_vector():
    token = D1_GUIDE_TOKEN
    h, c, s = split(token)
    header = json.loads(b64u_decode(h))
    claims = json.loads(b64u_decode(c))
    r, sv = sig_rs(token)
    assert KGUIDE.verify64((h + "." + c).encode(), b64u_decode(s)), "the guide's token does not verify"
    pem = GUIDE_PEM.decode("ascii")
    assert pem.split("\n")[0].endswith(" ") and pem.split("\n")[2].endswith(" ")
    return {
        "name": "d1_guide_example",
        "description": "The example key and JWT printed in the Thales D1 guide 'Get an OAuth 2.0 access token'. "
                       "The PEM is copied byte for byte, including the trailing space at the end of its first three lines. "
                       "The token was produced by jose 3.19.0 (claims in jose's order: iat, iss, aud, exp, sub; no typ). "
                       "Note the guide's sample code says iss = 'your_issuer' but the printed token carries 'your_issuer_id'.",
        "source": "Thales D1 guide 'Get an OAuth 2.0 access token' (public documentation)",
        "sec1_pem": pem,
        "private_jwk": KGUIDE.private_jwk(),
        "public_jwk": KGUIDE.public_jwk(),
        "pkcs8_pem": KGUIDE.pkcs8_pem(),
        "spki_pem": KGUIDE.spki_pem(),
        "thumbprint": KGUIDE.thumbprint(),
        "token": token,
        "policy": {
            "now": 1636033200,
            "iss": "your_issuer_id",
            "sub": "our_user_for_audit",
            "aud": "your_audience",
            "kid": "your_tenant_key_id",
        },
        "expected_header": header,
        "expected_claims": claims,
        "header_json": b64u_decode(h).decode(),
        "claims_json": b64u_decode(c).decode(),
        "high_s": sv > HALF_N,
    }


def rfc7515_vector():
    x = b64u_to_int(RFC7515_A3_JWK["x"])
    y = b64u_to_int(RFC7515_A3_JWK["y"])
    d = b64u_to_int(RFC7515_A3_JWK["d"])
    key = Key("rfc7515-a3", d, "RFC 7515 Appendix A.3 example key")
    assert (key.x, key.y) == (x, y), "RFC 7515 A.3: d*G != (x, y)"
    h, c, s = split(RFC7515_A3_TOKEN)
    header_json = b64u_decode(h).decode()
    payload_json = b64u_decode(c).decode()
    assert header_json == '{"alg":"ES256"}'
    assert payload_json == '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'
    assert key.verify64((h + "." + c).encode(), b64u_decode(s)), "RFC 7515 A.3 token does not verify"
    r, sv = sig_rs(RFC7515_A3_TOKEN)
    return {
        "name": "rfc7515_appendix_a3",
        "description": "RFC 7515 Appendix A.3 (Example JWS Using ECDSA P-256 SHA-256). The payload contains CR LF and "
                       "spaces between members; the signature is the one printed in the RFC (ECDSA is randomized, so it is "
                       "not reproducible by signing).",
        "source": "RFC 7515 A.3",
        "private_jwk": dict(RFC7515_A3_JWK),
        "public_jwk": key.public_jwk(),
        "spki_pem": key.spki_pem(),
        "thumbprint": key.thumbprint(),
        "header_json": header_json,
        "payload_json": payload_json,
        "token": RFC7515_A3_TOKEN,
        "r_hex": "%064x" % r,
        "s_hex": "%064x" % sv,
        "high_s": sv > HALF_N,
        "policy": {"now": 1300819300, "iss": "joe"},
        "expected_header": {"alg": "ES256"},
        "expected_claims": json.loads(payload_json),
    }


# --------------------------------------------------------------------------------------------
# verify_valid.json

ISS = "issuer-123"


def base_claims(**changes):
    claims = {"iss": ISS, "sub": ISS, "aud": "prd", "exp": NOW + 500, "iat": NOW - 100, "jti": "j-0001"}
    for name, value in changes.items():
        if value is DROP:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


def base_header(**changes):
    header = {"alg": "ES256", "typ": "JWT", "kid": "k1"}
    for name, value in changes.items():
        if value is DROP:
            header.pop(name, None)
        else:
            header[name] = value
    return header


class _Drop:
    pass


DROP = _Drop()

BASE_POLICY = {"now": NOW, "iss": ISS, "sub": ISS, "aud": "prd", "kid": "k1", "max_lifetime": 900}


def policy(**changes):
    pol = dict(BASE_POLICY)
    for name, value in changes.items():
        if value is DROP:
            pol.pop(name, None)
        else:
            pol[name] = value
    return pol


def valid_cases():
    cases = []

    def add(name, description, token, pol, key=KA):
        h, c, s = split(token)
        header_json = b64u_decode(h).decode("utf-8")
        claims_json = b64u_decode(c).decode("utf-8")
        assert key.verify64((h + "." + c).encode(), b64u_decode(s))
        cases.append({
            "name": name,
            "description": description,
            "key": key.public_object(),
            "token": token,
            "policy": pol,
            "header_json": header_json,
            "claims_json": claims_json,
            "expected_header": json.loads(header_json),
            "expected_claims": json.loads(claims_json),
        })

    hdr = js(base_header())
    add("baseline", "A plain token that satisfies the base policy; crit absent.", mk(KA, base_header(), base_claims()), policy())
    add("fractional_exp", "exp = now + 0.5 (a fraction) with leeway 0: now < exp, so the token is valid; truncating exp to an integer would wrongly reject it.",
        mk(KA, hdr, '{"iss":"issuer-123","sub":"issuer-123","aud":"prd","exp":1700000000.5,"iat":1699999900}'), policy(leeway=0))
    add("fractional_dates", "Fractional exp, nbf and iat.",
        mk(KA, hdr, '{"iss":"issuer-123","sub":"issuer-123","aud":"prd","exp":1700000300.25,"nbf":1699999999.999,"iat":1699999900.125}'), policy())
    add("exponent_exp", "exp in exponent notation (1.7e9 = 1700000000), valid at now = 1699999900.",
        mk(KA, hdr, '{"iss":"issuer-123","sub":"issuer-123","aud":"prd","exp":1.7e9,"iat":1699999800}'), policy(now=1699999900))
    add("exponent_forms", "Exponent notation variants: 17E8, 1.6999998E+9, 16999999e2.",
        mk(KA, hdr, '{"iss":"issuer-123","sub":"issuer-123","aud":"prd","exp":17E8,"nbf":1.6999998E+9,"iat":16999999e2}'), policy(now=1699999950))
    add("aud_array_contains", "aud is an array that contains the expected audience.",
        mk(KA, base_header(), base_claims(aud=["stg", "prd", "dev"])), policy())
    add("aud_array_single", "aud is an array with exactly the expected audience.",
        mk(KA, base_header(), base_claims(aud=["prd"])), policy())
    for typ in ("jwt", "Jwt", "application/jwt", "APPLICATION/JWT", "Application/Jwt"):
        add("typ_" + re.sub(r"[^a-z]+", "_", typ.lower()).strip("_") + ("_upper" if typ.isupper() else "_mixed" if typ != typ.lower() else ""),
            "typ %r matches the accepted type JWT (case-insensitive, application/ prefix optional)." % typ,
            mk(KA, base_header(typ=typ), base_claims()), policy())
    add("typ_custom_accepted", "typ client-authentication+jwt accepted when the policy lists it (with application/ prefix in the policy).",
        mk(KA, base_header(typ="client-authentication+jwt"), base_claims()), policy(typ=["JWT", "application/client-authentication+jwt"]))
    add("typ_absent", "No typ header: typ is optional.", mk(KA, base_header(typ=DROP), base_claims()), policy())
    add("header_128_members", "A header of exactly 128 members (alg, typ, kid and 125 unknown ones): the member cap is inclusive.",
        mk(KA, hdr[:-1] + "".join(',"p%d":%d' % (i, i) for i in range(125)) + "}", base_claims()), policy())
    add("claims_128_members", "Claims of exactly 128 members (6 registered, 122 private): the member cap is inclusive.",
        mk(KA, hdr, js(base_claims())[:-1] + "".join(',"p%d":%d' % (i, i) for i in range(122)) + "}"), policy())
    add("expiry_ahead_exactly", "exp = now + 900 exactly with max_expiry_ahead 900 (D1's 15-minute bound is inclusive).",
        mk(KA, base_header(), base_claims(iat=NOW, exp=NOW + 900)), policy(max_expiry_ahead=900))
    add("unknown_header_params", "Unknown header parameters are ignored.",
        mk(KA, {"alg": "ES256", "typ": "JWT", "kid": "k1", "x-foo": {"bar": [1, 2]}, "zip2": None, "cty": "JWT", "b": False}, base_claims()), policy())
    attacker = KB.public_jwk()
    add("jwk_jku_x5u_x5c_ignored", "jwk (of another key), jku, x5u, x5c and x5t header members are present and ignored; the verification key decides.",
        mk(KA, {"alg": "ES256", "typ": "JWT", "kid": "k1", "jwk": attacker, "jku": "https://attacker.example/jwks.json",
                "x5u": "https://attacker.example/cert.pem", "x5c": ["MIIB"], "x5t": "AAAA"}, base_claims()), policy())
    deep = "leaf"
    for i in range(30):
        deep = {"d%d" % (29 - i): deep}
    add("nested_private_30", "A private claim nested 30 objects deep (31 levels counting the claims object), well under the 64-level limit.",
        mk(KA, base_header(), base_claims(nested=deep)), policy())
    deep_arr = js([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])
    add("nested_array_30", "A private claim of 30 nested arrays.",
        mk(KA, base_header(), js(base_claims())[:-1] + ',"arr":' + deep_arr + "}"), policy())
    add("leeway_expired_30s_ago", "exp 30 s in the past, leeway 60: accepted.",
        mk(KA, base_header(), base_claims(exp=NOW - 30, iat=NOW - 600)), policy())
    add("leeway_nbf_30s_future", "nbf 30 s in the future, leeway 60: accepted.",
        mk(KA, base_header(), base_claims(nbf=NOW + 30)), policy())
    add("leeway_iat_30s_future", "iat 30 s in the future, leeway 60: accepted.",
        mk(KA, base_header(), base_claims(iat=NOW + 30)), policy())
    add("exp_boundary_one_second_left", "now = exp + leeway - 1: accepted (rejection starts at now >= exp + leeway).",
        mk(KA, base_header(), base_claims(exp=NOW - 59, iat=NOW - 600)), policy())
    add("nbf_boundary_equal", "nbf = now + leeway exactly: accepted (rejection is nbf > now + leeway).",
        mk(KA, base_header(), base_claims(nbf=NOW + 60)), policy())
    add("iat_boundary_equal", "iat = now + leeway exactly: accepted.",
        mk(KA, base_header(), base_claims(iat=NOW + 60)), policy())
    add("leeway_zero_exp_plus_one", "leeway 0 and exp = now + 1.",
        mk(KA, base_header(), base_claims(exp=NOW + 1)), policy(leeway=0))
    add("lifetime_exactly_max", "exp - iat = 900 = max_lifetime: accepted.",
        mk(KA, base_header(), base_claims(iat=NOW - 100, exp=NOW + 800)), policy())
    add("no_max_lifetime", "No max_lifetime in the policy: a year-long token is accepted.",
        mk(KA, base_header(), base_claims(exp=NOW + 365 * 86400)), policy(max_lifetime=DROP))
    add("escaped_iss", "iss written as \"a\\u0062c\" equals the expected \"abc\" after unescaping.",
        mk(KA, hdr, '{"iss":"a\\u0062c","sub":"abc","aud":"prd","exp":1700000500,"iat":1699999900}'), policy(iss="abc", sub="abc"))
    add("escaped_aud_slashes", "aud written with \\/ escapes equals https://as.example/token. No iat, so the policy has no max_lifetime (which makes iat required).",
        mk(KA, hdr, '{"iss":"issuer-123","sub":"issuer-123","aud":"https:\\/\\/as.example\\/token","exp":1700000500}'),
        policy(aud="https://as.example/token", max_lifetime=DROP))
    add("escaped_member_names", "Registered claim names written with escapes (\\u0069ss, \\u0065xp, \\u0061ud) are the registered claims. No iat, so the policy has no max_lifetime (which makes iat required).",
        mk(KA, hdr, '{"\\u0069ss":"issuer-123","sub":"issuer-123","\\u0061ud":"prd","\\u0065xp":1700000500}'), policy(max_lifetime=DROP))
    add("escaped_header_values", "Header values with escapes: alg \"ES\\u0032\\u00356\", kid \"k\\u0031\", typ \"J\\u0057T\".",
        mk(KA, '{"alg":"ES\\u0032\\u00356","typ":"J\\u0057T","kid":"k\\u0031"}', base_claims()), policy())
    add("unicode_escapes_surrogate_pair", "A valid surrogate pair escape (\\ud83d\\ude00) and raw UTF-8 in claims; iss compared after unescaping. No iat, so the policy has no max_lifetime (which makes iat required).",
        mk(KA, hdr, '{"iss":"\\u00e9metteur-\\ud83d\\ude00","sub":"émetteur-😀","aud":"prd","exp":1700000500,"emoji":"\\uD83D\\uDE00"}'),
        policy(iss="émetteur-😀", sub="émetteur-😀", max_lifetime=DROP))
    tok = mk(KA, base_header(), base_claims(jti="high-s"))
    r, s = sig_rs(tok)
    if s <= HALF_N:
        s = N - s
    assert s > HALF_N
    add("high_s_signature", "Signature with s > n/2 (made by replacing s with n - s of a deterministic signature): high-S is accepted.",
        with_sig(tok, rs_bytes(r, s)), policy())
    tok = mk(KA, base_header(), base_claims(jti="low-s"))
    r, s = sig_rs(tok)
    if s > HALF_N:
        s = N - s
    add("low_s_signature", "The same kind of token with s <= n/2 (normalized).", with_sig(tok, rs_bytes(r, s)), policy())
    add("json_whitespace_inside", "Whitespace (space, tab, CR, LF) between JSON tokens in header and claims (RFC 8259).",
        mk(KA, '{ "alg" : "ES256" ,\n\t"typ":"JWT",\r\n "kid" :"k1" }',
           '{\n  "iss": "issuer-123",\n  "sub" : "issuer-123",\r\n\t"aud":[ "prd" , "stg" ],\n  "exp": 1700000500 ,\n  "iat":1699999900\n}'), policy())
    add("json_whitespace_around", "Leading and trailing whitespace around the header and claims objects (RFC 8259 allows ws value ws). No iat, so the policy has no max_lifetime (which makes iat required).",
        mk(KA, ' \n{"alg":"ES256","typ":"JWT","kid":"k1"}\r\n ', '\t{"iss":"issuer-123","sub":"issuer-123","aud":"prd","exp":1700000500} \n'),
        policy(max_lifetime=DROP))
    add("kid_present_policy_none", "kid present while the policy names no kid: accepted.",
        mk(KA, base_header(kid="whatever-kid"), base_claims()), policy(kid=DROP))
    add("kid_absent_policy_names_one", "No kid while the policy names one but does not require it: accepted (require_kid is a separate rule).",
        mk(KA, base_header(kid=DROP), base_claims()), policy())
    add("require_kid_present", "require_kid with a matching kid.", mk(KA, base_header(), base_claims()), policy(require_kid=True))
    add("iss_equals_sub", "iss_equals_sub policy with iss = sub (D1 profile).",
        mk(KA, base_header(), base_claims(aud="stg")), policy(aud="stg", iss_equals_sub=True, iss=DROP, sub=DROP, require_kid=True))
    add("require_extra_claims", "require [exp, iat, jti, sub] all present (listing exp, which is always required, is allowed and changes nothing).",
        mk(KA, base_header(), base_claims()), policy(require=["exp", "iat", "jti", "sub"]))
    add("require_nothing_no_exp", "No exp at all, accepted only because the policy sets dangerous_no_exp (require [] alone no longer drops exp).",
        mk(KA, base_header(), base_claims(exp=DROP)), policy(require=[], dangerous_no_exp=True, max_lifetime=DROP))
    add("leeway_3600_max", "leeway 3600, the largest accepted: exp 3000 s in the past is still accepted.",
        mk(KA, base_header(), base_claims(exp=NOW - 3000, iat=NOW - 3800)), policy(leeway=3600))
    add("no_aud_no_policy_aud", "No aud claim and no aud in the policy: accepted (only a token that carries aud is refused).",
        mk(KA, base_header(), base_claims(aud=DROP)), policy(aud=DROP))
    add("any_audience_string", "aud https://evil.example with any_audience: aud is not checked.",
        mk(KA, base_header(), base_claims(aud="https://evil.example")), policy(aud=DROP, any_audience=True))
    add("any_audience_array", "aud [https://evil.example, https://other.example] with any_audience: aud is not checked.",
        mk(KA, base_header(), base_claims(aud=["https://evil.example", "https://other.example"])), policy(aud=DROP, any_audience=True))
    add("sole_audience_one_element_array", "aud [prd] under sole_audience: one audience, accepted.",
        mk(KA, base_header(), base_claims(aud=["prd"])), policy(sole_audience=True))
    add("sole_audience_string", "aud prd under sole_audience: accepted.",
        mk(KA, base_header(), base_claims(aud="prd")), policy(sole_audience=True))
    add("audience_as_string_string", "aud prd under audience_as_string: accepted.",
        mk(KA, base_header(), base_claims(aud="prd")), policy(audience_as_string=True))
    add("any_audience_no_aud", "No aud claim with any_audience: accepted.",
        mk(KA, base_header(), base_claims(aud=DROP)), policy(aud=DROP, any_audience=True))
    add("same_member_names_in_different_objects", "The same member name in different (nested) objects is not a duplicate.",
        mk(KA, base_header(), base_claims(a={"x": 1, "y": {"x": 2}}, b={"x": 3}, x=4)), policy())
    add("private_claims_unchecked", "Private claims of any type, including null, are not validated; big integers beyond u64 included.",
        mk(KA, hdr, js(base_claims())[:-1] + ',"scope":null,"n":123456789012345678901234567890,"f":-1.5e-7,"t":true}'), policy())
    add("null_non_registered", "A null private claim that the policy does not require.", mk(KA, base_header(), base_claims(extra=None)), policy())
    tok = mk(KA, base_header(), base_claims(jti="size-limit"))
    add("size_exactly_max_bytes", "Token length equals max_bytes: accepted (the limit is inclusive).", tok, policy(max_bytes=len(tok)))
    add("header_member_order", "Header members in another order (kid, typ, alg).",
        mk(KA, '{"kid":"k1","typ":"JWT","alg":"ES256"}', base_claims()), policy())
    add("zero_leeway_policy", "Configurable leeway 0 with all times strictly inside.",
        mk(KA, base_header(), base_claims(nbf=NOW, iat=NOW)), policy(leeway=0))
    add("d1_profile_like", "D1 profile: kid required, iss = sub, aud prd, lifetime 900.",
        mk(KGUIDE, {"alg": "ES256", "typ": "JWT", "kid": "your_tenant_key_id"},
           {"iss": "MGW_ID", "sub": "MGW_ID", "aud": "prd", "exp": NOW + 800, "iat": NOW - 100}),
        {"now": NOW, "iss": "MGW_ID", "aud": "prd", "kid": "your_tenant_key_id", "require_kid": True, "iss_equals_sub": True, "max_lifetime": 900}, key=KGUIDE)
    add("key_one_public_is_generator", "Verification with the key d = 1 (public key = G).",
        mk(K1, base_header(), base_claims()), policy(), key=K1)
    add("key_n_minus_1", "Verification with the key d = n - 1 (public key = -G).",
        mk(KNM1, base_header(), base_claims()), policy(), key=KNM1)
    return cases


# --------------------------------------------------------------------------------------------
# negative.json

CODE_ORDER = [
    "invalid_policy",
    "token_too_large",
    "malformed_token",
    "bad_base64",
    "bad_signature_length",
    "bad_json",
    "duplicate_member",
    "too_many_members",
    "json_too_deep",
    "unsupported_alg",
    "unsupported_crit",
    "bad_header",
    "missing_kid",
    "kid_mismatch",
    "bad_typ",
    "signature_out_of_range",
    "bad_signature",
    "bad_claim_type",
    "date_out_of_range",
    "expired",
    "not_yet_valid",
    "issued_in_future",
    "lifetime_too_long",
    "issuer_mismatch",
    "subject_mismatch",
    "audience_not_sole",
    "audience_mismatch",
    "unexpected_audience",
    "missing_claim",
]

POLICY_DEFAULTS = {"leeway": 60, "max_lifetime": None, "require_kid": False, "iss_equals_sub": False, "typ": ["JWT"],
                   "require": [], "any_audience": False, "dangerous_no_exp": False, "max_bytes": 8192,
                   "max_expiry_ahead": None, "sole_audience": False, "audience_as_string": False}
MAX_LEEWAY = 3600


def negative_cases():
    cases = []

    def add(name, rule, code, description, token, pol=None, key=KA):
        assert code in CODE_ORDER, code
        entry = {
            "name": name,
            "rule": rule,
            "code": code,
            "description": description,
            "key": key.public_object(),
            "token": token,
            "policy": pol if pol is not None else policy(),
        }
        parts = token.split(".")
        if len(parts) == 3:
            for field, part in (("header_json", parts[0]), ("claims_json", parts[1])):
                try:
                    cleaned = re.sub(r"[^A-Za-z0-9_+/-]", "", part).replace("+", "-").replace("/", "_")
                    if len(cleaned) % 4 == 1:
                        cleaned = cleaned[:-1]
                    text = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4)).decode("utf-8")
                    if len(text) <= 4096:
                        entry[field] = text
                except Exception:
                    pass
        assert name not in {c["name"] for c in cases}, name
        if code != "token_too_large":
            assert len(token.encode()) <= entry["policy"].get("max_bytes", 8192), name
        cases.append(entry)

    H = base_header()
    C = base_claims()
    hdr = js(H)          # {"alg":"ES256","typ":"JWT","kid":"k1"} (38 bytes: 2 unused bits in its last base64 char)
    cl = js(C)
    assert len(hdr) % 3 == 2
    good = mk(KA, H, C)
    gh, gc, gs = split(good)

    # 0 policy
    tok = mk(KA, H, base_claims(exp=NOW - 3000, iat=NOW - 3800))
    add("policy_leeway_3601", "policy", "invalid_policy", "leeway 3601, one over the 3600 maximum: the policy itself is refused before the token is read "
        "(with leeway 3600 this token, expired 3000 s ago, is accepted: see verify_valid leeway_3600_max).", tok, policy(leeway=MAX_LEEWAY + 1))
    tok = mk(KA, H, base_claims(exp=NOW - 300 * 86400, iat=NOW - 300 * 86400 - 800))
    add("policy_leeway_ten_years", "policy", "invalid_policy", "leeway of ten years (315360000 s), which would turn expiry off; the token expired 300 days ago.",
        tok, policy(leeway=315360000))

    # 1 size
    big = mk(KA, H, base_claims(pad="x" * 6200))
    assert len(big) > 8192
    add("size_over_default_limit", "size", "token_too_large", "Token of %d bytes with the default max_bytes 8192; otherwise valid." % len(big), big)
    add("size_one_over_policy_limit", "size", "token_too_large", "Token one byte longer than policy.max_bytes.", good, policy(max_bytes=len(good) - 1))

    # 2 format
    add("two_segments", "segments", "malformed_token", "Only header.claims, no signature segment.", gh + "." + gc)
    add("one_segment", "segments", "malformed_token", "A single segment.", gh)
    add("four_segments", "segments", "malformed_token", "A fourth segment appended.", good + "." + gs)
    add("trailing_dot", "segments", "malformed_token", "A trailing dot (four segments, the last empty).", good + ".")
    add("empty_signature_segment", "segments", "malformed_token", "Empty signature segment (an unsigned 'alg' none style token shape).", gh + "." + gc + ".")
    add("empty_header_segment", "segments", "malformed_token", "Empty header segment (signed over the exact text).", sign_segments(KA, "", gc))
    add("empty_claims_segment", "segments", "malformed_token", "Empty claims segment (detached-payload shape), signed over the exact text.", sign_segments(KA, gh, ""))
    add("empty_token", "segments", "malformed_token", "The empty string.", "")
    add("only_dots", "segments", "malformed_token", "Two dots, all segments empty.", "..")
    add("json_serialization_flattened", "segments", "malformed_token", "A flattened JWS JSON serialization of a valid signature.",
        json.dumps({"protected": gh, "payload": gc, "signature": gs}, separators=(",", ":")))
    add("json_serialization_general", "segments", "malformed_token", "A general JWS JSON serialization of a valid signature.",
        json.dumps({"payload": gc, "signatures": [{"protected": gh, "signature": gs}]}, separators=(",", ":")))

    # 3 base64
    add("b64_padding_header", "base64", "bad_base64", "'=' padding on the header segment; the signature covers the padded text.", sign_segments(KA, gh + "=", gc))
    cpad = "=" * (-len(gc) % 4)
    if cpad:
        add("b64_padding_claims", "base64", "bad_base64", "'=' padding on the claims segment; signed over the padded text.", sign_segments(KA, gh, gc + cpad))
    add("b64_padding_signature", "base64", "bad_base64", "'==' padding on the 86-character signature segment.", good + "==")
    # find claims whose base64url contains '-' and '_'
    i = 0
    while True:
        cand = b64u(js(base_claims(jti="j-%d~~~???~~~???" % i)).encode())
        if "-" in cand and "_" in cand:
            break
        i += 1
    add("b64_plus_in_claims", "base64", "bad_base64", "Standard-alphabet '+' instead of '-' in the claims segment; signed over that text.",
        sign_segments(KA, gh, cand.replace("-", "+", 1)))
    add("b64_slash_in_claims", "base64", "bad_base64", "Standard-alphabet '/' instead of '_' in the claims segment; signed over that text.",
        sign_segments(KA, gh, cand.replace("_", "/", 1)))
    i = 0
    while True:
        tok = mk(KA, H, base_claims(jti="s-%d" % i))
        if "-" in split(tok)[2] or "_" in split(tok)[2]:
            break
        i += 1
    sseg = split(tok)[2]
    sstd = sseg.replace("-", "+").replace("_", "/")
    add("b64_standard_alphabet_signature", "base64", "bad_base64", "Signature segment in the standard alphabet ('+' and '/').",
        ".".join(split(tok)[:2]) + "." + sstd)
    add("b64_space_in_claims", "base64", "bad_base64", "A space inside the claims segment; signed over that text.", sign_segments(KA, gh, gc[:20] + " " + gc[20:]))
    add("b64_newline_in_claims", "base64", "bad_base64", "A line break inside the claims segment (MIME style); signed over that text.", sign_segments(KA, gh, gc[:40] + "\n" + gc[40:]))
    add("b64_tab_in_header", "base64", "bad_base64", "A tab inside the header segment; signed over that text.", sign_segments(KA, gh[:10] + "\t" + gh[10:], gc))
    add("b64_trailing_newline", "base64", "bad_base64", "Token followed by a newline (as read from a file).", good + "\n")
    add("b64_leading_space", "base64", "bad_base64", "Token preceded by a space; signed over that text.", sign_segments(KA, " " + gh, gc))
    add("b64_space_in_signature", "base64", "bad_base64", "A space in the middle of the signature segment.", gh + "." + gc + "." + gs[:43] + " " + gs[43:])
    i = 0
    while True:
        cand = js(base_claims(jti="m-%d" % i))
        if len(cand) % 3 == 0:
            break
        i += 1
    add("b64_length_1_mod_4", "base64", "bad_base64", "Claims segment with one extra character (length = 1 mod 4); signed over that text.",
        sign_segments(KA, gh, b64u(cand.encode()) + "A"))
    add("b64_unused_bits_header", "base64", "bad_base64", "Last header character changed so the decoded bytes are identical but the unused bits are not zero; signed over that text.",
        sign_segments(KA, flip_unused_bits(gh), gc))
    add("b64_unused_bits_signature", "base64", "bad_base64", "Last signature character changed: same 64 bytes, non-zero unused bits.",
        gh + "." + gc + "." + flip_unused_bits(gs))
    if len(gc) % 4 in (2, 3):
        add("b64_unused_bits_claims", "base64", "bad_base64", "Last claims character changed: same bytes, non-zero unused bits; signed over that text.",
            sign_segments(KA, gh, flip_unused_bits(gc)))
    add("b64_non_ascii_char", "base64", "bad_base64", "A non-ASCII character (é) inside the claims segment; signed over that text.",
        sign_segments(KA, gh, gc[:30] + "é" + gc[30:]))
    add("b64_percent_encoded", "base64", "bad_base64", "A URL-percent-encoded character (%2D) inside the claims segment.", sign_segments(KA, gh, cand_pct(gc)))

    # 4 signature length
    der = KA.priv.sign((gh + "." + gc).encode(), ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    add("sig_der_encoded", "signature_length", "bad_signature_length", "A DER-encoded (ASN.1) ECDSA signature of the right input (%d bytes)." % len(der),
        gh + "." + gc + "." + b64u(der))
    sig = b64u_decode(gs)
    add("sig_63_bytes", "signature_length", "bad_signature_length", "Signature truncated to 63 bytes.", gh + "." + gc + "." + b64u(sig[:63]))
    add("sig_65_bytes", "signature_length", "bad_signature_length", "Signature with a trailing zero byte (65 bytes).", gh + "." + gc + "." + b64u(sig + b"\x00"))
    add("sig_66_bytes_padded_halves", "signature_length", "bad_signature_length", "r and s each left-padded to 33 bytes (66 bytes).",
        gh + "." + gc + "." + b64u(b"\x00" + sig[:32] + b"\x00" + sig[32:]))
    add("sig_32_bytes", "signature_length", "bad_signature_length", "Only r (32 bytes).", gh + "." + gc + "." + b64u(sig[:32]))
    add("sig_1_byte", "signature_length", "bad_signature_length", "A one-byte signature.", gh + "." + gc + "." + b64u(b"\x00"))
    add("sig_96_bytes_es384_size", "signature_length", "bad_signature_length", "A 96-byte (ES384-sized) signature.", gh + "." + gc + "." + b64u(sig + sig[:32]))

    # 5 JSON (header side)
    def hraw(extra: str) -> bytes:
        return ('{"alg":"ES256","typ":"JWT","kid":"k1"' + extra + "}").encode()

    json_header_cases = [
        ("hdr_invalid_utf8", "bad_json", "Invalid UTF-8 byte 0xFF inside a string of an unknown header member.", b'{"alg":"ES256","typ":"JWT","kid":"k1","x":"\xff"}'),
        ("hdr_invalid_utf8_truncated_sequence", "bad_json", "Truncated UTF-8 sequence (0xC3 0x28).", b'{"alg":"ES256","typ":"JWT","kid":"k1","x":"\xc3("}'),
        ("hdr_overlong_utf8", "bad_json", "Overlong UTF-8 encoding of '/' (0xC0 0xAF).", b'{"alg":"ES256","typ":"JWT","kid":"k1","x":"\xc0\xaf"}'),
        ("hdr_utf8_encoded_surrogate", "bad_json", "A surrogate encoded in UTF-8 (0xED 0xA0 0x80, CESU-8 style).", b'{"alg":"ES256","typ":"JWT","kid":"k1","x":"\xed\xa0\x80"}'),
        ("hdr_bom", "bad_json", "UTF-8 BOM before the header object.", b"\xef\xbb\xbf" + hraw("")),
        ("hdr_comment_block", "bad_json", "A /* */ comment.", b'{"alg":"ES256",/* c */"typ":"JWT","kid":"k1"}'),
        ("hdr_comment_line", "bad_json", "A // comment.", b'{"alg":"ES256","typ":"JWT","kid":"k1"// c\n}'),
        ("hdr_nan", "bad_json", "NaN as a value.", hraw(',"x":NaN')),
        ("hdr_infinity", "bad_json", "-Infinity as a value.", hraw(',"x":-Infinity')),
        ("hdr_single_quotes", "bad_json", "Single-quoted strings.", b"{'alg':'ES256','typ':'JWT','kid':'k1'}"),
        ("hdr_unquoted_key", "bad_json", "An unquoted member name.", b'{alg:"ES256","typ":"JWT","kid":"k1"}'),
        ("hdr_trailing_comma", "bad_json", "A trailing comma.", hraw(",")),
        ("hdr_trailing_data", "bad_json", "Trailing data after the object.", hraw("") + b"x"),
        ("hdr_two_objects", "bad_json", "A second object after the first.", hraw("") + b"{}"),
        ("hdr_trailing_nul", "bad_json", "A NUL byte after the object.", hraw("") + b"\x00"),
        ("hdr_array", "bad_json", "Header is an array.", b'["alg","ES256"]'),
        ("hdr_string", "bad_json", "Header is a string.", b'"ES256"'),
        ("hdr_null", "bad_json", "Header is null.", b"null"),
        ("hdr_number", "bad_json", "Header is a number.", b"42"),
        ("hdr_whitespace_only", "bad_json", "Header is only whitespace.", b"  "),
        ("hdr_unterminated", "bad_json", "Missing closing brace.", b'{"alg":"ES256","typ":"JWT","kid":"k1"'),
        ("hdr_lone_high_surrogate", "bad_json", "Lone high-surrogate escape \\ud800.", hraw(',"x":"\\ud800"')),
        ("hdr_lone_low_surrogate", "bad_json", "Lone low-surrogate escape \\udc00.", hraw(',"x":"\\udc00"')),
        ("hdr_reversed_surrogates", "bad_json", "Surrogate escapes in the wrong order (\\udc00\\ud800).", hraw(',"x":"\\udc00\\ud800"')),
        ("hdr_invalid_escape", "bad_json", "Invalid escape \\q.", hraw(',"x":"\\q"')),
        ("hdr_short_unicode_escape", "bad_json", "Short \\u escape (\\u12).", hraw(',"x":"\\u12"')),
        ("hdr_raw_tab_in_string", "bad_json", "Raw TAB character inside a string.", hraw(',"x":"a\tb"')),
        ("hdr_raw_newline_in_string", "bad_json", "Raw LF inside a string.", hraw(',"x":"a\nb"')),
        ("hdr_raw_control_0x01", "bad_json", "Raw U+0001 inside a string.", hraw(',"x":"a\x01b"')),
        ("hdr_leading_zero_number", "bad_json", "Number with a leading zero (01).", hraw(',"x":01')),
        ("hdr_plus_number", "bad_json", "Number with a leading '+'.", hraw(',"x":+1')),
        ("hdr_bare_decimal_point", "bad_json", "Number '1.' without fraction digits.", hraw(',"x":1.')),
        ("hdr_hex_number", "bad_json", "Hexadecimal number 0x10.", hraw(',"x":0x10')),
        ("hdr_true_uppercase", "bad_json", "Literal 'True'.", hraw(',"x":True')),
        ("hdr_non_json_whitespace", "bad_json", "Form feed (not JSON whitespace) between tokens.", b'{"alg":"ES256",\x0c"typ":"JWT","kid":"k1"}'),
        ("hdr_nbsp_whitespace", "bad_json", "U+00A0 NO-BREAK SPACE (not JSON whitespace) between tokens.", '{"alg":"ES256",\u00a0"typ":"JWT","kid":"k1"}'.encode()),
        ("hdr_duplicate_alg", "duplicate_member", "alg twice with the same value.", b'{"alg":"ES256","alg":"ES256","typ":"JWT","kid":"k1"}'),
        ("hdr_duplicate_alg_escaped", "duplicate_member", "\"alg\" and \"\\u0061lg\": equal after unescaping.", b'{"alg":"ES256","\\u0061lg":"ES256","typ":"JWT","kid":"k1"}'),
        ("hdr_duplicate_alg_none_last", "duplicate_member", "alg ES256 then alg none (last-wins parsers would see none).", b'{"alg":"ES256","typ":"JWT","kid":"k1","alg":"none"}'),
        ("hdr_duplicate_kid", "duplicate_member", "kid twice with different values (k2 then the expected k1).", b'{"alg":"ES256","typ":"JWT","kid":"k2","kid":"k1"}'),
        ("hdr_duplicate_unknown", "duplicate_member", "An unknown member twice.", hraw(',"x":1,"x":1')),
        ("hdr_129_members", "too_many_members", "129 members (alg, typ, kid and 126 unknown ones): over the 128-member cap that bounds the duplicate check.",
         hraw("".join(',"p%d":%d' % (i, i) for i in range(126)))),
        ("hdr_depth_1000_arrays", "json_too_deep", "An unknown member holding 1000 nested arrays (balanced).", hraw(',"x":' + "[" * 1000 + "]" * 1000)),
        ("hdr_depth_1000_objects", "json_too_deep", "An unknown member holding 1000 nested objects (balanced).", hraw(',"x":' + '{"":' * 1000 + "1" + "}" * 1000)),
        ("hdr_depth_100_arrays", "json_too_deep", "100 nested arrays (over the 64-level limit however levels are counted).", hraw(',"x":' + "[" * 100 + "]" * 100)),
    ]
    for name, code, description, raw in json_header_cases:
        rule = {"bad_json": "json", "duplicate_member": "json_duplicates", "too_many_members": "json_members", "json_too_deep": "json_depth"}[code]
        add(name, rule, code, description + " Header side; claims valid; properly signed.", sign_segments(KA, b64u(raw), gc))

    # 5 JSON (claims side)
    def craw(extra: str) -> bytes:
        return (cl[:-1] + extra + "}").encode()

    json_claims_cases = [
        ("cl_invalid_utf8", "bad_json", "Invalid UTF-8 byte 0xFE in a private claim.", cl[:-1].encode() + b',"x":"\xfe"}'),
        ("cl_overlong_utf8", "bad_json", "Overlong UTF-8 (0xE0 0x80 0xAF).", cl[:-1].encode() + b',"x":"\xe0\x80\xaf"}'),
        ("cl_bom", "bad_json", "UTF-8 BOM before the claims object.", b"\xef\xbb\xbf" + cl.encode()),
        ("cl_comment", "bad_json", "A /* */ comment.", craw(",/* c */\"x\":1")),
        ("cl_nan", "bad_json", "NaN in a private claim.", craw(',"x":NaN')),
        ("cl_infinity", "bad_json", "Infinity in a private claim.", craw(',"x":Infinity')),
        ("cl_single_quotes", "bad_json", "Single-quoted private claim.", craw(",'x':'y'")),
        ("cl_trailing_comma", "bad_json", "Trailing comma.", craw(",")),
        ("cl_trailing_comma_in_array", "bad_json", "Trailing comma inside an array.", craw(',"x":[1,2,]')),
        ("cl_trailing_data", "bad_json", "Trailing data after the object.", cl.encode() + b"]"),
        ("cl_array", "bad_json", "Claims are an array.", b'[{"iss":"issuer-123"}]'),
        ("cl_string", "bad_json", "Claims are a JSON string containing the object.", js(cl).encode()),
        ("cl_lone_surrogate", "bad_json", "Lone surrogate escape \\ud800 in a private claim.", craw(',"x":"\\ud800"')),
        ("cl_lone_surrogate_in_name", "bad_json", "Lone surrogate escape in a member name.", craw(',"\\udbff":1')),
        ("cl_invalid_escape", "bad_json", "Invalid escape \\x41.", craw(',"x":"\\x41"')),
        ("cl_raw_control_char", "bad_json", "Raw U+001F in a string.", craw(',"x":"\x1f"')),
        ("cl_raw_cr_in_string", "bad_json", "Raw CR in a string.", craw(',"x":"a\rb"')),
        ("cl_leading_zero", "bad_json", "Number with a leading zero (-012).", craw(',"x":-012')),
        ("cl_dot_number", "bad_json", "Number '.5'.", craw(',"x":.5')),
        ("cl_exponent_without_digits", "bad_json", "Number '1e'.", craw(',"x":1e')),
        ("cl_missing_colon", "bad_json", "Missing colon.", craw(',"x" 1')),
        ("cl_duplicate_exp", "duplicate_member", "exp twice: an expired value, then a valid one (a last-wins parser would accept).",
         (js(base_claims(exp=NOW - 3600))[:-1] + ',"exp":1700000500}').encode()),
        ("cl_duplicate_iss_escaped", "duplicate_member", "\"iss\" and \"i\\u0073s\" (equal after unescaping).", craw(',"i\\u0073s":"issuer-123"')),
        ("cl_duplicate_private", "duplicate_member", "A private claim twice.", craw(',"scope":"a","scope":"a"')),
        ("cl_duplicate_nested", "duplicate_member", "Duplicate member names inside a nested object.", craw(',"ctx":{"a":1,"b":2,"a":1}')),
        ("cl_129_members", "too_many_members", "129 members (the 6 registered claims and 123 private ones): over the 128-member cap.",
         craw("".join(',"p%d":%d' % (i, i) for i in range(123)))),
        ("cl_nested_129_members", "too_many_members", "A private claim holding an object of 129 members: the cap applies at every level.",
         craw(',"ctx":{' + ",".join('"m%d":%d' % (i, i) for i in range(129)) + "}")),
        ("cl_depth_1000_arrays", "json_too_deep", "1000 nested arrays (balanced).", craw(',"x":' + "[" * 1000 + "]" * 1000)),
        ("cl_depth_100_objects", "json_too_deep", "100 nested objects (balanced).", craw(',"x":' + '{"a":' * 100 + "null" + "}" * 100)),
    ]
    for name, code, description, raw in json_claims_cases:
        rule = {"bad_json": "json", "duplicate_member": "json_duplicates", "too_many_members": "json_members", "json_too_deep": "json_depth"}[code]
        add(name, rule, code, description + " Claims side; header valid; properly signed.", sign_segments(KA, gh, b64u(raw)))

    # 6 header semantics
    def hcase(name, rule, code, description, header, pol=None):
        add(name, rule, code, description, mk(KA, header, C), pol)

    hcase("alg_missing", "alg", "unsupported_alg", "No alg member.", {"typ": "JWT", "kid": "k1"})
    hcase("alg_none", "alg", "unsupported_alg", "alg none (with a valid ES256 signature attached).", base_header(alg="none"))
    hcase("alg_none_capitalized", "alg", "unsupported_alg", "alg 'None'.", base_header(alg="None"))
    hcase("alg_hs256", "alg", "unsupported_alg", "alg HS256 (key confusion).", base_header(alg="HS256"))
    hcase("alg_lowercase", "alg", "unsupported_alg", "alg es256 (case differs).", base_header(alg="es256"))
    hcase("alg_es384", "alg", "unsupported_alg", "alg ES384.", base_header(alg="ES384"))
    hcase("alg_es256k", "alg", "unsupported_alg", "alg ES256K.", base_header(alg="ES256K"))
    hcase("alg_rs256", "alg", "unsupported_alg", "alg RS256.", base_header(alg="RS256"))
    hcase("alg_trailing_space", "alg", "unsupported_alg", "alg 'ES256 ' with a trailing space.", base_header(alg="ES256 "))
    hcase("alg_with_nul", "alg", "unsupported_alg", "alg 'ES256\\u0000' (NUL after the name).", '{"alg":"ES256\\u0000","typ":"JWT","kid":"k1"}')
    hcase("alg_number", "alg", "unsupported_alg", "alg is a number.", base_header(alg=256))
    hcase("alg_null", "alg", "unsupported_alg", "alg is null.", base_header(alg=None))
    hcase("alg_array", "alg", "unsupported_alg", "alg is [\"ES256\"].", base_header(alg=["ES256"]))
    hcase("crit_empty", "crit", "unsupported_crit", "crit is an empty array.", base_header(crit=[]))
    hcase("crit_not_array", "crit", "unsupported_crit", "crit is the string \"exp\".", base_header(crit="exp"))
    hcase("crit_name_absent", "crit", "unsupported_crit", "crit [\"exp\"] but exp is not a header parameter.", base_header(crit=["exp"]))
    hcase("crit_unsupported_extension", "crit", "unsupported_crit", "crit [\"x-custom\"] with x-custom present in the header: not supported.", base_header(**{"x-custom": True, "crit": ["x-custom"]}))
    hcase("crit_b64_false", "crit", "unsupported_crit", "RFC 7797 unencoded payload: b64 false with crit [\"b64\"].", base_header(b64=False, crit=["b64"]))
    hcase("crit_null", "crit", "unsupported_crit", "crit is null.", base_header(crit=None))
    hcase("kid_missing_required", "kid_required", "missing_kid", "No kid while policy.require_kid is true.", base_header(kid=DROP), policy(require_kid=True))
    hcase("kid_mismatch", "kid", "kid_mismatch", "kid k2, policy expects k1.", base_header(kid="k2"))
    hcase("kid_case_mismatch", "kid", "kid_mismatch", "kid K1, policy expects k1 (kid is case-sensitive).", base_header(kid="K1"))
    hcase("kid_trailing_space", "kid", "kid_mismatch", "kid 'k1 '.", base_header(kid="k1 "))
    hcase("kid_empty", "kid", "kid_mismatch", "kid is the empty string.", base_header(kid=""))
    hcase("kid_nul_suffix", "kid", "kid_mismatch", "kid 'k1\\u0000' (C-string comparison would accept).", '{"alg":"ES256","typ":"JWT","kid":"k1\\u0000"}')
    hcase("typ_jose_json", "typ", "bad_typ", "typ JOSE+JSON.", base_header(typ="JOSE+JSON"))
    hcase("typ_at_jwt", "typ", "bad_typ", "typ at+jwt (not in the accepted list).", base_header(typ="at+jwt"))
    hcase("typ_application_at_jwt", "typ", "bad_typ", "typ application/at+jwt.", base_header(typ="application/at+jwt"))
    hcase("typ_empty", "typ", "bad_typ", "typ is the empty string.", base_header(typ=""))
    hcase("typ_jwt_suffix", "typ", "bad_typ", "typ JWTX.", base_header(typ="JWTX"))
    hcase("typ_other_prefix", "typ", "bad_typ", "typ text/jwt (only application/ is optional).", base_header(typ="text/jwt"))
    hcase("typ_jwt_not_accepted", "typ", "bad_typ", "typ JWT while the policy accepts only client-authentication+jwt.", base_header(typ="JWT"), policy(typ=["client-authentication+jwt"]))
    hcase("kid_number", "header_types", "bad_header", "kid is a number (policy names no kid).", base_header(kid=1), policy(kid=DROP))
    hcase("kid_null", "header_types", "bad_header", "kid is null (policy names no kid).", base_header(kid=None), policy(kid=DROP))
    hcase("kid_object", "header_types", "bad_header", "kid is an object (policy names no kid).", base_header(kid={"id": "k1"}), policy(kid=DROP))
    hcase("typ_number", "header_types", "bad_header", "typ is a number.", base_header(typ=1))
    hcase("typ_array", "header_types", "bad_header", "typ is [\"JWT\"].", base_header(typ=["JWT"]))

    # 7 signature
    r, s = sig_rs(good)

    def scase(name, rule, code, description, sig_bytes):
        add(name, rule, code, description, gh + "." + gc + "." + b64u(sig_bytes))

    scase("sig_r_zero", "signature_range", "signature_out_of_range", "r = 0 (s from a valid signature).", rs_bytes(0, s))
    scase("sig_s_zero", "signature_range", "signature_out_of_range", "s = 0 (r from a valid signature).", rs_bytes(r, 0))
    scase("sig_all_zero", "signature_range", "signature_out_of_range", "r = s = 0 (CVE-2022-21449 'psychic signature').", bytes(64))
    scase("sig_r_equals_n", "signature_range", "signature_out_of_range", "r = n.", rs_bytes(N, s))
    scase("sig_s_equals_n", "signature_range", "signature_out_of_range", "s = n.", rs_bytes(r, N))
    scase("sig_r_n_plus_1", "signature_range", "signature_out_of_range", "r = n + 1 (r >= n; reduces to 1 mod n).", rs_bytes(N + 1, s))
    scase("sig_r_max", "signature_range", "signature_out_of_range", "r = 2^256 - 1.", rs_bytes(2 ** 256 - 1, s))
    scase("sig_s_max", "signature_range", "signature_out_of_range", "s = 2^256 - 1.", rs_bytes(r, 2 ** 256 - 1))
    scase("sig_r_s_equal_n", "signature_range", "signature_out_of_range", "r = s = n.", rs_bytes(N, N))
    scase("sig_r_equals_p", "signature_range", "signature_out_of_range", "r = p (the field prime, > n).", rs_bytes(P, s))

    flipped = bytearray(b64u_decode(gs))
    flipped[63] ^= 0x01
    assert 1 <= int.from_bytes(flipped[32:], "big") < N
    scase("sig_bit_flip_s", "signature", "bad_signature", "Lowest bit of s flipped.", bytes(flipped))
    flipped = bytearray(b64u_decode(gs))
    flipped[5] ^= 0x10
    assert 1 <= int.from_bytes(flipped[:32], "big") < N
    scase("sig_bit_flip_r", "signature", "bad_signature", "One bit of r flipped.", bytes(flipped))
    scase("sig_r_s_swapped", "signature", "bad_signature", "r and s swapped.", rs_bytes(s, r))
    scase("sig_s_one", "signature", "bad_signature", "s = 1 (in range, does not verify).", rs_bytes(r, 1))
    scase("sig_r_s_one", "signature", "bad_signature", "r = s = 1.", rs_bytes(1, 1))
    scase("sig_r_s_n_minus_1", "signature", "bad_signature", "r = s = n - 1.", rs_bytes(N - 1, N - 1))
    add("sig_other_key", "signature", "bad_signature", "Signed by key-b, verified with key-a.", mk(KB, H, C))
    add("sig_negated_key", "signature", "bad_signature", "Signed with n - d (public key with the same x, negated y).", mk(KA_NEG, H, C))
    other = mk(KA, H, base_claims(sub="someone-else"))
    add("sig_from_other_payload", "signature", "bad_signature", "A valid signature of a different claims set, attached to these claims.", gh + "." + gc + "." + split(other)[2])
    changed_h = b64u(js(base_header(cty="JWT")).encode())
    add("sig_header_changed_after_signing", "signature", "bad_signature", "An unknown member added to the header after signing.", changed_h + "." + gc + "." + gs)
    changed_c = b64u(js(base_claims(jti="j-0002")).encode())
    add("sig_claims_changed_after_signing", "signature", "bad_signature", "jti changed after signing.", gh + "." + changed_c + "." + gs)
    sig_json = KA.sign64(hdr.encode() + b"." + cl.encode())
    scase("sig_over_decoded_json", "signature", "bad_signature", "Signature computed over the decoded JSON (header.claims) instead of the base64url text.", sig_json)
    der384 = KA.priv.sign((gh + "." + gc).encode(), ec.ECDSA(hashes.SHA384(), deterministic_signing=True))
    scase("sig_sha384_digest", "signature", "bad_signature", "P-256 signature over the SHA-384 digest of the signing input.", rs_bytes(*decode_dss_signature(der384)))
    add("sig_embedded_jwk_attacker", "signature", "bad_signature", "Signed by key-b with key-b's public JWK (and jku/x5u) in the header: embedded keys are never trusted.",
        mk(KB, base_header(jwk=KB.public_jwk(), jku="https://attacker.example/jwks.json", x5u="https://attacker.example/c.pem"), C))
    add("sig_embedded_jwk_only", "signature", "bad_signature", "Signed by key-b with key-b's public JWK as the header jwk: the embedded key is never trusted.",
        mk(KB, base_header(jwk=KB.public_jwk()), C))
    add("sig_embedded_jku", "signature", "bad_signature", "Signed by key-b with a jku pointing at the attacker's JWK Set: never fetched.",
        mk(KB, base_header(jku="https://attacker.example/.well-known/jwks.json"), C))
    add("sig_embedded_x5u", "signature", "bad_signature", "Signed by key-b with an x5u pointing at the attacker's certificate: never fetched.",
        mk(KB, base_header(x5u="https://attacker.example/attacker.pem"), C))
    add("sig_embedded_x5c", "signature", "bad_signature", "Signed by key-b with x5c holding a self-signed certificate of key-b (CN attacker.example): never trusted.",
        mk(KB, base_header(x5c=[base64.b64encode(attacker_cert_der(KB)).decode("ascii")]), C))
    a3sig = b64u_decode(split(RFC7515_A3_TOKEN)[2])
    scase("sig_rfc7515_a3_signature", "signature", "bad_signature", "The RFC 7515 A.3 signature attached to this token.", a3sig)
    add("sig_over_empty_message", "signature", "bad_signature", "Signature of the empty message attached to the token.",
        gh + "." + gc + "." + b64u(KA.sign64(b"")))

    # 8 claims
    def ccase(name, rule, code, description, claims, pol=None, header=None):
        add(name, rule, code, description, mk(KA, header if header is not None else H, claims), pol)

    ccase("exp_string", "claim_types", "bad_claim_type", "exp is a numeric string.", base_claims(exp=str(NOW + 500)))
    ccase("exp_true", "claim_types", "bad_claim_type", "exp is true.", base_claims(exp=True))
    ccase("exp_null_not_required", "claim_types", "bad_claim_type", "exp is null (dangerous_no_exp and no max_lifetime, so only the type rule applies).", base_claims(exp=None),
          policy(dangerous_no_exp=True, max_lifetime=DROP))
    ccase("exp_array", "claim_types", "bad_claim_type", "exp is an array of one number.", base_claims(exp=[NOW + 500]))
    ccase("exp_object", "claim_types", "bad_claim_type", "exp is an object.", base_claims(exp={"$date": NOW + 500}))
    ccase("nbf_string", "claim_types", "bad_claim_type", "nbf is a string.", base_claims(nbf=str(NOW - 10)))
    ccase("nbf_null", "claim_types", "bad_claim_type", "nbf is null.", base_claims(nbf=None))
    ccase("nbf_false", "claim_types", "bad_claim_type", "nbf is false.", base_claims(nbf=False))
    ccase("iat_string", "claim_types", "bad_claim_type", "iat is a string.", base_claims(iat=str(NOW - 100)))
    ccase("iat_null", "claim_types", "bad_claim_type", "iat is null (policy has no max_lifetime, which would make iat required).", base_claims(iat=None), policy(max_lifetime=DROP))
    ccase("iat_array", "claim_types", "bad_claim_type", "iat is an array.", base_claims(iat=[NOW - 100]))
    ccase("iss_number", "claim_types", "bad_claim_type", "iss is a number (policy names no iss).", base_claims(iss=123), policy(iss=DROP))
    ccase("iss_array", "claim_types", "bad_claim_type", "iss is an array of one string (policy names no iss).", base_claims(iss=[ISS]), policy(iss=DROP))
    ccase("iss_null", "claim_types", "bad_claim_type", "iss is null (policy names no iss).", base_claims(iss=None), policy(iss=DROP))
    ccase("sub_number", "claim_types", "bad_claim_type", "sub is a number (policy names no sub).", base_claims(sub=42), policy(sub=DROP))
    ccase("sub_object", "claim_types", "bad_claim_type", "sub is an object (policy names no sub).", base_claims(sub={"id": ISS}), policy(sub=DROP))
    ccase("jti_number", "claim_types", "bad_claim_type", "jti is a number.", base_claims(jti=42))
    ccase("jti_true", "claim_types", "bad_claim_type", "jti is true.", base_claims(jti=True))
    ccase("aud_number", "claim_types", "bad_claim_type", "aud is a number (policy names no aud; any_audience).", base_claims(aud=42), policy(aud=DROP, any_audience=True))
    ccase("aud_array_with_number", "claim_types", "bad_claim_type", "aud is [\"prd\", 42]: an array element is not a string (policy names no aud; any_audience).", base_claims(aud=["prd", 42]), policy(aud=DROP, any_audience=True))
    ccase("aud_null", "claim_types", "bad_claim_type", "aud is null (policy names no aud; any_audience).", base_claims(aud=None), policy(aud=DROP, any_audience=True))
    ccase("aud_array_with_number_expected_present", "claim_types", "bad_claim_type", "aud is [\"prd\", 42] and the policy expects prd: the bad element still rejects.", base_claims(aud=["prd", 42]))
    ccase("aud_object", "claim_types", "bad_claim_type", "aud is an object (policy names no aud; any_audience).", base_claims(aud={"prd": True}), policy(aud=DROP, any_audience=True))
    ccase("aud_true", "claim_types", "bad_claim_type", "aud is true (policy names no aud; any_audience).", base_claims(aud=True), policy(aud=DROP, any_audience=True))
    ccase("aud_nested_array", "claim_types", "bad_claim_type", "aud is [[\"prd\"]] (policy names no aud; any_audience).", base_claims(aud=[["prd"]]), policy(aud=DROP, any_audience=True))

    ccase("exp_1e400", "date_range", "date_out_of_range", "exp = 1e400 (overflows a double to infinity; policy has no max_lifetime).", cl.replace('"exp":%d' % (NOW + 500), '"exp":1e400'), policy(max_lifetime=DROP))
    ccase("exp_above_max", "date_range", "date_out_of_range", "exp = 253402300800, one past 9999-12-31T23:59:59Z (policy has no max_lifetime).", base_claims(exp=MAX_NUMERIC_DATE + 1), policy(max_lifetime=DROP))
    ccase("exp_1e20", "date_range", "date_out_of_range", "exp = 1e20 (policy has no max_lifetime).", cl.replace('"exp":%d' % (NOW + 500), '"exp":1e20'), policy(max_lifetime=DROP))
    ccase("exp_2_pow_64", "date_range", "date_out_of_range", "exp = 2^64 as an integer (u64 overflow; policy has no max_lifetime).", base_claims(exp=2 ** 64), policy(max_lifetime=DROP))
    ccase("exp_30_digits", "date_range", "date_out_of_range", "exp = 123456789012345678901234567890 (30 digits; policy has no max_lifetime).",
          cl.replace('"exp":%d' % (NOW + 500), '"exp":123456789012345678901234567890'), policy(max_lifetime=DROP))
    ccase("exp_huge_integer", "date_range", "date_out_of_range", "exp = 10^30 written as an integer (policy has no max_lifetime).", base_claims(exp=10 ** 30), policy(max_lifetime=DROP))
    ccase("exp_negative", "date_range", "date_out_of_range", "exp = -1. Necessarily also expired: date_out_of_range is checked first.", base_claims(exp=-1, iat=DROP), policy(max_lifetime=DROP))
    ccase("nbf_negative", "date_range", "date_out_of_range", "nbf = -1 (a time in the past, but negative).", base_claims(nbf=-1))
    ccase("iat_negative", "date_range", "date_out_of_range", "iat = -100 (policy has no max_lifetime).", base_claims(iat=-100), policy(max_lifetime=DROP))
    ccase("nbf_negative_fraction", "date_range", "date_out_of_range", "nbf = -0.5.", cl[:-1] + ',"nbf":-0.5}')
    ccase("iat_minus_1e400", "date_range", "date_out_of_range", "iat = -1e400 (negative infinity; policy has no max_lifetime).", cl.replace('"iat":%d' % (NOW - 100), '"iat":-1e400'), policy(max_lifetime=DROP))

    ccase("expired_exactly_at_leeway", "exp", "expired", "now = exp + leeway exactly (rejection is now >= exp + leeway).", base_claims(exp=NOW - 60, iat=NOW - 600))
    ccase("expired_long_ago", "exp", "expired", "exp an hour ago.", base_claims(exp=NOW - 3600, iat=NOW - 3700))
    ccase("expired_leeway_zero_equal", "exp", "expired", "leeway 0 and now = exp.", base_claims(exp=NOW, iat=NOW - 600), policy(leeway=0))
    ccase("expired_fractional", "exp", "expired", "exp = now - 60.5 (fraction), leeway 60: now >= exp + leeway.", js(base_claims(iat=NOW - 600)).replace('"exp":%d' % (NOW + 500), '"exp":1699999939.5'))
    ccase("expired_exponent_notation", "exp", "expired", "exp = 1.69999994E9 (= now - 60) in exponent notation.", js(base_claims(iat=NOW - 600)).replace('"exp":%d' % (NOW + 500), '"exp":1.69999994E9'))
    ccase("expired_escaped_member_name", "exp", "expired", "The exp member name written as \\u0065xp; its value is expired (a verifier that does not unescape names would miss it).",
          js(base_claims(iat=NOW - 600)).replace('"exp":%d' % (NOW + 500), '"\\u0065xp":%d' % (NOW - 100)))
    ccase("expired_zero", "exp", "expired", "exp = 0.", base_claims(exp=0, iat=DROP), policy(max_lifetime=DROP))

    ccase("nbf_future", "nbf", "not_yet_valid", "nbf = now + leeway + 1.", base_claims(nbf=NOW + 61))
    ccase("nbf_future_leeway_zero", "nbf", "not_yet_valid", "leeway 0 and nbf = now + 1.", base_claims(nbf=NOW + 1), policy(leeway=0))
    ccase("nbf_fractional_future", "nbf", "not_yet_valid", "nbf = now + 60.5 with leeway 60.", cl[:-1] + ',"nbf":1700000060.5}')
    ccase("nbf_exponent_future", "nbf", "not_yet_valid", "nbf = 1.7000001E9 (= now + 100).", cl[:-1] + ',"nbf":1.7000001E9}')

    ccase("iat_future", "iat", "issued_in_future", "iat = now + leeway + 1.", base_claims(iat=NOW + 61))
    ccase("iat_future_leeway_zero", "iat", "issued_in_future", "leeway 0 and iat = now + 1.", base_claims(iat=NOW + 1), policy(leeway=0))

    ccase("lifetime_one_over", "lifetime", "lifetime_too_long", "exp - iat = 901 with max_lifetime 900.", base_claims(iat=NOW - 100, exp=NOW + 801))
    ccase("lifetime_iat_in_past", "lifetime", "lifetime_too_long", "exp only 200 s ahead but iat 800 s ago: exp - iat = 1000 > 900.", base_claims(iat=NOW - 800, exp=NOW + 200))
    ccase("lifetime_d1_one_hour", "lifetime", "lifetime_too_long", "D1 profile: a one-hour token (exp - iat = 3600 > 900).", base_claims(iat=NOW, exp=NOW + 3600))
    ccase("lifetime_fraction_over", "lifetime", "lifetime_too_long", "exp - iat = 900.5 (fraction) with max_lifetime 900.",
          js(base_claims(iat=NOW - 100)).replace('"exp":%d' % (NOW + 500), '"exp":1700000800.5'))

    ccase("expiry_ahead_one_over", "expiry_ahead", "lifetime_too_long", "exp = now + 901 with max_expiry_ahead 900 and no max_lifetime (D1: exp at most 15 minutes ahead; no leeway on this bound).",
          base_claims(iat=NOW, exp=NOW + 901), policy(max_lifetime=DROP, max_expiry_ahead=900))
    ccase("expiry_ahead_iat_in_future", "expiry_ahead", "lifetime_too_long", "iat = now + 30 (within leeway), exp = now + 930: exp - iat = 900 passes max_lifetime 900, but exp is 930 s ahead with max_expiry_ahead 900.",
          base_claims(iat=NOW + 30, exp=NOW + 930), policy(max_expiry_ahead=900))

    ccase("iss_other", "iss", "issuer_mismatch", "iss issuer-124.", base_claims(iss="issuer-124"), policy(sub=DROP))
    ccase("iss_case_only", "iss", "issuer_mismatch", "iss ISSUER-123 (case-only difference).", base_claims(iss="ISSUER-123"), policy(sub=DROP))
    ccase("iss_trailing_space", "iss", "issuer_mismatch", "iss 'issuer-123 '.", base_claims(iss="issuer-123 "), policy(sub=DROP))
    ccase("iss_nul_suffix", "iss", "issuer_mismatch", "iss 'issuer-123\\u0000' (C-string comparison would accept).",
          js(base_claims()).replace('"iss":"issuer-123"', '"iss":"issuer-123\\u0000"'), policy(sub=DROP))
    ccase("iss_unicode_normalization", "iss", "issuer_mismatch", "iss 'cafe' + U+0301 (NFD) while the policy expects 'café' (NFC): compared exactly, no normalization.",
          base_claims(iss="cafe\u0301", sub="café"), policy(iss="café", sub="café"))
    ccase("iss_prefix", "iss", "issuer_mismatch", "iss is a prefix of the expected issuer.", base_claims(iss="issuer-12"), policy(sub=DROP))

    ccase("sub_other", "sub", "subject_mismatch", "sub someone-else.", base_claims(sub="someone-else"))
    ccase("sub_case_only", "sub", "subject_mismatch", "sub ISSUER-123.", base_claims(sub="ISSUER-123"))
    ccase("iss_not_equal_sub", "sub", "subject_mismatch", "iss_equals_sub policy (no expected iss or sub) with iss != sub.",
          base_claims(sub="MGW_OTHER"), policy(iss=DROP, sub=DROP, iss_equals_sub=True))
    ccase("iss_equals_sub_sub_missing", "sub", "subject_mismatch", "iss_equals_sub policy with no sub claim at all.",
          base_claims(sub=DROP), policy(iss=DROP, sub=DROP, iss_equals_sub=True))

    ccase("aud_two_with_sole_audience", "aud", "audience_not_sole", "aud [prd, https://other.example] (the expected one included) while the policy wants a sole audience (client assertions).", base_claims(aud=["prd", "https://other.example"]), policy(sole_audience=True))
    ccase("aud_one_element_array_as_string", "aud", "audience_not_sole", "aud [prd] (one element) while the policy wants aud as a string (FAPI 2.0).", base_claims(aud=["prd"]), policy(audience_as_string=True))
    ccase("aud_two_as_string", "aud", "audience_not_sole", "aud [prd, stg] while the policy wants aud as a string.", base_claims(aud=["prd", "stg"]), policy(audience_as_string=True))
    ccase("aud_other", "aud", "audience_mismatch", "aud stg, policy expects prd.", base_claims(aud="stg"))
    ccase("aud_absent", "aud", "audience_mismatch", "No aud claim while the policy expects prd (aud not in require).", base_claims(aud=DROP))
    ccase("aud_array_without", "aud", "audience_mismatch", "aud array without the expected value.", base_claims(aud=["stg", "dev"]))
    ccase("aud_empty_array", "aud", "audience_mismatch", "aud is an empty array.", base_claims(aud=[]))
    ccase("aud_prefix_of_expected", "aud", "audience_mismatch", "aud is a prefix of the expected URL.", base_claims(aud="https://as.example"), policy(aud="https://as.example/token"))
    ccase("aud_expected_is_prefix", "aud", "audience_mismatch", "The expected audience is a prefix of aud.", base_claims(aud="prd-eu"))
    ccase("aud_case_only", "aud", "audience_mismatch", "aud PRD (case-only difference).", base_claims(aud="PRD"))
    ccase("aud_joined_string", "aud", "audience_mismatch", "aud 'stg prd' (space-joined string, not an array).", base_claims(aud="stg prd"))

    ccase("aud_unexpected_string", "aud", "unexpected_audience", "aud https://evil.example while the policy names no audience (and no any_audience): "
          "a token minted for another service is refused by default.", base_claims(aud="https://evil.example"), policy(aud=DROP))
    ccase("aud_unexpected_array", "aud", "unexpected_audience", "aud [https://evil.example] (an array) while the policy names no audience.",
          base_claims(aud=["https://evil.example"]), policy(aud=DROP))
    ccase("aud_unexpected_prd", "aud", "unexpected_audience", "aud prd while the policy names no audience: any aud is refused, whatever its value.",
          base_claims(aud="prd"), policy(aud=DROP))
    ccase("aud_unexpected_empty_array", "aud", "unexpected_audience", "aud [] while the policy names no audience: the claim is present (of a valid type), so it is refused.",
          base_claims(aud=[]), policy(aud=DROP))

    ccase("exp_missing", "required", "missing_claim", "No exp: exp is always required (default require []).", base_claims(exp=DROP), policy(max_lifetime=DROP))
    ccase("exp_missing_require_explicit", "required", "missing_claim", "No exp with require [exp] (the old explicit form, same meaning).",
          base_claims(exp=DROP), policy(require=["exp"], max_lifetime=DROP))
    ccase("require_nothing_no_exp_without_flag", "required", "missing_claim", "Twin of verify_valid require_nothing_no_exp without dangerous_no_exp: "
          "require [] does not drop exp.", base_claims(exp=DROP), policy(require=[], max_lifetime=DROP))
    ccase("require_jti_no_exp", "required", "missing_claim", "require [jti] (jti present) and no exp: require adds to exp, it does not replace it.",
          base_claims(exp=DROP), policy(require=["jti"], max_lifetime=DROP))
    ccase("lifetime_no_iat_exactly_max", "required", "missing_claim", "No iat with max_lifetime 900 (exp - now = 900): max_lifetime makes iat required. "
          "Was a valid vector (exp - now was used without iat).", base_claims(iat=DROP, exp=NOW + 900))
    ccase("lifetime_no_iat_one_over", "required", "missing_claim", "No iat with max_lifetime 900 and exp - now = 901: max_lifetime makes iat required, "
          "so the code is missing_claim (was lifetime_too_long through the removed exp - now fallback).", base_claims(iat=DROP, exp=NOW + 901))
    ccase("dangerous_no_exp_with_expiry_ahead", "required", "missing_claim", "dangerous_no_exp with max_expiry_ahead 900 and no exp: "
          "a bound on exp keeps exp required.", base_claims(exp=DROP), policy(dangerous_no_exp=True, max_lifetime=DROP, max_expiry_ahead=900))
    ccase("dangerous_no_exp_with_max_lifetime", "required", "missing_claim", "dangerous_no_exp with max_lifetime 900, iat present and no exp: "
          "a bound on exp keeps exp required.", base_claims(exp=DROP), policy(dangerous_no_exp=True))
    ccase("jti_missing_required", "required", "missing_claim", "require [jti], no jti.", base_claims(jti=DROP), policy(require=["jti"]))
    ccase("iat_missing_required", "required", "missing_claim", "require [iat], no iat (policy has no max_lifetime).", base_claims(iat=DROP), policy(require=["iat"], max_lifetime=DROP))
    ccase("nbf_missing_required", "required", "missing_claim", "require [nbf], no nbf.", base_claims(), policy(require=["nbf"]))
    ccase("private_claim_null_required", "required", "missing_claim", "require [exp, scope] and scope is null.", base_claims(scope=None), policy(require=["exp", "scope"]))
    ccase("private_claim_missing_required", "required", "missing_claim", "require [scope] and no scope.", base_claims(), policy(require=["scope"]))
    return cases


def attacker_cert_der(key: Key) -> bytes:
    """A self-signed X.509 certificate for `key` (fixed serial and dates, RFC 6979 signature)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "attacker.example")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.pub)
        .serial_number(0x5EED)
        .not_valid_before(datetime.datetime(2023, 1, 1, tzinfo=datetime.timezone.utc))
        .not_valid_after(datetime.datetime(2033, 1, 1, tzinfo=datetime.timezone.utc))
        .sign(key.priv, hashes.SHA256(), ecdsa_deterministic=True)
    )
    return cert.public_bytes(serialization.Encoding.DER)


def cand_pct(segment: str) -> str:
    """Replace the first '-' or '_' (or the 10th character) with its percent-encoding."""
    for index, ch in enumerate(segment):
        if ch in "-_":
            return segment[:index] + ("%2D" if ch == "-" else "%5F") + segment[index + 1:]
    return segment[:10] + "%%%02X" % ord(segment[10]) + segment[11:]


# --------------------------------------------------------------------------------------------
# keys.json


def der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + der_len(len(body)) + body


P256_OID = bytes.fromhex("06082a8648ce3d030107")
EC_PUBLIC_KEY_OID = bytes.fromhex("06072a8648ce3d0201")


def sec1_der_manual(d_bytes: bytes, point: bytes = None) -> bytes:
    body = der(0x02, b"\x01") + der(0x04, d_bytes) + der(0xA0, P256_OID)
    if point is not None:
        body += der(0xA1, der(0x03, b"\x00" + point))
    return der(0x30, body)


def spki_der_manual(point: bytes) -> bytes:
    return der(0x30, der(0x30, EC_PUBLIC_KEY_OID + P256_OID) + der(0x03, b"\x00" + point))


def compressed_point(key: Key) -> bytes:
    return bytes([0x02 | (key.y & 1)]) + key.x.to_bytes(32, "big")


B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B  # P-256 curve coefficient b


def non_residue_x() -> int:
    """The smallest x >= 1 for which x^3 - 3x + b is not a square mod p (no point has this x)."""
    x = 1
    while pow((x ** 3 - 3 * x + B) % P, (P - 1) // 2, P) == 1:
        x += 1
    return x


def pem_wrap(label: str, data: bytes) -> str:
    b = base64.b64encode(data).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


def keys_file():
    key = KA
    pub_jwk = key.public_jwk()
    thumb = key.thumbprint()
    sec1 = key.sec1_pem()
    valid = []

    def v(name, fmt, text, private, description, k=key):
        valid.append({
            "name": name,
            "format": fmt,
            "description": description,
            "input": text,
            "private": private,
            "public_jwk": k.public_jwk(),
            "thumbprint": k.thumbprint(),
        })

    v("sec1_pem", "pem", sec1, True, "SEC1 'EC PRIVATE KEY' PEM (OpenSSL traditional).")
    v("pkcs8_pem", "pem", key.pkcs8_pem(), True, "PKCS#8 'PRIVATE KEY' PEM.")
    v("spki_pem", "pem", key.spki_pem(), False, "SPKI 'PUBLIC KEY' PEM.")
    v("jwk_public", "jwk", js(pub_jwk), False, "Public JWK (compact JSON text).")
    v("jwk_private", "jwk", js(key.private_jwk()), True, "Private JWK with d.")
    v("jwk_private_extra_members", "jwk", json.dumps(dict(key.private_jwk(), kid="k1", use="sig", alg="ES256", key_ops=["sign"]), indent=1), True,
      "Private JWK with kid/use/alg/key_ops members and pretty-printed JSON.")
    v("jwk_public_member_order", "jwk", json.dumps({"y": pub_jwk["y"], "x": pub_jwk["x"], "crv": "P-256", "kty": "EC"}), False, "Public JWK with members in another order.")
    v("sec1_pem_crlf", "pem", sec1.replace("\n", "\r\n"), True, "SEC1 PEM with CRLF line endings.")
    v("sec1_pem_trailing_spaces", "pem", "\n".join(line + " " if line else line for line in sec1.split("\n")), True,
      "SEC1 PEM with a trailing space at the end of every line (as in the D1 guide).")
    v("sec1_pem_surrounding_blank_lines", "pem", "\n\n" + sec1 + "\n\n", True, "SEC1 PEM preceded and followed by blank lines.")
    v("sec1_pem_no_final_newline", "pem", sec1.rstrip("\n"), True, "SEC1 PEM without the final newline.")
    v("pkcs8_pem_crlf", "pem", key.pkcs8_pem().replace("\n", "\r\n"), True, "PKCS#8 PEM with CRLF line endings.")
    v("spki_pem_trailing_spaces", "pem", "\n".join(line + "  " if line else line for line in key.spki_pem().split("\n")), False, "SPKI PEM with two trailing spaces per line.")
    v("sec1_der_hex", "sec1_der_hex", key.sec1_der().hex(), True, "SEC1 DER as hex.")
    v("pkcs8_der_hex", "pkcs8_der_hex", key.pkcs8_der().hex(), True, "PKCS#8 DER as hex.")
    v("spki_der_hex", "spki_der_hex", key.spki_der().hex(), False, "SPKI DER as hex.")
    v("d1_guide_pem", "pem", GUIDE_PEM.decode("ascii"), True, "The D1 guide example SEC1 PEM, byte for byte (trailing spaces, no final newline).", k=KGUIDE)
    v("rfc7515_a3_jwk_private", "jwk", js(RFC7515_A3_JWK), True, "The RFC 7515 A.3 private JWK.", k=Key("rfc7515-a3", b64u_to_int(RFC7515_A3_JWK["d"]), "RFC 7515 A.3"))
    v("key_one_jwk", "jwk", js(K1.private_jwk()), True, "Private JWK with d = 1.", k=K1)
    v("key_n_minus_1_sec1_pem", "pem", KNM1.sec1_pem(), True, "SEC1 PEM with d = n - 1.", k=KNM1)
    even = next(k for k in (KA, KB, KC, KD) if k.y % 2 == 0)
    odd = next(k for k in (KA, KB, KC, KD) if k.y % 2 == 1)
    v("spki_compressed_02_der_hex", "spki_der_hex", spki_der_manual(compressed_point(even)).hex(), False,
      "SPKI DER of %s with the compressed point 0x02||x (y even): the same key (and thumbprint) as its uncompressed form." % even.id, k=even)
    v("spki_compressed_03_der_hex", "spki_der_hex", spki_der_manual(compressed_point(odd)).hex(), False,
      "SPKI DER of %s with the compressed point 0x03||x (y odd): the same key (and thumbprint) as its uncompressed form." % odd.id, k=odd)
    v("spki_compressed_pem", "pem", pem_wrap("PUBLIC KEY", spki_der_manual(compressed_point(key))), False,
      "SPKI PEM of key-a with its compressed point (0x%02x||x)." % compressed_point(key)[0])
    v("sec1_der_compressed_public", "sec1_der_hex", sec1_der_manual(key.d.to_bytes(32, "big"), compressed_point(key)).hex(), True,
      "SEC1 DER whose embedded public key is compressed (0x%02x||x); it matches d." % compressed_point(key)[0])
    v("jwk_public_unknown_members", "jwk", js(dict(pub_jwk, ext=True, **{"x-vendor": {"a": [1, None]}, "kid": "k1"})), False,
      "Public JWK with unknown members (ext, x-vendor) and kid: unknown members are ignored (RFC 7517 section 4).")
    v("jwk_public_usage_members", "jwk", js(dict(pub_jwk, use="sig", key_ops=["verify"], alg="ES256")), False,
      "Public JWK with use sig, key_ops [verify] and alg ES256: usage members that allow ES256 verification.")

    invalid = []

    def bad(name, fmt, text, code, description):
        invalid.append({"name": name, "format": fmt, "input": text, "code": code, "description": description})

    p384 = ec.derive_private_key(scalar_from_label("bearerkit/vectors/p384") % (2 ** 383) + 1, ec.SECP384R1())
    k256k1 = ec.derive_private_key(scalar_from_label("bearerkit/vectors/secp256k1"), ec.SECP256K1())
    nf = serialization.NoEncryption()
    bad("p384_sec1_pem", "pem", pem_text(p384.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, nf)), "wrong_curve", "P-384 SEC1 private key.")
    bad("p384_pkcs8_pem", "pem", pem_text(p384.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, nf)), "wrong_curve", "P-384 PKCS#8 private key.")
    bad("p384_spki_pem", "pem", pem_text(p384.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)), "wrong_curve", "P-384 public key.")
    bad("p384_spki_der_hex", "spki_der_hex", p384.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo).hex(), "wrong_curve", "P-384 public key DER.")
    n384 = p384.public_key().public_numbers()
    bad("p384_jwk", "jwk", js({"kty": "EC", "crv": "P-384", "x": int_to_b64u(n384.x, 48), "y": int_to_b64u(n384.y, 48)}), "wrong_curve", "P-384 public JWK.")
    bad("p384_jwk_private", "jwk", js({"kty": "EC", "crv": "P-384", "x": int_to_b64u(n384.x, 48), "y": int_to_b64u(n384.y, 48),
                                       "d": int_to_b64u(p384.private_numbers().private_value, 48)}), "wrong_curve", "P-384 private JWK.")
    bad("secp256k1_pkcs8_pem", "pem", pem_text(k256k1.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, nf)), "wrong_curve", "secp256k1 PKCS#8 private key (same size, different curve).")
    n256k1 = k256k1.public_key().public_numbers()
    bad("secp256k1_spki_der_hex", "spki_der_hex", k256k1.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo).hex(),
        "wrong_curve", "secp256k1 public key DER.")
    bad("secp256k1_jwk", "jwk", js({"kty": "EC", "crv": "secp256k1", "x": int_to_b64u(n256k1.x, 32), "y": int_to_b64u(n256k1.y, 32)}), "wrong_curve", "secp256k1 public JWK.")
    bad("jwk_p256_point_labelled_p384", "jwk", js(dict(pub_jwk, crv="P-384")), "wrong_curve", "A P-256 point labelled crv P-384.")

    rsa_key = serialization.load_pem_private_key(RSA_PKCS8_PEM.encode(), None)
    rsa_pub = rsa_key.public_key()
    bad("rsa_pkcs8_pem", "pem", RSA_PKCS8_PEM, "unsupported_key_type", "RSA 2048 PKCS#8 private key.")
    bad("rsa_traditional_pem", "pem", pem_text(rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, nf)), "unsupported_key_type", "RSA 'BEGIN RSA PRIVATE KEY' PEM.")
    bad("rsa_spki_pem", "pem", pem_text(rsa_pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)), "unsupported_key_type", "RSA public key.")
    bad("rsa_spki_der_hex", "spki_der_hex", rsa_pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo).hex(), "unsupported_key_type", "RSA public key DER.")
    rn = rsa_pub.public_numbers()
    bad("rsa_jwk", "jwk", js({"kty": "RSA", "n": b64u(rn.n.to_bytes(256, "big")), "e": b64u(rn.e.to_bytes(3, "big"))}), "unsupported_key_type", "RSA public JWK.")
    ed = ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"bearerkit/vectors/ed25519").digest())
    bad("ed25519_pkcs8_pem", "pem", pem_text(ed.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, nf)), "unsupported_key_type", "Ed25519 PKCS#8 private key.")
    bad("ed25519_jwk", "jwk", js({"kty": "OKP", "crv": "Ed25519", "x": b64u(ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))}), "unsupported_key_type", "Ed25519 (OKP) JWK.")
    bad("oct_jwk", "jwk", js({"kty": "oct", "k": b64u(b"secret-secret-secret-secret-1234")}), "unsupported_key_type", "Symmetric (oct) JWK.")

    y_plus_1 = (key.y + 1) % P
    bad("jwk_off_curve_y_plus_1", "jwk", js(dict(pub_jwk, y=int_to_b64u(y_plus_1, 32))), "invalid_point", "Public JWK with y + 1 (not on the curve).")
    bad("jwk_point_zero", "jwk", js(dict(pub_jwk, x=int_to_b64u(0, 32), y=int_to_b64u(0, 32))), "invalid_point", "Public JWK with x = y = 0.")
    bad("jwk_x_equals_p", "jwk", js(dict(pub_jwk, x=int_to_b64u(P, 32))), "invalid_point", "Public JWK with x = p (not a field element).")
    bad("jwk_private_off_curve_public", "jwk", js(dict(key.private_jwk(), y=int_to_b64u(y_plus_1, 32))), "invalid_point", "Private JWK whose x/y are not on the curve.")
    bad_point = b"\x04" + key.x.to_bytes(32, "big") + y_plus_1.to_bytes(32, "big")
    bad("spki_off_curve", "spki_der_hex", spki_der_manual(bad_point).hex(), "invalid_point", "SPKI DER whose point is off the curve.")
    bad("spki_off_curve_pem", "pem", pem_wrap("PUBLIC KEY", spki_der_manual(bad_point)), "invalid_point", "SPKI PEM whose point is off the curve.")
    bad("spki_identity_point", "spki_der_hex", spki_der_manual(b"\x00").hex(), "invalid_point", "SPKI DER holding the point at infinity (single 0x00 byte).")
    xy = key.x.to_bytes(32, "big") + key.y.to_bytes(32, "big")
    hybrid = 0x06 | (key.y & 1)
    for prefix, name, description in (
        (b"\x05" + key.x.to_bytes(32, "big"), "spki_point_prefix_05_compact", "SPKI DER whose point is 0x05||x (33 bytes, a 'compact' x-only encoding): only 0x04, 0x02 and 0x03 are accepted."),
        (b"\x05" + xy, "spki_point_prefix_05", "SPKI DER whose 65-byte point starts with 0x05 instead of 0x04 (x and y of key-a)."),
        (bytes([hybrid]) + xy, "spki_point_prefix_0%d_hybrid" % hybrid, "SPKI DER with the X9.62 hybrid encoding 0x%02x||x||y of key-a (prefix parity matches y): not accepted." % hybrid),
        (bytes([hybrid ^ 1]) + xy, "spki_point_prefix_0%d_hybrid_wrong_parity" % (hybrid ^ 1), "SPKI DER with prefix 0x%02x||x||y of key-a (hybrid with the wrong y parity)." % (hybrid ^ 1)),
        (b"\x00" + xy, "spki_point_prefix_00_65_bytes", "SPKI DER whose 65-byte point starts with 0x00 (the identity tag, followed by x and y of key-a)."),
        (b"\x04" + key.x.to_bytes(32, "big"), "spki_point_04_33_bytes", "SPKI DER with prefix 0x04 but only x (33 bytes)."),
        (compressed_point(key)[:1] + non_residue_x().to_bytes(32, "big"), "spki_compressed_x_not_on_curve", "SPKI DER with a compressed point whose x has no y on the curve (x^3 - 3x + b is not a square mod p)."),
        (b"\x02" + P.to_bytes(32, "big"), "spki_compressed_x_equals_p", "SPKI DER with a compressed point whose x = p (not a field element)."),
    ):
        bad(name, "spki_der_hex", spki_der_manual(prefix).hex(), "invalid_point", description)
    bad("spki_point_prefix_05_pem", "pem", pem_wrap("PUBLIC KEY", spki_der_manual(b"\x05" + xy)), "invalid_point", "SPKI PEM whose 65-byte point starts with 0x05.")
    bad("sec1_der_public_prefix_05", "sec1_der_hex", sec1_der_manual(key.d.to_bytes(32, "big"), b"\x05" + xy).hex(), "invalid_point",
        "SEC1 DER with the right d whose embedded public key is 0x05||x||y (65 bytes).")
    bad("sec1_der_public_prefix_05_compact", "sec1_der_hex", sec1_der_manual(key.d.to_bytes(32, "big"), b"\x05" + key.x.to_bytes(32, "big")).hex(), "invalid_point",
        "SEC1 DER with the right d whose embedded public key is 0x05||x (33 bytes).")
    bad("sec1_pem_public_prefix_05", "pem", pem_wrap("EC PRIVATE KEY", sec1_der_manual(key.d.to_bytes(32, "big"), b"\x05" + xy)), "invalid_point",
        "SEC1 PEM with the right d whose embedded public key is 0x05||x||y.")

    bad("jwk_d_zero", "jwk", js(dict(pub_jwk, d=int_to_b64u(0, 32))), "invalid_scalar", "Private JWK with d = 0.")
    bad("jwk_d_n", "jwk", js(dict(K1.public_jwk(), d=int_to_b64u(N, 32))), "invalid_scalar", "Private JWK with d = n (with the x/y of G).")
    bad("jwk_d_max", "jwk", js(dict(pub_jwk, d=int_to_b64u(2 ** 256 - 1, 32))), "invalid_scalar", "Private JWK with d = 2^256 - 1.")
    bad("sec1_der_d_zero", "sec1_der_hex", sec1_der_manual(bytes(32)).hex(), "invalid_scalar", "SEC1 DER with a zero private scalar and no public key.")
    bad("sec1_der_d_n", "sec1_der_hex", sec1_der_manual(N.to_bytes(32, "big")).hex(), "invalid_scalar", "SEC1 DER with d = n and no public key.")

    bad("jwk_private_mismatch", "jwk", js(dict(KB.public_jwk(), d=key.private_jwk()["d"])), "key_mismatch", "Private JWK: d of key-a with x/y of key-b.")
    bad("jwk_private_negated_y", "jwk", js(dict(KA_NEG.public_jwk(), d=key.private_jwk()["d"])), "key_mismatch", "Private JWK: d of key-a with the negated public point (same x).")
    bad("sec1_der_mismatched_public", "sec1_der_hex",
        sec1_der_manual(key.d.to_bytes(32, "big"), b"\x04" + KB.x.to_bytes(32, "big") + KB.y.to_bytes(32, "big")).hex(),
        "key_mismatch", "SEC1 DER whose embedded public key belongs to another key.")

    sec1_der = key.sec1_der()
    bad("sec1_der_truncated", "sec1_der_hex", sec1_der[:-10].hex(), "bad_der", "SEC1 DER with its last 10 bytes removed.")
    bad("pkcs8_der_truncated", "pkcs8_der_hex", key.pkcs8_der()[:40].hex(), "bad_der", "PKCS#8 DER truncated to 40 bytes.")
    bad("spki_der_truncated", "spki_der_hex", key.spki_der()[:-1].hex(), "bad_der", "SPKI DER missing its last byte.")
    bad("spki_der_trailing_garbage", "spki_der_hex", (key.spki_der() + b"\x00").hex(), "bad_der", "SPKI DER followed by an extra byte.")
    bad("sec1_der_empty", "sec1_der_hex", "", "bad_der", "Empty DER input.")
    bad("sec1_pem_truncated_der", "pem", pem_wrap("EC PRIVATE KEY", sec1_der[:-10]), "bad_der", "Well-formed PEM whose DER body is truncated.")
    bad("sec1_der_not_hex_sequence", "sec1_der_hex", "0401ff", "bad_der", "DER that is an OCTET STRING, not a SEQUENCE.")

    body = sec1.split("\n")
    bad("pem_garbage_base64", "pem", "-----BEGIN EC PRIVATE KEY-----\n!!!!not*base64$$$\n-----END EC PRIVATE KEY-----\n", "bad_pem", "PEM body is not base64.")
    bad("pem_certificate_request_label", "pem", pem_wrap("CERTIFICATE REQUEST", key.spki_der()), "bad_pem", "Unknown label 'CERTIFICATE REQUEST'.")
    bad("pem_missing_end", "pem", "\n".join(body[:-2]) + "\n", "bad_pem", "PEM without its END line.")
    cut = sec1.index("\n", sec1.index("\n") + 1) + 1 + 30  # 30 characters into the second base64 line
    body_chars = len(re.sub(r"\s", "", sec1[sec1.index("\n") + 1:cut]))
    assert sec1[cut - 1] not in "\n-" and body_chars % 4, body_chars
    bad("pem_cut_mid_base64", "pem", sec1[:cut] + "\n", "bad_pem", "SEC1 PEM cut in the middle of its base64 (a truncated file: no END line).")
    bad("pem_cut_mid_base64_end_restored", "pem", sec1[:cut] + "\n-----END EC PRIVATE KEY-----\n", "bad_pem",
        "SEC1 PEM whose base64 is cut in the middle (length not a multiple of 4) followed by the END line.")
    spki_pem_lines = key.spki_pem().split("\n")
    bad("spki_pem_missing_end", "pem", "\n".join(spki_pem_lines[:-2]) + "\n", "bad_pem", "SPKI PEM without its END line.")
    bad("pem_mismatched_labels", "pem", sec1.replace("-----END EC PRIVATE KEY-----", "-----END PRIVATE KEY-----"), "bad_pem", "BEGIN and END labels differ.")
    bad("pem_no_armor", "pem", "".join(body[1:-2]), "bad_pem", "Base64 body without BEGIN/END lines.")
    bad("pem_empty", "pem", "", "bad_pem", "Empty input.")
    bad("pem_bad_padding", "pem", "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(key.spki_der()).decode()[:-4] + "A=B=\n-----END PUBLIC KEY-----\n", "bad_pem", "Padding characters in the middle of the base64 body.")

    bad("jwk_not_json", "jwk", "kty=EC&crv=P-256", "bad_jwk", "Not JSON.")
    bad("jwk_array", "jwk", js([pub_jwk]), "bad_jwk", "A JSON array holding a JWK (a JWK Set without 'keys' is not a JWK).")
    bad("jwk_missing_x", "jwk", js({"kty": "EC", "crv": "P-256", "y": pub_jwk["y"]}), "bad_jwk", "No x.")
    bad("jwk_missing_y", "jwk", js({"kty": "EC", "crv": "P-256", "x": pub_jwk["x"]}), "bad_jwk", "No y (compressed form is not allowed in JWK).")
    bad("jwk_missing_crv", "jwk", js({"kty": "EC", "x": pub_jwk["x"], "y": pub_jwk["y"]}), "bad_jwk", "No crv.")
    bad("jwk_missing_kty", "jwk", js({"crv": "P-256", "x": pub_jwk["x"], "y": pub_jwk["y"]}), "bad_jwk", "No kty.")
    bad("jwk_x_31_bytes", "jwk", js(dict(pub_jwk, x=b64u(b64u_decode(pub_jwk["x"])[1:]))), "bad_jwk", "x of 31 bytes.")
    bad("jwk_x_33_bytes", "jwk", js(dict(pub_jwk, x=b64u(b"\x00" + b64u_decode(pub_jwk["x"])))), "bad_jwk", "x of 33 bytes (leading zero).")
    bad("jwk_d_31_bytes", "jwk", js(dict(K1.public_jwk(), d=b64u((1).to_bytes(31, "big")))), "bad_jwk", "d of 31 bytes (RFC 7518 requires the full 32 bytes).")
    bad("jwk_x_padded", "jwk", js(dict(pub_jwk, x=pub_jwk["x"] + "=")), "bad_jwk", "x with '=' padding.")
    coord = "x" if re.search("[-_]", pub_jwk["x"]) else "y"
    assert re.search("[-_]", pub_jwk[coord])
    std = base64.b64encode(b64u_decode(pub_jwk[coord])).decode().rstrip("=")
    bad("jwk_coordinate_standard_alphabet", "jwk", js(dict(pub_jwk, **{coord: std})), "bad_jwk", "%s in the standard base64 alphabet ('+' or '/')." % coord)
    bad("jwk_x_number", "jwk", js(dict(pub_jwk, x=12345)), "bad_jwk", "x is a number.")
    bad("jwk_private_missing_x", "jwk", js({"kty": "EC", "crv": "P-256", "y": pub_jwk["y"], "d": key.private_jwk()["d"]}), "bad_jwk", "Private JWK without x.")
    bad("jwk_use_not_string", "jwk", js(dict(pub_jwk, use=["sig"])), "bad_jwk", "use is an array, not a string.")
    bad("jwk_key_ops_not_array", "jwk", js(dict(pub_jwk, key_ops="verify")), "bad_jwk", "key_ops is a string, not an array.")

    bad("jwk_use_enc", "jwk", js(dict(pub_jwk, use="enc")), "key_usage", "Public JWK with use enc (an encryption key).")
    bad("jwk_key_ops_encrypt", "jwk", js(dict(pub_jwk, key_ops=["encrypt"])), "key_usage", "Public JWK with key_ops [encrypt].")
    bad("jwk_alg_es384", "jwk", js(dict(pub_jwk, alg="ES384")), "key_usage", "Public JWK with alg ES384 (a P-256 key bound to another algorithm).")
    bad("jwk_alg_none", "jwk", js(dict(pub_jwk, alg="none")), "key_usage", "Public JWK with alg none.")
    bad("jwk_private_use_enc", "jwk", js(dict(key.private_jwk(), use="enc")), "key_usage", "Private JWK with use enc.")
    bad("jwk_use_enc_before_bad_x", "jwk", js(dict(pub_jwk, use="enc", x="not base64!")), "key_usage",
        "use enc and a malformed x: usage is checked before the member shapes (kty, crv, usage, members, point).")
    return {"key": {"id": key.id, "public_jwk": pub_jwk, "thumbprint": thumb}, "valid": valid, "invalid": invalid}


# --------------------------------------------------------------------------------------------


def main():
    signing = signing_cases()
    write_json("signing.json", {
        "description": "Deterministic ES256 signing vectors (RFC 6979). Re-derive header_json, claims_json and token from key.private_jwk and input with bearerkit's canonical serialization; see README.md.",
        "generator": "tests/vectors/generate.py (Python cryptography, deterministic_signing=True)",
        "cases": signing,
        "invalid": signing_invalid_cases(),
    })
    write_json("d1_guide_example.json", guide_vector())
    write_json("rfc7515_a3.json", rfc7515_vector())
    valid = valid_cases()
    write_json("verify_valid.json", {
        "description": "Tokens a strict verifier must ACCEPT with the given policy and public key; expected_header/expected_claims are the decoded JSON.",
        "policy_defaults": POLICY_DEFAULTS,
        "cases": valid,
    })
    negative = negative_cases()
    write_json("negative.json", {
        "description": "Tokens a strict verifier must REJECT with exactly the given code. Each violates one rule and is otherwise valid (signed over the exact bytes of its first two segments).",
        "code_order": CODE_ORDER,
        "policy_defaults": POLICY_DEFAULTS,
        "cases": negative,
    })
    keys = keys_file()
    write_json("keys.json", keys)
    counts = {}
    for case in negative:
        counts[case["code"]] = counts.get(case["code"], 0) + 1
    print("signing: %d (high-S: %d)" % (len(signing), sum(1 for c in signing if c["high_s"])))
    print("verify_valid: %d" % len(valid))
    print("negative: %d" % len(negative))
    print("keys: %d valid, %d invalid" % (len(keys["valid"]), len(keys["invalid"])))
    for code in CODE_ORDER:
        print("  %-24s %d" % (code, counts.get(code, 0)))


if __name__ == "__main__":
    main()

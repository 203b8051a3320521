"""The Python API: keys with `cryptography`, interop with PyJWT and joserfc both ways, the
profiles, key sets, external signers, RSA keys, errors and their codes, and secrets kept out of
repr()."""
import datetime
import json
import time

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey

import bearerkit

NOW = int(time.time())


@pytest.fixture(scope="module")
def crypto_key():
    return ec.generate_private_key(ec.SECP256R1())


def pem(key, fmt):
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


# ---- keys ------------------------------------------------------------------------------------

def test_keys_written_by_cryptography_import_and_back(crypto_key):
    sec1 = bearerkit.SigningKey.from_pem(pem(crypto_key, serialization.PrivateFormat.TraditionalOpenSSL))
    pkcs8 = bearerkit.SigningKey.from_pem(pem(crypto_key, serialization.PrivateFormat.PKCS8).decode())
    assert sec1.thumbprint() == pkcs8.thumbprint()
    # bearerkit's PEM and DER read back in cryptography as the same key.
    for text in (sec1.to_pem(), sec1.to_pem(format="sec1")):
        back = serialization.load_pem_private_key(text.encode(), password=None)
        assert back.private_numbers() == crypto_key.private_numbers()
    back = serialization.load_der_private_key(sec1.to_pkcs8_der(), password=None)
    assert back.private_numbers() == crypto_key.private_numbers()
    public = bearerkit.VerifyingKey.from_pem(public_pem(crypto_key))
    assert public == sec1.public_key
    assert serialization.load_der_public_key(public.to_spki_der()).public_numbers() == \
        crypto_key.public_key().public_numbers()
    point = crypto_key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert public.to_sec1_bytes() == point
    assert bearerkit.VerifyingKey.from_sec1_bytes(point) == public
    with pytest.raises(ValueError):
        sec1.to_pem(format="der")


def test_jwk_round_trip_and_thumbprint():
    key = bearerkit.SigningKey.generate()
    jwk = key.to_jwk()
    assert set(jwk) == {"kty", "crv", "x", "y", "d"}
    assert bearerkit.SigningKey.from_jwk(jwk).thumbprint() == key.thumbprint()
    assert bearerkit.SigningKey.from_jwk(json.dumps(jwk)).thumbprint() == key.thumbprint()
    public = key.public_key.to_jwk()
    assert "d" not in public
    assert bearerkit.jwk_thumbprint(public) == key.thumbprint() == bearerkit.jwk_thumbprint(key.public_key)
    # RFC 7638 computed independently.
    import base64
    import hashlib
    canonical = json.dumps({k: public[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
    digest = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    assert key.thumbprint() == digest


def test_repr_never_shows_the_private_key():
    key = bearerkit.SigningKey.generate()
    d = key.to_jwk()["d"]
    for shown in (repr(key), str(key), repr(key.public_key)):
        assert d not in shown
        assert "thumbprint" in shown


def test_bad_key_inputs_raise_invalid_key_with_codes():
    cases = [
        (lambda: bearerkit.SigningKey.from_pem("not a key"), "bad_pem"),
        (lambda: bearerkit.SigningKey.from_pem(b"\xff\xfe"), "bad_pem"),
        (lambda: bearerkit.VerifyingKey.from_jwk({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}), "wrong_curve"),
        (lambda: bearerkit.VerifyingKey.from_jwk("{"), "bad_jwk"),
        (lambda: bearerkit.VerifyingKey.from_sec1_bytes(b"\x05" + b"\x01" * 64), "invalid_point"),
        (lambda: bearerkit.SigningKey.from_pkcs8_der(b"\x30\x00"), "bad_der"),
    ]
    for call, code in cases:
        with pytest.raises(bearerkit.InvalidKey) as e:
            call()
        assert e.value.code == code, (code, e.value)
        assert isinstance(e.value, bearerkit.BearerkitError)
    with pytest.raises(TypeError):
        bearerkit.SigningKey.from_pem(42)


# ---- signing and verification -----------------------------------------------------------------

def test_defaults_are_the_cores():
    key = bearerkit.SigningKey.generate()
    token = bearerkit.sign_assertion(key, iss="me", aud="api", expires_in=60)
    # No audience named: a token that carries one is refused...
    with pytest.raises(bearerkit.ClaimMismatch) as e:
        bearerkit.verify(token, key.public_key)
    assert e.value.code == "unexpected_audience"
    # ... unless it is named or explicitly not checked.
    assert bearerkit.verify(token, key.public_key, audience="api").claims["aud"] == "api"
    assert bearerkit.verify(token, key.public_key, audience=["other", "api"]).claims["iss"] == "me"
    assert bearerkit.verify(token, key.public_key, any_audience=True).claims["iss"] == "me"
    with pytest.raises(ValueError):
        bearerkit.verify(token, key.public_key, audience="api", any_audience=True)
    # exp is required by default, whatever `required` adds.
    no_exp = bearerkit.Assertion(iss="me", iat=NOW).sign(key)
    for extra in ({}, {"required": ["iss"]}):
        with pytest.raises(bearerkit.InvalidToken) as e:
            bearerkit.verify(no_exp, key.public_key, **extra)
        assert e.value.code == "missing_claim"
    assert bearerkit.verify(no_exp, key.public_key, dangerous_allow_missing_exp=True).claims == {"iss": "me", "iat": NOW}
    # A leeway over the core's maximum is a policy error, whatever the token.
    with pytest.raises(bearerkit.InvalidPolicy) as e:
        bearerkit.verify(token, key.public_key, audience="api", leeway=3601)
    assert e.value.code == "invalid_policy"


def test_error_families_and_codes():
    key = bearerkit.SigningKey.generate()
    other = bearerkit.SigningKey.generate()
    expired = bearerkit.Assertion(iss="me", iat=NOW - 7200, exp=NOW - 3600).sign(key)
    future = bearerkit.Assertion(iss="me", iat=NOW, nbf=NOW + 3600, exp=NOW + 7200).sign(key)
    ok = bearerkit.sign_assertion(key, iss="me", expires_in=60)
    cases = [
        (lambda: bearerkit.verify(expired, key.public_key), bearerkit.ExpiredToken, "expired"),
        (lambda: bearerkit.verify(future, key.public_key), bearerkit.NotYetValid, "not_yet_valid"),
        (lambda: bearerkit.verify(ok, other.public_key), bearerkit.InvalidToken, "bad_signature"),
        (lambda: bearerkit.verify(ok, key.public_key, issuer="you"), bearerkit.ClaimMismatch, "issuer_mismatch"),
        (lambda: bearerkit.verify("a.b", key.public_key), bearerkit.InvalidToken, "malformed_token"),
        (lambda: bearerkit.verify(ok, key.public_key, max_bytes=10), bearerkit.InvalidToken, "token_too_large"),
        (lambda: bearerkit.decode_unverified("eA.eA.eA"), bearerkit.InvalidToken, "bad_json"),
    ]
    for call, cls, code in cases:
        with pytest.raises(cls) as e:
            call()
        assert e.value.code == code, (code, e.value)
        assert str(e.value), code
    with pytest.raises(TypeError):
        bearerkit.verify(ok, key)  # a SigningKey is not a verification key
    with pytest.raises(bearerkit.SigningError) as e:
        bearerkit.Assertion(iss="me", exp=253402300800).sign(key)
    assert e.value.code == "date_out_of_range"
    with pytest.raises(bearerkit.SigningError) as e:
        bearerkit.Assertion(iss="me", exp=NOW, claims="[1]").sign(key)
    assert e.value.code == "claims_not_object"


def test_private_claims_keep_their_order_and_values():
    key = bearerkit.SigningKey.generate()
    claims = {"z": 1, "a": [True, None, 1.5], "big": 2**64 - 1, "neg": -(2**63), "text": "é/\u2028\U0001F600"}
    token = bearerkit.sign_assertion(key, iss="me", expires_in=60, claims=claims, now=NOW)
    t = bearerkit.verify(token, key.public_key, now=NOW)
    assert list(t.claims) == ["iss", "exp", "iat", "z", "a", "big", "neg", "text"]
    assert {k: t.claims[k] for k in claims} == claims
    assert '"text":"é/\u2028\U0001F600"' in t.claims_json  # raw UTF-8, `/` not escaped
    with pytest.raises(ValueError):
        bearerkit.sign_assertion(key, iss="me", expires_in=60, claims={"x": float("nan")})


def test_tokens_interoperate_with_pyjwt_and_joserfc(crypto_key):
    key = bearerkit.SigningKey.from_pem(pem(crypto_key, serialization.PrivateFormat.PKCS8))
    token = bearerkit.sign_assertion(key, iss="me", aud="api", expires_in=60, jti="j1", kid="k1")
    # bearerkit -> PyJWT, joserfc
    decoded = jwt.decode(token, crypto_key.public_key(), algorithms=["ES256"], audience="api")
    assert decoded["iss"] == "me" and decoded["jti"] == "j1"
    jose_key = ECKey.import_key(key.public_key.to_jwk())
    jose_token = jose_jwt.decode(token, jose_key, algorithms=["ES256"])
    assert jose_token.claims["iss"] == "me" and jose_token.header["kid"] == "k1"
    # PyJWT, joserfc -> bearerkit
    claims = {"iss": "py", "aud": "api", "exp": NOW + 60, "iat": NOW}
    by_pyjwt = jwt.encode(claims, crypto_key, algorithm="ES256", headers={"kid": "k1"})
    assert bearerkit.verify(by_pyjwt, key.public_key, audience="api", kid="k1").claims == claims
    by_joserfc = jose_jwt.encode({"alg": "ES256"}, claims, ECKey.import_key(key.to_jwk()))
    assert bearerkit.verify(by_joserfc, key.public_key, audience="api").claims == claims
    # A PyJWT HS256 token with the public key as secret (algorithm confusion) is refused.
    hs = jwt.encode(claims, "secret", algorithm="HS256")
    with pytest.raises(bearerkit.InvalidToken) as e:
        bearerkit.verify(hs, key.public_key, audience="api")
    assert e.value.code in ("unsupported_alg", "bad_signature_length")


def test_profiles_sign_and_verify_d1_and_client_assertions():
    key = bearerkit.SigningKey.generate()
    a = bearerkit.d1_assertion(key, issuer_id="MGW_1", env="prd", kid="k1", now=NOW)
    t = bearerkit.verify_d1_assertion(a, key.public_key, issuer_id="MGW_1", env="prd", kid="k1", now=NOW)
    assert (t.claims["iss"], t.claims["sub"], t.claims["aud"], t.header["typ"]) == ("MGW_1", "MGW_1", "prd", "JWT")
    assert t.claims["exp"] - t.claims["iat"] == 300 and len(t.claims["jti"]) == 32
    with pytest.raises(bearerkit.ClaimMismatch):
        bearerkit.verify_d1_assertion(a, key.public_key, issuer_id="MGW_1", env="stg", kid="k1", now=NOW)
    # D1 allows at most 15 minutes.
    long = bearerkit.d1_assertion(key, issuer_id="MGW_1", env="prd", kid="k1", now=NOW, expires_in=901)
    with pytest.raises(bearerkit.ClaimMismatch) as e:
        bearerkit.verify_d1_assertion(long, key.public_key, issuer_id="MGW_1", env="prd", kid="k1", now=NOW)
    assert e.value.code == "lifetime_too_long"
    issuer = "https://kc.example/realms/r"
    c = bearerkit.client_assertion(key, client_id="c1", audience=issuer, kid="fp", now=NOW)
    t = bearerkit.verify_client_assertion(c, key.public_key, client_id="c1", audience=issuer, now=NOW)
    assert (t.claims["iss"], t.claims["sub"], t.claims["aud"]) == ("c1", "c1", issuer)
    assert t.claims["exp"] - t.claims["iat"] == 60
    two = bearerkit.sign_assertion(key, iss="c1", sub="c1", aud=[issuer, "x"], jti="j", expires_in=60, now=NOW)
    with pytest.raises(bearerkit.ClaimMismatch) as e:
        bearerkit.verify_client_assertion(two, key.public_key, client_id="c1", audience=issuer, now=NOW)
    assert e.value.code == "audience_not_sole"


def test_key_sets_choose_by_kid():
    k1, k2 = bearerkit.SigningKey.generate(), bearerkit.SigningKey.generate()
    keys = bearerkit.KeySet({"k1": k1.public_key, "k2": k2.public_key})
    assert len(keys) == 2 and keys.kids() == ["k1", "k2"]
    for kid, key in (("k1", k1), ("k2", k2)):
        token = bearerkit.sign_assertion(key, iss="me", expires_in=60, kid=kid)
        assert bearerkit.verify(token, keys).header["kid"] == kid
    for kid, code in (("k3", "kid_mismatch"), (None, "missing_kid")):
        token = bearerkit.sign_assertion(k1, iss="me", expires_in=60, kid=kid)
        with pytest.raises(bearerkit.InvalidToken) as e:
            bearerkit.verify(token, keys)
        assert e.value.code == code
    # The right kid, the other key's signature.
    forged = bearerkit.sign_assertion(k2, iss="me", expires_in=60, kid="k1")
    with pytest.raises(bearerkit.InvalidToken) as e:
        bearerkit.verify(forged, keys)
    assert e.value.code == "bad_signature"


def test_a_reused_verifying_key_is_prepared_on_fourth_use():
    key = bearerkit.SigningKey.generate()
    public = bearerkit.VerifyingKey.from_jwk(key.public_key.to_jwk())
    token = bearerkit.sign_assertion(key, iss="me", expires_in=60)
    for _ in range(3):
        assert not public.is_prepared
        bearerkit.verify(token, public)
    assert not public.is_prepared
    bearerkit.verify(token, public)
    assert public.is_prepared
    # The prepared path refuses what the plain one refuses.
    forged = bearerkit.sign_assertion(bearerkit.SigningKey.generate(), iss="me", expires_in=60)
    with pytest.raises(bearerkit.InvalidToken) as e:
        bearerkit.verify(forged, public)
    assert e.value.code == "bad_signature"
    eager = bearerkit.VerifyingKey.from_pem(key.public_key.to_pem())
    eager.prepare()
    assert eager.is_prepared and bearerkit.verify(token, eager).claims["iss"] == "me"


def test_decode_unverified_says_what_it_is():
    key = bearerkit.SigningKey.generate()
    token = bearerkit.sign_assertion(key, iss="me", expires_in=60, kid="k")
    u = bearerkit.decode_unverified(token)
    assert u.header == {"alg": "ES256", "kid": "k"} and u.claims["iss"] == "me" and u.signature_len == 64
    assert "NOT VERIFIED" in repr(u)


def test_external_signer_gives_the_same_token_as_the_key(crypto_key):
    key = bearerkit.SigningKey.from_pem(pem(crypto_key, serialization.PrivateFormat.PKCS8))
    calls = []

    def kms_sign(message: bytes) -> bytes:  # a KMS returns DER, RFC 6979 here
        calls.append(message)
        return crypto_key.sign(message, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))

    signer = bearerkit.ExternalSigner(kms_sign)
    a = bearerkit.Assertion(iss="me", exp=NOW + 60, iat=NOW, kid="kms-1")
    assert a.sign(signer) == a.sign(key)
    assert calls and calls[0] == a.sign(key).rsplit(".", 1)[0].encode()

    def broken(message: bytes) -> bytes:
        raise RuntimeError("KMS unavailable")

    with pytest.raises(bearerkit.SigningError) as e:
        a.sign(bearerkit.ExternalSigner(broken))
    assert e.value.code == "signer_failed"
    assert isinstance(e.value.__cause__, RuntimeError)
    with pytest.raises(TypeError):
        bearerkit.ExternalSigner("not callable")
    with pytest.raises(ValueError):
        a.sign(signer, algorithm="RS256")


def test_rsa_keys_sign_rs256_and_ps256_for_pyjwt():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = bearerkit.RsaSigningKey.from_pem(pem(private, serialization.PrivateFormat.PKCS8))
    assert key.modulus_bits == 2048
    pkcs1 = bearerkit.RsaSigningKey.from_pem(pem(private, serialization.PrivateFormat.TraditionalOpenSSL).decode())
    assert pkcs1.thumbprint() == key.thumbprint()
    for alg in ("RS256", "PS256"):
        token = bearerkit.client_assertion(key, client_id="c1", audience="https://as", algorithm=alg)
        assert bearerkit.decode_unverified(token).header["alg"] == alg
        claims = jwt.decode(token, private.public_key(), algorithms=[alg], audience="https://as")
        assert claims["iss"] == claims["sub"] == "c1"
    assert bearerkit.sign_assertion(key, iss="c", expires_in=60).startswith("eyJhbGciOiJSUzI1NiJ9.")
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(bearerkit.InvalidKey) as e:
        bearerkit.RsaSigningKey.from_pem(pem(small, serialization.PrivateFormat.PKCS8))
    assert e.value.code == "rsa_key_size"
    with pytest.raises(ValueError):
        bearerkit.d1_assertion(key, issuer_id="M", env="prd", kid="k")
    with pytest.raises(ValueError):
        bearerkit.sign_assertion(key, iss="c", expires_in=60, algorithm="ES256")
    assert str(private.private_numbers().d)[:20] not in repr(key)


def test_certificate_thumbprints_match_cryptography(crypto_key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Worldline-000021")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(crypto_key.public_key())
            .serial_number(1).not_valid_before(datetime.datetime(2025, 1, 1))
            .not_valid_after(datetime.datetime(2035, 1, 1)).sign(crypto_key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    for source in (der, cert.public_bytes(serialization.Encoding.PEM), cert.public_bytes(serialization.Encoding.PEM).decode()):
        prints = bearerkit.certificate_thumbprints(source)
        assert prints.sha1_hex == cert.fingerprint(hashes.SHA1()).hex().upper()
    with pytest.raises(bearerkit.InvalidKey) as e:
        bearerkit.certificate_thumbprints("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n")
    assert e.value.code == "bad_pem"


def test_argument_errors_are_bearerkit_errors_and_value_errors():
    key = bearerkit.SigningKey.generate()
    cases = [
        lambda: key.to_pem(format="der"),
        lambda: bearerkit.d1_assertion(key, issuer_id="M", env="dev", kid="k"),
        lambda: bearerkit.sign_assertion(key, iss="me"),  # neither expires_in nor exp
        lambda: bearerkit.sign_assertion(key, iss="me", expires_in=60, claims={"x": float("inf")}),
        lambda: bearerkit.sign_assertion(key, iss="me", expires_in=60, algorithm="PS256"),
        lambda: bearerkit.ClientSecret("a", "b", method="digest"),
        lambda: bearerkit.TokenClient("https://as/token", bearerkit.ClientSecret("a", "b"), timeout=-1.0),
    ]
    for call in cases:
        with pytest.raises(bearerkit.InvalidArgument) as e:
            call()
        assert isinstance(e.value, ValueError) and isinstance(e.value, bearerkit.BearerkitError)
        assert e.value.code == "invalid_argument"


def test_every_public_name_and_method_has_a_docstring():
    missing = []
    for name in bearerkit.__all__:
        obj = getattr(bearerkit, name)
        if name.startswith("__"):
            continue
        if not (obj.__doc__ or "").strip():
            missing.append(name)
        if isinstance(obj, type) and not issubclass(obj, BaseException):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not callable(member) and not isinstance(member, property) \
                        and type(member).__name__ != "getset_descriptor":
                    continue
                if not (getattr(member, "__doc__", None) or "").strip():
                    missing.append(f"{name}.{attr}")
    assert not missing, missing

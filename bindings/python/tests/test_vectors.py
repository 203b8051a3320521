"""The shared vectors of tests/vectors, run through the Python package: byte-identical signing,
every valid token accepted, every negative token refused with its code, every key vector."""
import pytest

import bearerkit
from conftest import load

SIGNING = load("signing.json")
VALID = load("verify_valid.json")
NEGATIVE = load("negative.json")
KEYS = load("keys.json")


def assertion(inp):
    return bearerkit.Assertion(
        iss=inp.get("iss"), sub=inp.get("sub"), aud=inp.get("aud"), exp=inp.get("exp"), nbf=inp.get("nbf"),
        iat=inp.get("iat"), jti=inp.get("jti"), kid=inp.get("kid"), typ=inp.get("typ"), claims=inp.get("private"))


@pytest.mark.parametrize("case", SIGNING["cases"], ids=lambda c: c["name"])
def test_signing_is_byte_identical(case):
    key = bearerkit.SigningKey.from_jwk(case["key"]["private_jwk"])
    assert assertion(case["input"]).sign(key) == case["token"]
    # The same key from each of its PEM forms signs the same bytes.
    for pem in (case["key"]["sec1_pem"], case["key"]["pkcs8_pem"]):
        assert assertion(case["input"]).sign(bearerkit.SigningKey.from_pem(pem)) == case["token"]
    assert key.thumbprint() == case["key"]["thumbprint"]


@pytest.mark.parametrize("case", SIGNING["invalid"], ids=lambda c: c["name"])
def test_signing_refuses_dates_no_verifier_accepts(case):
    key = bearerkit.SigningKey.from_jwk(SIGNING["cases"][0]["key"]["private_jwk"])
    with pytest.raises(bearerkit.SigningError) as e:
        assertion(case["input"]).sign(key)
    assert e.value.code == case["code"]


def policy_kwargs(p):
    """The vector policy schema as `verify` keyword arguments (absent means the core's default)."""
    names = {"iss": "issuer", "sub": "subject", "aud": "audience", "require": "required",
             "iss_equals_sub": "issuer_equals_subject", "dangerous_no_exp": "dangerous_allow_missing_exp"}
    return {names.get(k, k): v for k, v in p.items()}


def verify_case(case):
    key = bearerkit.VerifyingKey.from_jwk(case["key"]["public_jwk"])
    return bearerkit.verify(case["token"], key, **policy_kwargs(case["policy"]))


@pytest.mark.parametrize("case", VALID["cases"], ids=lambda c: c["name"])
def test_valid_tokens_verify(case):
    t = verify_case(case)
    assert t.header == case["expected_header"]
    assert t.claims == case["expected_claims"]


@pytest.mark.parametrize("case", NEGATIVE["cases"], ids=lambda c: c["name"])
def test_negative_tokens_are_refused_with_their_code(case):
    with pytest.raises(bearerkit.BearerkitError) as e:
        verify_case(case)
    assert e.value.code == case["code"], str(e.value)
    family = bearerkit.InvalidPolicy if case["code"] == "invalid_policy" else bearerkit.InvalidToken
    assert isinstance(e.value, family), type(e.value)


@pytest.mark.parametrize("name", ["d1_guide_example.json", "rfc7515_a3.json"])
def test_published_examples_verify(name):
    case = load(name)
    key = bearerkit.VerifyingKey.from_jwk(case["public_jwk"])
    t = bearerkit.verify(case["token"], key, **policy_kwargs(case["policy"]))
    assert t.header == case["expected_header"]
    assert t.claims == case["expected_claims"]
    assert key.thumbprint() == case["thumbprint"]


def test_d1_guide_sec1_pem_with_trailing_spaces_imports():
    case = load("d1_guide_example.json")
    # The guide's PEM, byte for byte (trailing spaces on its lines), as bytes and as text.
    for pem in (case["sec1_pem"], case["sec1_pem"].encode()):
        key = bearerkit.SigningKey.from_pem(pem)
        assert key.thumbprint() == case["thumbprint"]


def public_of(fmt, inp):
    if fmt == "pem":
        return bearerkit.VerifyingKey.from_pem(inp)
    if fmt == "jwk":
        return bearerkit.VerifyingKey.from_jwk(inp)
    if fmt == "sec1_der_hex":
        return bearerkit.SigningKey.from_sec1_der(bytes.fromhex(inp)).public_key
    if fmt == "pkcs8_der_hex":
        return bearerkit.SigningKey.from_pkcs8_der(bytes.fromhex(inp)).public_key
    if fmt == "spki_der_hex":
        return bearerkit.VerifyingKey.from_spki_der(bytes.fromhex(inp))
    raise AssertionError(fmt)


@pytest.mark.parametrize("case", KEYS["valid"], ids=lambda c: c["name"])
def test_valid_keys_import(case):
    key = public_of(case["format"], case["input"])
    assert key == bearerkit.VerifyingKey.from_jwk(case["public_jwk"])
    assert key.thumbprint() == case["thumbprint"]


@pytest.mark.parametrize("case", KEYS["invalid"], ids=lambda c: c["name"])
def test_invalid_keys_are_refused_with_their_code(case):
    with pytest.raises(bearerkit.InvalidKey) as e:
        public_of(case["format"], case["input"])
    assert e.value.code == case["code"]

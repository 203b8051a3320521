"""Independent checks of bearerkit's golden vectors (tests/vectors/*.json).

Nothing here uses bearerkit: signatures are re-derived and verified with Python's
`cryptography`, and a small reference verifier / key importer written from the verification
contract (SECURITY.md, "The verification contract") checks that every negative vector fails with exactly
its code and that every valid vector is accepted.  For most negative vectors an *ablation* is
also run: the reference verifier with the vector's rule switched off must accept the token,
which shows the token violates that one rule and is otherwise valid.

    pip install cryptography pytest
    pytest tests/python/test_vectors_independent.py
"""

import base64
import hashlib
import json
import math
import os
import re
import sys

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

sys.setrecursionlimit(20000)

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vectors")

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
MAX_NUMERIC_DATE = 253402300799
MAX_LEEWAY = 3600
POLICY_DEFAULTS = {"leeway": 60, "max_lifetime": None, "require_kid": False, "iss_equals_sub": False, "typ": ["JWT"],
                   "require": [], "any_audience": False, "dangerous_no_exp": False, "max_bytes": 8192,
                   "max_expiry_ahead": None, "sole_audience": False, "audience_as_string": False}


def load(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as handle:
        return json.load(handle)


SIGNING_FILE = load("signing.json")
SIGNING = SIGNING_FILE["cases"]
SIGNING_INVALID = SIGNING_FILE["invalid"]
GUIDE = load("d1_guide_example.json")
RFC = load("rfc7515_a3.json")
VALID_FILE = load("verify_valid.json")
VALID = VALID_FILE["cases"]
NEGATIVE_FILE = load("negative.json")
NEGATIVE = NEGATIVE_FILE["cases"]
KEYS = load("keys.json")


# ---------------------------------------------------------------------------------------------
# helpers


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def strict_b64(text):
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise ValueError("alphabet/length")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64u(raw) != text:
        raise ValueError("non-canonical")
    return raw


def lenient_b64(text):
    cleaned = re.sub(r"[^A-Za-z0-9_+/-]", "", text).replace("+", "-").replace("/", "_")
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


def b64_int(text):
    return int.from_bytes(strict_b64(text), "big")


def public_from_jwk(jwk):
    return ec.EllipticCurvePublicNumbers(b64_int(jwk["x"]), b64_int(jwk["y"]), ec.SECP256R1()).public_key()


def jwk_of(public_key):
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64u(numbers.x.to_bytes(32, "big")),
        "y": b64u(numbers.y.to_bytes(32, "big")),
    }


def thumbprint(jwk):
    text = '{"crv":"%s","kty":"%s","x":"%s","y":"%s"}' % (jwk["crv"], jwk["kty"], jwk["x"], jwk["y"])
    return b64u(hashlib.sha256(text.encode()).digest())


def verify_rs(public_key, data, r, s):
    if not (1 <= r < N and 1 <= s < N):
        return False
    try:
        public_key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        return True
    except Exception:
        return False


def js(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def canonical_header(inp):
    out = '{"alg":"ES256"'
    if "typ" in inp:
        out += ',"typ":' + js(inp["typ"])
    if "kid" in inp:
        out += ',"kid":' + js(inp["kid"])
    return out + "}"


def canonical_claims(inp):
    members = [js(k) + ":" + js(inp[k]) for k in ("iss", "sub", "aud", "exp", "nbf", "iat", "jti") if k in inp]
    members += [js(k) + ":" + js(v) for k, v in inp.get("private", {}).items()]
    return "{" + ",".join(members) + "}"


# ---------------------------------------------------------------------------------------------
# reference verifier (from the contract)


class Reject(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class _Dup(Exception):
    pass


class _TooMany(Exception):
    pass


MAX_MEMBERS = 128  # members per JSON object (bounds the pairwise duplicate check)


def json_depth(text):
    depth = best = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def _has_surrogate(value):
    if isinstance(value, str):
        return any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False


def parse_json(raw, skip):
    if raw.startswith(b"\xef\xbb\xbf"):
        raise Reject("bad_json")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Reject("bad_json")
    if "json_depth" not in skip and json_depth(text) > 64:
        raise Reject("json_too_deep")

    def pairs_hook(pairs):
        names = [name for name, _ in pairs]
        if "json_duplicates" not in skip and len(set(names)) != len(names):
            raise _Dup()
        if "json_members" not in skip and len(pairs) > MAX_MEMBERS:
            raise _TooMany()
        return dict(pairs)

    def no_constants(name):
        raise ValueError(name)

    try:
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=no_constants)
    except _Dup:
        raise Reject("duplicate_member")
    except _TooMany:
        raise Reject("too_many_members")
    except ValueError:
        raise Reject("bad_json")
    if _has_surrogate(value) or not isinstance(value, dict):
        raise Reject("bad_json")
    return value


def norm_typ(value):
    value = value.lower()
    return value[len("application/"):] if value.startswith("application/") else value


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def ref_verify(token, public_key, policy, skip=frozenset()):
    """Return (header, claims) or raise Reject(code)."""
    pol = dict(POLICY_DEFAULTS)
    pol.update(policy)
    now, leeway = pol["now"], pol["leeway"]
    if "policy" not in skip and not 0 <= leeway <= MAX_LEEWAY:
        raise Reject("invalid_policy")
    if "size" not in skip and len(token.encode("utf-8")) > pol["max_bytes"]:
        raise Reject("token_too_large")
    parts = token.split(".")
    if len(parts) != 3 or any(p == "" for p in parts):
        raise Reject("malformed_token")
    decode = lenient_b64 if "base64" in skip else strict_b64
    try:
        hraw, craw, sig = (decode(p) for p in parts)
    except Exception:
        raise Reject("bad_base64")
    if len(sig) == 64:
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    elif "signature_length" in skip:
        try:
            r, s = decode_dss_signature(sig)
        except Exception:
            raise Reject("bad_signature_length")
    else:
        raise Reject("bad_signature_length")

    header = parse_json(hraw, skip)
    alg = header.get("alg")
    if "alg" not in skip and not (isinstance(alg, str) and alg == "ES256"):
        raise Reject("unsupported_alg")
    if "crit" not in skip and "crit" in header:
        raise Reject("unsupported_crit")  # no extension is supported
    if "header_types" not in skip:
        for name in ("kid", "typ"):
            if name in header and not isinstance(header[name], str):
                raise Reject("bad_header")
    if "kid_required" not in skip and pol["require_kid"] and "kid" not in header:
        raise Reject("missing_kid")
    if "kid" not in skip and pol.get("kid") is not None and isinstance(header.get("kid"), str) and header["kid"] != pol["kid"]:
        raise Reject("kid_mismatch")
    if "typ" not in skip and isinstance(header.get("typ"), str):
        if norm_typ(header["typ"]) not in {norm_typ(t) for t in pol["typ"]}:
            raise Reject("bad_typ")

    if "signature_range" not in skip and not (1 <= r < N and 1 <= s < N):
        raise Reject("signature_out_of_range")
    signing_input = token[: len(parts[0]) + 1 + len(parts[1])].encode("utf-8")
    if "signature" not in skip and not verify_rs(public_key, signing_input, r, s):
        raise Reject("bad_signature")

    claims = parse_json(craw, skip)
    times = ("exp", "nbf", "iat")
    if "claim_types" not in skip:
        for name in times:
            if name in claims and not is_number(claims[name]):
                raise Reject("bad_claim_type")
        for name in ("iss", "sub", "jti"):
            if name in claims and not isinstance(claims[name], str):
                raise Reject("bad_claim_type")
        if "aud" in claims:
            aud = claims["aud"]
            if not (isinstance(aud, str) or (isinstance(aud, list) and all(isinstance(a, str) for a in aud))):
                raise Reject("bad_claim_type")
    dates = {name: claims[name] for name in times if is_number(claims.get(name))}
    if "date_range" not in skip:
        for value in dates.values():
            if not math.isfinite(value) or value < 0 or value > MAX_NUMERIC_DATE:
                raise Reject("date_out_of_range")
    if "exp" not in skip and "exp" in dates and now >= dates["exp"] + leeway:
        raise Reject("expired")
    if "nbf" not in skip and "nbf" in dates and dates["nbf"] > now + leeway:
        raise Reject("not_yet_valid")
    if "iat" not in skip and "iat" in dates and dates["iat"] > now + leeway:
        raise Reject("issued_in_future")
    if "lifetime" not in skip and pol["max_lifetime"] is not None and "exp" in dates and "iat" in dates:
        if dates["exp"] - dates["iat"] > pol["max_lifetime"]:
            raise Reject("lifetime_too_long")
    if "expiry_ahead" not in skip and pol["max_expiry_ahead"] is not None and "exp" in dates:
        if dates["exp"] > now + pol["max_expiry_ahead"]:
            raise Reject("lifetime_too_long")
    if "iss" not in skip and pol.get("iss") is not None and claims.get("iss") != pol["iss"]:
        raise Reject("issuer_mismatch")
    if "sub" not in skip:
        if pol.get("sub") is not None and claims.get("sub") != pol["sub"]:
            raise Reject("subject_mismatch")
        if pol["iss_equals_sub"] and (not isinstance(claims.get("iss"), str) or claims.get("iss") != claims.get("sub")):
            raise Reject("subject_mismatch")
    if "aud" not in skip:
        aud_shape = claims.get("aud")
        if isinstance(aud_shape, list) and (pol["audience_as_string"] or (pol["sole_audience"] and len(aud_shape) > 1)):
            raise Reject("audience_not_sole")
        if pol.get("aud") is not None:
            aud = claims.get("aud")
            if not ((isinstance(aud, str) and aud == pol["aud"]) or (isinstance(aud, list) and pol["aud"] in aud)):
                raise Reject("audience_mismatch")
        elif not pol["any_audience"] and "aud" in claims:
            raise Reject("unexpected_audience")
    if "required" not in skip:
        # exp always, unless dangerous_no_exp and no bound on exp; iat when max_lifetime is set
        bounded = pol["max_lifetime"] is not None or pol["max_expiry_ahead"] is not None
        if claims.get("exp") is None and (bounded or not pol["dangerous_no_exp"]):
            raise Reject("missing_claim")
        if pol["max_lifetime"] is not None and claims.get("iat") is None:
            raise Reject("missing_claim")
        for name in pol["require"]:
            if claims.get(name) is None:
                raise Reject("missing_claim")
    return header, claims


# ---------------------------------------------------------------------------------------------
# counts


def test_minimum_counts():
    assert len(SIGNING) >= 24
    assert sum(1 for c in SIGNING if c["high_s"]) >= 3
    assert len({c["key"]["id"] for c in SIGNING}) >= 6
    ds = {b64_int(c["key"]["private_jwk"]["d"]) for c in SIGNING}
    assert any(d <= 3 for d in ds) and (N - 1) in ds
    assert len(NEGATIVE) >= 250
    codes = {c["code"] for c in NEGATIVE}
    assert codes == set(NEGATIVE_FILE["code_order"]), set(NEGATIVE_FILE["code_order"]) - codes
    assert NEGATIVE_FILE["code_order"][0] == "invalid_policy"
    assert len(VALID) >= 55
    invalid_codes = {c["code"] for c in KEYS["invalid"]}
    assert invalid_codes == {"wrong_curve", "unsupported_key_type", "invalid_point", "invalid_scalar",
                             "key_mismatch", "bad_der", "bad_pem", "bad_jwk", "key_usage"}
    assert len(KEYS["valid"]) >= 25 and len(KEYS["invalid"]) >= 80
    assert len(SIGNING_INVALID) >= 3
    for cases in (SIGNING, SIGNING_INVALID, VALID, NEGATIVE, KEYS["valid"], KEYS["invalid"]):
        assert len({c["name"] for c in cases}) == len(cases)
    assert not {c["name"] for c in VALID} & {c["name"] for c in NEGATIVE}


def test_policy_defaults():
    assert VALID_FILE["policy_defaults"] == NEGATIVE_FILE["policy_defaults"] == POLICY_DEFAULTS
    for case in VALID + NEGATIVE + [GUIDE, RFC]:
        policy = case["policy"]
        assert set(policy) <= set(POLICY_DEFAULTS) | {"now", "iss", "sub", "aud", "kid"}, case.get("name")
        # aud and any_audience are never set together
        assert not (policy.get("aud") is not None and policy.get("any_audience")), case.get("name")


# ---------------------------------------------------------------------------------------------
# signing.json


@pytest.mark.parametrize("case", SIGNING, ids=[c["name"] for c in SIGNING])
def test_signing_vector_rederived(case):
    jwk = case["key"]["private_jwk"]
    key = ec.derive_private_key(b64_int(jwk["d"]), ec.SECP256R1())
    assert jwk_of(key.public_key()) == case["key"]["public_jwk"] == {k: jwk[k] for k in ("kty", "crv", "x", "y")}
    header_json = canonical_header(case["input"])
    claims_json = canonical_claims(case["input"])
    assert header_json == case["header_json"]
    assert claims_json == case["claims_json"]
    signing_input = b64u(header_json.encode()) + "." + b64u(claims_json.encode())
    assert signing_input == case["signing_input"]
    der = key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    token = signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    assert token == case["token"]
    assert case["high_s"] == (s > N // 2)
    assert ("high-S as produced" in case["description"]) == case["high_s"]
    # the token also verifies (independent of how it was produced)
    assert verify_rs(key.public_key(), signing_input.encode(), r, s)
    # claims parse back to the input (strict parser: no duplicates, no floats)
    claims = parse_json(claims_json.encode(), frozenset())
    for name in ("iss", "sub", "aud", "exp", "nbf", "iat", "jti"):
        assert claims.get(name) == case["input"].get(name)
    for name, value in case["input"].get("private", {}).items():
        assert claims[name] == value
    assert "\\/" not in claims_json


@pytest.mark.parametrize("case", SIGNING, ids=[c["name"] for c in SIGNING])
def test_signing_key_forms(case):
    k = case["key"]
    d = b64_int(k["private_jwk"]["d"])
    sec1 = serialization.load_pem_private_key(k["sec1_pem"].encode(), None)
    pkcs8 = serialization.load_pem_private_key(k["pkcs8_pem"].encode(), None)
    spki = serialization.load_pem_public_key(k["spki_pem"].encode())
    assert k["sec1_pem"].startswith("-----BEGIN EC PRIVATE KEY-----\n")
    assert k["pkcs8_pem"].startswith("-----BEGIN PRIVATE KEY-----\n")
    assert k["spki_pem"].startswith("-----BEGIN PUBLIC KEY-----\n")
    assert sec1.private_numbers().private_value == d == pkcs8.private_numbers().private_value
    assert jwk_of(sec1.public_key()) == jwk_of(pkcs8.public_key()) == jwk_of(spki) == k["public_jwk"]
    assert public_from_jwk(k["public_jwk"]).public_numbers() == spki.public_numbers()
    assert k["thumbprint"] == thumbprint(k["public_jwk"])


@pytest.mark.parametrize("case", SIGNING_INVALID, ids=[c["name"] for c in SIGNING_INVALID])
def test_signing_invalid(case):
    """A builder input with a date after 253402300799 is refused (date_out_of_range); the token it
    would make is one the reference verifier refuses with the same code."""
    assert set(case) == {"name", "description", "input", "code"}
    assert case["code"] == "date_out_of_range"
    dates = {d: case["input"][d] for d in ("exp", "nbf", "iat") if d in case["input"]}
    assert all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in dates.values())
    offending = [d for d, v in dates.items() if v > MAX_NUMERIC_DATE]
    assert len(offending) == 1, offending
    key = ec.derive_private_key(b64_int(SIGNING[0]["key"]["private_jwk"]["d"]), ec.SECP256R1())
    signing_input = b64u(canonical_header(case["input"]).encode()) + "." + b64u(canonical_claims(case["input"]).encode())
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256(), deterministic_signing=True)))
    token = signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    with pytest.raises(Reject) as info:
        ref_verify(token, key.public_key(), {"now": 1700000000, "any_audience": True})
    assert info.value.code == "date_out_of_range"


def test_signing_max_date_is_valid():
    """253402300799 itself is accepted: a valid signing case uses it."""
    assert any(MAX_NUMERIC_DATE in (c["input"].get(d) for d in ("exp", "nbf", "iat")) for c in SIGNING)


# ---------------------------------------------------------------------------------------------
# the Thales D1 guide example and RFC 7515 A.3


def test_d1_guide_example():
    pem = GUIDE["sec1_pem"]
    lines = pem.split("\n")
    assert lines[0] == "-----BEGIN EC PRIVATE KEY----- "
    assert lines[1].endswith(" ") and lines[2].endswith(" ")
    assert not lines[3].endswith(" ") and lines[4] == "-----END EC PRIVATE KEY-----"
    key = serialization.load_pem_private_key(pem.encode(), None)
    assert jwk_of(key.public_key()) == GUIDE["public_jwk"]
    assert jwk_of(serialization.load_pem_public_key(GUIDE["spki_pem"].encode())) == GUIDE["public_jwk"]
    assert serialization.load_pem_private_key(GUIDE["pkcs8_pem"].encode(), None).private_numbers() == key.private_numbers()
    assert b64_int(GUIDE["private_jwk"]["d"]) == key.private_numbers().private_value
    assert GUIDE["thumbprint"] == thumbprint(GUIDE["public_jwk"])
    h, c, s = GUIDE["token"].split(".")
    sig = strict_b64(s)
    assert verify_rs(key.public_key(), (h + "." + c).encode(), int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    header, claims = ref_verify(GUIDE["token"], public_from_jwk(GUIDE["public_jwk"]), GUIDE["policy"])
    assert header == GUIDE["expected_header"]
    assert claims == GUIDE["expected_claims"]
    assert GUIDE["policy"]["now"] == 1636033200
    # one second after expiry + leeway it no longer verifies
    with pytest.raises(Reject) as info:
        ref_verify(GUIDE["token"], public_from_jwk(GUIDE["public_jwk"]), dict(GUIDE["policy"], now=claims["exp"] + 60))
    assert info.value.code == "expired"


def test_rfc7515_a3():
    jwk = RFC["private_jwk"]
    key = ec.derive_private_key(b64_int(jwk["d"]), ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    assert (numbers.x, numbers.y) == (b64_int(jwk["x"]), b64_int(jwk["y"])), "d*G != (x, y)"
    assert RFC["public_jwk"] == {k: jwk[k] for k in ("kty", "crv", "x", "y")}
    h, c, s = RFC["token"].split(".")
    assert strict_b64(h) == b'{"alg":"ES256"}'
    assert strict_b64(c) == b'{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'
    sig = strict_b64(s)
    r, sv = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    assert verify_rs(key.public_key(), (h + "." + c).encode(), r, sv)
    assert RFC["high_s"] == (sv > N // 2)
    assert RFC["high_s"] is True
    assert RFC["r_hex"] == "%064x" % r and RFC["s_hex"] == "%064x" % sv
    header, claims = ref_verify(RFC["token"], public_from_jwk(RFC["public_jwk"]), RFC["policy"])
    assert header == RFC["expected_header"] and claims == RFC["expected_claims"]


# ---------------------------------------------------------------------------------------------
# verify_valid.json


@pytest.mark.parametrize("case", VALID, ids=[c["name"] for c in VALID])
def test_valid_vector(case):
    public_key = public_from_jwk(case["key"]["public_jwk"])
    h, c, s = case["token"].split(".")
    sig = strict_b64(s)
    assert verify_rs(public_key, (h + "." + c).encode(), int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    assert strict_b64(h).decode() == case["header_json"]
    assert strict_b64(c).decode() == case["claims_json"]
    header, claims = ref_verify(case["token"], public_key, case["policy"])
    assert header == case["expected_header"]
    assert claims == case["expected_claims"]


def test_valid_high_s_present():
    names = {c["name"]: c for c in VALID}
    tok = names["high_s_signature"]["token"]
    sig = strict_b64(tok.split(".")[2])
    assert int.from_bytes(sig[32:], "big") > N // 2


# ---------------------------------------------------------------------------------------------
# negative.json

ORDER = NEGATIVE_FILE["code_order"]
# Rules whose ablation (switching the rule off in the reference verifier) is meaningful.
ABLATABLE = {"policy", "size", "base64", "signature_length", "json_duplicates", "json_members", "json_depth", "alg", "crit",
             "header_types", "kid_required", "kid", "typ", "claim_types", "date_range", "exp", "nbf",
             "iat", "lifetime", "expiry_ahead", "iss", "sub", "aud", "required"}
# Cases that by construction cannot be accepted by simply switching off their rule.
ABLATION_EXEMPT = {
    "hdr_duplicate_alg_none_last",  # last-wins would see alg none (first-wins accepts)
    "exp_negative",  # a negative exp is necessarily also expired
    "b64_percent_encoded",  # needs percent-decoding, not just lenient base64
    "sig_63_bytes", "sig_65_bytes", "sig_66_bytes_padded_halves", "sig_32_bytes", "sig_1_byte",
    "sig_96_bytes_es384_size",  # no lenient reading of these lengths yields a valid signature
}


@pytest.mark.parametrize("case", NEGATIVE, ids=[c["name"] for c in NEGATIVE])
def test_negative_vector(case):
    public_key = public_from_jwk(case["key"]["public_jwk"])
    assert case["code"] in ORDER
    with pytest.raises(Reject) as info:
        ref_verify(case["token"], public_key, case["policy"])
    assert info.value.code == case["code"]


@pytest.mark.parametrize("case", NEGATIVE, ids=[c["name"] for c in NEGATIVE])
def test_negative_signature_property(case):
    """Every token is signed over the exact bytes before its second dot, except the
    signature-rule cases, which must be out of range / not verify."""
    public_key = public_from_jwk(case["key"]["public_jwk"])
    parts = case["token"].split(".")
    if len(parts) != 3 or parts[2] == "":
        assert ORDER.index(case["code"]) <= ORDER.index("malformed_token")
        return
    signing_input = (parts[0] + "." + parts[1]).encode("utf-8")
    sig = lenient_b64(parts[2])
    if len(sig) == 64:
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    else:
        try:
            r, s = decode_dss_signature(sig)
        except Exception:
            assert case["code"] == "bad_signature_length"
            return
    if case["code"] == "signature_out_of_range":
        assert not (1 <= r < N and 1 <= s < N)
    elif case["code"] == "bad_signature":
        assert 1 <= r < N and 1 <= s < N
        assert not verify_rs(public_key, signing_input, r, s)
    elif case["name"] in {"sig_66_bytes_padded_halves"}:
        pass
    else:
        assert verify_rs(public_key, signing_input, r, s), "token is not properly signed over its exact bytes"


@pytest.mark.parametrize("case", [c for c in NEGATIVE if c["rule"] in ABLATABLE and c["name"] not in ABLATION_EXEMPT],
                         ids=[c["name"] for c in NEGATIVE if c["rule"] in ABLATABLE and c["name"] not in ABLATION_EXEMPT])
def test_negative_violates_only_its_rule(case):
    public_key = public_from_jwk(case["key"]["public_jwk"])
    ref_verify(case["token"], public_key, case["policy"], skip=frozenset({case["rule"]}))


# The rules in check order (README table) and the codes each may give.
RULE_CODES = {
    "policy": {"invalid_policy"},
    "size": {"token_too_large"},
    "segments": {"malformed_token"},
    "base64": {"bad_base64"},
    "signature_length": {"bad_signature_length"},
    "json": {"bad_json"},
    "json_duplicates": {"duplicate_member"},
    "json_members": {"too_many_members"},
    "json_depth": {"json_too_deep"},
    "alg": {"unsupported_alg"},
    "crit": {"unsupported_crit"},
    "header_types": {"bad_header"},
    "kid_required": {"missing_kid"},
    "kid": {"kid_mismatch"},
    "typ": {"bad_typ"},
    "signature_range": {"signature_out_of_range"},
    "signature": {"bad_signature"},
    "claim_types": {"bad_claim_type"},
    "date_range": {"date_out_of_range"},
    "exp": {"expired"},
    "nbf": {"not_yet_valid"},
    "iat": {"issued_in_future"},
    "lifetime": {"lifetime_too_long"},
    "expiry_ahead": {"lifetime_too_long"},
    "iss": {"issuer_mismatch"},
    "sub": {"subject_mismatch"},
    "aud": {"audience_mismatch", "unexpected_audience", "audience_not_sole"},
    "required": {"missing_claim"},
}


def test_negative_rules_consistent():
    by_rule = {}
    for case in NEGATIVE:
        assert case["rule"] in RULE_CODES, case["name"]
        assert case["code"] in RULE_CODES[case["rule"]], (case["name"], case["rule"], case["code"])
        by_rule.setdefault(case["rule"], set()).add(case["code"])
    # every rule (and every code of every rule) has cases
    assert by_rule == RULE_CODES
    # the rule order agrees with code_order
    positions = [min(ORDER.index(code) for code in codes) for codes in RULE_CODES.values()]
    assert positions == sorted(positions)
    assert set().union(*RULE_CODES.values()) == set(ORDER)


# ---------------------------------------------------------------------------------------------
# keys.json: a reference importer

EC_OID = bytes.fromhex("2a8648ce3d0201")
P256_OID = bytes.fromhex("2a8648ce3d030107")


class KeyReject(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def der_read(data, pos=0):
    """Return (tag, value, next_pos); strict DER lengths."""
    if pos + 2 > len(data):
        raise KeyReject("bad_der")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise KeyReject("bad_der")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise KeyReject("bad_der")
    return tag, data[pos:pos + length], pos + length


def der_items(body):
    items, pos = [], 0
    while pos < len(body):
        tag, value, pos = der_read(body, pos)
        items.append((tag, value))
    return items


def der_sequence(data):
    tag, value, end = der_read(data)
    if tag != 0x30 or end != len(data):
        raise KeyReject("bad_der")
    return der_items(value)


B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B  # P-256 coefficient b


def check_point(point):
    """A SEC1 point: 0x04||x||y (65 bytes) or 0x02/0x03||x (33 bytes); every other tag
    (0x00, 0x05, the hybrid 0x06/0x07, ...) and length is invalid_point."""
    if len(point) == 65 and point[0] == 4:
        x, y = int.from_bytes(point[1:33], "big"), int.from_bytes(point[33:], "big")
    elif len(point) == 33 and point[0] in (2, 3):
        x = int.from_bytes(point[1:], "big")
        if x >= P:
            raise KeyReject("invalid_point")
        rhs = (x ** 3 - 3 * x + B) % P
        y = pow(rhs, (P + 1) // 4, P)  # p = 3 mod 4
        if y * y % P != rhs:
            raise KeyReject("invalid_point")
        if y % 2 != point[0] % 2:
            y = P - y
    else:
        raise KeyReject("invalid_point")
    if x >= P or y >= P:
        raise KeyReject("invalid_point")
    try:
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except ValueError:
        raise KeyReject("invalid_point")


def from_scalar(d, public=None):
    if not 1 <= d < N:
        raise KeyReject("invalid_scalar")
    key = ec.derive_private_key(d, ec.SECP256R1())
    if public is not None and public.public_numbers() != key.public_key().public_numbers():
        raise KeyReject("key_mismatch")
    return key.public_key()


def import_spki(data):
    items = der_sequence(data)
    if len(items) != 2 or items[0][0] != 0x30 or items[1][0] != 0x03:
        raise KeyReject("bad_der")
    alg = der_items(items[0][1])
    if not alg or alg[0][0] != 0x06:
        raise KeyReject("bad_der")
    if alg[0][1] != EC_OID:
        raise KeyReject("unsupported_key_type")
    if len(alg) != 2 or alg[1][0] != 0x06:
        raise KeyReject("bad_der")
    if alg[1][1] != P256_OID:
        raise KeyReject("wrong_curve")
    bits = items[1][1]
    if not bits or bits[0] != 0:
        raise KeyReject("bad_der")
    return check_point(bits[1:]), False


def import_sec1(data, curve_oid=None):
    items = der_sequence(data)
    if len(items) < 2 or items[0] != (0x02, b"\x01") or items[1][0] != 0x04:
        raise KeyReject("bad_der")
    public = None
    for tag, value in items[2:]:
        if tag == 0xA0:
            t, oid, end = der_read(value)
            if t != 0x06 or end != len(value):
                raise KeyReject("bad_der")
            curve_oid = oid
        elif tag == 0xA1:
            t, bits, end = der_read(value)
            if t != 0x03 or end != len(value) or not bits or bits[0] != 0:
                raise KeyReject("bad_der")
            public = bits[1:]
        else:
            raise KeyReject("bad_der")
    if curve_oid is not None and curve_oid != P256_OID:
        raise KeyReject("wrong_curve")
    if len(items[1][1]) != 32:
        raise KeyReject("bad_der")
    point = check_point(public) if public is not None else None
    return from_scalar(int.from_bytes(items[1][1], "big"), point), True


def import_pkcs8(data):
    items = der_sequence(data)
    if len(items) < 3 or items[0] != (0x02, b"\x00") or items[1][0] != 0x30 or items[2][0] != 0x04:
        raise KeyReject("bad_der")
    alg = der_items(items[1][1])
    if not alg or alg[0][0] != 0x06:
        raise KeyReject("bad_der")
    if alg[0][1] != EC_OID:
        raise KeyReject("unsupported_key_type")
    if len(alg) != 2 or alg[1][0] != 0x06:
        raise KeyReject("bad_der")
    if alg[1][1] != P256_OID:
        raise KeyReject("wrong_curve")
    return import_sec1(items[2][1], alg[1][1])


PEM_LABELS = {"EC PRIVATE KEY": import_sec1, "PRIVATE KEY": import_pkcs8, "PUBLIC KEY": import_spki}


def import_pem(text):
    lines = [line.rstrip(" \t\r") for line in text.split("\n")]
    lines = [line for line in lines if line != ""]
    if len(lines) < 2:
        raise KeyReject("bad_pem")
    begin = re.fullmatch(r"-----BEGIN ([A-Z0-9 ]+)-----", lines[0])
    end = re.fullmatch(r"-----END ([A-Z0-9 ]+)-----", lines[-1])
    if not begin or not end or begin.group(1) != end.group(1):
        raise KeyReject("bad_pem")
    label = begin.group(1)
    try:
        data = base64.b64decode("".join(lines[1:-1]), validate=True)
    except Exception:
        raise KeyReject("bad_pem")
    if label == "RSA PRIVATE KEY":
        raise KeyReject("unsupported_key_type")
    if label not in PEM_LABELS:
        raise KeyReject("bad_pem")
    return PEM_LABELS[label](data)


def jwk_coord(obj, name):
    value = obj.get(name)
    if not isinstance(value, str):
        raise KeyReject("bad_jwk")
    try:
        raw = strict_b64(value)
    except ValueError:
        raise KeyReject("bad_jwk")
    if len(raw) != 32:
        raise KeyReject("bad_jwk")
    return raw


def check_usage(obj, op):
    """RFC 7517 section 4.2-4.4: use, key_ops and alg, when present, must allow ES256 `op`
    ("verify" here; a private JWK marked "sign" may give its public half). Unknown members
    are ignored."""
    if "use" in obj:
        if not isinstance(obj["use"], str):
            raise KeyReject("bad_jwk")
        if obj["use"] != "sig":
            raise KeyReject("key_usage")
    if "key_ops" in obj:
        if not isinstance(obj["key_ops"], list):
            raise KeyReject("bad_jwk")
        allowed = {op, "sign"} if op == "verify" and "d" in obj else {op}
        if not any(isinstance(o, str) and o in allowed for o in obj["key_ops"]):
            raise KeyReject("key_usage")
    if "alg" in obj:
        if not isinstance(obj["alg"], str):
            raise KeyReject("bad_jwk")
        if obj["alg"] != "ES256":
            raise KeyReject("key_usage")


def import_jwk(text, op="verify"):
    """Order: JSON / kty present, kty, crv, usage, member shapes, point, scalar, match."""
    try:
        obj = json.loads(text)
    except ValueError:
        raise KeyReject("bad_jwk")
    if not isinstance(obj, dict) or not isinstance(obj.get("kty"), str):
        raise KeyReject("bad_jwk")
    if obj["kty"] != "EC":
        raise KeyReject("unsupported_key_type")
    if not isinstance(obj.get("crv"), str):
        raise KeyReject("bad_jwk")
    if obj["crv"] != "P-256":
        raise KeyReject("wrong_curve")
    check_usage(obj, op)
    x, y = jwk_coord(obj, "x"), jwk_coord(obj, "y")
    d = jwk_coord(obj, "d") if "d" in obj else None
    point = check_point(b"\x04" + x + y)
    if d is not None:
        return from_scalar(int.from_bytes(d, "big"), point), True
    return point, False


def ref_import(fmt, text):
    if fmt == "pem":
        return import_pem(text)
    if fmt == "jwk":
        return import_jwk(text)
    try:
        data = bytes.fromhex(text)
    except ValueError:
        raise KeyReject("bad_der")
    return {"sec1_der_hex": import_sec1, "pkcs8_der_hex": import_pkcs8, "spki_der_hex": import_spki}[fmt](data)


@pytest.mark.parametrize("case", KEYS["valid"], ids=[c["name"] for c in KEYS["valid"]])
def test_key_valid(case):
    public, private = ref_import(case["format"], case["input"])
    assert jwk_of(public) == case["public_jwk"]
    assert private == case["private"]
    assert thumbprint(case["public_jwk"]) == case["thumbprint"]
    # cross-check with cryptography's own loaders where they apply
    if case["format"] == "pem":
        data = case["input"].encode()
        loaded = (serialization.load_pem_private_key(data.strip() if "\r" in case["input"] else data, None).public_key()
                  if case["private"] else serialization.load_pem_public_key(data))
        assert jwk_of(loaded) == case["public_jwk"]
    elif case["format"] in ("sec1_der_hex", "pkcs8_der_hex"):
        assert jwk_of(serialization.load_der_private_key(bytes.fromhex(case["input"]), None).public_key()) == case["public_jwk"]
    elif case["format"] == "spki_der_hex":
        assert jwk_of(serialization.load_der_public_key(bytes.fromhex(case["input"]))) == case["public_jwk"]


@pytest.mark.parametrize("case", KEYS["invalid"], ids=[c["name"] for c in KEYS["invalid"]])
def test_key_invalid(case):
    with pytest.raises(KeyReject) as info:
        ref_import(case["format"], case["input"])
    assert info.value.code == case["code"]
    # cryptography agrees that the input is not a usable P-256 key
    if case["format"] in ("pem", "sec1_der_hex", "pkcs8_der_hex", "spki_der_hex"):
        data = case["input"].encode() if case["format"] == "pem" else bytes.fromhex(case["input"])
        loaders = ((serialization.load_pem_private_key, serialization.load_pem_public_key) if case["format"] == "pem"
                   else (serialization.load_der_private_key, serialization.load_der_public_key))
        usable = False
        for loader in loaders:
            try:
                key = loader(data, None) if loader in (serialization.load_pem_private_key, serialization.load_der_private_key) else loader(data)
            except Exception:
                continue
            if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)) and isinstance(key.curve, ec.SECP256R1):
                usable = True
        if re.fullmatch(r"spki_point_prefix_0[67]_hybrid", case["name"]):
            # OpenSSL decodes the X9.62 hybrid form (0x06/0x07 with matching y parity) as key-a;
            # the contract takes only 0x04, 0x02 and 0x03.
            assert usable and jwk_of(key) == KEYS["key"]["public_jwk"]
            return
        assert not usable or case["code"] in ("key_mismatch",)

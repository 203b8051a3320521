"""bearerkit's Python package against PyJWT (with `cryptography`) and joserfc: sign and verify a
Thales D1 assertion per call, same key and claims, in one run.

    python benches/python/bench.py [ROUNDS]      # from the test venv with bearerkit installed

Each round times a batch of calls of every contender back to back (the order alternates between
rounds), so the ratios compare calls made under the same machine load; the medians over the
rounds are printed, with the ratios' median. The binding's overhead is the Python call's time
minus the same core call timed inside the extension (`_bench_core_*`, no Python per call). Peak
memory is the maximum resident set of a fresh process that imports one library, signs and
verifies 2,000 times. Prints Markdown for benches/RESULTS.md.
"""
import platform
import statistics
import subprocess
import sys
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey

import bearerkit
from bearerkit import _bearerkit as ext

ISSUER, ENV, KID, JTI = "MGW_ID_0001", "prd", "k1", "3f1b0c7a9d2e4f60a1b2c3d4e5f60718"
SCALAR = 0x1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778899AABBCCDDEEFF001


def cpu_model():
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def keys():
    private = ec.derive_private_key(SCALAR, ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return private, bearerkit.SigningKey.from_pem(pem)


def contenders(now):
    private, key = keys()
    public = private.public_key()
    jose_private = ECKey.import_key(key.to_jwk())
    jose_public = ECKey.import_key(key.public_key.to_jwk())
    claims = {"iss": ISSUER, "sub": ISSUER, "aud": ENV, "exp": now + 300, "iat": now, "jti": JTI}
    header = {"alg": "ES256", "typ": "JWT", "kid": KID}
    token = bearerkit.d1_assertion(key, issuer_id=ISSUER, env=ENV, kid=KID, now=now, jti=JTI)
    reused = bearerkit.VerifyingKey.from_pem(key.public_key.to_pem())
    reused.prepare()
    registry = jose_jwt.JWTClaimsRegistry(now=now, leeway=60, iss={"essential": True, "value": ISSUER},
                                          sub={"essential": True, "value": ISSUER},
                                          aud={"essential": True, "value": ENV}, exp={"essential": True})

    def pyjwt_verify():
        return jwt.decode(token, public, algorithms=["ES256"], audience=ENV, issuer=ISSUER, leeway=60,
                          options={"require": ["exp", "iat", "iss", "sub", "aud"]})

    def joserfc_verify():
        t = jose_jwt.decode(token, jose_public, algorithms=["ES256"])
        registry.validate(t.claims)
        return t

    sign = {
        "bearerkit": lambda: bearerkit.d1_assertion(key, issuer_id=ISSUER, env=ENV, kid=KID, now=now, jti=JTI),
        "PyJWT": lambda: jwt.encode(claims, private, algorithm="ES256", headers={"kid": KID, "typ": "JWT"}),
        "joserfc": lambda: jose_jwt.encode(header, claims, jose_private),
    }
    verify = {
        "bearerkit (reused VerifyingKey)": lambda: bearerkit.verify_d1_assertion(
            token, reused, issuer_id=ISSUER, env=ENV, kid=KID, now=now),
        "PyJWT": pyjwt_verify,
        "joserfc": joserfc_verify,
    }
    core = {
        "sign": lambda n: ext._bench_core_sign_d1(key, ISSUER, ENV, KID, now, JTI, n),
        "verify": lambda n: ext._bench_core_verify_d1(token, reused, ISSUER, ENV, KID, now, n),
    }
    # Everyone accepts everyone's work before anything is timed.
    for name, f in sign.items():
        t = f()
        assert bearerkit.verify_d1_assertion(t, reused, issuer_id=ISSUER, env=ENV, kid=KID, now=now), name
    for name, f in verify.items():
        assert f(), name
    return sign, verify, core


def batch_ns(f, n):
    start = time.perf_counter_ns()
    for _ in range(n):
        f()
    return (time.perf_counter_ns() - start) / n


def run(group, rounds, n):
    names = list(group)
    per = {name: [] for name in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            per[name].append(batch_ns(group[name], n))
    return per


def peak_rss(lib):
    """Peak RSS (KiB, VmHWM) of a fresh process importing `lib`, signing and verifying 2,000 times."""
    code = f"""
import time
NOW = int(time.time())
ISSUER, KID = "MGW_ID_0001", "k1"
if "{lib}" == "bearerkit":
    import bearerkit
    key = bearerkit.SigningKey.generate()
    public = key.public_key
    for _ in range(2000):
        t = bearerkit.d1_assertion(key, issuer_id=ISSUER, env="prd", kid=KID, now=NOW)
        bearerkit.verify_d1_assertion(t, public, issuer_id=ISSUER, env="prd", kid=KID, now=NOW)
elif "{lib}" == "PyJWT":
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec
    private = ec.generate_private_key(ec.SECP256R1())
    claims = {{"iss": ISSUER, "sub": ISSUER, "aud": "prd", "exp": NOW + 300, "iat": NOW}}
    for _ in range(2000):
        t = jwt.encode(claims, private, algorithm="ES256", headers={{"kid": KID}})
        jwt.decode(t, private.public_key(), algorithms=["ES256"], audience="prd", issuer=ISSUER)
else:
    from joserfc import jwt
    from joserfc.jwk import ECKey
    key = ECKey.generate_key("P-256")
    claims = {{"iss": ISSUER, "sub": ISSUER, "aud": "prd", "exp": NOW + 300, "iat": NOW}}
    for _ in range(2000):
        t = jwt.encode({{"alg": "ES256", "kid": KID}}, claims, key)
        jwt.decode(t, key, algorithms=["ES256"])
# VmHWM: this process's own peak (ru_maxrss would include the parent's size at fork).
print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return int(out.strip())


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    n = 400
    now = int(time.time())
    sign, verify, core = contenders(now)
    for group in (sign, verify):  # warm up
        run(group, 1, 50)
    core["sign"](50), core["verify"](50)
    # The core's own time is measured in the same rounds, right after the Python calls.
    sign = dict(sign, core=lambda: None)
    verify = dict(verify, core=lambda: None)
    s = {name: [] for name in sign}
    v = {name: [] for name in verify}
    for r in range(rounds):
        for group, out, kind in ((sign, s, "sign"), (verify, v, "verify")):
            names = [x for x in group if x != "core"]
            for name in (names if r % 2 == 0 else names[::-1]):
                out[name].append(batch_ns(group[name], n))
            out["core"].append(core[kind](n) / n)
    core_sign, core_verify = s.pop("core"), v.pop("core")
    med = lambda xs: statistics.median(xs)
    ratio = lambda a, b: med([x / y for x, y in zip(a, b)])
    bk_sign, bk_verify = s["bearerkit"], v["bearerkit (reused VerifyingKey)"]
    rss = {lib: peak_rss(lib) for lib in ("bearerkit", "PyJWT", "joserfc")}
    # When to build the per-key tables: a key used once (plain verification) against the
    # table's build time.
    _, key = keys()
    pem = key.public_key.to_pem()
    token = bearerkit.d1_assertion(key, issuer_id=ISSUER, env=ENV, kid=KID, now=now, jti=JTI)
    once, build = [], []
    for _ in range(rounds):
        fresh = [bearerkit.VerifyingKey.from_pem(pem) for _ in range(40)]
        t0 = time.perf_counter_ns()
        for k in fresh:
            bearerkit.verify_d1_assertion(token, k, issuer_id=ISSUER, env=ENV, kid=KID, now=now)
        once.append((time.perf_counter_ns() - t0) / 40)
        t0 = time.perf_counter_ns()
        for k in fresh[:10]:
            k.prepare()
        build.append((time.perf_counter_ns() - t0) / 10)

    print(f"CPU: {cpu_model()}; Python {platform.python_version()}; bearerkit {bearerkit.__version__}; "
          f"PyJWT {jwt.__version__}; {rounds} rounds of {n} calls per contender, interleaved")
    print()
    print("| per call (median) | sign | verify |")
    print("|---|---:|---:|")
    print(f"| bearerkit | {med(bk_sign) / 1000:.1f} µs | {med(bk_verify) / 1000:.1f} µs (reused, prepared key) |")
    print(f"| PyJWT (cryptography, OpenSSL) | {med(s['PyJWT']) / 1000:.1f} µs | {med(v['PyJWT']) / 1000:.1f} µs |")
    print(f"| joserfc | {med(s['joserfc']) / 1000:.1f} µs | {med(v['joserfc']) / 1000:.1f} µs |")
    print(f"| the same core call inside the extension | {med(core_sign) / 1000:.1f} µs | {med(core_verify) / 1000:.1f} µs |")
    print()
    print("| ratio (median of the per-round ratios) | value | target |")
    print("|---|---:|---:|")
    print(f"| bearerkit verify / PyJWT verify | {ratio(bk_verify, v['PyJWT']):.3f} | ≤ 0.6 |")
    print(f"| bearerkit sign / PyJWT sign | {ratio(bk_sign, s['PyJWT']):.3f} | ≤ 1.6 |")
    print(f"| bearerkit verify / joserfc verify | {ratio(bk_verify, v['joserfc']):.3f} | |")
    print(f"| bearerkit sign / joserfc sign | {ratio(bk_sign, s['joserfc']):.3f} | |")
    print()
    print("| binding overhead per call (median of the per-round differences, Python call − core call) | value | target |")
    print("|---|---:|---:|")
    diff = lambda a, b: med([x - y for x, y in zip(a, b)])
    print(f"| sign (`d1_assertion`) | {diff(bk_sign, core_sign) / 1000:.2f} µs | < 2 µs |")
    print(f"| verify (`verify_d1_assertion`, claims not read) | {diff(bk_verify, core_verify) / 1000:.2f} µs | < 2 µs |")
    print()
    print("| a key's tables: build now or on second use | value |")
    print("|---|---:|")
    print(f"| first verification with a fresh key (plain p256) | {med(once) / 1000:.1f} µs |")
    print(f"| building the key's tables (`prepare()`) | {med(build) / 1000:.1f} µs |")
    print(f"| prepared verification | {med(bk_verify) / 1000:.1f} µs |")
    saved = med(once) - med(bk_verify)
    print(f"| verifications to repay the build | {med(build) / saved:.1f} |")
    print()
    print("| peak RSS, import + 2,000 sign and verify | KiB |")
    print("|---|---:|")
    for lib, kib in rss.items():
        print(f"| {lib} | {kib:,} |")


if __name__ == "__main__":
    main()

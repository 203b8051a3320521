// The shared vectors (tests/vectors), run against a bearerkit-wasm module `bk` (the Node build or
// the browser build): returns {passed, failures}. Used by the Node tests and inside Chromium.

const rename = {
  iss: "issuer", sub: "subject", aud: "audience", any_audience: "anyAudience", require_kid: "requireKid",
  iss_equals_sub: "issuerEqualsSubject", require: "required", dangerous_no_exp: "dangerousAllowMissingExp",
  max_bytes: "maxBytes", max_lifetime: "maxLifetime", max_expiry_ahead: "maxExpiryAhead",
  sole_audience: "soleAudience", audience_as_string: "audienceAsString",
};

export function policyOptions(policy) {
  const out = {};
  for (const [k, v] of Object.entries(policy)) out[rename[k] ?? k] = v;
  return out;
}

function claimsOptions(input) {
  const o = {};
  for (const k of ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "kid", "typ"]) if (k in input) o[k] = input[k];
  // Private claims as JSON text: integers beyond 2^53 must keep their digits.
  if ("private" in input) o.claims = input.privateJson;
  return o;
}

function bytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// Deep equality that compares numbers numerically (1.7e9 == 1700000000).
function same(a, b) {
  if (typeof a === "number" || typeof b === "number") return Number(a) === Number(b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && typeof a === "object") {
    const ka = Object.keys(a), kb = Object.keys(b ?? {});
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return a === b;
}

function publicKey(bk, c) {
  switch (c.format) {
    case "pem": return bk.VerifyingKey.fromPem(c.input);
    case "jwk": return bk.VerifyingKey.fromJwk(c.input);
    case "sec1_der_hex": return bk.SigningKey.fromSec1Der(bytes(c.input)).publicKey;
    case "pkcs8_der_hex": return bk.SigningKey.fromPkcs8Der(bytes(c.input)).publicKey;
    case "spki_der_hex": return bk.VerifyingKey.fromSpkiDer(bytes(c.input));
    default: throw new Error(`unknown format ${c.format}`);
  }
}

/** files: {signing, signingPrivateJson, valid, negative, keys, d1, rfc} */
export function runVectors(bk, files) {
  let passed = 0;
  const failures = [];
  const check = (name, ok, detail) => { if (ok) passed++; else failures.push(`${name}: ${detail ?? ""}`); };
  const code = (f) => { try { f(); return "accepted"; } catch (e) { return e.code ?? String(e); } };

  files.signing.cases.forEach((c, i) => {
    const key = bk.SigningKey.fromJwk(c.key.private_jwk);
    const input = { ...c.input, privateJson: files.signingPrivateJson[i] };
    const token = bk.signClaims(key, claimsOptions(input));
    check(`sign ${c.name}`, token === c.token, token);
    for (const pem of [c.key.sec1_pem, c.key.pkcs8_pem]) {
      check(`sign ${c.name} (pem)`, bk.signClaims(bk.SigningKey.fromPem(pem), claimsOptions(input)) === c.token);
    }
  });
  const anyKey = bk.SigningKey.fromJwk(files.signing.cases[0].key.private_jwk);
  for (const c of files.signing.invalid) {
    check(`sign invalid ${c.name}`, code(() => bk.signClaims(anyKey, claimsOptions(c.input))) === c.code);
  }
  for (const c of files.valid.cases) {
    const key = bk.VerifyingKey.fromJwk(c.key.public_jwk);
    try {
      const t = bk.verify(c.token, key, policyOptions(c.policy));
      check(`valid ${c.name}`, same(t.header, c.expected_header) && same(t.claims, c.expected_claims), JSON.stringify(t));
    } catch (e) {
      check(`valid ${c.name}`, false, `${e.code}: ${e.message}`);
    }
  }
  for (const c of files.negative.cases) {
    const key = bk.VerifyingKey.fromJwk(c.key.public_jwk);
    const got = code(() => bk.verify(c.token, key, policyOptions(c.policy)));
    check(`negative ${c.name}`, got === c.code, got);
  }
  for (const c of files.keys.valid) {
    try {
      const k = publicKey(bk, c);
      check(`key ${c.name}`, k.equals(bk.VerifyingKey.fromJwk(c.public_jwk)) && k.thumbprint() === c.thumbprint);
    } catch (e) {
      check(`key ${c.name}`, false, e.code);
    }
  }
  for (const c of files.keys.invalid) {
    check(`key invalid ${c.name}`, code(() => publicKey(bk, c)) === c.code, code(() => publicKey(bk, c)));
  }
  for (const c of [files.d1, files.rfc]) {
    const key = bk.VerifyingKey.fromJwk(c.public_jwk);
    try {
      const t = bk.verify(c.token, key, policyOptions(c.policy));
      check(`example ${c.name}`, same(t.claims, c.expected_claims) && key.thumbprint() === c.thumbprint);
    } catch (e) {
      check(`example ${c.name}`, false, e.code);
    }
  }
  check("d1 guide sec1 pem", bk.SigningKey.fromPem(files.d1.sec1_pem).thumbprint() === files.d1.thumbprint);
  return { passed, failures };
}

/** The private claims of each signing case as JSON text, cut from the vector file's own text
 * (JSON.parse would round integers beyond 2^53). */
export function privateClaimsJson(signing) {
  return signing.cases.map((c) => {
    if (!("private" in c.input)) return undefined;
    const claims = c.claims_json;
    const registered = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];
    // The top-level members of the compact claims JSON; the private ones are the rest.
    let depth = 0, inString = false, escape = false, start = 1;
    const members = [];
    for (let i = 1; i < claims.length - 1; i++) {
      const ch = claims[i];
      if (inString) {
        if (escape) escape = false;
        else if (ch === "\\") escape = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') { inString = true; continue; }
      if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") depth--;
      else if (ch === "," && depth === 0) { members.push(claims.slice(start, i)); start = i + 1; }
    }
    members.push(claims.slice(start, claims.length - 1));
    const priv = members.filter((m) => !registered.includes(JSON.parse(m.slice(0, m.indexOf('":') + 1))));
    return `{${priv.join(",")}}`;
  });
}

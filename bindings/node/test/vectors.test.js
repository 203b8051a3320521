'use strict';
// The shared vectors of tests/vectors, run through the Node package: byte-identical signing,
// every valid token accepted, every negative token refused with its code and family, every
// key vector, and the published examples (the Thales D1 guide's, RFC 7515 A.3).
const test = require('node:test');
const assert = require('node:assert/strict');
const { bearerkit, load } = require('./helpers');

const SIGNING = load('signing.json');
const SIGNING_TEXT = require('node:fs').readFileSync(require('node:path').join(require('./helpers').VECTORS, 'signing.json'), 'utf8');

/**
 * The JSON text of the `private` member of signing case `name`, as written in the file (compacted):
 * integers beyond 2^53 (case private_large_integers) survive only as text in JavaScript, and
 * claims given as JSON text are used as they are.
 */
function rawPrivate(name) {
  const at = SIGNING_TEXT.indexOf(`"name": ${JSON.stringify(name)}`);
  const start = SIGNING_TEXT.indexOf('{', SIGNING_TEXT.indexOf('"private":', at));
  let depth = 0;
  let inString = false;
  let out = '';
  for (let i = start; i < SIGNING_TEXT.length; i++) {
    const ch = SIGNING_TEXT[i];
    // Compact, as the generator's json.dumps(separators=(",", ":")) writes it.
    if (!inString && /\s/.test(ch)) continue;
    out += ch;
    if (inString) {
      if (ch === '\\') {
        out += SIGNING_TEXT[i + 1];
        i++;
      } else if (ch === '"') {
        inString = false;
      }
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return out;
    }
  }
  throw new Error(`no private claims for ${name}`);
}
const VALID = load('verify_valid.json');
const NEGATIVE = load('negative.json');
const KEYS = load('keys.json');

function assertion(inp, claims = inp.private) {
  return new bearerkit.Assertion({
    iss: inp.iss, sub: inp.sub, aud: inp.aud, exp: inp.exp, nbf: inp.nbf, iat: inp.iat, jti: inp.jti,
    kid: inp.kid, typ: inp.typ, claims,
  });
}

test('signing is byte-identical', async (t) => {
  assert.ok(SIGNING.cases.length > 0);
  for (const c of SIGNING.cases) {
    await t.test(c.name, () => {
      const key = bearerkit.SigningKey.fromJwk(c.key.private_jwk);
      if (c.name === 'private_large_integers') {
        // JSON.parse rounds integers beyond 2^53: only their JSON text keeps them exact.
        assert.equal(assertion(c.input, rawPrivate(c.name)).sign(key), c.token);
        return;
      }
      assert.equal(assertion(c.input).sign(key), c.token);
      if (c.input.private !== undefined) {
        // The same claims given as JSON text are used as they are.
        assert.equal(assertion(c.input, JSON.stringify(c.input.private)).sign(key), c.token);
      }
      // The same key from each of its PEM forms signs the same bytes.
      for (const pem of [c.key.sec1_pem, c.key.pkcs8_pem]) {
        assert.equal(assertion(c.input).sign(bearerkit.SigningKey.fromPem(pem)), c.token);
      }
      assert.equal(key.thumbprint(), c.key.thumbprint);
    });
  }
});

test('signing refuses dates no verifier accepts', async (t) => {
  const key = bearerkit.SigningKey.fromJwk(SIGNING.cases[0].key.private_jwk);
  for (const c of SIGNING.invalid) {
    await t.test(c.name, () => {
      assert.throws(() => assertion(c.input).sign(key), (e) => e instanceof bearerkit.SigningError && e.code === c.code);
    });
  }
});

const NAMES = {
  iss: 'issuer', sub: 'subject', aud: 'audience', require: 'required', iss_equals_sub: 'issuerEqualsSubject',
  dangerous_no_exp: 'dangerousAllowMissingExp',
};

/** The vector policy schema as `verify` options (absent means the core's default). */
function policyOptions(p) {
  const out = {};
  for (const [k, v] of Object.entries(p)) {
    out[NAMES[k] ?? k.replace(/_([a-z])/g, (_, c) => c.toUpperCase())] = v;
  }
  return out;
}

function verifyCase(c) {
  const key = bearerkit.VerifyingKey.fromJwk(c.key.public_jwk);
  return bearerkit.verify(c.token, key, policyOptions(c.policy));
}

test('valid tokens verify', async (t) => {
  assert.ok(VALID.cases.length > 0);
  for (const c of VALID.cases) {
    await t.test(c.name, () => {
      const v = verifyCase(c);
      assert.deepEqual(v.header, c.expected_header);
      assert.deepEqual(v.claims, c.expected_claims);
    });
  }
});

test('valid tokens verify off the main thread too', async () => {
  for (const c of VALID.cases) {
    const key = bearerkit.VerifyingKey.fromJwk(c.key.public_jwk);
    const v = await bearerkit.verifyAsync(c.token, key, policyOptions(c.policy));
    assert.deepEqual(v.claims, c.expected_claims, c.name);
  }
});

test('negative tokens are refused with their code', async (t) => {
  assert.ok(NEGATIVE.cases.length > 0);
  for (const c of NEGATIVE.cases) {
    await t.test(c.name, () => {
      assert.throws(() => verifyCase(c), (e) => {
        assert.equal(e.code, c.code, e.message);
        const family = c.code === 'invalid_policy' ? bearerkit.InvalidPolicy : bearerkit.InvalidToken;
        assert.ok(e instanceof family, `${e.name} for ${c.code}`);
        assert.ok(e instanceof bearerkit.BearerkitError && e instanceof Error);
        return true;
      });
    });
  }
});

test('the published examples verify (Thales D1 guide, RFC 7515 A.3)', () => {
  for (const name of ['d1_guide_example.json', 'rfc7515_a3.json']) {
    const c = load(name);
    const key = bearerkit.VerifyingKey.fromJwk(c.public_jwk);
    const v = bearerkit.verify(c.token, key, policyOptions(c.policy));
    assert.deepEqual(v.header, c.expected_header, name);
    assert.deepEqual(v.claims, c.expected_claims, name);
    assert.equal(key.thumbprint(), c.thumbprint, name);
  }
});

test("the D1 guide's SEC1 PEM, trailing spaces and all, imports (text and Buffer)", () => {
  const c = load('d1_guide_example.json');
  assert.match(c.sec1_pem, / \n/, 'the vector keeps the trailing spaces');
  for (const pem of [c.sec1_pem, Buffer.from(c.sec1_pem)]) {
    assert.equal(bearerkit.SigningKey.fromPem(pem).thumbprint(), c.thumbprint);
  }
});

function publicOf(format, input) {
  switch (format) {
    case 'pem': return bearerkit.VerifyingKey.fromPem(input);
    case 'jwk': return bearerkit.VerifyingKey.fromJwk(input);
    case 'sec1_der_hex': return bearerkit.SigningKey.fromSec1Der(Buffer.from(input, 'hex')).publicKey;
    case 'pkcs8_der_hex': return bearerkit.SigningKey.fromPkcs8Der(Buffer.from(input, 'hex')).publicKey;
    case 'spki_der_hex': return bearerkit.VerifyingKey.fromSpkiDer(Buffer.from(input, 'hex'));
    default: throw new Error(format);
  }
}

test('valid keys import', async (t) => {
  assert.ok(KEYS.valid.length > 0);
  for (const c of KEYS.valid) {
    await t.test(c.name, () => {
      const key = publicOf(c.format, c.input);
      assert.ok(key.equals(bearerkit.VerifyingKey.fromJwk(c.public_jwk)));
      assert.equal(key.thumbprint(), c.thumbprint);
    });
  }
});

test('invalid keys are refused with their code', async (t) => {
  assert.ok(KEYS.invalid.length > 0);
  for (const c of KEYS.invalid) {
    await t.test(c.name, () => {
      assert.throws(() => publicOf(c.format, c.input), (e) => e instanceof bearerkit.InvalidKey && e.code === c.code);
    });
  }
});

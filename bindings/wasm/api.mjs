// The package's JavaScript half, shared by index.mjs (browsers, the `--target web` build) and
// index.cjs (Node, the `--target nodejs` build): `wrap(raw)` takes the wasm-bindgen module and
// gives the API the Node package has where wasm-bindgen alone cannot: token classes
// (`VerifiedToken`, `UnverifiedToken`), the `Assertion` class, `verify` and the profile checks
// taking a `VerifyingKey` or a `KeySet`, and a typed error for an argument of the wrong class.
// Every rule stays in the Rust core: this file only routes arguments and shapes results.
import { InvalidArgument, InvalidKey } from "./errors.mjs";

/** The package version (package.json and the Rust crates; a test keeps them equal). */
export const version = "0.1.0";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const ASSERTION_OPTIONS = new Set(["iss", "sub", "aud", "exp", "expiresIn", "nbf", "iat", "jti", "kid", "typ", "claims"]);

/** An argument of the wrong type, as Node's own errors say it (no value in the message). */
function typeError(message) {
  return Object.assign(new TypeError(message), { code: "ERR_INVALID_ARG_TYPE" });
}

/** An `InvalidArgument` error (`invalid_argument`). */
function argumentError(message) {
  return new InvalidArgument(message, "invalid_argument");
}

/**
 * A copy of an options object with every enumerable member, its own and inherited (what
 * `for…in` lists); a name not in `names` (when given) is refused: a misspelt option never
 * passes silently.
 */
function optionsCopy(options, what, names) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw argumentError(`${what}: options must be an object`);
  const copy = {};
  for (const name in options) {
    if (names && !names.has(name)) throw argumentError(`${what}: unknown option ${JSON.stringify(name)}`);
    copy[name] = options[name];
  }
  return copy;
}

/**
 * A JSON document given as text (used as is) or as a value, written like `JSON.stringify` but
 * with `BigInt`s as JSON integers (claims with integers beyond 2^53 keep their digits).
 */
function jsonText(value, what, depth = 0) {
  if (typeof value === "string" && depth === 0) return value;
  if (depth > 64) throw argumentError(`${what} is nested too deeply`);
  if (typeof value === "bigint") return value.toString();
  if (value !== null && typeof value === "object" && typeof value.toJSON === "function") {
    return jsonText(value.toJSON(), what, depth + 1);
  }
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    if (text === undefined && depth === 0) throw argumentError(`${what} is not JSON`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => jsonText(v, what, depth + 1) ?? "null").join(",")}]`;
  const members = [];
  for (const [k, v] of Object.entries(value)) {
    const text = jsonText(v, what, depth + 1);
    if (text !== undefined) members.push(`${JSON.stringify(k)}:${text}`);
  }
  return `{${members.join(",")}}`;
}

/** Options with `claims` (when given as a value) turned into JSON text. */
function withClaimsText(options, what) {
  const o = optionsCopy(options, what);
  if (o.claims !== undefined && o.claims !== null && typeof o.claims !== "string") o.claims = jsonText(o.claims, "claims");
  return o;
}

/** PEM text from a string or UTF-8 bytes. */
function pemText(pem, what) {
  if (typeof pem === "string") return pem;
  if (pem instanceof Uint8Array || pem instanceof ArrayBuffer) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(pem);
    } catch {
      throw new InvalidKey("PEM is not UTF-8 text", "bad_pem");
    }
  }
  throw typeError(`${what} must be a string, a Uint8Array or an ArrayBuffer`);
}

/** Bytes that start, after ASCII white space, with "-----" (PEM armour). */
function looksLikePem(bytes) {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || (bytes[i] >= 0x09 && bytes[i] <= 0x0d))) i++;
  return [0, 1, 2, 3, 4].every((k) => bytes[i + k] === 0x2d);
}

const PATCHED = Symbol("bearerkit-wasm.patched");

/** The API over `raw`, the module wasm-bindgen made (web or nodejs). */
export function wrap(raw) {
  // The module's key classes, as the Node package's keys behave: Node's `inspect` shows what
  // `toString` shows, PEM may be given as bytes, `equals` answers false for a non-key.
  if (!raw.SigningKey[PATCHED]) {
    for (const Class of [raw.SigningKey, raw.VerifyingKey, raw.KeySet]) {
      Class.prototype[INSPECT] = function inspect() {
        return this.toString();
      };
    }
    for (const Class of [raw.SigningKey, raw.VerifyingKey]) {
      const fromPem = Class.fromPem;
      Class.fromPem = (pem) => fromPem.call(Class, pemText(pem, "pem"));
    }
    const equals = raw.VerifyingKey.prototype.equals;
    raw.VerifyingKey.prototype.equals = function (other) {
      return other instanceof raw.VerifyingKey && equals.call(this, other);
    };
    raw.SigningKey[PATCHED] = true;
  }

  /** A [kid, key] pair checked as the Node package checks it. */
  const entry = (kid, key) => {
    if (typeof kid !== "string") throw typeError("KeySet: every kid must be a string");
    if (!(key instanceof raw.VerifyingKey)) throw typeError("KeySet: every key must be a VerifyingKey");
    return [kid, key];
  };

  /** Public keys chosen by the token's `kid`: from `{kid: key}`, a `Map` or `[kid, key]` pairs. */
  class KeySet extends raw.KeySet {
    constructor(keys) {
      let entries;
      if (keys === undefined || keys === null) entries = [];
      else if (typeof keys !== "object") throw typeError("KeySet: keys must be an object, a Map or [kid, key] pairs");
      else if (typeof keys[Symbol.iterator] === "function") {
        entries = Array.from(keys, (pair) => {
          if (!Array.isArray(pair)) throw typeError("KeySet: every entry must be a [kid, key] pair");
          return entry(pair[0], pair[1]);
        });
      } else entries = Object.entries(keys).map(([kid, key]) => entry(kid, key));
      super(entries);
    }

    /** Add (a copy of) `key` under `kid`; a `kid` already in the set is refused. */
    add(kid, key) {
      entry(kid, key);
      super.add(kid, key);
    }
  }

  const signingKey = (key, what) => {
    if (!(key instanceof raw.SigningKey)) throw typeError(`${what}: key must be a SigningKey`);
    return key;
  };
  /** True for a KeySet, false for a VerifyingKey; a TypeError for anything else (the token too). */
  const isSet = (token, key, what) => {
    if (typeof token !== "string") throw typeError(`${what}: token must be a string`);
    if (key instanceof raw.KeySet) return true;
    if (key instanceof raw.VerifyingKey) return false;
    throw typeError(`${what}: key must be a VerifyingKey or a KeySet`);
  };

  /** A verified token: its header and claims (parsed when first read) and their exact JSON text. */
  class VerifiedToken {
    #header;
    #claims;
    #headerJson;
    #claimsJson;

    /** @param {string} joined the header and claims JSON, joined by U+001F (the module's answer) */
    constructor(joined) {
      const cut = joined.indexOf("\u001f");
      this.#headerJson = joined.slice(0, cut);
      this.#claimsJson = joined.slice(cut + 1);
    }

    /** The JOSE header. */
    get header() {
      return (this.#header ??= JSON.parse(this.#headerJson));
    }

    /** The claims. */
    get claims() {
      return (this.#claims ??= JSON.parse(this.#claimsJson));
    }

    /** The header JSON exactly as it was in the token. */
    get headerJson() {
      return this.#headerJson;
    }

    /** The claims JSON exactly as it was in the token. */
    get claimsJson() {
      return this.#claimsJson;
    }

    toJSON() {
      return { header: this.header, claims: this.claims };
    }

    [INSPECT]() {
      return `VerifiedToken { header: ${this.#headerJson}, claims: ${this.#claimsJson} }`;
    }
  }

  /** A token decoded WITHOUT verification: never trust its content. */
  class UnverifiedToken {
    /**
     * @param {string} joined header and claims JSON, joined by U+001F (the module's answer)
     * @param {string} token the token the module decoded
     */
    constructor(joined, token) {
      const [header, claims] = joined.split("\u001f");
      /** The JOSE header (NOT verified). */
      this.header = JSON.parse(header);
      /** The claims (NOT verified). */
      this.claims = JSON.parse(claims);
      /** The signature's length in bytes (64 for ES256). */
      // The module decoded the last segment as strict unpadded base64url: n characters are
      // floor(3n/4) bytes.
      this.signatureLength = Math.floor(((token.length - token.lastIndexOf(".") - 1) * 3) / 4);
    }

    [INSPECT]() {
      return `UnverifiedToken { header: ${JSON.stringify(this.header)}, claims: ${JSON.stringify(this.claims)}, NOT VERIFIED }`;
    }
  }

  /**
   * A JWT assertion, member by member, as the core builds it; unlike `signAssertion`, nothing
   * is added (no `iat` unless given).
   */
  class Assertion {
    #options;

    constructor(options) {
      const o = optionsCopy(options, "Assertion", ASSERTION_OPTIONS);
      if (o.exp !== undefined && o.expiresIn !== undefined) throw argumentError("give exp or expiresIn, not both");
      // A snapshot: changing the caller's objects later does not change what is signed.
      if (Array.isArray(o.aud)) o.aud = [...o.aud];
      this.#options = withClaimsText(o, "Assertion");
    }

    /** The compact JWS signed by `key` (`algorithm`, when given, must be "ES256"). */
    sign(key, options) {
      const { algorithm } = optionsCopy(options, "sign", new Set(["algorithm"]));
      if (algorithm !== undefined && algorithm !== "ES256") {
        throw argumentError('algorithm must be "ES256" (the only one of bearerkit-wasm)');
      }
      return raw.signClaims(signingKey(key, "sign"), this.#options);
    }

    [INSPECT]() {
      return "Assertion { ... }";
    }
  }

  /** The fingerprints of a certificate given as PEM (text or bytes) or DER (bytes). */
  const certificateThumbprints = (cert) => {
    if (typeof cert === "string") return raw.certificateThumbprints(cert);
    const bytes = cert instanceof ArrayBuffer ? new Uint8Array(cert) : cert;
    if (!(bytes instanceof Uint8Array)) {
      throw typeError("certificateThumbprints: cert must be a string, a Uint8Array or an ArrayBuffer");
    }
    return looksLikePem(bytes) ? raw.certificateThumbprints(pemText(bytes, "cert")) : raw._certificateThumbprintsDer(bytes);
  };

  return {
    version,
    VerifiedToken,
    UnverifiedToken,
    Assertion,
    KeySet,
    certificateThumbprints,
    jwkThumbprint: (key) => (key instanceof raw.VerifyingKey || key instanceof raw.SigningKey
      ? key.thumbprint() : raw.jwkThumbprint(key)),
    signAssertion: (key, options) => raw.signAssertion(signingKey(key, "signAssertion"), withClaimsText(options, "signAssertion")),
    signClaims: (key, options) => raw.signClaims(signingKey(key, "signClaims"), withClaimsText(options, "signClaims")),
    d1Assertion: (key, options) => raw.d1Assertion(signingKey(key, "d1Assertion"), options),
    clientAssertion: (key, options) => raw.clientAssertion(signingKey(key, "clientAssertion"), options),
    verify: (token, key, options) => new VerifiedToken(isSet(token, key, "verify")
      ? raw._verifyWithKeySet(token, key, options) : raw._verify(token, key, options)),
    verifyWithKeySet: (token, keys, options) => {
      if (!isSet(token, keys, "verifyWithKeySet")) throw typeError("verifyWithKeySet: keys must be a KeySet");
      return new VerifiedToken(raw._verifyWithKeySet(token, keys, options));
    },
    verifyD1Assertion: (token, key, options) => new VerifiedToken(isSet(token, key, "verifyD1Assertion")
      ? raw._verifyD1AssertionWithKeySet(token, key, options) : raw._verifyD1Assertion(token, key, options)),
    verifyClientAssertion: (token, key, options) => new VerifiedToken(isSet(token, key, "verifyClientAssertion")
      ? raw._verifyClientAssertionWithKeySet(token, key, options) : raw._verifyClientAssertion(token, key, options)),
    decodeUnverified: (token) => {
      if (typeof token !== "string") throw typeError("decodeUnverified: token must be a string");
      return new UnverifiedToken(raw._decodeUnverified(token), token);
    },
  };
}

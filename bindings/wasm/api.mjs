// The package's JavaScript half, shared by index.mjs (browsers, the `--target web` build) and
// index.cjs (Node, the `--target nodejs` build): `wrap(raw)` takes the wasm-bindgen module and
// gives the API the Node package has where wasm-bindgen alone cannot: token classes
// (`VerifiedToken`, `UnverifiedToken`), the `Assertion` class, `verify` and the profile checks
// taking a `VerifyingKey` or a `KeySet`, and a typed error for an argument of the wrong class.
// Every rule stays in the Rust core: this file only routes arguments and shapes results.
import { InvalidArgument } from "./errors.mjs";

/** The package version (package.json and the Rust crates; a test keeps them equal). */
export const version = "0.1.0";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const ASSERTION_OPTIONS = new Set(["iss", "sub", "aud", "exp", "expiresIn", "nbf", "iat", "jti", "kid", "typ", "claims"]);

/** An argument of the wrong type, as Node's own errors say it (no value in the message). */
function typeError(message) {
  return Object.assign(new TypeError(message), { code: "ERR_INVALID_ARG_TYPE" });
}

/** Refuse options a call does not know: a misspelt one never passes silently. */
function known(options, names, what) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw new InvalidArgument("options must be an object", "invalid_argument");
  for (const name of Object.keys(options)) {
    if (!names.has(name)) throw new InvalidArgument(`${what}: unknown option ${JSON.stringify(name)}`, "invalid_argument");
  }
  return options;
}

/** The API over `raw`, the module wasm-bindgen made (web or nodejs). */
export function wrap(raw) {
  for (const Class of [raw.SigningKey, raw.VerifyingKey, raw.KeySet]) {
    Class.prototype[INSPECT] = function inspect() {
      return this.toString();
    };
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
    /** @param {string} joined header, claims and signature length, joined by U+001F */
    constructor(joined) {
      const [header, claims, length] = joined.split("\u001f");
      /** The JOSE header (NOT verified). */
      this.header = JSON.parse(header);
      /** The claims (NOT verified). */
      this.claims = JSON.parse(claims);
      /** The signature's length in bytes (64 for ES256). */
      this.signatureLength = Number(length);
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
      const o = known(options, ASSERTION_OPTIONS, "Assertion");
      if (o.exp !== undefined && o.expiresIn !== undefined) {
        throw new InvalidArgument("give exp or expiresIn, not both", "invalid_argument");
      }
      this.#options = { ...o };
    }

    /** The compact JWS signed by `key` (`algorithm`, when given, must be "ES256"). */
    sign(key, options) {
      const { algorithm } = known(options, new Set(["algorithm"]), "sign");
      if (algorithm !== undefined && algorithm !== "ES256") {
        throw new InvalidArgument('algorithm must be "ES256" (the only one of bearerkit-wasm)', "invalid_argument");
      }
      return raw.signClaims(signingKey(key, "sign"), this.#options);
    }

    [INSPECT]() {
      return "Assertion { ... }";
    }
  }

  return {
    version,
    VerifiedToken,
    UnverifiedToken,
    Assertion,
    signAssertion: (key, options) => raw.signAssertion(signingKey(key, "signAssertion"), options),
    signClaims: (key, options) => raw.signClaims(signingKey(key, "signClaims"), options),
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
      return new UnverifiedToken(raw._decodeUnverified(token));
    },
  };
}

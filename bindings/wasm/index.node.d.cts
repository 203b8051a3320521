// Types of the Node.js entry point (index.cjs): the `--target nodejs` build (no `init()`), the
// API of api.mjs and the error classes.
export { SigningKey, VerifyingKey, KeySet, jwkThumbprint, certificateThumbprints } from "./pkg/node/bearerkit_wasm.js";
export type {
  JsonWebKey, CertificateThumbprints, AssertionOptions, SignOptions, D1AssertionOptions, ClientAssertionOptions,
  VerifyOptions, VerifyD1Options, VerifyClientAssertionOptions,
} from "./pkg/node/bearerkit_wasm.js";
export {
  version, VerifiedToken, UnverifiedToken, Assertion, signAssertion, signClaims, d1Assertion, clientAssertion, verify,
  verifyWithKeySet, verifyD1Assertion, verifyClientAssertion, decodeUnverified,
} from "./api.mjs";
export type { JsonValue, JsonObject, JoseHeader, VerificationKey } from "./api.mjs";
export {
  BearerkitError, InvalidArgument, InvalidKey, InvalidToken, ExpiredToken, NotYetValid, ClaimMismatch,
  InvalidPolicy, SigningError,
} from "./errors.mjs";

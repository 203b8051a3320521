// Types of the browser/bundler entry point (index.mjs): the `--target web` build, the API of
// api.mjs and the error classes.
export {
  default, initSync, SigningKey, VerifyingKey, KeySet, jwkThumbprint, certificateThumbprints,
} from "./pkg/web/bearerkit_wasm.js";
export type {
  InitInput, InitOutput, SyncInitInput, JsonWebKey, CertificateThumbprints, AssertionOptions, SignOptions,
  D1AssertionOptions, ClientAssertionOptions, VerifyOptions, VerifyD1Options, VerifyClientAssertionOptions,
} from "./pkg/web/bearerkit_wasm.js";
export {
  version, VerifiedToken, UnverifiedToken, Assertion, signAssertion, signClaims, d1Assertion, clientAssertion, verify,
  verifyWithKeySet, verifyD1Assertion, verifyClientAssertion, decodeUnverified,
} from "./api.mjs";
export type { JsonValue, JsonObject, JoseHeader, VerificationKey } from "./api.mjs";
export {
  BearerkitError, InvalidArgument, InvalidKey, InvalidToken, ExpiredToken, NotYetValid, ClaimMismatch,
  InvalidPolicy, SigningError,
} from "./errors.mjs";

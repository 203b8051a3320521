// The package entry point for browsers and bundlers (ESM, the `--target web` build): call the
// default export `init()` once before anything else. Everything is synchronous after that.
import * as raw from "./pkg/web/bearerkit_wasm.js";
import { wrap } from "./api.mjs";

export { default, initSync, SigningKey, VerifyingKey } from "./pkg/web/bearerkit_wasm.js";
export const {
  version, KeySet, jwkThumbprint, certificateThumbprints, VerifiedToken, UnverifiedToken, Assertion, signAssertion,
  signClaims, d1Assertion, clientAssertion, verify, verifyWithKeySet, verifyD1Assertion, verifyClientAssertion,
  decodeUnverified,
} = wrap(raw);
export {
  BearerkitError, InvalidArgument, InvalidKey, InvalidToken, ExpiredToken, NotYetValid, ClaimMismatch,
  InvalidPolicy, SigningError,
} from "./errors.mjs";

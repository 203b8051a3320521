// The package entry point for browsers and bundlers (ESM, the `--target web` build): call the
// default export `init()` once before anything else. Everything is synchronous after that.
export { default, initSync } from "./pkg/web/bearerkit_wasm.js";
export * from "./pkg/web/bearerkit_wasm.js";
export {
  BearerkitError, InvalidArgument, InvalidKey, InvalidToken, ExpiredToken, NotYetValid, ClaimMismatch,
  InvalidPolicy, SigningError,
} from "./errors.mjs";

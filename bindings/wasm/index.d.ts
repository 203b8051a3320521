// Types of the browser/bundler entry point (index.mjs): the `--target web` build and the error classes.
export * from "./pkg/web/bearerkit_wasm.js";
export { default } from "./pkg/web/bearerkit_wasm.js";
export {
  BearerkitError, InvalidArgument, InvalidKey, InvalidToken, ExpiredToken, NotYetValid, ClaimMismatch,
  InvalidPolicy, SigningError,
} from "./errors.mjs";

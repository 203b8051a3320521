// Types of the Node.js entry point (index.cjs): the `--target nodejs` build (no `init()`) and the error classes.
export * from "./pkg/node/bearerkit_wasm.js";
export {
  BearerkitError, InvalidArgument, InvalidKey, InvalidToken, ExpiredToken, NotYetValid, ClaimMismatch,
  InvalidPolicy, SigningError,
} from "./errors.mjs";

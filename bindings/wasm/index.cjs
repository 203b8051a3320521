// The package entry point for Node.js (the `--target nodejs` build, CommonJS; ready on `require`,
// no `init()`). The error classes come from errors.mjs, the module the WebAssembly code imports.
// Written in the forms Node's CommonJS export detection reads, so `import { verify } from
// "bearerkit-wasm"` works from ESM too.
"use strict";
const errors = require("./errors.mjs");

module.exports = { ...require("./pkg/node/bearerkit_wasm.js") };
module.exports.BearerkitError = errors.BearerkitError;
module.exports.InvalidArgument = errors.InvalidArgument;
module.exports.InvalidKey = errors.InvalidKey;
module.exports.InvalidToken = errors.InvalidToken;
module.exports.ExpiredToken = errors.ExpiredToken;
module.exports.NotYetValid = errors.NotYetValid;
module.exports.ClaimMismatch = errors.ClaimMismatch;
module.exports.InvalidPolicy = errors.InvalidPolicy;
module.exports.SigningError = errors.SigningError;

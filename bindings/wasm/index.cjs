// The package entry point for Node.js (the `--target nodejs` build, CommonJS; ready on `require`,
// no `init()`). Written in the forms Node's CommonJS export detection reads, so `import { verify }
// from "bearerkit-wasm"` works from ESM too.
"use strict";
const raw = require("./pkg/node/bearerkit_wasm.js");
const api = require("./api.mjs").wrap(raw);
const errors = require("./errors.mjs");

module.exports.version = api.version;
module.exports.SigningKey = raw.SigningKey;
module.exports.VerifyingKey = raw.VerifyingKey;
module.exports.KeySet = api.KeySet;
module.exports.jwkThumbprint = api.jwkThumbprint;
module.exports.certificateThumbprints = api.certificateThumbprints;
module.exports.VerifiedToken = api.VerifiedToken;
module.exports.UnverifiedToken = api.UnverifiedToken;
module.exports.Assertion = api.Assertion;
module.exports.signAssertion = api.signAssertion;
module.exports.signClaims = api.signClaims;
module.exports.d1Assertion = api.d1Assertion;
module.exports.clientAssertion = api.clientAssertion;
module.exports.verify = api.verify;
module.exports.verifyWithKeySet = api.verifyWithKeySet;
module.exports.verifyD1Assertion = api.verifyD1Assertion;
module.exports.verifyClientAssertion = api.verifyClientAssertion;
module.exports.decodeUnverified = api.decodeUnverified;
module.exports.BearerkitError = errors.BearerkitError;
module.exports.InvalidArgument = errors.InvalidArgument;
module.exports.InvalidKey = errors.InvalidKey;
module.exports.InvalidToken = errors.InvalidToken;
module.exports.ExpiredToken = errors.ExpiredToken;
module.exports.NotYetValid = errors.NotYetValid;
module.exports.ClaimMismatch = errors.ClaimMismatch;
module.exports.InvalidPolicy = errors.InvalidPolicy;
module.exports.SigningError = errors.SigningError;

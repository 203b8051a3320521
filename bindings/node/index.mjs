/**
 * bearerkit for Node.js, as an ES module: the same objects as the CommonJS entry point
 * (`index.js`), so `instanceof` works whichever way a program loads the package.
 * @module bearerkit
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const bearerkit = require('./index.js');

export const {
  version,
  BearerkitError,
  InvalidArgument,
  InvalidKey,
  InvalidToken,
  ExpiredToken,
  NotYetValid,
  ClaimMismatch,
  InvalidPolicy,
  SigningError,
  TokenClientError,
  OAuthError,
  TransportError,
  RateLimited,
  ConfigError,
  SigningKey,
  VerifyingKey,
  KeySet,
  RsaSigningKey,
  ExternalSigner,
  jwkThumbprint,
  certificateThumbprints,
  Assertion,
  signAssertion,
  signAssertionAsync,
  d1Assertion,
  d1AssertionAsync,
  clientAssertion,
  clientAssertionAsync,
  VerifiedToken,
  UnverifiedToken,
  verify,
  verifyAsync,
  verifyD1Assertion,
  verifyD1AssertionAsync,
  verifyClientAssertion,
  verifyClientAssertionAsync,
  decodeUnverified,
  D1Grant,
  ClientSecret,
  PrivateKeyJwt,
  Token,
  TokenClient,
  _benchCoreVerifyD1,
  _benchCoreSignD1,
} = bearerkit;
export default bearerkit;

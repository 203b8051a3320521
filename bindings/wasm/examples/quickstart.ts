// bearerkit-wasm in a browser or bundler (ESM, `bearerkit-wasm/web`): sign a Thales D1 assertion,
// read it back, verify it with the core's strict defaults, and tell refusals apart by class and code.
// Type-checked with `tsc --strict` by the package's tests.
import init, {
  ClaimMismatch, InvalidToken, KeySet, SigningKey, VerifyingKey, d1Assertion, decodeUnverified, verify,
  verifyD1Assertion,
} from "bearerkit-wasm/web";

export async function quickstart(pem: string): Promise<string> {
  await init(); // once, before anything else
  const key = SigningKey.fromPem(pem); // SEC1 or PKCS#8 PEM; SigningKey.fromJwk(jwk) for a JWK
  const token = d1Assertion(key, { issuerId: "MGW_ID_0001", env: "prd", kid: "k1", expiresIn: 300 });
  const { header, claims } = decodeUnverified(token); // display only: nothing is checked
  console.log(header.kid, claims.iss);

  const publicKey: VerifyingKey = VerifyingKey.fromPem(key.publicKey.toPem());
  verifyD1Assertion(token, publicKey, { issuerId: "MGW_ID_0001", env: "prd", kid: "k1" });
  const keys = new KeySet({ k1: publicKey }); // chosen by the token's kid
  console.log(verify(token, keys, { audience: "prd" }).claimsJson); // the claims exactly as signed
  try {
    verify(token, publicKey); // no audience given: a token that carries `aud` is refused
  } catch (e) {
    if (e instanceof ClaimMismatch) return e.code; // "unexpected_audience"
    if (e instanceof InvalidToken) throw e;
  }
  return key.toPem({ format: "sec1" });
}

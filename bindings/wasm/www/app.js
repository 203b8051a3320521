// The workbench: the page's controls wired to bearerkit-wasm (the package's browser entry point).
import init, * as bk from "../index.mjs";

const $ = (id) => document.getElementById(id);
const show = (id, text, cls = "") => { const el = $(id); el.textContent = text; el.className = cls; };
const failure = (e) => (e && e.code ? `${e.name} ${e.code}: ${e.message}` : String(e));
const json = (value) => JSON.stringify(value, null, 2);
const noKey = (message) => Object.assign(new Error(message), { code: "no_key", name: "workbench" });

/** A key from PEM or JWK text: `{signing}` for a private key, `{verifying}` for a public one. */
function readKey(text) {
  text = text.trim();
  if (text.startsWith("{")) {
    return JSON.parse(text).d === undefined ? { verifying: bk.VerifyingKey.fromJwk(text) } : { signing: bk.SigningKey.fromJwk(text) };
  }
  return text.includes("PUBLIC KEY-----") ? { verifying: bk.VerifyingKey.fromPem(text) } : { signing: bk.SigningKey.fromPem(text) };
}

function currentKey() {
  if (!$("key").value.trim()) throw noKey("paste or generate a key first");
  return readKey($("key").value);
}

function refreshKey() {
  show("key-error", "");
  try {
    const key = currentKey();
    const pub = key.signing ? key.signing.publicKey : key.verifying;
    show("key-kind", key.signing ? "private (signs and verifies)" : "public (verifies only)");
    show("thumbprint", bk.jwkThumbprint(pub));
    show("public-pem", pub.toPem());
    show("public-jwk", json(pub.toJwk()));
  } catch (e) {
    for (const id of ["key-kind", "thumbprint", "public-pem", "public-jwk"]) show(id, "–");
    if ($("key").value.trim()) show("key-error", failure(e), "err");
  }
}

function generate() {
  const key = bk.SigningKey.generate();
  const format = $("generate-format").value;
  $("key").value = format === "jwk" ? json(key.toJwk()) : key.toPem({ format });
  refreshKey();
}

function refreshProfile() {
  const d1 = $("profile").value === "d1";
  $("issuer-label").textContent = d1 ? "issuer id (iss = sub)" : "client id (iss = sub)";
  $("audience-label").textContent = d1 ? "environment (aud): stg or prd" : "audience: the realm issuer URL";
  if (d1 && !["stg", "prd"].includes($("audience").value)) $("audience").value = "prd";
  if (!d1 && ["stg", "prd"].includes($("audience").value)) $("audience").value = "https://example-domain/auth/realms/example-realm";
}

function sign() {
  show("sign-error", "");
  try {
    const key = currentKey().signing;
    if (!key) throw noKey("signing needs a private key: this one is public");
    const expiresIn = numberField("expires");
    const token = $("profile").value === "d1"
      ? bk.d1Assertion(key, { issuerId: $("issuer").value, env: $("audience").value, kid: $("kid").value, expiresIn })
      : bk.clientAssertion(key, { clientId: $("issuer").value, audience: $("audience").value,
          kid: $("kid").value || undefined, expiresIn });
    show("token", token);
    const decoded = bk.decodeUnverified(token);
    show("decoded-header", json(decoded.header));
    show("decoded-claims", json(decoded.claims));
    $("verify-token").value = token;
  } catch (e) {
    show("sign-error", failure(e), "err");
  }
}

function refreshPolicy() {
  const policy = $("v-policy").value;
  $("v-issuer-label").textContent = { generic: "expected iss", d1: "issuer id (iss = sub)", "client-assertion": "client id (iss = sub)" }[policy];
  $("v-audience-label").textContent = { generic: "expected aud", d1: "environment: stg or prd", "client-assertion": "audience" }[policy];
  for (const id of ["v-any", "v-subject"]) $(id).disabled = policy !== "generic";
}

/** A number field, or undefined when empty. */
const numberField = (id) => ($(id).value === "" ? undefined : Number($(id).value));
/** A text field, or undefined when empty. */
const textField = (id) => $(id).value || undefined;

function verify() {
  for (const id of ["verify-header", "verify-claims"]) show(id, "");
  try {
    const own = $("verify-key").value.trim() ? readKey($("verify-key").value) : currentKey();
    const key = own.signing ? own.signing.publicKey : own.verifying;
    const token = $("verify-token").value.trim();
    const common = { kid: textField("v-kid"), leeway: numberField("v-leeway"), now: numberField("v-now") };
    let t;
    switch ($("v-policy").value) {
      case "d1":
        t = bk.verifyD1Assertion(token, key, { ...common, issuerId: $("v-issuer").value, env: $("v-audience").value });
        break;
      case "client-assertion":
        t = bk.verifyClientAssertion(token, key, { ...common, clientId: $("v-issuer").value, audience: $("v-audience").value });
        break;
      default:
        t = bk.verify(token, key, { ...common, issuer: textField("v-issuer"), audience: textField("v-audience"),
          anyAudience: $("v-any").checked, subject: textField("v-subject") });
    }
    show("verify-result", "valid: signature and claims accepted", "ok");
    show("verify-header", json(t.header));
    show("verify-claims", json(t.claims));
  } catch (e) {
    show("verify-result", `refused: ${failure(e)}`, "err");
  }
}

function certThumbprints() {
  try {
    const t = bk.certificateThumbprints($("cert").value);
    show("cert-result", `SHA-1 (Worldline kid): ${t.sha1Hex}\nx5t:       ${t.x5t}\nx5t#S256:  ${t.x5tS256}`);
  } catch (e) {
    show("cert-result", failure(e), "err");
  }
}

const started = performance.now();
await init();
window.bearerkitReady = { instantiateMs: performance.now() - started };
show("status", `(ready: module fetched and instantiated in ${window.bearerkitReady.instantiateMs.toFixed(1)} ms)`);
$("generate").addEventListener("click", generate);
$("key").addEventListener("input", refreshKey);
$("profile").addEventListener("change", refreshProfile);
$("v-policy").addEventListener("change", refreshPolicy);
$("sign").addEventListener("click", sign);
$("verify").addEventListener("click", verify);
$("cert-thumbprints").addEventListener("click", certThumbprints);

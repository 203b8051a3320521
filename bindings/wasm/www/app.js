// The workbench: the page's controls wired to bearerkit-wasm (the `--target web` build).
import init, * as bk from "../pkg/web/bearerkit_wasm.js";

const $ = (id) => document.getElementById(id);
const show = (id, text, cls = "") => { const el = $(id); el.textContent = text; el.className = cls; };
const failure = (e) => (e && e.code ? `${e.code}: ${e.message}` : String(e));

function currentKey() {
  const text = $("key").value.trim();
  if (!text) throw Object.assign(new Error("paste or generate a key first"), { code: "no_key" });
  return text.startsWith("{") ? bk.SigningKey.fromJwk(text) : bk.SigningKey.fromPem(text);
}

function refreshKey() {
  show("key-error", "");
  try {
    const key = currentKey();
    show("thumbprint", key.thumbprint());
    show("public-pem", key.publicKey.toPem());
  } catch (e) {
    show("thumbprint", "–");
    show("public-pem", "–");
    if ($("key").value.trim()) show("key-error", failure(e), "err");
  }
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
    const key = currentKey();
    const expiresIn = Number($("expires").value);
    const token = $("profile").value === "d1"
      ? bk.d1Assertion(key, { issuerId: $("issuer").value, env: $("audience").value, kid: $("kid").value, expiresIn })
      : bk.clientAssertion(key, { clientId: $("issuer").value, audience: $("audience").value,
          kid: $("kid").value || undefined, expiresIn });
    show("token", token);
    const decoded = bk.decodeUnverified(token);
    show("decoded-header", JSON.stringify(decoded.header, null, 2));
    show("decoded-claims", JSON.stringify(decoded.claims, null, 2));
    $("verify-token").value = token;
  } catch (e) {
    show("sign-error", failure(e), "err");
  }
}

function verify() {
  show("verify-claims", "");
  try {
    const key = currentKey().publicKey;
    const options = {};
    if ($("v-issuer").value) options.issuer = $("v-issuer").value;
    if ($("v-audience").value) options.audience = $("v-audience").value;
    if ($("v-any").checked) options.anyAudience = true;
    const t = bk.verify($("verify-token").value.trim(), key, options);
    show("verify-result", "valid: signature and claims accepted", "ok");
    show("verify-claims", JSON.stringify(t.claims, null, 2));
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
show("status", `(ready: module instantiated in ${window.bearerkitReady.instantiateMs.toFixed(1)} ms)`);
$("generate").addEventListener("click", () => { $("key").value = bk.SigningKey.generate().toPem("sec1"); refreshKey(); });
$("key").addEventListener("input", refreshKey);
$("profile").addEventListener("change", refreshProfile);
$("sign").addEventListener("click", sign);
$("verify").addEventListener("click", verify);
$("cert-thumbprints").addEventListener("click", certThumbprints);

// bearerkit-wasm against WebCrypto and jose in headless Chromium (the Debian package, through
// playwright-core), plus module instantiation; prints Markdown for benches/RESULTS.md.
//
//   node benches/wasm/bench.mjs [ROUNDS]     # after `bash scripts/wasm.sh` built bindings/wasm/pkg
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../bindings/wasm/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const { serve } = await import("../../bindings/wasm/www/serve.mjs");

const rounds = Number(process.argv[2] ?? 9);
const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown";
const executablePath = execFileSync("sh", ["-c", "command -v chromium"]).toString().trim();
// The bench page lives here, beside this script; the server adds it to the package's files.
const srv = await serve(0, { "/bench.html": readFileSync(new URL("./bench.html", import.meta.url), "utf8") });
const url = `http://127.0.0.1:${srv.address().port}`;

const browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const version = browser.version();
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ratio = (a, b) => med(a.map((x, i) => x / b[i]));

const inst = [];
for (let i = 0; i < 7; i++) {
  const p = await browser.newPage();
  await p.goto(`${url}/bench.html?instantiateOnly=1`);
  inst.push((await (await p.waitForFunction(() => window.__bench)).jsonValue()).instantiateMs);
  await p.close();
}
const page = await browser.newPage();
await page.goto(`${url}/bench.html?rounds=${rounds}&n=100`);
const b = await (await page.waitForFunction(() => window.__bench, null, { timeout: 600_000 })).jsonValue();
await browser.close();
srv.close();

const wasmBytes = readFileSync(new URL("../../bindings/wasm/pkg/web/bearerkit_wasm_bg.wasm", import.meta.url));
const { gzipSync } = await import("node:zlib");
console.log(`CPU: ${cpu}; Chromium ${version} headless; ${rounds} rounds of 100 calls per contender, interleaved; ` +
  `module ${wasmBytes.length} bytes, ${gzipSync(wasmBytes, { level: 9 }).length} gzipped`);
console.log();
console.log("| per call (median) | sign | verify |");
console.log("|---|---:|---:|");
for (const name of ["bearerkit-wasm", "WebCrypto", "jose"]) {
  const note = name === "bearerkit-wasm" ? " (reused, prepared key)" : name === "WebCrypto" ? " (awaited)" : "";
  console.log(`| ${name} | ${med(b.sign[name]).toFixed(1)} µs | ${med(b.verify[name]).toFixed(1)} µs${note} |`);
}
console.log(`| bearerkit-wasm, a key's first verification (plain p256 in wasm) | | ${med(b.plainVerify).toFixed(1)} µs |`);
console.log();
console.log("| ratio (median of per-round ratios) | value | target |");
console.log("|---|---:|---:|");
console.log(`| bearerkit-wasm sign / WebCrypto sign | ${ratio(b.sign["bearerkit-wasm"], b.sign.WebCrypto).toFixed(2)} | ≤ 3 |`);
console.log(`| bearerkit-wasm verify / WebCrypto verify | ${ratio(b.verify["bearerkit-wasm"], b.verify.WebCrypto).toFixed(2)} | ≤ 3 |`);
console.log(`| bearerkit-wasm sign / jose sign | ${ratio(b.sign["bearerkit-wasm"], b.sign.jose).toFixed(2)} | |`);
console.log(`| bearerkit-wasm verify / jose verify | ${ratio(b.verify["bearerkit-wasm"], b.verify.jose).toFixed(2)} | |`);
console.log(`| module instantiation (compile + instantiate from bytes already fetched, median of 7 page loads) | ${med(inst).toFixed(1)} ms | < 20 ms |`);

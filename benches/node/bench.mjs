// bearerkit's Node package against jose (KeyObject), fast-jwt and raw node:crypto: sign and verify
// a Thales D1 assertion per call, same key and claims, in one run.
//
//   node benches/node/bench.mjs [ROUNDS]     # after `bash scripts/node.sh` (addon built, npm ci done)
//
// Each round times a batch of calls of every contender back to back (the order alternates between
// rounds), so the ratios compare calls made under the same machine load; the medians over the
// rounds are printed, with the median of the per-round ratios. jose's calls are async (they are
// awaited one by one); the others are synchronous. Peak memory is VmHWM of a fresh process that
// loads one library, signs and verifies 2,000 times. fast-jwt's verified-token cache is off (its
// default). The sign gap to raw node:crypto is broken down: the signing input (JSON and base64url)
// and the ECDSA timed apart, for the core (`_benchCoreSigningInputD1` against `_benchCoreSignD1`)
// and for node:crypto (the same template alone, `crypto.sign` of a fixed input alone).
// Prints Markdown for benches/RESULTS.md.
//
// The binding's overhead is the public JavaScript call's time minus the same core call (same key,
// claims and policy) timed inside the addon (`_benchCore*`: Rust's clock around a loop of core
// calls, no JavaScript or N-API per call). A difference of 1–2 µs between two ~50 µs calls is
// below the drift of a shared machine over the seconds that long batches take, so it is measured
// in pairs of short batches: OVERHEAD_CALLS (5) public calls timed in JavaScript (less the cost of
// reading the clock, measured first), then as many core calls timed in the addon, the order
// alternating from pair to pair, ROUNDS × 400 pairs. A pair lasts about half a millisecond, so most
// pairs run undisturbed and both halves see the same machine; each pair gives one per-call
// difference. The table reports their median (the figure), their quartiles (the noise of one
// pair), the difference of the two sides' fastest batches (a lower bound: the least disturbed
// batch, with no garbage collection in it) and, for completeness, the minimum of the pair
// differences, which only measures the worst disturbance of a core batch and is meaningless as an
// overhead.
//
//   node benches/node/bench.mjs [ROUNDS] overhead   # the overhead pairs only
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PKG = new URL('../../bindings/node/package.json', import.meta.url);
const require = createRequire(PKG);
const bearerkit = require('./index.js');
const SELF = fileURLToPath(import.meta.url);

const ISSUER = 'MGW_ID_0001';
const ENV = 'prd';
const KID = 'k1';
const JTI = '3f1b0c7a9d2e4f60a1b2c3d4e5f60718';
// A fixed P-256 scalar (the same key for every contender, every run).
const SCALAR = '1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff001';

function cpuModel() {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {}
  return os.cpus()[0]?.model ?? 'unknown';
}

function vmHwmKiB() {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line.split(/\s+/)[1]);
}

function keys() {
  const key = bearerkit.SigningKey.fromJwk({ ...derivedJwk(), d: Buffer.from(SCALAR, 'hex').toString('base64url') });
  const privateKey = crypto.createPrivateKey({ key: key.toJwk(), format: 'jwk' });
  const publicKey = crypto.createPublicKey(privateKey);
  return { key, privateKey, publicKey, privatePem: key.toPem(), publicPem: key.publicKey.toPem() };
}

function derivedJwk() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(SCALAR, 'hex'));
  const pub = ecdh.getPublicKey();
  return { kty: 'EC', crv: 'P-256', x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') };
}

async function contenders(now) {
  const jose = await import(require.resolve('jose'));
  const fastJwt = require('fast-jwt');
  const { key, privateKey, publicKey, privatePem, publicPem } = keys();
  const claims = { iss: ISSUER, sub: ISSUER, aud: ENV, exp: now + 300, iat: now, jti: JTI };
  const header = { alg: 'ES256', typ: 'JWT', kid: KID };
  const token = bearerkit.d1Assertion(key, { issuerId: ISSUER, env: ENV, kid: KID, now, jti: JTI });
  const reused = bearerkit.VerifyingKey.fromPem(publicPem);
  reused.prepare();
  const d1 = { issuerId: ISSUER, env: ENV, kid: KID, now };
  const fastSign = fastJwt.createSigner({ key: privatePem, algorithm: 'ES256', kid: KID, header: { typ: 'JWT' } });
  const fastVerify = fastJwt.createVerifier({
    key: publicPem, algorithms: ['ES256'], allowedIss: ISSUER, allowedSub: ISSUER, allowedAud: ENV,
    requiredClaims: ['exp', 'iat', 'iss', 'sub', 'aud'], clockTimestamp: now * 1000, clockTolerance: 60,
  });
  const headerB64 = Buffer.from(JSON.stringify(header)).toString('base64url');
  const rawSign = () => {
    const input = `${headerB64}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const sig = crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  };
  const rawVerify = () => {
    const dot = token.lastIndexOf('.');
    const ok = crypto.verify('sha256', Buffer.from(token.slice(0, dot)), { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(token.slice(dot + 1), 'base64url'));
    const c = JSON.parse(Buffer.from(token.slice(token.indexOf('.') + 1, dot), 'base64url').toString());
    if (!ok || c.iss !== ISSUER || c.aud !== ENV || c.exp + 60 < now) throw new Error('raw verify failed');
    return c;
  };
  const sign = {
    bearerkit: () => bearerkit.d1Assertion(key, { issuerId: ISSUER, env: ENV, kid: KID, now, jti: JTI }),
    jose: () => new jose.SignJWT(claims).setProtectedHeader(header).sign(privateKey),
    'fast-jwt': () => fastSign({ ...claims }),
    'node:crypto': rawSign,
  };
  const verify = {
    bearerkit: () => bearerkit.verifyD1Assertion(token, reused, d1),
    jose: () => jose.jwtVerify(token, publicKey, { issuer: ISSUER, subject: ISSUER, audience: ENV, algorithms: ['ES256'], currentDate: new Date(now * 1000), clockTolerance: 60 }),
    'fast-jwt': () => fastVerify(token),
    'node:crypto': rawVerify,
  };
  const core = {
    sign: (n) => bearerkit._benchCoreSignD1(key, ISSUER, ENV, KID, now, JTI, n),
    signingInput: (n) => bearerkit._benchCoreSigningInputD1(ISSUER, ENV, KID, now, JTI, n),
    verify: (n) => bearerkit._benchCoreVerifyD1(token, reused, ISSUER, ENV, KID, now, n),
  };
  const asyncNames = new Set(['jose']);
  // Everyone accepts everyone's work before anything is timed.
  for (const f of Object.values(sign)) {
    const t = await f();
    bearerkit.verifyD1Assertion(t, reused, d1);
    await jose.jwtVerify(t, publicKey, { audience: ENV, currentDate: new Date(now * 1000) });
  }
  for (const [name, f] of Object.entries(verify)) {
    if (!(await f())) throw new Error(name);
  }
  // The pieces of raw node:crypto's signature, for the breakdown: the JSON and base64url of the
  // signing input alone, and OpenSSL's ECDSA over a fixed signing input alone.
  const fixedInput = Buffer.from(`${headerB64}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`);
  const raw = {
    input: () => `${headerB64}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`,
    ecdsa: () => crypto.sign('sha256', fixedInput, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  };
  return { sign, verify, core, raw, asyncNames, token, publicPem };
}

async function batchNs(f, n, isAsync) {
  const start = process.hrtime.bigint();
  if (isAsync) {
    for (let i = 0; i < n; i++) await f();
  } else {
    for (let i = 0; i < n; i++) f();
  }
  return Number(process.hrtime.bigint() - start) / n;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ratio = (a, b) => median(a.map((x, i) => x / b[i]));
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** Calls per half of an overhead pair (about 0.25 ms of work each: most halves see no preemption). */
const OVERHEAD_CALLS = 5;

/**
 * The binding's overhead per call, ns: `pairs` pairs of `OVERHEAD_CALLS` public calls (`js`, timed
 * here, less the clock's own cost) and `OVERHEAD_CALLS` core calls (`core(n)`, timed inside the
 * addon), the order alternating. Returns the median and quartiles of the per-pair differences per
 * call, their minimum, and the difference of the two sides' fastest batches.
 */
function overhead(js, core, pairs) {
  const m = OVERHEAD_CALLS;
  const clock = median(Array.from({ length: 1001 }, () => batchSyncNs(() => {}, 0)));
  const jsBatches = new Array(pairs);
  const coreBatches = new Array(pairs);
  const d = new Array(pairs);
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      jsBatches[i] = batchSyncNs(js, m) - clock;
      coreBatches[i] = core(m);
    } else {
      coreBatches[i] = core(m);
      jsBatches[i] = batchSyncNs(js, m) - clock;
    }
    d[i] = (jsBatches[i] - coreBatches[i]) / m;
  }
  return {
    median: median(d), min: Math.min(...d), q1: quantile(d, 0.25), q3: quantile(d, 0.75), pairs,
    fastest: (Math.min(...jsBatches) - Math.min(...coreBatches)) / m,
  };
}

/** Medians of `a(m)/m`, `b(m)/m` and of their per-pair difference over interleaved pairs. */
function paired(a, b, pairs) {
  const m = OVERHEAD_CALLS;
  const as = new Array(pairs);
  const bs = new Array(pairs);
  const d = new Array(pairs);
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      as[i] = a(m) / m;
      bs[i] = b(m) / m;
    } else {
      bs[i] = b(m) / m;
      as[i] = a(m) / m;
    }
    d[i] = as[i] - bs[i];
  }
  return { a: median(as), b: median(bs), diff: median(d) };
}

function batchSyncNs(f, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - start);
}
const us = (ns) => `${(ns / 1000).toFixed(1)} µs`;

/** Peak RSS (KiB, VmHWM) of this file run in a fresh process for one library. */
function peakRss(lib) {
  return Number(execFileSync(process.execPath, [SELF, '--rss', lib], { encoding: 'utf8' }).trim());
}

async function rssChild(lib) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: ISSUER, sub: ISSUER, aud: ENV, exp: now + 300, iat: now };
  if (lib === 'bearerkit') {
    const key = bearerkit.SigningKey.generate();
    const pub = key.publicKey;
    for (let i = 0; i < 2000; i++) {
      const t = bearerkit.d1Assertion(key, { issuerId: ISSUER, env: ENV, kid: KID, now });
      bearerkit.verifyD1Assertion(t, pub, { issuerId: ISSUER, env: ENV, kid: KID, now });
    }
  } else if (lib === 'jose') {
    const jose = await import(require.resolve('jose'));
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 2000; i++) {
      const t = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: KID }).sign(privateKey);
      await jose.jwtVerify(t, publicKey, { audience: ENV, issuer: ISSUER });
    }
  } else if (lib === 'fast-jwt') {
    const fastJwt = require('fast-jwt');
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const s = fastJwt.createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }), algorithm: 'ES256', kid: KID });
    const v = fastJwt.createVerifier({ key: publicKey.export({ type: 'spki', format: 'pem' }), algorithms: ['ES256'], allowedAud: ENV });
    for (let i = 0; i < 2000; i++) v(s({ ...claims }));
  } else if (lib === 'node:crypto') {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 2000; i++) {
      const input = Buffer.from(`${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`);
      const sig = crypto.sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      crypto.verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig);
    }
  }
  console.log(vmHwmKiB());
}

async function main() {
  const rounds = Number(process.argv[2] ?? 15);
  const overheadOnly = process.argv[3] === 'overhead';
  const n = 400;
  const now = Math.floor(Date.now() / 1000);
  const { sign, verify, core, raw, asyncNames, token, publicPem } = await contenders(now);
  // Warm up (JIT, tables, lazy initialisation).
  for (const group of [sign, verify]) for (const [name, f] of Object.entries(group)) await batchNs(f, 100, asyncNames.has(name));
  core.sign(50);
  core.verify(50);
  const pairs = rounds * 400;
  const ohSign = overhead(sign.bearerkit, core.sign, pairs);
  const ohVerify = overhead(verify.bearerkit, core.verify, pairs);
  const load = os.loadavg().map((x) => x.toFixed(2)).join(', ');
  const overheadTable = () => {
    const f = (ns) => `${(ns / 1000).toFixed(2)} µs`;
    const row = (what, o) => `| ${what} | ${f(o.median)} | ${f(o.q1)} – ${f(o.q3)} | ${f(o.fastest)} | ${f(o.min)} | < 2 µs |`;
    console.log(`| binding overhead per call: JS call − core call (${pairs} interleaved pairs of ${OVERHEAD_CALLS} + ${OVERHEAD_CALLS} calls) | median of the pair differences | their quartiles | fastest JS batch − fastest core batch | min of the pair differences | target |`);
    console.log('|---|---:|---:|---:|---:|---:|');
    console.log(row('sign (`d1Assertion`)', ohSign));
    console.log(row('verify (`verifyD1Assertion`, claims not read)', ohVerify));
  };
  if (overheadOnly) {
    console.log(`CPU: ${cpuModel()}; Node ${process.version}; load average ${load}`);
    console.log();
    overheadTable();
    return;
  }
  const s = Object.fromEntries([...Object.keys(sign), 'core'].map((k) => [k, []]));
  const v = Object.fromEntries([...Object.keys(verify), 'core'].map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [group, out, kind] of [[sign, s, 'sign'], [verify, v, 'verify']]) {
      const names = Object.keys(group);
      for (const name of r % 2 === 0 ? names : names.reverse()) out[name].push(await batchNs(group[name], n, asyncNames.has(name)));
      out.core.push(core[kind](n) / n);
    }
  }
  // The sign gap to raw node:crypto, piece by piece: interleaved pairs of short batches (as for
  // the overhead), the core's whole signature against its signing input alone, and raw
  // node:crypto's whole call against OpenSSL's ECDSA alone and against its signing input alone.
  const clock = median(Array.from({ length: 1001 }, () => batchSyncNs(() => {}, 0)));
  const js = (f) => (m) => batchSyncNs(f, m) - clock;
  const coreParts = paired(core.sign, core.signingInput, rounds * 200);
  const rawEcdsa = paired(js(sign['node:crypto']), js(raw.ecdsa), rounds * 200);
  const rawInput = paired(js(sign['node:crypto']), js(raw.input), rounds * 200);
  // When to build a key's tables: a fresh key's first (plain) verification against the build.
  const once = [];
  const build = [];
  const d1 = { issuerId: ISSUER, env: ENV, kid: KID, now };
  for (let r = 0; r < rounds; r++) {
    const fresh = Array.from({ length: 40 }, () => bearerkit.VerifyingKey.fromPem(publicPem));
    let t0 = process.hrtime.bigint();
    for (const k of fresh) bearerkit.verifyD1Assertion(token, k, d1);
    once.push(Number(process.hrtime.bigint() - t0) / 40);
    t0 = process.hrtime.bigint();
    for (const k of fresh.slice(0, 10)) k.prepare();
    build.push(Number(process.hrtime.bigint() - t0) / 10);
  }
  const rss = {};
  for (const lib of ['bearerkit', 'jose', 'fast-jwt', 'node:crypto']) rss[lib] = peakRss(lib);
  const josePkg = JSON.parse(fs.readFileSync(require.resolve('jose/package.json'), 'utf8')).version;
  const fastPkg = JSON.parse(fs.readFileSync(require.resolve('fast-jwt/package.json'), 'utf8')).version;

  console.log(`CPU: ${cpuModel()}; Node ${process.version}; bearerkit ${bearerkit.version}; jose ${josePkg}; fast-jwt ${fastPkg}; ${rounds} rounds of ${n} calls per contender, interleaved; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} (${load} after the overhead pairs)`);
  console.log();
  console.log('| per call (median) | sign | verify |');
  console.log('|---|---:|---:|');
  console.log(`| bearerkit (\`d1Assertion\`, \`verifyD1Assertion\` with a reused, prepared VerifyingKey) | ${us(median(s.bearerkit))} | ${us(median(v.bearerkit))} |`);
  console.log(`| jose (KeyObject; async, awaited per call) | ${us(median(s.jose))} | ${us(median(v.jose))} |`);
  console.log(`| fast-jwt (PEM keys, no token cache) | ${us(median(s['fast-jwt']))} | ${us(median(v['fast-jwt']))} |`);
  console.log(`| raw node:crypto (\`dsaEncoding: 'ieee-p1363'\`, JSON and base64url by hand) | ${us(median(s['node:crypto']))} | ${us(median(v['node:crypto']))} |`);
  console.log(`| the same core call inside the addon | ${us(median(s.core))} | ${us(median(v.core))} |`);
  console.log();
  console.log('| ratio (median of the per-round ratios) | value | target |');
  console.log('|---|---:|---:|');
  console.log(`| bearerkit sign / jose sign | ${ratio(s.bearerkit, s.jose).toFixed(3)} | ≤ 0.6 |`);
  console.log(`| bearerkit verify / jose verify | ${ratio(v.bearerkit, v.jose).toFixed(3)} | ≤ 0.5 |`);
  console.log(`| bearerkit verify / fast-jwt verify | ${ratio(v.bearerkit, v['fast-jwt']).toFixed(3)} | < 1 |`);
  console.log(`| bearerkit sign / fast-jwt sign | ${ratio(s.bearerkit, s['fast-jwt']).toFixed(3)} | |`);
  console.log(`| bearerkit sign / raw node:crypto sign | ${ratio(s.bearerkit, s['node:crypto']).toFixed(3)} | |`);
  console.log(`| bearerkit verify / raw node:crypto verify | ${ratio(v.bearerkit, v['node:crypto']).toFixed(3)} | |`);
  console.log();
  {
    console.log(`| the sign gap to raw node:crypto, piece by piece (median per call; ${rounds * 200} interleaved pairs of ${OVERHEAD_CALLS} + ${OVERHEAD_CALLS} calls per comparison) | bearerkit | raw node:crypto |`);
    console.log('|---|---:|---:|');
    console.log(`| signing input: JSON and base64url of header and claims (core: \`_benchCoreSigningInputD1\`; JS: template, \`JSON.stringify\`, \`Buffer\`) | ${us(coreParts.b)} | ${us(rawInput.b)} |`);
    console.log(`| ECDSA P-256 with SHA-256: RFC 6979 nonce, k·G, inversion (core: \`_benchCoreSignD1\` − the signing input, paired; the token's assembly included; OpenSSL: \`crypto.sign\` of a fixed input) | ${us(coreParts.diff)} | ${us(rawEcdsa.b)} |`);
    console.log(`| the binding's call (the overhead row below: median of the paired differences) | ${us(ohSign.median)} | |`);
    console.log(`| the rest of raw node:crypto's call (its whole − ECDSA − signing input, paired: the signature's base64url, the token's concatenation) | | ${us(rawEcdsa.diff - rawInput.b)} |`);
    console.log(`| whole: the core call + the binding's call; raw node:crypto's call (medians of the pairs above) | ${us(coreParts.a + ohSign.median)} | ${us(rawEcdsa.a)} |`);
  }
  console.log();
  overheadTable();
  console.log();
  console.log('| a key\'s tables: build now or on second use | value |');
  console.log('|---|---:|');
  console.log(`| first verification with a fresh key (plain p256) | ${us(median(once))} |`);
  console.log(`| building the key's tables (\`prepare()\`) | ${us(median(build))} |`);
  console.log(`| prepared verification | ${us(median(v.bearerkit))} |`);
  console.log(`| verifications to repay the build | ${(median(build) / (median(once) - median(v.bearerkit))).toFixed(1)} |`);
  console.log();
  console.log('| peak RSS (VmHWM), fresh process: load + 2,000 sign and verify | KiB |');
  console.log('|---|---:|');
  for (const [lib, kib] of Object.entries(rss)) console.log(`| ${lib} | ${kib.toLocaleString('en-US')} |`);
}

if (process.argv[2] === '--rss') await rssChild(process.argv[3]);
else await main();

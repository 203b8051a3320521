'use strict';
// The package as a user gets it: `npm pack`, then installed from the tarball into a fresh
// project (CommonJS and ESM, the prebuilt addon inside, no build), `tsc --strict --noEmit` on
// the TypeScript example against the installed types, and a directory install (`npm install
// <dir>`, a symlink whose install script finds the addon already built).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const PKG = path.resolve(__dirname, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = path.join(PKG, 'node_modules', '.bin', 'tsc');

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
}

function freshProject(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bearerkit-${name}-`));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `fresh-${name}`, version: '1.0.0', private: true }));
  return dir;
}

const SMOKE_CJS = `
const bk = require('bearerkit');
const key = bk.SigningKey.generate();
const t = bk.d1Assertion(key, { issuerId: 'MGW', env: 'prd', kid: 'k1' });
const v = bk.verifyD1Assertion(t, key.publicKey, { issuerId: 'MGW', env: 'prd', kid: 'k1' });
try { bk.verify(t, key.publicKey); } catch (e) { if (!(e instanceof bk.ClaimMismatch)) throw e; console.log(e.code); }
console.log(v.claims.iss, require.resolve('bearerkit'));
`;
const SMOKE_ESM = `
import { SigningKey, signAssertion, verify } from 'bearerkit';
import bk from 'bearerkit';
const key = SigningKey.generate();
console.log(verify(signAssertion(key, { iss: 'esm', expiresIn: 60 }), key.publicKey).claims.iss, key instanceof bk.SigningKey);
`;

test('npm pack: the tarball installs into a fresh project and works from CommonJS, ESM and TypeScript', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bearerkit-pack-'));
  try {
    const packed = JSON.parse(run(NPM, ['pack', '--json', '--pack-destination', out], PKG));
    const files = packed[0].files.map((f) => f.path).sort();
    assert.ok(files.includes('bearerkit.linux-x64-gnu.node') || files.some((f) => f.endsWith('.node')), files.join(' '));
    for (const f of ['index.js', 'index.mjs', 'index.d.ts', 'install.js', 'package.json', 'README.md']) assert.ok(files.includes(f), f);
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('node_modules/')), files.join(' '));
    const tarball = path.join(out, packed[0].filename);
    const project = freshProject('tarball');
    try {
      run(NPM, ['install', '--no-audit', '--no-fund', tarball], project);
      const installed = path.join(project, 'node_modules', 'bearerkit');
      assert.ok(!fs.lstatSync(installed).isSymbolicLink(), 'a real copy, not a link to the source');
      fs.writeFileSync(path.join(project, 'smoke.cjs'), SMOKE_CJS);
      const cjs = run(process.execPath, ['smoke.cjs'], project);
      assert.match(cjs, /unexpected_audience\nMGW /);
      assert.ok(cjs.includes(installed), cjs);
      fs.writeFileSync(path.join(project, 'smoke.mjs'), SMOKE_ESM);
      assert.equal(run(process.execPath, ['smoke.mjs'], project).trim(), 'esm true');
      // tsc --strict on the example, against the installed package's index.d.ts.
      fs.copyFileSync(path.join(PKG, 'examples', 'quickstart.ts'), path.join(project, 'quickstart.ts'));
      run(TSC, ['--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--typeRoots', path.join(PKG, 'node_modules', '@types'), '--types', 'node', 'quickstart.ts'], project);
      // ... and tsc refuses a misuse, so the check is real.
      fs.writeFileSync(path.join(project, 'wrong.ts'), "import { verify, SigningKey } from 'bearerkit';\nverify('t', SigningKey.generate());\n");
      assert.throws(() => run(TSC, ['--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--typeRoots', path.join(PKG, 'node_modules', '@types'), '--types', 'node', 'wrong.ts'], project),
        (e) => /TS2345/.test(e.stdout) && /SigningKey/.test(e.stdout));
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('npm install <dir>: a link to the package directory, whose install script finds the addon built', () => {
  const project = freshProject('dir');
  try {
    run(NPM, ['install', '--no-audit', '--no-fund', PKG], project);
    const installed = path.join(project, 'node_modules', 'bearerkit');
    assert.ok(fs.lstatSync(installed).isSymbolicLink());
    fs.writeFileSync(path.join(project, 'smoke.cjs'), SMOKE_CJS);
    assert.match(run(process.execPath, ['smoke.cjs'], project), /unexpected_audience\nMGW /);
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});

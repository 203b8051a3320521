'use strict';
// Shared helpers of the Node package's tests: the repository's vectors, the package under test
// (BEARERKIT_PACKAGE, as installed into a fresh project by scripts/node.sh, else this directory),
// and `bearerkit serve` (the CLI binary: BEARERKIT_BIN, else the cargo target directory).
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VECTORS = path.join(ROOT, 'tests', 'vectors');

/** The package under test. */
const bearerkit = require(process.env.BEARERKIT_PACKAGE || path.resolve(__dirname, '..'));

function load(name) {
  return JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8'));
}

/** The built CLI: BEARERKIT_BIN, else $CARGO_TARGET_DIR/debug, else target/debug. */
function bearerkitBin() {
  const candidates = [process.env.BEARERKIT_BIN];
  if (process.env.CARGO_TARGET_DIR) candidates.push(path.join(process.env.CARGO_TARGET_DIR, 'debug', 'bearerkit'));
  candidates.push(path.join(ROOT, 'target', 'debug', 'bearerkit'));
  for (const c of candidates) {
    if (c && fs.existsSync(c)) return c;
  }
  throw new Error('the bearerkit binary is not built: run `cargo build -p bearerkit-cli` (or set BEARERKIT_BIN)');
}

/** `bearerkit serve --port 0 --test-endpoints ARGS` on 127.0.0.1; `close()` stops it. */
async function serve(...args) {
  const proc = spawn(bearerkitBin(), ['serve', '--port', '0', '--test-endpoints', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  const lines = readline.createInterface({ input: proc.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`bearerkit serve exited with ${code}`)));
  });
  const url = first.trim().split(' ').pop();
  if (!url.startsWith('http://127.0.0.1:')) {
    proc.kill();
    throw new Error(`bearerkit serve printed ${JSON.stringify(first)}`);
  }
  return {
    url,
    async stats() {
      const r = await fetch(`${url}/_test/stats`);
      return r.json();
    },
    async fault(fault) {
      const r = await fetch(`${url}/_test/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fault),
      });
      if (r.status !== 200 && r.status !== 204) throw new Error(`faults answered ${r.status}`);
    },
    close() {
      lines.close();
      proc.kill();
    },
  };
}

module.exports = { ROOT, VECTORS, bearerkit, load, bearerkitBin, serve };

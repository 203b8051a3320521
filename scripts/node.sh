#!/usr/bin/env bash
# The Node package `bearerkit` (bindings/node): its test dependencies installed with npm from the
# registry (`npm ci`, the committed package-lock.json: @napi-rs/cli, jose, fast-jwt, typescript,
# @types/node), the addon built (`napi build --platform --release`), the `bearerkit` CLI built
# for `bearerkit serve`, then `node --test`: the shared vectors, the API, interop with jose and
# node:crypto, the token client against `bearerkit serve`, and the packed package installed into
# a fresh project (CommonJS, ESM, `tsc --strict`). Fails when no test ran.
#
#   bash scripts/node.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

need_node_major=20
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "error: node (>= $need_node_major) and npm are needed" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt "$need_node_major" ]; then
  echo "error: node $need_node_major or newer is needed (found $(node --version))" >&2
  exit 1
fi
# The client tests make certificates with `openssl req -x509`.
if ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -q </dev/null >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl </dev/null >/dev/null
  else
    echo "error: openssl is needed (the client tests make certificates with it)" >&2
    exit 1
  fi
fi
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

cd bindings/node
start=$(date +%s)
# --ignore-scripts: the package's own install script would build the addon; it is built below.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null
echo "npm ci (test dependencies): $(( $(date +%s) - start )) s"
start=$(date +%s)
rm -f ./*.node
npx --no-install napi build --platform --release --no-js --dts native.d.ts </dev/null
ls ./*.node >/dev/null
echo "napi build --release: $(( $(date +%s) - start )) s"

(cd "$ROOT" && cargo build -q -p bearerkit-cli)
export BEARERKIT_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/bearerkit"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
node --test test/*.test.js 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# node's test runner ends with "# tests N" and "# pass N": no test run is a failure.
if ! grep -Eq '^# pass [1-9]' "$log"; then
  echo "node --test ran no test" >&2
  exit 1
fi
passed=$(grep -E '^# pass ' "$log" | tail -1 | awk '{print $3}')
failed=$(grep -E '^# fail ' "$log" | tail -1 | awk '{print $3}')
echo "node: $passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" = 0 ]

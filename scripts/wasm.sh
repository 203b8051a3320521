#!/usr/bin/env bash
# The WebAssembly package `bearerkit-wasm` (bindings/wasm): built with cargo's `wasm-release`
# profile (opt-level z, LTO), wasm-bindgen for `--target web` and `--target nodejs`, then
# `wasm-opt -Oz` (npm's binaryen); prints the module's raw and gzipped size; then its tests in
# Node and in headless Chromium (the Debian package, driven by playwright-core).
#
#   bash scripts/wasm.sh
# Needs: rustup's wasm32-unknown-unknown target, node and npm, chromium (scripts/test.sh installs
# them). wasm-bindgen-cli is installed into ~/.cache/bearerkit/tools when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/tools.sh
source scripts/tools.sh
BIN=wasm-bindgen ensure_cargo_tool wasm-bindgen-cli 0.2.130
WASM_BINDGEN=$CARGO_TOOL_PATH
command -v chromium >/dev/null 2>&1 || { echo "error: chromium is not installed (apt-get install chromium)" >&2; exit 1; }

cargo build -q -p bearerkit-wasm --target wasm32-unknown-unknown --profile wasm-release
WASM="${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/wasm-release/bearerkit_wasm.wasm"
cd bindings/wasm
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund; fi
# The features Rust's wasm32 target uses; wasm-opt must keep to them.
FEATURES=(--enable-bulk-memory --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int
  --enable-reference-types --enable-multivalue)
for target in web nodejs; do
  out=pkg/${target/nodejs/node}
  rm -rf "$out"
  "$WASM_BINDGEN" --target "$target" --out-dir "$out" --remove-name-section --remove-producers-section "$WASM"
  # --converge: repeat -Oz until it stops shrinking; --zero-filled-memory: the module's own
  # memory starts zeroed (it is not imported), so zero data segments can go.
  node_modules/.bin/wasm-opt -Oz --converge --zero-filled-memory "${FEATURES[@]}" \
    "$out/bearerkit_wasm_bg.wasm" -o "$out/bearerkit_wasm_bg.wasm"
done
# The nodejs build is CommonJS inside a `"type": "module"` package.
echo '{"type": "commonjs"}' > pkg/node/package.json
raw=$(wc -c < pkg/web/bearerkit_wasm_bg.wasm)
gz=$(gzip -9 -c pkg/web/bearerkit_wasm_bg.wasm | wc -c)
echo "bearerkit_wasm_bg.wasm: $raw bytes raw, $gz bytes gzipped (gzip -9); budget 49152 (48 KiB) gzipped"

out=$(mktemp)
rc=0
node --test --test-reporter=tap tests/node.test.mjs tests/browser.test.mjs 2>&1 | tee "$out" || rc=$?
# A run that found no test is a failure, said plainly.
ran=$(sed -n 's/^# tests \([0-9]*\)$/\1/p' "$out" | tail -n1)
rm -f "$out"
if [ "${ran:-0}" -eq 0 ]; then echo "error: no test ran" >&2; exit 1; fi
echo "screenshot of the workbench: bindings/wasm/test-artifacts/workbench.png"
exit $rc

#!/usr/bin/env bash
# The size floor under the WebAssembly package: the crate benches/wasm/floor exports every core
# call bindings/wasm makes as plain C-ABI functions (no wasm-bindgen, no JavaScript values, no
# option parsing), built exactly like the package (`wasm-release` profile, the same core
# features and allocator, `wasm-opt -Oz --converge --zero-filled-memory`, names stripped).
# Prints its raw and gzipped size, and the same for the `d1-only` subset (PEM import, D1
# signing, D1 verification), next to the package's own module when scripts/wasm.sh built it.
#
#   bash benches/wasm/floor.sh
# Needs: rustup's wasm32-unknown-unknown target, node and npm (for npm's binaryen).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WASM_OPT=bindings/wasm/node_modules/.bin/wasm-opt
if [ ! -x "$WASM_OPT" ]; then (cd bindings/wasm && npm ci --no-audit --no-fund --loglevel=error); fi
FEATURES=(--enable-bulk-memory --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int
  --enable-reference-types --enable-multivalue)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
size() { # label, file: "label: N bytes raw, M bytes gzipped (gzip -9)"
  printf '%-58s %7d bytes raw, %6d bytes gzipped (gzip -9)\n' "$1" "$(wc -c < "$2")" "$(gzip -9 -c "$2" | wc -c)"
}
for variant in full d1-only; do
  features=()
  [ "$variant" = d1-only ] && features=(--features d1-only)
  cargo build -q -p bearerkit-wasm-floor --target wasm32-unknown-unknown --profile wasm-release "${features[@]}"
  "$WASM_OPT" -Oz --converge --zero-filled-memory --strip-debug --strip-producers "${FEATURES[@]}" \
    "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/wasm-release/bearerkit_wasm_floor.wasm" \
    -o "$out/$variant.wasm"
done
size "floor: the whole core surface, no binding" "$out/full.wasm"
size "floor, d1-only: PEM import, D1 signing and verification" "$out/d1-only.wasm"
pkg=bindings/wasm/pkg/web/bearerkit_wasm_bg.wasm
[ -f "$pkg" ] && size "the package bearerkit-wasm (bindings/wasm/pkg/web)" "$pkg"
echo "budget: 49152 bytes (48 KiB) gzipped"

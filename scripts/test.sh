#!/usr/bin/env bash
# bearerkit: run every test in every runtime, installing what a fresh machine lacks.
#
#   ./scripts/test.sh            # everything (what CI runs via .ci/run)
#
# Installs when missing: the thumbv7em-none-eabihf and wasm32-unknown-unknown Rust targets, rustfmt/clippy, Debian's
# qemu-system-arm and openssl, and a Python venv (.venv) with `cryptography`, `PyJWT`, `joserfc`, `pytest`,
# `mypy` and `maturin` (the Python package is then installed into a fresh venv of its own).
# Works non-interactively (CI=true, no stdin). Reuses a cargo target directory outside the
# clone when one exists ($CARGO_TARGET_DIR, else ~/.cache/bearerkit/target); never needs one.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
if [ -z "${CARGO_TARGET_DIR:-}" ] && [ -d "$HOME/.cache/bearerkit/target" ]; then
  export CARGO_TARGET_DIR="$HOME/.cache/bearerkit/target"
fi

PASSED=0
FAILED=0
FAILURES=()
step() { echo; echo "=== $* ==="; }
TIMES=()
run() {
  # run NAME CMD...: a step counts as one passed or failed check; its wall time is kept for
  # the summary (where a slow CI run spends its time).
  local name=$1; shift
  local start=$SECONDS
  step "$name"
  if "$@"; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); FAILURES+=("$name"); fi
  TIMES+=("$(printf '%5d s  %s' $((SECONDS - start)) "$name")")
}

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
APT_UPDATED=0
apt_packages() {
  # apt_packages PKG...: install Debian packages (one `apt-get update` per run).
  echo "installing $*"
  if [ "$APT_UPDATED" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq </dev/null
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" </dev/null
}
apt_install() {
  # apt_install CMD:PKG...: install PKG for each CMD that is not on PATH.
  local missing=()
  for pair in "$@"; do
    local cmd=${pair%%:*} pkg=${pair##*:}
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then apt_packages "${missing[@]}"; fi
}

step "setup"
for tool in cargo rustup python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: $tool is not installed (the Rust toolchain comes from rustup, Python 3 from the system)" >&2
    exit 1
  fi
done
rustup component add rustfmt clippy >/dev/null 2>&1 || true
rustup target add thumbv7em-none-eabihf wasm32-unknown-unknown >/dev/null
# gcc and libc6-dev: `ring` (rustls, rcgen) compiles C; qemu runs the firmware; openssl is the
# interop peer of the CLI tests; binutils' `size` measures the firmware.
apt_install qemu-system-arm:qemu-system-arm openssl:openssl size:binutils cc:gcc
# Node and npm run the JavaScript packages' tests; Debian's Chromium runs the browser tests
# (playwright-core drives it; no browser is ever downloaded).
apt_install node:nodejs npm:npm chromium:chromium
if [ ! -e /usr/include/stdio.h ]; then apt_packages libc6-dev; fi
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  # Debian's own python3 keeps venv/ensurepip in a separate package.
  apt_packages python3-venv
fi
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r tests/python/requirements.txt </dev/null

TIMES+=("$(printf '%5d s  %s' "$SECONDS" "setup (targets, apt packages, Python venv)")")
run "cargo fmt --check" cargo fmt --all --check
# Nothing refers outside the repository; no crate has a module import cycle.
run "repository stands on its own, no import cycles" python3 scripts/check_repo.py
# The firmware example is its own workspace (thumbv7em target from its .cargo/config.toml).
# Same target directory as scripts/embedded.sh uses for it.
firmware_lint() {
  local dir="$ROOT/examples/embedded/target"
  if [ -n "${CARGO_TARGET_DIR:-}" ]; then
    case "$CARGO_TARGET_DIR" in /*) dir="$CARGO_TARGET_DIR/embedded" ;; *) dir="$ROOT/$CARGO_TARGET_DIR/embedded" ;; esac
  fi
  (cd examples/embedded && cargo fmt --check && env -u RUSTFLAGS CARGO_TARGET_DIR="$dir" cargo clippy --release -- -D warnings)
}
run "firmware example: fmt and clippy (thumbv7em)" firmware_lint
run "clippy (default features)" cargo clippy --workspace --all-targets -- -D warnings
run "clippy (all features)" cargo clippy --workspace --all-targets --all-features -- -D warnings
cargo_test() {
  # cargo test ARGS...: passes through cargo's status, and fails when no test ran at all
  # (a filter or a feature that compiles every test out must not pass silently).
  local log rc=0 ran
  log=$(mktemp)
  cargo test "$@" 2>&1 | tee "$log" || rc=$?
  ran=$(awk '/^test result:/ { n += $4 } END { print n + 0 }' "$log")
  rm -f "$log"
  echo "tests run: $ran"
  if [ "$ran" -eq 0 ]; then echo "no tests ran"; return 1; fi
  return $rc
}
run "core tests, no features (no_std paths)" cargo_test -p bearerkit
run "core tests, std + precomputed tables (prepared verifier too)" cargo_test -p bearerkit --features std,precomputed-tables
# (The Python, Node and WebAssembly packages are tested from their own languages below.)
run "CLI and server tests (built binary, loopback HTTP)" cargo_test --workspace --exclude bearerkit --exclude bearerkit-benches --exclude bearerkit-client \
  --exclude bearerkit-python --exclude bearerkit-node --exclude bearerkit-wasm --exclude bearerkit-wasm-floor
# The client on its own, with every feature (the blocking twin and its tests included).
run "token client tests, all features (async and blocking, loopback HTTP)" cargo_test -p bearerkit-client --all-features
run "core builds for thumbv7em-none-eabihf without alloc (sign and verify, sign only, verify only)" bash -c \
  "cargo build -p bearerkit --no-default-features --features sign,verify --target thumbv7em-none-eabihf && cargo build -p bearerkit --no-default-features --features sign --target thumbv7em-none-eabihf && cargo build -p bearerkit --no-default-features --features verify --target thumbv7em-none-eabihf"
run "core builds for thumbv7em-none-eabihf with alloc" cargo build -p bearerkit --features alloc --target thumbv7em-none-eabihf
run "core builds for wasm32-unknown-unknown" cargo build -p bearerkit --features alloc --target wasm32-unknown-unknown
no_heap_features() {
  # Every package in the core's no-default-features thumbv7em build, with its enabled features:
  # none may have `alloc` or `std` on. (The same query with `--features std` lists 26.)
  local tree hits
  tree=$(cargo tree -p bearerkit -e normal --target thumbv7em-none-eabihf --prefix none --format '{p} [{f}]') || return 1
  if ! grep -q '^bearerkit v' <<<"$tree"; then echo "cargo tree listed no bearerkit package"; return 1; fi
  hits=$(sort -u <<<"$tree" | grep -E '\[[^]]*\b(alloc|std)\b' || true)
  if [ -n "$hits" ]; then echo "$hits"; return 1; fi
  echo "no package of the core build enables alloc or std ($(sort -u <<<"$tree" | wc -l) packages)"
}
run "no alloc/std feature reaches the core build" no_heap_features
run "embedded firmware on emulated Cortex-M4" bash scripts/embedded.sh
run "rustdoc (every public item documented)" env RUSTDOCFLAGS="-D warnings -D missing_docs" cargo doc -p bearerkit --no-deps --features std,precomputed-tables
run "rustdoc of the client and server (every public item documented)" env RUSTDOCFLAGS="-D warnings -D missing_docs" \
  cargo doc -p bearerkit-client -p bearerkit-server --no-deps --all-features
core_examples() {
  # The runnable example of each platform flow, from the core crate alone.
  local ex
  for ex in d1_assertion worldline_client_assertion verify_d1_guide_token; do
    echo "--- example $ex"
    cargo run -q -p bearerkit --features std --example "$ex" || return 1
  done
}
run "core examples (one per platform flow) run" core_examples
run "client example: Worldline client assertions with an RSA certificate (RS256, PS256) against the local realm" \
  cargo run -q -p bearerkit-client --example worldline_rsa -- \
  crates/bearerkit-rsa/tests/keys/rsa2048.pem crates/bearerkit-rsa/tests/keys/rsa2048-cert.pem

pytest_run() {
  local rc=0
  # The realm interop test drives the built `bearerkit` binary (PyJWT assertions against it).
  cargo build -q -p bearerkit-cli || return 1
  export BEARERKIT_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/bearerkit"
  .venv/bin/python -m pytest -q tests/python "$@" || rc=$?
  # pytest exits 5 when it collected no tests: that is a failure here, said plainly.
  if [ $rc -eq 5 ]; then echo "pytest collected no tests"; return 1; fi
  return $rc
}
run "vectors confirmed by an independent implementation (Python cryptography), PyJWT assertions against the local realm" pytest_run
# The WebAssembly package: built (web and nodejs), its size printed, tests in Node and Chromium.
run "WebAssembly package: build, size, tests in Node and headless Chromium (vectors, WebCrypto, workbench)" bash scripts/wasm.sh
# A measurement next to it: the same core calls exported without any binding (benches/wasm/floor).
run "WebAssembly size floor: the core's surface in a module without a binding" bash benches/wasm/floor.sh
# The Node package: npm ci, the napi-rs addon, node --test (vectors, jose and node:crypto interop,
# the token client against bearerkit serve, the packed tarball in a fresh project, tsc --strict).
run "Node package: addon build, vectors, interop, token client, npm pack install, TypeScript" bash scripts/node.sh
# The Python package: pip install ./bindings/python into a fresh venv, its tests, stubs, example.
run "Python package: pip install into a fresh venv, vectors, interop, token client, typing" bash scripts/python.sh
# cargo deny (bans, licenses, sources; advisories only when a database is present) and no C
# or assembly crypto in the core's dependency tree. Installs cargo-deny into a cache outside
# the clone when it is missing.
run "dependency policy (cargo deny; no C or assembly crypto in the core)" bash scripts/deny.sh
# Every fuzz target for about 20 s, and its committed regression inputs once, when a nightly
# toolchain is present (the script says plainly when it skips).
run "fuzz smoke runs (cargo-fuzz, nightly)" bash scripts/fuzz.sh 20

echo
echo "=== summary ==="
printf '%s\n' "${TIMES[@]}"
for f in "${FAILURES[@]:-}"; do [ -n "$f" ] && echo "FAILED: $f"; done
echo "checks: $PASSED passed, $FAILED failed in $SECONDS s"
[ "$FAILED" -eq 0 ]

#!/usr/bin/env bash
# bearerkit: dependency policy (deny.toml) and the core's "no C or assembly crypto" rule.
#
#   ./scripts/deny.sh
#
# 1. cargo deny check bans licenses sources   (whole workspace, all features, all targets)
# 2. cargo deny check advisories, offline, only when an advisory database is already on this
#    machine (it is fetched from a host this machine cannot reach); otherwise says it skipped.
# 3. The core crate `bearerkit` (normal + build dependencies, every target, with and without
#    features): no C/assembly crypto or native-build crate, and no `asm` feature enabled.
#
# cargo-deny: the one on PATH, else the one in ${BEARERKIT_TOOLS:-~/.cache/bearerkit/tools}/bin,
# else installed there (cargo install cargo-deny 0.20.2 --locked; a few minutes, once).
# Works unattended (CI=true, no stdin). Exits non-zero if any check fails or cargo-deny is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

CARGO_DENY_VERSION=0.20.2
PASSED=0
FAILED=0
SKIPPED=0
FAILURES=()
pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); }

# --- the core's tree: no C or assembly crypto ------------------------------------------------

# Packages that compile C or assembly (or bind a C library) and have no place in the core.
NATIVE_CRATES_RE='^(cc|cmake|ring|aws-lc-rs|aws-lc-sys|aws-lc-fips-sys|openssl|openssl-sys|native-tls|boring.*|nasm.*|.*-sys)$'

no_native_crypto() {
  # no_native_crypto PACKAGE [cargo tree feature args...]: every package in PACKAGE's normal and
  # build dependency tree, on every target: none may be in NATIVE_CRATES_RE, and none may have
  # an assembly feature (`asm`, `asm-*`, `*-asm`: sha1/sha2/md-5/keccak... use hand-written
  # assembly behind it) enabled.
  local pkg=$1; shift
  local tree rows bad_names bad_features count
  if ! tree=$(cargo tree -p "$pkg" "$@" -e normal,build --target all --prefix none \
      --format '{p} [{f}]' </dev/null); then
    echo "cargo tree -p $pkg $* failed"
    return 1
  fi
  # "name vX.Y.Z [(path)|(proc-macro)] [features]", de-duplicated (cargo tree marks repeats "(*)").
  rows=$(sed -e 's/ (\*)$//' <<<"$tree" | sort -u)
  if ! grep -q "^$pkg v" <<<"$rows"; then
    echo "cargo tree listed no $pkg package"
    return 1
  fi
  count=$(awk '{ print $1 " " $2 }' <<<"$rows" | sort -u | wc -l)
  bad_names=$(awk '{ print $1 " " $2 }' <<<"$rows" | sort -u | awk -v re="$NATIVE_CRATES_RE" '$1 ~ re' || true)
  bad_features=$(grep -E '\[([^]]*,)?(asm|asm-[^],]*|[^],]*-asm)(,[^]]*)?\]$' <<<"$rows" || true)
  echo "$pkg ${*:-(no features)}: $count packages checked"
  if [ -n "$bad_names" ] || [ -n "$bad_features" ]; then
    if [ -n "$bad_names" ]; then
      echo "  C/assembly crypto or native-build crates in the tree:"
      sed 's/^/    /' <<<"$bad_names"
    fi
    if [ -n "$bad_features" ]; then
      echo "  packages with an asm feature enabled:"
      sed 's/^/    /' <<<"$bad_features"
    fi
    echo "  verdict: FAIL (the core must stay pure Rust)"
    return 1
  fi
  echo "  verdict: ok (no C or assembly crypto, no native-build crate, no asm feature)"
}

core_pure_rust() {
  local rc=0
  no_native_crypto bearerkit || rc=1
  no_native_crypto bearerkit --features std,precomputed-tables || rc=1
  return $rc
}

# --- advisories --------------------------------------------------------------------------------

# cargo-deny 0.20 keeps its databases in $CARGO_HOME/advisory-dbs/<name>-<hash of url>/ (a git
# clone); for the default RustSec url that is advisory-db-3157b0e258782691. cargo-audit keeps
# the same database in $CARGO_HOME/advisory-db/.
CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"
DENY_DB_NAME=advisory-db-3157b0e258782691

advisories() {
  local db="" cfg=deny.toml tmp="" out rc=0
  for d in "$CARGO_HOME_DIR"/advisory-dbs/advisory-db-*; do
    if [ -e "$d/.git" ]; then db=$d; break; fi
  done
  if [ -z "$db" ] && [ -e "$CARGO_HOME_DIR/advisory-db/.git" ]; then
    # cargo-audit's copy: point cargo-deny at it through a temporary db-path.
    db="$CARGO_HOME_DIR/advisory-db"
    tmp=$(mktemp -d)
    ln -s "$db" "$tmp/$DENY_DB_NAME"
    sed "s|^\[advisories\]\$|[advisories]\ndb-path = \"$tmp\"|" deny.toml >"$tmp/deny.toml"
    cfg="$tmp/deny.toml"
  fi
  if [ -z "$db" ]; then
    echo "advisories: skipped (no advisory database on this machine; it is fetched from a host this machine cannot reach)"
    SKIPPED=$((SKIPPED + 1))
    return 0
  fi
  echo "advisory database: $db (last commit $(git -C "$db" log -1 --format=%cs 2>/dev/null || echo unknown))"
  out=$(cargo deny --offline --locked --config "$cfg" check advisories 2>&1 </dev/null) || rc=$?
  [ -n "$tmp" ] && rm -rf "$tmp"
  printf '%s\n' "$out"
  if [ $rc -ne 0 ] && grep -q 'repository is stale' <<<"$out"; then
    echo "advisories: skipped (the advisory database at $db is older than cargo-deny's 90-day limit and cannot be refreshed from this machine)"
    SKIPPED=$((SKIPPED + 1))
    return 0
  fi
  if [ $rc -eq 0 ]; then pass; else fail "cargo deny check advisories"; fi
}

# --- run -------------------------------------------------------------------------------------------

echo "=== cargo-deny ==="
if ! ensure_cargo_tool cargo-deny "$CARGO_DENY_VERSION" --locked; then
  echo "error: cargo-deny is required for the dependency policy and could not be found or installed;" \
    "the policy was NOT checked" >&2
  exit 1
fi

echo
echo "=== cargo deny check bans licenses sources ==="
# The inclusion graphs of warnings (duplicate versions) are long: shown only on failure.
if cargo deny --locked check --hide-inclusion-graph bans licenses sources </dev/null; then
  pass
else
  echo "--- again, with inclusion graphs:"
  cargo deny --locked check bans licenses sources </dev/null || true
  fail "cargo deny check bans licenses sources"
fi

echo
echo "=== cargo deny check advisories (offline) ==="
advisories

echo
echo "=== core crate: no C or assembly crypto ==="
if core_pure_rust; then pass; else fail "core crate: no C or assembly crypto"; fi

echo
for f in "${FAILURES[@]:-}"; do [ -n "$f" ] && echo "FAILED: $f"; done
echo "deny: $PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]

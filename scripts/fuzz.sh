#!/usr/bin/env bash
# bearerkit: run every cargo-fuzz target in fuzz/ briefly (needs the nightly toolchain).
#
#   ./scripts/fuzz.sh [SECONDS]        # default 20 s per target
#   FUZZ_TARGETS="json verify" ./scripts/fuzz.sh 300
#
# Without `cargo +nightly` it prints "fuzz: skipped (no nightly toolchain)" and exits 0.
# Otherwise it installs cargo-fuzz 0.13.2 when missing (scripts/tools.sh: into
# ${BEARERKIT_TOOLS:-~/.cache/bearerkit/tools}, outside the clone), builds the targets
# (CARGO_BUILD_JOBS, default 2; in $CARGO_TARGET_DIR/fuzz when CARGO_TARGET_DIR is set),
# then for each target: runs every input of fuzz/regressions/<target>/ once, and fuzzes
# for SECONDS from a scratch copy of fuzz/corpus/<target> and the regressions (so nothing
# is written into the clone). Prints the executions each run reached and ends with
# `fuzz: N passed, M failed`; exits non-zero when any target failed. A crashing input is
# kept in the scratch directory and printed (base64) so it can go to fuzz/regressions/.
# Works unattended (CI=true, no stdin).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_TARGET=${1:-20}
case "$SECONDS_PER_TARGET" in '' | *[!0-9]*)
  echo "usage: $0 [SECONDS]" >&2
  exit 2
  ;;
esac
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
TARGETS=(${FUZZ_TARGETS:-verify json key_import server_params differential})

if ! command -v cargo >/dev/null 2>&1 || ! cargo +nightly --version >/dev/null 2>&1 </dev/null; then
  echo "fuzz: skipped (no nightly toolchain)"
  exit 0
fi

# shellcheck source=scripts/tools.sh
source scripts/tools.sh
ensure_cargo_tool cargo-fuzz 0.13.2 +nightly --locked

BUILD_ARGS=()
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  case "$CARGO_TARGET_DIR" in /*) dir="$CARGO_TARGET_DIR/fuzz" ;; *) dir="$ROOT/$CARGO_TARGET_DIR/fuzz" ;; esac
  BUILD_ARGS+=(--target-dir "$dir")
fi
# cargo-fuzz's defaults: release, debug assertions and overflow checks, AddressSanitizer.
echo "fuzz: building ${TARGETS[*]} (cargo +nightly fuzz build, CARGO_BUILD_JOBS=$CARGO_BUILD_JOBS)"
start=$SECONDS
if ! cargo +nightly fuzz build "${BUILD_ARGS[@]}" </dev/null; then
  echo "fuzz: build failed"
  echo "fuzz: 0 passed, ${#TARGETS[@]} failed"
  exit 1
fi
echo "fuzz: built in $((SECONDS - start)) s"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/bearerkit-fuzz.XXXXXX")
KEEP_SCRATCH=0
cleanup() { if [ "$KEEP_SCRATCH" -eq 0 ]; then rm -rf "$SCRATCH"; fi; }
trap cleanup EXIT

PASSED=0
FAILED=0
FAILURES=()
for t in "${TARGETS[@]}"; do
  echo
  echo "=== fuzz $t: ${SECONDS_PER_TARGET} s ==="
  mkdir -p "$SCRATCH/corpus/$t" "$SCRATCH/artifacts/$t"
  if [ -d "fuzz/corpus/$t" ]; then cp -R "fuzz/corpus/$t/." "$SCRATCH/corpus/$t/"; fi
  regressions=()
  if [ -d "fuzz/regressions/$t" ]; then
    while IFS= read -r -d '' f; do regressions+=("$f"); done \
      < <(find "fuzz/regressions/$t" -type f ! -name '*.md' -print0 | sort -z)
  fi
  log="$SCRATCH/$t.log"
  ok=1
  # libFuzzer flags after `--` come after cargo-fuzz's own, so the artifact prefix here wins.
  flags=(-artifact_prefix="$SCRATCH/artifacts/$t/" -print_final_stats=1)
  if [ ${#regressions[@]} -gt 0 ]; then
    echo "regressions: ${#regressions[@]} input(s) from fuzz/regressions/$t"
    if cargo +nightly fuzz run "${BUILD_ARGS[@]}" "$t" "${regressions[@]}" -- "${flags[@]}" \
        </dev/null >"$log.regressions" 2>&1; then
      echo "regressions: all passed"
    else
      ok=0
      echo "regressions: FAILED"
      tail -n 40 "$log.regressions"
    fi
    cp "${regressions[@]}" "$SCRATCH/corpus/$t/"
  fi
  if [ "$ok" -eq 1 ]; then
    if cargo +nightly fuzz run "${BUILD_ARGS[@]}" "$t" "$SCRATCH/corpus/$t" -- "${flags[@]}" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=20 -rss_limit_mb=4096 </dev/null >"$log" 2>&1; then
      :
    else
      ok=0
      echo "fuzzing: FAILED"
      grep -v '^#[0-9]' "$log" | tail -n 60
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    corpus=$(find "$SCRATCH/corpus/$t" -type f | wc -l)
    echo "executions: ${execs:-unknown} in ${SECONDS_PER_TARGET} s (corpus now ${corpus} inputs)"
  fi
  for a in "$SCRATCH/artifacts/$t"/*; do
    [ -e "$a" ] || continue
    KEEP_SCRATCH=1
    echo "crashing input: $a ($(wc -c <"$a") bytes); base64:"
    base64 -w 0 "$a"
    echo
  done
  if [ "$ok" -eq 1 ]; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
    FAILURES+=("$t")
  fi
done

echo
if [ "$FAILED" -gt 0 ]; then
  echo "failed targets: ${FAILURES[*]} (inputs and logs kept in $SCRATCH)"
  KEEP_SCRATCH=1
fi
echo "fuzz: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

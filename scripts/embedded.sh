#!/usr/bin/env bash
# Build the bare-metal example (examples/embedded) for thumbv7em-none-eabihf three ways
# (the core's features `sign,verify`, `sign` only, `verify` only), check each one's code
# size, run each on an emulated Cortex-M4 (QEMU mps2-an386) and compare its output with the
# shared signing vector `d1_guide_key_production` (tests/vectors/signing.json).
#
# Usage (from the repository root): scripts/embedded.sh
#
# Installs what is missing, non-interactively (CI=true, no stdin):
#   - the rustup target thumbv7em-none-eabihf;
#   - qemu-system-arm (apt-get, through sudo when not root).
#
# Target directory: the example is its own cargo workspace with its own profile
# (opt-level "z", fat LTO, panic abort), target and features, so it never shares build
# output with the root workspace. It builds into examples/embedded/target, or into
# "$CARGO_TARGET_DIR/embedded" when CARGO_TARGET_DIR is set (e.g. a CI cache directory).
#
# Fails when a build's .text exceeds its limit (TEXT_LIMIT = 40 KiB for every build,
# SIGN_ONLY_TEXT_LIMIT = 28 KiB for the sign-only one), when QEMU fails or times out, or when
# the output is not exactly (sign,verify):
#   TOKEN <token of the vector d1_guide_key_production>
#   VERIFY ok
#   TAMPER bad_signature
# the TOKEN line alone (sign), or the VERIFY and TAMPER lines (verify: it verifies the
# vector's token, which build.rs builds into the image).
# All checks run even after one fails; the exit status is non-zero if any failed.
set -euo pipefail

TARGET=thumbv7em-none-eabihf
TEXT_LIMIT=40960
SIGN_ONLY_TEXT_LIMIT=28672
VECTOR_NAME=d1_guide_key_production
QEMU_TIMEOUT=120

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
vectors="$root/tests/vectors/signing.json"
crate_dir="$root/examples/embedded"

if [[ -n "${CARGO_TARGET_DIR:-}" ]]; then
    case "$CARGO_TARGET_DIR" in
        /*) target_dir="$CARGO_TARGET_DIR/embedded" ;;
        *) target_dir="$root/$CARGO_TARGET_DIR/embedded" ;;
    esac
else
    target_dir="$crate_dir/target"
fi
elf="$target_dir/$TARGET/release/bearerkit-embedded"

log() { printf 'embedded: %s\n' "$*" >&2; }
die() { log "error: $*"; echo "embedded: 0 passed, 1 failed"; exit 1; }

# ---- prerequisites ---------------------------------------------------------------
command -v cargo >/dev/null || die "cargo not found"
command -v python3 >/dev/null || die "python3 not found (needed to read $vectors)"

if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    log "installing rustup target $TARGET"
    rustup target add "$TARGET" </dev/null
fi

if ! command -v qemu-system-arm >/dev/null; then
    log "installing qemu-system-arm (apt-get)"
    sudo_cmd=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null || die "qemu-system-arm is missing and sudo is not available"
        sudo_cmd=(sudo -n)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -q </dev/null >&2
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends qemu-system-arm </dev/null >&2
    command -v qemu-system-arm >/dev/null || die "qemu-system-arm still missing after apt-get install"
fi

size_tool=()
if command -v size >/dev/null; then
    size_tool=(size -A)
elif command -v llvm-size >/dev/null; then
    size_tool=(llvm-size -A)
else
    die "neither 'size' (binutils) nor 'llvm-size' found"
fi

# ---- expected token from the shared vector ----------------------------------------
[[ -f "$vectors" ]] || die "vector file $vectors is missing (it must hold the case '$VECTOR_NAME')"
expected="$(python3 - "$vectors" "$VECTOR_NAME" <<'EOF'
import json, sys
path, name = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    doc = json.load(f)
cases = doc.get("cases", []) if isinstance(doc, dict) else doc
found = [c for c in cases if isinstance(c, dict) and c.get("name") == name]
if not found:
    sys.exit(f"no case named {name!r} in {path}")
case = found[0]
# The firmware hard-codes these inputs: refuse a vector made from other ones.
want = {
    "header_json": '{"alg":"ES256","typ":"JWT","kid":"k1"}',
    "claims_json": '{"iss":"MGW_ID","sub":"MGW_ID","aud":"prd","exp":1700000300,"iat":1700000000}',
}
for key, value in want.items():
    if key in case and case[key] != value:
        sys.exit(f"case {name!r}: {key} is {case[key]!r}, the firmware signs {value!r}")
token = case.get("token")
if not isinstance(token, str) or token.count(".") != 2:
    sys.exit(f"case {name!r} has no compact JWS 'token'")
print(token)
EOF
)" || die "cannot read the expected token (see above)"

# ---- build, size, run: once per feature set -----------------------------------------
# A RUSTFLAGS in the environment would replace the example's .cargo/config.toml rustflags
# (the -Tlink.x linker script): build with the config's only.
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET

failures=()
passed=0

# check_build FEATURES LIMIT EXPECTED_OUTPUT
check_build() {
    local features="$1" limit="$2" expected_output="$3" before=${#failures[@]}
    log "building examples/embedded with features $features (target dir $target_dir)"
    if ! (cd "$crate_dir" && CARGO_TARGET_DIR="$target_dir" cargo build --release -j2 \
            --no-default-features --features "$features"); then
        failures+=("[$features] build failed")
        return
    fi
    [[ -f "$elf" ]] || { failures+=("[$features] no ELF at $elf"); return; }

    local sizes text
    sizes="$("${size_tool[@]}" "$elf")"
    section() { awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }' <<<"$sizes"; }
    text="$(section .text)"
    echo "embedded [$features] .text: $text bytes (limit $limit)"
    echo "embedded [$features] .rodata: $(section .rodata) bytes, .data: $(section .data) bytes, .bss: $(section .bss) bytes"
    if (( text > limit )); then
        failures+=("[$features] .text is $text bytes, over the limit of $limit")
    fi

    log "running [$features] under qemu-system-arm (timeout ${QEMU_TIMEOUT}s)"
    local output status
    set +e
    output="$(timeout "$QEMU_TIMEOUT" qemu-system-arm -cpu cortex-m4 -machine mps2-an386 -nographic \
        -semihosting-config enable=on,target=native -kernel "$elf" </dev/null)"
    status=$?
    set -e
    output="${output//$'\r'/}"
    printf '%s\n' "$output"
    if (( status == 124 )); then
        failures+=("[$features] QEMU timed out after ${QEMU_TIMEOUT}s")
    elif (( status != 0 )); then
        failures+=("[$features] QEMU exited with status $status")
    fi
    if [[ "$output" != "$expected_output" ]]; then
        local -a got want
        mapfile -t got <<<"$output"
        mapfile -t want <<<"$expected_output"
        local i
        for i in "${!want[@]}"; do
            if [[ "${got[$i]:-}" != "${want[$i]}" ]]; then
                failures+=("[$features] line $((i + 1)) is '${got[$i]:-}', expected '${want[$i]}'")
            fi
        done
        (( ${#got[@]} == ${#want[@]} )) ||
            failures+=("[$features] expected exactly ${#want[@]} output lines, got ${#got[@]}")
    fi
    (( ${#failures[@]} == before )) && passed=$((passed + 1))
    return 0
}

check_build "sign,verify" "$TEXT_LIMIT" "TOKEN $expected
VERIFY ok
TAMPER bad_signature"
check_build "sign" "$SIGN_ONLY_TEXT_LIMIT" "TOKEN $expected"
check_build "verify" "$TEXT_LIMIT" "VERIFY ok
TAMPER bad_signature"

total=3
if (( ${#failures[@]} > 0 )); then
    for f in "${failures[@]}"; do log "FAIL: $f"; done
    echo "embedded: $passed passed, $((total - passed)) failed"
    exit 1
fi
echo "embedded: $total passed, 0 failed"

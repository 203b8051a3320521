# bearerkit: install cargo tools into a cache outside the clone. Source this file, then:
#
#   ensure_cargo_tool NAME VERSION [+TOOLCHAIN] [EXTRA CARGO INSTALL ARGS...]
#
#   ensure_cargo_tool cargo-deny 0.20.2 --locked
#   ensure_cargo_tool cargo-fuzz 0.13.1 +nightly --locked
#   ensure_cargo_tool wasm-bindgen-cli 0.2.100 --locked     # binary: wasm-bindgen
#
# Looks for the tool's binary (NAME, or the binary named by BIN=..., e.g.
# `BIN=wasm-bindgen ensure_cargo_tool wasm-bindgen-cli ...`) on PATH first, then in
# "$BEARERKIT_TOOLS/bin" (default ~/.cache/bearerkit/tools/bin); otherwise runs
# `cargo [+TOOLCHAIN] install NAME --version VERSION --root "$BEARERKIT_TOOLS" -j2 ...`.
# On success the cache's bin/ is on PATH and the binary's path is in $CARGO_TOOL_PATH.
# On failure it prints why and returns non-zero (the caller must fail; never skip silently).
# A binary on PATH is used whatever its version (it says which); the cache install is pinned.
# Works unattended (no stdin, CI=true).

BEARERKIT_TOOLS="${BEARERKIT_TOOLS:-$HOME/.cache/bearerkit/tools}"

ensure_cargo_tool() {
  if [ $# -lt 2 ]; then
    echo "usage: ensure_cargo_tool NAME VERSION [+TOOLCHAIN] [cargo install args...]" >&2
    return 2
  fi
  local name=$1 version=$2 toolchain=()
  shift 2
  if [ $# -gt 0 ] && [ "${1#+}" != "$1" ]; then toolchain=("$1"); shift; fi
  local bin=${BIN:-$name}
  CARGO_TOOL_PATH=""

  case ":$PATH:" in *":$BEARERKIT_TOOLS/bin:"*) ;; *) export PATH="$PATH:$BEARERKIT_TOOLS/bin" ;; esac

  local found
  if found=$(command -v "$bin" 2>/dev/null) && [ -x "$found" ]; then
    CARGO_TOOL_PATH=$found
    echo "$bin: using $found ($("$found" --version 2>/dev/null | head -n1 || echo 'version unknown'))"
    return 0
  fi

  echo "$bin: not found on PATH nor in $BEARERKIT_TOOLS/bin; installing $name $version there" \
    "(cargo ${toolchain[*]:+${toolchain[*]} }install; this takes minutes)"
  if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo is not installed, so $name cannot be installed" >&2
    return 1
  fi
  mkdir -p "$BEARERKIT_TOOLS" || { echo "error: cannot create $BEARERKIT_TOOLS" >&2; return 1; }
  local start=$SECONDS
  if ! cargo "${toolchain[@]}" install "$name" --version "$version" --root "$BEARERKIT_TOOLS" \
      -j "${CARGO_BUILD_JOBS:-2}" "$@" </dev/null; then
    echo "error: \`cargo ${toolchain[*]:+${toolchain[*]} }install $name --version $version\` failed" >&2
    return 1
  fi
  if [ ! -x "$BEARERKIT_TOOLS/bin/$bin" ]; then
    echo "error: $name $version installed, but $BEARERKIT_TOOLS/bin/$bin is not there" >&2
    return 1
  fi
  CARGO_TOOL_PATH="$BEARERKIT_TOOLS/bin/$bin"
  echo "$bin: installed $name $version in $((SECONDS - start)) s ($CARGO_TOOL_PATH)"
}

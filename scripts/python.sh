#!/usr/bin/env bash
# The Python package `bearerkit` (bindings/python), as a user gets it: `pip install
# ./bindings/python` (PEP 517, built by maturin) into a fresh virtual environment, then, from
# that environment, its tests (the shared vectors, the API, interop with PyJWT, joserfc and
# cryptography, the token client against `bearerkit serve`), the type stubs against the
# compiled module (mypy stubtest), and `mypy --strict` plus a run of the example.
#
#   bash scripts/python.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
VENV=$TMP/venv

echo "fresh virtual environment: $VENV"
python3 -m venv "$VENV"
start=$(date +%s)
"$VENV/bin/python" -m pip install -q --disable-pip-version-check ./bindings/python -r tests/python/requirements.txt </dev/null
echo "pip install ./bindings/python (and the test requirements): $(( $(date +%s) - start )) s"
# The installed wheel is what gets imported, not the source tree.
where=$(cd "$TMP" && "$VENV/bin/python" -c "import bearerkit; print(bearerkit.__file__)")
case "$where" in
  "$VENV"/*) echo "imported from the installed package: $where" ;;
  *) echo "error: bearerkit was imported from $where, not from the fresh environment" >&2; exit 1 ;;
esac

cargo build -q -p bearerkit-cli
export BEARERKIT_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/bearerkit"
rc=0
"$VENV/bin/python" -m pytest -q -p no:cacheprovider bindings/python/tests || rc=$?
# pytest exits 5 when it collected no tests: a failure here, said plainly.
if [ $rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi
[ $rc -eq 0 ] || exit $rc

echo "--- type stubs match the compiled module (mypy stubtest)"
(cd "$TMP" && "$VENV/bin/python" -m mypy.stubtest bearerkit._bearerkit)
echo "--- mypy --strict on the example, then the example"
"$VENV/bin/python" -m mypy --strict --no-incremental bindings/python/examples/quickstart.py
"$VENV/bin/python" bindings/python/examples/quickstart.py

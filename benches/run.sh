#!/usr/bin/env bash
# Run the core benchmarks and `openssl speed ecdsap256` in one go, then write the ratios to
# benches/RESULTS.md. Usage: ./benches/run.sh   (takes about 5 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
if [ -z "${CARGO_TARGET_DIR:-}" ] && [ -d "$HOME/.cache/bearerkit/target" ]; then
  export CARGO_TARGET_DIR="$HOME/.cache/bearerkit/target"
fi
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
cargo bench -p bearerkit-benches --bench ratios -- 15 | tee /tmp/bearerkit-ratios.md
cargo bench -p bearerkit-benches --bench core -- --warm-up-time 2 --measurement-time 6 2>&1 | tee /tmp/bearerkit-bench.log
cargo bench -p bearerkit-benches --bench json 2>/dev/null | tee /tmp/bearerkit-json.md
cargo bench -p bearerkit-benches --bench comb 2>/dev/null | tee /tmp/bearerkit-comb.md
cargo bench -p bearerkit-benches --bench dudect -- 300000 2>/dev/null | tee /tmp/bearerkit-dudect.md
openssl speed -seconds 5 ecdsap256 2>/dev/null | tee /tmp/bearerkit-openssl.txt
cargo run --release -q -p bearerkit-server --example load | tee /tmp/bearerkit-load.md
cargo run --release -q -p bearerkit-client --example bench | tee /tmp/bearerkit-client.md
python3 benches/report.py "$TARGET/criterion" /tmp/bearerkit-openssl.txt /tmp/bearerkit-load.md \
  /tmp/bearerkit-client.md /tmp/bearerkit-ratios.md > benches/RESULTS.md
{ echo; cat /tmp/bearerkit-json.md; } >> benches/RESULTS.md
{
  echo; echo "## Signing comb per window (\`cargo bench -p bearerkit-benches --bench comb\`)"; echo
  cat /tmp/bearerkit-comb.md
  echo; echo "## Constant-time signing: dudect-style timing test (\`--bench dudect -- 300000\`)"; echo
  cat /tmp/bearerkit-dudect.md
} >> benches/RESULTS.md
cat benches/RESULTS.md

"""Shared fixtures of the Python package's tests: the repository's vectors, and the
`bearerkit` binary (for `bearerkit serve`)."""
import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
VECTORS = ROOT / "tests" / "vectors"


def load(name):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def bearerkit_bin():
    """The built CLI: BEARERKIT_BIN, else $CARGO_TARGET_DIR/debug, else target/debug. Under CI a
    missing binary fails the test instead of skipping it."""
    candidates = [os.environ.get("BEARERKIT_BIN")]
    if os.environ.get("CARGO_TARGET_DIR"):
        candidates.append(os.path.join(os.environ["CARGO_TARGET_DIR"], "debug", "bearerkit"))
    candidates.append(str(ROOT / "target" / "debug" / "bearerkit"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    if os.environ.get("CI") == "true":
        pytest.fail("the bearerkit binary is not built (set BEARERKIT_BIN)")
    pytest.skip("the bearerkit binary is not built: run `cargo build -p bearerkit-cli` first")


class Served:
    """`bearerkit serve --port 0 ARGS` on 127.0.0.1, stopped by `close()`."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [bearerkit_bin(), "serve", "--port", "0", "--test-endpoints", *args],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            env=dict(os.environ, RUST_LOG="warn"), text=True)
        line = self.proc.stdout.readline().strip()
        self.url = line.rsplit(" ", 1)[-1]
        if not self.url.startswith(("http://127.0.0.1:", "https://127.0.0.1:")):
            self.close()
            raise AssertionError(f"bearerkit serve printed {line!r}")

    def stats(self):
        import urllib.request
        with urllib.request.urlopen(f"{self.url}/_test/stats", timeout=10) as r:
            return json.loads(r.read())

    def close(self):
        self.proc.kill()
        self.proc.wait()

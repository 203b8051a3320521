//! `bearerkit serve` as a child process for the CLI's integration tests (included with
//! `#[path]` by `network.rs` and `serve_flags.rs`).

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

/// A running `bearerkit serve`, killed on drop.
pub(crate) struct Served {
    child: Child,
    /// The base URL the server printed (`http://127.0.0.1:PORT` or `https://...`).
    pub(crate) url: String,
    // Kept open: the server keeps printing to it.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `bearerkit serve --port 0 ARGS...` and read the address from its banner.
pub(crate) fn serve<I: IntoIterator<Item = S>, S: Into<OsString>>(args: I) -> Served {
    let bin = assert_cmd::cargo::cargo_bin("bearerkit");
    let mut child = std::process::Command::new(bin)
        .args(["serve", "--port", "0"])
        .args(args.into_iter().map(Into::into))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:") || url.starts_with("https://127.0.0.1:"), "{line:?}");
    Served { child, url, _stdout: stdout }
}

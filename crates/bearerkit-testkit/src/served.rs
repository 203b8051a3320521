//! `bearerkit serve` as a child process, for the CLI's tests.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

/// A running `bearerkit serve`, killed (and waited for) on drop.
pub struct Served {
    child: Child,
    /// The base URL the server printed (`http://127.0.0.1:PORT` or `https://...`).
    pub url: String,
    // Kept open: the server keeps printing to it.
    _stdout: BufReader<ChildStdout>,
}

impl Served {
    /// Run `BIN serve --port 0 ARGS...` (`BIN` the built `bearerkit`, say
    /// `env!("CARGO_BIN_EXE_bearerkit")`) with `RUST_LOG=warn`, and read the address from
    /// the first line of its banner.
    ///
    /// # Panics
    /// When the binary cannot be started, or its first line does not end with a loopback
    /// URL (it failed to start: its stderr is not captured, see the test's output).
    pub fn start<I, S>(bin: impl AsRef<Path>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = Command::new(bin.as_ref())
            .args(["serve", "--port", "0"])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("bearerkit serve starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the banner is readable");
        let url = line.trim().rsplit(' ').next().unwrap_or_default().to_owned();
        let served = Self { child, url, _stdout: stdout };
        assert!(
            served.url.starts_with("http://127.0.0.1:") || served.url.starts_with("https://127.0.0.1:"),
            "bearerkit serve printed {line:?}"
        );
        served
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

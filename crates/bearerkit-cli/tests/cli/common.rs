//! What the test modules share: the built binary, key and text files, `bearerkit serve` as a
//! child process (the fixtures themselves come from `bearerkit-testkit`).

use assert_cmd::Command;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The built `bearerkit`.
pub(crate) fn bk() -> Command {
    Command::cargo_bin("bearerkit").unwrap()
}

pub(crate) fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// `bearerkit keygen --format FORMAT --out DIR/NAME`.
pub(crate) fn keygen(dir: &Path, name: &str, format: &str) -> PathBuf {
    let path = dir.join(name);
    bk().args(["keygen", "--format", format, "--out"]).arg(&path).assert().success();
    path
}

/// `text` written to DIR/NAME.
pub(crate) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The command's stdout, trimmed.
pub(crate) fn stdout_line(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(out.get_output().stdout.clone()).unwrap().trim().to_owned()
}

/// `bearerkit serve --port 0 ARGS...`, killed when dropped.
pub(crate) fn serve<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(args: I) -> bearerkit_testkit::Served {
    bearerkit_testkit::Served::start(env!("CARGO_BIN_EXE_bearerkit"), args)
}

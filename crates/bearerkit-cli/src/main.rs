//! `bearerkit`: ES256 JWT assertions for OAuth 2.0 from the command line.
//!
//! Exit codes: 0 success, 1 rejected or failed (the error's stable code is printed), 2 usage.
//! Errors go to stderr; `--json` makes every command print one JSON document.
//!
//! Layout: [`cli`] is the command line (clap), [`cmd`] one module per command, [`failure`]
//! the stable codes and exit statuses, [`keyfile`] reading keys, certificates, secrets and
//! tokens. No module imports one that imports it back.

// A std binary: `std::` paths are the natural ones here.
#![allow(clippy::std_instead_of_core)]

mod cli;
mod cmd;
mod failure;
mod keyfile;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.report(cli.json);
            e.exit_code()
        }
    }
}

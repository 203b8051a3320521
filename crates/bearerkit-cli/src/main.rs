//! `bearerkit`: ES256 JWT assertions for OAuth 2.0 from the command line.
//!
//! Exit codes: 0 success, 1 rejected or failed (the error's stable code is printed), 2 usage.
//! Errors go to stderr; `--json` makes every command print one JSON document, usage errors
//! (clap's own included) too.
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
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and --version (stdout, exit 0), or a usage error (exit 2): clap's text, or
        // with --json anywhere on the command line the usual JSON error document.
        Err(e) if !e.use_stderr() || !cli::json_requested(std::env::args_os()) => e.exit(),
        Err(e) => {
            let failure = failure::Failure::from(&e);
            failure.report(true);
            return failure.exit_code();
        }
    };
    match cmd::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.report(cli.json);
            e.exit_code()
        }
    }
}

//! `bearerkit`: ES256 JWT assertions for OAuth 2.0 from the command line.
//!
//! Exit codes: 0 success, 1 rejected or failed (the error's stable code is printed), 2 usage.
//! Errors go to stderr; `--json` makes every command print one JSON document.

// A std binary: `std::` paths are the natural ones here.
#![allow(clippy::std_instead_of_core)]

mod cli;
mod commands;
mod demo;
mod failure;
mod fetch;
mod keyfile;
mod serve;
mod serve_flags;
mod token;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.report(cli.json);
            e.exit_code()
        }
    }
}

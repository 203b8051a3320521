//! The built `bearerkit` binary, run as a user would: every subcommand's success path and
//! at least one bad input each (exit codes, messages, codes); `serve`, `token` and `demo`
//! against each other over 127.0.0.1; `serve`'s configuration flags. One test binary built
//! from submodules.
#![allow(missing_docs, clippy::unwrap_used, clippy::panic, clippy::std_instead_of_core)]

#[path = "cli/common.rs"]
mod common;

#[path = "cli/commands.rs"]
mod commands;
#[path = "cli/demo.rs"]
mod demo;
#[path = "cli/network.rs"]
mod network;
#[path = "cli/rsa.rs"]
mod rsa;
#[path = "cli/serve_flags.rs"]
mod serve_flags;

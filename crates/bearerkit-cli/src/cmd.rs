//! What each subcommand does, one module per command: each a thin layer over the core
//! crate, `bearerkit-client` (`token`) or `bearerkit-server` (`serve`, `demo`).

mod demo;
mod inspect;
mod keygen;
mod pubkey;
mod serve;
mod sign;
mod thumbprint;
mod token;
mod verify;

use crate::cli::{Cli, Command};
use crate::failure::Failure;

/// Run the command `cli` names.
pub(crate) fn run(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Keygen(a) => keygen::run(a, cli.json),
        Command::Pubkey(a) => pubkey::run(a, cli.json),
        Command::Sign(a) => sign::run(a, cli.json),
        Command::Verify(a) => verify::run(a, cli.json),
        Command::Inspect(a) => inspect::run(a, cli.json),
        Command::Thumbprint(a) => thumbprint::run(a, cli.json),
        Command::Token(a) => token::run(a, cli.json),
        Command::Serve(a) => serve::run(a, cli.json),
        Command::Demo(a) => demo::run(a, cli.json),
    }
}

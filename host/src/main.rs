//! `imprint`: parse, run, map to an exit code.

use clap::Parser;
use imprint_host::{cli::Cli, cmd, Status};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    match cmd::run(cli.command, &mut stdout) {
        Ok(status) => status.into(),
        Err(e) => {
            let _ = stdout.flush();
            eprintln!("imprint: error: {e}");
            Status::Error.into()
        }
    }
}

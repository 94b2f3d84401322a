//! `imprint`: parse, run, map to an exit code.

use clap::Parser;
use imprint_host::engine::{Engine, EngineKind, Native};
use imprint_host::{cli::Cli, cmd, diag, Status};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help`/`--version` (code 0) that could not be printed did
            // not do what was asked; a usage error keeps clap's code.
            let printed = e.print();
            let code = match (e.exit_code(), printed) {
                (0, Err(_)) => Status::Error as u8,
                (code, _) => u8::try_from(code).unwrap_or(Status::Error as u8),
            };
            return ExitCode::from(code);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let engine: Result<Box<dyn Engine>, _> = match cli.engine {
        EngineKind::Native => Ok(Box::new(Native)),
        #[cfg(feature = "wasm-engine")]
        EngineKind::Wasm => imprint_host::engine::module_path(cli.wasm_module.as_deref())
            .and_then(|p| imprint_host::engine::Wasm::load(&p))
            .map(|w| Box::new(w) as Box<dyn Engine>),
        #[cfg(not(feature = "wasm-engine"))]
        EngineKind::Wasm => Err(imprint_host::engine::no_wasm_engine()),
    };
    let result = engine.and_then(|mut e| cmd::run(cli.command, e.as_mut(), &mut stdout));
    match result {
        Ok(status) => status.into(),
        Err(e) => {
            let _ = stdout.flush();
            diag::error(&e);
            Status::Error.into()
        }
    }
}

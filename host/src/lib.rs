//! The `imprint` command-line tool, as a library: the binary only parses
//! arguments and maps the result to an exit code.
//!
//! - [`gather`] reads the outside world into an [`imprint_core::Context`],
//!   with [`git`] for git facts and [`run`] for bounded program runs;
//! - [`diag`] writes warnings and errors to stderr, never panicking;
//! - [`persist`] writes files atomically;
//! - [`check_inputs`] reads the inputs of `check` (inspect output, OCI, Kubernetes, Go binaries) into artifacts
//!   (the engine reads them, YAML included);
//! - [`cmd`] holds one function per subcommand.

#![deny(missing_docs)]

pub mod check_inputs;
pub use imprint_core::cli;
pub mod cmd;
pub mod diag;
pub mod engine;
pub mod error;
pub mod gather;
pub mod git;
pub mod persist;
pub mod run;

pub use error::{HostError, Status};

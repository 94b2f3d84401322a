//! Host errors and exit codes.

use std::path::PathBuf;

/// How `imprint` exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything worked.
    Ok = 0,
    /// A check failed: `check` found an error (a finding of severity
    /// `error`; warnings alone exit 0), or `pin --check` found references
    /// to rewrite.
    CheckFailed = 1,
    /// An error: bad policy, bad argument, unreadable input, invalid derived value.
    Error = 2,
}

impl From<Status> for std::process::ExitCode {
    fn from(s: Status) -> Self {
        Self::from(s as u8)
    }
}

/// Anything that makes a command fail with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The policy text has problems.
    #[error(transparent)]
    Policy(#[from] imprint_core::PolicyError),
    /// Derivation failed.
    #[error(transparent)]
    Derive(#[from] imprint_core::DeriveError),
    /// A command-line argument is wrong.
    #[error("{0}")]
    Usage(String),
    /// The WebAssembly engine could not be loaded or stopped (fuel, memory).
    #[error("{0}")]
    Engine(String),
    /// The build context could not be gathered (a `git` that hangs).
    #[error("{0}")]
    Gather(String),
    /// A file or directory could not be read or written. The path is shown
    /// with control characters escaped (a file name is repository content).
    #[error("{}: {source}", imprint_core::visible(&path.display().to_string()))]
    Io {
        /// The path involved.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

impl HostError {
    /// An I/O error about `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

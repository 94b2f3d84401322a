//! Messages for people, on stderr. A stderr that cannot be written (a full
//! device, a closed pipe) must never change how imprint exits: these
//! helpers write and ignore a failure, where `eprintln!` would panic
//! (exit 101).

use std::fmt::Display;
use std::io::Write;

/// Writes `imprint: warning: MESSAGE` to stderr; a write failure is ignored.
pub fn warn(message: impl Display) {
    line("warning", message);
}

/// Writes `imprint: error: MESSAGE` to stderr; a write failure is ignored.
pub fn error(message: impl Display) {
    line("error", message);
}

fn line(kind: &str, message: impl Display) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "imprint: {kind}: {message}");
    let _ = err.flush();
}

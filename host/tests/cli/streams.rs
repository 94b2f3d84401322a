//! Unwritable standard streams (issue 11 #12): with stderr (or stdout, or
//! both) on a full device, imprint must still exit with the code the run
//! deserves (2 for an error, 0 after a warning), never panic (exit 101).

use crate::common;

use common::{hermetic, tempdir, write, BIN};
use std::path::Path;
use std::process::{Command, Output};

/// A writable handle on `/dev/full`: every write fails with `ENOSPC`.
fn full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("open /dev/full")
}

/// Runs imprint in `cwd` with stdout and/or stderr on `/dev/full`.
fn run(cwd: &Path, args: &[&str], stdout_full: bool, stderr_full: bool) -> Output {
    let mut cmd = Command::new(BIN);
    hermetic(&mut cmd).current_dir(cwd).args(args);
    if stdout_full {
        cmd.stdout(full());
    }
    if stderr_full {
        cmd.stderr(full());
    }
    cmd.output().expect("imprint starts")
}

#[test]
fn an_error_with_stderr_full_exits_2() {
    let dir = tempdir();
    // No such builtin policy: an error, reported on stderr.
    let args = ["derive", "-p", "no-such-policy"];
    let out = run(dir.path(), &args, false, true);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // Both streams full: still the error's code.
    let out = run(dir.path(), &args, true, true);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn a_warning_with_stderr_full_keeps_the_normal_exit_code() {
    let dir = tempdir();
    write(
        dir.path(),
        "values.yaml",
        "image: ghcr.io/obolnetwork/x402-buyer:b13254e\n",
    );
    // Pinning to `latest` warns on stderr, then succeeds.
    let args = [
        "pin",
        "--policy",
        "obol-stack",
        "--tag",
        "latest",
        "--dir",
        ".",
    ];
    let out = run(dir.path(), &args, false, true);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("values.yaml")).unwrap(),
        "image: ghcr.io/obolnetwork/x402-buyer:latest\n"
    );
}

#[test]
fn help_to_a_full_stdout_is_an_error() {
    let dir = tempdir();
    let out = run(dir.path(), &["--help"], true, false);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // And with both streams full, no panic either.
    let out = run(dir.path(), &["--help"], true, true);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = run(dir.path(), &["--no-such-flag"], true, true);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

//! Running a program in bounded time and space: `git` for facts, allowed
//! commands for command sources.
//!
//! Several programs run at once in one batch ([`run_all_bounded`]): on
//! Unix one thread waits for all of them with `poll`, with no thread per
//! program and no polling of their exit before their output has ended.
//!
//! Programs are looked up on the absolute entries of `PATH` by imprint
//! itself, before the child changes to the repository directory: with an
//! empty or relative `PATH` entry, the operating system's lookup would
//! otherwise find a `./git` planted in the repository.

// Compiled for tests on Unix too, so the fallback is tested here.
#[cfg(any(not(unix), test))]
mod portable;
#[cfg(unix)]
mod unix;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Largest output (stdout, and stderr where kept) read from a program.
pub const OUTPUT_LIMIT: u64 = 1 << 20;

/// Most bytes of stderr kept for error messages.
pub(crate) const STDERR_LIMIT: u64 = 16 << 10;

/// How a bounded run of a program ended.
#[derive(Debug)]
pub enum Bounded {
    /// It exited (`code`: its exit status, `None` when a signal ended it) and
    /// closed its output.
    Done {
        /// Standard output.
        stdout: Vec<u8>,
        /// The start of standard error, when it was kept.
        stderr: Vec<u8>,
        /// The exit code.
        code: Option<i32>,
    },
    /// The program is not on an absolute `PATH` entry.
    NotFound,
    /// It did not finish in time: it was killed with its process group.
    TimedOut,
    /// It printed more than [`OUTPUT_LIMIT`] bytes (these first ones): it was killed.
    TooLarge(Vec<u8>),
    /// It could not be started or waited for.
    Failed(String),
}

/// The first file named `program` that is executable on an absolute entry
/// of `PATH` (empty and relative entries are skipped: they name the current
/// directory, which for imprint's children is the repository). A `program`
/// with a `/` is taken as it is.
pub fn find_program(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| OsString::from("/usr/bin:/bin"));
    std::env::split_paths(&path)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable_file(candidate))
}

#[cfg(unix)]
fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable_file(path: &Path) -> bool {
    path.is_file()
}

/// Runs `command` without stdin, in its own process group, reading at most
/// [`OUTPUT_LIMIT`] bytes of its stdout (and, with `keep_stderr`, the start
/// of its stderr; otherwise stderr is discarded), and gives up after
/// `timeout`: a program that hangs, or leaves a process holding its output
/// open, is killed with its whole group.
pub fn run_bounded(command: Command, timeout: Duration, keep_stderr: bool) -> Bounded {
    run_all_bounded(vec![command], timeout, keep_stderr)
        .pop()
        .unwrap_or_else(|| Bounded::Failed("the command did not run".into()))
}

/// Runs every command of `commands` at the same time, each as
/// [`run_bounded`] runs one, all within one `timeout`; the results are in
/// the order of `commands`.
pub fn run_all_bounded(
    mut commands: Vec<Command>,
    timeout: Duration,
    keep_stderr: bool,
) -> Vec<Bounded> {
    for command in &mut commands {
        prepare(command, keep_stderr);
    }
    #[cfg(unix)]
    return unix::run_all(commands, timeout);
    #[cfg(not(unix))]
    return portable::run_all(commands, timeout);
}

/// No stdin, stdout read, stderr read or discarded, and (on Unix) a
/// process group of its own, so a timeout kills everything it started (a
/// script's `sleep` too), not only the program itself.
fn prepare(command: &mut Command, keep_stderr: bool) {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(if keep_stderr {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::panic, reason = "a failing test panics")]

    use super::*;

    type Runner = fn(Vec<Command>, Duration) -> Vec<Bounded>;

    /// Both runners: the Unix one and the portable fallback.
    const RUNNERS: [(&str, Runner); 2] = [("unix", unix::run_all), ("portable", portable::run_all)];

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        prepare(&mut c, true);
        c
    }

    #[test]
    fn a_batch_gives_each_program_its_output_and_code_in_order() {
        for (name, run) in RUNNERS {
            let got = run(
                vec![
                    sh("echo out; echo err >&2; exit 3"),
                    sh("sleep 0.05; printf two"),
                    Command::new("/nonexistent/imprint-test-program"),
                ],
                Duration::from_secs(10),
            );
            match got.as_slice() {
                [Bounded::Done {
                    stdout,
                    stderr,
                    code: Some(3),
                }, Bounded::Done {
                    stdout: two,
                    code: Some(0),
                    ..
                }, Bounded::NotFound] => {
                    assert_eq!(stdout, b"out\n", "{name}");
                    assert_eq!(stderr, b"err\n", "{name}");
                    assert_eq!(two, b"two", "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_program_that_hangs_is_killed_at_the_deadline() {
        for (name, run) in RUNNERS {
            let started = std::time::Instant::now();
            let got = run(
                vec![sh("echo early; sleep 30"), sh("echo fine")],
                Duration::from_millis(300),
            );
            assert!(started.elapsed() < Duration::from_secs(10), "{name}");
            assert!(
                matches!(
                    got.as_slice(),
                    [Bounded::TimedOut, Bounded::Done { code: Some(0), .. }]
                ),
                "{name}: {got:?}"
            );
        }
    }

    #[test]
    fn output_past_the_limit_is_cut_and_the_program_killed() {
        for (name, run) in RUNNERS {
            let got = run(vec![sh("yes imprint")], Duration::from_secs(10));
            match got.as_slice() {
                [Bounded::TooLarge(prefix)] => {
                    assert_eq!(prefix.len() as u64, OUTPUT_LIMIT, "{name}");
                    assert!(prefix.starts_with(b"imprint\nimprint\n"), "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn only_the_start_of_stderr_is_kept() {
        for (name, run) in RUNNERS {
            let got = run(
                vec![sh("head -c 100000 /dev/zero | tr '\\0' e >&2; echo done")],
                Duration::from_secs(10),
            );
            match got.as_slice() {
                [Bounded::Done { stdout, stderr, .. }] => {
                    assert_eq!(stdout, b"done\n", "{name}");
                    assert_eq!(stderr.len() as u64, STDERR_LIMIT, "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}

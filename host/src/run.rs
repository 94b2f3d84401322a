//! Running a program in bounded time and space: `git` for facts, allowed
//! commands for command sources.
//!
//! Programs are looked up on the absolute entries of `PATH` by imprint
//! itself, before the child changes to the repository directory: with an
//! empty or relative `PATH` entry, the operating system's lookup would
//! otherwise find a `./git` planted in the repository.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Largest output (stdout, and stderr where kept) read from a program.
pub const OUTPUT_LIMIT: u64 = 1 << 20;

/// Most bytes of stderr kept for error messages.
const STDERR_LIMIT: u64 = 16 << 10;

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
pub fn run_bounded(mut command: Command, timeout: Duration, keep_stderr: bool) -> Bounded {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(if keep_stderr {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    // Its own process group, so a timeout kills everything it started (a
    // script's `sleep` too), not only the program itself.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    become_subreaper();
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Bounded::NotFound,
        Err(e) => return Bounded::Failed(e.to_string()),
    };
    let Some(stdout) = child.stdout.take() else {
        return Bounded::Failed("no stdout".into());
    };
    let stderr_reader = child.stderr.take().map(|err| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut limited = err.take(STDERR_LIMIT);
            let _ = limited.read_to_end(&mut buf);
            // Drain the rest so the program never blocks on a full pipe.
            let _ = std::io::copy(&mut limited.into_inner(), &mut std::io::sink());
            buf
        })
    });
    // Read on a thread; wait for both the output's end and the exit.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.take(OUTPUT_LIMIT + 1).read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    let deadline = Instant::now() + timeout;
    let mut output: Option<Vec<u8>> = None;
    let mut status = None;
    // A program usually exits within microseconds of closing its output:
    // look again soon, then less often (a fixed 2 ms sleep cost every git
    // fact up to 2 ms of waiting).
    let mut pause = Duration::from_micros(20);
    loop {
        if status.is_none() {
            match child.try_wait() {
                Ok(s) => status = s,
                Err(e) => {
                    kill_tree(&mut child);
                    let _ = child.wait();
                    return Bounded::Failed(e.to_string());
                }
            }
        }
        if output.is_none() {
            output = rx.recv_timeout(Duration::from_millis(2)).ok();
        } else if status.is_none() {
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(2));
        }
        if let Some(b) = output.as_mut().filter(|b| b.len() as u64 > OUTPUT_LIMIT) {
            kill_tree(&mut child);
            let _ = child.wait();
            b.truncate(usize::try_from(OUTPUT_LIMIT).unwrap_or(usize::MAX));
            return Bounded::TooLarge(std::mem::take(b));
        }
        if let (Some(s), Some(_)) = (status, output.as_ref()) {
            // The stderr pipe closes with the program's (its group may still
            // hold it: only wait for it while time is left).
            let stderr = match stderr_reader {
                Some(h) => {
                    kill_tree(&mut child);
                    h.join().unwrap_or_default()
                }
                None => Vec::new(),
            };
            return Bounded::Done {
                stdout: output.unwrap_or_default(),
                stderr,
                code: s.code(),
            };
        }
        if Instant::now() >= deadline {
            kill_tree(&mut child);
            let _ = child.wait();
            kill_orphans();
            return Bounded::TimedOut;
        }
    }
}

/// Makes imprint the reaper of its descendants (Linux), so a process that
/// left the command's process group (`setsid`) is re-parented to imprint
/// when its parent dies, and a timeout can find and kill it.
fn become_subreaper() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpid, set_child_subreaper};
        let _ = set_child_subreaper(Some(getpid()));
    }
}

/// After a timeout: kills every process re-parented to imprint (the
/// descendants that escaped the process group), until none is left, and
/// reaps them. imprint runs one command at a time, so every such process
/// comes from the command that timed out.
fn kill_orphans() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpid, kill_process, Pid, Signal, WaitOptions};
        let me = getpid().as_raw_nonzero().get();
        // Killing one re-parents its children to imprint: look again.
        for _ in 0..64 {
            let orphans = children_of(me);
            if orphans.is_empty() {
                break;
            }
            for pid in orphans {
                if let Some(pid) = Pid::from_raw(pid) {
                    let _ = kill_process(pid, Signal::KILL);
                }
            }
            while let Ok(Some(_)) = rustix::process::wait(WaitOptions::NOHANG) {}
            std::thread::sleep(Duration::from_millis(1));
        }
        while let Ok(Some(_)) = rustix::process::wait(WaitOptions::NOHANG) {}
    }
}

/// The processes whose parent is `parent` (from `/proc/*/stat`), zombies
/// left out.
#[cfg(target_os = "linux")]
fn children_of(parent: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // `pid (comm) state ppid …`; comm may hold spaces and parens.
            let mut rest = stat
                .rsplit_once(')')
                .map_or("", |(_, r)| r)
                .split_whitespace();
            let state = rest.next();
            let ppid = rest.next().and_then(|p| p.parse::<i32>().ok());
            ppid == Some(parent) && state != Some("Z")
        })
        .collect()
}

/// Kills a command started by [`run_bounded`] and every process in its
/// process group.
fn kill_tree(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        use rustix::process::{kill_process_group, Pid, Signal};
        let _ = kill_process_group(Pid::from_child(child), Signal::KILL);
    }
    let _ = child.kill();
}

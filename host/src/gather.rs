//! Gathers the build context a policy asks for: environment variables, git
//! facts (through the `git` command, with upstream's exact semantics),
//! the machine architecture, files, and allowed commands.
//!
//! This is the only place the CLI reads the outside world for a derivation.

use crate::error::HostError;
use imprint_core::{command_key, CommandOutcome, Context, GitFact, Policy};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Largest file or command output read into a context.
pub const READ_LIMIT: u64 = 1 << 20;

/// Options for gathering.
#[derive(Debug, Clone)]
pub struct GatherOptions {
    /// Directory git runs in and files are read relative to.
    pub repo: PathBuf,
    /// `--arg NAME=VALUE` pairs.
    pub args: BTreeMap<String, String>,
    /// Programs the policy may run.
    pub allow_commands: Vec<String>,
    /// How long one command may run.
    pub command_timeout: Duration,
    /// How long one `git` call may run before the derivation fails.
    pub git_timeout: Duration,
    /// Architecture to report instead of asking `uname -m`.
    pub arch: Option<String>,
    /// Directory to read persisted values from (`--load`).
    pub load: Option<PathBuf>,
}

/// Builds the context for `policy`.
pub fn gather(policy: &Policy, opts: &GatherOptions) -> Result<Context, HostError> {
    for name in opts.args.keys() {
        if !policy.args().iter().any(|a| &a.name == name) {
            let known: Vec<&str> = policy.args().iter().map(|a| a.name.as_str()).collect();
            return Err(HostError::Usage(format!(
                "--arg `{name}`: policy `{}` has no such argument ({})",
                policy.name(),
                if known.is_empty() {
                    "it takes none".to_owned()
                } else {
                    format!("it takes: {}", known.join(", "))
                }
            )));
        }
    }
    let inputs = policy.inputs();
    let mut ctx = Context {
        args: opts.args.clone(),
        ..Context::default()
    };
    for name in &inputs.env {
        if let Some(v) = std::env::var_os(name) {
            ctx.env
                .insert(name.clone(), v.to_string_lossy().into_owned());
        }
    }
    for fact in &inputs.git {
        if let Some(v) = git_fact(&opts.repo, fact, opts.git_timeout)? {
            ctx.git.insert(fact.key(), v);
        }
    }
    if inputs.arch {
        ctx.arch = Some(match &opts.arch {
            Some(a) => a.clone(),
            None => machine_arch(),
        });
    }
    for file in &inputs.files {
        if let Some(text) = read_text_noting_size(&opts.repo.join(file)) {
            ctx.files.insert(file.clone(), text);
        }
    }
    if let Some(dir) = &opts.load {
        for (value, file) in policy.persisted() {
            ctx.loaded
                .insert(value.to_owned(), read_text_noting_size(&dir.join(file)));
        }
    }
    // Run commands only as the derivation reaches them.
    for _ in 0..=inputs.commands.len() {
        let pending = policy.pending_commands(&ctx);
        if pending.is_empty() {
            break;
        }
        for argv in pending {
            let outcome = run_command(&argv, opts);
            ctx.commands.insert(command_key(&argv), outcome);
        }
    }
    Ok(ctx)
}

/// [`read_text`], warning on stderr when the file is there but larger
/// than [`READ_LIMIT`] (it then counts as missing, which would otherwise be
/// hard to tell from the trace).
fn read_text_noting_size(path: &Path) -> Option<String> {
    let text = read_text(path);
    if text.is_none() {
        if let Ok(m) = std::fs::metadata(path) {
            if m.is_file() && m.len() > READ_LIMIT {
                crate::diag::warn(format_args!(
                    "{}: {} bytes, larger than the {READ_LIMIT}-byte limit; treated as missing",
                    path.display(),
                    m.len()
                ));
            }
        }
    }
    text
}

/// Reads a file as UTF-8 text, `None` when missing, unreadable, not a
/// regular file, too large or not UTF-8. Only regular files are opened, so
/// a policy naming a FIFO or a device cannot block or flood the read.
pub fn read_text(path: &Path) -> Option<String> {
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let f = std::fs::File::open(path).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let mut buf = Vec::new();
    f.take(READ_LIMIT + 1).read_to_end(&mut buf).ok()?;
    if buf.len() as u64 > READ_LIMIT {
        return None;
    }
    String::from_utf8(buf).ok()
}

/// Runs `git args…` in `repo`: its stdout when it exits 0, `None` when git
/// is missing or fails. A git that does not answer within `timeout` is an
/// error, not an unknown fact: a missing `dirty` would read as clean.
fn git(repo: &Path, args: &[&str], timeout: Duration) -> Result<Option<String>, HostError> {
    let mut command = Command::new("git");
    command.args(args).current_dir(repo);
    match run_bounded(command, timeout) {
        Bounded::Done { stdout, success } => Ok(success.then(|| String::from_utf8(stdout).ok()).flatten()),
        Bounded::NotFound | Bounded::Failed(_) => Ok(None),
        // Only `git status` of a huge worktree prints this much: it is dirty.
        Bounded::TooLarge(prefix) => Ok(Some(String::from_utf8_lossy(&prefix).into_owned())),
        Bounded::TimedOut => Err(HostError::Gather(format!(
            "`git {}` in {} did not finish within {} s (--git-timeout); imprint will not guess git facts",
            args.join(" "),
            repo.display(),
            timeout.as_secs_f64()
        ))),
    }
}

/// One git fact, `None` when git cannot say (not a repository, git
/// missing, unborn branch, refused repository); an error when git hangs.
pub fn git_fact(
    repo: &Path,
    fact: &GitFact,
    timeout: Duration,
) -> Result<Option<String>, HostError> {
    let trimmed = |s: String| s.trim().to_owned();
    let git = |args: &[&str]| git(repo, args, timeout);
    Ok(match fact {
        GitFact::Sha => git(&["rev-parse", "--verify", "-q", "HEAD"])?.map(trimmed),
        GitFact::Short(None) => git(&["rev-parse", "--short", "HEAD"])?.map(trimmed),
        GitFact::Short(Some(n)) => {
            git(&["rev-parse", &format!("--short={n}"), "HEAD"])?.map(trimmed)
        }
        // Like `test -n "$(git status --porcelain 2>/dev/null)"`: untracked
        // files count, ignored ones do not; a failing git means clean.
        GitFact::Dirty => git(&["status", "--porcelain"])?.map(|s| {
            if s.trim().is_empty() {
                String::new()
            } else {
                "true".into()
            }
        }),
        GitFact::Tag(pattern) => git(&[
            "tag",
            "--points-at",
            "HEAD",
            "--list",
            pattern,
            "--sort=-v:refname",
        ])?
        .and_then(|s| s.lines().next().map(|l| l.trim().to_owned())),
        GitFact::Branch => match git(&["symbolic-ref", "--short", "-q", "HEAD"])? {
            Some(b) => Some(trimmed(b)),
            // Detached HEAD: a repository without a branch.
            None => git(&["rev-parse", "--git-dir"])?.map(|_| String::new()),
        },
        GitFact::IsRepo => git(&["rev-parse", "--is-inside-work-tree"])?.map(|s| {
            if s.trim() == "true" {
                "true".into()
            } else {
                String::new()
            }
        }),
        GitFact::Name => git(&["rev-parse", "--show-toplevel"])?.and_then(|s| {
            Path::new(s.trim())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        }),
        GitFact::RemoteUrl => git(&["remote", "get-url", "origin"])?.map(trimmed),
    })
}

/// The machine architecture as `uname -m` prints it. Linux publishes the
/// same string in `/proc/sys/kernel/arch`, which saves starting a process.
pub fn machine_arch() -> String {
    if let Some(a) = std::fs::read_to_string("/proc/sys/kernel/arch")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
    {
        return a;
    }
    Command::new("uname")
        .arg("-m")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned())
}

/// How a bounded run of a program ended.
enum Bounded {
    /// It exited (`success`: with status 0) and closed its output.
    Done { stdout: Vec<u8>, success: bool },
    /// The program does not exist.
    NotFound,
    /// It did not finish in time: it was killed with its process group.
    TimedOut,
    /// It printed more than [`READ_LIMIT`] bytes (these first ones): it was killed.
    TooLarge(Vec<u8>),
    /// It could not be started or waited for.
    Failed(String),
}

/// Runs `command` without stdin, its stderr discarded, in its own process
/// group, reading at most [`READ_LIMIT`] bytes of its stdout, and gives up
/// after `timeout`: a program that hangs, or leaves a process holding its
/// output open, is killed with its whole group.
fn run_bounded(mut command: Command, timeout: Duration) -> Bounded {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // Its own process group, so a timeout kills everything it started (a
    // script's `sleep` too), not only the program itself.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Bounded::NotFound,
        Err(e) => return Bounded::Failed(e.to_string()),
    };
    let Some(stdout) = child.stdout.take() else {
        return Bounded::Failed("no stdout".into());
    };
    // Read on a thread; wait for both the output's end and the exit.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.take(READ_LIMIT + 1).read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    let deadline = Instant::now() + timeout;
    let mut output: Option<Vec<u8>> = None;
    let mut status = None;
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
            output = rx.recv_timeout(Duration::from_millis(5)).ok();
        } else if status.is_none() {
            std::thread::sleep(Duration::from_millis(5));
        }
        if let Some(b) = output.as_mut().filter(|b| b.len() as u64 > READ_LIMIT) {
            kill_tree(&mut child);
            let _ = child.wait();
            b.truncate(READ_LIMIT as usize);
            return Bounded::TooLarge(std::mem::take(b));
        }
        if let (Some(s), Some(_)) = (status, output.as_ref()) {
            return Bounded::Done {
                stdout: output.unwrap_or_default(),
                success: s.success(),
            };
        }
        if Instant::now() >= deadline {
            kill_tree(&mut child);
            let _ = child.wait();
            return Bounded::TimedOut;
        }
    }
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

/// Runs an allowed command without a shell, stderr discarded, with a
/// timeout. Trailing newlines are removed as shell command substitution
/// does; the exit status is not consulted (upstream ignores it).
pub fn run_command(argv: &[String], opts: &GatherOptions) -> CommandOutcome {
    let Some((prog, args)) = argv.split_first() else {
        return CommandOutcome::Failed {
            reason: "empty command".into(),
        };
    };
    if !opts.allow_commands.iter().any(|a| a == prog) {
        return CommandOutcome::NotAllowed;
    }
    let mut command = Command::new(prog);
    command.args(args).current_dir(&opts.repo);
    let buf = match run_bounded(command, opts.command_timeout) {
        Bounded::Done { stdout, .. } => stdout,
        Bounded::NotFound => return CommandOutcome::NotFound,
        Bounded::TimedOut => return CommandOutcome::TimedOut,
        Bounded::TooLarge(_) => {
            return CommandOutcome::Failed {
                reason: format!("output is larger than {READ_LIMIT} bytes"),
            }
        }
        Bounded::Failed(reason) => return CommandOutcome::Failed { reason },
    };
    match String::from_utf8(buf) {
        Ok(mut s) => {
            while s.ends_with('\n') {
                s.pop();
            }
            CommandOutcome::Output { stdout: s }
        }
        Err(_) => CommandOutcome::Failed {
            reason: "output is not UTF-8".into(),
        },
    }
}

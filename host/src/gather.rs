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
        if let Some(v) = git_fact(&opts.repo, fact) {
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
        if let Some(text) = read_text(&opts.repo.join(file)) {
            ctx.files.insert(file.clone(), text);
        }
    }
    if let Some(dir) = &opts.load {
        for (value, file) in policy.persisted() {
            ctx.loaded
                .insert(value.to_owned(), read_text(&dir.join(file)));
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

/// Reads a file as UTF-8 text, `None` when missing, unreadable, too large
/// or not UTF-8.
pub fn read_text(path: &Path) -> Option<String> {
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

/// Runs `git args…` in `repo`; its stdout when it exits 0.
fn git(repo: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(repo)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}

/// One git fact, `None` when git cannot say (not a repository, git
/// missing, unborn branch, refused repository).
pub fn git_fact(repo: &Path, fact: &GitFact) -> Option<String> {
    let trimmed = |s: String| s.trim().to_owned();
    match fact {
        GitFact::Sha => git(repo, &["rev-parse", "--verify", "-q", "HEAD"]).map(trimmed),
        GitFact::Short(None) => git(repo, &["rev-parse", "--short", "HEAD"]).map(trimmed),
        GitFact::Short(Some(n)) => {
            git(repo, &["rev-parse", &format!("--short={n}"), "HEAD"]).map(trimmed)
        }
        // Like `test -n "$(git status --porcelain 2>/dev/null)"`: untracked
        // files count, ignored ones do not; a failing git means clean.
        GitFact::Dirty => git(repo, &["status", "--porcelain"]).map(|s| {
            if s.trim().is_empty() {
                String::new()
            } else {
                "true".into()
            }
        }),
        GitFact::Tag(pattern) => git(
            repo,
            &[
                "tag",
                "--points-at",
                "HEAD",
                "--list",
                pattern,
                "--sort=-v:refname",
            ],
        )
        .and_then(|s| s.lines().next().map(|l| l.trim().to_owned())),
        GitFact::Branch => git(repo, &["symbolic-ref", "--short", "-q", "HEAD"])
            .map(trimmed)
            .or_else(|| git(repo, &["rev-parse", "--git-dir"]).map(|_| String::new())),
        GitFact::IsRepo => git(repo, &["rev-parse", "--is-inside-work-tree"]).map(|s| {
            if s.trim() == "true" {
                "true".into()
            } else {
                String::new()
            }
        }),
        GitFact::Name => git(repo, &["rev-parse", "--show-toplevel"]).and_then(|s| {
            Path::new(s.trim())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        }),
        GitFact::RemoteUrl => git(repo, &["remote", "get-url", "origin"]).map(trimmed),
    }
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
    let child = Command::new(prog)
        .args(args)
        .current_dir(&opts.repo)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return CommandOutcome::NotFound,
        Err(e) => {
            return CommandOutcome::Failed {
                reason: e.to_string(),
            }
        }
    };
    let Some(stdout) = child.stdout.take() else {
        return CommandOutcome::Failed {
            reason: "no stdout".into(),
        };
    };
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.take(READ_LIMIT + 1).read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + opts.command_timeout;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return CommandOutcome::TimedOut;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                return CommandOutcome::Failed {
                    reason: e.to_string(),
                }
            }
        }
    }
    let buf = reader.join().unwrap_or_default();
    if buf.len() as u64 > READ_LIMIT {
        return CommandOutcome::Failed {
            reason: format!("output is larger than {READ_LIMIT} bytes"),
        };
    }
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

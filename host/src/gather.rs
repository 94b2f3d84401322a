//! Gathers the build context a policy asks for: environment variables, git
//! facts (through the `git` command, with upstream's exact semantics),
//! the machine architecture, files, and allowed commands.
//!
//! This is the only place the CLI reads the outside world for a derivation.

use crate::check_inputs::{not_regular_message, open_nonblocking};
use crate::error::HostError;
use crate::git::{Checkout, Fact, Hung};
use crate::run::{find_program, run_bounded, Bounded, OUTPUT_LIMIT};
use imprint_core::{command_key, CommandOutcome, Context, Policy};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Largest file or command output read into a context.
pub const READ_LIMIT: u64 = OUTPUT_LIMIT;

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
    /// Directory that files a policy reads must stay inside (`--root`);
    /// `None`: the checkout's top level, else `repo`.
    pub root: Option<PathBuf>,
}

/// Builds the context for `policy`.
///
/// A fact that exists but cannot be established (git refused the
/// checkout, a file is unreadable) is recorded in
/// [`imprint_core::Context::failed`] with the reason, so the engine fails a
/// derivation that reaches it; a fact that does not exist here (not a
/// checkout, a missing file) is left out, so the policy's fallbacks apply.
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
    let hung = |h: Hung| HostError::Gather(h.0);
    let mut checkout = None;
    if !inputs.git.is_empty() || (!inputs.files.is_empty() && opts.root.is_none()) {
        checkout = Some(Checkout::probe(&opts.repo, opts.git_timeout).map_err(hung)?);
    }
    if let (false, Some(checkout)) = (inputs.git.is_empty(), checkout.as_mut()) {
        let facts = checkout.facts(&inputs.git).map_err(hung)?;
        for (fact, found) in inputs.git.iter().zip(facts) {
            match found {
                Fact::Known(v) => {
                    ctx.git.insert(fact.key(), v);
                }
                Fact::Absent => {}
                Fact::Failed(why) => {
                    ctx.failed.git.insert(fact.key(), why);
                }
            }
        }
    }
    if inputs.arch {
        ctx.arch = Some(match &opts.arch {
            Some(a) => a.clone(),
            None => machine_arch(),
        });
    }
    // Files are confined to the checkout (its top level: a policy run in a
    // subdirectory may read `../../versions.env`), else to `--repo`.
    let root = opts
        .root
        .as_deref()
        .or_else(|| checkout.as_ref().and_then(Checkout::top_level))
        .unwrap_or(&opts.repo)
        .to_owned();
    for file in &inputs.files {
        match read_in_repo(&opts.repo, &root, file) {
            Ok(Some(text)) => {
                ctx.files.insert(file.clone(), text);
            }
            Ok(None) => {}
            Err(why) => {
                ctx.failed.files.insert(file.clone(), why);
            }
        }
    }
    if let Some(dir) = &opts.load {
        for (value, file) in policy.persisted() {
            let path = dir.join(file);
            let text = match read_text(&path) {
                Ok(t) => t,
                Err(why) => {
                    return Err(HostError::Gather(format!(
                        "--load: {}: {why}; imprint will not take the fallback for a file it could not read",
                        path.display()
                    )))
                }
            };
            ctx.loaded.insert(value.to_owned(), text);
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

/// Reads `file` (relative, as the policy loader guarantees) from `repo`:
/// `Ok(None)` when it does not exist, an error naming why when it exists
/// but cannot be read, or when it (through `..` or a symbolic link) leads
/// outside `root`.
fn read_in_repo(repo: &Path, root: &Path, file: &str) -> Result<Option<String>, String> {
    let rel = Path::new(file);
    if rel.is_absolute() {
        return Err(format!(
            "`{file}` is not a path relative to the repository directory"
        ));
    }
    let path = repo.join(rel);
    let root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    // `..` is resolved as written first; a path that climbs out is refused
    // when something is there (nothing is read; one that names nothing is
    // as missing as any other).
    let base = repo
        .canonicalize()
        .map_err(|e| format!("{}: {e}", repo.display()))?;
    let mut lexical = PathBuf::new();
    for c in base.join(rel).components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    if !lexical.starts_with(&root) {
        if std::fs::symlink_metadata(&lexical).is_err() {
            return Ok(None);
        }
        return Err(format!(
            "`{file}` leads outside the repository (to {}, outside {}); imprint reads only files inside the checkout, or inside --root DIR",
            lexical.display(),
            root.display()
        ));
    }
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
        Ok(_) => {}
    }
    match path.canonicalize() {
        // A link that points nowhere: the file does not exist.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
        Ok(real) if !real.starts_with(&root) => {
            return Err(format!(
                "{} leads outside the repository (to {}, outside {}); imprint reads only files inside the checkout, or inside --root DIR",
                path.display(),
                real.display(),
                root.display()
            ))
        }
        Ok(_) => {}
    }
    read_text(&path).map_err(|why| format!("{}: {why}", path.display()))
}

/// Reads a file as UTF-8 text: `Ok(None)` when it does not exist, an error
/// saying why when it exists but is not a regular file, cannot be read, is
/// larger than [`READ_LIMIT`] or is not UTF-8. Only regular files are
/// opened (and the open does not block), so a FIFO or a device cannot
/// block or flood the read.
pub fn read_text(path: &Path) -> Result<Option<String>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    if !meta.is_file() {
        return Err(not_regular_message(&meta));
    }
    let f = open_nonblocking(path).map_err(|e| e.to_string())?;
    let meta = f.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(not_regular_message(&meta));
    }
    let mut buf = Vec::new();
    f.take(READ_LIMIT + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > READ_LIMIT {
        return Err(format!("larger than the {READ_LIMIT}-byte limit"));
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| "not UTF-8 text".into())
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
    // Found on PATH before the child changes to the repository directory.
    let Some(program) = find_program(prog) else {
        return CommandOutcome::NotFound;
    };
    let mut command = Command::new(program);
    command.args(args).current_dir(&opts.repo);
    let buf = match run_bounded(command, opts.command_timeout, false) {
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

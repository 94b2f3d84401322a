//! Git facts, read through the `git` command with upstream's semantics, and
//! told apart in three kinds:
//!
//! - **established**: git answered (a commit id, a clean or dirty tree, the
//!   tags on `HEAD`, …);
//! - **absent**: the fact does not exist here: the directory is not a
//!   checkout at all (a source tarball), `HEAD` is unborn, `HEAD` is
//!   detached (no branch), there is no `origin`. The policy's fallbacks
//!   apply;
//! - **failed**: the fact should exist but git could not establish it: git
//!   refused the checkout (another user's, "dubious ownership"), a `.git`
//!   points nowhere, git is missing where a `.git` exists, or a command such
//!   as `git status` failed (a corrupt index). The derivation that reaches
//!   it fails with the reason and the remedy; it never falls back, because a
//!   fallback would read as a clean, released or latest build.
//!
//! Variables that make git look elsewhere than `--repo` (`GIT_DIR`,
//! `GIT_WORK_TREE`, `GIT_INDEX_FILE`, …) are removed from git's environment.

use crate::run::{find_program, run_bounded, Bounded};
use imprint_core::GitFact;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How HEAD's commit is read (and named in messages).
const HEAD_ARGS: [&str; 4] = ["rev-parse", "--verify", "-q", "HEAD^{commit}"];

/// Environment variables that point git at another repository, work tree,
/// index or object store than the one in `--repo`.
const RELOCATING_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
];

/// What became of one fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// Git answered.
    Known(String),
    /// The fact does not exist here.
    Absent,
    /// It should exist but could not be established: why, and how to fix it.
    Failed(String),
}

/// A git that does not answer in time.
#[derive(Debug)]
pub struct Hung(pub String);

/// The repository a derivation reads, probed once.
pub struct Checkout {
    dir: PathBuf,
    timeout: Duration,
    git: Option<PathBuf>,
    state: State,
    /// `HEAD`'s commit, once read (see [`Checkout::read_head`]).
    head: Option<Fact>,
    top: Option<PathBuf>,
}

#[derive(Debug, Clone)]
enum State {
    /// A work tree git accepts.
    Repo,
    /// Not a checkout: every fact is absent.
    NotRepo,
    /// A checkout git cannot read: every fact fails with this reason.
    Refused(String),
}

/// The first `.git` (directory or file) in `dir` or above it, stopping
/// below the directories of `GIT_CEILING_DIRECTORIES` as git does.
fn dot_git_above(dir: &Path) -> Option<PathBuf> {
    let start = dir.canonicalize().ok()?;
    let ceilings: Vec<PathBuf> = std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| {
            std::env::split_paths(&v)
                .filter_map(|p| p.canonicalize().ok())
                .collect()
        })
        .unwrap_or_default();
    for d in start.ancestors() {
        if ceilings.iter().any(|c| c == d) && d != start {
            return None;
        }
        let candidate = d.join(".git");
        if std::fs::symlink_metadata(&candidate).is_ok() {
            return Some(candidate);
        }
    }
    None
}

/// The first non-blank line of git's stderr (control characters dropped,
/// at most 300 characters); empty when git said nothing.
fn first_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    line.chars().filter(|c| !c.is_control()).take(300).collect()
}

/// What git said, for a message.
fn said(stderr: &str) -> &str {
    if stderr.is_empty() {
        "(git printed no message)"
    } else {
        stderr
    }
}

impl Checkout {
    /// Probes `dir`: is it a work tree that git accepts, not a checkout at
    /// all, or a checkout git refuses?
    pub fn probe(dir: &Path, timeout: Duration) -> Result<Self, Hung> {
        let mut c = Checkout {
            dir: dir.to_owned(),
            timeout,
            git: find_program("git"),
            state: State::NotRepo,
            head: None,
            top: None,
        };
        let dot_git = dot_git_above(dir);
        if c.git.is_none() {
            if let Some(d) = &dot_git {
                c.state = State::Refused(format!(
                    "git is not on PATH, but {} is a git checkout ({}): install git, or put it on PATH",
                    dir.display(),
                    d.display()
                ));
            }
            return Ok(c);
        }
        // One git for the checkout and its HEAD (the probe and HEAD were
        // two processes, one after the other, before every other fact).
        let probe = c.run(&[
            "rev-parse",
            "--is-inside-work-tree",
            "--show-toplevel",
            "--verify",
            "-q",
            "HEAD^{commit}",
        ])?;
        let probe = match probe {
            Ran::Ok(out) if out.lines().next() == Some("true") => {
                c.head = Some(match out.lines().nth(2) {
                    Some(sha) => Fact::Known(sha.trim().to_owned()),
                    None => Fact::Failed(format!(
                        "`git {}` failed in {}: it named no commit",
                        HEAD_ARGS.join(" "),
                        c.dir.display()
                    )),
                });
                Ran::Ok(out)
            }
            // A checkout whose HEAD names no commit: `-q --verify` exits 1
            // silently; another failure of HEAD alone is HEAD's to report.
            Ran::Err {
                code,
                stderr,
                stdout,
            } if stdout.lines().next() == Some("true") => {
                c.head = Some(if code == Some(1) && stderr.is_empty() {
                    Fact::Absent
                } else {
                    c.failed(&HEAD_ARGS, &stderr)
                });
                Ran::Ok(stdout)
            }
            Ran::Err { stdout, .. } if stdout.lines().next() == Some("false") => Ran::Ok(stdout),
            other => other,
        };
        c.state = match probe {
            Ran::Ok(out) if out.lines().next() == Some("true") => {
                c.top = out.lines().nth(1).map(PathBuf::from);
                State::Repo
            }
            // Run inside a `.git` directory.
            Ran::Ok(out) if out.lines().next() == Some("false") => State::NotRepo,
            Ran::Ok(out) => match &dot_git {
                None => State::NotRepo,
                Some(d) => State::Refused(format!(
                    "`git rev-parse --is-inside-work-tree` answered `{}` in the checkout {}, not `true`: is `{}` really git?",
                    out.trim().escape_debug(),
                    d.display(),
                    c.git.as_deref().map_or_else(String::new, |g| g.display().to_string())
                )),
            },
            Ran::Err { stderr, .. } if stderr.contains("dubious ownership") => {
                let top = dot_git
                    .as_deref()
                    .and_then(Path::parent)
                    .map_or_else(|| dir.display().to_string(), |p| p.display().to_string());
                State::Refused(format!(
                    "git refused the checkout {top}: it is owned by another user (git's safe.directory check, \"dubious ownership\"); if you trust it, run `git config --global --add safe.directory {top}` (in a CI container: the checkout is owned by the runner's user)"
                ))
            }
            Ran::Err { stderr, .. } => match &dot_git {
                None if stderr.contains("not a git repository") => State::NotRepo,
                Some(d) => State::Refused(format!(
                    "{} is not a usable git repository: git says `{}`",
                    d.display(),
                    said(&stderr)
                )),
                None => State::Refused(format!(
                    "`git rev-parse` failed in {}: `{}`",
                    dir.display(),
                    said(&stderr)
                )),
            },
        };
        Ok(c)
    }

    /// The top-level directory of the work tree, when git accepts it.
    pub fn top_level(&self) -> Option<&Path> {
        self.top.as_deref()
    }

    fn run(&self, args: &[&str]) -> Result<Ran, Hung> {
        let Some(git) = &self.git else {
            return Ok(Ran::Err {
                code: None,
                stderr: "git is not on PATH".into(),
                stdout: String::new(),
            });
        };
        let mut command = Command::new(git);
        command.args(args).current_dir(&self.dir);
        for var in RELOCATING_VARS {
            command.env_remove(var);
        }
        Ok(match run_bounded(command, self.timeout, true) {
            Bounded::Done {
                stdout,
                code: Some(0),
                ..
            } => Ran::Ok(String::from_utf8_lossy(&stdout).into_owned()),
            Bounded::Done {
                stderr,
                code,
                stdout,
            } => Ran::Err {
                code,
                stderr: first_line(&stderr),
                stdout: String::from_utf8_lossy(&stdout).into_owned(),
            },
            // Only `git status` of a huge work tree prints this much.
            Bounded::TooLarge(prefix) => Ran::Ok(String::from_utf8_lossy(&prefix).into_owned()),
            Bounded::NotFound => Ran::Err {
                code: None,
                stderr: "git is not on PATH".into(),
                stdout: String::new(),
            },
            Bounded::Failed(why) => Ran::Err {
                code: None,
                stderr: why,
                stdout: String::new(),
            },
            Bounded::TimedOut => {
                return Err(Hung(format!(
                    "`git {}` in {} did not finish within {} s (--git-timeout); imprint will not guess git facts",
                    args.join(" "),
                    self.dir.display(),
                    self.timeout.as_secs_f64()
                )))
            }
        })
    }

    /// A fact git should have given: failed with the command and git's message.
    fn failed(&self, args: &[&str], stderr: &str) -> Fact {
        Fact::Failed(format!(
            "`git {}` failed in {}: {}",
            args.join(" "),
            self.dir.display(),
            said(stderr)
        ))
    }

    /// Runs a query whose failure means the fact could not be established.
    fn must(&self, args: &[&str]) -> Result<Fact, Hung> {
        Ok(match self.run(args)? {
            Ran::Ok(out) => Fact::Known(out),
            Ran::Err { stderr, .. } => self.failed(args, &stderr),
        })
    }

    /// Reads `HEAD`'s commit id once: known, absent on an unborn branch,
    /// or failed.
    fn read_head(&mut self) -> Result<(), Hung> {
        if self.head.is_some() {
            return Ok(());
        }
        let args = HEAD_ARGS;
        let fact = match self.run(&args)? {
            Ran::Ok(out) => Fact::Known(out.trim().to_owned()),
            // `-q --verify` exits 1 silently when HEAD names no commit yet.
            Ran::Err {
                code: Some(1),
                stderr,
                ..
            } if stderr.is_empty() => Fact::Absent,
            Ran::Err { stderr, .. } => self.failed(&args, &stderr),
        };
        self.head = Some(fact);
        Ok(())
    }

    /// `HEAD`'s commit id as read by [`Checkout::read_head`].
    fn head(&self) -> Result<Fact, Hung> {
        Ok(self
            .head
            .clone()
            .unwrap_or_else(|| Fact::Failed("imprint did not read HEAD first (a bug)".to_owned())))
    }

    /// The branch `origin/HEAD` names (`main`), absent when it names none.
    pub fn default_branch(&mut self) -> Result<Fact, Hung> {
        if !matches!(self.state, State::Repo) {
            return Ok(Fact::Absent);
        }
        let args = ["symbolic-ref", "--short", "-q", "refs/remotes/origin/HEAD"];
        Ok(match self.run(&args)? {
            Ran::Ok(b) => b
                .trim()
                .strip_prefix("origin/")
                .map_or(Fact::Absent, |b| Fact::Known(b.to_owned())),
            Ran::Err { .. } => Fact::Absent,
        })
    }

    /// One fact.
    pub fn fact(&mut self, fact: &GitFact) -> Result<Fact, Hung> {
        if matches!(self.state, State::Repo) {
            self.read_head()?;
        }
        self.fact_after_head(fact)
    }

    /// Every fact of `facts`, in order. `HEAD` is read first; the other git
    /// commands are independent and run at the same time, each bounded.
    pub fn facts(&mut self, facts: &[GitFact]) -> Result<Vec<Fact>, Hung> {
        if matches!(self.state, State::Repo) && !facts.is_empty() {
            self.read_head()?;
        }
        let this = &*self;
        std::thread::scope(|s| {
            let running: Vec<_> = facts
                .iter()
                .map(|f| s.spawn(move || this.fact_after_head(f)))
                .collect();
            running
                .into_iter()
                .map(|r| {
                    r.join().unwrap_or_else(|_| {
                        Ok(Fact::Failed(
                            "reading a git fact stopped unexpectedly".to_owned(),
                        ))
                    })
                })
                .collect()
        })
    }

    /// One fact, `HEAD` having been read.
    fn fact_after_head(&self, fact: &GitFact) -> Result<Fact, Hung> {
        match &self.state {
            State::NotRepo => return Ok(Fact::Absent),
            State::Refused(why) => return Ok(Fact::Failed(why.clone())),
            State::Repo => {}
        }
        let trimmed = |f: Fact| match f {
            Fact::Known(s) => Fact::Known(s.trim().to_owned()),
            other => other,
        };
        Ok(match fact {
            GitFact::IsRepo => Fact::Known("true".into()),
            GitFact::Sha => self.head()?,
            GitFact::Short(n) => match self.head()? {
                Fact::Known(_) => {
                    let short = n.map_or_else(|| "--short".to_owned(), |n| format!("--short={n}"));
                    trimmed(self.must(&["rev-parse", "--verify", "-q", &short, "HEAD"])?)
                }
                other => other,
            },
            // Like `test -n "$(git status --porcelain)"`: untracked files
            // count, ignored ones do not. `-z` prints names as bytes, so a
            // file name that is not UTF-8 still makes the tree dirty.
            GitFact::Dirty => match self.must(&["status", "--porcelain", "-z"])? {
                Fact::Known(s) if s.is_empty() => Fact::Known(String::new()),
                Fact::Known(_) => Fact::Known("true".into()),
                other => other,
            },
            GitFact::Tag(pattern) => match self.head()? {
                Fact::Known(_) => self.must(&["tag", "--points-at", "HEAD", "--list", pattern])?,
                Fact::Absent => Fact::Known(String::new()),
                other => other,
            },
            GitFact::CommitTime => match self.head()? {
                Fact::Known(_) => {
                    trimmed(self.must(&["show", "-s", "--format=%ct", "HEAD", "--"])?)
                }
                other => other,
            },
            GitFact::AllTags => match self.head()? {
                Fact::Known(_) => self.must(&["tag", "--points-at", "HEAD"])?,
                Fact::Absent => Fact::Known(String::new()),
                other => other,
            },
            GitFact::Branch => {
                let args = ["symbolic-ref", "--short", "-q", "HEAD"];
                match self.run(&args)? {
                    Ran::Ok(b) => Fact::Known(b.trim().to_owned()),
                    // Detached HEAD: a checkout without a branch.
                    Ran::Err {
                        code: Some(1),
                        stderr,
                        ..
                    } if stderr.is_empty() => Fact::Known(String::new()),
                    Ran::Err { stderr, .. } => self.failed(&args, &stderr),
                }
            }
            GitFact::Name => match &self.top {
                Some(top) => top.file_name().map_or(Fact::Absent, |n| {
                    Fact::Known(n.to_string_lossy().into_owned())
                }),
                // The probe asked for it: a checkout always has one.
                None => Fact::Failed(format!(
                    "git named no top-level directory for {}",
                    self.dir.display()
                )),
            },
            GitFact::RemoteUrl => {
                let args = ["remote", "get-url", "origin"];
                match self.run(&args)? {
                    Ran::Ok(url) => Fact::Known(url.trim().to_owned()),
                    // "error: No such remote 'origin'" (exit 2).
                    Ran::Err {
                        code: Some(2),
                        stderr,
                        ..
                    } if stderr.contains("No such remote") => Fact::Absent,
                    Ran::Err { stderr, .. } => self.failed(&args, &stderr),
                }
            }
        })
    }
}

/// The result of one git command.
enum Ran {
    /// Exit 0, with stdout.
    Ok(String),
    /// Any other ending, with the first line of stderr (and what it
    /// printed on stdout before failing).
    Err {
        code: Option<i32>,
        stderr: String,
        stdout: String,
    },
}

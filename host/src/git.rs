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
//! `GIT_WORK_TREE`, `GIT_INDEX_FILE`, …) are removed from git's environment,
//! and `GIT_OPTIONAL_LOCKS=0` keeps git from writing to the repository.

use crate::run::{find_program, run_all_bounded, Bounded, OUTPUT_LIMIT};
use imprint_core::{tags_matching, GitFact};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How the tags on HEAD are listed, once for every tag fact: one name per
/// line (`--no-column`: `column.ui=always` would put them on one line).
const TAGS_ARGS: [&str; 4] = ["tag", "--no-column", "--points-at", "HEAD"];

/// How HEAD's commit is read (and named in messages).
const HEAD_ARGS: [&str; 4] = ["rev-parse", "--verify", "-q", "HEAD^{commit}"];
/// The branch `HEAD` is on, as a full ref name (`--short` writes
/// `heads/main` when a tag is also called `main`).
const BRANCH_ARGS: [&str; 3] = ["symbolic-ref", "-q", "HEAD"];

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
    top: Option<PathBuf>,
}

#[derive(Debug, Clone)]
enum State {
    /// A work tree git accepts, and its `HEAD`'s commit id: known, absent
    /// on an unborn branch, or failed (read by the probe).
    Repo { head: Fact },
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
        let first = |out: &str| out.lines().next() == Some("true");
        c.state = match probe {
            Ran::Ok(out) if first(&out) => {
                c.top = out.lines().nth(1).map(PathBuf::from);
                State::Repo {
                    head: match out.lines().nth(2) {
                        Some(sha) => Fact::Known(sha.trim().to_owned()),
                        None => Fact::Failed(format!(
                            "`git {}` failed in {}: it named no commit",
                            HEAD_ARGS.join(" "),
                            c.dir.display()
                        )),
                    },
                }
            }
            // A checkout whose HEAD names no commit: `-q --verify` exits 1
            // silently; another failure of HEAD alone is HEAD's to report.
            Ran::Err {
                code,
                stderr,
                stdout,
            } if first(&stdout) => {
                c.top = stdout.lines().nth(1).map(PathBuf::from);
                State::Repo {
                    head: if code == Some(1) && stderr.is_empty() {
                        Fact::Absent
                    } else {
                        c.failed(&HEAD_ARGS, &stderr)
                    },
                }
            }
            Ran::Err { stdout, .. } if stdout.lines().next() == Some("false") => State::NotRepo,
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
            Ran::Unreadable(why) => State::Refused(format!(
                "`git rev-parse --is-inside-work-tree --show-toplevel` in {}: {why} (is `{}` really git, and is the checkout's path UTF-8?)",
                dir.display(),
                c.git.as_deref().map_or_else(String::new, |g| g.display().to_string())
            )),
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

    /// Runs git with `args` in the checkout.
    fn run(&self, args: &[&str]) -> Result<Ran, Hung> {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let mut ran = self.run_all(std::slice::from_ref(&args))?;
        Ok(ran.pop().unwrap_or_else(|| Ran::Err {
            code: None,
            stderr: "git did not run".into(),
            stdout: String::new(),
        }))
    }

    /// Runs git once for each of `queries` (argument lists), all at the
    /// same time, each bounded by the timeout.
    fn run_all(&self, queries: &[Vec<String>]) -> Result<Vec<Ran>, Hung> {
        let Some(git) = &self.git else {
            return Ok(queries
                .iter()
                .map(|_| Ran::Err {
                    code: None,
                    stderr: "git is not on PATH".into(),
                    stdout: String::new(),
                })
                .collect());
        };
        let commands = queries
            .iter()
            .map(|args| {
                let mut command = Command::new(git);
                command.args(args).current_dir(&self.dir);
                for var in RELOCATING_VARS {
                    command.env_remove(var);
                }
                // imprint only reads: `git status` must not take the index
                // lock to store a refreshed index (a user's `git commit` at
                // the same time would fail on `index.lock`).
                command.env("GIT_OPTIONAL_LOCKS", "0");
                command
            })
            .collect();
        run_all_bounded(commands, self.timeout, true)
            .into_iter()
            .zip(queries)
            .map(|(bounded, args)| self.ran(bounded, args))
            .collect()
    }

    /// What one git run gave, or [`Hung`] when it did not finish in time.
    fn ran(&self, bounded: Bounded, args: &[String]) -> Result<Ran, Hung> {
        Ok(match bounded {
            Bounded::Done {
                stdout,
                code: Some(0),
                ..
            } => match String::from_utf8(stdout) {
                Ok(out) => Ran::Ok(out),
                // A name git printed as bytes imprint would have to change.
                Err(_) => Ran::Unreadable("it printed text that is not UTF-8".to_owned()),
            },
            Bounded::Done {
                stderr,
                code,
                stdout,
            } => Ran::Err {
                code,
                stderr: first_line(&stderr),
                stdout: String::from_utf8_lossy(&stdout).into_owned(),
            },
            // A cut list (of tags) would read as a shorter one: only
            // `git status` may print this much, and only its start counts.
            Bounded::TooLarge(_) => Ran::Unreadable(format!(
                "it printed more than {OUTPUT_LIMIT} bytes, more than imprint reads"
            )),
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
    /// The name `git args` printed, below `prefix`; anything else fails,
    /// naming what git said.
    fn ref_under(&self, args: &[&str], printed: &str, prefix: &str) -> Fact {
        let name = printed.trim();
        match name.strip_prefix(prefix) {
            Some(n) if !n.is_empty() => Fact::Known(n.to_owned()),
            _ => Fact::Failed(format!(
                "`git {}` in {} names `{name}`, not a ref under `{prefix}`",
                args.join(" "),
                self.dir.display(),
            )),
        }
    }

    fn failed(&self, args: &[&str], stderr: &str) -> Fact {
        Fact::Failed(format!(
            "`git {}` failed in {}: {}",
            args.join(" "),
            self.dir.display(),
            said(stderr)
        ))
    }

    /// The branch `origin/HEAD` names (`main`), absent when it names none.
    /// A broken `origin/HEAD` (git exits 128) fails, as in a checkout git
    /// refuses: it is not a repository without one.
    pub fn default_branch(&mut self) -> Result<Fact, Hung> {
        match &self.state {
            State::NotRepo => return Ok(Fact::Absent),
            State::Refused(why) => return Ok(Fact::Failed(why.clone())),
            State::Repo { .. } => {}
        }
        // Full ref names: `--short` writes `remotes/origin/main` when a
        // local branch is called `origin/main`.
        let args = ["symbolic-ref", "-q", "refs/remotes/origin/HEAD"];
        Ok(match self.run(&args)? {
            Ran::Ok(r) => self.ref_under(&args, &r, "refs/remotes/origin/"),
            // No `origin/HEAD`, or not a symbolic ref: `-q` exits 1 silently.
            Ran::Err {
                code: Some(1),
                stderr,
                ..
            } if stderr.is_empty() => Fact::Absent,
            Ran::Err { stderr, .. } | Ran::Unreadable(stderr) => self.failed(&args, &stderr),
        })
    }

    /// Every fact of `facts`, in order. `HEAD` was read by the probe; the
    /// git commands of the other facts are independent and run at the same
    /// time, in one bounded batch, each distinct
    /// command once: every tag fact picks its tags from one list of the
    /// tags on `HEAD` ([`tags_matching`]), and the facts about `HEAD`'s
    /// commit (short ids, commit time) come from one `git show`.
    pub fn facts(&mut self, facts: &[GitFact]) -> Result<Vec<Fact>, Hung> {
        let plans: Vec<Plan> = facts.iter().map(|f| self.plan(f)).collect();
        // Each distinct command runs once (every tag fact reads the one
        // list of the tags on HEAD).
        let mut queries: Vec<Vec<String>> = Vec::new();
        let asks: Vec<Option<usize>> = plans
            .iter()
            .map(|p| match p {
                Plan::Ask(args) => {
                    Some(queries.iter().position(|q| q == args).unwrap_or_else(|| {
                        queries.push(args.clone());
                        queries.len() - 1
                    }))
                }
                _ => None,
            })
            .collect();
        let asked = queries.len();
        let shows = commit_queries(&plans);
        queries.extend(shows.iter().map(|fields| show_args(fields)));
        let answers = self.run_all(&queries)?;
        let (answers, shown) = answers.split_at(asked.min(answers.len()));
        Ok(facts
            .iter()
            .zip(plans)
            .zip(asks)
            .map(|((fact, plan), ask)| match plan {
                Plan::Ready(found) => found,
                Plan::Ask(args) => {
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    match ask.and_then(|i| answers.get(i)) {
                        Some(ran) => self.answer(fact, &args, ran),
                        None => self.failed(&args, "git did not run"),
                    }
                }
                Plan::Commit(field) => self.commit_field(field, &shows, shown),
            })
            .collect())
    }

    /// One field of `HEAD`'s commit from the `git show` that printed it.
    fn commit_field(&self, field: CommitField, shows: &[Vec<CommitField>], shown: &[Ran]) -> Fact {
        let Some((i, line)) = shows
            .iter()
            .enumerate()
            .find_map(|(i, fields)| Some((i, fields.iter().position(|f| *f == field)?)))
        else {
            return Fact::Failed("imprint asked git for no such field (a bug)".to_owned());
        };
        let args = shows.get(i).map(|f| show_args(f)).unwrap_or_default();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        match shown.get(i) {
            Some(Ran::Ok(out)) => match out.lines().nth(line).map(str::trim) {
                Some(v) if !v.is_empty() => Fact::Known(v.to_owned()),
                _ => Fact::Failed(format!(
                    "`git {}` failed in {}: it printed no {}",
                    args.join(" "),
                    self.dir.display(),
                    field.name()
                )),
            },
            Some(Ran::Err { stderr, .. } | Ran::Unreadable(stderr)) => self.failed(&args, stderr),
            None => self.failed(&args, "git did not run"),
        }
    }

    /// What finding `fact` takes: nothing more, or one git command.
    fn plan(&self, fact: &GitFact) -> Plan {
        let head = match &self.state {
            State::NotRepo => return Plan::Ready(Fact::Absent),
            State::Refused(why) => return Plan::Ready(Fact::Failed(why.clone())),
            State::Repo { head } => head,
        };
        let ask = |args: &[&str]| Plan::Ask(args.iter().map(|a| (*a).to_owned()).collect());
        // Facts about HEAD's commit when HEAD names none: `unborn` (an
        // unborn branch has no commit, and no tags point at it), or HEAD's
        // failure.
        let of_head = |plan: Plan, unborn: Fact| match head {
            Fact::Known(_) => plan,
            Fact::Absent => Plan::Ready(unborn),
            failed @ Fact::Failed(_) => Plan::Ready(failed.clone()),
        };
        match fact {
            GitFact::IsRepo => Plan::Ready(Fact::Known("true".into())),
            GitFact::Sha => Plan::Ready(head.clone()),
            GitFact::Short(n) => of_head(Plan::Commit(CommitField::Short(*n)), Fact::Absent),
            // Like `test -n "$(git status --porcelain)"`: untracked files
            // count, ignored ones do not. `-z` prints names as bytes, so a
            // file name that is not UTF-8 still makes the tree dirty.
            GitFact::Dirty => ask(&["status", "--porcelain", "-z"]),
            GitFact::Tag(_) | GitFact::AllTags => {
                of_head(ask(&TAGS_ARGS), Fact::Known(String::new()))
            }
            GitFact::CommitTime => of_head(Plan::Commit(CommitField::Time), Fact::Absent),
            GitFact::Branch => ask(&BRANCH_ARGS),
            GitFact::Name => Plan::Ready(match &self.top {
                Some(top) => top.file_name().map_or(Fact::Absent, |n| {
                    Fact::Known(n.to_string_lossy().into_owned())
                }),
                // The probe asked for it: a checkout always has one.
                None => Fact::Failed(format!(
                    "git named no top-level directory for {}",
                    self.dir.display()
                )),
            }),
            GitFact::RemoteUrl => ask(&["remote", "get-url", "origin"]),
        }
    }

    /// `fact` from what `git args` gave.
    fn answer(&self, fact: &GitFact, args: &[&str], ran: &Ran) -> Fact {
        match (fact, ran) {
            (GitFact::Dirty, Ran::Ok(s)) => {
                Fact::Known(if s.is_empty() { "" } else { "true" }.to_owned())
            }
            // Too much to read, or names that are not UTF-8: it listed
            // something, so the tree is dirty.
            (GitFact::Dirty, Ran::Unreadable(_)) => Fact::Known("true".to_owned()),
            // The tags matching the pattern as `git tag --list` matches.
            (GitFact::Tag(pattern), Ran::Ok(tags)) => Fact::Known(tags_matching(tags, pattern)),
            (GitFact::AllTags, Ran::Ok(tags)) => Fact::Known(tags.clone()),
            (GitFact::Branch, Ran::Ok(b)) => self.ref_under(&BRANCH_ARGS, b, "refs/heads/"),
            // Detached HEAD: a checkout without a branch.
            (
                GitFact::Branch,
                Ran::Err {
                    code: Some(1),
                    stderr,
                    ..
                },
            ) if stderr.is_empty() => Fact::Known(String::new()),
            // "error: No such remote 'origin'" (exit 2).
            (
                GitFact::RemoteUrl,
                Ran::Err {
                    code: Some(2),
                    stderr,
                    ..
                },
            ) if stderr.contains("No such remote") => Fact::Absent,
            (_, Ran::Ok(out)) => Fact::Known(out.trim().to_owned()),
            (_, Ran::Err { stderr, .. } | Ran::Unreadable(stderr)) => self.failed(args, stderr),
        }
    }
}

/// What finding one fact takes.
enum Plan {
    /// Nothing more: the probe or `HEAD` decided it.
    Ready(Fact),
    /// One git command, with these arguments.
    Ask(Vec<String>),
    /// A field of `HEAD`'s commit, printed by `git show`.
    Commit(CommitField),
}

/// A fact about `HEAD`'s commit that `git show` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CommitField {
    /// `%h`: the abbreviated id, at least this long (`--abbrev`), or git's
    /// own length (`core.abbrev`) — what `git rev-parse --short[=n] HEAD`
    /// prints.
    Short(Option<u8>),
    /// `%ct`: the committer time, seconds since 1970.
    Time,
}

impl CommitField {
    /// Its name in a message.
    fn name(self) -> &'static str {
        match self {
            Self::Short(_) => "abbreviated commit id",
            Self::Time => "commit time",
        }
    }
}

/// The `git show` runs that read the commit fields `plans` ask for: one per
/// abbreviation length, the commit time with the first (so the usual short
/// id and time are one process).
fn commit_queries(plans: &[Plan]) -> Vec<Vec<CommitField>> {
    let mut shows: Vec<Vec<CommitField>> = Vec::new();
    for plan in plans {
        if let Plan::Commit(short @ CommitField::Short(_)) = plan {
            if !shows.iter().any(|s| s.first() == Some(short)) {
                shows.push(vec![*short]);
            }
        }
    }
    if plans
        .iter()
        .any(|p| matches!(p, Plan::Commit(CommitField::Time)))
    {
        match shows.first_mut() {
            Some(first) => first.push(CommitField::Time),
            None => shows.push(vec![CommitField::Time]),
        }
    }
    shows
}

/// `git show` printing `fields` of `HEAD`'s commit, one per line. Signature
/// checks (`log.showSignature`) would print before them: they are off.
fn show_args(fields: &[CommitField]) -> Vec<String> {
    let mut args: Vec<String> = ["show", "-s", "--no-show-signature"]
        .map(String::from)
        .to_vec();
    let mut format = Vec::new();
    for field in fields {
        match field {
            CommitField::Short(n) => {
                if let Some(n) = n {
                    args.push(format!("--abbrev={n}"));
                }
                format.push("%h");
            }
            CommitField::Time => format.push("%ct"),
        }
    }
    args.push(format!("--format={}", format.join("%n")));
    args.extend(["HEAD", "--"].map(String::from));
    args
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
    /// Output imprint cannot take whole: more than it reads, or not UTF-8;
    /// why, as a message.
    Unreadable(String),
}

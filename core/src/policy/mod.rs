//! The policy model: what a loaded, validated policy is.
//!
//! A policy is parsed once ([`Policy::from_json`]) into this compiled form:
//! value names are resolved to indices, templates are split into parts,
//! regexes are compiled, and the values are put in evaluation order. After
//! that, [`crate::derive`] only walks plain data.

mod load;

use crate::condition::Condition;
use crate::template::Template;
use crate::transform::Transform;

pub use load::Limits;

/// The keys a policy document may have at its top level.
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "$schema",
    "imprint",
    "name",
    "description",
    "args",
    "values",
    "outputs",
    "pin",
    "rules",
    "card",
    "metadata_action",
];

/// Largest policy format version this engine understands.
pub const FORMAT_VERSION: u64 = 1;

/// A loaded and validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) args: Vec<ArgDecl>,
    pub(crate) values: Vec<ValueDef>,
    /// Value indices in dependency order.
    pub(crate) order: Vec<usize>,
    pub(crate) outputs: Outputs,
    pub(crate) pin: Option<PinSpec>,
    pub(crate) rules: Vec<crate::rule::Rule>,
    pub(crate) card: crate::rule::CardSpec,
    /// docker/metadata-action's inputs (`metadata_action`), checked.
    pub(crate) metadata_action: Option<crate::metadata::MetaInputs>,
    /// Longest derived value, in bytes.
    pub(crate) value_limit: usize,
    /// Most bytes one derivation may compute.
    pub(crate) total_limit: usize,
}

/// A declared `--arg NAME=VALUE` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    /// The argument's name.
    pub name: String,
    /// What it means, for `--help`-style listings.
    pub description: String,
}

#[derive(Debug, Clone)]
pub(crate) struct ValueDef {
    pub name: String,
    pub candidates: Vec<Candidate>,
    pub default: Option<String>,
    pub required: bool,
    pub format: Option<Format>,
    pub persist: Option<Persist>,
}

/// The format a value must have once derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// An OCI tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    Tag,
    /// A full image reference, `name[:tag][@digest]`.
    Reference,
}

#[derive(Debug, Clone)]
pub(crate) struct Persist {
    pub file: String,
    /// Value used with `--load` when the file is missing, unreadable or blank;
    /// `None` means derive as usual.
    pub missing: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub source: Source,
    /// Description of the source for traces, such as `env BUILDKITE_COMMIT`.
    pub label: String,
    pub when: Option<Condition>,
    pub transforms: Vec<Transform>,
    pub accept_empty: bool,
    /// What git must confirm before this (CI variable) source counts.
    pub verify: Option<Verify>,
}

/// A check of a source's text against the checkout (`"verify"`): CI
/// variables describe the commit the pipeline was started for, which need
/// not be the one checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verify {
    /// The text names a tag that points at `HEAD`.
    GitTag,
    /// The text is `HEAD`'s commit id (or an abbreviation of at least 7
    /// hex digits).
    GitCommit,
}

impl Verify {
    /// The git facts a verification reads.
    pub(crate) const FACTS: [GitFact; 3] = [GitFact::IsRepo, GitFact::Sha, GitFact::AllTags];
}

#[derive(Debug, Clone)]
pub(crate) enum Source {
    Env(String),
    Arg(String),
    Git { fact: GitFact, key: String },
    Arch,
    File { path: String, read: FileRead },
    GoModule { path: String },
    Command { argv: Vec<String>, key: String },
    Value(usize),
    Template(Template),
    Literal(String),
}

/// How a file source reads its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FileRead {
    Raw,
    Trim,
    Dotenv(String),
}

/// A fact about the git checkout, gathered by the host.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GitFact {
    /// Full commit id of `HEAD` (`git rev-parse HEAD`).
    Sha,
    /// Abbreviated commit id: `Some(n)` is `git rev-parse --short=n HEAD`,
    /// `None` is git's own default abbreviation (honours `core.abbrev`).
    Short(Option<u8>),
    /// `true` when `git status --porcelain` lists anything (tracked changes
    /// or untracked files anywhere in the repository), empty when clean.
    Dirty,
    /// The tags matching a glob that point at `HEAD`, one per line (the
    /// engine takes the highest by semver precedence, see
    /// [`crate::highest_tag`]).
    Tag(String),
    /// Every tag that points at `HEAD`, one per line, for `verify`.
    AllTags,
    /// The current branch name, empty on a detached `HEAD`.
    Branch,
    /// `true` inside a git work tree.
    IsRepo,
    /// File name of the top-level directory of the work tree.
    Name,
    /// URL of the `origin` remote.
    RemoteUrl,
    /// `HEAD`'s committer time in seconds since 1970 (`git show -s
    /// --format=%ct HEAD`): a build time that does not change when the
    /// same commit is built again.
    CommitTime,
}

impl GitFact {
    /// The key under which the host stores this fact in [`crate::Context::git`].
    pub fn key(&self) -> String {
        match self {
            Self::Sha => "sha".into(),
            Self::Short(None) => "short".into(),
            Self::Short(Some(n)) => format!("short={n}"),
            Self::Dirty => "dirty".into(),
            Self::Tag(p) => format!("tag={p}"),
            Self::AllTags => "tags".into(),
            Self::Branch => "branch".into(),
            Self::IsRepo => "is_repo".into(),
            Self::Name => "name".into(),
            Self::RemoteUrl => "remote_url".into(),
            Self::CommitTime => "commit_time".into(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Outputs {
    pub build_args: Vec<Entry>,
    pub tags: Vec<Entry>,
    pub labels: Vec<Entry>,
    pub env: Vec<Entry>,
    pub ldflags: Vec<LdFlagDef>,
    pub bake_target: String,
}

/// One named output entry (build arg, label, env) or an unnamed one (tag).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: String,
    /// Where the entry is in the policy (see `Entry::path`).
    pub at: EntryAt,
    pub value: Template,
    pub when: Option<Condition>,
}

/// Where an output entry is in the policy, for messages: its JSON path is
/// written out only when a message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryAt {
    /// Item `i` of the list at this path (`$.outputs.tags`).
    Item(&'static str, usize),
    /// The entry's name as a key of the object at this path
    /// (`$.outputs.labels`).
    Key(&'static str),
}

#[derive(Debug, Clone)]
pub(crate) struct LdFlagDef {
    pub symbol: Template,
    pub value: Template,
    /// Index in `$.outputs.ldflags`.
    pub index: usize,
    pub when: Option<Condition>,
}

/// Which image references `imprint pin` rewrites, and to what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinSpec {
    /// Image bases (`registry/path`) whose pins are rewritten, in order.
    pub images: Vec<String>,
    /// Index of the value that gives the tag.
    pub(crate) tag_value: usize,
    /// Extra literal tags that are re-pointed too (besides hex and `dev-` tags).
    pub also_tags: Vec<String>,
    /// File extensions (lower-case, without the dot) that are rewritten.
    pub extensions: Vec<String>,
}

/// Everything a policy reads from the outside world; the host gathers
/// exactly this into a [`crate::Context`] before deriving.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Environment variable names.
    pub env: Vec<String>,
    /// Git facts.
    pub git: Vec<GitFact>,
    /// Whether the machine architecture is read.
    pub arch: bool,
    /// Files read (paths relative to the repository directory).
    pub files: Vec<String>,
    /// Commands that may be run (argv), only when allowed by the caller.
    pub commands: Vec<Vec<String>>,
}

impl Policy {
    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The policy's description.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The `--arg` names the policy declares.
    pub fn args(&self) -> &[ArgDecl] {
        &self.args
    }

    /// Names of all values, in declaration order.
    pub fn value_names(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|v| &*v.name)
    }

    /// `(value name, file name)` of every persisted value.
    pub fn persisted(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values
            .iter()
            .filter_map(|v| v.persist.as_ref().map(|p| (&*v.name, p.file.as_str())))
    }

    /// docker/metadata-action's inputs (`metadata_action`), if the policy
    /// has them.
    pub fn metadata_action(&self) -> Option<&crate::metadata::MetaInputs> {
        self.metadata_action.as_ref()
    }

    /// The pin rewrite specification, if the policy has one.
    pub fn pin(&self) -> Option<&PinSpec> {
        self.pin.as_ref()
    }

    /// Name of the value that gives the pin tag.
    pub fn pin_tag_value(&self) -> Option<&str> {
        self.pin
            .as_ref()
            .and_then(|p| self.values.get(p.tag_value))
            .map(|v| &*v.name)
    }

    /// `(id, description)` of every rule, in order.
    pub fn rules(&self) -> impl Iterator<Item = (&str, &str)> {
        self.rules
            .iter()
            .map(|r| (r.id.as_str(), r.description.as_str()))
    }

    /// Everything the policy reads, so the host can gather it up front.
    pub fn inputs(&self) -> Inputs {
        let mut i = Inputs::default();
        for c in self.values.iter().flat_map(|v| &v.candidates) {
            match &c.source {
                Source::Env(n) | Source::Arg(n) if c.verify.is_some() => {
                    if matches!(c.source, Source::Env(_)) {
                        push_unique(&mut i.env, n.clone());
                    }
                    for f in Verify::FACTS {
                        push_unique(&mut i.git, f);
                    }
                }
                Source::Env(n) => push_unique(&mut i.env, n.clone()),
                Source::Git { fact, .. } => push_unique(&mut i.git, fact.clone()),
                Source::Arch => i.arch = true,
                Source::File { path, .. } | Source::GoModule { path } => {
                    push_unique(&mut i.files, path.clone())
                }
                Source::Command { argv, .. } => push_unique(&mut i.commands, argv.clone()),
                Source::Arg(_) | Source::Value(_) | Source::Template(_) | Source::Literal(_) => {}
            }
        }
        i
    }
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, item: T) {
    if !v.contains(&item) {
        v.push(item);
    }
}

//! Derivation: policy × context → values, outputs and a trace.
//!
//! Values are evaluated once each, in dependency order. For each value the
//! candidates are tried in order: a candidate whose `when` is false is
//! skipped, a source that is unset (or empty, unless `accept_empty`) falls
//! through, and the first non-empty one wins. Nothing wins → the `default`,
//! or the empty string. Every step is recorded in the trace.

use crate::context::{CommandOutcome, Context};
use crate::error::{DeriveError, DeriveErrorCode};
use crate::inputs::{dotenv_value, go_module_path};
use crate::policy::{Candidate, Entry, FileRead, Format, Policy, Source, ValueDef};
use crate::reference::{is_valid_tag, Reference};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Name/value pairs that keep their order and serialize as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairs(pub Vec<(Arc<str>, String)>);

impl Pairs {
    /// The value for `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Serialize for Pairs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(&**k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Pairs, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, String>()? {
                    out.push((Arc::from(k), v));
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// One `--build-arg NAME=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildArg {
    /// Argument name.
    pub name: String,
    /// Argument value.
    pub value: String,
}

/// One Go linker flag `-X symbol=value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LdFlag {
    /// Fully qualified symbol, such as `example.com/m.version`.
    pub symbol: String,
    /// The string it is set to.
    pub value: String,
}

/// A value to be written by `--save`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persisted {
    /// The value's name.
    pub value: String,
    /// File name inside the save directory.
    pub file: String,
    /// Exact file content.
    pub content: String,
}

/// Why a candidate did not win.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Its `when` condition was false.
    ConditionFalse,
    /// The variable, argument or fact is not set.
    Unset,
    /// It produced an empty string (after transforms).
    Empty,
    /// The file is missing or unreadable.
    FileMissing,
    /// The dotenv key is not in the file.
    KeyMissing,
    /// The `go.mod` has no `module` directive.
    NoModule,
    /// The command was not allowed by the caller.
    NotAllowed,
    /// The command is not on `PATH`.
    NotFound,
    /// The command timed out.
    TimedOut,
    /// The command failed to start or printed non-UTF-8 output.
    Failed,
    /// The command has not been run (the host did not provide its result).
    NotRun,
}

impl SkipReason {
    /// A short human phrase.
    pub fn describe(self) -> &'static str {
        match self {
            Self::ConditionFalse => "condition is false",
            Self::Unset => "not set",
            Self::Empty => "empty",
            Self::FileMissing => "file missing or unreadable",
            Self::KeyMissing => "key not in file",
            Self::NoModule => "no module directive",
            Self::NotAllowed => "command not allowed (use --allow-command)",
            Self::NotFound => "command not found on PATH",
            Self::TimedOut => "command timed out",
            Self::Failed => "command failed to run",
            Self::NotRun => "command not run",
        }
    }
}

/// A candidate that was passed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skip {
    /// Position in the value's `from` list.
    pub index: u32,
    /// The source, such as `env BUILDKITE_COMMIT`.
    pub source: Arc<str>,
    /// Why it did not win.
    pub reason: SkipReason,
}

/// Where a value's result came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// A candidate of `from` won.
    Source {
        /// Position in the value's `from` list.
        index: u32,
        /// The source, such as `env BUILDKITE_COMMIT`.
        source: Arc<str>,
    },
    /// No candidate won; the policy's `default` was used.
    Default,
    /// No candidate won and there is no default: the empty string.
    Empty,
    /// Read back from a persisted file (`--load`).
    Loaded {
        /// The file name.
        file: String,
    },
    /// `--load` found the file missing or blank; the policy's fallback was used.
    LoadFallback {
        /// The file name.
        file: String,
    },
}

/// How one value was derived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueTrace {
    /// The value's name.
    pub value: Arc<str>,
    /// What produced it.
    pub origin: Origin,
    /// Candidates tried before the winner, and why each was passed over.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skip>,
}

/// The result of [`derive`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derivation {
    /// The policy's name.
    pub policy: String,
    /// Every value, in declaration order.
    pub values: Pairs,
    /// Image references to tag the build with, in order.
    pub tags: Vec<String>,
    /// Docker build arguments, in order.
    pub build_args: Vec<BuildArg>,
    /// Image labels.
    pub labels: Pairs,
    /// Environment entries.
    pub env: Pairs,
    /// Go `-X` linker flags, in order.
    pub ldflags: Vec<LdFlag>,
    /// Values to persist with `--save`.
    pub persist: Vec<Persisted>,
    /// How each value was derived, in evaluation order.
    pub trace: Vec<ValueTrace>,
    /// Bake target name for the `bake` format.
    pub bake_target: String,
}

impl Derivation {
    /// The derived value called `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name)
    }
}

struct Eval<'a> {
    policy: &'a Policy,
    ctx: &'a Context,
    vals: Vec<String>,
    winners: Vec<Option<usize>>,
    trace: Vec<ValueTrace>,
    pending: Vec<Vec<String>>,
}

fn escape(s: &str) -> String {
    s.escape_debug().to_string()
}

/// Derives everything the policy declares from the context.
///
/// Pure and deterministic: the same policy and context always give the same
/// result. Fails when a `required` value is empty or blank, when a value or
/// tag violates its format, or when a value outgrows the size limit; the
/// error names the value and the inputs it came from.
///
/// ```
/// use imprint_core::{derive, Context, Policy};
/// let policy = Policy::from_json(r#"{
///   "name": "demo",
///   "values": {
///     "commit": { "from": [{ "env": "CI_COMMIT" }, { "git": "short", "length": 12 }], "default": "unknown" },
///     "tag":    { "from": [{ "template": "dev-{commit}" }], "format": "tag" }
///   },
///   "outputs": { "tags": ["example/app:{tag}"] }
/// }"#, "demo").unwrap();
/// let mut ctx = Context::default();
/// ctx.git.insert("short=12".into(), "c393ae4b2f1a".into());
/// let d = derive(&policy, &ctx).unwrap();
/// assert_eq!(d.tags, ["example/app:dev-c393ae4b2f1a"]);
/// ```
pub fn derive(policy: &Policy, ctx: &Context) -> Result<Derivation, DeriveError> {
    let mut ev = Eval::new(policy, ctx);
    ev.values(true)?;
    ev.finish()
}

impl Policy {
    /// Commands the derivation would run with this context that the context
    /// has no result for yet. The host runs (or refuses) them, records the
    /// outcomes in [`Context::commands`], and asks again until none is left;
    /// so a command is only run when the policy actually reaches it.
    pub fn pending_commands(&self, ctx: &Context) -> Vec<Vec<String>> {
        let mut ev = Eval::new(self, ctx);
        // Errors are irrelevant here; only which commands were reached.
        let _ = ev.values(false);
        ev.pending
    }
}

impl<'a> Eval<'a> {
    fn new(policy: &'a Policy, ctx: &'a Context) -> Self {
        let n = policy.values.len();
        Self {
            policy,
            ctx,
            vals: vec![String::new(); n],
            winners: vec![None; n],
            trace: Vec::with_capacity(n),
            pending: Vec::new(),
        }
    }

    fn values(&mut self, strict: bool) -> Result<(), DeriveError> {
        for &i in &self.policy.order {
            let Some(def) = self.policy.values.get(i) else {
                continue;
            };
            let (val, origin, skipped, winner) = self.value(def)?;
            if strict {
                self.check(def, i, &val, winner, &origin)?;
            }
            if let Some(slot) = self.vals.get_mut(i) {
                *slot = val;
            }
            if let Some(slot) = self.winners.get_mut(i) {
                *slot = winner;
            }
            self.trace.push(ValueTrace {
                value: def.name.clone(),
                origin,
                skipped,
            });
        }
        Ok(())
    }

    #[allow(
        clippy::type_complexity,
        reason = "private helper returning a tuple of parts"
    )]
    fn value(
        &mut self,
        def: &ValueDef,
    ) -> Result<(String, Origin, Vec<Skip>, Option<usize>), DeriveError> {
        if let (Some(p), Some(loaded)) = (&def.persist, self.ctx.loaded.get(&*def.name)) {
            match loaded.as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => {
                    return Ok((
                        t.to_owned(),
                        Origin::Loaded {
                            file: p.file.clone(),
                        },
                        Vec::new(),
                        None,
                    ))
                }
                _ => {
                    if let Some(m) = &p.missing {
                        let origin = Origin::LoadFallback {
                            file: p.file.clone(),
                        };
                        return Ok((m.clone(), origin, Vec::new(), None));
                    }
                }
            }
        }
        let mut skipped = Vec::new();
        for (ci, cand) in def.candidates.iter().enumerate() {
            let index = u32::try_from(ci).unwrap_or(u32::MAX);
            let skip = |reason| Skip {
                index,
                source: cand.label.clone(),
                reason,
            };
            if let Some(w) = &cand.when {
                if !w.eval(&self.vals) {
                    skipped.push(skip(SkipReason::ConditionFalse));
                    continue;
                }
            }
            match self.resolve(cand, &def.name)? {
                Ok(v) => {
                    let origin = Origin::Source {
                        index,
                        source: cand.label.clone(),
                    };
                    return Ok((v, origin, skipped, Some(ci)));
                }
                Err(reason) => skipped.push(skip(reason)),
            }
        }
        Ok(match &def.default {
            Some(d) => (d.clone(), Origin::Default, skipped, None),
            None => (String::new(), Origin::Empty, skipped, None),
        })
    }

    /// The candidate's text, or why it does not count.
    fn resolve(
        &mut self,
        cand: &Candidate,
        name: &str,
    ) -> Result<Result<String, SkipReason>, DeriveError> {
        let ctx = self.ctx;
        let raw: Cow<'_, str> = match &cand.source {
            Source::Env(n) => match ctx.env.get(n) {
                Some(v) => Cow::Borrowed(v.as_str()),
                None => return Ok(Err(SkipReason::Unset)),
            },
            Source::Arg(n) => match ctx.args.get(n) {
                Some(v) => Cow::Borrowed(v.as_str()),
                None => return Ok(Err(SkipReason::Unset)),
            },
            Source::Git { key, .. } => match ctx.git.get(key) {
                Some(v) => Cow::Borrowed(v.as_str()),
                None => return Ok(Err(SkipReason::Unset)),
            },
            Source::Arch => match &ctx.arch {
                Some(v) => Cow::Borrowed(v.as_str()),
                None => return Ok(Err(SkipReason::Unset)),
            },
            Source::File { path, read } => {
                let Some(text) = ctx.files.get(path) else {
                    return Ok(Err(SkipReason::FileMissing));
                };
                match read {
                    FileRead::Raw => Cow::Borrowed(text.as_str()),
                    FileRead::Trim => Cow::Borrowed(text.trim()),
                    FileRead::Dotenv(k) => match dotenv_value(text, k) {
                        Some(v) => Cow::Borrowed(v),
                        None => return Ok(Err(SkipReason::KeyMissing)),
                    },
                }
            }
            Source::GoModule { path } => {
                let Some(text) = ctx.files.get(path) else {
                    return Ok(Err(SkipReason::FileMissing));
                };
                match go_module_path(text) {
                    Some(m) => Cow::Borrowed(m),
                    None => return Ok(Err(SkipReason::NoModule)),
                }
            }
            Source::Command { argv, key } => match ctx.commands.get(key) {
                Some(CommandOutcome::Output { stdout }) => Cow::Borrowed(stdout.as_str()),
                Some(CommandOutcome::NotAllowed) => return Ok(Err(SkipReason::NotAllowed)),
                Some(CommandOutcome::NotFound) => return Ok(Err(SkipReason::NotFound)),
                Some(CommandOutcome::TimedOut) => return Ok(Err(SkipReason::TimedOut)),
                Some(CommandOutcome::Failed { .. }) => return Ok(Err(SkipReason::Failed)),
                None => {
                    if !self.pending.contains(argv) {
                        self.pending.push(argv.clone());
                    }
                    return Ok(Err(SkipReason::NotRun));
                }
            },
            Source::Value(i) => Cow::Borrowed(self.vals.get(*i).map_or("", String::as_str)),
            Source::Template(t) => match t.render(&self.vals, self.policy.value_limit) {
                Ok(s) => Cow::Owned(s),
                Err(len) => return Err(self.too_long(name, len)),
            },
            Source::Literal(s) => Cow::Borrowed(s.as_str()),
        };
        let mut v = raw;
        for t in &cand.transforms {
            v = t.apply(v);
        }
        if v.len() > self.policy.value_limit {
            return Err(self.too_long(name, v.len()));
        }
        if v.is_empty() && !cand.accept_empty {
            return Ok(Err(SkipReason::Empty));
        }
        Ok(Ok(v.into_owned()))
    }

    fn too_long(&self, subject: &str, len: usize) -> DeriveError {
        DeriveError {
            code: DeriveErrorCode::ValueTooLong,
            subject: subject.to_owned(),
            inputs: Vec::new(),
            message: format!(
                "value `{subject}` would be {len} bytes, more than the limit of {}",
                self.policy.value_limit
            ),
        }
    }

    fn check(
        &self,
        def: &ValueDef,
        i: usize,
        val: &str,
        winner: Option<usize>,
        origin: &Origin,
    ) -> Result<(), DeriveError> {
        let inputs = || {
            let mut out = Vec::new();
            self.origin_of(
                i,
                winner,
                origin,
                &mut out,
                &mut vec![false; self.vals.len()],
            );
            out
        };
        if def.required && val.trim().is_empty() {
            let inputs = inputs();
            return Err(DeriveError {
                code: DeriveErrorCode::RequiredEmpty,
                subject: def.name.to_string(),
                message: format!(
                    "value `{}` is required but {} (from {})",
                    def.name,
                    if val.is_empty() { "empty" } else { "blank" },
                    inputs.join(", ")
                ),
                inputs,
            });
        }
        let problem = match def.format {
            Some(Format::Tag) if !is_valid_tag(val) => {
                Some("not a valid OCI tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})".to_owned())
            }
            Some(Format::Reference) => Reference::validate(val)
                .err()
                .map(|e| format!("not a valid OCI reference: {e}")),
            _ => None,
        };
        if let Some(p) = problem {
            let inputs = inputs();
            return Err(DeriveError {
                code: DeriveErrorCode::InvalidFormat,
                subject: def.name.to_string(),
                message: format!(
                    "value `{}` = `{}` is {p} (from {})",
                    def.name,
                    escape(val),
                    inputs.join(", ")
                ),
                inputs,
            });
        }
        Ok(())
    }

    /// Collects the external inputs that flowed into value `i`.
    fn origin_of(
        &self,
        i: usize,
        winner: Option<usize>,
        origin: &Origin,
        out: &mut Vec<String>,
        seen: &mut Vec<bool>,
    ) {
        if let Some(s) = seen.get_mut(i) {
            if *s {
                return;
            }
            *s = true;
        }
        let Some(def) = self.policy.values.get(i) else {
            return;
        };
        let push = |out: &mut Vec<String>, s: String| {
            if !out.contains(&s) {
                out.push(s);
            }
        };
        match (origin, winner.and_then(|w| def.candidates.get(w))) {
            (Origin::Loaded { file } | Origin::LoadFallback { file }, _) => {
                push(out, format!("persisted file {file}"))
            }
            (_, Some(c)) => match &c.source {
                Source::Value(j) => self.origin_of_value(*j, out, seen),
                Source::Template(t) => {
                    for j in t.refs() {
                        self.origin_of_value(j, out, seen);
                    }
                }
                Source::Literal(_) => push(out, format!("a literal of `{}`", def.name)),
                _ => push(out, c.label.to_string()),
            },
            (Origin::Default, None) => push(out, format!("the default of `{}`", def.name)),
            _ => push(out, format!("no source of `{}`", def.name)),
        }
    }

    fn origin_of_value(&self, j: usize, out: &mut Vec<String>, seen: &mut Vec<bool>) {
        let winner = self.winners.get(j).copied().flatten();
        let name = self.policy.values.get(j).map(|d| d.name.clone());
        let origin = self
            .trace
            .iter()
            .find(|t| Some(&t.value) == name.as_ref())
            .map_or(Origin::Empty, |t| t.origin.clone());
        self.origin_of(j, winner, &origin, out, seen);
    }

    fn entry_value(&self, e: &Entry) -> Result<Option<String>, DeriveError> {
        if let Some(w) = &e.when {
            if !w.eval(&self.vals) {
                return Ok(None);
            }
        }
        e.value
            .render(&self.vals, self.policy.value_limit)
            .map(Some)
            .map_err(|len| self.too_long(&e.path, len))
    }

    fn finish(self) -> Result<Derivation, DeriveError> {
        let out = &self.policy.outputs;
        let mut tags = Vec::with_capacity(out.tags.len());
        for e in &out.tags {
            let Some(t) = self.entry_value(e)? else {
                continue;
            };
            if let Err(err) = Reference::validate(&t) {
                let mut inputs = Vec::new();
                let mut seen = vec![false; self.vals.len()];
                for j in e.value.refs() {
                    self.origin_of_value(j, &mut inputs, &mut seen);
                }
                return Err(DeriveError {
                    code: DeriveErrorCode::InvalidFormat,
                    subject: e.path.clone(),
                    message: format!(
                        "tag `{}` ({}) is not a valid OCI reference: {err} (from {})",
                        escape(&t),
                        e.path,
                        inputs.join(", ")
                    ),
                    inputs,
                });
            }
            tags.push(t);
        }
        let mut build_args = Vec::with_capacity(out.build_args.len());
        for e in &out.build_args {
            if let Some(value) = self.entry_value(e)? {
                build_args.push(BuildArg {
                    name: e.name.to_string(),
                    value,
                });
            }
        }
        let pairs = |entries: &[Entry]| -> Result<Pairs, DeriveError> {
            let mut v = Vec::with_capacity(entries.len());
            for e in entries {
                if let Some(val) = self.entry_value(e)? {
                    v.push((e.name.clone(), val));
                }
            }
            Ok(Pairs(v))
        };
        let labels = pairs(&out.labels)?;
        let env = pairs(&out.env)?;
        let mut ldflags = Vec::with_capacity(out.ldflags.len());
        for f in &out.ldflags {
            if let Some(w) = &f.when {
                if !w.eval(&self.vals) {
                    continue;
                }
            }
            let limit = self.policy.value_limit;
            let symbol = f
                .symbol
                .render(&self.vals, limit)
                .map_err(|l| self.too_long(&f.path, l))?;
            let value = f
                .value
                .render(&self.vals, limit)
                .map_err(|l| self.too_long(&f.path, l))?;
            ldflags.push(LdFlag { symbol, value });
        }
        let mut persist = Vec::new();
        for (i, def) in self.policy.values.iter().enumerate() {
            if let Some(p) = &def.persist {
                persist.push(Persisted {
                    value: def.name.to_string(),
                    file: p.file.clone(),
                    content: self.vals.get(i).cloned().unwrap_or_default(),
                });
            }
        }
        let values = Pairs(
            self.policy
                .values
                .iter()
                .zip(self.vals)
                .map(|(d, v)| (d.name.clone(), v))
                .collect(),
        );
        Ok(Derivation {
            policy: self.policy.name.clone(),
            values,
            tags,
            build_args,
            labels,
            env,
            ldflags,
            persist,
            trace: self.trace,
            bake_target: out.bake_target.clone(),
        })
    }
}

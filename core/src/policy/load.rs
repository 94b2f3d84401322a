//! Loading: JSON text → validated [`Policy`], reporting every problem at
//! once with its JSON path, line and column.
//!
//! The loader is hand-written over `serde_json::Value` rather than derived,
//! so it can keep going after the first problem and name each one's place.

#[path = "rules.rs"]
mod rules;

use super::*;
use crate::condition::Test;
use crate::error::{PolicyError, Problem};
use crate::locate::{key_segment, positions};
use crate::re::Regex;
use crate::template::{self, Part, RawPart};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Bounds that keep an untrusted policy from exhausting the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest policy text in bytes.
    pub policy_bytes: usize,
    /// Most values in one policy.
    pub values: usize,
    /// Most candidates of one value, and most entries of one output list.
    pub entries: usize,
    /// Longest regex pattern, in bytes.
    pub regex_pattern: usize,
    /// Deepest nesting of conditions.
    pub condition_depth: usize,
    /// Longest derived value, in bytes.
    pub value_bytes: usize,
    /// Most bytes one derivation may compute in all (borrowed inputs are free).
    pub derivation_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            policy_bytes: 1 << 20,
            values: 1000,
            entries: 256,
            regex_pattern: 4096,
            condition_depth: 32,
            value_bytes: 64 << 10,
            derivation_bytes: 4 << 20,
        }
    }
}

const SOURCE_KEYS: &[&str] = &[
    "env", "arg", "git", "machine", "file", "gomod", "command", "value", "template", "literal",
];
const GIT_FACTS: &[&str] = &[
    "sha",
    "short",
    "dirty",
    "tag",
    "branch",
    "is_repo",
    "name",
    "remote_url",
];
const TESTS: &[&str] = &[
    "nonempty", "empty", "equals", "one_of", "prefix", "glob", "matches",
];
const SIMPLE_TRANSFORMS: &[&str] = &[
    "trim",
    "lowercase",
    "uppercase",
    "sanitize_tag",
    "epoch_to_rfc3339",
    "first_line",
];
const OBJECT_TRANSFORMS: &[&str] = &[
    "strip_prefix",
    "strip_suffix",
    "truncate",
    "match",
    "capture",
    "replace",
    "split",
];

impl Policy {
    /// Loads a policy from JSON text with the default [`Limits`]. `origin`
    /// names where the text came from, for messages.
    ///
    /// ```
    /// let p = imprint_core::Policy::from_json(r#"{
    ///   "name": "demo",
    ///   "values": { "v": { "from": [{ "env": "VERSION" }], "default": "dev" } }
    /// }"#, "demo.json").unwrap();
    /// assert_eq!(p.name(), "demo");
    ///
    /// let err = imprint_core::Policy::from_json(r#"{"name": "x", "values": {"v": {"form": []}}}"#, "x.json").unwrap_err();
    /// assert_eq!(err.problems[0].path, "$.values.v.form");
    /// assert_eq!(err.problems[0].code, "unknown-key");
    /// ```
    pub fn from_json(text: &str, origin: &str) -> Result<Self, PolicyError> {
        Self::from_json_with_limits(text, origin, &Limits::default())
    }

    /// Loads a policy with explicit [`Limits`].
    pub fn from_json_with_limits(
        text: &str,
        origin: &str,
        limits: &Limits,
    ) -> Result<Self, PolicyError> {
        let fail = |problems| PolicyError {
            origin: origin.to_owned(),
            problems,
        };
        if text.len() > limits.policy_bytes {
            return Err(fail(vec![Problem {
                code: "too-large".into(),
                path: "$".into(),
                line: 0,
                column: 0,
                message: format!(
                    "policy is {} bytes, more than the limit of {}",
                    text.len(),
                    limits.policy_bytes
                ),
            }]));
        }
        let root: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return Err(fail(vec![Problem {
                    code: "json-syntax".into(),
                    path: "$".into(),
                    line: u32::try_from(e.line()).unwrap_or(0),
                    column: u32::try_from(e.column()).unwrap_or(0),
                    message: format!("not valid JSON: {}", strip_position(&e.to_string())),
                }]))
            }
        };
        let mut loader = Loader {
            limits,
            problems: Vec::new(),
            names: HashMap::new(),
            args: Vec::new(),
        };
        let policy = loader.policy(&root);
        if loader.problems.is_empty() {
            if let Some(p) = policy {
                return Ok(p);
            }
        }
        let pos = positions(text);
        let problems = loader
            .problems
            .into_iter()
            .map(|(code, path, message)| {
                let (line, column) = locate(&pos, &path);
                Problem {
                    code: code.into(),
                    path,
                    line,
                    column,
                    message,
                }
            })
            .collect();
        Err(fail(problems))
    }
}

fn strip_position(msg: &str) -> &str {
    msg.find(" at line ")
        .map_or(msg, |i| msg.get(..i).unwrap_or(msg))
}

/// Position of `path`, or of its nearest ancestor that exists in the text.
fn locate(pos: &HashMap<String, (u32, u32)>, path: &str) -> (u32, u32) {
    let mut p = path;
    loop {
        if let Some(&lc) = pos.get(p) {
            return lc;
        }
        match p.rfind(['.', '[']) {
            Some(i) if i > 0 => p = p.get(..i).unwrap_or("$"),
            _ => return (0, 0),
        }
    }
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and adjacent transpositions each cost 1 (so `form` is 1 from `from`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    let at = |i: usize, j: usize| i * w + j;
    for i in 0..=a.len() {
        if let Some(c) = d.get_mut(at(i, 0)) {
            *c = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(c) = d.get_mut(at(0, j)) {
            *c = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let (ai, bj) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ai != bj);
            let get = |i, j| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
            let mut best = (get(i - 1, j) + 1)
                .min(get(i, j - 1) + 1)
                .min(get(i - 1, j - 1) + cost);
            if i > 1 && j > 1 && ai == b.get(j - 2) && a.get(i - 2) == bj {
                best = best.min(get(i - 2, j - 2) + 1);
            }
            if let Some(c) = d.get_mut(at(i, j)) {
                *c = best;
            }
        }
    }
    d.last().copied().unwrap_or(0)
}

fn suggest<'a>(word: &str, options: impl IntoIterator<Item = &'a str>) -> String {
    options
        .into_iter()
        .map(|o| (edit_distance(word, o), o))
        .filter(|(d, o)| *d <= 2.max(o.len() / 4))
        .min()
        .map_or(String::new(), |(_, o)| format!(" (did you mean `{o}`?)"))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

struct Loader<'l> {
    limits: &'l Limits,
    problems: Vec<(&'static str, String, String)>,
    names: HashMap<String, usize>,
    args: Vec<String>,
}

impl Loader<'_> {
    fn problem(&mut self, code: &'static str, path: &str, message: String) {
        self.problems.push((code, path.to_owned(), message));
    }

    fn object<'v>(&mut self, v: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.problem(
                    "wrong-type",
                    path,
                    format!("expected an object, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn array<'v>(&mut self, v: &'v Value, path: &str) -> Option<&'v Vec<Value>> {
        match v {
            Value::Array(a) => {
                if a.len() > self.limits.entries {
                    self.problem(
                        "too-many",
                        path,
                        format!(
                            "{} entries, more than the limit of {}",
                            a.len(),
                            self.limits.entries
                        ),
                    );
                    return None;
                }
                Some(a)
            }
            other => {
                self.problem(
                    "wrong-type",
                    path,
                    format!("expected an array, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// `object`, plus the entry-count limit.
    fn bounded_object<'v>(&mut self, v: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
        let m = self.object(v, path)?;
        if m.len() > self.limits.entries {
            self.problem(
                "too-many",
                path,
                format!(
                    "{} entries, more than the limit of {}",
                    m.len(),
                    self.limits.entries
                ),
            );
            return None;
        }
        Some(m)
    }

    /// Whether `p` is a relative path; reports it otherwise.
    fn relative_path(&mut self, p: &str, path: &str) -> bool {
        let absolute = p.starts_with(['/', '\\']) || p.get(1..2) == Some(":");
        if p.is_empty() || absolute || p.contains('\0') {
            self.problem(
                "invalid-path",
                path,
                format!("file `{p}` must be a path relative to the repository directory"),
            );
            return false;
        }
        true
    }

    fn string<'v>(&mut self, v: &'v Value, path: &str) -> Option<&'v str> {
        match v {
            Value::String(s) => Some(s),
            other => {
                self.problem(
                    "wrong-type",
                    path,
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn boolean(&mut self, v: &Value, path: &str) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            other => {
                self.problem(
                    "wrong-type",
                    path,
                    format!("expected a boolean, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn check_keys(&mut self, m: &Map<String, Value>, path: &str, allowed: &[&str]) {
        for k in m.keys() {
            if !allowed.contains(&k.as_str()) {
                let hint = suggest(k, allowed.iter().copied());
                self.problem(
                    "unknown-key",
                    &format!("{path}{}", key_segment(k)),
                    format!("unknown key `{k}`{hint}"),
                );
            }
        }
    }

    fn require<'v>(
        &mut self,
        m: &'v Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'v Value> {
        let v = m.get(key);
        if v.is_none() {
            self.problem("missing-key", path, format!("missing required key `{key}`"));
        }
        v
    }

    fn regex(&mut self, pattern: &str, path: &str) -> Option<Regex> {
        if pattern.len() > self.limits.regex_pattern {
            self.problem(
                "regex-too-large",
                path,
                format!(
                    "regex is {} bytes, more than the limit of {}",
                    pattern.len(),
                    self.limits.regex_pattern
                ),
            );
            return None;
        }
        match crate::re::check(pattern) {
            Ok(_) => {}
            Err(crate::re::PatternError::TooLarge(w)) => {
                self.problem(
                    "regex-too-large",
                    path,
                    format!(
                        "regex `{pattern}` expands to about {w} states, more than the limit of {}",
                        crate::re::MAX_WEIGHT
                    ),
                );
                return None;
            }
            Err(crate::re::PatternError::Invalid(m)) => {
                self.problem(
                    "invalid-regex",
                    path,
                    format!("invalid regex `{pattern}`: {m}"),
                );
                return None;
            }
        }
        match crate::re::compile(pattern) {
            Ok(re) => Some(re),
            Err(m) => {
                self.problem(
                    "invalid-regex",
                    path,
                    format!("invalid regex `{pattern}`: {m}"),
                );
                None
            }
        }
    }

    fn value_ref(&mut self, name: &str, path: &str) -> Option<usize> {
        match self.names.get(name) {
            Some(&i) => Some(i),
            None => {
                let hint = suggest(name, self.names.keys().map(String::as_str));
                self.problem(
                    "unknown-value",
                    path,
                    format!("unknown value `{name}`{hint}"),
                );
                None
            }
        }
    }

    fn template(&mut self, text: &str, path: &str) -> Option<Template> {
        if text.len() > self.limits.value_bytes {
            self.problem(
                "too-large",
                path,
                "template is longer than the value limit".into(),
            );
            return None;
        }
        let raw = match template::parse(text) {
            Ok(r) => r,
            Err(m) => {
                self.problem("invalid-template", path, m);
                return None;
            }
        };
        let mut parts = Vec::with_capacity(raw.len());
        let mut ok = true;
        for p in raw {
            match p {
                RawPart::Lit(s) => parts.push(Part::Lit(s)),
                RawPart::Name(n) => match self.value_ref(&n, path) {
                    Some(i) => parts.push(Part::Value(i)),
                    None => ok = false,
                },
            }
        }
        ok.then_some(Template { parts })
    }

    fn policy(&mut self, root: &Value) -> Option<Policy> {
        let m = self.object(root, "$")?;
        self.check_keys(
            m,
            "$",
            &[
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
            ],
        );
        if let Some(v) = m.get("$schema") {
            self.string(v, "$.$schema");
        }
        if let Some(v) = m.get("imprint") {
            match v.as_u64() {
                Some(n) if (1..=FORMAT_VERSION).contains(&n) => {}
                _ => self.problem(
                    "unsupported-version",
                    "$.imprint",
                    format!("format version {v} is not supported (this engine reads 1 to {FORMAT_VERSION})"),
                ),
            }
        }
        let name = match self.require(m, "name", "$") {
            Some(v) => self.string(v, "$.name").unwrap_or("").to_owned(),
            None => String::new(),
        };
        let description = match m.get("description") {
            Some(v) => self.string(v, "$.description").unwrap_or("").to_owned(),
            None => String::new(),
        };
        let args = match m.get("args") {
            Some(v) => self.args(v),
            None => Vec::new(),
        };
        self.args = args.iter().map(|a| a.name.clone()).collect();

        // Pass 1: value names, so references can point forwards.
        let empty = Map::new();
        let values_map = match self.require(m, "values", "$") {
            Some(v) => self.object(v, "$.values").unwrap_or(&empty),
            None => &empty,
        };
        if values_map.len() > self.limits.values {
            self.problem(
                "too-many",
                "$.values",
                format!(
                    "{} values, more than the limit of {}",
                    values_map.len(),
                    self.limits.values
                ),
            );
            return None;
        }
        for (i, k) in values_map.keys().enumerate() {
            if template::is_name(k) {
                self.names.insert(k.clone(), i);
            } else {
                self.problem(
                    "invalid-name",
                    &format!("$.values{}", key_segment(k)),
                    format!("value name `{k}` must match [A-Za-z_][A-Za-z0-9_]*"),
                );
            }
        }
        // Pass 2: definitions.
        let mut values = Vec::with_capacity(values_map.len());
        for (k, v) in values_map {
            let path = format!("$.values{}", key_segment(k));
            values.push(self.value_def(k, v, &path));
        }
        let outputs = match m.get("outputs") {
            Some(v) => self.outputs(v),
            None => Outputs {
                bake_target: "default".into(),
                ..Outputs::default()
            },
        };
        let pin = m.get("pin").and_then(|v| self.pin(v));
        let rules = m.get("rules").map(|v| self.rules(v)).unwrap_or_default();
        let card = self.card(m.get("card"));
        let values: Vec<ValueDef> = values.into_iter().collect::<Option<_>>()?;
        let order = self.order(&values)?;
        Some(Policy {
            name,
            description,
            args,
            values,
            order,
            outputs,
            pin,
            rules,
            card,
            value_limit: self.limits.value_bytes,
            total_limit: self.limits.derivation_bytes,
        })
    }

    fn args(&mut self, v: &Value) -> Vec<ArgDecl> {
        let Some(m) = self.bounded_object(v, "$.args") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in m {
            let path = format!("$.args{}", key_segment(k));
            if !template::is_name(k) {
                self.problem(
                    "invalid-name",
                    &path,
                    format!("argument name `{k}` must match [A-Za-z_][A-Za-z0-9_]*"),
                );
            }
            let Some(am) = self.object(v, &path) else {
                continue;
            };
            self.check_keys(am, &path, &["description"]);
            let description = match am.get("description") {
                Some(d) => self
                    .string(d, &format!("{path}.description"))
                    .unwrap_or("")
                    .to_owned(),
                None => String::new(),
            };
            out.push(ArgDecl {
                name: k.clone(),
                description,
            });
        }
        out
    }

    fn value_def(&mut self, name: &str, v: &Value, path: &str) -> Option<ValueDef> {
        let m = self.object(v, path)?;
        self.check_keys(
            m,
            path,
            &[
                "description",
                "from",
                "default",
                "required",
                "format",
                "persist",
            ],
        );
        if let Some(d) = m.get("description") {
            self.string(d, &format!("{path}.description"));
        }
        let mut candidates = Vec::new();
        let mut ok = true;
        if let Some(from) = m.get("from") {
            let fpath = format!("{path}.from");
            if let Some(list) = self.array(from, &fpath) {
                for (i, c) in list.iter().enumerate() {
                    match self.candidate(c, &format!("{fpath}[{i}]")) {
                        Some(c) => candidates.push(c),
                        None => ok = false,
                    }
                }
            }
        }
        let default = match m.get("default") {
            Some(d) => self
                .string(d, &format!("{path}.default"))
                .map(str::to_owned),
            None => None,
        };
        if candidates.is_empty() && default.is_none() && m.get("from").is_none() {
            self.problem(
                "missing-key",
                path,
                format!("value `{name}` needs `from` or `default`"),
            );
        }
        let required = match m.get("required") {
            Some(r) => self
                .boolean(r, &format!("{path}.required"))
                .unwrap_or(false),
            None => false,
        };
        let format = match m.get("format") {
            Some(f) => match self.string(f, &format!("{path}.format")) {
                Some("tag") => Some(Format::Tag),
                Some("reference") => Some(Format::Reference),
                Some(other) => {
                    self.problem(
                        "unknown-format",
                        &format!("{path}.format"),
                        format!("unknown format `{other}` (expected `tag` or `reference`)"),
                    );
                    None
                }
                None => None,
            },
            None => None,
        };
        let persist = m
            .get("persist")
            .and_then(|p| self.persist(p, &format!("{path}.persist")));
        let fixed = [
            (default.as_deref(), format!("{path}.default")),
            (
                persist.as_ref().and_then(|p| p.missing.as_deref()),
                format!("{path}.persist.missing"),
            ),
        ];
        for (text, at) in fixed {
            let bad = match (format, text) {
                (Some(Format::Tag), Some(t)) => !crate::is_valid_tag(t),
                (Some(Format::Reference), Some(t)) => crate::Reference::validate(t).is_err(),
                _ => false,
            };
            if bad {
                self.problem(
                    "invalid-format",
                    &at,
                    format!(
                        "`{}` does not satisfy the value's format",
                        text.unwrap_or("")
                    ),
                );
            }
        }
        ok.then(|| ValueDef {
            name: name.to_owned(),
            candidates,
            default,
            required,
            format,
            persist,
        })
    }

    fn persist(&mut self, v: &Value, path: &str) -> Option<Persist> {
        let m = self.object(v, path)?;
        self.check_keys(m, path, &["file", "missing"]);
        let file = self.require(m, "file", path)?;
        let file = self.string(file, &format!("{path}.file"))?.to_owned();
        let bad =
            file.is_empty() || file == "." || file == ".." || file.contains(['/', '\\', '\0']);
        if bad {
            self.problem(
                "invalid-file-name",
                &format!("{path}.file"),
                format!("persist file `{file}` must be a plain file name (no directories)"),
            );
            return None;
        }
        let missing = match m.get("missing") {
            Some(v) => Some(self.string(v, &format!("{path}.missing"))?.to_owned()),
            None => None,
        };
        Some(Persist { file, missing })
    }

    fn candidate(&mut self, v: &Value, path: &str) -> Option<Candidate> {
        let m = self.object(v, path)?;
        let present: Vec<&str> = SOURCE_KEYS
            .iter()
            .copied()
            .filter(|k| m.contains_key(*k))
            .collect();
        let kind = match present.as_slice() {
            [one] => *one,
            [] => {
                let unknown: Vec<&str> = m
                    .keys()
                    .map(String::as_str)
                    .filter(|k| !["when", "transform", "accept_empty"].contains(k))
                    .collect();
                let hint = unknown
                    .first()
                    .map(|k| suggest(k, SOURCE_KEYS.iter().copied()))
                    .unwrap_or_default();
                self.problem(
                    "missing-source",
                    path,
                    format!("a source needs one of `{}`{hint}", SOURCE_KEYS.join("`, `")),
                );
                return None;
            }
            many => {
                self.problem(
                    "ambiguous-source",
                    path,
                    format!("a source takes exactly one of `{}`", many.join("`, `")),
                );
                return None;
            }
        };
        let extra: &[&str] = match kind {
            "git" => &["length", "pattern"],
            "file" => &["read", "key"],
            _ => &[],
        };
        let mut allowed = vec![kind, "when", "transform", "accept_empty"];
        allowed.extend_from_slice(extra);
        self.check_keys(m, path, &allowed);
        let kpath = format!("{path}.{kind}");
        let raw = m.get(kind)?;
        let (source, label): (Source, String) = match kind {
            "env" => {
                let n = self.string(raw, &kpath)?;
                (Source::Env(n.to_owned()), format!("env {n}"))
            }
            "arg" => {
                let n = self.string(raw, &kpath)?;
                if !self.args.iter().any(|a| a == n) {
                    let hint = suggest(n, self.args.iter().map(String::as_str));
                    self.problem(
                        "unknown-argument",
                        &kpath,
                        format!("argument `{n}` is not declared under `args`{hint}"),
                    );
                    return None;
                }
                (Source::Arg(n.to_owned()), format!("arg {n}"))
            }
            "git" => {
                let fact = self.string(raw, &kpath)?;
                let f = match fact {
                    "sha" => GitFact::Sha,
                    "short" => match m.get("length") {
                        Some(l) => match l.as_u64() {
                            Some(n @ 4..=64) => GitFact::Short(u8::try_from(n).ok()),
                            _ => {
                                self.problem(
                                    "out-of-range",
                                    &format!("{path}.length"),
                                    format!(
                                        "length must be a whole number from 4 to 64, found {l}"
                                    ),
                                );
                                return None;
                            }
                        },
                        None => GitFact::Short(None),
                    },
                    "dirty" => GitFact::Dirty,
                    "tag" => {
                        let p = match m.get("pattern") {
                            Some(p) => self.string(p, &format!("{path}.pattern"))?,
                            None => "*",
                        };
                        if p.is_empty() || p.starts_with('-') {
                            self.problem(
                                "invalid-pattern",
                                &format!("{path}.pattern"),
                                format!(
                                    "tag pattern `{p}` must be non-empty and not start with `-`"
                                ),
                            );
                            return None;
                        }
                        GitFact::Tag(p.to_owned())
                    }
                    "branch" => GitFact::Branch,
                    "is_repo" => GitFact::IsRepo,
                    "name" => GitFact::Name,
                    "remote_url" => GitFact::RemoteUrl,
                    other => {
                        let hint = suggest(other, GIT_FACTS.iter().copied());
                        self.problem(
                            "unknown-git-fact",
                            &kpath,
                            format!(
                                "unknown git fact `{other}` (one of `{}`){hint}",
                                GIT_FACTS.join("`, `")
                            ),
                        );
                        return None;
                    }
                };
                if m.contains_key("length") && fact != "short" {
                    self.problem(
                        "unknown-key",
                        &format!("{path}.length"),
                        "`length` goes with `\"git\": \"short\"`".into(),
                    );
                }
                if m.contains_key("pattern") && fact != "tag" {
                    self.problem(
                        "unknown-key",
                        &format!("{path}.pattern"),
                        "`pattern` goes with `\"git\": \"tag\"`".into(),
                    );
                }
                let key = f.key();
                let label = format!("git {key}");
                (Source::Git { fact: f, key }, label)
            }
            "machine" => match self.string(raw, &kpath)? {
                "arch" => (Source::Arch, "machine arch".to_owned()),
                other => {
                    self.problem(
                        "unknown-machine-fact",
                        &kpath,
                        format!("unknown machine fact `{other}` (expected `arch`)"),
                    );
                    return None;
                }
            },
            "file" => {
                let p = self.string(raw, &kpath)?.to_owned();
                if !self.relative_path(&p, &kpath) {
                    return None;
                }
                let read = match m
                    .get("read")
                    .map(|r| self.string(r, &format!("{path}.read")))
                {
                    None | Some(Some("raw")) => FileRead::Raw,
                    Some(Some("trim")) => FileRead::Trim,
                    Some(Some("dotenv")) => {
                        let Some(k) = m.get("key") else {
                            self.problem(
                                "missing-key",
                                path,
                                "`\"read\": \"dotenv\"` needs `key`".into(),
                            );
                            return None;
                        };
                        FileRead::Dotenv(self.string(k, &format!("{path}.key"))?.to_owned())
                    }
                    Some(Some(other)) => {
                        self.problem(
                            "unknown-read-mode",
                            &format!("{path}.read"),
                            format!("unknown read mode `{other}` (one of `raw`, `trim`, `dotenv`)"),
                        );
                        return None;
                    }
                    Some(None) => return None,
                };
                if m.contains_key("key") && !matches!(read, FileRead::Dotenv(_)) {
                    self.problem(
                        "unknown-key",
                        &format!("{path}.key"),
                        "`key` goes with `\"read\": \"dotenv\"`".into(),
                    );
                }
                let label = match &read {
                    FileRead::Dotenv(k) => format!("file {p} key {k}"),
                    _ => format!("file {p}"),
                };
                (Source::File { path: p, read }, label)
            }
            "gomod" => {
                let p = self.string(raw, &kpath)?.to_owned();
                if !self.relative_path(&p, &kpath) {
                    return None;
                }
                let label = format!("module of {p}");
                (Source::GoModule { path: p }, label)
            }
            "command" => {
                let list = self.array(raw, &kpath)?;
                let mut argv = Vec::with_capacity(list.len());
                for (i, a) in list.iter().enumerate() {
                    argv.push(self.string(a, &format!("{kpath}[{i}]"))?.to_owned());
                }
                let bad =
                    |p: &String| p.is_empty() || p.contains('/') || p.contains(char::is_whitespace);
                if argv.first().is_none_or(bad) {
                    self.problem(
                        "invalid-command",
                        &kpath,
                        "a command is a non-empty argv whose program is a bare name looked up on PATH".into(),
                    );
                    return None;
                }
                let key = crate::context::command_key(&argv);
                let label = format!("command {key}");
                (Source::Command { argv, key }, label)
            }
            "value" => {
                let n = self.string(raw, &kpath)?;
                let i = self.value_ref(n, &kpath)?;
                (Source::Value(i), format!("value {n}"))
            }
            "template" => {
                let t = self.string(raw, &kpath)?;
                let label = format!("template {t}");
                (Source::Template(self.template(t, &kpath)?), label)
            }
            _ => {
                let s = self.string(raw, &kpath)?;
                (Source::Literal(s.to_owned()), format!("literal {s}"))
            }
        };
        let when = match m.get("when") {
            Some(w) => Some(self.condition(w, &format!("{path}.when"), 0)?),
            None => None,
        };
        let transforms = match m.get("transform") {
            Some(t) => self.transforms(t, &format!("{path}.transform"))?,
            None => Vec::new(),
        };
        let accept_empty = match m.get("accept_empty") {
            Some(a) => {
                let b = self.boolean(a, &format!("{path}.accept_empty"))?;
                if b && !matches!(source, Source::Env(_) | Source::Arg(_)) {
                    self.problem(
                        "invalid-option",
                        &format!("{path}.accept_empty"),
                        "`accept_empty` only applies to `env` and `arg` sources".into(),
                    );
                }
                b
            }
            None => false,
        };
        Some(Candidate {
            source,
            label,
            when,
            transforms,
            accept_empty,
        })
    }

    fn condition(&mut self, v: &Value, path: &str, depth: usize) -> Option<Condition> {
        self.condition_of(
            v,
            path,
            depth,
            "value",
            &mut |l: &mut Self, name: &str, at: &str| l.value_ref(name, at),
        )
    }

    /// Parses a condition whose tests name their subject under `key`
    /// (`value` in derivations, `fact` in rules); `subject` resolves it.
    pub(super) fn condition_of<S>(
        &mut self,
        v: &Value,
        path: &str,
        depth: usize,
        key: &str,
        subject: &mut dyn FnMut(&mut Self, &str, &str) -> Option<S>,
    ) -> Option<Condition<S>> {
        if depth >= self.limits.condition_depth {
            self.problem(
                "too-deep",
                path,
                format!(
                    "conditions nest deeper than {}",
                    self.limits.condition_depth
                ),
            );
            return None;
        }
        let m = self.object(v, path)?;
        for comb in ["all", "any"] {
            if let Some(list) = m.get(comb) {
                self.check_keys(m, path, &[comb]);
                let lpath = format!("{path}.{comb}");
                let items = self.array(list, &lpath)?;
                let mut cs = Vec::with_capacity(items.len());
                for (i, c) in items.iter().enumerate() {
                    cs.push(self.condition_of(
                        c,
                        &format!("{lpath}[{i}]"),
                        depth + 1,
                        key,
                        subject,
                    ));
                }
                let cs: Vec<Condition<S>> = cs.into_iter().collect::<Option<_>>()?;
                return Some(if comb == "all" {
                    Condition::All(cs)
                } else {
                    Condition::Any(cs)
                });
            }
        }
        if let Some(inner) = m.get("not") {
            self.check_keys(m, path, &["not"]);
            let c = self.condition_of(inner, &format!("{path}.not"), depth + 1, key, subject)?;
            return Some(Condition::Not(Box::new(c)));
        }
        let Some(name) = m.get(key) else {
            self.problem(
                "invalid-condition",
                path,
                format!("a condition needs `all`, `any`, `not`, or `{key}` with a test"),
            );
            return None;
        };
        let mut allowed = vec![key];
        allowed.extend_from_slice(TESTS);
        self.check_keys(m, path, &allowed);
        let name = self.string(name, &format!("{path}.{key}"))?;
        let subj = subject(self, name, &format!("{path}.{key}"))?;
        let test = self.test(m, path, key)?;
        Some(Condition::Test {
            subject: subj,
            test,
        })
    }

    /// The one test of a condition object.
    pub(super) fn test(&mut self, m: &Map<String, Value>, path: &str, key: &str) -> Option<Test> {
        let tests: Vec<&str> = TESTS
            .iter()
            .copied()
            .filter(|t| m.contains_key(*t))
            .collect();
        let [t] = tests.as_slice() else {
            self.problem(
                "invalid-condition",
                path,
                format!(
                    "a `{key}` condition takes exactly one test of `{}`",
                    TESTS.join("`, `")
                ),
            );
            return None;
        };
        let tpath = format!("{path}.{t}");
        let arg = m.get(*t)?;
        let test = match *t {
            "nonempty" | "empty" => {
                if arg != &Value::Bool(true) {
                    self.problem("wrong-type", &tpath, format!("`{t}` takes `true`"));
                    return None;
                }
                if *t == "empty" {
                    Test::Empty
                } else {
                    Test::NonEmpty
                }
            }
            "equals" => Test::Equals(self.string(arg, &tpath)?.to_owned()),
            "one_of" => {
                let list = self.array(arg, &tpath)?;
                let mut out = Vec::new();
                for (i, s) in list.iter().enumerate() {
                    out.push(self.string(s, &format!("{tpath}[{i}]"))?.to_owned());
                }
                Test::OneOf(out)
            }
            "prefix" => Test::Prefix(self.string(arg, &tpath)?.to_owned()),
            "glob" => Test::Glob(self.string(arg, &tpath)?.to_owned()),
            _ => {
                let p = self.string(arg, &tpath)?;
                Test::Matches(self.regex(p, &tpath)?)
            }
        };
        Some(test)
    }

    fn transforms(&mut self, v: &Value, path: &str) -> Option<Vec<Transform>> {
        let list = self.array(v, path)?;
        let mut out = Vec::with_capacity(list.len());
        for (i, t) in list.iter().enumerate() {
            out.push(self.transform(t, &format!("{path}[{i}]")));
        }
        out.into_iter().collect()
    }

    fn transform(&mut self, v: &Value, path: &str) -> Option<Transform> {
        if let Value::String(s) = v {
            return match s.as_str() {
                "trim" => Some(Transform::Trim),
                "lowercase" => Some(Transform::Lowercase),
                "uppercase" => Some(Transform::Uppercase),
                "sanitize_tag" => Some(Transform::SanitizeTag),
                "epoch_to_rfc3339" => Some(Transform::EpochToRfc3339),
                "first_line" => Some(Transform::FirstLine),
                other => {
                    let all = SIMPLE_TRANSFORMS.iter().chain(OBJECT_TRANSFORMS).copied();
                    let hint = suggest(other, all);
                    self.problem(
                        "unknown-transform",
                        path,
                        format!("unknown transform `{other}`{hint}"),
                    );
                    None
                }
            };
        }
        let m = self.object(v, path)?;
        let kinds: Vec<&str> = OBJECT_TRANSFORMS
            .iter()
            .copied()
            .filter(|k| m.contains_key(*k))
            .collect();
        let [kind] = kinds.as_slice() else {
            self.problem(
                "invalid-transform",
                path,
                format!(
                    "a transform object takes exactly one of `{}`",
                    OBJECT_TRANSFORMS.join("`, `")
                ),
            );
            return None;
        };
        let extra: &[&str] = match *kind {
            "capture" => &["group"],
            "replace" => &["with"],
            "split" => &["keep"],
            _ => &[],
        };
        let mut allowed = vec![*kind];
        allowed.extend_from_slice(extra);
        self.check_keys(m, path, &allowed);
        let kpath = format!("{path}.{kind}");
        let arg = m.get(*kind)?;
        Some(match *kind {
            "strip_prefix" => Transform::StripPrefix(self.string(arg, &kpath)?.to_owned()),
            "strip_suffix" => Transform::StripSuffix(self.string(arg, &kpath)?.to_owned()),
            "truncate" => match arg.as_u64().and_then(|n| usize::try_from(n).ok()) {
                Some(n) => Transform::Truncate(n),
                None => {
                    self.problem(
                        "wrong-type",
                        &kpath,
                        format!("expected a whole number, found {arg}"),
                    );
                    return None;
                }
            },
            "match" => {
                let p = self.string(arg, &kpath)?;
                Transform::Match(self.regex(p, &kpath)?)
            }
            "capture" => {
                let p = self.string(arg, &kpath)?;
                let re = self.regex(p, &kpath)?;
                let group = match m.get("group") {
                    Some(g) => match g.as_u64().and_then(|n| usize::try_from(n).ok()) {
                        Some(n) if n < re.captures_len() => n,
                        _ => {
                            self.problem(
                                "out-of-range",
                                &format!("{path}.group"),
                                format!("group {g} does not exist in the regex"),
                            );
                            return None;
                        }
                    },
                    None => usize::from(re.captures_len() > 1),
                };
                Transform::Capture(re, group)
            }
            "replace" => {
                let p = self.string(arg, &kpath)?;
                let re = self.regex(p, &kpath)?;
                let with = match m.get("with") {
                    Some(w) => self.string(w, &format!("{path}.with"))?.to_owned(),
                    None => String::new(),
                };
                Transform::Replace(re, with)
            }
            _ => {
                let sep = self.string(arg, &kpath)?.to_owned();
                if sep.is_empty() {
                    self.problem(
                        "invalid-transform",
                        &kpath,
                        "separator must not be empty".into(),
                    );
                    return None;
                }
                let keep_tail = match m
                    .get("keep")
                    .map(|k| self.string(k, &format!("{path}.keep")))
                {
                    None | Some(Some("head")) => false,
                    Some(Some("tail")) => true,
                    Some(Some(other)) => {
                        self.problem(
                            "invalid-transform",
                            &format!("{path}.keep"),
                            format!("`keep` is `head` or `tail`, not `{other}`"),
                        );
                        return None;
                    }
                    Some(None) => return None,
                };
                Transform::Split { sep, keep_tail }
            }
        })
    }

    fn entry(&mut self, name: String, v: &Value, path: &str) -> Option<Entry> {
        let (text, when) = match v {
            Value::String(s) => (s.as_str(), None),
            Value::Object(m) => {
                self.check_keys(m, path, &["value", "when"]);
                let t = self.require(m, "value", path)?;
                let t = self.string(t, &format!("{path}.value"))?;
                let when = match m.get("when") {
                    Some(w) => Some(self.condition(w, &format!("{path}.when"), 0)?),
                    None => None,
                };
                (t, when)
            }
            other => {
                self.problem(
                    "wrong-type",
                    path,
                    format!(
                        "expected a template string or an object, found {}",
                        type_name(other)
                    ),
                );
                return None;
            }
        };
        let value = self.template(text, path)?;
        Some(Entry {
            name,
            path: path.to_owned(),
            value,
            when,
        })
    }

    fn outputs(&mut self, v: &Value) -> Outputs {
        let mut out = Outputs {
            bake_target: "default".into(),
            ..Outputs::default()
        };
        let Some(m) = self.object(v, "$.outputs") else {
            return out;
        };
        self.check_keys(
            m,
            "$.outputs",
            &[
                "build_args",
                "tags",
                "labels",
                "env",
                "ldflags",
                "bake_target",
            ],
        );
        if let Some(list) = m.get("build_args") {
            if let Some(items) = self.array(list, "$.outputs.build_args") {
                for (i, item) in items.iter().enumerate() {
                    let path = format!("$.outputs.build_args[{i}]");
                    let Some(im) = self.object(item, &path) else {
                        continue;
                    };
                    self.check_keys(im, &path, &["name", "value", "when"]);
                    let Some(n) = self.require(im, "name", &path) else {
                        continue;
                    };
                    let Some(n) = self.string(n, &format!("{path}.name")) else {
                        continue;
                    };
                    if n.is_empty() || n.contains(['=', ' ', '\n']) {
                        self.problem(
                            "invalid-name",
                            &format!("{path}.name"),
                            format!("build arg name `{n}` must be non-empty without `=` or spaces"),
                        );
                    }
                    if out.build_args.iter().any(|e| e.name == n) {
                        self.problem(
                            "duplicate",
                            &format!("{path}.name"),
                            format!("build arg `{n}` is declared twice"),
                        );
                    }
                    let mut obj = im.clone();
                    obj.remove("name");
                    if let Some(e) = self.entry(n.to_owned(), &Value::Object(obj), &path) {
                        out.build_args.push(e);
                    }
                }
            }
        }
        if let Some(list) = m.get("tags") {
            if let Some(items) = self.array(list, "$.outputs.tags") {
                for (i, item) in items.iter().enumerate() {
                    if let Some(e) =
                        self.entry(String::new(), item, &format!("$.outputs.tags[{i}]"))
                    {
                        out.tags.push(e);
                    }
                }
            }
        }
        for (key, dest) in [("labels", &mut out.labels), ("env", &mut out.env)] {
            let Some(map) = m.get(key) else { continue };
            let opath = format!("$.outputs.{key}");
            let Some(map) = self.bounded_object(map, &opath) else {
                continue;
            };
            for (k, item) in map {
                let path = format!("{opath}{}", key_segment(k));
                if k.is_empty() || k.contains(['=', '\n']) {
                    self.problem(
                        "invalid-name",
                        &path,
                        format!("name `{k}` must be non-empty without `=` or newlines"),
                    );
                }
                if let Some(e) = self.entry(k.clone(), item, &path) {
                    dest.push(e);
                }
            }
        }
        if let Some(list) = m.get("ldflags") {
            if let Some(items) = self.array(list, "$.outputs.ldflags") {
                for (i, item) in items.iter().enumerate() {
                    let path = format!("$.outputs.ldflags[{i}]");
                    let Some(im) = self.object(item, &path) else {
                        continue;
                    };
                    self.check_keys(im, &path, &["symbol", "value", "when"]);
                    let sym = self
                        .require(im, "symbol", &path)
                        .and_then(|s| self.string(s, &format!("{path}.symbol")));
                    let val = self
                        .require(im, "value", &path)
                        .and_then(|s| self.string(s, &format!("{path}.value")));
                    let (Some(sym), Some(val)) = (sym, val) else {
                        continue;
                    };
                    let symbol = self.template(sym, &format!("{path}.symbol"));
                    let value = self.template(val, &format!("{path}.value"));
                    let when = match im.get("when") {
                        Some(w) => self.condition(w, &format!("{path}.when"), 0),
                        None => None,
                    };
                    if let (Some(symbol), Some(value)) = (symbol, value) {
                        out.ldflags.push(LdFlagDef {
                            symbol,
                            value,
                            path,
                            when,
                        });
                    }
                }
            }
        }
        if let Some(t) = m.get("bake_target") {
            if let Some(t) = self.string(t, "$.outputs.bake_target") {
                out.bake_target = t.to_owned();
            }
        }
        out
    }

    fn pin(&mut self, v: &Value) -> Option<PinSpec> {
        let m = self.object(v, "$.pin")?;
        self.check_keys(m, "$.pin", &["images", "tag", "also_tags", "extensions"]);
        let mut images = Vec::new();
        if let Some(list) = self.require(m, "images", "$.pin") {
            for (i, img) in self.array(list, "$.pin.images")?.iter().enumerate() {
                let path = format!("$.pin.images[{i}]");
                let Some(s) = self.string(img, &path) else {
                    continue;
                };
                match crate::Reference::parse(s) {
                    Ok(r) if r.tag.is_none() && r.digest.is_none() => images.push(s.to_owned()),
                    Ok(_) => self.problem(
                        "invalid-reference",
                        &path,
                        format!("image base `{s}` must have no tag or digest"),
                    ),
                    Err(e) => self.problem(
                        "invalid-reference",
                        &path,
                        format!("image base `{s}` is not a valid repository name: {e}"),
                    ),
                }
            }
        }
        let tag = self.require(m, "tag", "$.pin")?;
        let tag = self.string(tag, "$.pin.tag")?;
        let tag_value = self.value_ref(tag, "$.pin.tag")?;
        let mut also_tags = Vec::new();
        if let Some(list) = m.get("also_tags") {
            for (i, t) in self.array(list, "$.pin.also_tags")?.iter().enumerate() {
                let path = format!("$.pin.also_tags[{i}]");
                if let Some(s) = self.string(t, &path) {
                    if crate::is_valid_tag(s) {
                        also_tags.push(s.to_owned());
                    } else {
                        self.problem(
                            "invalid-tag",
                            &path,
                            format!("`{s}` is not a valid OCI tag"),
                        );
                    }
                }
            }
        }
        let mut extensions = Vec::new();
        match m.get("extensions") {
            Some(list) => {
                for (i, e) in self.array(list, "$.pin.extensions")?.iter().enumerate() {
                    if let Some(s) = self.string(e, &format!("$.pin.extensions[{i}]")) {
                        extensions.push(s.trim_start_matches('.').to_ascii_lowercase());
                    }
                }
            }
            None => extensions = vec!["yaml".into(), "yml".into()],
        }
        Some(PinSpec {
            images,
            tag_value,
            also_tags,
            extensions,
        })
    }

    /// Dependency order of values; reports every cycle found.
    fn order(&mut self, values: &[ValueDef]) -> Option<Vec<usize>> {
        let deps: Vec<Vec<usize>> = values
            .iter()
            .map(|v| {
                let mut d = Vec::new();
                for c in &v.candidates {
                    match &c.source {
                        Source::Value(i) => d.push(*i),
                        Source::Template(t) => d.extend(t.refs()),
                        _ => {}
                    }
                    if let Some(w) = &c.when {
                        w.refs(&mut d);
                    }
                }
                d
            })
            .collect();
        // 0 = unvisited, 1 = on stack, 2 = done
        let mut state = vec![0u8; values.len()];
        let mut order = Vec::with_capacity(values.len());
        let mut ok = true;
        for start in 0..values.len() {
            if state.get(start) != Some(&0) {
                continue;
            }
            // iterative DFS: (node, next dep index)
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            if let Some(s) = state.get_mut(start) {
                *s = 1;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let dep = deps.get(node).and_then(|d| d.get(*next)).copied();
                *next += 1;
                match dep {
                    Some(d) => match state.get(d) {
                        Some(0) => {
                            if let Some(s) = state.get_mut(d) {
                                *s = 1;
                            }
                            stack.push((d, 0));
                        }
                        Some(1) => {
                            let pos = stack.iter().position(|&(n, _)| n == d).unwrap_or(0);
                            let mut names: Vec<&str> = stack
                                .get(pos..)
                                .unwrap_or(&[])
                                .iter()
                                .filter_map(|&(n, _)| values.get(n).map(|v| &*v.name))
                                .collect();
                            names.push(values.get(d).map_or("?", |v| &*v.name));
                            let first = names.first().copied().unwrap_or("?");
                            self.problem(
                                "cycle",
                                &format!("$.values{}", key_segment(first)),
                                format!(
                                    "values refer to each other in a cycle: {}",
                                    names.join(" -> ")
                                ),
                            );
                            ok = false;
                        }
                        _ => {}
                    },
                    None => {
                        if let Some(s) = state.get_mut(node) {
                            *s = 2;
                        }
                        order.push(node);
                        stack.pop();
                    }
                }
            }
        }
        ok.then_some(order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_prefer_transpositions() {
        assert_eq!(edit_distance("form", "from"), 1);
        assert_eq!(edit_distance("form", "format"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            suggest("form", ["format", "from"]),
            " (did you mean `from`?)"
        );
        assert_eq!(suggest("zzzzzz", ["from"]), "");
    }
}

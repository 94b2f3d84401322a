//! Loading: JSON text → validated [`Policy`], reporting every problem at
//! once with its JSON path, line and column.
//!
//! The loader is hand-written over `serde_json::Value` rather than derived,
//! so it can keep going after the first problem and name each one's place.

mod conditions;
mod outputs;
mod positions;
mod rules;
mod sources;

use super::*;
use crate::condition::Test;
use crate::error::{PolicyError, Problem};
use crate::re::Regex;
use crate::template::{self, Part, RawPart};
use crate::transform::{Replacement, MAX_REPLACEMENT_REFS};
use positions::{key_segment, positions};
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
    /// Most states all the policy's regexes may expand to together (the
    /// estimate of `re::check`). One search costs up to states × text
    /// length; a `replace` searches once per match (policies/README.md,
    /// "Known gap: regex work").
    pub regex_states: u64,
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
            regex_states: crate::re::MAX_WEIGHT,
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
        if text.starts_with('\u{feff}') {
            return Err(fail(vec![Problem {
                code: "json-syntax".into(),
                path: "$".into(),
                line: 1,
                column: 1,
                message: "the policy starts with a byte order mark (U+FEFF), which JSON does not allow; save the file as UTF-8 without a BOM".into(),
            }]));
        }
        let root: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let (line, column) = (
                    u32::try_from(e.line()).unwrap_or(0),
                    u32::try_from(e.column()).unwrap_or(0),
                );
                // serde_json stops at its recursion limit; say so plainly
                // rather than calling deeply nested JSON invalid.
                if too_deep_at(text) == Some((line, column)) {
                    return Err(fail(vec![Problem {
                        code: "too-deep".into(),
                        path: "$".into(),
                        line,
                        column,
                        message: format!(
                            "arrays and objects nest deeper than {MAX_JSON_DEPTH} levels"
                        ),
                    }]));
                }
                return Err(fail(vec![Problem {
                    code: "json-syntax".into(),
                    path: "$".into(),
                    line: u32::try_from(e.line()).unwrap_or(0),
                    column: u32::try_from(e.column()).unwrap_or(0),
                    message: format!("not valid JSON: {}", strip_position(&e.to_string())),
                }]));
            }
        };
        let mut loader = Loader {
            limits,
            regex_states: 0,
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

/// How deeply a policy's arrays and objects may nest: serde_json's own
/// recursion limit (it refuses the 128th level), which keeps parsing from
/// exhausting the stack on every target.
pub(crate) const MAX_JSON_DEPTH: usize = 127;

/// Line and byte column (as serde_json counts them) of the first `[` or `{`
/// that opens level `MAX_JSON_DEPTH + 1`, if any. Scans strings properly;
/// the text need not be valid JSON.
fn too_deep_at(text: &str) -> Option<(u32, u32)> {
    let (mut depth, mut line, mut col) = (0usize, 1u32, 0u32);
    let (mut in_string, mut escaped) = (false, false);
    for b in text.bytes() {
        if b == b'\n' {
            line += 1;
            col = 0;
        } else {
            col += 1;
        }
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Some((line, col));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
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
    /// States of the regexes loaded so far (see [`Limits::regex_states`]).
    regex_states: u64,
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
            Ok(w) => {
                let before = self.regex_states;
                self.regex_states = before.saturating_add(w);
                let limit = self.limits.regex_states;
                if self.regex_states > limit {
                    // Said once, at the regex that crosses the limit.
                    if before <= limit {
                        self.problem(
                            "regex-too-large",
                            path,
                            format!(
                                "the policy's regexes expand to more than {limit} states in all (this one adds about {w})"
                            ),
                        );
                    }
                    return None;
                }
            }
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
        self.check_keys(m, "$", super::TOP_LEVEL_KEYS);
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

    fn nested(levels: usize, prefix: &str) -> String {
        // `levels` arrays inside the description (plus the top object).
        format!(
            "{{{prefix}\"name\": \"n\", \"values\": {{}}, \"description\": {}{}}}",
            "[".repeat(levels),
            "]".repeat(levels)
        )
    }

    #[test]
    fn regexes_together_are_bounded_at_the_one_that_crosses_the_limit() {
        // 40 transforms of about 850 states each: 34,000 in all. Found by
        // the policy_load fuzz target: regex replaces over a 64 KiB value,
        // 37 ms each natively, could fill a 1 MiB policy (~30 s).
        let pattern = format!(
            "(?:{})",
            ["a{1,30}b", "c{1,30}d", "e{1,30}f", "g{1,30}h"]
                .join("|")
                .repeat(7)
        );
        let weight = crate::re::check(&pattern).unwrap();
        assert!((500..2_000).contains(&weight), "{weight}");
        let transforms: Vec<_> = (0..40)
            .map(|_| serde_json::json!({ "replace": pattern, "with": "x" }))
            .collect();
        let text = serde_json::json!({
            "name": "p",
            "values": { "v": { "from": [{ "literal": "x", "transform": transforms }] } }
        })
        .to_string();
        let e = Policy::from_json(&text, "p").unwrap_err();
        assert_eq!(e.problems.len(), 1, "{:?}", e.problems);
        let crossing = (Limits::default().regex_states / weight) as usize;
        assert_eq!(e.problems[0].code, "regex-too-large");
        assert_eq!(
            e.problems[0].path,
            format!("$.values.v.from[0].transform[{crossing}].replace")
        );
        // A higher limit admits it.
        let roomy = Limits {
            regex_states: 40 * weight,
            ..Limits::default()
        };
        assert!(Policy::from_json_with_limits(&text, "p", &roomy).is_ok());
        // The builtin policies have room to grow: each uses under a quarter.
        for (name, text) in imprint_policies::BUILTIN {
            let tight = Limits {
                regex_states: Limits::default().regex_states / 4,
                ..Limits::default()
            };
            assert!(
                Policy::from_json_with_limits(text, name, &tight).is_ok(),
                "{name}"
            );
        }
    }

    #[test]
    fn json_nesting_beyond_serde_json_limit_is_too_deep() {
        // 126 arrays + the top object = 127 levels: parsed (then a type error).
        let e = Policy::from_json(&nested(MAX_JSON_DEPTH - 1, ""), "p").unwrap_err();
        assert_eq!(e.problems[0].code, "wrong-type", "{e}");
        let e = Policy::from_json(&nested(MAX_JSON_DEPTH, ""), "p").unwrap_err();
        assert_eq!(e.problems[0].code, "too-deep", "{e}");
        assert!(e.problems[0].message.contains("127 levels"), "{e}");
        // Brackets in strings, escapes, multi-byte text and newlines before it.
        let prefix = "\"$schema\": \"[[{{\\\"é\",\n  ";
        let e = Policy::from_json(&nested(MAX_JSON_DEPTH, prefix), "p").unwrap_err();
        assert_eq!(e.problems[0].code, "too-deep", "{e}");
        assert_eq!(e.problems[0].line, 2, "{e}");
        // Other syntax errors stay syntax errors, even in deep text.
        let broken = format!("{{\"name\": , {}", "[".repeat(500));
        let e = Policy::from_json(&broken, "p").unwrap_err();
        assert_eq!(e.problems[0].code, "json-syntax", "{e}");
        let unclosed = "[".repeat(MAX_JSON_DEPTH);
        let e = Policy::from_json(&unclosed, "p").unwrap_err();
        assert_eq!(e.problems[0].code, "json-syntax", "{e}");
    }

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

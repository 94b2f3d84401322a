//! Loading: JSON text → validated [`Policy`], reporting every problem at
//! once with its JSON path, line and column.
//!
//! The loader is hand-written over a JSON tree (`tree.rs`: read by
//! `scan.rs`, or by `serde_json` where it must be, which writes the syntax
//! errors) rather than derived, so it can keep going after the first
//! problem and name each one's place.

mod conditions;
mod metadata;
mod outputs;
mod path;
mod positions;
mod rules;
mod scan;
mod sources;
mod suggest;
mod tree;
mod values;

use super::*;
use crate::condition::Test;
use crate::error::{PolicyError, Problem, ProblemCode};
use crate::re::Regex;
use crate::template::{self, Part, Piece};
use crate::transform::{Replacement, MAX_REPLACEMENT_REFS};
use path::Path;
use positions::positions;
use std::collections::HashMap;
use suggest::suggest;
use tree::{Map, Value};

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
    "commit_time",
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
    /// assert_eq!(err.problems[0].code, imprint_core::ProblemCode::UnknownKey);
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
            return Err(PolicyError::too_large(
                origin,
                Some(text.len() as u64),
                limits.policy_bytes,
            ));
        }
        if text.starts_with('\u{feff}') {
            return Err(fail(vec![Problem {
                code: ProblemCode::JsonSyntax,
                path: "$".into(),
                line: 1,
                column: 1,
                message: "the policy starts with a byte order mark (U+FEFF), which JSON does not allow; save the file as UTF-8 without a BOM".into(),
            }]));
        }
        // Nodes take about twice the text's bytes: one chunk for most policies.
        let arena = bumpalo::Bump::with_capacity(text.len().saturating_mul(2));
        let root = match tree::parse(text, &arena) {
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
                        code: ProblemCode::TooDeep,
                        path: "$".into(),
                        line,
                        column,
                        message: format!(
                            "arrays and objects nest deeper than {MAX_JSON_DEPTH} levels"
                        ),
                    }]));
                }
                return Err(fail(vec![Problem {
                    code: ProblemCode::JsonSyntax,
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
            names: Vec::new(),
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
                    code,
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

struct Loader<'l, 't> {
    limits: &'l Limits,
    /// States of the regexes loaded so far (see [`Limits::regex_states`]).
    regex_states: u64,
    problems: Vec<(ProblemCode, String, String)>,
    /// Each value's name and index, sorted by name.
    names: Vec<(&'t str, usize)>,
    /// The declared `--arg` names.
    args: Vec<&'t str>,
}

impl Loader<'_, '_> {
    fn problem(&mut self, code: ProblemCode, path: &Path<'_>, message: String) {
        self.problems.push((code, path.to_string(), message));
    }

    fn object<'v, 'a>(&mut self, v: &'v Value<'a>, path: &Path<'_>) -> Option<&'v Map<'a>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.problem(
                    ProblemCode::WrongType,
                    path,
                    format!("expected an object, found {}", other.kind()),
                );
                None
            }
        }
    }

    fn array<'a>(&mut self, v: &Value<'a>, path: &Path<'_>) -> Option<&'a [Value<'a>]> {
        match *v {
            Value::Array(a) => {
                if a.len() > self.limits.entries {
                    self.problem(
                        ProblemCode::TooMany,
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
                    ProblemCode::WrongType,
                    path,
                    format!("expected an array, found {}", other.kind()),
                );
                None
            }
        }
    }

    /// `object`, plus the entry-count limit.
    fn bounded_object<'v, 'a>(&mut self, v: &'v Value<'a>, path: &Path<'_>) -> Option<&'v Map<'a>> {
        let m = self.object(v, path)?;
        if m.len() > self.limits.entries {
            self.problem(
                ProblemCode::TooMany,
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
    fn relative_path(&mut self, p: &str, path: &Path<'_>) -> bool {
        let absolute = p.starts_with(['/', '\\']) || p.get(1..2) == Some(":");
        if p.is_empty() || absolute || p.contains('\0') {
            self.problem(
                ProblemCode::InvalidPath,
                path,
                format!("file `{p}` must be a path relative to the repository directory"),
            );
            return false;
        }
        true
    }

    fn string<'v>(&mut self, v: &'v Value<'_>, path: &Path<'_>) -> Option<&'v str> {
        match v {
            Value::String(s) => Some(s),
            other => {
                self.problem(
                    ProblemCode::WrongType,
                    path,
                    format!("expected a string, found {}", other.kind()),
                );
                None
            }
        }
    }

    fn boolean(&mut self, v: &Value, path: &Path<'_>) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            other => {
                self.problem(
                    ProblemCode::WrongType,
                    path,
                    format!("expected a boolean, found {}", other.kind()),
                );
                None
            }
        }
    }

    fn check_keys(&mut self, m: &Map, path: &Path<'_>, allowed: &[&str]) {
        self.check_keys_among(m, path, &[allowed]);
    }

    /// [`Self::check_keys`] with the allowed keys in several lists (no
    /// list is built per object).
    fn check_keys_among(&mut self, m: &Map, path: &Path<'_>, allowed: &[&[&str]]) {
        for k in m.keys() {
            if !allowed.iter().any(|list| list.contains(&k)) {
                let hint = suggest(k, allowed.iter().flat_map(|list| list.iter().copied()));
                self.problem(
                    ProblemCode::UnknownKey,
                    &path.key(k),
                    format!("unknown key `{k}`{hint}"),
                );
            }
        }
    }

    fn require<'v, 'a>(
        &mut self,
        m: &'v Map<'a>,
        key: &str,
        path: &Path<'_>,
    ) -> Option<&'v Value<'a>> {
        let v = m.get(key);
        if v.is_none() {
            self.problem(
                ProblemCode::MissingKey,
                path,
                format!("missing required key `{key}`"),
            );
        }
        v
    }

    fn regex(&mut self, pattern: &str, path: &Path<'_>) -> Option<Regex> {
        if pattern.len() > self.limits.regex_pattern {
            self.problem(
                ProblemCode::RegexTooLarge,
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
                            ProblemCode::RegexTooLarge,
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
                    ProblemCode::RegexTooLarge,
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
                    ProblemCode::InvalidRegex,
                    path,
                    format!("invalid regex `{pattern}`: {m}"),
                );
                return None;
            }
        }
        match Regex::checked(pattern) {
            Ok(re) => Some(re),
            Err(m) => {
                self.problem(
                    ProblemCode::InvalidRegex,
                    path,
                    format!("invalid regex `{pattern}`: {m}"),
                );
                None
            }
        }
    }

    fn value_ref(&mut self, name: &str, path: &Path<'_>) -> Option<usize> {
        match self.names.binary_search_by(|&(n, _)| n.cmp(name)) {
            Ok(at) => self.names.get(at).map(|&(_, i)| i),
            Err(_) => {
                let hint = suggest(name, self.names.iter().map(|&(n, _)| n));
                self.problem(
                    ProblemCode::UnknownValue,
                    path,
                    format!("unknown value `{name}`{hint}"),
                );
                None
            }
        }
    }

    fn template(&mut self, text: &str, path: &Path<'_>) -> Option<Template> {
        if text.len() > self.limits.value_bytes {
            self.problem(
                ProblemCode::TooLarge,
                path,
                "template is longer than the value limit".into(),
            );
            return None;
        }
        let raw = match template::parse(text) {
            Ok(r) => r,
            Err(m) => {
                self.problem(ProblemCode::InvalidTemplate, path, m);
                return None;
            }
        };
        let mut parts = Vec::with_capacity(raw.len());
        let mut ok = true;
        for p in raw {
            match p {
                Piece::Lit(s) => parts.push(Part::Lit(s.into_owned())),
                Piece::Field(n) => match self.value_ref(n, path) {
                    Some(i) => parts.push(Part::Value(i)),
                    None => ok = false,
                },
            }
        }
        ok.then_some(Template { parts })
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
        assert_eq!(e.problems[0].code, ProblemCode::RegexTooLarge);
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
        assert_eq!(e.problems[0].code, ProblemCode::WrongType, "{e}");
        let e = Policy::from_json(&nested(MAX_JSON_DEPTH, ""), "p").unwrap_err();
        assert_eq!(e.problems[0].code, ProblemCode::TooDeep, "{e}");
        assert!(e.problems[0].message.contains("127 levels"), "{e}");
        // Brackets in strings, escapes, multi-byte text and newlines before it.
        let prefix = "\"$schema\": \"[[{{\\\"é\",\n  ";
        let e = Policy::from_json(&nested(MAX_JSON_DEPTH, prefix), "p").unwrap_err();
        assert_eq!(e.problems[0].code, ProblemCode::TooDeep, "{e}");
        assert_eq!(e.problems[0].line, 2, "{e}");
        // Other syntax errors stay syntax errors, even in deep text.
        let broken = format!("{{\"name\": , {}", "[".repeat(500));
        let e = Policy::from_json(&broken, "p").unwrap_err();
        assert_eq!(e.problems[0].code, ProblemCode::JsonSyntax, "{e}");
        let unclosed = "[".repeat(MAX_JSON_DEPTH);
        let e = Policy::from_json(&unclosed, "p").unwrap_err();
        assert_eq!(e.problems[0].code, ProblemCode::JsonSyntax, "{e}");
    }
}

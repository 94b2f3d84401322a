//! Errors as data: every problem carries a stable code, the place it refers
//! to (a JSON path, plus line and column when a policy text is known), and a
//! lowercase message with user input in backticks.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One problem found while loading a policy.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable machine-readable code, such as `unknown-key` or `cycle`.
    pub code: ProblemCode,
    /// JSON path of the offending node, such as `$.values.tag.from[1].env`.
    pub path: String,
    /// 1-based line in the policy text, 0 when unknown.
    pub line: u32,
    /// 1-based column in the policy text, 0 when unknown.
    pub column: u32,
    /// Human-readable message.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => {}
            (line, 0) => write!(f, "{line}: ")?,
            (line, column) => write!(f, "{line}:{column}: ")?,
        }
        write!(f, "{}: {} [{}]", self.path, self.message, self.code)
    }
}

/// The stable code of a [`Problem`], one per kind of problem, in the order
/// of the "Error codes" table of `policies/README.md` (where each is
/// explained). Written as its kebab-case name (`unknown-key`); in
/// TypeScript a union of those names. A test (`policies/tests/docs.rs`)
/// keeps the enum, that table, the codes the loader writes and the
/// conformance vectors in step.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemCode {
    /// `json-syntax`.
    JsonSyntax,
    /// `too-large`.
    TooLarge,
    /// `wrong-type`.
    WrongType,
    /// `unknown-key`.
    UnknownKey,
    /// `missing-key`.
    MissingKey,
    /// `unsupported-version`.
    UnsupportedVersion,
    /// `invalid-name`.
    InvalidName,
    /// `too-many`.
    TooMany,
    /// `missing-source`.
    MissingSource,
    /// `ambiguous-source`.
    AmbiguousSource,
    /// `unknown-argument`.
    UnknownArgument,
    /// `invalid-pattern`.
    InvalidPattern,
    /// `unknown-git-fact`.
    UnknownGitFact,
    /// `unknown-machine-fact`.
    UnknownMachineFact,
    /// `unknown-read-mode`.
    UnknownReadMode,
    /// `unknown-format`.
    UnknownFormat,
    /// `unknown-transform`.
    UnknownTransform,
    /// `unknown-value`.
    UnknownValue,
    /// `out-of-range`.
    OutOfRange,
    /// `invalid-command`.
    InvalidCommand,
    /// `invalid-path`.
    InvalidPath,
    /// `invalid-format`.
    InvalidFormat,
    /// `invalid-template`.
    InvalidTemplate,
    /// `invalid-option`.
    InvalidOption,
    /// `unknown-verify`.
    UnknownVerify,
    /// `invalid-condition`.
    InvalidCondition,
    /// `too-deep`.
    TooDeep,
    /// `invalid-transform`.
    InvalidTransform,
    /// `invalid-regex`.
    InvalidRegex,
    /// `regex-too-large`.
    RegexTooLarge,
    /// `invalid-metadata-action`.
    InvalidMetadataAction,
    /// `invalid-file-name`.
    InvalidFileName,
    /// `duplicate`.
    Duplicate,
    /// `invalid-reference`.
    InvalidReference,
    /// `invalid-tag`.
    InvalidTag,
    /// `cycle`.
    Cycle,
    /// `invalid-fact`.
    InvalidFact,
    /// `invalid-rule`.
    InvalidRule,
}

impl ProblemCode {
    /// Every code, in the order of the documentation's table.
    pub const ALL: [Self; 38] = [
        Self::JsonSyntax,
        Self::TooLarge,
        Self::WrongType,
        Self::UnknownKey,
        Self::MissingKey,
        Self::UnsupportedVersion,
        Self::InvalidName,
        Self::TooMany,
        Self::MissingSource,
        Self::AmbiguousSource,
        Self::UnknownArgument,
        Self::InvalidPattern,
        Self::UnknownGitFact,
        Self::UnknownMachineFact,
        Self::UnknownReadMode,
        Self::UnknownFormat,
        Self::UnknownTransform,
        Self::UnknownValue,
        Self::OutOfRange,
        Self::InvalidCommand,
        Self::InvalidPath,
        Self::InvalidFormat,
        Self::InvalidTemplate,
        Self::InvalidOption,
        Self::UnknownVerify,
        Self::InvalidCondition,
        Self::TooDeep,
        Self::InvalidTransform,
        Self::InvalidRegex,
        Self::RegexTooLarge,
        Self::InvalidMetadataAction,
        Self::InvalidFileName,
        Self::Duplicate,
        Self::InvalidReference,
        Self::InvalidTag,
        Self::Cycle,
        Self::InvalidFact,
        Self::InvalidRule,
    ];

    /// The code as JSON answers and vectors write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JsonSyntax => "json-syntax",
            Self::TooLarge => "too-large",
            Self::WrongType => "wrong-type",
            Self::UnknownKey => "unknown-key",
            Self::MissingKey => "missing-key",
            Self::UnsupportedVersion => "unsupported-version",
            Self::InvalidName => "invalid-name",
            Self::TooMany => "too-many",
            Self::MissingSource => "missing-source",
            Self::AmbiguousSource => "ambiguous-source",
            Self::UnknownArgument => "unknown-argument",
            Self::InvalidPattern => "invalid-pattern",
            Self::UnknownGitFact => "unknown-git-fact",
            Self::UnknownMachineFact => "unknown-machine-fact",
            Self::UnknownReadMode => "unknown-read-mode",
            Self::UnknownFormat => "unknown-format",
            Self::UnknownTransform => "unknown-transform",
            Self::UnknownValue => "unknown-value",
            Self::OutOfRange => "out-of-range",
            Self::InvalidCommand => "invalid-command",
            Self::InvalidPath => "invalid-path",
            Self::InvalidFormat => "invalid-format",
            Self::InvalidTemplate => "invalid-template",
            Self::InvalidOption => "invalid-option",
            Self::UnknownVerify => "unknown-verify",
            Self::InvalidCondition => "invalid-condition",
            Self::TooDeep => "too-deep",
            Self::InvalidTransform => "invalid-transform",
            Self::InvalidRegex => "invalid-regex",
            Self::RegexTooLarge => "regex-too-large",
            Self::InvalidMetadataAction => "invalid-metadata-action",
            Self::InvalidFileName => "invalid-file-name",
            Self::Duplicate => "duplicate",
            Self::InvalidReference => "invalid-reference",
            Self::InvalidTag => "invalid-tag",
            Self::Cycle => "cycle",
            Self::InvalidFact => "invalid-fact",
            Self::InvalidRule => "invalid-rule",
        }
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy could not be loaded. Holds every problem found, not just the first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct PolicyError {
    /// Where the policy came from (a file path or `builtin:<name>`).
    pub origin: String,
    /// All problems, in document order.
    pub problems: Vec<Problem>,
}

/// A JSON value's type as messages name it ("a string", "null" …), never
/// its content.
pub fn json_type(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl PolicyError {
    /// A policy of `size` bytes (`None`: a stream that went on past the
    /// limit) refused for being over `limit` ([`crate::Limits::policy_bytes`]).
    pub fn too_large(origin: &str, size: Option<u64>, limit: usize) -> Self {
        let message = match size {
            Some(n) => format!("policy is {n} bytes, more than the limit of {limit}"),
            None => format!("policy is longer than the limit of {limit} bytes"),
        };
        Self {
            origin: origin.to_owned(),
            problems: vec![Problem {
                code: ProblemCode::TooLarge,
                path: "$".into(),
                line: 0,
                column: 0,
                message,
            }],
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid policy `{}`: {} problem{}",
            self.origin,
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {}:{p}", self.origin)?;
        }
        Ok(())
    }
}

/// Stable codes for derivation failures.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DeriveErrorCode {
    /// A value marked `required` came out empty or blank.
    RequiredEmpty,
    /// A value or output does not satisfy its declared format (OCI tag or reference).
    InvalidFormat,
    /// A value grew past the engine's size limit.
    ValueTooLong,
    /// A `--arg` was given that the policy does not declare.
    UnknownArgument,
    /// The derivation reached a fact that exists but could not be
    /// established (git refused the checkout, a file is unreadable).
    FactUnavailable,
    /// A CI variable contradicts the checkout (a tag not on `HEAD`, a commit
    /// that is not `HEAD`).
    ContradictsGit,
    /// An allowed command was reached but gave no answer (it timed out, could
    /// not be started, or printed too much or non-UTF-8 output).
    CommandFailed,
    /// The requested output format cannot carry a derived value
    /// unambiguously (see [`crate::render`]).
    Unrenderable,
}

impl DeriveErrorCode {
    /// Every code, in declaration order (the order of the `DeriveError`
    /// table in `policies/README.md`).
    pub const ALL: [Self; 8] = [
        Self::RequiredEmpty,
        Self::InvalidFormat,
        Self::ValueTooLong,
        Self::UnknownArgument,
        Self::FactUnavailable,
        Self::ContradictsGit,
        Self::CommandFailed,
        Self::Unrenderable,
    ];

    /// The code as the string used in JSON answers and vectors.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequiredEmpty => "required-empty",
            Self::InvalidFormat => "invalid-format",
            Self::ValueTooLong => "value-too-long",
            Self::UnknownArgument => "unknown-argument",
            Self::FactUnavailable => "fact-unavailable",
            Self::ContradictsGit => "contradicts-git",
            Self::CommandFailed => "command-failed",
            Self::Unrenderable => "unrenderable",
        }
    }
}

/// A derivation failed: a required value is empty or a derived value is invalid.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct DeriveError {
    /// What went wrong.
    pub code: DeriveErrorCode,
    /// The value (or output, as `$.outputs.tags[0]`) the error is about.
    pub subject: String,
    /// The inputs the offending value came from, such as `env RELEASE_VERSION`.
    pub inputs: Vec<String>,
    /// Full message, naming the subject, the offending text and its inputs.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A problem whose column is unknown prints its line alone, never `:0`.
    #[test]
    fn unknown_columns_are_not_printed() {
        let p = |line, column| Problem {
            code: ProblemCode::Cycle,
            path: "$".into(),
            line,
            column,
            message: "m".into(),
        };
        assert_eq!(p(4, 2).to_string(), "4:2: $: m [cycle]");
        assert_eq!(p(4, 0).to_string(), "4: $: m [cycle]");
        assert_eq!(p(0, 0).to_string(), "$: m [cycle]");
    }

    /// `ALL` holds every variant once. The match has no `_` arm, so a new
    /// variant fails to compile here until it is given a place in `ALL`.
    #[test]
    fn all_derive_error_codes_are_listed() {
        let place = |c: DeriveErrorCode| match c {
            DeriveErrorCode::RequiredEmpty => 0,
            DeriveErrorCode::InvalidFormat => 1,
            DeriveErrorCode::ValueTooLong => 2,
            DeriveErrorCode::UnknownArgument => 3,
            DeriveErrorCode::FactUnavailable => 4,
            DeriveErrorCode::ContradictsGit => 5,
            DeriveErrorCode::CommandFailed => 6,
            DeriveErrorCode::Unrenderable => 7,
        };
        for (i, c) in DeriveErrorCode::ALL.into_iter().enumerate() {
            assert_eq!(place(c), i, "{c:?} is out of place in ALL");
        }
    }

    /// The problem codes are distinct and kebab-case, and each is written
    /// (serde) as `as_str` says.
    #[test]
    fn problem_codes_are_distinct() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ProblemCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{s}"
            );
            assert_eq!(serde_json::to_value(c).unwrap(), s);
            assert_eq!(serde_json::from_value::<ProblemCode>(s.into()).unwrap(), c);
        }
    }
}

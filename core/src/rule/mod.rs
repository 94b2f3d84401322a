//! The rule language: what a policy's `rules` and `card` say, as data.
//! A leaf the policy owns, like [`crate::condition`]: [`crate::policy`]
//! loads it, [`crate::check`] evaluates it against artifacts.
//!
//! - [`Rule`] and [`RuleKind`]: `classify`, `require`, `agree`, `forbid`,
//!   `match`, with `when` conditions over facts;
//! - [`expr`]: fact paths (`label:NAME`, `ref.tag`, `{value:NAME}` …) and
//!   the expressions built from them;
//! - [`CardSpec`]: where each field of a provenance card comes from.

pub(crate) mod expr;

use crate::condition::{Condition, Test};
use crate::re::Regex;
use expr::{Expr, FactPath};
use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Fails the check.
    Error,
    /// Reported, does not fail the check.
    Warning,
}

/// One rule of a policy, loaded.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    pub description: String,
    pub severity: Severity,
    pub applies_to: Vec<String>,
    pub when: Option<Condition<FactPath>>,
    pub message: Option<String>,
    pub kind: RuleKind,
}

/// What a rule checks.
#[derive(Debug, Clone)]
pub(crate) enum RuleKind {
    Classify {
        fact: FactPath,
        channels: Vec<(String, Regex)>,
    },
    Require(Vec<FactPath>),
    Agree {
        items: Vec<Expr>,
        compare: Compare,
    },
    Forbid {
        fact: FactPath,
        test: Test,
        test_text: String,
    },
    Match {
        fact: FactPath,
        pattern: Regex,
    },
}

/// How `agree` compares texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compare {
    /// As text.
    Text,
    /// As image references, docker-normalised.
    Reference,
    /// As git repository URLs (`crate::url::git_repository`).
    Source,
}

impl Rule {
    /// Whether the rule cannot run without derived values.
    pub(crate) fn needs_values(&self) -> bool {
        let mut subjects = Vec::new();
        if let Some(w) = &self.when {
            w.subjects(&mut subjects);
        }
        subjects.iter().any(|f| f.needs_values())
            || match &self.kind {
                RuleKind::Classify { fact, .. }
                | RuleKind::Forbid { fact, .. }
                | RuleKind::Match { fact, .. } => fact.needs_values(),
                RuleKind::Require(facts) => facts.iter().any(FactPath::needs_values),
                RuleKind::Agree { items, .. } => items.iter().any(Expr::needs_values),
            }
    }
}

/// The card fields a policy can map, in order.
pub(crate) const CARD_FIELDS: &[&str] = &[
    "version",
    "commit",
    "pipeline",
    "build_url",
    "variant",
    "source",
];

/// Default mapping: the standard OCI annotations.
pub(crate) const DEFAULT_CARD: &[(&str, &[&str])] = &[
    (
        "version",
        &["{label:org.opencontainers.image.version}", "{ref.tag}"],
    ),
    ("commit", &["{label:org.opencontainers.image.revision}"]),
    ("build_url", &["{label:org.opencontainers.image.url}"]),
    ("source", &["{label:org.opencontainers.image.source}"]),
];

/// Where each card field comes from: first expression that evaluates to
/// a non-empty text.
pub(crate) type CardSpec = Vec<(String, Vec<Expr>)>;

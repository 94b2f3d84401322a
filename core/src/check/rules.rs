//! Rules and their evaluation: findings are data, never errors.
//!
//! Each rule has an `id`, a severity, optional `applies_to` artifact kinds
//! and a `when` condition over facts, and one kind:
//!
//! - `classify`: the first pattern the fact matches (patterns search, so
//!   write them anchored with `^…$`) names the
//!   artifact's channel (release, nightly, dev, …), readable by later
//!   rules as the fact `channel`; no match gives `unknown` and a finding;
//! - `require`: each fact is present and not blank;
//! - `agree`: every expression that can be evaluated gives the same text
//!   (or the same reference, with `"compare": "reference"`);
//! - `forbid`: the fact must not pass the test (`equals`, `matches`, …);
//! - `match`: the fact, when present, matches the pattern (pair it with
//!   `require` when it must be present).
//!
//! Whatever the policy says, an artifact whose reference is not a valid
//! OCI reference gets an `invalid-reference` error.

use crate::artifact::Artifact;
use crate::reference::Reference;
use crate::rule::expr::{Expr, FactPath, Values};
pub use crate::rule::Severity;
use crate::rule::{Compare, Rule, RuleKind};
use crate::strs::Str;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One problem found in one artifact. Borrows from the policy and the
/// artifact; [`Finding::into_owned`] detaches it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding<'a> {
    /// The rule's id.
    pub rule: Str<'a>,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The artifact's display name.
    pub artifact: Str<'a>,
    /// The fact or expression concerned, such as `label:ai.vllm.build.commit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Str<'a>>,
    /// File the artifact was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Str<'a>>,
    /// Line in that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

fn own(s: Str<'_>) -> Str<'static> {
    Cow::Owned(s.into_owned())
}

impl Finding<'_> {
    /// Detaches the finding from the policy and artifact.
    pub fn into_owned(self) -> Finding<'static> {
        Finding {
            rule: own(self.rule),
            severity: self.severity,
            message: self.message,
            artifact: own(self.artifact),
            field: self.field.map(own),
            file: self.file.map(own),
            line: self.line,
        }
    }
}

/// The outcome of checking one artifact.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactReport<'a> {
    /// The artifact's display name.
    pub name: Str<'a>,
    /// Its kind.
    pub kind: Str<'a>,
    /// Its reference, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<Str<'a>>,
    /// The channel a `classify` rule assigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Str<'a>>,
    /// File it was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Str<'a>>,
    /// Line in that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Findings, errors first, in rule order.
    pub findings: Vec<Finding<'a>>,
}

/// The outcome of [`check`](crate::check::check). Borrows from the policy
/// and the artifacts.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport<'a> {
    /// The policy's name.
    pub policy: Str<'a>,
    /// One report per artifact, in input order.
    pub artifacts: Vec<ArtifactReport<'a>>,
    /// Number of error findings.
    pub errors: u32,
    /// Number of warning findings.
    pub warnings: u32,
    /// Ids of rules skipped because they need derived values and none were given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_rules: Vec<String>,
}

impl CheckReport<'_> {
    /// Detaches the report from the policy and artifacts.
    pub fn into_owned(self) -> CheckReport<'static> {
        CheckReport {
            policy: own(self.policy),
            artifacts: self
                .artifacts
                .into_iter()
                .map(|a| ArtifactReport {
                    name: own(a.name),
                    kind: own(a.kind),
                    reference: a.reference.map(own),
                    channel: a.channel.map(own),
                    file: a.file.map(own),
                    line: a.line,
                    findings: a.findings.into_iter().map(Finding::into_owned).collect(),
                })
                .collect(),
            errors: self.errors,
            warnings: self.warnings,
            skipped_rules: self.skipped_rules,
        }
    }
}

fn shown(s: &str) -> String {
    s.escape_debug().to_string()
}

/// `s` as `agree` compares it: docker-normalised when it is an image
/// reference (`reference`), the repository it names when it is a git URL
/// (`source`), else as it is.
pub(crate) fn normalized(compare: Compare, s: &str) -> Cow<'_, str> {
    match compare {
        Compare::Text => Cow::Borrowed(s),
        Compare::Reference => {
            Reference::parse(s).map_or(Cow::Borrowed(s), |r| Cow::Owned(r.normalized().to_string()))
        }
        // NUL keeps a repository apart from a plain text that spells it.
        Compare::Source => crate::url::git_repository(s)
            .map_or(Cow::Borrowed(s), |r| Cow::Owned(format!("\u{0}{r}"))),
    }
}

/// Checks one artifact against `rules`; returns its channel and findings.
pub(crate) fn check_artifact<'a>(
    rules: &'a [Rule],
    a: &'a Artifact,
    values: Option<&dyn Values>,
    skipped: &mut Vec<&'a str>,
) -> (Option<&'a str>, Vec<Finding<'a>>) {
    let mut findings = Vec::new();
    let mut channel: Option<&'a str> = None;
    let finding = |rule: &'a str, severity, message: String, field: Option<&'a str>| Finding {
        rule: Cow::Borrowed(rule),
        severity,
        message,
        artifact: Cow::Borrowed(&a.name),
        field: field.map(Cow::Borrowed),
        file: a.file.as_deref().map(Cow::Borrowed),
        line: a.line,
    };
    let mut parts = None;
    if let Some(r) = &a.reference {
        match crate::reference::split(r) {
            Ok(p) => parts = Some(p),
            Err(e) => findings.push(finding(
                "invalid-reference",
                Severity::Error,
                format!("`{}` is not a valid OCI reference: {e}", shown(r)),
                Some("ref"),
            )),
        }
    }
    let parts = parts.as_ref();
    for rule in rules {
        if !rule.applies_to.is_empty() && !rule.applies_to.contains(&a.kind) {
            continue;
        }
        if values.is_none() && rule.needs_values() {
            if !skipped.contains(&rule.id.as_str()) {
                skipped.push(&rule.id);
            }
            continue;
        }
        let ch = channel;
        if let Some(w) = &rule.when {
            let get = |f: &FactPath| f.lookup(a, parts, ch, values).unwrap_or("");
            if !w.eval_with(&get) {
                continue;
            }
        }
        let mut report = |message: String, field: &'a str| {
            let message = match &rule.message {
                Some(m) => format!("{m}: {message}"),
                None => message,
            };
            findings.push(finding(&rule.id, rule.severity, message, Some(field)));
        };
        match &rule.kind {
            RuleKind::Classify { fact, channels } => {
                // Nothing to classify (no tag, no reference): no channel.
                if let Ok(v) = fact.lookup(a, parts, ch, values) {
                    match channels.iter().find(|(_, re)| re.is_match(v)) {
                        Some((name, _)) => channel = Some(name),
                        None => {
                            let names: Vec<&str> =
                                channels.iter().map(|(n, _)| n.as_str()).collect();
                            report(
                                format!(
                                    "`{}` = `{}` matches no channel ({})",
                                    fact.text,
                                    shown(v),
                                    names.join(", ")
                                ),
                                &fact.text,
                            );
                            channel = Some("unknown");
                        }
                    }
                }
            }
            RuleKind::Require(facts) => {
                for f in facts {
                    // Name the concrete fact: `xflag:{value:module}.x` as `xflag:example.com/m.x`.
                    let shown_path = || {
                        f.render(values)
                            .map_or_else(|_| f.text.clone(), |p| p.into_owned())
                    };
                    match f.lookup(a, parts, ch, values) {
                        Ok(v) if v.trim().is_empty() => {
                            report(format!("`{}` is blank", shown_path()), &f.text)
                        }
                        Ok(_) => {}
                        Err(_) => report(format!("`{}` is missing", shown_path()), &f.text),
                    }
                }
            }
            RuleKind::Agree { items, compare } => {
                let got: Vec<(&Expr, Cow<'_, str>)> = items
                    .iter()
                    .filter_map(|e| e.eval(a, parts, ch, values).ok().map(|v| (e, v)))
                    .collect();
                if let Some((first, fv)) = got.first() {
                    let want = normalized(*compare, fv);
                    if let Some((other, ov)) = got
                        .iter()
                        .skip(1)
                        .find(|(_, v)| normalized(*compare, v) != want)
                    {
                        // Source URLs are shown without credentials.
                        let show = |s: &str| match compare {
                            Compare::Source => shown(&crate::url::strip_url_credentials(s)),
                            _ => shown(s),
                        };
                        report(
                            format!(
                                "`{}` = `{}` does not agree with `{}` = `{}`",
                                first.text,
                                show(fv),
                                other.text,
                                show(ov)
                            ),
                            &other.text,
                        );
                    }
                }
            }
            RuleKind::Forbid {
                fact,
                test,
                test_text,
            } => {
                let v = fact.lookup(a, parts, ch, values).unwrap_or("");
                if test.eval(v) {
                    report(
                        format!(
                            "`{}` = `{}` is forbidden ({test_text})",
                            fact.text,
                            shown(v)
                        ),
                        &fact.text,
                    );
                }
            }
            RuleKind::Match { fact, pattern } => match fact.lookup(a, parts, ch, values) {
                Ok(v) if pattern.is_match(v) => {}
                Ok(v) => report(
                    format!(
                        "`{}` = `{}` does not match `{}`",
                        fact.text,
                        shown(v),
                        pattern.as_str()
                    ),
                    &fact.text,
                ),
                // Presence is `require`'s business: one problem, one finding.
                Err(_) => {}
            },
        }
    }
    findings.sort_by_key(|f| f.severity);
    (channel, findings)
}

//! The provenance card of one image: the display model the web page and
//! the Headlamp plugin show, computed here so every target shows the same.

use super::rules::{check_artifact, normalized, Finding};
use crate::artifact::Artifact;
use crate::reference::Reference;
use crate::rule::expr::Values;
use crate::rule::{CardSpec, Compare, Rule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What one image says it is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// The reference as given.
    pub reference: String,
    /// Whether it is a valid OCI reference.
    pub valid: bool,
    /// Repository name with docker's defaults (`docker.io/library/…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tag, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Digest, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Channel assigned by the policy's `classify` rule (`unknown` when none matches).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Version the image claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Source commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Link to the commit, when the source repository is an https URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_url: Option<String>,
    /// CI pipeline that built it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<String>,
    /// CI build URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_url: Option<String>,
    /// Image variant (CUDA version, distribution …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Source repository URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What a SLSA provenance attestation records, and whether the card's
    /// commit and source agree with it (artifacts with `provenance.*` facts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<CardProvenance>,
    /// Findings of the policy's rules, errors first.
    pub findings: Vec<Finding<'static>>,
}

/// The provenance row of a card: the builder's record of the source, how
/// far it can be trusted, and whether the image's own labels agree.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardProvenance {
    /// The commit (`provenance.revision`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// `verified` (BuildKit fetched it) or `hint` (the client said so).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_trust: Option<String>,
    /// Whether the card's `commit` is `revision`; absent when either is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_agrees: Option<bool>,
    /// The repository URL (`provenance.source`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `verified` or `hint`, as for the revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_trust: Option<String>,
    /// Whether the card's `source` names the same repository as `source`
    /// (compared as `"compare": "source"` does); absent when either is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_agrees: Option<bool>,
}

/// The provenance row of artifact `a`, whose card shows `commit` and `source`.
fn provenance_row(
    a: &Artifact,
    commit: Option<&str>,
    source: Option<&str>,
) -> Option<CardProvenance> {
    let f = |k: &str| a.fields.get(k).cloned();
    let (revision, psource) = (f("provenance.revision"), f("provenance.source"));
    if revision.is_none() && psource.is_none() {
        return None;
    }
    let same_source =
        |x: &str, y: &str| normalized(Compare::Source, x) == normalized(Compare::Source, y);
    Some(CardProvenance {
        revision_agrees: commit.zip(revision.as_deref()).map(|(c, r)| c == r),
        source_agrees: source
            .zip(psource.as_deref())
            .map(|(s, p)| same_source(s, p)),
        revision,
        revision_trust: f("provenance.revision_trust"),
        source: psource,
        source_trust: f("provenance.source_trust"),
    })
}

/// The card of one artifact among many, with which artifact it is: what
/// the web page and the Headlamp plugin show for a pasted `docker inspect`
/// or a Pod's containers.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactCard {
    /// The artifact's display name, such as `Pod/web container app`.
    pub artifact: String,
    /// Its kind (`image`, `container`, `object` …).
    pub kind: String,
    /// File it was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Line in that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The artifact's fields (`container.name`, `container.init`,
    /// `k8s.namespace` …), so a viewer need not parse the display name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// The card.
    #[serde(flatten)]
    pub card: Card,
}

fn commit_url(source: &str, commit: &str) -> Option<String> {
    let hex = (7..=64).contains(&commit.len()) && commit.bytes().all(|b| b.is_ascii_hexdigit());
    let base = source.strip_prefix("https://")?;
    if !hex || base.is_empty() || base.contains(char::is_whitespace) {
        return None;
    }
    Some(format!(
        "https://{}/commit/{commit}",
        base.trim_end_matches('/').trim_end_matches(".git")
    ))
}

/// Builds the card of `artifact` with `rules` and `spec`.
pub(crate) fn card(
    rules: &[Rule],
    spec: &CardSpec,
    a: &Artifact,
    values: Option<&dyn Values>,
) -> Card {
    let mut skipped = Vec::new();
    let (channel, findings) = check_artifact(rules, a, values, &mut skipped);
    let reference = a.reference.clone().unwrap_or_default();
    let parsed = Reference::parse(&reference).ok();
    let split = a
        .reference
        .as_deref()
        .and_then(|r| crate::reference::split(r).ok());
    let field = |name: &str| -> Option<String> {
        let exprs = spec.iter().find(|(n, _)| n == name).map(|(_, e)| e)?;
        exprs
            .iter()
            .filter_map(|e| e.eval(a, split.as_ref(), channel, values).ok())
            .find(|v| !v.trim().is_empty())
            .map(|v| v.into_owned())
    };
    let commit = field("commit");
    let source = field("source");
    let (version, pipeline, build_url, variant) = (
        field("version"),
        field("pipeline"),
        field("build_url"),
        field("variant"),
    );
    Card {
        provenance: provenance_row(a, commit.as_deref(), source.as_deref()),
        valid: parsed.is_some(),
        name: parsed.as_ref().map(|r| r.normalized().name()),
        tag: parsed.as_ref().and_then(|r| r.tag.clone()),
        digest: parsed.as_ref().and_then(|r| r.digest.clone()),
        channel: channel.map(str::to_owned),
        version,
        commit_url: match (&source, &commit) {
            (Some(s), Some(c)) => commit_url(s, c),
            _ => None,
        },
        commit,
        pipeline,
        build_url,
        variant,
        source,
        findings: findings.into_iter().map(Finding::into_owned).collect(),
        reference,
    }
}

/// An image artifact from a reference, labels and env.
pub(crate) fn image(
    reference: &str,
    labels: &BTreeMap<String, String>,
    env: &BTreeMap<String, String>,
) -> Artifact {
    Artifact {
        kind: "image".into(),
        name: reference.to_owned(),
        reference: Some(reference.to_owned()),
        labels: labels.clone(),
        env: env.clone(),
        ..Artifact::default()
    }
}

#[cfg(test)]
mod tests {
    use super::commit_url;

    #[test]
    fn commit_links() {
        assert_eq!(
            commit_url("https://github.com/vllm-project/vllm", "abc1234").as_deref(),
            Some("https://github.com/vllm-project/vllm/commit/abc1234")
        );
        assert_eq!(
            commit_url("https://example.com/org/app.git", "0123456789abcdef").as_deref(),
            Some("https://example.com/org/app/commit/0123456789abcdef")
        );
        assert_eq!(commit_url("git@github.com:org/app.git", "abc1234"), None);
        assert_eq!(commit_url("https://github.com/x", "unknown"), None);
    }
}

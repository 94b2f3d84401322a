//! Checking built artifacts against a policy's rules, and describing an
//! image's provenance.
//!
//! ```
//! use imprint_core::{check::{check, describe}, Artifact, Policy};
//! use std::collections::BTreeMap;
//!
//! let policy = Policy::from_json(r#"{
//!   "name": "p", "values": {},
//!   "rules": [
//!     { "id": "channel", "classify": { "fact": "ref.tag", "channels": [
//!         { "name": "release", "pattern": "^v[0-9]+\\.[0-9]+\\.[0-9]+$" },
//!         { "name": "dev", "pattern": "^dev-[0-9a-f]{7,40}$" } ] } },
//!     { "id": "no-dirty-release", "when": { "fact": "channel", "equals": "release" },
//!       "forbid": { "fact": "label:org.opencontainers.image.version", "matches": "-dirty$" } }
//!   ]
//! }"#, "p").unwrap();
//! let mut labels = BTreeMap::new();
//! labels.insert("org.opencontainers.image.version".to_owned(), "v1.0.0-dirty".to_owned());
//! let card = describe(&policy, "ghcr.io/o/app:v1.0.0", &labels, &BTreeMap::new(), None);
//! assert_eq!(card.channel.as_deref(), Some("release"));
//! assert_eq!(card.findings[0].rule, "no-dirty-release");
//! ```

pub(crate) mod describe;
pub(crate) mod rules;

pub use crate::artifact::Artifact;
pub use describe::{ArtifactCard, Card, CardProvenance};
pub use rules::{ArtifactReport, CheckReport, Finding, Severity};

use crate::rule::expr::Values;
use crate::strs::Pairs;
use crate::Policy;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The derived values in declaration order, as rules index them.
fn values_of<'d>(values: Option<&'d Pairs<'_>>) -> Option<Vec<&'d str>> {
    values.map(|p| p.0.iter().map(|(_, v)| &**v).collect())
}

/// Checks `artifacts` against the policy's rules. `values`, when given
/// (the [`crate::Derivation::values`] of the same policy), lets rules
/// compare with derived values (`{value:NAME}`); rules that need them are
/// skipped and listed otherwise.
pub fn check<'a>(
    policy: &'a Policy,
    artifacts: &'a [Artifact],
    values: Option<&Pairs<'_>>,
) -> CheckReport<'a> {
    let values = values_of(values);
    let vals: Option<&dyn Values> = values.as_ref().map(|v| v as &dyn Values);
    let mut skipped = Vec::new();
    let mut errors = 0u32;
    let mut warnings = 0u32;
    let reports = artifacts
        .iter()
        .map(|a| {
            let (channel, findings) = rules::check_artifact(&policy.rules, a, vals, &mut skipped);
            for f in &findings {
                match f.severity {
                    Severity::Error => errors += 1,
                    Severity::Warning => warnings += 1,
                }
            }
            ArtifactReport {
                name: Cow::Borrowed(&a.name),
                kind: Cow::Borrowed(&a.kind),
                reference: a.reference.as_deref().map(Cow::Borrowed),
                channel: channel.map(Cow::Borrowed),
                file: a.file.as_deref().map(Cow::Borrowed),
                line: a.line,
                findings,
            }
        })
        .collect();
    CheckReport {
        policy: Cow::Borrowed(&policy.name),
        artifacts: reports,
        errors,
        warnings,
        skipped_rules: skipped.into_iter().map(str::to_owned).collect(),
    }
}

/// The provenance card of one image: `reference` with its `labels` and
/// `env` (as `docker inspect` shows them), checked against the policy.
pub fn describe(
    policy: &Policy,
    reference: &str,
    labels: &BTreeMap<String, String>,
    env: &BTreeMap<String, String>,
    values: Option<&Pairs<'_>>,
) -> Card {
    describe_artifact(policy, &describe::image(reference, labels, env), values)
}

/// The provenance card of any artifact with a reference.
pub fn describe_artifact(policy: &Policy, artifact: &Artifact, values: Option<&Pairs<'_>>) -> Card {
    let values = values_of(values);
    let vals: Option<&dyn Values> = values.as_ref().map(|v| v as &dyn Values);
    describe::card(&policy.rules, &policy.card, artifact, vals)
}

/// The cards of many artifacts at once, in input order (the policy is
/// loaded and derived once for all of them).
pub fn cards(
    policy: &Policy,
    artifacts: &[Artifact],
    values: Option<&Pairs<'_>>,
) -> Vec<ArtifactCard> {
    artifacts
        .iter()
        .map(|a| ArtifactCard {
            artifact: a.name.clone(),
            kind: a.kind.clone(),
            file: a.file.clone(),
            line: a.line,
            fields: a.fields.clone(),
            card: describe_artifact(policy, a, values),
        })
        .collect()
}

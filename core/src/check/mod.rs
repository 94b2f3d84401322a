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

mod artifact;
pub(crate) mod describe;
pub(crate) mod expr;
pub(crate) mod rules;

pub use artifact::Artifact;
pub use describe::{ArtifactCard, Card};
pub use rules::{ArtifactReport, CheckReport, Finding, Severity};

use crate::{Derivation, Policy};
use std::borrow::Cow;
use std::collections::BTreeMap;

fn values_of<'d>(d: Option<&'d Derivation<'_>>) -> Option<Vec<&'d str>> {
    d.map(|d| d.values.0.iter().map(|(_, v)| &**v).collect())
}

/// Checks `artifacts` against the policy's rules. `derivation`, when given
/// (derived from the same policy), lets rules compare with derived values
/// (`{value:NAME}`); rules that need it are skipped and listed otherwise.
pub fn check<'a>(
    policy: &'a Policy,
    artifacts: &'a [Artifact],
    derivation: Option<&Derivation<'_>>,
) -> CheckReport<'a> {
    let values = values_of(derivation);
    let vals: Option<&dyn expr::Values> = values.as_ref().map(|v| v as &dyn expr::Values);
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
    derivation: Option<&Derivation<'_>>,
) -> Card {
    describe_artifact(policy, &describe::image(reference, labels, env), derivation)
}

/// The provenance card of any artifact with a reference.
pub fn describe_artifact(
    policy: &Policy,
    artifact: &Artifact,
    derivation: Option<&Derivation<'_>>,
) -> Card {
    let values = values_of(derivation);
    let vals: Option<&dyn expr::Values> = values.as_ref().map(|v| v as &dyn expr::Values);
    describe::card(&policy.rules, &policy.card, artifact, vals)
}

/// The cards of many artifacts at once, in input order (the policy is
/// loaded and derived once for all of them).
pub fn cards(
    policy: &Policy,
    artifacts: &[Artifact],
    derivation: Option<&Derivation<'_>>,
) -> Vec<ArtifactCard> {
    artifacts
        .iter()
        .map(|a| ArtifactCard {
            artifact: a.name.clone(),
            kind: a.kind.clone(),
            file: a.file.clone(),
            line: a.line,
            card: describe_artifact(policy, a, derivation),
        })
        .collect()
}

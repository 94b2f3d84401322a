//! Labels and annotations (metadata-action's
//! `getOCIAnnotationsWithCustoms`, reference §12): the generated OCI
//! entries, then each user line rendered with the global expressions; each
//! entry split at its first `=` (entries without one are dropped), merged
//! by key (first position, last value), and sorted as JavaScript's
//! `localeCompare` sorts ([`super::collate`]).

use super::{collate, time, Facts, MetaError, MetaVersion};

/// The `key=value` entries for `extra` (the `labels` or `annotations`
/// input's lines).
pub(crate) fn build(
    facts: &Facts<'_>,
    version: &MetaVersion,
    extra: &[String],
) -> Result<Vec<String>, MetaError> {
    let repo = |path: &[&str]| facts.repo_str(path).unwrap_or_default().to_owned();
    let mut entries: Vec<String> = vec![
        format!("org.opencontainers.image.title={}", repo(&["name"])),
        format!(
            "org.opencontainers.image.description={}",
            repo(&["description"])
        ),
        format!("org.opencontainers.image.url={}", repo(&["html_url"])),
        format!("org.opencontainers.image.source={}", repo(&["html_url"])),
        format!(
            "org.opencontainers.image.version={}",
            version.main.as_deref().unwrap_or_default()
        ),
        format!("org.opencontainers.image.created={}", time::iso(facts.now)),
        format!(
            "org.opencontainers.image.revision={}",
            facts.sha().unwrap_or_default()
        ),
        format!(
            "org.opencontainers.image.licenses={}",
            repo(&["license", "spdx_id"])
        ),
    ];
    for line in extra {
        let rendered = facts
            .render(line)
            .map_err(|e| MetaError::new(format!("line `{line}`: {e}")))?;
        entries.push(rendered);
    }
    let mut merged: Vec<(String, String)> = Vec::new();
    for entry in entries {
        let Some((key, value)) = entry.split_once('=') else {
            continue;
        };
        match merged.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => value.clone_into(&mut slot.1),
            None => merged.push((key.to_owned(), value.to_owned())),
        }
    }
    merged.sort_by(|a, b| collate::compare(&a.0, &b.0));
    Ok(merged
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect())
}

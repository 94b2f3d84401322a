//! Artifacts: what a built thing says about itself, as plain facts.
//!
//! Readers (docker/podman inspect, OCI config and index, Kubernetes
//! objects, Go build info) turn their input into [`Artifact`]s; rules only
//! ever see facts, addressed by path:
//!
//! | path | fact |
//! |---|---|
//! | `ref` | the image reference as written |
//! | `ref.name`, `ref.domain`, `ref.path`, `ref.tag`, `ref.digest` | its parts (when it parses) |
//! | `label:KEY` | an image label or OCI annotation |
//! | `env:NAME` | an environment entry of the image or container |
//! | `xflag:SYMBOL` | the string a Go `-X SYMBOL=…` linker flag set |
//! | `field:PATH` | anything else a reader knows (`status.version`, `metadata.name`, `go.module`, `build.vcs.revision` …) |
//! | `kind`, `name` | the artifact's kind and display name |
//! | `channel` | the channel a `classify` rule assigned |

use crate::reference::Reference;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One built thing and what it says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Artifact {
    /// What it is: `image`, `container`, `binary`, `object` …
    pub kind: String,
    /// How findings name it, such as `Deployment/buyer container buyer`.
    pub name: String,
    /// The image reference, as written (it may be invalid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Image labels or OCI annotations.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Environment entries.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Go `-X symbol=value` linker flags found in a binary's build settings.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub xflags: BTreeMap<String, String>,
    /// Other facts by path, such as `status.version`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// File the artifact was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line in that file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Artifact {
    /// The fact at `path` (see the module docs), or `None` when the
    /// artifact does not have it. `channel` is not stored here; rules
    /// evaluation provides it.
    pub fn fact(&self, path: &str) -> Option<Cow<'_, str>> {
        fn b(s: &str) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(s))
        }
        if let Some(k) = path.strip_prefix("label:") {
            return self.labels.get(k).and_then(|v| b(v));
        }
        if let Some(k) = path.strip_prefix("env:") {
            return self.env.get(k).and_then(|v| b(v));
        }
        if let Some(k) = path.strip_prefix("xflag:") {
            return self.xflags.get(k).and_then(|v| b(v));
        }
        if let Some(k) = path.strip_prefix("field:") {
            return self.fields.get(k).and_then(|v| b(v));
        }
        match path {
            "kind" => b(&self.kind),
            "name" => b(&self.name),
            "ref" => self.reference.as_deref().and_then(b),
            _ => {
                let part = path.strip_prefix("ref.")?;
                let r = Reference::parse(self.reference.as_deref()?).ok()?;
                let v = match part {
                    "name" => Some(r.name()),
                    "domain" => r.domain,
                    "path" => Some(r.path),
                    "tag" => r.tag,
                    "digest" => r.digest,
                    _ => None,
                };
                v.map(Cow::Owned)
            }
        }
    }
}

/// Whether `path` is a fact path rules may use.
pub(crate) fn is_fact_path(path: &str) -> bool {
    const PREFIXES: &[&str] = &["label:", "env:", "xflag:", "field:"];
    if let Some(rest) = PREFIXES.iter().find_map(|p| path.strip_prefix(p)) {
        return !rest.is_empty();
    }
    matches!(
        path,
        "kind"
            | "name"
            | "ref"
            | "ref.name"
            | "ref.domain"
            | "ref.path"
            | "ref.tag"
            | "ref.digest"
            | "channel"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_by_path() {
        let mut a = Artifact {
            kind: "image".into(),
            name: "img".into(),
            reference: Some("ghcr.io/org/app:v1.2.0".into()),
            ..Artifact::default()
        };
        a.labels
            .insert("org.opencontainers.image.version".into(), "v1.2.0".into());
        a.fields
            .insert("status.version".into(), "vllm-provider:v1".into());
        a.xflags
            .insert("example.com/m.shimVersion".into(), "dev-abc1234".into());
        assert_eq!(a.fact("ref.tag").as_deref(), Some("v1.2.0"));
        assert_eq!(a.fact("ref.name").as_deref(), Some("ghcr.io/org/app"));
        assert_eq!(a.fact("ref.digest"), None);
        assert_eq!(
            a.fact("label:org.opencontainers.image.version").as_deref(),
            Some("v1.2.0")
        );
        assert_eq!(
            a.fact("field:status.version").as_deref(),
            Some("vllm-provider:v1")
        );
        assert_eq!(
            a.fact("xflag:example.com/m.shimVersion").as_deref(),
            Some("dev-abc1234")
        );
        assert_eq!(a.fact("env:HOME"), None);
        assert!(is_fact_path("label:x") && !is_fact_path("label:") && !is_fact_path("bogus"));
    }
}

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

use crate::reference::{split, Parts};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One built thing and what it says about itself.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
        let parts = self.reference.as_deref().and_then(|r| split(r).ok());
        self.fact_with(parts.as_ref(), path).map(Cow::Borrowed)
    }

    /// [`Artifact::fact`] with the reference already split (rules split it
    /// once per artifact, not once per lookup).
    pub(crate) fn fact_with<'s>(
        &'s self,
        parts: Option<&Parts<'s>>,
        path: &str,
    ) -> Option<&'s str> {
        /// An exact key, or the first key (in order) a glob matches.
        fn get<'m>(map: &'m BTreeMap<String, String>, key: &str) -> Option<&'m str> {
            if key.contains(['*', '?']) {
                map.iter()
                    .find(|(k, _)| crate::glob_match(key, k))
                    .map(|(_, v)| v.as_str())
            } else {
                map.get(key).map(String::as_str)
            }
        }
        for (prefix, map) in [
            ("label:", &self.labels),
            ("env:", &self.env),
            ("xflag:", &self.xflags),
            ("field:", &self.fields),
        ] {
            if let Some(k) = path.strip_prefix(prefix) {
                return get(map, k);
            }
        }
        match path {
            "kind" => Some(&self.kind),
            "name" => Some(&self.name),
            "ref" => self.reference.as_deref(),
            _ => {
                let p = parts?;
                match path.strip_prefix("ref.")? {
                    "name" => Some(p.name),
                    "domain" => p.domain,
                    "path" => Some(p.path),
                    "tag" => p.tag,
                    "digest" => p.digest,
                    _ => None,
                }
            }
        }
    }
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
        assert_eq!(
            a.fact("xflag:*.shimVersion").as_deref(),
            Some("dev-abc1234")
        );
        assert_eq!(a.fact("label:org.*.version").as_deref(), Some("v1.2.0"));
    }
}

//! metadata-action's outputs (reference §13): the tags of each image, the
//! `json` output, the bake files, and each output's text as the action
//! writes it.

use super::rules::{Flavor, Image};
use super::version::{invalid_tag, sanitize_tag};
use super::{MetaError, MetaInputs, MetaVersion};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The four bake files: tags (with the `DOCKER_META_*` args), labels,
/// annotations, and tags with labels (`bake-file`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BakeFiles<T> {
    /// `docker-metadata-action-bake-tags.json`.
    pub tags: T,
    /// `docker-metadata-action-bake-labels.json`.
    pub labels: T,
    /// `docker-metadata-action-bake-annotations.json`.
    pub annotations: T,
    /// `docker-metadata-action-bake.json`.
    pub all: T,
}

/// Each output's text, as metadata-action sets it (the bake files' text is
/// what it writes to the files whose paths it outputs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MetaOutputs {
    /// The main version, or empty.
    pub version: String,
    /// The tags joined with `sep-tags`.
    pub tags: String,
    /// The tags without images joined with `sep-tags`.
    #[serde(rename = "tag-names")]
    pub tag_names: String,
    /// The labels joined with `sep-labels`.
    pub labels: String,
    /// The annotations, each at each level, joined with `sep-annotations`.
    pub annotations: String,
    /// The `json` output, compact.
    pub json: String,
    /// The bake files' text (JSON, two-space indentation).
    #[cfg_attr(
        feature = "ts",
        ts(type = "{ tags: string, labels: string, annotations: string, all: string }")
    )]
    pub bake: BakeFiles<String>,
}

/// What [`build`] reads.
pub(crate) struct Parts<'a> {
    pub(crate) inputs: &'a MetaInputs,
    pub(crate) images: &'a [Image],
    pub(crate) flavor: &'a Flavor,
    pub(crate) version: &'a MetaVersion,
    pub(crate) labels: &'a [String],
    pub(crate) annotations: &'a [String],
    /// `DOCKER_METADATA_ANNOTATIONS_LEVELS` (default `manifest`).
    pub(crate) levels: &'a str,
}

/// What [`build`] gives.
pub(crate) struct Built {
    pub(crate) tags: Vec<String>,
    pub(crate) tag_names: Vec<String>,
    pub(crate) json: Value,
    pub(crate) bake: BakeFiles<Value>,
    pub(crate) outputs: MetaOutputs,
}

/// The `latest` tag's text: the flavor's prefix and suffix where
/// `onlatest` says (unrendered, as metadata-action), sanitized.
fn latest_tag(f: &Flavor) -> String {
    let pre = if f.prefix_latest {
        f.prefix.as_str()
    } else {
        ""
    };
    let suf = if f.suffix_latest {
        f.suffix.as_str()
    } else {
        ""
    };
    sanitize_tag(&format!("{pre}latest{suf}"))
}

/// The tags for one image prefix (`image:` or empty).
fn image_tags(p: &Parts<'_>, main: &str, prefix: &str) -> Vec<String> {
    let mut tags = vec![format!("{prefix}{main}")];
    tags.extend(p.version.partial.iter().map(|v| format!("{prefix}{v}")));
    if p.version.latest == Some(true) {
        tags.push(format!("{prefix}{}", latest_tag(p.flavor)));
    }
    tags
}

/// The `latest` tag, when tagged, must be one Docker accepts.
fn check_latest(p: &Parts<'_>) -> Result<(), MetaError> {
    let latest = latest_tag(p.flavor);
    if p.version.latest == Some(true) && !crate::is_valid_tag(&latest) {
        let f = p.flavor;
        let pre = if f.prefix_latest {
            f.prefix.as_str()
        } else {
            ""
        };
        let suf = if f.suffix_latest {
            f.suffix.as_str()
        } else {
            ""
        };
        let flavor = format!("flavor prefix={pre},suffix={suf},onlatest=true");
        return Err(invalid_tag(&flavor, &latest));
    }
    Ok(())
}

/// Each annotation at each of the comma-separated `levels`, level-major
/// (`manifest:key=value`).
fn leveled(levels: &str, annotations: &[String]) -> Vec<String> {
    levels
        .split(',')
        .flat_map(|level| annotations.iter().map(move |a| format!("{level}:{a}")))
        .collect()
}

/// A label list as the object metadata-action builds (`([^=]*)=(.*)`: a
/// value ends at its first line break), with JavaScript's key order:
/// array-index keys ascending first, then the others in order.
fn label_object(labels: &[String]) -> Value {
    let mut index_keys: Vec<(u32, String, String)> = Vec::new();
    let mut others: Vec<(String, String)> = Vec::new();
    for label in labels {
        let Some((k, v)) = label.split_once('=') else {
            continue;
        };
        let v = v
            .split(['\n', '\r', '\u{2028}', '\u{2029}'])
            .next()
            .unwrap_or_default();
        let index = k
            .parse::<u32>()
            .ok()
            .filter(|n| n.to_string() == k && *n < u32::MAX);
        match index {
            Some(n) => match index_keys.iter_mut().find(|(m, _, _)| *m == n) {
                Some(slot) => v.clone_into(&mut slot.2),
                None => index_keys.push((n, k.to_owned(), v.to_owned())),
            },
            None => match others.iter_mut().find(|(o, _)| o == k) {
                Some(slot) => v.clone_into(&mut slot.1),
                None => others.push((k.to_owned(), v.to_owned())),
            },
        }
    }
    index_keys.sort_by_key(|(n, _, _)| *n);
    let mut m = Map::new();
    for (_, k, v) in index_keys {
        m.insert(k, Value::String(v));
    }
    for (k, v) in others {
        m.insert(k, Value::String(v));
    }
    Value::Object(m)
}

fn bake(target: &str, body: Value) -> Value {
    let mut t = Map::new();
    t.insert(target.to_owned(), body);
    json!({ "target": Value::Object(t) })
}

fn text(v: &Value, pretty: bool) -> Result<String, MetaError> {
    let r = if pretty {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    };
    r.map_err(|e| MetaError::new(format!("cannot write JSON: {e}")))
}

/// Every output (reference §13).
pub(crate) fn build(p: Parts<'_>) -> Result<Built, MetaError> {
    check_latest(&p)?;
    let images: Vec<String> = p
        .images
        .iter()
        .filter(|i| i.enable)
        .map(|i| i.name.to_lowercase())
        .collect();
    let (tags, tag_names) = match p.version.main.as_deref().filter(|m| !m.is_empty()) {
        None => (Vec::new(), Vec::new()),
        Some(main) => {
            let tags = if images.is_empty() {
                image_tags(&p, main, "")
            } else {
                images
                    .iter()
                    .flat_map(|i| image_tags(&p, main, &format!("{i}:")))
                    .collect()
            };
            (tags, image_tags(&p, main, ""))
        }
    };
    let annotations = leveled(p.levels, p.annotations);
    let labels = label_object(p.labels);
    let json = json!({
        "tags": tags,
        "tag-names": tag_names,
        "labels": labels,
        "annotations": annotations,
    });
    let target = p
        .inputs
        .bake_target
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("docker-metadata-action");
    let mut args = Map::new();
    args.insert(
        "DOCKER_META_IMAGES".to_owned(),
        Value::String(images.join(",")),
    );
    if let Some(main) = &p.version.main {
        args.insert(
            "DOCKER_META_VERSION".to_owned(),
            Value::String(main.clone()),
        );
    }
    let args = Value::Object(args);
    // `getBakeFile('annotations:' + levels)` reads the levels up to a `:`.
    let bake_annotations = leveled(
        p.levels.split(':').next().unwrap_or_default(),
        p.annotations,
    );
    let bake_files = BakeFiles {
        tags: bake(target, json!({ "tags": tags, "args": args })),
        labels: bake(target, json!({ "labels": labels })),
        annotations: bake(target, json!({ "annotations": bake_annotations })),
        all: bake(
            target,
            json!({ "tags": tags, "labels": labels, "args": args }),
        ),
    };
    let sep = |s: &Option<String>| {
        s.as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("\n")
            .to_owned()
    };
    let outputs = MetaOutputs {
        version: p.version.main.clone().unwrap_or_default(),
        tags: tags.join(&sep(&p.inputs.sep_tags)),
        tag_names: tag_names.join(&sep(&p.inputs.sep_tags)),
        labels: p.labels.join(&sep(&p.inputs.sep_labels)),
        annotations: annotations.join(&sep(&p.inputs.sep_annotations)),
        json: text(&json, false)?,
        bake: BakeFiles {
            tags: text(&bake_files.tags, true)?,
            labels: text(&bake_files.labels, true)?,
            annotations: text(&bake_files.annotations, true)?,
            all: text(&bake_files.all, true)?,
        },
    };
    Ok(Built {
        tags,
        tag_names,
        json,
        bake: bake_files,
        outputs,
    })
}

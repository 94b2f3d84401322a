//! `docker inspect` / `podman inspect` output, OCI image configs, and OCI
//! image indexes and manifests (annotations).
//!
//! | input | artifacts |
//! |---|---|
//! | `docker inspect` / `podman inspect` of images (an array of objects with `Id`, `RepoTags`, `RepoDigests`, `Config`), or one such object | one `image` per record |
//! | the same for containers (`Name`, `State`, `Config.Image`, no `RepoTags`) | one `container` per record |
//! | an OCI image config (`architecture`, `os`, `config`) | one `image` |
//! | an OCI image index (`manifests`) | one `image` for the index, and one per entry that carries annotations |
//! | an OCI image manifest (`config` and `layers`) | one `image` |
//!
//! Inspect records give `labels` (`Config.Labels`, and podman's `Labels`
//! and `Annotations`), `env` (`Config.Env`, `K=V` entries), the reference
//! (the first `RepoTags` entry, else the first `RepoDigests` entry, else
//! `Config.Image`), and the fields `id`, `repo_tags` and `repo_digests`
//! (every entry, one per line), `platform` (`os/arch[/variant]`), `created`,
//! and for containers `name` and `image_id`. Indexes and manifests give
//! their `annotations` as labels, the reference from the
//! `io.containerd.image.name` or `org.opencontainers.image.ref.name`
//! annotation, and the fields `media_type`, `digest`, `platform`.

use super::{index_path, key_path, opt_obj, opt_str, str_map, wrong_type, ReadError};
use crate::artifact::Artifact;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Media types of an OCI image index and a Docker manifest list.
const INDEX_MEDIA_TYPES: &[&str] = &[
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// Media types of an OCI image manifest and a Docker image manifest.
const MANIFEST_MEDIA_TYPES: &[&str] = &[
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];

/// Annotations that name an image, most specific first: containerd's full
/// name, then the OCI layout's (which may be a bare tag).
const REF_ANNOTATIONS: &[&str] = &[
    "io.containerd.image.name",
    "org.opencontainers.image.ref.name",
];

/// What [`read_value`] accepts, listed in its error.
const SUPPORTED: &str = "expected `docker inspect` / `podman inspect` output (an array of objects \
     with `Id`, `RepoTags`, `Config`), an OCI image config (`architecture`, `os`, `config`), an \
     OCI image index (`manifests`) or manifest (`config` and `layers`), a Kubernetes object \
     (`apiVersion` and `kind`), or SLSA provenance (`SLSA`, an in-toto statement, a predicate, or \
     a combined `name`, `config` and `provenance`)";

/// The container-image shapes this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `docker inspect` / `podman inspect` output: an array of records, or one record.
    Inspect,
    /// An OCI image config.
    OciConfig,
    /// An OCI image index or Docker manifest list.
    OciIndex,
    /// An OCI image manifest or Docker image manifest.
    OciManifest,
}

/// Which shape `value` has, judged by its keys only (the readers check the
/// types), or `None` when it is none of them.
pub fn detect(value: &Value) -> Option<Shape> {
    match value {
        Value::Array(items) => match items.first() {
            None => Some(Shape::Inspect),
            Some(Value::Object(first)) if is_inspect_record(first) => Some(Shape::Inspect),
            Some(_) => None,
        },
        Value::Object(o) => {
            let media_type = o.get("mediaType").and_then(Value::as_str);
            if is_inspect_record(o) {
                Some(Shape::Inspect)
            } else if media_type.is_some_and(|m| INDEX_MEDIA_TYPES.contains(&m))
                || o.get("manifests").is_some_and(Value::is_array)
            {
                Some(Shape::OciIndex)
            } else if media_type.is_some_and(|m| MANIFEST_MEDIA_TYPES.contains(&m))
                || (o.contains_key("config") && o.get("layers").is_some_and(Value::is_array))
            {
                Some(Shape::OciManifest)
            } else if (o.contains_key("architecture") || o.contains_key("os"))
                && (o.contains_key("config") || o.contains_key("rootfs"))
            {
                Some(Shape::OciConfig)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn is_inspect_record(o: &Map<String, Value>) -> bool {
    ["Id", "RepoTags", "RepoDigests", "Config"]
        .iter()
        .any(|k| o.contains_key(*k))
}

/// Reads container-image JSON of any supported shape.
pub fn read_value(value: &Value, file: Option<&str>) -> Result<Vec<Artifact>, ReadError> {
    match detect(value) {
        Some(Shape::Inspect) => read_inspect(value, file),
        Some(Shape::OciConfig) => oci_config(value, file).map(|a| vec![a]),
        Some(Shape::OciIndex) => oci_index(value, file),
        Some(Shape::OciManifest) => oci_manifest(value, file).map(|a| vec![a]),
        None => Err(ReadError::new(format!(
            "unsupported input ({}): {SUPPORTED}",
            describe(value)
        ))),
    }
}

/// Reads `docker inspect` / `podman inspect` output only: an array of image
/// or container records, or one record.
pub fn read_inspect(value: &Value, file: Option<&str>) -> Result<Vec<Artifact>, ReadError> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let path = index_path("", i);
                match item {
                    Value::Object(o) if is_inspect_record(o) => inspect_record(o, &path, file),
                    Value::Object(_) => Err(ReadError::new(format!(
                        "`{path}` is not a `docker inspect` record (no `Id`, `RepoTags` or `Config`)"
                    ))),
                    other => Err(wrong_type(&path, "an object", other)),
                }
            })
            .collect(),
        Value::Object(o) if is_inspect_record(o) => inspect_record(o, "", file).map(|a| vec![a]),
        other => Err(ReadError::new(format!(
            "not `docker inspect` / `podman inspect` output ({}): expected an array of objects \
             with `Id`, `RepoTags`, `Config`",
            describe(other)
        ))),
    }
}

/// Reads an OCI image config, index or manifest only.
pub fn read_oci(value: &Value, file: Option<&str>) -> Result<Vec<Artifact>, ReadError> {
    match detect(value) {
        Some(Shape::OciConfig) => oci_config(value, file).map(|a| vec![a]),
        Some(Shape::OciIndex) => oci_index(value, file),
        Some(Shape::OciManifest) => oci_manifest(value, file).map(|a| vec![a]),
        _ => Err(ReadError::new(format!(
            "not an OCI image config, index or manifest ({}): expected `architecture`, `os` and \
             `config`, or `manifests`, or `config` and `layers`",
            describe(value)
        ))),
    }
}

/// What `value` is, by type only: an unsupported input may be any file
/// (a symlink to a secret), so none of its content (keys, values) is named.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Object(o) if o.is_empty() => "an empty object",
        Value::Object(_) => "an object of another shape",
        Value::Array(a) => match a.first() {
            Some(Value::Object(_)) => "an array of objects of another shape",
            Some(_) => "an array of something other than objects",
            None => "an empty array",
        },
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    }
}

fn inspect_record(
    o: &Map<String, Value>,
    path: &str,
    file: Option<&str>,
) -> Result<Artifact, ReadError> {
    let id = opt_str(o, "Id", path)?;
    let repo_tags = str_list(o.get("RepoTags"), &key_path(path, "RepoTags"))?;
    let repo_digests = str_list(o.get("RepoDigests"), &key_path(path, "RepoDigests"))?;
    let config_path = key_path(path, "Config");
    let config = opt_obj(o, "Config", path)?;

    // podman repeats the labels at the top level and adds annotations;
    // `Config.Labels` wins, then `Labels`, then `Annotations`.
    let mut labels = str_map(o.get("Annotations"), &key_path(path, "Annotations"))?;
    labels.extend(str_map(o.get("Labels"), &key_path(path, "Labels"))?);
    let mut env = BTreeMap::new();
    let mut config_image = None;
    if let Some(c) = config {
        labels.extend(str_map(c.get("Labels"), &key_path(&config_path, "Labels"))?);
        env = env_list(c.get("Env"), &key_path(&config_path, "Env"))?;
        config_image = opt_str(c, "Image", &config_path)?;
    }

    let is_container = !o.contains_key("RepoTags")
        && (o.contains_key("State") || o.contains_key("Name") || o.contains_key("Mounts"));
    // An image's `Config.Image` is the id of the image it was committed
    // from (or empty), not a name; a container's is the image it runs.
    let config_image = config_image
        .filter(|s| !s.is_empty() && (is_container || !s.starts_with("sha256:")))
        .map(str::to_owned);
    let reference = repo_tags
        .iter()
        .chain(&repo_digests)
        .find(|s| !s.is_empty())
        .cloned()
        .or(config_image)
        .or(opt_str(o, "ImageName", path)?
            .filter(|s| !s.is_empty())
            .map(str::to_owned));

    let mut fields = BTreeMap::new();
    if let Some(id) = id.filter(|s| !s.is_empty()) {
        fields.insert("id".to_owned(), id.to_owned());
    }
    if !repo_tags.is_empty() {
        fields.insert("repo_tags".to_owned(), repo_tags.join("\n"));
    }
    if !repo_digests.is_empty() {
        fields.insert("repo_digests".to_owned(), repo_digests.join("\n"));
    }
    if let Some(p) = platform(o, ["Os", "Architecture", "Variant"], path)? {
        fields.insert("platform".to_owned(), p);
    }
    if let Some(created) = opt_str(o, "Created", path)? {
        fields.insert("created".to_owned(), created.to_owned());
    }
    let mut container_name = None;
    if is_container {
        container_name = opt_str(o, "Name", path)?
            .map(|n| n.trim_start_matches('/'))
            .filter(|n| !n.is_empty());
        if let Some(n) = container_name {
            fields.insert("name".to_owned(), n.to_owned());
        }
        if let Some(image) = opt_str(o, "Image", path)?.filter(|s| !s.is_empty()) {
            fields.insert("image_id".to_owned(), image.to_owned());
        }
    }

    let name = container_name
        .map(str::to_owned)
        .or_else(|| reference.clone())
        .or_else(|| id.map(str::to_owned))
        .unwrap_or_else(|| fallback_name(file, if is_container { "container" } else { "image" }));
    Ok(Artifact {
        kind: if is_container { "container" } else { "image" }.to_owned(),
        name,
        reference,
        labels,
        env,
        fields,
        file: file.map(str::to_owned),
        ..Artifact::default()
    })
}

fn oci_config(value: &Value, file: Option<&str>) -> Result<Artifact, ReadError> {
    let o = value
        .as_object()
        .ok_or_else(|| wrong_type("", "an object", value))?;
    config_image(o, "", fallback_name(file, "image config"), file)
}

/// An `image` named `name` from the OCI image config `o` found at `path`:
/// labels and env from `config.Labels` and `config.Env`, fields `platform`
/// and `created`.
pub(crate) fn config_image(
    o: &Map<String, Value>,
    path: &str,
    name: String,
    file: Option<&str>,
) -> Result<Artifact, ReadError> {
    let mut a = Artifact {
        kind: "image".to_owned(),
        name,
        file: file.map(str::to_owned),
        ..Artifact::default()
    };
    let config_path = key_path(path, "config");
    if let Some(c) = opt_obj(o, "config", path)? {
        a.labels = str_map(c.get("Labels"), &key_path(&config_path, "Labels"))?;
        a.env = env_list(c.get("Env"), &key_path(&config_path, "Env"))?;
    }
    if let Some(p) = platform(o, ["os", "architecture", "variant"], path)? {
        a.fields.insert("platform".to_owned(), p);
    }
    if let Some(created) = opt_str(o, "created", path)? {
        a.fields.insert("created".to_owned(), created.to_owned());
    }
    Ok(a)
}

fn oci_index(value: &Value, file: Option<&str>) -> Result<Vec<Artifact>, ReadError> {
    let o = value
        .as_object()
        .ok_or_else(|| wrong_type("", "an object", value))?;
    let index = annotated(o, "", file, "image index")?;
    let base = index.name.clone();
    let mut out = vec![index];
    let manifests = match o.get("manifests") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(m)) => m.as_slice(),
        Some(other) => return Err(wrong_type("manifests", "an array", other)),
    };
    for (i, entry) in manifests.iter().enumerate() {
        let path = index_path("manifests", i);
        let e = entry
            .as_object()
            .ok_or_else(|| wrong_type(&path, "an object", entry))?;
        let has_annotations = e
            .get("annotations")
            .and_then(Value::as_object)
            .is_some_and(|a| !a.is_empty());
        if !has_annotations {
            continue;
        }
        let mut a = annotated(e, &path, file, "")?;
        if let Some(p) = opt_obj(e, "platform", &path)? {
            if let Some(p) = platform(
                p,
                ["os", "architecture", "variant"],
                &key_path(&path, "platform"),
            )? {
                a.fields.insert("platform".to_owned(), p);
            }
        }
        if a.reference.is_none() {
            a.name = match a.fields.get("digest") {
                Some(d) => format!("{base} {d}"),
                None => format!("{base} {path}"),
            };
        }
        out.push(a);
    }
    Ok(out)
}

fn oci_manifest(value: &Value, file: Option<&str>) -> Result<Artifact, ReadError> {
    let o = value
        .as_object()
        .ok_or_else(|| wrong_type("", "an object", value))?;
    let mut a = annotated(o, "", file, "image manifest")?;
    if let Some(c) = opt_obj(o, "config", "")? {
        if let Some(d) = opt_str(c, "digest", "config")? {
            a.fields.insert("config_digest".to_owned(), d.to_owned());
        }
    }
    Ok(a)
}

/// An `image` from an object with `annotations`, `mediaType` and `digest`
/// (an index, a manifest, or an index entry).
fn annotated(
    o: &Map<String, Value>,
    path: &str,
    file: Option<&str>,
    what: &str,
) -> Result<Artifact, ReadError> {
    let labels = str_map(o.get("annotations"), &key_path(path, "annotations"))?;
    let reference = REF_ANNOTATIONS
        .iter()
        .find_map(|k| labels.get(*k).filter(|v| !v.is_empty()))
        .cloned();
    let mut fields = BTreeMap::new();
    if let Some(m) = opt_str(o, "mediaType", path)? {
        fields.insert("media_type".to_owned(), m.to_owned());
    }
    if let Some(d) = opt_str(o, "digest", path)? {
        fields.insert("digest".to_owned(), d.to_owned());
    }
    Ok(Artifact {
        kind: "image".to_owned(),
        name: reference
            .clone()
            .unwrap_or_else(|| fallback_name(file, what)),
        reference,
        labels,
        fields,
        file: file.map(str::to_owned),
        ..Artifact::default()
    })
}

/// The file name, else a description.
fn fallback_name(file: Option<&str>, what: &str) -> String {
    file.map_or_else(|| what.to_owned(), str::to_owned)
}

/// `os/architecture[/variant]` when both of the first two are present.
fn platform(
    o: &Map<String, Value>,
    keys: [&str; 3],
    path: &str,
) -> Result<Option<String>, ReadError> {
    let [os, arch, variant] = keys;
    let os = opt_str(o, os, path)?.filter(|s| !s.is_empty());
    let arch = opt_str(o, arch, path)?.filter(|s| !s.is_empty());
    let variant = opt_str(o, variant, path)?.filter(|s| !s.is_empty());
    Ok(match (os, arch, variant) {
        (Some(os), Some(arch), Some(v)) => Some(format!("{os}/{arch}/{v}")),
        (Some(os), Some(arch), None) => Some(format!("{os}/{arch}")),
        _ => None,
    })
}

/// An array of strings (missing or null: empty).
fn str_list(v: Option<&Value>, path: &str) -> Result<Vec<String>, ReadError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(wrong_type(&index_path(path, i), "a string", other)),
            })
            .collect(),
        Some(other) => Err(wrong_type(path, "an array", other)),
    }
}

/// `["K=V", …]`; an entry without `=` is a name with an empty value, and a
/// later entry wins, as in `docker run`.
fn env_list(v: Option<&Value>, path: &str) -> Result<BTreeMap<String, String>, ReadError> {
    let mut env = BTreeMap::new();
    for entry in str_list(v, path)? {
        let (k, val) = entry.split_once('=').unwrap_or((&entry, ""));
        if !k.is_empty() {
            env.insert(k.to_owned(), val.to_owned());
        }
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(v: Value) -> Artifact {
        let mut all = read_value(&v, Some("in.json")).unwrap();
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    #[test]
    fn docker_image_inspect() {
        let a = one(json!([{
            "Id": "sha256:4f1c",
            "RepoTags": ["vllm/vllm-openai:v0.20.0", "vllm/vllm-openai:latest"],
            "RepoDigests": ["vllm/vllm-openai@sha256:abcd"],
            "Os": "linux", "Architecture": "amd64",
            "Created": "2026-04-29T10:00:00Z",
            "Config": {
                "Image": "sha256:parent",
                "Env": ["PATH=/usr/bin", "VLLM_BUILD_URL=", "A=b=c"],
                "Labels": {"ai.vllm.build.commit": "abc123"}
            }
        }]));
        assert_eq!(a.kind, "image");
        assert_eq!(a.name, "vllm/vllm-openai:v0.20.0");
        assert_eq!(a.reference.as_deref(), Some("vllm/vllm-openai:v0.20.0"));
        assert_eq!(a.labels["ai.vllm.build.commit"], "abc123");
        assert_eq!(a.env["VLLM_BUILD_URL"], "");
        assert_eq!(a.env["A"], "b=c");
        assert_eq!(a.fields["id"], "sha256:4f1c");
        assert_eq!(
            a.fields["repo_tags"],
            "vllm/vllm-openai:v0.20.0\nvllm/vllm-openai:latest"
        );
        assert_eq!(a.fields["repo_digests"], "vllm/vllm-openai@sha256:abcd");
        assert_eq!(a.fields["platform"], "linux/amd64");
        assert_eq!(a.file.as_deref(), Some("in.json"));
        assert_eq!(a.fact("ref.tag").as_deref(), Some("v0.20.0"));
    }

    #[test]
    fn reference_falls_back_to_digest_then_id() {
        let a = one(
            json!({"Id": "sha256:1", "RepoTags": [], "RepoDigests": ["x@sha256:2"],
                           "Config": {"Image": "sha256:0"}}),
        );
        assert_eq!(a.reference.as_deref(), Some("x@sha256:2"));
        let a = one(json!({"Id": "sha256:1", "RepoTags": null, "Config": {"Image": "sha256:0"}}));
        assert_eq!(a.reference, None);
        assert_eq!(a.name, "sha256:1");
        assert!(!a.fields.contains_key("repo_tags"));
    }

    #[test]
    fn container_inspect() {
        let a = one(json!([{
            "Id": "c0ffee", "Name": "/vllm", "Image": "sha256:4f1c",
            "State": {"Status": "running"},
            "Config": {"Image": "vllm/vllm-openai:v0.20.0", "Env": ["X=1"], "Labels": null}
        }]));
        assert_eq!(a.kind, "container");
        assert_eq!(a.name, "vllm");
        assert_eq!(a.reference.as_deref(), Some("vllm/vllm-openai:v0.20.0"));
        assert_eq!(a.fields["image_id"], "sha256:4f1c");
        assert_eq!(a.fields["name"], "vllm");
        assert_eq!(a.env["X"], "1");
    }

    #[test]
    fn empty_inspect_is_nothing() {
        assert_eq!(read_value(&json!([]), None).unwrap(), vec![]);
    }

    #[test]
    fn oci_config_labels_and_env() {
        let a = one(json!({
            "architecture": "arm64", "os": "linux", "variant": "v8",
            "config": {"Env": ["VLLM_IMAGE_TAG=local/vllm-openai:dev"],
                       "Labels": {"org.opencontainers.image.version": "local/vllm-openai:dev"}},
            "rootfs": {"type": "layers", "diff_ids": []}
        }));
        assert_eq!(a.kind, "image");
        assert_eq!(a.name, "in.json");
        assert_eq!(a.fields["platform"], "linux/arm64/v8");
        assert_eq!(a.env["VLLM_IMAGE_TAG"], "local/vllm-openai:dev");
        assert_eq!(
            a.labels["org.opencontainers.image.version"],
            "local/vllm-openai:dev"
        );
    }

    #[test]
    fn oci_index_and_entries() {
        let all = read_value(
            &json!({
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.index.v1+json",
                "annotations": {"org.opencontainers.image.revision": "abc"},
                "manifests": [
                    {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                     "digest": "sha256:aa", "size": 1,
                     "platform": {"os": "linux", "architecture": "amd64"},
                     "annotations": {"io.containerd.image.name": "docker.io/library/x:1",
                                     "org.opencontainers.image.ref.name": "1"}},
                    {"digest": "sha256:bb", "platform": {"os": "linux", "architecture": "arm64"}},
                    {"digest": "sha256:cc", "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}
                ]
            }),
            Some("index.json"),
        )
        .unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].name, "index.json");
        assert_eq!(all[0].labels["org.opencontainers.image.revision"], "abc");
        assert_eq!(all[0].reference, None);
        assert_eq!(all[1].reference.as_deref(), Some("docker.io/library/x:1"));
        assert_eq!(all[1].fields["platform"], "linux/amd64");
        assert_eq!(all[1].fields["digest"], "sha256:aa");
        assert_eq!(all[2].name, "index.json sha256:cc");
    }

    #[test]
    fn oci_manifest() {
        let a = one(json!({
            "schemaVersion": 2,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:c", "size": 2},
            "layers": [],
            "annotations": {"org.opencontainers.image.ref.name": "ghcr.io/o/app:v1"}
        }));
        assert_eq!(a.reference.as_deref(), Some("ghcr.io/o/app:v1"));
        assert_eq!(a.fields["config_digest"], "sha256:c");
    }

    #[test]
    fn wrong_types_name_the_field() {
        let err = |v: Value| read_value(&v, None).unwrap_err().message;
        assert_eq!(
            err(json!([{"Id": "x", "Config": {"Env": ["A=1", "B=2", 3]}}])),
            "`[0].Config.Env[2]` is not a string (it is a number)"
        );
        assert_eq!(
            err(json!({"Id": "x", "Config": {"Labels": {"org.opencontainers.image.version": 1}}})),
            "`Config.Labels[\"org.opencontainers.image.version\"]` is not a string (it is a number)"
        );
        assert_eq!(
            err(json!([{"Id": "x"}, 7])),
            "`[1]` is not an object (it is a number)"
        );
        assert_eq!(
            err(json!({"manifests": [{"annotations": {"a": true}}]})),
            "`manifests[0].annotations.a` is not a string (it is a boolean)"
        );
        assert_eq!(
            err(json!({"Id": "x", "RepoTags": "x:1"})),
            "`RepoTags` is not an array (it is a string)"
        );
    }

    #[test]
    fn unsupported_shapes_say_what_is_supported() {
        for v in [
            json!({"name": "x"}),
            json!(3),
            json!([1]),
            json!(null),
            json!({}),
        ] {
            let e = read_value(&v, None).unwrap_err().message;
            assert!(e.starts_with("unsupported input ("), "{e}");
            assert!(
                e.contains("docker inspect") && e.contains("OCI image index"),
                "{e}"
            );
        }
        assert!(read_inspect(
            &json!({"architecture": "amd64", "os": "linux", "config": {}}),
            None
        )
        .unwrap_err()
        .message
        .starts_with("not `docker inspect`"));
        assert!(read_oci(&json!([]), None)
            .unwrap_err()
            .message
            .starts_with("not an OCI image"));
    }
}

//! Readers: turn what users already have into [`Artifact`]s.
//!
//! Pure functions over text, JSON values and bytes, so the CLI, the
//! WebAssembly package and the browser read inputs identically. The host
//! only opens files and picks a reader.
//!
//! - [`container`]: `docker inspect` / `podman inspect` output, an OCI image
//!   config, an OCI image index or manifest with annotations;
//! - [`kube`]: Kubernetes objects and lists (Pods, Deployments,
//!   StatefulSets, DaemonSets, Jobs, CronJobs, `InferenceProviderConfig`);
//! - [`go`]: Go binaries' embedded build info, and `go version -m` text;
//! - [`provenance`]: SLSA provenance attestations of BuildKit builds, alone
//!   or combined with the image's name and config;
//! - [`input`]: one input of `imprint check`, as bytes: which reader it takes,
//!   what a directory walk reads, and why an input gave nothing;
//! - [`text`]: JSON or multi-document YAML text split into documents, each
//!   placing the artifacts read from it at their lines (YAML trees, merge
//!   keys and line finding in the private `yaml` module).

use crate::artifact::Artifact;

pub mod container;
pub mod go;
pub mod input;
pub mod kube;
mod pkgpattern;
pub mod provenance;
pub mod text;
mod yaml;

pub use text::read_text;

/// An input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ReadError {
    /// What is wrong, naming the field when there is one.
    pub message: String,
    /// 1-based line in the input, when known.
    pub line: Option<u32>,
    /// 1-based column in that line, when known (syntax errors).
    pub column: Option<u32>,
}

impl ReadError {
    /// An error without a line.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            line: None,
            column: None,
        }
    }
}

/// Reads a JSON value of any supported kind (inspect array, OCI config,
/// index or manifest, Kubernetes object or list, SLSA provenance), detecting
/// which it is.
/// `file` names the source in the artifacts.
pub fn read_json_value(
    value: &serde_json::Value,
    file: Option<&str>,
) -> Result<Vec<Artifact>, ReadError> {
    if kube::is_kube(value) {
        return kube::read_value(value, file);
    }
    if provenance::detect(value).is_some() {
        return provenance::read_value(value, file);
    }
    container::read_value(value, file)
}

/// `prefix.key`, or `prefix["odd.key"]` when the key is not a plain word
/// (labels such as `org.opencontainers.image.version`).
pub(crate) fn key_path(prefix: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (plain, prefix.is_empty()) {
        (true, true) => key.to_owned(),
        (true, false) => format!("{prefix}.{key}"),
        (false, _) => format!("{prefix}[{}]", serde_json::Value::String(key.to_owned())),
    }
}

/// `prefix[i]`.
pub(crate) fn index_path(prefix: &str, i: usize) -> String {
    format!("{prefix}[{i}]")
}

/// "`path` is not a string (it is a number)".
pub(crate) fn wrong_type(path: &str, want: &str, got: &serde_json::Value) -> ReadError {
    let got = crate::json_type(got);
    if path.is_empty() {
        ReadError::new(format!("the input is not {want} (it is {got})"))
    } else {
        ReadError::new(format!("`{path}` is not {want} (it is {got})"))
    }
}

/// `o[key]` as a string; `None` when missing or null.
pub(crate) fn opt_str<'a>(
    o: &'a serde_json::Map<String, serde_json::Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, ReadError> {
    match o.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong_type(&key_path(path, key), "a string", other)),
    }
}

/// `o[key]` as an object; `None` when missing or null.
pub(crate) fn opt_obj<'a>(
    o: &'a serde_json::Map<String, serde_json::Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a serde_json::Map<String, serde_json::Value>>, ReadError> {
    match o.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Object(m)) => Ok(Some(m)),
        Some(other) => Err(wrong_type(&key_path(path, key), "an object", other)),
    }
}

/// An object of strings (missing or null: empty).
pub(crate) fn str_map(
    v: Option<&serde_json::Value>,
    path: &str,
) -> Result<std::collections::BTreeMap<String, String>, ReadError> {
    match v {
        None | Some(serde_json::Value::Null) => Ok(std::collections::BTreeMap::new()),
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, item)| match item {
                serde_json::Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(wrong_type(&key_path(path, k), "a string", other)),
            })
            .collect(),
        Some(other) => Err(wrong_type(path, "an object", other)),
    }
}

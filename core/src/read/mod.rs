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
//! - [`go`]: Go binaries' embedded build info, and `go version -m` text.

use crate::check::Artifact;

pub mod container;
pub mod go;
pub mod kube;

/// An input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ReadError {
    /// What is wrong, naming the field when there is one.
    pub message: String,
    /// 1-based line in the input, when known.
    pub line: Option<u32>,
}

impl ReadError {
    /// An error without a line.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            line: None,
        }
    }
}

/// Reads a JSON value of any supported kind (inspect array, OCI config,
/// index or manifest, Kubernetes object or list), detecting which it is.
/// `file` names the source in the artifacts.
pub fn read_json_value(
    value: &serde_json::Value,
    file: Option<&str>,
) -> Result<Vec<Artifact>, ReadError> {
    if kube::is_kube(value) {
        return kube::read_value(value, file);
    }
    container::read_value(value, file)
}

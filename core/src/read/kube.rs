//! Kubernetes objects and lists: every container and init container image
//! of Pods, Deployments, StatefulSets, DaemonSets, Jobs and CronJobs, and
//! `status.version` of `InferenceProviderConfig` objects.

use super::ReadError;
use crate::check::Artifact;
use serde_json::Value;

/// Whether `value` looks like a Kubernetes object or list (`apiVersion` and `kind`).
pub fn is_kube(value: &Value) -> bool {
    value.get("apiVersion").is_some() && value.get("kind").is_some()
}

/// Reads a Kubernetes object or list.
pub fn read_value(_value: &Value, _file: Option<&str>) -> Result<Vec<Artifact>, ReadError> {
    Err(ReadError::new("Kubernetes objects are not supported yet"))
}

//! Why an input gave no artifact: what it held, and what would have
//! been read, for the error `read_inputs` returns then.

use super::files::{open_regular, read_prefix};
use super::{find, InputKind, GO_BUILDINFO_MAGIC};
use imprint_core::read::kube;
use imprint_core::visible;
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;

/// What one input held, to say why it gave no artifact.
#[derive(Debug, Default)]
pub(super) struct Seen {
    /// JSON values and YAML documents that are not empty or null.
    pub(super) documents: usize,
    /// Documents that are an empty array (`docker inspect` of nothing).
    pub(super) empty_arrays: usize,
    /// Kubernetes lists without items.
    pub(super) empty_lists: usize,
    /// Kinds of Kubernetes objects that have nothing to check.
    pub(super) kube_kinds: std::collections::BTreeSet<String>,
    /// Documents of no known shape, skipped while walking a directory.
    pub(super) unknown: usize,
    /// Files a directory walk read.
    pub(super) files_read: usize,
    /// Files a directory walk skipped without reading them.
    pub(super) skipped: Vec<PathBuf>,
}

/// Most Kubernetes kinds and skipped Go binaries an error lists.
const MAX_LISTED: usize = 5;

/// The error for an input that gave no artifact: what it held, and what
/// would have been read.
pub(super) fn nothing_found(input: &str, kind: InputKind, is_dir: bool, seen: &Seen) -> String {
    let mut why: Vec<String> = Vec::new();
    if is_dir {
        why.push(format!(
            "read {} file(s) in it; {}",
            seen.files_read,
            walk_reads(kind)
        ));
        let idle = unexecutable_go_binaries(&seen.skipped, kind);
        if !idle.is_empty() {
            why.push(format!(
                "these have Go build info but are not executable, so they were skipped: {} \
                 (make them executable, or name each as an input)",
                idle.join(", ")
            ));
        }
    } else if seen.documents == 0 {
        why.push("no document in it (it is empty, or holds only comments or null)".to_owned());
    }
    if seen.empty_arrays > 0 {
        why.push(
            "it holds an empty array: docker inspect printed [] (the image does not exist?)"
                .to_owned(),
        );
    }
    if seen.empty_lists > 0 {
        why.push("a Kubernetes list in it is empty (kubectl found no objects?)".to_owned());
    }
    if !seen.kube_kinds.is_empty() {
        let mut kinds: Vec<String> = seen
            .kube_kinds
            .iter()
            .take(MAX_LISTED)
            .map(|k| {
                format!(
                    "`{}`",
                    k.chars().take(64).collect::<String>().escape_debug()
                )
            })
            .collect();
        if seen.kube_kinds.len() > MAX_LISTED {
            kinds.push("…".to_owned());
        }
        why.push(format!(
            "its Kubernetes objects have no containers to check (kinds {}); checked are Pods, \
             Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, \
             CronJobs, PodTemplates and InferenceProviderConfigs",
            kinds.join(", ")
        ));
    }
    if seen.unknown > 0 {
        why.push(format!(
            "{} document(s) of no known kind were skipped",
            seen.unknown
        ));
    }
    if why.is_empty() {
        why.push("nothing in it is an image, container or binary to check".to_owned());
    }
    format!(
        "`{}`: no artifact found: {}",
        visible(input),
        why.join("; ")
    )
}

/// What a directory walk reads for `kind`.
fn walk_reads(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Auto => {
            "a directory gives its `.json`, `.yaml` and `.yml` files holding `docker inspect`, \
             OCI, Kubernetes or SLSA provenance documents, `.txt` files of `go version -m` \
             output, and executable \
             Go binaries"
        }
        InputKind::Inspect => {
            "with --kind inspect a directory gives its `.json`, `.yaml` and `.yml` files holding \
             `docker inspect` output"
        }
        InputKind::Oci => {
            "with --kind oci a directory gives its `.json`, `.yaml` and `.yml` files holding OCI \
             image configs, indexes or manifests"
        }
        InputKind::Kube => {
            "with --kind kube a directory gives its `.json`, `.yaml` and `.yml` files holding \
             Kubernetes objects"
        }
        InputKind::Provenance => {
            "with --kind provenance a directory gives its `.json`, `.yaml` and `.yml` files \
             holding SLSA provenance"
        }
        InputKind::GoBinary => "with --kind go-binary a directory gives its executable Go binaries",
        InputKind::GoVersion => {
            "with --kind go-version a directory gives its `.txt` files of `go version -m` output"
        }
    }
}

/// Those of `skipped` that look like executables (ELF, Mach-O or PE) and
/// have Go build info: binaries a walk skipped for lack of an exec bit.
fn unexecutable_go_binaries(skipped: &[PathBuf], kind: InputKind) -> Vec<String> {
    if !matches!(kind, InputKind::Auto | InputKind::GoBinary) {
        return Vec::new();
    }
    let mut found = Vec::new();
    for path in skipped {
        if found.len() > MAX_LISTED {
            break;
        }
        // The first bytes first: only an executable format is read whole.
        let mut head = [0u8; 4];
        let Ok(n) = open_regular(path).and_then(|mut f| {
            f.read(&mut head)
                .map_err(|e| crate::error::HostError::io(path, e))
        }) else {
            continue;
        };
        let head = head.get(..n).unwrap_or_default();
        let executable_format = [
            &b"\x7fELF"[..],
            b"MZ",
            b"\xfe\xed\xfa\xce",
            b"\xfe\xed\xfa\xcf",
            b"\xce\xfa\xed\xfe",
            b"\xcf\xfa\xed\xfe",
        ]
        .iter()
        .any(|m| head.starts_with(m));
        if !executable_format {
            continue;
        }
        let Ok((bytes, _)) = read_prefix(path) else {
            continue;
        };
        if find(&bytes, GO_BUILDINFO_MAGIC).is_some() {
            found.push(format!("`{}`", visible(&path.display().to_string())));
        }
    }
    if found.len() > MAX_LISTED {
        found.truncate(MAX_LISTED);
        found.push("…".to_owned());
    }
    found
}

/// Notes why a document gave no artifact.
pub(super) fn note_empty(v: &Value, seen: &mut Seen) {
    if v.as_array().is_some_and(Vec::is_empty) {
        seen.empty_arrays += 1;
    }
    if !kube::is_kube(v) {
        return;
    }
    match v.get("items").and_then(Value::as_array) {
        Some(items) if items.is_empty() => seen.empty_lists += 1,
        Some(items) => {
            for item in items {
                if let Some(k) = item.get("kind").and_then(Value::as_str) {
                    seen.kube_kinds.insert(k.to_owned());
                }
            }
        }
        None => {
            if let Some(k) = v.get("kind").and_then(Value::as_str) {
                seen.kube_kinds.insert(k.to_owned());
            }
        }
    }
}

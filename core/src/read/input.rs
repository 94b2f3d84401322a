//! One input of `imprint check`, as bytes, into artifacts: which reader
//! a file takes (a Go binary, `go version -m` text, JSON or YAML of the
//! kinds [`InputKind`] names), what a directory walk reads, and the error
//! for an input that gave nothing, saying what it held.
//!
//! Hosts open files, walk directories and read stdin; everything they
//! decide about the bytes is here, so the native CLI and the npm CLI read
//! the same input into the same artifacts and the same messages.

use super::{container, go, kube, provenance, read_json_value, text, ReadError};
use crate::render::visible;
use crate::Artifact;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;

/// The bytes that start a Go binary's build information.
pub const GO_BUILDINFO_MAGIC: &[u8] = b"\xff Go buildinf:";

/// What the inputs are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// Detect each file: a Go binary (not UTF-8, with Go build info),
    /// `go version -m` text (first line `PATH: go1.…`), else JSON or YAML
    /// holding any of the other kinds. Directories yield `.json`, `.yaml`
    /// and `.yml` files, `.txt` files of `go version -m` output, and
    /// executable Go binaries; documents in them that are none of the known
    /// kinds are skipped.
    #[default]
    Auto,
    /// `docker inspect` / `podman inspect` output (JSON or YAML), images or
    /// containers.
    Inspect,
    /// An OCI image config, image index or image manifest (JSON or YAML).
    Oci,
    /// Kubernetes objects or lists (JSON or multi-document YAML), such as
    /// manifests or `kubectl get … -o json`.
    Kube,
    /// SLSA provenance of a BuildKit build: `docker buildx imagetools
    /// inspect --format '{{json .Provenance}}'` output, an in-toto
    /// statement, a predicate, or an image's combined name, config and
    /// provenance (JSON or YAML).
    Provenance,
    /// Go binaries, read for their embedded build info (no Go toolchain
    /// needed). Directories yield executable files that have build info.
    GoBinary,
    /// The text `go version -m BINARY…` prints. Directories yield the
    /// `.txt` files that start like it.
    GoVersion,
}

/// What one input held, to say why it gave no artifact.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Seen {
    /// JSON values and YAML documents that are not empty or null.
    pub documents: usize,
    /// Documents that are an empty array (`docker inspect` of nothing).
    pub empty_arrays: usize,
    /// Kubernetes lists without items.
    pub empty_lists: usize,
    /// Kinds of Kubernetes objects that have nothing to check.
    pub kube_kinds: BTreeSet<String>,
    /// Documents of no known shape, skipped while walking a directory.
    pub unknown: usize,
    /// Files a directory walk read.
    pub files_read: usize,
}

/// What a directory walk does with one file it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Walked {
    /// Read it whole as JSON or YAML ([`read`] with `lenient`).
    Structured,
    /// Read it whole; it counts only when it starts like `go version -m`
    /// output ([`read_walked_text`]).
    GoVersionText,
    /// Read its first [`input limit`](crate::Limits) bytes; it counts only
    /// when it is a Go binary ([`is_go_binary`]), and then must be whole.
    GoBinary,
    /// Skip it without reading it.
    Skip,
}

/// What a walk of a directory does with the file `name` (`executable`:
/// its mode has an execute bit), for inputs of `kind`.
pub fn walked(name: &str, kind: InputKind, executable: bool) -> Walked {
    let ext = extension(name);
    let structured = matches!(ext.as_deref(), Some("json" | "yaml" | "yml"));
    match kind {
        InputKind::Inspect
        | InputKind::Oci
        | InputKind::Kube
        | InputKind::Provenance
        | InputKind::Auto
            if structured =>
        {
            Walked::Structured
        }
        InputKind::Auto | InputKind::GoVersion if ext.as_deref() == Some("txt") => {
            Walked::GoVersionText
        }
        InputKind::Auto | InputKind::GoBinary if executable => Walked::GoBinary,
        _ => Walked::Skip,
    }
}

/// The lower-cased extension of the last component of `name`, as
/// `Path::extension` gives it (none for `.hidden`).
fn extension(name: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    let (stem, ext) = base.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Whether `bytes` (the start of a file) are a Go binary: not UTF-8 text,
/// with Go build info in them.
pub fn is_go_binary(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_err() && find(bytes, GO_BUILDINFO_MAGIC).is_some()
}

/// Whether `head` (a file's first bytes) starts like an executable: ELF,
/// PE or Mach-O.
pub fn is_executable_format(head: &[u8]) -> bool {
    [
        &b"\x7fELF"[..],
        b"MZ",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
    ]
    .iter()
    .any(|m| head.starts_with(m))
}

/// Whether `bytes` hold Go build info anywhere.
pub fn has_go_buildinfo(bytes: &[u8]) -> bool {
    find(bytes, GO_BUILDINFO_MAGIC).is_some()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    let mut from = 0;
    while let Some(off) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + off;
        if haystack.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// `file:line: message`, or `file: message`.
fn content_error(name: &str, line: Option<u32>, message: impl std::fmt::Display) -> String {
    match line {
        Some(line) => format!("{}:{line}: {message}", visible(name)),
        None => format!("{}: {message}", visible(name)),
    }
}

/// Reads one input's bytes (a file named on the command line, stdin as
/// `-`, or with `lenient` a JSON or YAML file found by walking a
/// directory, whose documents of no known kind are skipped) into
/// artifacts, noting in `seen` what it held.
///
/// Errors: the message, naming `name` and, when known, the line
/// (`file:line: message` or `file:line:column: message`).
pub fn read(
    name: &str,
    bytes: &[u8],
    kind: InputKind,
    lenient: bool,
    seen: &mut Seen,
) -> Result<Vec<Artifact>, String> {
    if kind == InputKind::GoBinary {
        return read_go_binary(name, bytes);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        if kind == InputKind::Auto && has_go_buildinfo(bytes) {
            return read_go_binary(name, bytes);
        }
        return Err(content_error(
            name,
            None,
            match kind {
                InputKind::Auto => {
                    "not UTF-8 text, and no Go build info in it (inputs are JSON, YAML, Go \
                     binaries, or `go version -m` output)"
                }
                _ => "not UTF-8 text",
            },
        ));
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let go_text = first_line(text).and_then(go::version_m_header).is_some();
    if kind == InputKind::GoVersion || (kind == InputKind::Auto && go_text) {
        return read_go_version(name, text);
    }
    read_structured(name, text, kind, lenient, seen)
}

/// A `.txt` file found by walking a directory: artifacts when it is `go
/// version -m` output, else none (it is not an error).
pub fn read_walked_text(name: &str, bytes: &[u8]) -> Result<Vec<Artifact>, String> {
    let text = std::str::from_utf8(bytes).map(|t| t.strip_prefix('\u{feff}').unwrap_or(t));
    match text {
        Ok(text) if first_line(text).and_then(go::version_m_header).is_some() => {
            read_go_version(name, text)
        }
        _ => Ok(Vec::new()),
    }
}

/// A Go binary's build info as one artifact.
pub fn read_go_binary(name: &str, bytes: &[u8]) -> Result<Vec<Artifact>, String> {
    let info = go::parse_buildinfo(bytes)
        .map_err(|e| content_error(name, None, format_args!("Go binary: {}", e.message)))?;
    let mut a = info.into_artifact(name);
    a.file = Some(name.to_owned());
    Ok(vec![a])
}

fn first_line(text: &str) -> Option<&str> {
    text.lines().find(|l| !l.trim().is_empty())
}

/// `go version -m` text: one artifact per binary.
fn read_go_version(name: &str, text: &str) -> Result<Vec<Artifact>, String> {
    go::read_version_m(name, text).map_err(|e| content_error(name, e.line, e.message))
}

fn read_structured(
    name: &str,
    text: &str,
    kind: InputKind,
    lenient: bool,
    seen: &mut Seen,
) -> Result<Vec<Artifact>, String> {
    let docs = text::documents(text, Some(name)).map_err(|e| match (e.line, e.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}: {}", visible(name), e.message),
        (l, _) => content_error(name, l, e.message),
    })?;
    let mut out = Vec::new();
    for doc in docs {
        if doc.value.is_null() {
            continue;
        }
        seen.documents += 1;
        let v = &doc.value;
        if lenient {
            let known = match kind {
                InputKind::Inspect => container::detect(v) == Some(container::Shape::Inspect),
                InputKind::Oci => matches!(
                    container::detect(v),
                    Some(
                        container::Shape::OciConfig
                            | container::Shape::OciIndex
                            | container::Shape::OciManifest
                    )
                ),
                InputKind::Kube => kube::is_kube(v),
                InputKind::Provenance => provenance::detect(v).is_some(),
                _ => {
                    kube::is_kube(v)
                        || provenance::detect(v).is_some()
                        || container::detect(v).is_some()
                }
            };
            if !known {
                seen.unknown += 1;
                continue;
            }
        }
        let file = Some(name);
        let read: Result<Vec<Artifact>, ReadError> = match kind {
            InputKind::Inspect => container::read_inspect(v, file),
            InputKind::Oci => container::read_oci(v, file),
            InputKind::Kube => kube::read_value(v, file),
            InputKind::Provenance => provenance::read_value(v, file),
            _ => read_json_value(v, file),
        };
        let mut artifacts =
            read.map_err(|e| content_error(name, e.line.or(Some(doc.line)), e.message))?;
        if artifacts.is_empty() {
            note_empty(v, seen);
        }
        doc.place(&mut artifacts, Some(name));
        out.extend(artifacts);
    }
    Ok(out)
}

/// Most Kubernetes kinds and skipped Go binaries an error lists.
pub const MAX_LISTED: usize = 5;

/// The error for an input that gave no artifact: what it held, and what
/// would have been read. `unexecutable`: the files a directory walk skipped
/// that have Go build info but no execute bit, shown as the host names them.
pub fn nothing_found(
    input: &str,
    kind: InputKind,
    is_dir: bool,
    seen: &Seen,
    unexecutable: &[String],
) -> String {
    let mut why: Vec<String> = Vec::new();
    if is_dir {
        why.push(format!(
            "read {} file(s) in it; {}",
            seen.files_read,
            walk_reads(kind)
        ));
        let mut idle: Vec<String> = unexecutable
            .iter()
            .take(MAX_LISTED)
            .map(|p| format!("`{}`", visible(p)))
            .collect();
        if unexecutable.len() > MAX_LISTED {
            idle.push("…".to_owned());
        }
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
             output, and executable Go binaries"
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

/// Notes why a document gave no artifact.
fn note_empty(v: &Value, seen: &mut Seen) {
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

/// Labels and env for `describe --labels-from PATH`, from its bytes: a flat
/// JSON object of strings is a label map; else `docker inspect` output, an
/// OCI config or any other readable JSON, whose first image is taken
/// (with the provenance facts of a combined document).
///
/// Errors: the message, naming `--labels-from` and `path`.
pub fn labels_from(path: &str, bytes: &[u8]) -> Result<Artifact, String> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| format!("--labels-from `{path}`: not UTF-8"))?;
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("--labels-from `{path}`: not valid JSON: {e}"))?;
    // A flat object of strings is a label map.
    if let Some(m) = value.as_object() {
        if !m.is_empty() && m.values().all(serde_json::Value::is_string) {
            let labels = m
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            return Ok(Artifact {
                labels,
                ..Artifact::default()
            });
        }
    }
    let mut found = crate::read::read_json_value(&value, Some(path))
        .map_err(|e| format!("--labels-from `{path}`: {e}"))?;
    if found.is_empty() {
        let why = if value.as_array().is_some_and(Vec::is_empty) {
            ": docker inspect printed [] (the image does not exist?)"
        } else {
            ""
        };
        return Err(format!("--labels-from `{path}`: no image in it{why}"));
    }
    let mut image = found.swap_remove(0);
    // Only a combined document's provenance facts go on the card.
    image.fields.retain(|k, _| k.starts_with("provenance."));
    Ok(image)
}

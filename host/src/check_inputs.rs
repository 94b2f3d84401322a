//! Reads inputs into [`Artifact`]s: files, directories and stdin holding
//! `docker`/`podman inspect` output, OCI image configs, indexes and
//! manifests, Kubernetes manifests and `kubectl … -o json|yaml` output
//! (JSON or multi-document YAML), Go binaries, and `go version -m` text.
//!
//! The host only opens files and picks the reader; `imprint_core::read`
//! does the reading (YAML included: [`text::documents`]), so every target
//! reads the same input the same way. Artifacts get the input path as `file` and, for
//! JSON and YAML, the 1-based `line` of what they came from: a container's
//! `image:` line, where an inspect record, index entry or Kubernetes object
//! starts, or else where the document starts; for `go version -m` text, the
//! binary's first line.

mod files;
mod nothing;

pub use files::open_regular;
pub(crate) use files::{not_regular_message, open_nonblocking, read_file, too_large};

use crate::error::HostError;
use files::{is_executable, read_prefix, walk};
use imprint_core::read::{container, go, kube, provenance, read_json_value, text, ReadError};
use imprint_core::visible;
use imprint_core::Artifact;
use nothing::{note_empty, nothing_found, Seen};
use std::io::Read;
use std::path::Path;

/// Largest input read, per file (and for stdin).
pub const INPUT_LIMIT: u64 = 64 << 20;

/// The bytes that start a Go binary's build information.
pub const GO_BUILDINFO_MAGIC: &[u8] = b"\xff Go buildinf:";

/// What the inputs are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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

/// Reads every input, in order: a file path, a directory (walked
/// recursively in name order, taking the files `kind` reads), or `-` for
/// stdin. Each input may be at most [`INPUT_LIMIT`] bytes, and must give
/// at least one artifact: checking nothing is an error.
///
/// Errors: [`HostError::Io`] for what cannot be read (a FIFO, device or
/// socket is refused without being opened for a blocking read),
/// [`HostError::Usage`] for content that cannot be parsed or has the wrong
/// shape, naming the file and, when known, the line (`file:line: message`),
/// and for an input that gives no artifact, naming it and saying what it
/// held and what is read.
pub fn read_inputs(inputs: &[String], kind: InputKind) -> Result<Vec<Artifact>, HostError> {
    let mut out = Vec::new();
    for input in inputs {
        let before = out.len();
        let mut seen = Seen::default();
        let is_dir = if input == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(INPUT_LIMIT + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| HostError::io("-", e))?;
            if bytes.len() as u64 > INPUT_LIMIT {
                return Err(HostError::io("-", too_large()));
            }
            read_bytes("-", &bytes, kind, false, &mut out, &mut seen)?;
            false
        } else {
            let path = Path::new(input);
            let meta = std::fs::metadata(path).map_err(|e| HostError::io(path, e))?;
            if meta.is_dir() {
                let mut files = Vec::new();
                walk(path, &mut files)?;
                for file in files {
                    read_walked(&file, kind, &mut out, &mut seen)?;
                }
                true
            } else if !meta.is_file() {
                return Err(HostError::io(
                    path,
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!(
                            "{}; to read a pipe, pass `-` and give it on stdin",
                            not_regular_message(&meta)
                        ),
                    ),
                ));
            } else {
                let bytes = read_file(path)?;
                read_bytes(input, &bytes, kind, false, &mut out, &mut seen)?;
                false
            }
        };
        if out.len() == before {
            return Err(HostError::Usage(nothing_found(input, kind, is_dir, &seen)));
        }
    }
    Ok(out)
}

fn extension(path: &str) -> Option<String> {
    Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

fn is_structured_ext(ext: Option<&str>) -> bool {
    matches!(ext, Some("json" | "yaml" | "yml"))
}

/// One file found by walking a directory: read it if `kind` reads files
/// like it, skipping documents of no known shape.
fn read_walked(
    path: &Path,
    kind: InputKind,
    out: &mut Vec<Artifact>,
    seen: &mut Seen,
) -> Result<(), HostError> {
    let name = path.display().to_string();
    let ext = extension(&name);
    let structured = is_structured_ext(ext.as_deref());
    match kind {
        InputKind::Inspect
        | InputKind::Oci
        | InputKind::Kube
        | InputKind::Provenance
        | InputKind::Auto
            if structured =>
        {
            let bytes = read_file(path)?;
            seen.files_read += 1;
            read_bytes(&name, &bytes, kind, true, out, seen)
        }
        InputKind::Auto | InputKind::GoVersion if ext.as_deref() == Some("txt") => {
            // Only text that starts like `go version -m` output counts.
            let bytes = read_file(path)?;
            seen.files_read += 1;
            let text = std::str::from_utf8(&bytes).map(|t| t.strip_prefix('\u{feff}').unwrap_or(t));
            match text {
                Ok(text) if first_line(text).and_then(go::version_m_header).is_some() => {
                    read_go_version(&name, text, out)
                }
                _ => Ok(()),
            }
        }
        InputKind::Auto | InputKind::GoBinary if is_executable(path) => {
            // Only executables with build info count; one too large to read
            // whole is an error only when it has it.
            let (bytes, whole) = read_prefix(path)?;
            seen.files_read += 1;
            if std::str::from_utf8(&bytes).is_ok() || find(&bytes, GO_BUILDINFO_MAGIC).is_none() {
                return Ok(());
            }
            if !whole {
                return Err(HostError::io(path, too_large()));
            }
            read_go_binary(&name, &bytes, out)
        }
        _ => {
            seen.skipped.push(path.to_owned());
            Ok(())
        }
    }
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
fn content_error(name: &str, line: Option<u32>, message: impl std::fmt::Display) -> HostError {
    match line {
        Some(line) => HostError::Usage(format!("{}:{line}: {message}", visible(name))),
        None => HostError::Usage(format!("{}: {message}", visible(name))),
    }
}

fn read_bytes(
    name: &str,
    bytes: &[u8],
    kind: InputKind,
    lenient: bool,
    out: &mut Vec<Artifact>,
    seen: &mut Seen,
) -> Result<(), HostError> {
    if kind == InputKind::GoBinary {
        return read_go_binary(name, bytes, out);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        if kind == InputKind::Auto && find(bytes, GO_BUILDINFO_MAGIC).is_some() {
            return read_go_binary(name, bytes, out);
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
        return read_go_version(name, text, out);
    }
    read_structured(name, text, kind, lenient, out, seen)
}

fn read_go_binary(name: &str, bytes: &[u8], out: &mut Vec<Artifact>) -> Result<(), HostError> {
    let info = go::parse_buildinfo(bytes)
        .map_err(|e| content_error(name, None, format_args!("Go binary: {}", e.message)))?;
    let mut a = info.into_artifact(name);
    a.file = Some(name.to_owned());
    out.push(a);
    Ok(())
}

fn first_line(text: &str) -> Option<&str> {
    text.lines().find(|l| !l.trim().is_empty())
}

/// `go version -m` text: one artifact per binary (the splitting and
/// parsing are the engine's: [`go::read_version_m`]).
fn read_go_version(name: &str, text: &str, out: &mut Vec<Artifact>) -> Result<(), HostError> {
    let artifacts =
        go::read_version_m(name, text).map_err(|e| content_error(name, e.line, e.message))?;
    out.extend(artifacts);
    Ok(())
}

fn read_structured(
    name: &str,
    text: &str,
    kind: InputKind,
    lenient: bool,
    out: &mut Vec<Artifact>,
    seen: &mut Seen,
) -> Result<(), HostError> {
    let docs = text::documents(text, Some(name)).map_err(|e| match (e.line, e.column) {
        (Some(l), Some(c)) => HostError::Usage(format!("{}:{l}:{c}: {}", visible(name), e.message)),
        (l, _) => content_error(name, l, e.message),
    })?;
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
    Ok(())
}

//! Reads inputs into [`Artifact`]s: files, directories and stdin holding
//! `docker`/`podman inspect` output, OCI image configs, indexes and
//! manifests, Kubernetes manifests and `kubectl … -o json|yaml` output
//! (JSON or multi-document YAML), Go binaries, and `go version -m` text.
//!
//! The host only opens files and picks the reader; `imprint_core::read`
//! does the reading (YAML included: [`imprint_core::read::text::documents`]), so every target
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
pub use imprint_core::cli::InputKind;
use imprint_core::read::input::{self, Seen, Walked};
use imprint_core::Artifact;
use nothing::unexecutable_go_binaries;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest input read, per file (and for stdin).
pub const INPUT_LIMIT: u64 = 64 << 20;

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
        let mut skipped = Vec::new();
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
            out.extend(input::read("-", &bytes, kind, false, &mut seen).map_err(HostError::Usage)?);
            false
        } else {
            let path = Path::new(input);
            let meta = std::fs::metadata(path).map_err(|e| HostError::io(path, e))?;
            if meta.is_dir() {
                let mut files = Vec::new();
                walk(path, &mut files)?;
                for file in files {
                    read_walked(&file, kind, &mut out, &mut seen, &mut skipped)?;
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
                out.extend(
                    input::read(input, &bytes, kind, false, &mut seen).map_err(HostError::Usage)?,
                );
                false
            }
        };
        if out.len() == before {
            let idle = unexecutable_go_binaries(&skipped, kind);
            return Err(HostError::Usage(input::nothing_found(
                input, kind, is_dir, &seen, &idle,
            )));
        }
    }
    Ok(out)
}

/// One file found by walking a directory: read it if `kind` reads files
/// like it ([`input::walked`]), skipping documents of no known shape.
fn read_walked(
    path: &Path,
    kind: InputKind,
    out: &mut Vec<Artifact>,
    seen: &mut Seen,
    skipped: &mut Vec<PathBuf>,
) -> Result<(), HostError> {
    let name = path.display().to_string();
    let usage = HostError::Usage;
    match input::walked(&name, kind, is_executable(path)) {
        Walked::Structured => {
            let bytes = read_file(path)?;
            seen.files_read += 1;
            out.extend(input::read(&name, &bytes, kind, true, seen).map_err(usage)?);
        }
        Walked::GoVersionText => {
            let bytes = read_file(path)?;
            seen.files_read += 1;
            out.extend(input::read_walked_text(&name, &bytes).map_err(usage)?);
        }
        Walked::GoBinary => {
            // Only executables with build info count; one too large to read
            // whole is an error only when it has it.
            let (bytes, whole) = read_prefix(path)?;
            seen.files_read += 1;
            if !input::is_go_binary(&bytes) {
                return Ok(());
            }
            if !whole {
                return Err(HostError::io(path, too_large()));
            }
            out.extend(input::read_go_binary(&name, &bytes).map_err(usage)?);
        }
        Walked::Skip => skipped.push(path.to_owned()),
    }
    Ok(())
}

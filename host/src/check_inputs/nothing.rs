//! Which files a directory walk skipped are Go binaries without an
//! execute bit, for the error of an input that gave no artifact
//! ([`input::nothing_found`] words it).

use super::files::{open_regular, read_prefix};
use super::InputKind;
use imprint_core::read::input::{self, MAX_LISTED};
use std::io::Read;
use std::path::PathBuf;

/// Those of `skipped` that look like executables (ELF, Mach-O or PE) and
/// have Go build info: binaries a walk skipped for lack of an exec bit.
pub(super) fn unexecutable_go_binaries(skipped: &[PathBuf], kind: InputKind) -> Vec<String> {
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
        if !input::is_executable_format(head) {
            continue;
        }
        let Ok((bytes, _)) = read_prefix(path) else {
            continue;
        };
        if input::has_go_buildinfo(&bytes) {
            found.push(path.display().to_string());
        }
    }
    found
}

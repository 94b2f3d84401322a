//! Atomic file writes: write a temporary file beside the target, flush it,
//! then rename it over the target, so a reader never sees half a file and a
//! failure leaves the original intact.
//!
//! Temporary files have unpredictable names and are created exclusively
//! (`O_EXCL`, a new name on a collision), so a stale file of any name is
//! never reused, never a reason to fail, and never deleted: imprint only
//! removes a temporary file it created itself (`persist/temp.rs`).
//!
//! [`write_atomic`] writes a file that belongs to the user running imprint
//! (`derive --save`, the module cache). [`replace`] rewrites a file that
//! exists (`pin`): it keeps its owner, group and mode, refuses a file with
//! hard links, and refuses a file that changed since it was read
//! (`persist/rewrite.rs`).

mod rewrite;
mod temp;

pub use rewrite::{read_original, replace, replaceable, Original};

use crate::error::HostError;
use std::io::Write;
use std::path::Path;

/// Writes `content` to `path` atomically with permission bits `mode`. The
/// file is then owned by the user running imprint, whatever was there
/// before.
pub fn write_atomic(path: &Path, content: &[u8], mode: u32) -> Result<(), HostError> {
    let io = |e| HostError::io(path, e);
    let tmp = temp::Temp::create(path).map_err(io)?;
    tmp.file().write_all(content).map_err(io)?;
    temp::set_mode(tmp.file(), mode).map_err(io)?;
    tmp.file().sync_all().map_err(io)?;
    tmp.rename_to(path).map_err(io)
}

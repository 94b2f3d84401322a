//! Atomic file writes: write a temporary file beside the target, flush it,
//! then rename it over the target, so a reader never sees half a file and a
//! failure leaves the original intact.

use crate::error::HostError;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Writes `content` to `path` atomically with permission bits `mode`.
pub fn write_atomic(path: &Path, content: &[u8], mode: u32) -> Result<(), HostError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.imprint-{}.tmp", std::process::id()));
    let result = (|| {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        drop(f);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&tmp, fs::Permissions::from_mode(mode))?;
        }
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        HostError::io(path, e)
    })
}

//! Temporary files beside a target: unpredictable names, created
//! exclusively with mode 0600, removed on drop unless renamed into place,
//! and only when the name still holds the file imprint created.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// How many names are tried before giving up (each collision is a file
/// imprint did not create, or a one in 2^64 accident).
const ATTEMPTS: usize = 16;

/// A temporary file imprint created, in the directory of its target.
#[derive(Debug)]
pub(crate) struct Temp {
    path: PathBuf,
    file: File,
    kept: bool,
}

impl Temp {
    /// Creates `.NAME.imprint-RANDOM.tmp` beside `target`, exclusively.
    pub(crate) fn create(target: &Path) -> io::Result<Self> {
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for _ in 0..ATTEMPTS {
            let path = dir.join(format!(".{name}.imprint-{:016x}.tmp", random()));
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            match opts.open(&path) {
                Ok(file) => {
                    return Ok(Self {
                        path,
                        file,
                        kept: false,
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "could not create a temporary file in {} ({ATTEMPTS} names taken)",
                dir.display()
            ),
        ))
    }

    /// The open file.
    pub(crate) fn file(&self) -> &File {
        &self.file
    }

    /// Renames the file to `target`, then flushes the directory entry
    /// (best effort).
    pub(crate) fn rename_to(mut self, target: &Path) -> io::Result<()> {
        fs::rename(&self.path, target)?;
        self.kept = true;
        if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.kept && is_same_file(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Whether `path` (not followed) is the open `file`.
fn is_same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
    }
}

/// Sets the permission bits of an open file (not limited by the umask).
pub(crate) fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, mode);
        Ok(())
    }
}

/// 64 unpredictable bits: std's per-process random hash keys (seeded by
/// the OS), over a counter, the PID and the time.
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differ_and_a_taken_name_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("f.yaml");
        let a = Temp::create(&target).unwrap();
        let b = Temp::create(&target).unwrap();
        assert_ne!(a.path, b.path);
        let (pa, pb) = (a.path.clone(), b.path.clone());
        drop(a);
        assert!(!pa.exists(), "an unused temporary file is removed");
        // A file put in place of imprint's under its name is not removed.
        fs::remove_file(&pb).unwrap();
        fs::write(&pb, "not imprint's").unwrap();
        drop(b);
        assert_eq!(fs::read_to_string(&pb).unwrap(), "not imprint's");
    }
}

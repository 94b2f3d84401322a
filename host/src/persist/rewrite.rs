//! Rewriting a file that exists (`pin`), keeping what it is.
//!
//! The new content goes to a temporary file that is given the original's
//! owner, group and mode, then renamed over it. Two things that cannot be
//! kept that way are refused instead, with a message naming the file:
//!
//! - **hard links**: a rename gives the name a new file, splitting it from
//!   its other names; rewriting in place could leave a half-written file
//!   on a failure, which imprint never does. A file with more than one
//!   link is refused before any file is written.
//! - **an owner imprint cannot give** (not root, and the file is someone
//!   else's): also refused before any file is written.
//!
//! Extended attributes and ACLs are not copied.
//!
//! **Concurrent edits**: just before the rename, the file at the path must
//! still be the one that was read (same device and inode, size, times,
//! and bytes); otherwise the edit is kept, the rewrite refused. What
//! happens between that last check and the rename (microseconds) cannot be
//! detected without locks that editors do not take.

use super::temp::{set_mode, Temp};
use crate::error::HostError;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::Path;

/// A file as it was read: its bytes, and what identifies and describes it.
#[derive(Debug, Clone)]
pub struct Original {
    /// The content.
    pub bytes: Vec<u8>,
    meta: Meta,
}

/// What is compared before the rename, and what is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Meta {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    mode: u32,
    uid: u32,
    gid: u32,
    nlink: u64,
}

impl Meta {
    #[cfg(unix)]
    fn of(m: &fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Self {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
            mode: m.mode() & 0o7777,
            uid: m.uid(),
            gid: m.gid(),
            nlink: m.nlink(),
        }
    }

    #[cfg(not(unix))]
    fn of(m: &fs::Metadata) -> Self {
        let mtime = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |d| {
                (d.as_secs() as i64, i64::from(d.subsec_nanos()))
            });
        Self {
            dev: 0,
            ino: 0,
            len: m.len(),
            mtime,
            ctime: (0, 0),
            mode: 0o644,
            uid: 0,
            gid: 0,
            nlink: 1,
        }
    }
}

fn refused(path: &Path, why: String) -> HostError {
    HostError::io(path, io::Error::other(why))
}

/// Reads `path` (opened once: the bytes and the metadata are of one file).
pub fn read_original(path: &Path) -> Result<Original, HostError> {
    let io = |e| HostError::io(path, e);
    let mut file = File::open(path).map_err(io)?;
    let meta = Meta::of(&file.metadata().map_err(io)?);
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io)?;
    Ok(Original { bytes, meta })
}

/// Refuses what [`replace`] could not rewrite keeping it as it is: a file
/// with hard links, or one whose owner this process cannot give to
/// another file. Call it for every file before writing any.
pub fn replaceable(path: &Path, original: &Original) -> Result<(), HostError> {
    let m = &original.meta;
    if m.nlink > 1 {
        return Err(refused(
            path,
            format!(
                "has {} hard links: replacing it would split them, so it is not rewritten \
                 (nothing was written; break the links, e.g. `cp` it over itself via a copy, or edit it by hand)",
                m.nlink
            ),
        ));
    }
    #[cfg(unix)]
    {
        let me = rustix::process::geteuid();
        if !me.is_root() && me.as_raw() != m.uid {
            return Err(refused(
                path,
                format!(
                    "is owned by uid {}, and imprint runs as uid {}: the rewritten file could not keep its owner, \
                     so it is not rewritten (nothing was written; run as its owner)",
                    m.uid,
                    me.as_raw()
                ),
            ));
        }
    }
    Ok(())
}

/// Atomically replaces `path`, read as `original`, with `content`,
/// keeping its owner, group and mode. Refuses (see the module docs) a file
/// with hard links, an owner that cannot be kept, and a file that changed
/// since it was read.
pub fn replace(path: &Path, original: &Original, content: &[u8]) -> Result<(), HostError> {
    replaceable(path, original)?;
    let io = |e| HostError::io(path, e);
    let tmp = Temp::create(path).map_err(io)?;
    tmp.file().write_all(content).map_err(io)?;
    keep_owner(tmp.file(), &original.meta).map_err(|e| {
        refused(
            path,
            format!(
                "cannot give the rewritten file its owner and group ({}:{}): {e}; it is not rewritten",
                original.meta.uid, original.meta.gid
            ),
        )
    })?;
    // After the owner: a chown clears the set-user/group-ID bits.
    set_mode(tmp.file(), original.meta.mode).map_err(io)?;
    tmp.file().sync_all().map_err(io)?;
    unchanged(path, original)?;
    tmp.rename_to(path).map_err(io)
}

/// Gives `file` the owner and group in `meta` where they differ.
fn keep_owner(file: &File, meta: &Meta) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = file.metadata()?;
        let uid = (now.uid() != meta.uid).then_some(meta.uid);
        let gid = (now.gid() != meta.gid).then_some(meta.gid);
        if uid.is_some() || gid.is_some() {
            std::os::unix::fs::fchown(file, uid, gid)?;
        }
    }
    #[cfg(not(unix))]
    let _ = (file, meta);
    Ok(())
}

/// Refuses when the file at `path` is no longer what was read: another
/// file, other metadata (size, times, mode, owner, links), or other bytes
/// (an edit within the file system's time resolution).
fn unchanged(path: &Path, original: &Original) -> Result<(), HostError> {
    let changed = || {
        refused(
            path,
            "changed while `imprint pin` ran (after it was read): it is not rewritten, \
             so the change is kept; run pin again"
                .to_owned(),
        )
    };
    let Ok(mut file) = File::open(path) else {
        return Err(changed());
    };
    let now = file.metadata().map_err(|e| HostError::io(path, e))?;
    let same_link = fs::symlink_metadata(path)
        .map(|m| Meta::of(&m) == Meta::of(&now))
        .unwrap_or(false);
    if !same_link || Meta::of(&now) != original.meta {
        return Err(changed());
    }
    let mut bytes = Vec::with_capacity(original.bytes.len());
    file.read_to_end(&mut bytes)
        .map_err(|e| HostError::io(path, e))?;
    if bytes != original.bytes {
        return Err(changed());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(text: &str) -> (tempfile::TempDir, std::path::PathBuf, Original) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        fs::write(&p, text).unwrap();
        let o = read_original(&p).unwrap();
        (dir, p, o)
    }

    #[test]
    fn an_untouched_file_is_unchanged() {
        let (_d, p, o) = setup("image: a\n");
        unchanged(&p, &o).unwrap();
        replace(&p, &o, b"image: b\n").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "image: b\n");
    }

    #[test]
    fn an_edit_of_the_same_size_and_mtime_is_seen() {
        let (_d, p, o) = setup("image: a\n");
        let mtime = fs::metadata(&p).unwrap().modified().unwrap();
        fs::write(&p, "image: c\n").unwrap();
        File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let e = replace(&p, &o, b"image: b\n").unwrap_err().to_string();
        assert!(e.contains("changed while"), "{e}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "image: c\n");
    }

    #[test]
    fn a_file_replaced_by_one_with_the_same_bytes_is_seen() {
        let (d, p, o) = setup("image: a\n");
        let other = d.path().join("other");
        fs::write(&other, "image: a\n").unwrap();
        fs::rename(&other, &p).unwrap();
        let e = unchanged(&p, &o).unwrap_err().to_string();
        assert!(e.contains("changed while"), "{e}");
    }

    #[test]
    fn a_removed_file_is_seen() {
        let (_d, p, o) = setup("image: a\n");
        fs::remove_file(&p).unwrap();
        assert!(replace(&p, &o, b"image: b\n").is_err());
        assert!(!p.exists(), "nothing recreated");
    }
}

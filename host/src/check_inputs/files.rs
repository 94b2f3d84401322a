//! Opening inputs: regular files only, never blocking, at most
//! [`INPUT_LIMIT`] bytes; and walking directories.

use super::INPUT_LIMIT;
use crate::error::HostError;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Opens `path` for reading when it is a regular file (symlinks
/// followed), never blocking: a FIFO, device or socket is refused, naming
/// `path`. The file is opened non-blocking and checked again once open,
/// so a FIFO swapped in after the first check cannot block either.
///
/// Errors: [`HostError::Io`] naming `path`.
pub fn open_regular(path: &Path) -> Result<std::fs::File, HostError> {
    let meta = std::fs::metadata(path).map_err(|e| HostError::io(path, e))?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    let file = open_nonblocking(path).map_err(|e| HostError::io(path, e))?;
    let meta = file.metadata().map_err(|e| HostError::io(path, e))?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    Ok(file)
}

/// Opens `path` read-only without blocking (a FIFO opens at once).
#[cfg(unix)]
pub(crate) fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    // O_NONBLOCK makes opening a FIFO return at once; reads of a regular
    // file ignore it.
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(std::fs::File::from(fd))
}

/// Opens `path` read-only.
#[cfg(not(unix))]
pub(crate) fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn not_regular(path: &Path, meta: &std::fs::Metadata) -> HostError {
    #[cfg(unix)]
    if meta.is_dir() {
        // As reading one says: "Is a directory (os error 21)".
        return HostError::io(
            path,
            std::io::Error::from_raw_os_error(rustix::io::Errno::ISDIR.raw_os_error()),
        );
    }
    HostError::io(
        path,
        std::io::Error::new(std::io::ErrorKind::InvalidInput, not_regular_message(meta)),
    )
}

/// "not a regular file (it is a FIFO); only regular files are read".
pub(crate) fn not_regular_message(meta: &std::fs::Metadata) -> String {
    let ft = meta.file_type();
    let what = if ft.is_dir() {
        "a directory"
    } else {
        unix_file_type(&ft)
    };
    format!("not a regular file (it is {what}); only regular files are read")
}

#[cfg(unix)]
fn unix_file_type(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn unix_file_type(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// The error for an input over [`INPUT_LIMIT`].
pub(crate) fn too_large() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("larger than the {} MiB input limit", INPUT_LIMIT >> 20),
    )
}

/// The whole file, refusing more than [`INPUT_LIMIT`] bytes.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, HostError> {
    let (bytes, whole) = read_prefix(path)?;
    if !whole {
        return Err(HostError::io(path, too_large()));
    }
    Ok(bytes)
}

/// Up to [`INPUT_LIMIT`] bytes of the file, and whether that is all of it.
pub(super) fn read_prefix(path: &Path) -> Result<(Vec<u8>, bool), HostError> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(INPUT_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| HostError::io(path, e))?;
    let whole = bytes.len() as u64 <= INPUT_LIMIT;
    bytes.truncate(INPUT_LIMIT as usize);
    Ok((bytes, whole))
}

/// Every regular file under `dir` (symlinks to files included, symlinked
/// directories not followed), depth first in name order.
pub(super) fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), HostError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| HostError::io(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| HostError::io(dir, e))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let path = e.path();
        let ft = e.file_type().map_err(|err| HostError::io(&path, err))?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if ft.is_file()
            || (ft.is_symlink() && std::fs::metadata(&path).is_ok_and(|m| m.is_file()))
        {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(unix)]
pub(super) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
pub(super) fn is_executable(path: &Path) -> bool {
    matches!(
        path.extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref(),
        None | Some("exe")
    )
}

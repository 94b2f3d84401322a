//! The precompiled-module cache: `$XDG_CACHE_HOME/imprint` or
//! `~/.cache/imprint`.
//!
//! A precompiled module is native code that runs as imprint, so an entry
//! is used only when it is imprint's own: the directory and the file are
//! owned by the user running imprint and writable by no one else, and the
//! entry is a regular file (not a symlink). Anything else is ignored with
//! a one-line warning, and the module is compiled in memory. Entries are
//! named by the SHA-256 of the module bytes and of wasmtime's
//! compatibility hash (its version and configuration), created in a 0700
//! directory with mode 0600, exclusively, and renamed into place. Off
//! Unix (no owners to check) there is no cache: modules are compiled in
//! memory.

#![cfg_attr(
    not(unix),
    allow(dead_code, reason = "off Unix there is no cache, only its types")
)]

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use wasmtime::{Engine, Module};

/// The cache directory, when `XDG_CACHE_HOME` or `HOME` says where.
fn cache_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|d| d.join("imprint"))
}

/// A [`std::hash::Hasher`] feeding SHA-256 (for wasmtime's `impl Hash`).
struct Sha(Sha256);

impl std::hash::Hasher for Sha {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

/// The entry name for `bytes` compiled by `engine`.
fn entry_name(engine: &Engine, bytes: &[u8]) -> String {
    use std::hash::Hash;
    let mut h = Sha(Sha256::new());
    h.0.update(b"imprint precompiled module\0");
    h.0.update(Sha256::digest(bytes));
    engine.precompile_compatibility_hash().hash(&mut h);
    let digest = h.0.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("engine-{hex}.cwasm")
}

/// Loads `bytes` as a module: from the cache when it holds imprint's own
/// entry for it, else compiled, then stored (best effort: a cache that
/// cannot be written only costs time).
pub(super) fn cached_module(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Module> {
    #[cfg(unix)]
    if let Some(dir) = cache_dir() {
        match private_dir(&dir) {
            Ok(true) => {
                let file = dir.join(entry_name(engine, bytes));
                match own_entry(engine, &file) {
                    Ok(Some(m)) => return Ok(m),
                    Ok(None) => {}
                    Err(why) => ignored(&file, &why),
                }
                let module = Module::new(engine, bytes)?;
                if let Ok(ser) = module.serialize() {
                    let _ = crate::persist::write_atomic(&file, &ser, 0o600);
                }
                return Ok(module);
            }
            Ok(false) => {}
            Err(why) => ignored(&dir, &why),
        }
    }
    Module::new(engine, bytes)
}

fn ignored(path: &Path, why: &str) {
    crate::diag::warn(format_args!(
        "ignoring the precompiled-module cache {}: {why}; compiling in memory",
        path.display()
    ));
}

/// Why `m` (of a file or directory) is not the user's own, if it is not.
#[cfg(unix)]
fn not_own(m: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    if m.uid() != me {
        Some(format!("owned by uid {}, not {me}", m.uid()))
    } else if m.mode() & 0o022 != 0 {
        Some(format!("writable by others (mode {:o})", m.mode() & 0o7777))
    } else {
        None
    }
}

/// Creates the cache directory (mode 0700) when missing. `Ok(false)` when
/// it cannot be created (no cache, silently); an error when it exists but
/// is not the user's own.
#[cfg(unix)]
fn private_dir(dir: &Path) -> Result<bool, String> {
    use std::os::unix::fs::DirBuilderExt;
    if std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .is_err()
    {
        return Ok(false);
    }
    let m = std::fs::metadata(dir).map_err(|e| e.to_string())?;
    if !m.is_dir() {
        return Err("not a directory".into());
    }
    not_own(&m).map_or(Ok(true), Err)
}

/// The module in `file` when it is the user's own entry; `Ok(None)` when
/// there is none or it is not a module for this engine (it is then
/// replaced); an error when it is not the user's own.
#[cfg(unix)]
fn own_entry(engine: &Engine, file: &Path) -> Result<Option<Module>, String> {
    use std::os::unix::fs::MetadataExt;
    let Ok(link) = std::fs::symlink_metadata(file) else {
        return Ok(None);
    };
    if !link.is_file() {
        return Err("not a regular file".into());
    }
    if let Some(why) = not_own(&link) {
        return Err(why);
    }
    let Ok(opened) = std::fs::File::open(file) else {
        return Ok(None);
    };
    // The file opened is the one checked (not swapped since).
    match opened.metadata() {
        Ok(m) if m.dev() == link.dev() && m.ino() == link.ino() => {}
        _ => return Err("changed while being opened".into()),
    }
    Ok(deserialize(engine, opened).ok())
}

/// Maps a precompiled module from imprint's own cache.
#[allow(
    unsafe_code,
    reason = "wasmtime maps a precompiled module only through an unsafe call"
)]
fn deserialize(engine: &Engine, file: std::fs::File) -> wasmtime::Result<Module> {
    // SAFETY: wasmtime requires that the file be produced by
    // `Module::serialize` of a compatible engine and not be modified
    // while mapped. The file is a regular file owned by this user and
    // writable by no one else, in a directory that is the same (checked on
    // the open file, see `own_entry`); imprint writes entries only by
    // renaming a new file into place, never modifying one. wasmtime
    // additionally checks the header's version and configuration.
    unsafe { Module::deserialize_open_file(engine, file) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_named_by_the_sha256_of_the_module_and_engine() {
        let engine = Engine::default();
        let a = entry_name(&engine, b"\0asm\x01\0\0\0");
        assert_eq!(a, entry_name(&engine, b"\0asm\x01\0\0\0"));
        assert_ne!(a, entry_name(&engine, b"\0asm\x01\0\0\0\0"));
        let hex = a
            .strip_prefix("engine-")
            .and_then(|s| s.strip_suffix(".cwasm"))
            .unwrap();
        assert!(
            hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            "{a}"
        );
        // Another configuration compiles other code: another entry.
        let mut config = wasmtime::Config::new();
        config.consume_fuel(true);
        let fuel = Engine::new(&config).unwrap();
        assert_ne!(a, entry_name(&fuel, b"\0asm\x01\0\0\0"));
    }
}

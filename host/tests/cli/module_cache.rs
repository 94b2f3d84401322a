//! The precompiled-module cache of the wasm engine (issue 11 #14): a
//! compiled module is native code, so a cache file is used only when it is
//! imprint's own: a regular file owned by this user, not writable by
//! anyone else, in a directory that is the same. A file planted by someone
//! else (another owner, group/world-writable, a symlink, in a writable
//! directory) is ignored: the module is compiled in memory, and the
//! answer is the real engine's.
//!
//! The engine module is a tiny stand-in with imprint's raw ABI that
//! answers every request with the policy name `GENUINE` (so these tests
//! need no `wasm/build.sh`); the planted file is a real precompiled
//! module, made with imprint's own wasmtime configuration, that answers
//! `FORGED`: where it were used, `validate` would say so.

use crate::common;

use common::{tempdir, Imprint};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// What `validate -p vllm` prints with the genuine module.
const REAL: &str = "policy `GENUINE` is valid\n";
/// What it prints with the forged module.
const FORGED: &str = "policy `FORGED` is valid\n";

fn leb(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Signed LEB128 of a non-negative value.
fn sleb(mut n: i64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 && byte & 0x40 == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn section(id: u8, payload: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    leb(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

fn name(s: &str, out: &mut Vec<u8>) {
    leb(s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

/// A WebAssembly module with imprint's raw ABI (`memory`, `imprint_alloc`,
/// `imprint_run`) whose every answer is `answer`.
fn forged_wasm(answer: &str) -> Vec<u8> {
    const AT: i64 = 16;
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    // Types: (i32) -> i32, (i32 i32) -> i64.
    section(
        1,
        &[2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 1, 0x7e],
        &mut m,
    );
    section(3, &[2, 0, 1], &mut m);
    // One memory of 256 pages (16 MiB): room for any request.
    section(5, &[1, 0, 0x80, 0x02], &mut m);
    let mut exports = vec![3];
    name("memory", &mut exports);
    exports.extend([2, 0]);
    name("imprint_alloc", &mut exports);
    exports.extend([0, 0]);
    name("imprint_run", &mut exports);
    exports.extend([0, 1]);
    section(7, &exports, &mut m);
    // imprint_alloc: 65536; imprint_run: (AT << 32) | len.
    let alloc = [0, 0x41, 0x80, 0x80, 0x04, 0x0b];
    let mut run = vec![0, 0x42];
    sleb((AT << 32) | answer.len() as i64, &mut run);
    run.push(0x0b);
    let mut code = vec![2];
    leb(alloc.len() as u64, &mut code);
    code.extend(alloc);
    leb(run.len() as u64, &mut code);
    code.extend(run);
    section(10, &code, &mut m);
    let mut data = vec![1, 0, 0x41];
    sleb(AT, &mut data);
    data.push(0x0b);
    name(answer, &mut data);
    section(11, &data, &mut m);
    m
}

/// The forged module, precompiled as imprint's engine would.
fn forged_cwasm() -> Vec<u8> {
    let mut config = wasmtime::Config::new();
    config.consume_fuel(true);
    config.wasm_backtrace_max_frames(None);
    let engine = wasmtime::Engine::new(&config).unwrap();
    engine
        .precompile_module(&forged_wasm(
            r#"{"type":"policy","name":"FORGED","description":"","args":[],"values":[]}"#,
        ))
        .unwrap()
}

/// A cache home: `XDG_CACHE_HOME` for imprint.
struct Cache {
    home: tempfile::TempDir,
}

impl Cache {
    fn new() -> Self {
        let home = tempdir();
        std::fs::write(
            home.path().join("genuine.wasm"),
            forged_wasm(
                r#"{"type":"policy","name":"GENUINE","description":"","args":[],"values":[]}"#,
            ),
        )
        .unwrap();
        Self { home }
    }

    fn dir(&self) -> PathBuf {
        self.home.path().join("imprint")
    }

    fn validate(&self) -> common::Run {
        Imprint::new(self.home.path())
            .env("XDG_CACHE_HOME", self.home.path())
            .args(["--engine", "wasm", "--wasm-module"])
            .arg_path(self.home.path().join("genuine.wasm"))
            .args(["validate", "-p", "vllm"])
            .run()
    }

    /// The one `.cwasm` file in the cache.
    fn entry(&self) -> PathBuf {
        let files: Vec<PathBuf> = std::fs::read_dir(self.dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "cwasm"))
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files[0].clone()
    }

    /// A cache filled by a first run, with its entry replaced by the
    /// forged module (owned by this user, mode 0600).
    fn forged() -> (Self, PathBuf) {
        let c = Self::new();
        let r = c.validate();
        assert_eq!(r.stdout, REAL, "{r:#?}");
        let entry = c.entry();
        plant(&entry);
        (c, entry)
    }
}

/// Puts the forged module at `entry` (owned by this user, mode 0600).
fn plant(entry: &Path) {
    let _ = std::fs::remove_file(entry);
    std::fs::write(entry, forged_cwasm()).unwrap();
    chmod(entry, 0o600);
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn is_root() -> bool {
    let dir = tempdir();
    std::fs::metadata(dir.path()).unwrap().uid() == 0
}

#[test]
fn the_cache_is_private_to_the_user() {
    let c = Cache::new();
    let r = c.validate();
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), REAL), "{r:#?}");
    let me = std::fs::metadata(c.home.path()).unwrap().uid();
    let dir = std::fs::symlink_metadata(c.dir()).unwrap();
    assert!(dir.is_dir());
    assert_eq!((dir.uid(), dir.mode() & 0o777), (me, 0o700));
    let file = std::fs::symlink_metadata(c.entry()).unwrap();
    assert!(file.is_file());
    assert_eq!((file.uid(), file.mode() & 0o777), (me, 0o600));
    // Only the entry: no temporary file is left.
    assert_eq!(std::fs::read_dir(c.dir()).unwrap().count(), 1);
}

#[test]
fn the_users_own_entry_is_used() {
    // The fixture works: a forged entry that is the user's own, in the
    // user's own directory, is trusted (as the user's own files are).
    let (c, _) = Cache::forged();
    assert_eq!(c.validate().stdout, FORGED);
}

#[test]
fn a_group_or_world_writable_entry_is_ignored() {
    let (c, entry) = Cache::forged();
    for mode in [0o666, 0o620, 0o602] {
        plant(&entry);
        chmod(&entry, mode);
        let r = c.validate();
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (Some(0), REAL),
            "{mode:o}: {r:#?}"
        );
        assert!(
            r.stderr.contains("cache") && r.stderr.contains("writable"),
            "a warning names the cache and why: {r:#?}"
        );
    }
}

#[test]
fn an_entry_owned_by_another_user_is_ignored() {
    if !is_root() {
        eprintln!("SKIPPED (ownership): only root can give a file to another user");
        return;
    }
    let (c, entry) = Cache::forged();
    std::os::unix::fs::chown(&entry, Some(65534), Some(65534)).unwrap();
    let r = c.validate();
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), REAL), "{r:#?}");
}

#[test]
fn an_entry_in_a_group_or_world_writable_directory_is_ignored() {
    let (c, entry) = Cache::forged();
    for mode in [0o777, 0o770] {
        plant(&entry);
        chmod(&c.dir(), mode);
        let r = c.validate();
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (Some(0), REAL),
            "{mode:o}: {r:#?}"
        );
    }
}

#[test]
fn a_symlinked_entry_is_ignored() {
    let (c, entry) = Cache::forged();
    let elsewhere = c.home.path().join("elsewhere.cwasm");
    std::fs::rename(&entry, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &entry).unwrap();
    let r = c.validate();
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), REAL), "{r:#?}");
}

#[test]
fn a_garbage_entry_is_ignored() {
    let (c, entry) = Cache::forged();
    std::fs::write(&entry, b"not a module").unwrap();
    let r = c.validate();
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), REAL), "{r:#?}");
}

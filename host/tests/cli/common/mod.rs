//! Shared helpers for the integration tests: a hermetic environment for
//! `git` and `imprint`, temporary git repositories, a runner for the built
//! binary, and a POSIX shell-word splitter.
//!
//! Every child process gets a cleared environment: only `PATH` is kept, and
//! git's global and system configuration are switched off, so neither the
//! machine's git config nor stray `GIT_DIR`/`BUILDKITE*`/`VLLM_*`/
//! `SHIM_VERSION` variables can leak into a test.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;

/// The binary under test (an absolute path).
pub const BIN: &str = env!("CARGO_BIN_EXE_imprint");

/// `HOME` for every child: a path that exists nowhere, so a `$HOME` that is
/// wrongly expanded shows up as this string.
pub const FAKE_HOME: &str = "/imprint-test-home-does-not-exist";

/// The `PATH` of the test process (git, bash, sh and uname come from it).
pub fn host_path() -> String {
    std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".to_owned())
}

/// The directory temporary directories are created in, canonicalized. It
/// is given to git as a ceiling, so a temporary directory that is not a
/// repository is never mistaken for part of an enclosing one.
fn ceiling() -> PathBuf {
    let t = std::env::temp_dir();
    t.canonicalize().unwrap_or(t)
}

/// Clears the environment of `cmd` and sets the hermetic one.
pub fn hermetic(cmd: &mut Command) -> &mut Command {
    cmd.env_clear()
        .env("PATH", host_path())
        .env("HOME", FAKE_HOME)
        .env("LC_ALL", "C")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CEILING_DIRECTORIES", ceiling())
        .stdin(Stdio::null())
}

/// Runs `git args…` in `dir` (with a fixed identity) and returns its
/// trimmed stdout; panics when git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = hermetic(&mut Command::new("git"))
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("git output is UTF-8")
        .trim_end()
        .to_owned()
}

/// A fresh temporary directory.
pub fn tempdir() -> TempDir {
    tempfile::Builder::new()
        .prefix("imprint-test-")
        .tempdir()
        .expect("create a temporary directory")
}

/// Writes `content` to `root/rel`, creating parent directories.
pub fn write(root: &Path, rel: &str, content: &str) -> PathBuf {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create parent directories");
    }
    std::fs::write(&path, content).expect("write file");
    path
}

/// A temporary git repository.
pub struct Repo {
    dir: TempDir,
}

impl Repo {
    /// `git init -q` in a new temporary directory (no commit yet).
    pub fn init() -> Self {
        let dir = tempdir();
        git(dir.path(), &["init", "-q"]);
        Self { dir }
    }

    /// The work tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file in the work tree.
    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        write(self.path(), rel, content)
    }

    /// Runs git in the work tree.
    pub fn git(&self, args: &[&str]) -> String {
        git(self.path(), args)
    }

    /// `git add -A` and commit; returns the full sha.
    pub fn commit_all(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// `git rev-parse --short HEAD` (git's default abbreviation).
    pub fn short(&self) -> String {
        self.git(&["rev-parse", "--short", "HEAD"])
    }

    /// `git rev-parse --short=N HEAD`.
    pub fn short_n(&self, n: usize) -> String {
        self.git(&["rev-parse", &format!("--short={n}"), "HEAD"])
    }

    /// `git status --porcelain` is empty.
    pub fn is_clean(&self) -> bool {
        self.git(&["status", "--porcelain"]).is_empty()
    }
}

/// A pending run of the binary.
pub struct Imprint {
    cmd: Command,
    twin: bool,
}

/// The result of a run.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Stdout as text.
    pub stdout: String,
    /// Stderr as text.
    pub stderr: String,
}

impl Imprint {
    /// `imprint` run in `cwd` with the hermetic environment.
    pub fn new(cwd: &Path) -> Self {
        let mut cmd = Command::new(BIN);
        hermetic(&mut cmd).current_dir(cwd);
        Self { cmd, twin: true }
    }

    /// Runs only the native CLI, also when `IMPRINT_NODE_CLI` is set:
    /// for output that names the process itself (`/proc/self/…`).
    pub fn native_only(mut self) -> Self {
        self.twin = false;
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Adds one path argument.
    pub fn arg_path(mut self, p: impl AsRef<OsStr>) -> Self {
        self.cmd.arg(p);
        self
    }

    /// Adds `flag value`.
    pub fn opt(mut self, flag: &str, value: impl AsRef<OsStr>) -> Self {
        self.cmd.arg(flag).arg(value);
        self
    }

    /// Sets one environment variable.
    pub fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Self {
        self.cmd.env(k, v);
        self
    }

    /// Sets several environment variables.
    pub fn envs(mut self, vars: &[(&str, &str)]) -> Self {
        for (k, v) in vars {
            self.cmd.env(k, v);
        }
        self
    }

    /// Runs to completion (and, with `IMPRINT_NODE_CLI`, the npm CLI too:
    /// see [`Imprint::twin`]).
    pub fn run(self) -> Run {
        self.run_within(std::time::Duration::from_secs(600)).0
    }

    /// Runs, killing the process if it is not done within `limit` (then
    /// the test fails: a hang is a bug, and must not hang the suite).
    /// Returns the result and how long it took.
    ///
    /// With `IMPRINT_NODE_CLI` set (the path of the npm CLI's
    /// `cli/dist/imprint.cjs`), the same command line also runs under Node
    /// in the same directory and environment, and its stdout, stderr and
    /// exit status must be the native CLI's, byte for byte.
    pub fn run_within(mut self, limit: std::time::Duration) -> (Run, std::time::Duration) {
        let twin = self.twin();
        let (run, took) = run_command(&mut self.cmd, limit);
        if let Some(mut twin) = twin {
            let (node, _) = run_command(&mut twin, limit);
            assert_eq!(
                (&node.stdout, &node.stderr, node.code),
                (&run.stdout, &run.stderr, run.code),
                "the npm CLI (left) differs from the native CLI (right) on {:?}",
                self.cmd.get_args().collect::<Vec<_>>()
            );
        }
        (run, took)
    }

    /// The npm CLI on the same command line, when `IMPRINT_NODE_CLI` names
    /// it; not for a command that changes files (`pin` without `--check`,
    /// `--save`: the second run would see the first one's changes) or that
    /// names a WebAssembly module for `--engine wasm` (the npm CLI always
    /// runs the module it ships).
    fn twin(&self) -> Option<Command> {
        let script = std::env::var_os("IMPRINT_NODE_CLI").filter(|_| self.twin)?;
        let args: Vec<&OsStr> = self.cmd.get_args().collect();
        let has = |a: &str| {
            args.iter()
                .any(|x| *x == a || x.to_string_lossy().starts_with(&format!("{a}=")))
        };
        let changes_files =
            (args.first().is_some_and(|a| *a == "pin") && !has("--check")) || has("--save");
        let names_module =
            has("--wasm-module") || self.cmd.get_envs().any(|(k, _)| k == "IMPRINT_WASM_MODULE");
        if changes_files || names_module {
            return None;
        }
        let node = std::env::split_paths(&host_path())
            .map(|d| d.join("node"))
            .find(|p| p.is_file())?;
        let mut twin = Command::new(node);
        hermetic(&mut twin).arg(script).args(&args);
        for (k, v) in self.cmd.get_envs() {
            match v {
                Some(v) => twin.env(k, v),
                None => twin.env_remove(k),
            };
        }
        if let Some(dir) = self.cmd.get_current_dir() {
            twin.current_dir(dir);
        }
        Some(twin)
    }

    /// Runs, asserts exit code 0 and returns stdout.
    pub fn ok(self) -> String {
        let r = self.run();
        assert_eq!(r.code, Some(0), "expected success: {r:#?}");
        r.stdout
    }

    /// Runs, asserts exit code 0 and parses stdout as JSON.
    pub fn json(self) -> serde_json::Value {
        let out = self.ok();
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {out}"))
    }
}

/// Runs `cmd` to completion within `limit` (a hang fails the test).
fn run_command(cmd: &mut Command, limit: std::time::Duration) -> (Run, std::time::Duration) {
    use std::io::Read;
    let start = std::time::Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("imprint starts");
    let pipe = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = r.read_to_end(&mut b);
            b
        })
    };
    let out = pipe(Box::new(child.stdout.take().unwrap()));
    let err = pipe(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for imprint") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("imprint did not finish within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let took = start.elapsed();
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8(out.join().unwrap()).expect("stdout is UTF-8"),
        stderr: String::from_utf8(err.join().unwrap()).expect("stderr is UTF-8"),
    };
    (run, took)
}

impl Run {
    /// Asserts the exit code, returning `self`.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(self.code, Some(code), "unexpected exit status: {self:#?}");
        self
    }
}

/// `v[key]` as a string, panicking with context otherwise.
pub fn jstr<'a>(v: &'a serde_json::Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {v:#}"))
}

/// Splits `s` into words like Python's `shlex.split` (POSIX mode): blanks
/// separate words; `'…'` is literal; in `"…"` a backslash escapes `$`,
/// `` ` ``, `"`, `\` and newline; outside quotes a backslash escapes any
/// character. Errors on an unterminated quote or a trailing backslash.
pub fn shlex_split(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("No closing quotation".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('$' | '`' | '"' | '\\' | '\n')) => cur.push(e),
                            Some(e) => {
                                cur.push('\\');
                                cur.push(e);
                            }
                            None => return Err("No closing quotation".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("No closing quotation".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(e) => cur.push(e),
                    None => return Err("No escaped character".into()),
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// The values following each occurrence of `option` (upstream's
/// `option_values`).
pub fn option_values(words: &[String], option: &str) -> Vec<String> {
    words
        .windows(2)
        .filter(|w| w[0] == option)
        .map(|w| w[1].clone())
        .collect()
}

/// `--build-arg K=V` pairs split at the first `=` (upstream's `build_args`).
pub fn build_args(words: &[String]) -> BTreeMap<String, String> {
    option_values(words, "--build-arg")
        .into_iter()
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .unwrap_or_else(|| panic!("build arg without `=`: {kv:?}"));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// Writes an executable shell script.
pub fn write_script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, body).expect("write script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod script");
}

/// Mode bits (`& 0o7777`) of `path`.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o7777
}

/// The engine module `wasm/build.sh` builds (`.ci/run` builds it first).
pub fn wasm_module() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../wasm/pkg/imprint_bg.wasm");
    assert!(
        p.is_file(),
        "{} is missing: build the engine module with `bash wasm/build.sh` first (.ci/run does)",
        p.display()
    );
    p
}

/// Whether this process can read files regardless of their permission
/// bits (root, or CAP_DAC_OVERRIDE): then `chmod 000` does not make a
/// file unreadable, and tests that rely on it must say so and skip.
pub fn ignores_permissions(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join(".imprint-permission-probe");
    std::fs::write(&probe, "x").expect("write probe");
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).expect("chmod probe");
    let readable = std::fs::read(&probe).is_ok();
    std::fs::remove_file(&probe).expect("remove probe");
    readable
}

/// Every file and directory under `dir`, by path relative to it, with its
/// mode bits and (for a file this process can read) its content: what a
/// failed write must leave exactly as it was, temporary files included.
pub type Snapshot = BTreeMap<String, (u32, Option<Vec<u8>>)>;

/// The [`Snapshot`] of `dir`.
pub fn snapshot(dir: &Path) -> Snapshot {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("dir entry").path();
            let rel = p
                .strip_prefix(dir)
                .expect("below dir")
                .to_string_lossy()
                .into_owned();
            let mode = std::fs::symlink_metadata(&p)
                .expect("stat")
                .permissions()
                .mode()
                & 0o7777;
            if p.is_dir() {
                out.insert(rel, (mode, None));
                stack.push(p);
            } else {
                out.insert(rel, (mode, std::fs::read(&p).ok()));
            }
        }
    }
    out
}

/// Every `derive --format` name, from the engine's own list (a new format
/// is tested everywhere this is used, without editing each test).
pub fn output_formats() -> Vec<String> {
    use clap::ValueEnum;
    imprint_core::OutputFormat::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value())
        .map(|v| v.get_name().to_owned())
        .collect()
}

//! The Go build-info reader against real binaries: builds the tiny module in
//! `tests/data/go/provider` with `go build -ldflags "-X …"` (offline, in
//! temporary directories), reads the binary's bytes with
//! `imprint_core::read::go::parse_buildinfo`, checks the `-X` values against
//! what the binary itself prints, and checks that `go version -m` text gives
//! the same build info.
//!
//! Needs a Go toolchain (1.18 or later) on `PATH`; without one the test
//! fails and says how to install it (`.ci/run` installs Debian's
//! `golang-go`).

// Helpers outside `#[test]` functions fail the test by panicking, as the
// tests themselves do (clippy.toml allows it only inside `#[test]`).

use crate::common;

use common::{git, hermetic, tempdir};
use imprint_core::read::go::{parse_buildinfo, parse_version_m, GoBuildInfo};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MODULE: &str = "github.com/example/provider";

/// The Go sources, in the repository.
fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/go/provider")
}

/// Copies the directory tree `from` to `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read test data directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy test data file");
        }
    }
}

/// An offline, hermetic Go environment: no network, no module proxy, no
/// toolchain switching, cache and GOPATH in `scratch`.
struct Go {
    scratch: PathBuf,
}

impl Go {
    fn cmd(&self, dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new("go");
        hermetic(&mut cmd)
            .current_dir(dir)
            .args(args)
            .env("GOFLAGS", "-mod=mod")
            .env("GOPROXY", "off")
            .env("GOSUMDB", "off")
            .env("GOTOOLCHAIN", "local")
            .env("GO111MODULE", "on")
            .env("GOWORK", "off")
            .env("GOENV", "off")
            .env("CGO_ENABLED", "0")
            .env("GOCACHE", self.scratch.join("gocache"))
            .env("GOPATH", self.scratch.join("gopath"))
            .env("GOTMPDIR", "")
            .env("TMPDIR", std::env::temp_dir());
        cmd
    }

    /// Runs go, failing the test (with go's stderr) when it fails. When `go`
    /// is not installed, says how to install it.
    fn run(&self, dir: &Path, args: &[&str]) -> Output {
        let out = match self.cmd(dir, args).output() {
            Ok(out) => out,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "`go` is not on PATH ({e}): this test builds real Go binaries. \
                 Install Debian's golang-go (`apt-get install -y golang-go`), \
                 as .ci/run does, or another Go 1.18+ toolchain"
            ),
            Err(e) => panic!("could not run `go {}`: {e}", args.join(" ")),
        };
        assert!(
            out.status.success(),
            "`go {}` in {} failed ({}):\n{}",
            args.join(" "),
            dir.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// `go build -ldflags LDFLAGS -o OUT ./cmd/provider` in `src`.
    fn build(&self, src: &Path, ldflags: &str, out: &Path) -> Vec<u8> {
        let out_s = out.to_str().expect("UTF-8 temporary path");
        self.run(
            src,
            &["build", "-ldflags", ldflags, "-o", out_s, "./cmd/provider"],
        );
        std::fs::read(out).expect("read the built binary")
    }
}

/// What the binary prints: its shim version and who built it.
fn run_binary(bin: &Path) -> (String, String) {
    let out = hermetic(&mut Command::new(bin))
        .output()
        .expect("run the built binary");
    assert!(out.status.success(), "{} failed", bin.display());
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    let mut lines = text.lines();
    let version = lines.next().unwrap_or_default().to_owned();
    let built_by = lines.next().unwrap_or_default().to_owned();
    (version, built_by)
}

/// Reads `bin` both ways, checks they agree, and returns the bytes' reading.
fn read_both_ways(go: &Go, bin: &Path, bytes: &[u8]) -> GoBuildInfo {
    let info = parse_buildinfo(bytes)
        .unwrap_or_else(|e| panic!("parse_buildinfo({}): {}", bin.display(), e.message));
    let out = go.run(
        bin.parent().expect("binary directory"),
        &["version", "-m", bin.to_str().expect("UTF-8 path")],
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 go version -m output");
    let from_text = parse_version_m(&text)
        .unwrap_or_else(|e| panic!("parse_version_m: {e} (line {:?}) in:\n{text}", e.line));
    assert_eq!(
        from_text, info,
        "`go version -m` text and the binary's bytes disagree:\n{text}"
    );
    assert_eq!(
        from_text.clone().into_artifact("b").xflags,
        info.clone().into_artifact("b").xflags
    );
    assert!(
        info.go_version.starts_with("go1."),
        "go version {:?}",
        info.go_version
    );
    assert_eq!(info.module.as_deref(), Some(MODULE));
    assert_eq!(info.path, format!("{MODULE}/cmd/provider"));
    info
}

fn setting<'a>(info: &'a GoBuildInfo, key: &str) -> Option<&'a str> {
    info.settings
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[test]
fn reads_xflags_from_real_go_binaries() {
    let scratch = tempdir();
    let go = Go {
        scratch: scratch.path().to_owned(),
    };
    let src = scratch.path().join("src");
    copy_tree(&source_dir(), &src);
    let bin_dir = scratch.path().join("bin");
    std::fs::create_dir_all(&bin_dir).expect("create bin directory");

    // A clean git checkout, so the build records vcs.* settings.
    git(&src, &["init", "-q"]);
    git(&src, &["add", "-A"]);
    git(&src, &["commit", "-q", "-m", "provider"]);
    let head = git(&src, &["rev-parse", "HEAD"]);

    // 1. A release build: the version is overridden with -X.
    let ldflags = format!("-X {MODULE}.shimVersion=v9.9.9-citest");
    let bin = bin_dir.join("release");
    let bytes = go.build(&src, &ldflags, &bin);
    assert_eq!(run_binary(&bin), ("v9.9.9-citest".into(), String::new()));
    let info = read_both_ways(&go, &bin, &bytes);
    assert_eq!(setting(&info, "-ldflags"), Some(ldflags.as_str()));
    assert_eq!(setting(&info, "vcs"), Some("git"));
    assert_eq!(setting(&info, "vcs.revision"), Some(head.as_str()));
    assert_eq!(setting(&info, "vcs.modified"), Some("false"));
    let a = info.into_artifact("release");
    assert_eq!(a.kind, "binary");
    assert_eq!(a.name, "release");
    assert_eq!(
        a.xflags
            .get(&format!("{MODULE}.shimVersion"))
            .map(String::as_str),
        Some("v9.9.9-citest")
    );
    assert_eq!(a.xflags.len(), 1, "{:?}", a.xflags);
    assert_eq!(a.fields["go.module"], MODULE);
    assert_eq!(a.fields["build.-ldflags"], ldflags);
    assert_eq!(a.fields["build.vcs.revision"], head);
    assert!(a.fields["go.version"].starts_with("go1."));

    // 2. A dev build from a dirty tree, as a Makefile's
    //    SHIM_VERSION ?= dev-$(GIT_SHA)$(GIT_DIRTY) gives: the value is set
    //    twice (the linker keeps the last), in the `-X=` form, next to a
    //    quoted -X whose value has spaces and double quotes (so the build
    //    info quotes the whole setting with escapes).
    std::fs::write(src.join("NOTES"), "uncommitted\n").expect("dirty the tree");
    let ldflags = format!(
        "-s -w -X {MODULE}.shimVersion=dev \
         -X '{MODULE}.builtBy=CI \"nightly\" run' \
         -X={MODULE}.shimVersion=dev-c393ae4-dirty"
    );
    let bin = bin_dir.join("dev");
    let bytes = go.build(&src, &ldflags, &bin);
    assert_eq!(
        run_binary(&bin),
        ("dev-c393ae4-dirty".into(), "CI \"nightly\" run".to_owned())
    );
    let info = read_both_ways(&go, &bin, &bytes);
    assert_eq!(setting(&info, "-ldflags"), Some(ldflags.as_str()));
    assert_eq!(setting(&info, "vcs.modified"), Some("true"));
    let a = info.into_artifact("dev");
    assert_eq!(
        a.xflags
            .get(&format!("{MODULE}.shimVersion"))
            .map(String::as_str),
        Some("dev-c393ae4-dirty")
    );
    assert_eq!(
        a.xflags
            .get(&format!("{MODULE}.builtBy"))
            .map(String::as_str),
        Some("CI \"nightly\" run")
    );
    assert_eq!(a.xflags.len(), 2, "{:?}", a.xflags);
}

#[test]
fn non_go_files_are_read_errors() {
    // The test binary itself is not a Go binary.
    let me = std::env::current_exe().expect("current test binary");
    let bytes = std::fs::read(&me).expect("read the test binary");
    let e = parse_buildinfo(&bytes).expect_err("a Rust binary has no Go build info");
    assert!(e.message.starts_with("not a Go binary"), "{}", e.message);
}

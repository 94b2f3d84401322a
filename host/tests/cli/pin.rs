//! `imprint pin --policy obol-stack`: digest-pin rewriting of the locally
//! built obol-stack images (spec section (b), `rewriteDevDigestPins`, with
//! imprint's whole-reference matching).

// Helpers outside `#[test]` functions fail the test by panicking, as the
// tests themselves do (clippy.toml allows it only inside `#[test]`).

use crate::common;

use common::{jstr, mode, tempdir, write, Imprint, Repo};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const DIGEST: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const TAG: &str = "dev-0123456789ab";

/// Manifest text with the three pin styles plus references that must stay.
fn pinned() -> String {
    format!(
        "# locally built images\n\
         containers:\n  \
         - image: ghcr.io/obolnetwork/x402-buyer:b13254e@sha256:{DIGEST}\n  \
         - image: ghcr.io/obolnetwork/x402-verifier@sha256:{DIGEST}\n  \
         - image: \"ghcr.io/obolnetwork/demo-server:b13254e\"\n  \
         - image: mirror.example/ghcr.io/obolnetwork/x402-buyer:b13254e\n  \
         - image: ghcr.io/obolnetwork/serviceoffer-controller:latest\n  \
         - image: docker.io/library/busybox:1.36\n"
    )
}

/// What [`pinned`] becomes with `tag`.
fn rewritten(tag: &str) -> String {
    format!(
        "# locally built images\n\
         containers:\n  \
         - image: ghcr.io/obolnetwork/x402-buyer:{tag}\n  \
         - image: ghcr.io/obolnetwork/x402-verifier:{tag}\n  \
         - image: \"ghcr.io/obolnetwork/demo-server:{tag}\"\n  \
         - image: mirror.example/ghcr.io/obolnetwork/x402-buyer:b13254e\n  \
         - image: ghcr.io/obolnetwork/serviceoffer-controller:latest\n  \
         - image: docker.io/library/busybox:1.36\n"
    )
}

/// Files that are rewritten: `.yaml`/`.yml` in any case, nested, and a
/// file named just `.yaml`.
const YAML_FILES: [&str; 5] = [
    "values.yaml",
    "nested/deep/chart.YML",
    "nested/Upper.Yaml",
    "nested/deep/mixed.Yml",
    "nested/.yaml",
];

/// Files that are never touched, although they hold the same pins.
const OTHER_FILES: [&str; 4] = [
    "templates/deploy.yaml.tmpl",
    "config.json",
    "notes.tpl",
    "nested/yaml",
];

/// A YAML file with no pin of a local image.
const UNCHANGED_YAML: &str = "nested/deep/unchanged.yaml";

const OLD: Duration = Duration::from_secs(1_000_000_000);

struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new() -> Self {
        let dir = tempdir();
        for f in YAML_FILES.iter().chain(OTHER_FILES.iter()) {
            write(dir.path(), f, &pinned());
        }
        write(
            dir.path(),
            UNCHANGED_YAML,
            "image: docker.io/library/busybox:1.36\n",
        );
        let t = Self { dir };
        t.age_all();
        t
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read")
    }

    /// Sets every file's mtime to a fixed old time.
    fn age_all(&self) {
        for f in self.all() {
            let file = std::fs::File::options()
                .write(true)
                .open(self.path(f))
                .expect("open");
            file.set_modified(SystemTime::UNIX_EPOCH + OLD)
                .expect("set mtime");
        }
    }

    fn all(&self) -> Vec<&'static str> {
        YAML_FILES
            .iter()
            .chain(OTHER_FILES.iter())
            .copied()
            .chain([UNCHANGED_YAML])
            .collect()
    }

    fn mtime(&self, rel: &str) -> SystemTime {
        std::fs::metadata(self.path(rel))
            .expect("stat")
            .modified()
            .expect("mtime")
    }

    /// (content, mtime) of every file.
    fn snapshot(&self) -> BTreeMap<&'static str, (String, SystemTime)> {
        self.all()
            .into_iter()
            .map(|f| (f, (self.read(f), self.mtime(f))))
            .collect()
    }

    fn file_names(&self) -> Vec<String> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).expect("read dir") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    walk(&p, root, out);
                } else {
                    out.push(
                        p.strip_prefix(root)
                            .expect("under root")
                            .to_string_lossy()
                            .into_owned(),
                    );
                }
            }
        }
        let mut out = Vec::new();
        walk(self.root(), self.root(), &mut out);
        out.sort();
        out
    }

    fn pin(&self, extra: &[&str]) -> common::Run {
        Imprint::new(self.root())
            .args(["pin", "--policy", "obol-stack", "--dir"])
            .args([self.root()])
            .args(extra)
            .run()
    }
}

#[test]
fn pin_rewrites_the_three_pin_styles_in_yaml_files_only() {
    let t = Tree::new();
    let before_names = t.file_names();
    t.pin(&["--tag", TAG]).expect_code(0);
    for f in YAML_FILES {
        assert_eq!(t.read(f), rewritten(TAG), "{f}");
    }
    for f in OTHER_FILES {
        assert_eq!(t.read(f), pinned(), "{f} must be untouched");
        assert_eq!(t.mtime(f), SystemTime::UNIX_EPOCH + OLD, "{f}");
    }
    assert_eq!(
        t.read(UNCHANGED_YAML),
        "image: docker.io/library/busybox:1.36\n"
    );
    // No temporary files are left behind.
    assert_eq!(t.file_names(), before_names);
}

#[test]
fn pin_does_not_rewrite_unchanged_files() {
    let t = Tree::new();
    t.pin(&["--tag", TAG]).expect_code(0);
    assert_eq!(t.mtime(UNCHANGED_YAML), SystemTime::UNIX_EPOCH + OLD);
    // A second run with the same tag changes nothing at all.
    t.age_all();
    let before = t.snapshot();
    t.pin(&["--tag", TAG]).expect_code(0);
    assert_eq!(t.snapshot(), before);
}

#[test]
fn pin_check_reports_without_changing_anything() {
    let t = Tree::new();
    let before = t.snapshot();
    let r = t.pin(&["--tag", TAG, "--check"]).expect_code(1);
    assert!(!r.stdout.is_empty(), "--check lists what it would rewrite");
    assert_eq!(t.snapshot(), before);
    // After the rewrite there is nothing left to do.
    t.pin(&["--tag", TAG]).expect_code(0);
    let after = t.snapshot();
    t.pin(&["--tag", TAG, "--check"]).expect_code(0);
    assert_eq!(t.snapshot(), after);
}

#[test]
fn pin_check_on_a_tree_without_pins_exits_0() {
    let dir = tempdir();
    write(
        dir.path(),
        "a.yaml",
        "image: docker.io/library/busybox:1.36\n",
    );
    Imprint::new(dir.path())
        .args([
            "pin",
            "--policy",
            "obol-stack",
            "--tag",
            TAG,
            "--check",
            "--dir",
        ])
        .args([dir.path()])
        .run()
        .expect_code(0);
}

#[test]
fn pin_preserves_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tree::new();
    let modes = [("values.yaml", 0o640), ("nested/deep/chart.YML", 0o755)];
    for (f, m) in modes {
        std::fs::set_permissions(t.path(f), std::fs::Permissions::from_mode(m)).expect("chmod");
    }
    t.pin(&["--tag", TAG]).expect_code(0);
    for (f, m) in modes {
        assert_eq!(t.read(f), rewritten(TAG), "{f}");
        assert_eq!(mode(&t.path(f)), m, "{f}");
    }
}

#[test]
fn pin_repoints_an_earlier_dev_tag() {
    let t = Tree::new();
    t.pin(&["--tag", TAG]).expect_code(0);
    t.pin(&["--tag", "dev-fedcba987654"]).expect_code(0);
    for f in YAML_FILES {
        assert_eq!(t.read(f), rewritten("dev-fedcba987654"), "{f}");
    }
}

#[test]
fn pin_matches_whole_references_only() {
    // Spec: no residue of `@sha256:` or of a longer hex tag, no rewrite
    // inside a longer registry path; other registries, upper-case hex and
    // bases outside the list are not pins.
    let dir = tempdir();
    let b = "ghcr.io/obolnetwork/x402-buyer";
    let hex41 = "0123456789abcdef0123456789abcdef012345678";
    let untouched = format!(
        "a: mirror.example/{b}:b13254e\n\
         b: {b}:{hex41}\n\
         c: {b}:b13254e-debug\n\
         d: {b}@sha256:{DIGEST}0\n\
         e: {b}:b13254e@sha256:abc\n\
         f: {b}:B13254E\n\
         g: docker.io/obolnetwork/x402-buyer:b13254e\n\
         h: ghcr.io/obolnetwork/x402-escrow:b13254e\n\
         i: {b}:latest\n"
    );
    write(dir.path(), "edge.yaml", &untouched);
    let r = Imprint::new(dir.path())
        .args(["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"])
        .args([dir.path()])
        .run()
        .expect_code(0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("edge.yaml")).expect("read"),
        untouched,
        "{r:#?}"
    );
    // A numeric tag of 7 hex digits is still a commit tag (O3), and a
    // comment holding a reference is rewritten too (O7).
    write(
        dir.path(),
        "numeric.yml",
        &format!("x: {b}:1234567\n# was {b}:b13254e\n"),
    );
    Imprint::new(dir.path())
        .args(["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"])
        .args([dir.path()])
        .run()
        .expect_code(0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("numeric.yml")).expect("read"),
        format!("x: {b}:{TAG}\n# was {b}:{TAG}\n")
    );
}

#[test]
fn pin_missing_dir_is_an_error() {
    let dir = tempdir();
    let missing = dir.path().join("defaults");
    let r = Imprint::new(dir.path())
        .args(["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"])
        .args([&missing])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("defaults"), "{r:#?}");
    assert!(!missing.exists());
    // Leaving out --dir altogether is a usage error too.
    Imprint::new(dir.path())
        .args(["pin", "--policy", "obol-stack", "--tag", TAG])
        .run()
        .expect_code(2);
}

#[test]
fn pin_rejects_an_invalid_tag() {
    let t = Tree::new();
    let before = t.snapshot();
    for bad in ["a b", "$1", "dev-$0", ""] {
        t.pin(&["--tag", bad]).expect_code(2);
    }
    assert_eq!(t.snapshot(), before);
}

#[test]
fn pin_without_tag_derives_it_from_git() {
    let repo = Repo::init();
    repo.write("README", "x\n");
    repo.commit_all("init");
    let tag = format!("dev-{}", repo.short_n(12));
    let t = Tree::new();
    let r = Imprint::new(repo.path())
        .args(["pin", "--policy", "obol-stack", "--dir"])
        .args([t.root()])
        .run()
        .expect_code(0);
    for f in YAML_FILES {
        assert_eq!(t.read(f), rewritten(&tag), "{f}: {r:#?}");
    }
    // The derived tag is the one `derive` reports.
    let v = Imprint::new(repo.path())
        .args(["derive", "--policy", "obol-stack", "--format", "json"])
        .json();
    assert_eq!(jstr(&v, "/values/dev_tag"), tag);
}

#[test]
fn pin_with_a_policy_without_pin_section_is_an_error() {
    let t = Tree::new();
    let before = t.snapshot();
    Imprint::new(t.root())
        .args(["pin", "--policy", "vllm", "--tag", TAG, "--dir"])
        .args([t.root()])
        .run()
        .expect_code(2);
    assert_eq!(t.snapshot(), before);
}

#[test]
fn pin_rewrites_yaml_files_larger_than_1_mib() {
    let dir = tempdir();
    let b = "ghcr.io/obolnetwork/x402-buyer";
    write(dir.path(), "a.yaml", &format!("image: {b}:b13254e\n"));
    let filler = format!("# {}\n", "x".repeat(2 << 20));
    write(
        dir.path(),
        "big.yaml",
        &format!("{filler}image: {b}@sha256:{DIGEST}\n"),
    );
    let r = Imprint::new(dir.path())
        .args(["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"])
        .args([dir.path()])
        .run();
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("big.yaml")).expect("read"),
        format!("{filler}image: {b}:{TAG}\n")
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.yaml")).expect("read"),
        format!("image: {b}:{TAG}\n")
    );
}

#[test]
fn pin_rewrites_yaml_files_that_are_not_utf8() {
    let dir = tempdir();
    let b = "ghcr.io/obolnetwork/x402-buyer";
    write(dir.path(), "a.yaml", &format!("image: {b}:b13254e\n"));
    let mut latin1 = b"# caf\xe9\n".to_vec();
    latin1.extend_from_slice(format!("image: {b}:b13254e\n").as_bytes());
    std::fs::write(dir.path().join("b.yaml"), &latin1).expect("write");
    let r = Imprint::new(dir.path())
        .args(["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"])
        .args([dir.path()])
        .run();
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let mut want = b"# caf\xe9\n".to_vec();
    want.extend_from_slice(format!("image: {b}:{TAG}\n").as_bytes());
    assert_eq!(
        std::fs::read(dir.path().join("b.yaml")).expect("read"),
        want
    );
}

// ---- issue 11 #19, #20, #21: owner, group, mode, hard links, concurrent
// edits and temporary files.

const BUYER: &str = "ghcr.io/obolnetwork/x402-buyer";

/// Whether this process is root (file ownership can then be given away).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let dir = tempdir();
    let probe = write(dir.path(), "probe", "");
    std::fs::metadata(probe).expect("stat").uid() == 0
}

/// Runs `imprint pin --tag TAG --dir DIR` as PID 1 of a new PID namespace
/// (as in a container), or `None` after saying why this sandbox cannot.
fn pin_as_pid_1(dir: &Path) -> Option<common::Run> {
    let args = ["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"];
    as_pid_1(dir, &args, dir)
}

/// Runs `imprint ARGS… LAST` in `dir` as PID 1 of a new PID namespace, or
/// `None` after saying why this sandbox cannot.
fn as_pid_1(dir: &Path, args: &[&str], last: &Path) -> Option<common::Run> {
    let mut cmd = std::process::Command::new("unshare");
    common::hermetic(&mut cmd).current_dir(dir);
    if !is_root() {
        cmd.arg("--map-root-user");
    }
    cmd.args(["--pid", "--fork", common::BIN])
        .args(args)
        .arg(last);
    let out = cmd.output().expect("unshare starts");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    if stderr.starts_with("unshare:") {
        eprintln!("SKIPPED (PID namespace): {stderr}");
        return None;
    }
    Some(common::Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr,
    })
}

#[test]
fn pin_ignores_stale_temporary_files_and_leaves_them_alone() {
    let dir = tempdir();
    write(
        dir.path(),
        "values.yaml",
        &format!("image: {BUYER}:b13254e\n"),
    );
    // Left over by an earlier run with the same PID (the old naming was
    // `.NAME.imprint-PID.tmp`; in a container imprint is often PID 1).
    let stale: Vec<PathBuf> = (1..=8)
        .map(|pid| {
            write(
                dir.path(),
                &format!(".values.yaml.imprint-{pid}.tmp"),
                "not imprint's\n",
            )
        })
        .collect();
    let Some(r) = pin_as_pid_1(dir.path()) else {
        return;
    };
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("values.yaml")).expect("read"),
        format!("image: {BUYER}:{TAG}\n")
    );
    for f in &stale {
        assert_eq!(
            std::fs::read_to_string(f).expect("a stale file is still there"),
            "not imprint's\n",
            "{}",
            f.display()
        );
    }
    // Nothing else was left behind.
    assert_eq!(std::fs::read_dir(dir.path()).expect("read dir").count(), 9);
}

#[test]
fn derive_save_ignores_stale_temporary_files_and_leaves_them_alone() {
    let dir = tempdir();
    let save = dir.path().join("save");
    // The old temporary name of `.dev-image-tag` for PID 1.
    let stale = write(&save, "..dev-image-tag.imprint-1.tmp", "not imprint's\n");
    let args = ["derive", "--policy", "obol-stack", "--save"];
    let Some(r) = as_pid_1(dir.path(), &args, &save) else {
        return;
    };
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(save.join(".dev-image-tag").is_file(), "{r:#?}");
    assert_eq!(
        std::fs::read_to_string(&stale).expect("the stale file is still there"),
        "not imprint's\n"
    );
    assert_eq!(std::fs::read_dir(&save).expect("read dir").count(), 2);
}

/// Takes a write lease on `lease` (any open of it then blocks until the
/// lease is given up) in a helper process; when imprint opens it, the
/// helper appends `text` to `edit`, then gives the lease up. `None` after
/// saying why this sandbox cannot.
fn edit_when_opened(lease: &Path, edit: &Path, text: &str) -> Option<std::process::Child> {
    use std::io::BufRead;
    let script = r#"
import fcntl, os, signal, sys
F_SETLEASE = 1024
lease, edit, text = sys.argv[1:4]
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGIO})
fd = os.open(lease, os.O_RDONLY)
fcntl.fcntl(fd, F_SETLEASE, fcntl.F_WRLCK)
print("ready", flush=True)
signal.sigwait({signal.SIGIO})
with open(edit, "a") as f:
    f.write(text)
fcntl.fcntl(fd, F_SETLEASE, fcntl.F_UNLCK)
"#;
    let child = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(lease)
        .arg(edit)
        .arg(text)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("SKIPPED (concurrent edit): no python3: {e}");
            return None;
        }
    };
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().expect("stdout"))
        .read_line(&mut line)
        .expect("read the helper");
    if line.trim() != "ready" {
        let out = child.wait_with_output().expect("helper ends");
        eprintln!(
            "SKIPPED (concurrent edit): cannot take a file lease here: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    Some(child)
}

#[test]
fn pin_refuses_to_overwrite_an_edit_made_while_it_runs() {
    let dir = tempdir();
    let a = write(dir.path(), "a.yaml", &format!("image: {BUYER}:b13254e\n"));
    let b = write(dir.path(), "b.yaml", &format!("image: {BUYER}:b13254e\n"));
    // pin reads a.yaml, then b.yaml, then writes: a.yaml is edited after
    // imprint read it and before it writes it.
    let Some(helper) = edit_when_opened(&b, &a, "# edited meanwhile\n") else {
        return;
    };
    let r = Imprint::new(dir.path())
        .args(["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"])
        .args([dir.path()])
        .run();
    let helper = helper.wait_with_output().expect("helper ends");
    assert!(helper.status.success(), "{helper:?}");
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(
        r.stderr.contains("a.yaml") && r.stderr.contains("changed while"),
        "{r:#?}"
    );
    // The edit is kept, and no file was written.
    assert_eq!(
        std::fs::read_to_string(&a).expect("read"),
        format!("image: {BUYER}:b13254e\n# edited meanwhile\n")
    );
    assert_eq!(
        std::fs::read_to_string(&b).expect("read"),
        format!("image: {BUYER}:b13254e\n")
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("read dir").count(), 2);
}

#[test]
fn pin_as_root_keeps_the_owner_group_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if !is_root() {
        eprintln!("SKIPPED (ownership): only root can give a file to another user");
        return;
    }
    let dir = tempdir();
    let f = write(
        dir.path(),
        "values.yaml",
        &format!("image: {BUYER}:b13254e\n"),
    );
    std::os::unix::fs::chown(&f, Some(65534), Some(65534)).expect("chown");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let r = Imprint::new(dir.path())
        .args(["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"])
        .args([dir.path()])
        .run();
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert_eq!(
        std::fs::read_to_string(&f).expect("read"),
        format!("image: {BUYER}:{TAG}\n")
    );
    let m = std::fs::metadata(&f).expect("stat");
    assert_eq!((m.uid(), m.gid()), (65534, 65534), "owner and group kept");
    assert_eq!(m.mode() & 0o7777, 0o640, "mode kept");
}

#[test]
fn pin_refuses_a_hard_linked_file_and_changes_nothing() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempdir();
    let tree = dir.path().join("tree");
    let a = write(&tree, "a.yaml", &format!("image: {BUYER}:b13254e\n"));
    let f = write(&tree, "values.yaml", &format!("image: {BUYER}:b13254e\n"));
    // The same file under another name, outside the tree.
    let other = dir.path().join("elsewhere.yaml");
    std::fs::hard_link(&f, &other).expect("link");
    let r = Imprint::new(dir.path())
        .args(["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"])
        .args([&tree])
        .run();
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(
        r.stderr.contains("values.yaml") && r.stderr.contains("hard links"),
        "{r:#?}"
    );
    // Both names are still one file, unchanged; and the other file in the
    // tree was not rewritten either (refused before any write).
    let (m, o) = (
        std::fs::metadata(&f).expect("stat"),
        std::fs::metadata(&other).expect("stat"),
    );
    assert_eq!((m.ino(), m.nlink()), (o.ino(), 2));
    assert_eq!(
        std::fs::read_to_string(&f).expect("read"),
        format!("image: {BUYER}:b13254e\n")
    );
    assert_eq!(
        std::fs::read_to_string(&a).expect("read"),
        format!("image: {BUYER}:b13254e\n")
    );
    // --check still reports it (it writes nothing).
    Imprint::new(dir.path())
        .args([
            "pin",
            "--policy",
            "obol-stack",
            "--tag",
            TAG,
            "--check",
            "--dir",
        ])
        .args([&tree])
        .run()
        .expect_code(1);
}

#[test]
fn pin_refuses_a_file_whose_owner_it_cannot_keep() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if !is_root() {
        eprintln!("SKIPPED (ownership): only root can set up another user's file");
        return;
    }
    // A shared directory where nobody may write; a file of root's that
    // anyone may edit. Replacing it as nobody would make it nobody's.
    let dir = tempdir();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let f = write(
        dir.path(),
        "values.yaml",
        &format!("image: {BUYER}:b13254e\n"),
    );
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    let mut cmd = std::process::Command::new("setpriv");
    common::hermetic(&mut cmd)
        .current_dir(dir.path())
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            common::BIN,
        ])
        .args(["pin", "--policy", "obol-stack", "--tag", TAG, "--dir"])
        .arg(dir.path());
    let out = cmd.output().expect("setpriv runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("values.yaml") && stderr.contains("owner"),
        "{stderr}"
    );
    let m = std::fs::metadata(&f).expect("stat");
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (0, 0, 0o666));
    assert_eq!(
        std::fs::read_to_string(&f).expect("read"),
        format!("image: {BUYER}:b13254e\n")
    );
}

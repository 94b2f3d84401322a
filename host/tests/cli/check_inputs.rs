//! What `imprint check` reads, through the built binary: an input that
//! gives nothing to check is an error naming it (issue 11 #9), FIFOs and
//! other non-regular files are refused without blocking (#13), and an
//! unsupported input's content is never echoed (#17).

use crate::common;

use common::{hermetic, tempdir, write, Imprint, Run, BIN};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Bound for runs that used to hang.
const BOUND: Duration = Duration::from_secs(10);

/// Runs `imprint ARGS…` in `dir` with `input` on stdin.
fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let f = write(dir, ".stdin", input);
    let out = hermetic(&mut Command::new(BIN))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::from(std::fs::File::open(f).unwrap()))
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `imprint check -p POLICY INPUT…` in `dir`, expecting exit 2; its stderr.
fn check_fails(dir: &Path, policy: &str, inputs: &[&str]) -> String {
    let (r, _) = Imprint::new(dir)
        .args(["check", "-p", policy])
        .args(inputs)
        .run_within(BOUND);
    let r = r.expect_code(2);
    assert!(r.stdout.is_empty(), "{r:#?}");
    r.stderr
}

/// Appends `n` as an unsigned varint.
fn put_uvarint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A file that looks like a Go binary to the build-info reader: an ELF
/// prefix and a Go 1.18+ build info header with `modinfo`.
fn fake_go_binary(modinfo: &str) -> Vec<u8> {
    const INFO_START: [u8; 16] = [
        0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18,
        0xe6,
    ];
    const INFO_END: [u8; 16] = [
        0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8,
        0xf2,
    ];
    let mut b = b"\x7fELF\x02\x01\x01".to_vec();
    b.resize(64, 0);
    b.extend_from_slice(b"\xff Go buildinf:");
    b.push(8);
    b.push(2);
    b.extend_from_slice(&[0; 16]);
    let version = b"go1.22.5";
    put_uvarint(&mut b, version.len() as u64);
    b.extend_from_slice(version);
    let mut info = INFO_START.to_vec();
    info.extend_from_slice(modinfo.as_bytes());
    info.extend_from_slice(&INFO_END);
    put_uvarint(&mut b, info.len() as u64);
    b.extend_from_slice(&info);
    b.extend_from_slice(&[0x55; 64]);
    b
}

const MODINFO: &str = "path\tgithub.com/example/provider/cmd/provider\n\
    mod\tgithub.com/example/provider\t(devel)\t\n\
    build\t-ldflags=\"-X github.com/example/provider.shimVersion=1.2.3\"\n";

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

// --- #9: checking nothing is an error ---------------------------------------

#[test]
fn an_empty_docker_inspect_on_stdin_is_an_error() {
    let dir = tempdir();
    // What `docker inspect` prints for an image that does not exist.
    let r = run_stdin(dir.path(), &["check", "-p", "vllm", "-"], "[]\n").expect_code(2);
    assert!(r.stdout.is_empty(), "{r:#?}");
    assert!(
        r.stderr.contains("`-`: no artifact found")
            && r.stderr.contains("an empty array")
            && r.stderr.contains("docker inspect"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_empty_yaml_file_is_an_error() {
    let dir = tempdir();
    write(dir.path(), "empty.yaml", "");
    write(dir.path(), "comments.yaml", "# nothing here\n---\n...\n");
    for f in ["empty.yaml", "comments.yaml"] {
        let err = check_fails(dir.path(), "obol-stack", &[f]);
        assert!(
            err.contains(&format!("`{f}`: no artifact found")) && err.contains("no document"),
            "{err}"
        );
    }
}

#[test]
fn an_empty_kubectl_list_is_an_error() {
    let dir = tempdir();
    write(
        dir.path(),
        "pods.json",
        r#"{"apiVersion": "v1", "kind": "List", "items": [], "metadata": {}}"#,
    );
    let err = check_fails(dir.path(), "obol-stack", &["pods.json"]);
    assert!(
        err.contains("`pods.json`: no artifact found") && err.contains("empty"),
        "{err}"
    );
}

#[test]
fn kubernetes_objects_without_containers_are_an_error() {
    let dir = tempdir();
    write(
        dir.path(),
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n",
    );
    let err = check_fails(dir.path(), "obol-stack", &["svc.yaml"]);
    assert!(
        err.contains("`svc.yaml`: no artifact found")
            && err.contains("Service")
            && err.contains("ConfigMap"),
        "{err}"
    );
}

#[test]
fn a_directory_with_nothing_recognised_is_an_error_naming_it() {
    let dir = tempdir();
    write(dir.path(), "deploy/README.md", "# docs\n");
    write(dir.path(), "deploy/package.json", r#"{"name": "x"}"#);
    let err = check_fails(dir.path(), "obol-stack", &["deploy"]);
    assert!(
        err.contains("`deploy`: no artifact found")
            && err.contains(".json")
            && err.contains(".yaml")
            && err.contains("executable Go binaries"),
        "{err}"
    );
}

#[test]
fn a_directory_whose_go_binary_is_not_executable_names_it() {
    let dir = tempdir();
    let bin = dir.path().join("bin/provider");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::write(&bin, fake_go_binary(MODINFO)).unwrap();
    set_mode(&bin, 0o755);
    // Executable: read.
    let out = Imprint::new(dir.path())
        .args(["check", "-p", "airunway", "bin"])
        .run();
    assert!(out.stdout.contains("bin/provider"), "{out:#?}");
    // Not executable: the directory gives nothing, and the error says why.
    set_mode(&bin, 0o644);
    let err = check_fails(dir.path(), "airunway", &["bin"]);
    assert!(
        err.contains("`bin`: no artifact found")
            && err.contains("bin/provider")
            && err.contains("not executable"),
        "{err}"
    );
}

#[test]
fn one_empty_input_among_good_ones_is_still_an_error() {
    let dir = tempdir();
    let vllm = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/docker-inspect-vllm.json"),
    )
    .unwrap();
    write(dir.path(), "good.json", &vllm);
    write(dir.path(), "missing.json", "[]");
    let err = check_fails(dir.path(), "vllm", &["good.json", "missing.json"]);
    assert!(err.contains("`missing.json`: no artifact found"), "{err}");
}

#[test]
fn describe_labels_from_an_empty_inspect_is_an_error() {
    let dir = tempdir();
    let r = run_stdin(
        dir.path(),
        &[
            "describe",
            "-p",
            "vllm",
            "vllm/vllm-openai:v0.20.0",
            "--labels-from",
            "-",
        ],
        "[]",
    )
    .expect_code(2);
    assert!(
        r.stderr.contains("--labels-from `-`: no image in it")
            && r.stderr.contains("docker inspect printed []"),
        "{}",
        r.stderr
    );
}

// --- #13: FIFOs are refused without blocking ---------------------------------

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn a_fifo_as_check_input_is_refused_without_blocking() {
    let dir = tempdir();
    mkfifo(&dir.path().join("in.json"));
    let err = check_fails(dir.path(), "vllm", &["in.json"]);
    assert!(
        err.contains("in.json") && err.contains("not a regular file"),
        "{err}"
    );
    // Through a symlink too.
    std::os::unix::fs::symlink("in.json", dir.path().join("link.json")).unwrap();
    let err = check_fails(dir.path(), "vllm", &["link.json"]);
    assert!(
        err.contains("link.json") && err.contains("not a regular file"),
        "{err}"
    );
}

#[test]
fn a_fifo_as_policy_is_refused_without_blocking() {
    let dir = tempdir();
    mkfifo(&dir.path().join("policy.json"));
    let inspect = write(
        dir.path(),
        "x.json",
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/docker-inspect-vllm.json"),
        )
        .unwrap(),
    );
    for args in [
        vec!["validate", "-p", "./policy.json"],
        vec!["check", "-p", "./policy.json", inspect.to_str().unwrap()],
        vec!["derive", "-p", "./policy.json"],
    ] {
        let (r, _) = Imprint::new(dir.path()).args(&args).run_within(BOUND);
        let r = r.expect_code(2);
        assert!(
            r.stderr.contains("policy.json") && r.stderr.contains("not a regular file"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_device_as_input_or_labels_is_refused() {
    let dir = tempdir();
    let err = check_fails(dir.path(), "vllm", &["/dev/null"]);
    assert!(
        err.contains("/dev/null") && err.contains("not a regular file"),
        "{err}"
    );
    let (r, _) = Imprint::new(dir.path())
        .args([
            "describe",
            "-p",
            "vllm",
            "x:1",
            "--labels-from",
            "/dev/zero",
        ])
        .run_within(BOUND);
    let r = r.expect_code(2);
    assert!(
        r.stderr.contains("/dev/zero") && r.stderr.contains("not a regular file"),
        "{}",
        r.stderr
    );
}

// --- #17: no content echoed from unsupported inputs --------------------------

#[test]
fn an_unsupported_input_behind_a_symlink_does_not_echo_its_content() {
    let dir = tempdir();
    let secrets = write(
        dir.path(),
        "secret/creds.json",
        r#"{"AWS_SECRET_ACCESS_KEY_hunter2": "wJalrXUtnFEMI", "db_password_s3cret": {"n": 1}}"#,
    );
    std::os::unix::fs::symlink(&secrets, dir.path().join("inspect.json")).unwrap();
    for args in [
        vec!["check", "-p", "vllm", "inspect.json"],
        vec!["check", "-p", "vllm", "--kind", "auto", "inspect.json"],
        vec![
            "describe",
            "-p",
            "vllm",
            "x:1",
            "--labels-from",
            "inspect.json",
        ],
    ] {
        let r = Imprint::new(dir.path()).args(&args).run().expect_code(2);
        for secret in ["hunter2", "wJalrXUtnFEMI", "s3cret"] {
            assert!(!r.stderr.contains(secret), "{args:?}: {}", r.stderr);
            assert!(!r.stdout.contains(secret), "{args:?}: {}", r.stdout);
        }
        assert!(r.stderr.contains("inspect.json"), "{args:?}: {}", r.stderr);
    }
    // The error says what is supported.
    let r = Imprint::new(dir.path())
        .args(["check", "-p", "vllm", "inspect.json"])
        .run();
    assert!(
        r.stderr.contains("unsupported input") && r.stderr.contains("docker inspect"),
        "{}",
        r.stderr
    );
}

#[test]
fn text_read_as_go_version_output_is_not_echoed() {
    let dir = tempdir();
    write(
        dir.path(),
        "creds.txt",
        "AWS_SECRET_ACCESS_KEY=hunter2\nDB_PASSWORD=s3cret\n",
    );
    write(
        dir.path(),
        "two.txt",
        "bin/x: go1.22.5\n\tpath\tx\nDB_PASSWORD=s3cret\n",
    );
    for (f, line) in [("creds.txt", 1), ("two.txt", 3)] {
        let r = Imprint::new(dir.path())
            .args(["check", "-p", "airunway", "--kind", "go-version", f])
            .run()
            .expect_code(2);
        assert!(
            !r.stderr.contains("hunter2") && !r.stderr.contains("s3cret"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains(&format!("{f}:{line}:")), "{}", r.stderr);
    }
}

#[test]
fn file_names_in_errors_are_shown_escaped() {
    let dir = tempdir();
    // A file name is repository content: it must not forge a log line
    // (a GitHub workflow command) or send terminal escapes.
    write(
        dir.path(),
        "deploy/a\n::error::forged\u{1b}[2K.json",
        "{ not json",
    );
    write(dir.path(), "deploy/b\n::warning::forged.yaml", "");
    std::fs::create_dir(dir.path().join("deploy/c\n::notice::dir.json")).unwrap();
    for args in [
        vec!["check", "-p", "obol-stack", "deploy"],
        vec![
            "check",
            "-p",
            "obol-stack",
            "deploy/b\n::warning::forged.yaml",
        ],
        vec![
            "check",
            "-p",
            "obol-stack",
            "deploy/c\n::notice::dir.json/x",
        ],
    ] {
        let r = Imprint::new(dir.path()).args(&args).run().expect_code(2);
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
        assert!(r.stderr.contains(r"\n::"), "{}", r.stderr);
    }
}

//! `imprint check` and `imprint describe` through the built binary: real
//! input files, every output format, exit codes, and AIRunway's CI
//! read-back done by imprint on a real Go binary.

use crate::common;

use common::{hermetic, tempdir, write, Imprint, Repo};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(rel)
}

fn vllm_inspect() -> String {
    std::fs::read_to_string(data("docker-inspect-vllm.json")).expect("test data")
}

#[test]
fn a_consistent_vllm_image_passes() {
    let dir = tempdir();
    let f = write(dir.path(), "inspect.json", &vllm_inspect());
    let out = Imprint::new(dir.path())
        .args(["check", "--policy", "vllm"])
        .arg_path(&f)
        .ok();
    assert!(out.contains("channel: release"), "{out}");
    assert!(
        out.ends_with("0 errors, 0 warnings in 1 artifact\n"),
        "{out}"
    );
}

#[test]
fn a_vllm_image_whose_labels_lie_fails_with_exit_1() {
    let dir = tempdir();
    let text = vllm_inspect();
    let commit_label = "\"ai.vllm.build.commit\": \"";
    let at = text
        .find(commit_label)
        .expect("the test data has the commit label")
        + commit_label.len();
    let end = at + text[at..].find('"').unwrap();
    let lying = format!("{}unknown{}", &text[..at], &text[end..]);
    let f = write(dir.path(), "inspect.json", &lying);
    let r = Imprint::new(dir.path())
        .args(["check", "--policy", "vllm"])
        .arg_path(&f)
        .run()
        .expect_code(1);
    assert!(r.stdout.contains("vllm-commit-agrees"), "{}", r.stdout);
    assert!(
        r.stdout.contains("vllm-published-names-commit"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("2 errors"), "{}", r.stdout);
}

const BAD_MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: buyer
  namespace: x402
spec:
  template:
    spec:
      containers:
      - name: buyer
        image: ghcr.io/obolnetwork/x402-buyer:latest
      - name: verifier
        image: ghcr.io/obolnetwork/x402-verifier@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
      - name: ok
        image: ghcr.io/obolnetwork/demo-server:dev-0123456789ab
";

#[test]
fn obol_manifests_report_shared_latest_and_digest_pins() {
    let dir = tempdir();
    let f = write(dir.path(), "deploy/x402.yaml", BAD_MANIFEST);
    let r = Imprint::new(dir.path())
        .args(["check", "--policy", "obol-stack", "--format", "json"])
        .arg_path(&f)
        .run()
        .expect_code(1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["errors"], 2);
    let rules: Vec<&str> = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["findings"].as_array().unwrap())
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["obol-no-shared-latest", "obol-no-digest-pin"]);
    // Each finding points at the container's image line.
    let lines: Vec<u64> = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["line"].as_u64())
        .collect();
    assert_eq!(lines, [11, 13, 15]);
}

#[test]
fn github_annotations_name_file_and_line() {
    let dir = tempdir();
    write(dir.path(), "deploy/x402.yaml", BAD_MANIFEST);
    let r = Imprint::new(dir.path())
        .args([
            "check",
            "--policy",
            "obol-stack",
            "--format",
            "github",
            "deploy",
        ])
        .run()
        .expect_code(1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines[0].starts_with("::error file=deploy/x402.yaml,line=11,title=obol-no-shared-latest"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("::error file=deploy/x402.yaml,line=13,title=obol-no-digest-pin"),
        "{}",
        lines[1]
    );
}

#[test]
fn sarif_is_sarif_2_1_0() {
    let dir = tempdir();
    write(dir.path(), "deploy/x402.yaml", BAD_MANIFEST);
    let r = Imprint::new(dir.path())
        .args([
            "check",
            "--policy",
            "obol-stack",
            "--format",
            "sarif",
            "deploy",
        ])
        .run()
        .expect_code(1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "imprint");
    let known: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for res in results {
        assert!(known.contains(&res["ruleId"].as_str().unwrap()), "{res}");
        assert_eq!(res["level"], "error");
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "deploy/x402.yaml");
        assert!(loc["region"]["startLine"].as_u64().is_some());
    }
}

#[test]
fn stdin_is_read_with_a_dash() {
    let dir = tempdir();
    let mut cmd = Command::new(common::BIN);
    hermetic(&mut cmd)
        .current_dir(dir.path())
        .args(["check", "--policy", "vllm", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(vllm_inspect().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("channel: release"));
}

#[test]
fn unreadable_input_is_exit_2_naming_the_file() {
    let dir = tempdir();
    let f = write(dir.path(), "broken.json", "{ not json");
    let r = Imprint::new(dir.path())
        .args(["check", "--policy", "vllm"])
        .arg_path(&f)
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("broken.json"), "{}", r.stderr);
    let r = Imprint::new(dir.path())
        .args(["check", "--policy", "vllm", "missing.json"])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("missing.json"), "{}", r.stderr);
}

#[test]
fn describe_prints_the_card() {
    let dir = tempdir();
    let f = write(dir.path(), "inspect.json", &vllm_inspect());
    let v: Value = serde_json::from_str(&vllm_inspect()).unwrap();
    let tag = v[0]["RepoTags"][0].as_str().unwrap().to_owned();
    let commit = v[0]["Config"]["Labels"]["ai.vllm.build.commit"]
        .as_str()
        .unwrap()
        .to_owned();
    let card = Imprint::new(dir.path())
        .args([
            "describe",
            &tag,
            "--policy",
            "vllm",
            "--format",
            "json",
            "--labels-from",
        ])
        .arg_path(&f)
        .json();
    assert_eq!(card["channel"], "release");
    assert_eq!(card["commit"], commit.as_str());
    assert_eq!(
        card["commit_url"],
        format!("https://github.com/vllm-project/vllm/commit/{commit}").as_str()
    );
    assert_eq!(card["findings"], Value::Array(vec![]));
    let human = Imprint::new(dir.path())
        .args(["describe", &tag, "--policy", "vllm", "--labels-from"])
        .arg_path(&f)
        .ok();
    assert!(human.contains("channel   release"), "{human}");
    assert!(human.contains(&format!("commit    {commit}")), "{human}");
    let bad = Imprint::new(dir.path())
        .args(["describe", "Not A Ref", "--format", "json"])
        .json();
    assert_eq!(bad["valid"], false);
    assert_eq!(bad["findings"][0]["rule"], "invalid-reference");
}

// --- AIRunway's CI read-back, done by imprint on a real Go binary ---------

fn go() -> Command {
    let found = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the Go toolchain is required for this test: install Debian's golang-go (apt-get install -y golang-go); .ci/run does"
    );
    Command::new("go")
}

/// A git repository holding the fixture provider, with bin/ ignored as
/// AIRunway's providers ignore it (building must not dirty the tree).
fn provider_repo() -> Repo {
    let repo = Repo::init();
    let src = data("go/provider");
    for rel in ["go.mod", "provider.go", "cmd/provider/main.go"] {
        let text = std::fs::read_to_string(src.join(rel)).unwrap();
        repo.write(rel, &text);
    }
    repo.write(".gitignore", "bin/\n");
    repo.commit_all("provider");
    repo
}

fn go_build(repo: &Repo, ldflags: Option<&str>) -> PathBuf {
    let cache = tempdir();
    let out = repo.path().join("bin/provider");
    let mut cmd = go();
    hermetic(&mut cmd)
        .current_dir(repo.path())
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", cache.path().join("cache"))
        .env("GOPATH", cache.path().join("gopath"))
        .arg("build");
    if let Some(f) = ldflags {
        cmd.arg(format!("-ldflags={f}"));
    }
    let o = cmd
        .arg("-o")
        .arg(&out)
        .arg("./cmd/provider")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "go build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn ldflags(repo: &Repo, extra: &[&str]) -> String {
    let out = Imprint::new(repo.path())
        .args([
            "derive",
            "--policy",
            "airunway",
            "--arg",
            "provider=example",
            "--format",
            "ldflags",
        ])
        .args(extra)
        .ok();
    out.trim_end().to_owned()
}

fn check_binary(repo: &Repo, bin: &Path, extra: &[&str]) -> common::Run {
    Imprint::new(repo.path())
        .args([
            "check",
            "--policy",
            "airunway",
            "--derive",
            "--arg",
            "provider=example",
        ])
        .args(extra)
        .arg_path(bin)
        .run()
}

#[test]
fn airunway_default_build_carries_the_derived_dev_version() {
    let repo = provider_repo();
    let flags = ldflags(&repo, &[]);
    assert_eq!(
        flags,
        format!(
            "-X github.com/example/provider.shimVersion=dev-{}",
            repo.short()
        )
    );
    let bin = go_build(&repo, Some(&flags));
    assert!(repo.is_clean(), "building must not dirty the tree");
    let r = check_binary(&repo, &bin, &[]).expect_code(0);
    assert!(
        r.stdout.contains("0 errors, 0 warnings in 1 artifact"),
        "{}",
        r.stdout
    );
}

#[test]
fn airunway_override_carries_exactly_the_given_version() {
    let repo = provider_repo();
    let flags = ldflags(&repo, &["--arg", "shim_version=v9.9.9-citest"]);
    let bin = go_build(&repo, Some(&flags));
    check_binary(&repo, &bin, &["--arg", "shim_version=v9.9.9-citest"]).expect_code(0);
    // The same binary checked against the tree's own dev version is stale.
    let r = check_binary(&repo, &bin, &[]).expect_code(1);
    assert!(
        r.stdout.contains("airunway-shim-is-derived"),
        "{}",
        r.stdout
    );
}

#[test]
fn airunway_binary_without_the_flag_fails() {
    let repo = provider_repo();
    let bin = go_build(&repo, None);
    let r = check_binary(&repo, &bin, &[]).expect_code(1);
    assert!(r.stdout.contains("airunway-shim-injected"), "{}", r.stdout);
}

#[test]
fn airunway_flag_on_the_wrong_package_fails() {
    let repo = provider_repo();
    // `-X main.shimVersion` is silently ignored by the linker for this
    // package (reference quirk A5); imprint names the problem.
    let bin = go_build(&repo, Some("-X main.shimVersion=dev-0000000"));
    let r = check_binary(&repo, &bin, &[]).expect_code(1);
    assert!(
        r.stdout.contains("airunway-shim-targets-module"),
        "{}",
        r.stdout
    );
}

#[test]
fn airunway_flag_under_a_package_pattern_counts_only_when_it_matches() {
    let repo = provider_repo();
    let flags = ldflags(&repo, &[]);
    // `go build -ldflags=PATTERN=FLAGS` gives FLAGS to the linker only when
    // PATTERN matches the main package (issue 11): build info records the
    // flags either way.
    let bin = go_build(&repo, Some(&format!("other/pkg={flags}")));
    let r = check_binary(&repo, &bin, &[]).expect_code(1);
    assert!(r.stdout.contains("airunway-shim-injected"), "{}", r.stdout);
    let bin = go_build(
        &repo,
        Some(&format!("github.com/example/provider/...={flags}")),
    );
    check_binary(&repo, &bin, &[]).expect_code(0);
}

//! Artifact-controlled text in `check` and `describe` output cannot forge
//! lines or reach the terminal raw (issue 11, smaller findings): control
//! characters, newlines and bidi overrides are shown escaped in the human
//! formats and cannot end a GitHub workflow command; SARIF URIs are
//! percent-encoded.

use crate::common;

use common::{tempdir, write, Imprint};
use serde_json::Value;

/// Characters that must never reach a terminal from an artifact.
fn assert_no_raw_controls(out: &str) {
    for c in out.chars() {
        assert!(
            c == '\n'
                || !(c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "raw {c:?} in output:\n{out}"
        );
    }
}

const EVIL_POD: &str = r#"apiVersion: v1
kind: Pod
metadata: {name: "p\n  channel: release"}
spec:
  containers:
  - name: "a\e]8;;http://evil\aclick\e]8;;\a\n  ok\r\u202Eevil"
    image: "ghcr.io/obolnetwork/x402-buyer:latest"
"#;

#[test]
fn check_human_output_escapes_artifact_text() {
    let dir = tempdir();
    write(dir.path(), "evil.yaml", EVIL_POD);
    let r = Imprint::new(dir.path())
        .args(["check", "-p", "obol-stack", "evil.yaml"])
        .run()
        .expect_code(1);
    assert_no_raw_controls(&r.stdout);
    // One artifact line, one finding line, then the summary and the
    // skipped rules: nothing forged in between.
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert!(
        lines[0].contains(r"Pod/p\n  channel: release")
            && lines[0].contains(r"a\x1b]8;;http://evil\x07click")
            && lines[0].contains(r"\n  ok\r\u{202e}evil"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("  error   obol-no-shared-latest"),
        "{}",
        r.stdout
    );
}

#[test]
fn github_annotations_cannot_be_forged_or_carry_escapes() {
    let dir = tempdir();
    write(dir.path(), "evil.yaml", EVIL_POD);
    let r = Imprint::new(dir.path())
        .args(["check", "-p", "obol-stack", "-f", "github", "evil.yaml"])
        .run()
        .expect_code(1);
    assert_no_raw_controls(&r.stdout);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(
        lines[0].starts_with("::error file=evil.yaml,line=7,title="),
        "{}",
        r.stdout
    );
    // The title's newline is the runner's %0A, not a new command.
    assert!(lines[0].contains("%0A  channel%3A release"), "{}", r.stdout);
}

#[test]
fn describe_human_output_escapes_label_text() {
    let dir = tempdir();
    write(
        dir.path(),
        "labels.json",
        r#"{
  "org.opencontainers.image.source": "https://github.com/x/y\n  channel   release",
  "ai.vllm.build.url": "\u001b]8;;http://evil\u0007https://buildkite.com/vllm/ci/builds/1\u001b]8;;\u0007",
  "ai.vllm.build.commit": "abc\u202edef"
}"#,
    );
    let out = Imprint::new(dir.path())
        .args([
            "describe",
            "-p",
            "vllm",
            "vllm/vllm-openai:nightly",
            "--labels-from",
            "labels.json",
        ])
        .ok();
    assert_no_raw_controls(&out);
    let channels: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("channel"))
        .collect();
    assert_eq!(channels, ["  channel   unknown"], "{out}");
    assert!(
        out.contains(r"  source    https://github.com/x/y\n  channel   release"),
        "{out}"
    );
    assert!(
        out.contains(r"  build     \x1b]8;;http://evil\x07https://"),
        "{out}"
    );
    assert!(out.contains(r"abc\u{202e}def"), "{out}");
}

#[test]
fn sarif_uris_are_percent_encoded() {
    let dir = tempdir();
    write(
        dir.path(),
        "deploy/a b#c%d.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: ghcr.io/obolnetwork/x402-buyer:latest\n",
    );
    let r = Imprint::new(dir.path())
        .args([
            "check",
            "-p",
            "obol-stack",
            "-f",
            "sarif",
            "deploy/a b#c%d.yaml",
        ])
        .run()
        .expect_code(1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let uri =
        &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "deploy/a%20b%23c%25d.yaml", "{v:#}");
}

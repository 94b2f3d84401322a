//! A refusal names exactly the findings `imprint check` gives in CI for the
//! same image: the CLI checks a `docker inspect` record with the labels and
//! env the recorded registry answer holds, the module checks a Pod running
//! that image, and the refusal's lines and the warnings are built from the
//! CLI's JSON report.

use crate::{instance, replay, validate_payload};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The CLI that `cargo test --workspace --release` builds.
fn imprint() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/imprint");
    assert!(
        p.is_file(),
        "{} is missing: build the CLI with `cargo build --release -p imprint-host`",
        p.display()
    );
    p
}

/// `imprint check --policy default --format json -` on `input`: the report.
fn check(input: &Value) -> Value {
    let mut child = Command::new(imprint())
        .args(["check", "--policy", "default", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "imprint check should find errors: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn refusals_name_the_findings_imprint_check_gives() {
    for (session, image) in [
        ("web-latest.yml", "ghcr.io/acme/web:latest"),
        ("nginx.yml", "docker.io/library/nginx:1.27.0"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/sessions")
            .join(session);
        let recorded: Value =
            serde_json::from_str(replay::load(&path)[0].response.as_ref().unwrap()).unwrap();
        let config = &recorded["config"];
        let inspect = json!([{
            "Id": recorded["config"]["rootfs"]["diff_ids"][0],
            "RepoTags": [image],
            "Os": config["os"],
            "Architecture": config["architecture"],
            "Config": { "Labels": config["config"]["Labels"], "Env": config["config"]["Env"] }
        }]);
        let report = check(&inspect);
        let findings = report["artifacts"][0]["findings"].as_array().unwrap();
        let line = |f: &Value| {
            format!(
                "{}: {}",
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        };
        let errors: Vec<String> = findings
            .iter()
            .filter(|f| f["severity"] == "error")
            .map(line)
            .collect();
        let mut warnings: Vec<String> = findings
            .iter()
            .filter(|f| f["severity"] == "warning")
            .map(|f| format!("imprint: {image}: {}", line(f)))
            .collect();
        let skipped: Vec<&str> = report["skipped_rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        warnings.push(format!(
            "imprint: rules not checked at admission (they compare with values derived from a build): {}",
            skipped.join(", ")
        ));
        assert!(!errors.is_empty(), "{session}: the CLI found no errors");

        let review = json!({ "request": {
            "uid": "parity", "operation": "CREATE",
            "kind": { "group": "", "version": "v1", "kind": "Pod" },
            "object": { "apiVersion": "v1", "kind": "Pod",
                        "metadata": { "name": "parity", "namespace": "ci" },
                        "spec": { "containers": [{ "name": "app", "image": image }] } }
        }});
        let (mut host, left) = instance(Some(session));
        let answer = host
            .call(
                "validate",
                &validate_payload(&review, &json!({ "policy": "default" })),
            )
            .unwrap();
        let got: Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(got["accepted"], false, "{session}: {got}");
        assert_eq!(
            got["message"],
            format!(
                "imprint policy `default` refused 1 of 1 image:\n{image} (Pod/ci/parity container app): {}",
                errors.join("; ")
            ),
            "{session}"
        );
        assert_eq!(got["warnings"], json!(warnings), "{session}");
        assert_eq!(
            got["audit_annotations"]["imprint-denying-findings"],
            report["errors"].to_string(),
            "{session}"
        );
        assert!(left.borrow().is_empty());
    }
}

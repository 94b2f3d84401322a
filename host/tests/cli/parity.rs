//! The conformance inputs through the command line: every builtin policy
//! over every input in `tests/data` in every `check` format, cards of the
//! inspect inputs, every policy derived in every format, explained and
//! validated, and the help and usage errors of every command.
//!
//! Natively each run must end as the CLI promises (0, 1 for findings, 2
//! with an `imprint: error:` or a usage message, never a crash). With
//! `IMPRINT_NODE_CLI` set, every one of these runs is also made by the npm
//! CLI and must match byte for byte (see `common::Imprint::run_within`).

use crate::common::{self, Imprint, Repo};
use std::path::PathBuf;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data")
}

const POLICIES: [&str; 4] = ["default", "vllm", "obol-stack", "airunway"];

/// A run ended as the CLI promises: 0, 1 with findings on stdout, or 2
/// with a message on stderr.
fn ended_well(args: &[String], r: &crate::common::Run) {
    match r.code {
        Some(0) => {}
        Some(1) => assert!(
            !r.stdout.is_empty(),
            "{args:?}: exit 1 without a report: {r:#?}"
        ),
        // `imprint: error: …`, a usage error, or (no command) the usage.
        Some(2) => assert!(
            ["imprint: error: ", "error: ", "Derive and enforce"]
                .iter()
                .any(|p| r.stderr.starts_with(p)),
            "{args:?}: exit 2 without a message: {r:#?}"
        ),
        _ => panic!("{args:?}: unexpected end: {r:#?}"),
    }
}

fn run(repo: &Repo, args: &[String]) -> crate::common::Run {
    let r = Imprint::new(repo.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(args)
        .run();
    ended_well(args, &r);
    r
}

fn strings(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| (*s).to_owned()).collect()
}

fn fixture_repo() -> Repo {
    let repo = Repo::init();
    repo.write("README.md", "x\n");
    repo.commit_all("one");
    repo.git(&["tag", "-a", "v0.20.0", "-m", "v0.20.0"]);
    repo
}

#[test]
fn every_policy_checks_every_input_in_every_format() {
    let repo = fixture_repo();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    inputs.sort();
    inputs.push(data());
    let mut reports = 0;
    for policy in POLICIES {
        for input in &inputs {
            for format in [
                "human",
                "json",
                "github",
                "sarif",
                "markdown",
                "codequality",
            ] {
                let mut args = strings(&["check", "--policy", policy, "--format", format]);
                args.push(input.display().to_string());
                let r = run(&repo, &args);
                reports += usize::from(r.code != Some(2));
            }
        }
    }
    assert!(reports > 100, "most checks give a report ({reports})");
}

#[test]
fn cards_of_every_inspect_input() {
    let repo = fixture_repo();
    for file in [
        "docker-inspect-vllm.json",
        "podman-inspect.json",
        "oci-config.json",
    ] {
        for policy in POLICIES {
            for format in ["human", "json"] {
                let mut args = strings(&[
                    "describe",
                    "vllm/vllm-openai:v0.20.0",
                    "--policy",
                    policy,
                    "--format",
                    format,
                    "--labels-from",
                ]);
                args.push(data().join(file).display().to_string());
                run(&repo, &args);
            }
        }
    }
}

#[test]
fn every_policy_derives_in_every_format_and_explains() {
    let repo = fixture_repo();
    for policy in POLICIES {
        for format in common::output_formats() {
            run(
                &repo,
                &strings(&["derive", "--policy", policy, "--format", &format]),
            );
        }
        run(&repo, &strings(&["explain", "--policy", policy]));
        run(&repo, &strings(&["validate", "--policy", policy]));
        run(&repo, &strings(&["policies", policy]));
    }
    run(&repo, &strings(&["policies"]));
    run(
        &repo,
        &strings(&[
            "derive",
            "--policy",
            "vllm",
            "--arg",
            "variant=cu129",
            "--arch",
            "aarch64",
        ]),
    );
}

#[test]
fn help_and_usage_errors_of_every_command() {
    let repo = fixture_repo();
    let commands = [
        "derive", "explain", "pin", "check", "describe", "metadata", "import", "validate",
        "policies",
    ];
    run(&repo, &strings(&["--help"]));
    run(&repo, &strings(&["--version"]));
    run(&repo, &strings(&[]));
    run(&repo, &strings(&["deriv"]));
    for c in commands {
        run(&repo, &strings(&[c, "--help"]));
        run(&repo, &strings(&[c, "-h"]));
        run(&repo, &strings(&[c, "--no-such-option"]));
    }
    run(&repo, &strings(&["derive", "--polcy", "default"]));
    run(
        &repo,
        &strings(&["derive", "--policy", "default", "--format", "yaml"]),
    );
    run(&repo, &strings(&["derive", "--policy"]));
    run(&repo, &strings(&["check", "--policy", "default"]));
    run(
        &repo,
        &strings(&["derive", "--policy", "default", "--git-timeout", "nope"]),
    );
}

#[test]
fn metadata_from_inputs_in_a_plain_checkout() {
    let repo = fixture_repo();
    for format in [
        "tags", "labels", "json", "github", "dotenv", "bake", "explain",
    ] {
        run(
            &repo,
            &strings(&[
                "metadata",
                "--images",
                "ghcr.io/o/app",
                "--tags",
                "type=semver,pattern={{version}}\ntype=sha\ntype=raw,value={{date 'YYYYMMDD' tz='Asia/Tokyo'}}",
                "--format",
                format,
            ]),
        );
    }
}

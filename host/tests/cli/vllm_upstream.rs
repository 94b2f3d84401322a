//! vLLM's upstream tests (`tests/tools/test_docker_build_metadata_args.py`)
//! run through the CLI, plus the `buildkite-agent` lookup variants of
//! spec (a), CI mode step 1.

// Helpers outside `#[test]` functions fail the test by panicking, as the
// tests themselves do (clippy.toml allows it only inside `#[test]`).

use crate::common;

use common::{
    build_args, hermetic, host_path, jstr, option_values, shlex_split, tempdir, write_script,
    Imprint, BIN,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const STAGING: &str = "public.ecr.aws/q9t5s3a7/vllm-release-repo";

/// Upstream's `run_helper`: runs `imprint derive --policy vllm` with the
/// given variant, env and extra flags, and splits stdout like `shlex.split`.
fn run_helper(
    cwd: &Path,
    variant: Option<&str>,
    env: &[(&str, &str)],
    extra: &[&str],
    path: Option<&str>,
) -> Vec<String> {
    // The eval-safe form: shlex reads it as the shell would (the default
    // `shell` form refuses values an unquoted expansion would split or glob).
    let mut imp = Imprint::new(cwd)
        .args(["derive", "--policy", "vllm", "--format", "shell-quoted"])
        .envs(env)
        .args(extra);
    if let Some(v) = variant {
        imp = imp.args(["--arg", &format!("variant={v}")]);
    }
    if let Some(p) = path {
        imp = imp.env("PATH", p);
    }
    let out = imp.ok();
    shlex_split(&out).unwrap_or_else(|e| panic!("shlex failed ({e}): {out:?}"))
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The build host's `uname -m`, asked directly.
fn uname_m() -> String {
    let out = Command::new("uname")
        .arg("-m")
        .output()
        .expect("uname runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned()
}

#[test]
fn shlex_split_behaves_like_python() {
    assert_eq!(
        shlex_split(r#"a 'b c' "d \"e\" \$f \x" g\ h ''"#).expect("split"),
        vec!["a", "b c", r#"d "e" $f \x"#, "g h", ""]
    );
    assert_eq!(
        shlex_split("'it'\\''s' x ").expect("split"),
        vec!["it's", "x"]
    );
    assert!(shlex_split("'open").is_err());
    assert!(shlex_split("\"open").is_err());
}

#[test]
fn test_release_metadata_args_prefer_pipeline_id() {
    let cwd = tempdir();
    let args = run_helper(
        cwd.path(),
        Some("cu130-ubuntu2404"),
        &[
            ("BUILDKITE", "1"),
            ("BUILDKITE_COMMIT", "abc123"),
            ("BUILDKITE_PIPELINE_ID", "pipe-uuid"),
            ("BUILDKITE_PIPELINE_SLUG", "release"),
            (
                "BUILDKITE_BUILD_URL",
                "https://buildkite.example/vllm/builds/1",
            ),
            ("RELEASE_VERSION", "v0.20.0"),
        ],
        &["--arch", "x86_64"],
        None,
    );
    assert_eq!(
        build_args(&args),
        map(&[
            ("VLLM_BUILD_COMMIT", "abc123"),
            ("VLLM_BUILD_PIPELINE", "pipe-uuid"),
            ("VLLM_BUILD_URL", "https://buildkite.example/vllm/builds/1"),
            (
                "VLLM_IMAGE_TAG",
                "vllm/vllm-openai:v0.20.0-cu130-ubuntu2404"
            ),
        ])
    );
    assert_eq!(
        option_values(&args, "--tag"),
        vec![format!("{STAGING}:abc123-x86_64-cu130-ubuntu2404")]
    );
}

#[test]
fn test_nightly_metadata_args_fall_back_to_pipeline_slug() {
    let cwd = tempdir();
    let args = run_helper(
        cwd.path(),
        Some("ubuntu2404"),
        &[
            ("BUILDKITE", "1"),
            ("BUILDKITE_COMMIT", "def456"),
            ("BUILDKITE_PIPELINE_SLUG", "release"),
            (
                "BUILDKITE_BUILD_URL",
                "https://buildkite.example/vllm/builds/2",
            ),
            ("NIGHTLY", "1"),
        ],
        &[],
        None,
    );
    assert_eq!(
        build_args(&args),
        map(&[
            ("VLLM_BUILD_COMMIT", "def456"),
            ("VLLM_BUILD_PIPELINE", "release"),
            ("VLLM_BUILD_URL", "https://buildkite.example/vllm/builds/2"),
            (
                "VLLM_IMAGE_TAG",
                "vllm/vllm-openai:nightly-def456-ubuntu2404"
            ),
        ])
    );
    // Real `uname -m`, as upstream's os.uname().machine.
    assert_eq!(
        option_values(&args, "--tag"),
        vec![format!("{STAGING}:def456-{}-ubuntu2404", uname_m())]
    );
}

#[test]
fn test_local_metadata_args_use_local_overrides() {
    let cwd = tempdir();
    let args = run_helper(
        cwd.path(),
        None,
        &[
            ("VLLM_IMAGE_TAG", "local/test:dev"),
            ("VLLM_BUILD_COMMIT", "localsha"),
            ("VLLM_BUILD_PIPELINE", "local-pipeline"),
            ("VLLM_BUILD_URL", "https://buildkite.example/local"),
        ],
        &[],
        None,
    );
    assert_eq!(
        build_args(&args),
        map(&[
            ("VLLM_BUILD_COMMIT", "localsha"),
            ("VLLM_BUILD_PIPELINE", "local-pipeline"),
            ("VLLM_BUILD_URL", "https://buildkite.example/local"),
            ("VLLM_IMAGE_TAG", "local/test:dev"),
        ])
    );
    assert_eq!(option_values(&args, "--tag"), vec!["local/test:dev"]);
}

/// The lookup-failure test's environment.
const FALLBACK_ENV: &[(&str, &str)] = &[
    ("BUILDKITE", "1"),
    ("BUILDKITE_COMMIT", "fallback123"),
    ("BUILDKITE_PIPELINE_SLUG", "release"),
];

/// A temp dir holding a fake `buildkite-agent` with `body`; returns the
/// dir and a PATH with it first.
fn fake_agent(body: &str) -> (tempfile::TempDir, String) {
    let bin = tempdir();
    write_script(&bin.path().join("buildkite-agent"), body);
    let path = format!("{}:{}", bin.path().display(), host_path());
    (bin, path)
}

#[test]
fn test_release_version_lookup_failure_falls_back_to_commit() {
    let (bin, path) = fake_agent("#!/bin/sh\nexit 1\n");
    let args = run_helper(
        bin.path(),
        Some("cu129"),
        FALLBACK_ENV,
        &["--allow-command", "buildkite-agent", "--arch", "x86_64"],
        Some(&path),
    );
    assert_eq!(
        build_args(&args)["VLLM_IMAGE_TAG"],
        "vllm/vllm-openai:vfallback123-cu129"
    );
    assert_eq!(
        option_values(&args, "--tag"),
        vec![format!("{STAGING}:fallback123-x86_64-cu129")]
    );
}

#[test]
fn agent_output_is_used_despite_failing_exit_status() {
    // Spec (a) CI step 1: prints v9.9.9 and exits 1 → the version is v9.9.9.
    let (bin, path) = fake_agent("#!/bin/sh\necho v9.9.9\nexit 1\n");
    let args = run_helper(
        bin.path(),
        Some("cu129"),
        FALLBACK_ENV,
        &["--allow-command", "buildkite-agent"],
        Some(&path),
    );
    assert_eq!(
        build_args(&args)["VLLM_IMAGE_TAG"],
        "vllm/vllm-openai:v9.9.9-cu129"
    );
    let v = Imprint::new(bin.path())
        .args(["derive", "--policy", "vllm", "--arg", "variant=cu129"])
        .args(["--allow-command", "buildkite-agent", "--format", "json"])
        .envs(FALLBACK_ENV)
        .env("PATH", &path)
        .json();
    assert_eq!(jstr(&v, "/values/release_version"), "9.9.9");
}

#[test]
fn agent_is_not_run_unless_allowed() {
    let bin = tempdir();
    let marker = bin.path().join("agent-ran");
    write_script(
        &bin.path().join("buildkite-agent"),
        &format!("#!/bin/sh\n: > '{}'\necho v9.9.9\n", marker.display()),
    );
    let path = format!("{}:{}", bin.path().display(), host_path());
    let args = run_helper(bin.path(), Some("cu129"), FALLBACK_ENV, &[], Some(&path));
    assert_eq!(
        build_args(&args)["VLLM_IMAGE_TAG"],
        "vllm/vllm-openai:vfallback123-cu129"
    );
    assert!(
        !marker.exists(),
        "the agent must not run without --allow-command"
    );
    // The trace shows the command source as skipped.
    let explain = Imprint::new(bin.path())
        .args(["explain", "--policy", "vllm", "--arg", "variant=cu129"])
        .envs(FALLBACK_ENV)
        .env("PATH", &path)
        .ok();
    let line = explain
        .lines()
        .find(|l| l.contains("skipped") && l.contains("buildkite-agent"))
        .unwrap_or_else(|| panic!("no skipped agent line in:\n{explain}"));
    assert!(line.contains("allow"), "{line}");
    assert!(!marker.exists());
    // Allowed, the same script runs and wins.
    let args = run_helper(
        bin.path(),
        Some("cu129"),
        FALLBACK_ENV,
        &["--allow-command", "buildkite-agent"],
        Some(&path),
    );
    assert!(marker.exists());
    assert_eq!(
        build_args(&args)["VLLM_IMAGE_TAG"],
        "vllm/vllm-openai:v9.9.9-cu129"
    );
}

#[test]
fn allowed_agent_missing_from_path_falls_back_to_commit() {
    let empty = tempdir();
    let args = run_helper(
        empty.path(),
        Some("cu129"),
        FALLBACK_ENV,
        &["--allow-command", "buildkite-agent", "--arch", "aarch64"],
        Some(&empty.path().display().to_string()),
    );
    assert_eq!(
        build_args(&args)["VLLM_IMAGE_TAG"],
        "vllm/vllm-openai:vfallback123-cu129"
    );
    assert_eq!(
        option_values(&args, "--tag"),
        vec![format!("{STAGING}:fallback123-aarch64-cu129")]
    );
}

#[test]
fn agent_is_not_consulted_in_local_mode() {
    let bin = tempdir();
    let marker = bin.path().join("agent-ran");
    write_script(
        &bin.path().join("buildkite-agent"),
        &format!("#!/bin/sh\n: > '{}'\necho v9.9.9\n", marker.display()),
    );
    let path = format!("{}:{}", bin.path().display(), host_path());
    let args = run_helper(
        bin.path(),
        Some("cu129"),
        &[],
        &["--allow-command", "buildkite-agent"],
        Some(&path),
    );
    assert_eq!(option_values(&args, "--tag"), vec!["local/vllm-openai:dev"]);
    assert!(!marker.exists(), "local mode never calls buildkite-agent");
}

#[test]
fn hanging_agent_is_killed_after_the_timeout() {
    // Upstream would hang. imprint kills the agent after the timeout and,
    // since the release version is then unknown, fails (issue 11) rather
    // than tagging a release after the commit.
    let (bin, path) = fake_agent("#!/bin/sh\nexec sleep 30\n");
    let start = Instant::now();
    let r = Imprint::new(bin.path())
        .args(["derive", "--policy", "vllm", "--arg", "variant=cu129"])
        .envs(FALLBACK_ENV)
        .args([
            "--allow-command",
            "buildkite-agent",
            "--command-timeout",
            "1",
        ])
        .env("PATH", &path)
        .run()
        .expect_code(2);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert!(r.stderr.contains("did not finish in time"), "{r:#?}");
    assert!(r.stdout.is_empty(), "{r:#?}");
}

#[test]
fn unquoted_expansion_matches_shlex_for_well_formed_values() {
    // The release pipeline splits the output unquoted (V1). For well-formed
    // values that gives the same words as shlex.
    let cwd = tempdir();
    let env = [
        ("BUILDKITE", "1"),
        ("BUILDKITE_COMMIT", "abc123"),
        ("BUILDKITE_PIPELINE_ID", "pipe-uuid"),
        (
            "BUILDKITE_BUILD_URL",
            "https://buildkite.example/vllm/builds/1",
        ),
        ("RELEASE_VERSION", "v0.20.0"),
    ];
    let shlex_words = run_helper(
        cwd.path(),
        Some("cu129-ubuntu2404"),
        &env,
        &["--arch", "x86_64"],
        None,
    );
    let mut cmd = Command::new("bash");
    hermetic(&mut cmd)
        .current_dir(cwd.path())
        .env("IMPRINT", BIN)
        .args([
            "-c",
            r#"set -- $("$IMPRINT" derive --policy vllm --arg variant=cu129-ubuntu2404 --arch x86_64); printf '%s\0' "$@""#,
        ]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let words: Vec<&str> = text.split_terminator('\0').collect();
    assert_eq!(words, shlex_words);
    assert_eq!(
        build_args(&shlex_words)["VLLM_IMAGE_TAG"],
        "vllm/vllm-openai:v0.20.0-cu129-ubuntu2404"
    );
}

/// One spec (a) case: env, variant, expected build args (subset) and tag.
struct Case {
    what: &'static str,
    env: &'static [(&'static str, &'static str)],
    variant: Option<&'static str>,
    args: &'static [(&'static str, &'static str)],
    tag: &'static str,
}

const S: &str = "public.ecr.aws/q9t5s3a7/vllm-release-repo";

/// The quirks of spec (a) whose upstream output is well formed, which
/// imprint must reproduce exactly (`--arch x86_64`; `{S}` is the staging
/// repository).
const QUIRKS: &[Case] = &[
    Case {
        what: "V3 build arg commit differs from tag commit",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "bk1"), ("VLLM_BUILD_COMMIT", "override"), ("RELEASE_VERSION", "1.2.3")],
        variant: None,
        args: &[("VLLM_BUILD_COMMIT", "override"), ("VLLM_IMAGE_TAG", "vllm/vllm-openai:v1.2.3")],
        tag: "{S}:bk1-x86_64",
    },
    Case {
        what: "V3 nightly tag uses BUILDKITE_COMMIT",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "bk1"), ("VLLM_BUILD_COMMIT", "override"), ("NIGHTLY", "1")],
        variant: None,
        args: &[("VLLM_BUILD_COMMIT", "override"), ("VLLM_IMAGE_TAG", "vllm/vllm-openai:nightly-bk1")],
        tag: "{S}:bk1-x86_64",
    },
    Case {
        what: "V4 vunknown",
        env: &[("BUILDKITE", "1")],
        variant: None,
        args: &[("VLLM_BUILD_COMMIT", "unknown"), ("VLLM_BUILD_PIPELINE", "local"), ("VLLM_BUILD_URL", ""), ("VLLM_IMAGE_TAG", "vllm/vllm-openai:vunknown")],
        tag: "{S}:unknown-x86_64",
    },
    Case {
        what: "V5 vv1.0 keeps one v",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("RELEASE_VERSION", "vv1.0")],
        variant: None,
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:vv1.0")],
        tag: "{S}:abc-x86_64",
    },
    Case {
        what: "V5 upper-case V is not stripped",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("RELEASE_VERSION", "V1.0")],
        variant: None,
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:vV1.0")],
        tag: "{S}:abc-x86_64",
    },
    Case {
        what: "V5 a lone v falls back to the commit",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("RELEASE_VERSION", "v")],
        variant: Some("cu129"),
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:vabc-cu129")],
        tag: "{S}:abc-x86_64-cu129",
    },
    Case {
        what: "V6 NIGHTLY=true is a release",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("NIGHTLY", "true"), ("RELEASE_VERSION", "0.9.0")],
        variant: None,
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:v0.9.0")],
        tag: "{S}:abc-x86_64",
    },
    Case {
        what: "V6 NIGHTLY=' 1' is a release",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("NIGHTLY", " 1")],
        variant: None,
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:vabc")],
        tag: "{S}:abc-x86_64",
    },
    Case {
        what: "nightly cu130-ubuntu2404 reorders",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("NIGHTLY", "1")],
        variant: Some("cu130-ubuntu2404"),
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:cu130-nightly-abc-ubuntu2404")],
        tag: "{S}:abc-x86_64-cu130-ubuntu2404",
    },
    Case {
        what: "nightly cu129",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("NIGHTLY", "1")],
        variant: Some("cu129"),
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:cu129-nightly-abc")],
        tag: "{S}:abc-x86_64-cu129",
    },
    Case {
        what: "V8 cuda12 counts as a CUDA variant",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("NIGHTLY", "1")],
        variant: Some("cuda12"),
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:cuda12-nightly-abc")],
        tag: "{S}:abc-x86_64-cuda12",
    },
    Case {
        what: "V8 cu- gives a trailing dash",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("NIGHTLY", "1")],
        variant: Some("cu-"),
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:cu-nightly-abc-")],
        tag: "{S}:abc-x86_64-cu-",
    },
    Case {
        what: "V8 CU129 is not a CUDA variant",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("NIGHTLY", "1")],
        variant: Some("CU129"),
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:nightly-abc-CU129")],
        tag: "{S}:abc-x86_64-CU129",
    },
    Case {
        what: "V8 a leading -cu129 gives a double dash",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("NIGHTLY", "1")],
        variant: Some("-cu129"),
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:nightly-abc--cu129")],
        tag: "{S}:abc-x86_64--cu129",
    },
    Case {
        what: "V9 BUILDKITE=0 is CI mode",
        env: &[("BUILDKITE", "0"), ("BUILDKITE_COMMIT", "abc"), ("RELEASE_VERSION", "1.0")],
        variant: None,
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:v1.0")],
        tag: "{S}:abc-x86_64",
    },
    Case {
        what: "V9 BUILDKITE=false is CI mode",
        env: &[("BUILDKITE", "false")],
        variant: None,
        args: &[("VLLM_IMAGE_TAG", "vllm/vllm-openai:vunknown")],
        tag: "{S}:unknown-x86_64",
    },
    Case {
        what: "V9 a bare BUILDKITE_COMMIT is CI mode",
        env: &[("BUILDKITE_COMMIT", "abc")],
        variant: None,
        args: &[("VLLM_BUILD_COMMIT", "abc"), ("VLLM_IMAGE_TAG", "vllm/vllm-openai:vabc")],
        tag: "{S}:abc-x86_64",
    },
    Case {
        what: "V10 VLLM_IMAGE_TAG is ignored in CI mode; image name and staging repo apply",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("VLLM_IMAGE_TAG", "local/x:y"), ("VLLM_DOCKER_IMAGE_NAME", "me/img"), ("VLLM_STAGING_IMAGE_REPO", "reg.example/stage"), ("RELEASE_VERSION", "2.0")],
        variant: Some("cu129"),
        args: &[("VLLM_IMAGE_TAG", "me/img:v2.0-cu129")],
        tag: "reg.example/stage:abc-x86_64-cu129",
    },
    Case {
        what: "V10 local mode ignores image name, staging repo, NIGHTLY, RELEASE_VERSION and the variant",
        env: &[("VLLM_DOCKER_IMAGE_NAME", "me/img"), ("VLLM_STAGING_IMAGE_REPO", "reg.example/stage"), ("NIGHTLY", "1"), ("RELEASE_VERSION", "2.0")],
        variant: Some("cu129"),
        args: &[("VLLM_IMAGE_TAG", "local/vllm-openai:dev")],
        tag: "local/vllm-openai:dev",
    },
    Case {
        what: "local mode still reads BUILDKITE_PIPELINE_ID and BUILDKITE_BUILD_URL",
        env: &[("BUILDKITE_PIPELINE_ID", "pid"), ("BUILDKITE_PIPELINE_SLUG", "slug"), ("BUILDKITE_BUILD_URL", "https://ci.example/b/9?q=1#f")],
        variant: None,
        args: &[("VLLM_BUILD_PIPELINE", "pid"), ("VLLM_BUILD_URL", "https://ci.example/b/9?q=1#f"), ("VLLM_IMAGE_TAG", "local/vllm-openai:dev")],
        tag: "local/vllm-openai:dev",
    },
    Case {
        what: "empty VLLM_* overrides count as unset",
        env: &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc"), ("BUILDKITE_PIPELINE_SLUG", "slug"), ("VLLM_BUILD_COMMIT", ""), ("VLLM_BUILD_PIPELINE", ""), ("RELEASE_VERSION", "")],
        variant: Some(""),
        args: &[("VLLM_BUILD_COMMIT", "abc"), ("VLLM_BUILD_PIPELINE", "slug"), ("VLLM_IMAGE_TAG", "vllm/vllm-openai:vabc")],
        tag: "{S}:abc-x86_64",
    },
];

#[test]
fn upstream_quirks_with_well_formed_output_are_reproduced() {
    let cwd = tempdir();
    let mut failures = Vec::new();
    for c in QUIRKS {
        let words = run_helper(cwd.path(), c.variant, c.env, &["--arch", "x86_64"], None);
        let got = build_args(&words);
        for (k, v) in c.args {
            if got.get(*k).map(String::as_str) != Some(*v) {
                failures.push(format!("{}: {k} = {:?}, want {v:?}", c.what, got.get(*k)));
            }
        }
        let want_tag = c.tag.replace("{S}", S);
        if option_values(&words, "--tag") != vec![want_tag.clone()] {
            failures.push(format!(
                "{}: --tag {:?}, want {want_tag:?}",
                c.what,
                option_values(&words, "--tag")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn malformed_derived_references_are_errors_naming_the_inputs() {
    // V11: where upstream emits an invalid reference, imprint refuses.
    let cwd = tempdir();
    // (env, variant, the input the error must name)
    type BadCase<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[BadCase] = &[
        (
            &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc")],
            "my variant",
            "variant",
        ),
        (
            &[("BUILDKITE", "1"), ("BUILDKITE_COMMIT", "abc")],
            "a/b",
            "variant",
        ),
        (
            &[
                ("BUILDKITE", "1"),
                ("BUILDKITE_COMMIT", "abc"),
                ("RELEASE_VERSION", "v3.1.4  "),
            ],
            "cu129",
            "RELEASE_VERSION",
        ),
    ];
    for (env, variant, input) in cases {
        let r = Imprint::new(cwd.path())
            .args(["derive", "--policy", "vllm", "--arch", "x86_64", "--arg"])
            .args([format!("variant={variant}")])
            .envs(env)
            .run()
            .expect_code(2);
        assert!(r.stdout.is_empty(), "{r:#?}");
        assert!(r.stderr.contains(input), "stderr names {input}: {r:#?}");
    }
}

#[test]
fn agent_output_trailing_newlines_are_removed() {
    let (bin, path) = fake_agent("#!/bin/sh\nprintf 'v2.0.0\\n\\n\\n'\n");
    let args = run_helper(
        bin.path(),
        Some("cu129"),
        FALLBACK_ENV,
        &["--allow-command", "buildkite-agent"],
        Some(&path),
    );
    assert_eq!(
        build_args(&args)["VLLM_IMAGE_TAG"],
        "vllm/vllm-openai:v2.0.0-cu129"
    );
}

#[test]
fn valid_references_pass_through_local_mode_unchanged() {
    // Upstream inserts VLLM_IMAGE_TAG raw; every valid reference must come
    // back exactly (and survive the shell split).
    let d = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let refs = [
        "vllm".to_owned(),
        "localhost:5000/vllm:dev".to_owned(),
        "127.0.0.1:5000/x:y".to_owned(),
        "[::1]:5000/x:y".to_owned(),
        "Registry.Example.com/x:y".to_owned(),
        "docker.io/library/ubuntu".to_owned(),
        "a_b/c__d:t".to_owned(),
        "a-b.c/d-e/f.g:T_1.x-Y".to_owned(),
        "my.registry/a/b/c/d/e:dev".to_owned(),
        format!("x@sha256:{d}"),
        format!("registry.example.com:443/a/b:tag@sha256:{d}"),
        format!("x:{}", "a".repeat(128)),
    ];
    let cwd = tempdir();
    for r in &refs {
        let args = run_helper(cwd.path(), None, &[("VLLM_IMAGE_TAG", r)], &[], None);
        assert_eq!(build_args(&args)["VLLM_IMAGE_TAG"], *r);
        assert_eq!(option_values(&args, "--tag"), vec![r.clone()]);
    }
}

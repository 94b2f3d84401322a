//! General command-line behaviour: help, policy loading errors, `--arg`
//! checks, `policies`, `explain`, and every output format.

// Helpers outside `#[test]` functions fail the test by panicking, as the
// tests themselves do (clippy.toml allows it only inside `#[test]`).

use crate::common;

use common::{jstr, tempdir, write, Imprint, Repo};
use std::path::Path;

const BUILTINS: [&str; 4] = ["default", "vllm", "obol-stack", "airunway"];

#[test]
fn help_exits_0_and_lists_subcommands() {
    let dir = tempdir();
    let out = Imprint::new(dir.path()).args(["--help"]).ok();
    for sub in ["derive", "explain", "pin"] {
        assert!(out.contains(sub), "--help mentions {sub}:\n{out}");
    }
}

#[test]
fn version_exits_0() {
    let dir = tempdir();
    let out = Imprint::new(dir.path()).args(["--version"]).ok();
    assert!(out.starts_with("imprint "), "{out}");
}

#[test]
fn unknown_policy_name_lists_the_builtins() {
    let dir = tempdir();
    let r = Imprint::new(dir.path())
        .args(["derive", "--policy", "no-such-policy"])
        .run()
        .expect_code(2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("no-such-policy"), "{r:#?}");
    for b in BUILTINS {
        assert!(r.stderr.contains(b), "stderr names builtin {b}: {r:#?}");
    }
}

#[test]
fn missing_policy_file_is_an_error() {
    let dir = tempdir();
    let r = Imprint::new(dir.path())
        .args(["derive", "--policy", "./nope.json"])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("nope.json"), "{r:#?}");
}

/// 1-based (line, column) of byte offset `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[test]
fn policy_syntax_error_names_file_line_and_column() {
    let dir = tempdir();
    let text = "{\n  \"imprint\": 1,\n  \"name\": \"broken\",\n  \"values\": { \"a\": { \"from\": [] } ,, }\n}\n";
    let path = write(dir.path(), "broken.json", text);
    // The error is the second comma of `,,`: a key was expected there.
    let at = text.find(",,").expect("fixture has ,,") + 1;
    let (line, col) = line_col(text, at);
    assert_eq!(line, 4);
    let r = Imprint::new(dir.path())
        .args(["validate", "--policy"])
        .args([&path])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("broken.json"), "{r:#?}");
    assert!(
        r.stderr
            .contains(&format!("{}:{line}:{col}", path.display())),
        "expected {}:{line}:{col} in {r:#?}",
        path.display()
    );
    // derive reports the same problem.
    let r = Imprint::new(dir.path())
        .args(["derive", "--policy"])
        .args([&path])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains(&format!("{line}:{col}")), "{r:#?}");
}

#[test]
fn policy_with_two_problems_reports_both_paths() {
    let dir = tempdir();
    let text = r#"{
  "imprint": 1,
  "name": "two-problems",
  "values": {
    "a": { "from": [{ "literal": "x" }], "bogus_key": 1 },
    "b": { "from": [{ "template": "{no_such_value}" }] }
  }
}
"#;
    let path = write(dir.path(), "two.json", text);
    let r = Imprint::new(dir.path())
        .args(["validate", "--policy"])
        .args([&path])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("$.values.a.bogus_key"), "{r:#?}");
    assert!(r.stderr.contains("$.values.b.from[0].template"), "{r:#?}");
    assert!(r.stderr.contains("no_such_value"), "{r:#?}");
}

#[test]
fn valid_policy_file_validates() {
    let dir = tempdir();
    let text =
        r#"{ "imprint": 1, "name": "tiny", "values": { "v": { "from": [{ "literal": "x" }] } } }"#;
    let path = write(dir.path(), "tiny.json", text);
    let out = Imprint::new(dir.path())
        .args(["validate", "--policy"])
        .args([&path])
        .ok();
    assert!(out.contains("tiny"), "{out}");
    for b in BUILTINS {
        Imprint::new(dir.path())
            .args(["validate", "--policy", b])
            .ok();
    }
}

#[test]
fn arg_without_equals_is_an_error() {
    let dir = tempdir();
    let r = Imprint::new(dir.path())
        .args(["derive", "--policy", "vllm", "--arg", "variant"])
        .run()
        .expect_code(2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("variant"), "{r:#?}");
}

#[test]
fn unknown_arg_name_is_an_error() {
    let dir = tempdir();
    let r = Imprint::new(dir.path())
        .args(["derive", "--policy", "vllm", "--arg", "flavour=cu129"])
        .run()
        .expect_code(2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("flavour"), "{r:#?}");
}

#[test]
fn repeated_arg_is_an_error() {
    let dir = tempdir();
    Imprint::new(dir.path())
        .args(["derive", "-p", "vllm", "-a", "variant=a", "-a", "variant=b"])
        .run()
        .expect_code(2);
}

#[test]
fn bad_command_timeout_is_an_error() {
    let dir = tempdir();
    for t in ["0", "-1", "nan", "inf"] {
        Imprint::new(dir.path())
            .args(["derive", "-p", "vllm", "--command-timeout", t])
            .run()
            .expect_code(2);
    }
}

#[test]
fn missing_repo_dir_is_an_error() {
    let dir = tempdir();
    Imprint::new(dir.path())
        .args(["derive", "-p", "default", "--repo"])
        .args([dir.path().join("missing")])
        .run()
        .expect_code(2);
}

#[test]
fn policies_lists_the_four_builtins() {
    let dir = tempdir();
    let out = Imprint::new(dir.path()).args(["policies"]).ok();
    let names: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names, BUILTINS);
}

#[test]
fn policies_prints_a_builtin_as_json() {
    let dir = tempdir();
    for b in BUILTINS {
        let v: serde_json::Value =
            serde_json::from_str(&Imprint::new(dir.path()).args(["policies", b]).ok())
                .expect("builtin is JSON");
        assert_eq!(jstr(&v, "/name"), b);
    }
    Imprint::new(dir.path())
        .args(["policies", "nope"])
        .run()
        .expect_code(2);
}

#[test]
fn explain_vllm_shows_sources_and_skips() {
    let dir = tempdir();
    let out = Imprint::new(dir.path())
        .args(["explain", "--policy", "vllm", "--arch", "x86_64"])
        .ok();
    assert!(out.contains("build_commit"), "{out}");
    assert!(out.contains("skipped"), "{out}");
    assert!(out.contains("VLLM_BUILD_COMMIT"), "{out}");
}

/// A committed repository for the default policy.
fn default_repo() -> Repo {
    let repo = Repo::init();
    repo.write("src/main.c", "int main(void) { return 0; }\n");
    repo.commit_all("init");
    repo
}

fn derive_default(cwd: &Path, format: &str) -> String {
    Imprint::new(cwd)
        .args(["derive", "--policy", "default", "--format", format])
        .ok()
}

#[test]
fn every_format_works_for_the_default_policy() {
    let repo = default_repo();
    let version = format!("dev-{}", repo.short_n(12));
    let sha = repo.git(&["rev-parse", "HEAD"]);
    for f in common::output_formats() {
        derive_default(repo.path(), &f);
    }

    let json: serde_json::Value =
        serde_json::from_str(&derive_default(repo.path(), "json")).expect("json parses");
    assert_eq!(jstr(&json, "/values/version"), version);
    assert_eq!(jstr(&json, "/values/commit"), sha);

    let bake: serde_json::Value =
        serde_json::from_str(&derive_default(repo.path(), "bake")).expect("bake parses");
    let targets = bake["target"].as_object().expect("bake has targets");
    assert_eq!(targets.len(), 1, "{bake:#}");
    let (_, target) = targets.iter().next().expect("one target");
    assert_eq!(jstr(target, "/args/VERSION"), version);
    assert_eq!(jstr(target, "/args/REVISION"), sha);
    let tags = target["tags"].as_array().expect("tags");
    assert_eq!(tags.len(), 1);
    assert!(
        tags[0]
            .as_str()
            .expect("tag")
            .ends_with(&format!(":{version}")),
        "{bake:#}"
    );
    assert_eq!(
        jstr(target, "/labels/org.opencontainers.image.revision"),
        sha
    );

    let dotenv = derive_default(repo.path(), "dotenv");
    assert!(
        dotenv.lines().any(|l| l == format!("VERSION={version}")),
        "{dotenv}"
    );

    let shell = derive_default(repo.path(), "shell");
    assert!(
        shell.starts_with(&format!(
            "--build-arg VERSION={version} --build-arg REVISION={sha} --tag "
        )),
        "{shell}"
    );
    assert!(shell.ends_with(&format!(":{version} ")), "{shell:?}");
}

#[test]
fn default_policy_marks_a_dirty_tree() {
    let repo = default_repo();
    repo.write("new-file", "x\n");
    let json: serde_json::Value =
        serde_json::from_str(&derive_default(repo.path(), "json")).expect("json parses");
    assert_eq!(
        jstr(&json, "/values/version"),
        format!("dev-{}-dirty", repo.short_n(12))
    );
}

#[test]
fn default_policy_uses_an_exact_release_tag_on_a_clean_tree() {
    let repo = default_repo();
    repo.git(&["tag", "v1.2.3"]);
    repo.git(&["tag", "v1.10.0"]);
    repo.git(&["tag", "not-a-release"]);
    let json: serde_json::Value =
        serde_json::from_str(&derive_default(repo.path(), "json")).expect("json parses");
    assert_eq!(jstr(&json, "/values/version"), "1.10.0");
    // Dirty: the tag no longer describes the tree.
    repo.write("new-file", "x\n");
    let json: serde_json::Value =
        serde_json::from_str(&derive_default(repo.path(), "json")).expect("json parses");
    assert_eq!(
        jstr(&json, "/values/version"),
        format!("dev-{}-dirty", repo.short_n(12))
    );
}

/// Parses `$GITHUB_OUTPUT` text into name → value, asserting the heredoc
/// form for multi-line values.
fn parse_github(text: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delim)) = line.split_once("<<") {
            let mut body = Vec::new();
            loop {
                let l = lines
                    .next()
                    .unwrap_or_else(|| panic!("unterminated heredoc {delim}:\n{text}"));
                if l == delim {
                    break;
                }
                body.push(l);
            }
            out.push((name.to_owned(), body.join("\n"), true));
        } else {
            let (name, value) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("bad github line {line:?}"));
            out.push((name.to_owned(), value.to_owned(), false));
        }
    }
    out
}

#[test]
fn github_format_uses_heredoc_for_multi_line_values() {
    let repo = default_repo();
    let version = format!("dev-{}", repo.short_n(12));
    let sha = repo.git(&["rev-parse", "HEAD"]);
    let gh = parse_github(&derive_default(repo.path(), "github"));
    let find = |n: &str| {
        gh.iter()
            .find(|(name, _, _)| name == n)
            .unwrap_or_else(|| panic!("no {n} in {gh:?}"))
            .clone()
    };
    assert_eq!(find("version"), ("version".into(), version.clone(), false));
    assert_eq!(
        find("build_args"),
        (
            "build_args".into(),
            format!("VERSION={version}\nREVISION={sha}"),
            true
        )
    );

    // A multi-line value from the environment (in no list: a list item with
    // a line break is an error, see established.rs).
    let dir = tempdir();
    let url = "line one\nline two";
    let policy = write(
        dir.path(),
        "p.json",
        r#"{ "name": "p", "values": { "build_url": { "from": [{ "env": "VLLM_BUILD_URL" }] } } }"#,
    );
    let text = Imprint::new(dir.path())
        .args(["derive", "--format", "github", "--policy"])
        .arg_path(&policy)
        .env("VLLM_BUILD_URL", url)
        .ok();
    let gh = parse_github(&text);
    let (_, value, heredoc) = gh
        .iter()
        .find(|(n, _, _)| n == "build_url")
        .unwrap_or_else(|| panic!("no build_url in {text}"))
        .clone();
    assert!(heredoc, "{text}");
    assert_eq!(value, url);
    assert!(!text.contains("build_url=line one"), "{text}");
}

#[test]
fn json_output_carries_nasty_values_exactly() {
    let dir = tempdir();
    let nasty = "a 'b' \"c\" $HOME $(x) `y` * ? [a] \\ \t\nz\n";
    let v = Imprint::new(dir.path())
        .args(["derive", "--policy", "vllm", "--format", "json"])
        .env("VLLM_BUILD_URL", nasty)
        .json();
    assert_eq!(jstr(&v, "/values/build_url"), nasty);
    let bake: serde_json::Value = serde_json::from_str(
        &Imprint::new(dir.path())
            .args(["derive", "--policy", "vllm", "--format", "bake"])
            .env("VLLM_BUILD_URL", nasty)
            .ok(),
    )
    .expect("bake parses");
    assert_eq!(
        jstr(&bake, "/target/vllm-openai/args/VLLM_BUILD_URL"),
        nasty
    );
}

/// `validate` takes several policies (pre-commit passes every matching
/// file): each is checked, the valid ones are said valid, each invalid one
/// gets its own error, and the exit status is 2 when any is invalid.
#[test]
fn validate_checks_every_policy_it_is_given() {
    let dir = tempdir();
    write(
        dir.path(),
        "a.json",
        r#"{ "name": "a", "values": { "v": { "default": "x" } } }"#,
    );
    write(dir.path(), "b.json", r#"{ "name": "b", "valuez": {} }"#);
    write(
        dir.path(),
        "c.json",
        r#"{ "name": "c", "values": { "v": { "default": "y" } } }"#,
    );
    let r = Imprint::new(dir.path())
        .args(["validate", "./a.json", "./b.json", "./c.json"])
        .run();
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert_eq!(r.stdout, "policy `a` is valid\npolicy `c` is valid\n");
    assert!(
        r.stderr
            .starts_with("imprint: error: invalid policy `./b.json`: 2 problems\n"),
        "{r:#?}"
    );
    assert_eq!(r.stderr.matches("imprint: error:").count(), 1, "{r:#?}");
    let ok = Imprint::new(dir.path())
        .args(["validate", "-p", "vllm", "./a.json"])
        .run();
    assert_eq!(
        (ok.code, ok.stdout.as_str()),
        (Some(0), "policy `vllm` is valid\npolicy `a` is valid\n")
    );
    let none = Imprint::new(dir.path()).args(["validate"]).run();
    assert_eq!(none.code, Some(2), "{none:#?}");
    assert!(none.stderr.contains("required"), "{none:#?}");
}

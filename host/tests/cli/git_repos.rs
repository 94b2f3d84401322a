//! The `airunway` and `obol-stack` policies against real temporary git
//! repositories. Expected values come from the upstream specification
//! (`upstream-behaviour.md` sections (b) and (c)) and from git itself.

// Helpers outside `#[test]` functions fail the test by panicking, as the
// tests themselves do (clippy.toml allows it only inside `#[test]`).

use crate::common;

use common::{git, jstr, mode, tempdir, write, Imprint, Repo};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------
// AIRunway (spec section (c)): SHIM_VERSION ?= dev-$(GIT_SHA)$(GIT_DIRTY)
// ---------------------------------------------------------------------------

const DYNAMO_MODULE: &str = "github.com/kaito-project/airunway/providers/dynamo";

/// Lays out an AIRunway checkout under `root`: `versions.env` at the top and
/// `providers/{dynamo,llmd,kaito}` with their go.mod files.
fn airunway_tree(root: &Path) -> PathBuf {
    write(
        root,
        "versions.env",
        "DYNAMO_VERSION=1.1.1\nLLMD_VERSION=0.6.0\nVLLM_VERSION=cu130-nightly\n",
    );
    for p in ["dynamo", "llmd", "kaito"] {
        write(
            root,
            &format!("providers/{p}/go.mod"),
            &format!("module github.com/kaito-project/airunway/providers/{p}\n\ngo 1.24\n"),
        );
        write(
            root,
            &format!("providers/{p}/config.go"),
            "package main\n\nvar shimVersion = \"dev\"\n",
        );
    }
    write(root, "README.md", "airunway\n");
    root.join("providers/dynamo")
}

/// A committed, clean AIRunway repository; returns it and the dynamo dir.
fn airunway_repo() -> (Repo, PathBuf) {
    let repo = Repo::init();
    let provider = airunway_tree(repo.path());
    repo.commit_all("init");
    assert!(repo.is_clean());
    (repo, provider)
}

/// `imprint derive --policy airunway --arg provider=dynamo --format ldflags`
/// run from the provider directory.
fn dynamo_ldflags(provider: &Path) -> Imprint {
    Imprint::new(provider).args([
        "derive",
        "--policy",
        "airunway",
        "--arg",
        "provider=dynamo",
        "--format",
        "ldflags",
    ])
}

/// The dynamo provider's linker flags for a shim version (spec: LDFLAGS).
fn dynamo_flags(shim: &str) -> String {
    format!("-X {DYNAMO_MODULE}.DynamoVersion=1.1.1 -X {DYNAMO_MODULE}.shimVersion={shim}\n")
}

#[test]
fn airunway_clean_repo_is_dev_short_sha() {
    let (repo, provider) = airunway_repo();
    let sha = repo.short();
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags(&format!("dev-{sha}"))
    );
}

#[test]
fn airunway_clean_repo_json_and_repo_flag() {
    let (repo, provider) = airunway_repo();
    let shim = format!("dev-{}", repo.short());
    // --repo from a directory that is not a repository at all.
    let elsewhere = tempdir();
    let v = Imprint::new(elsewhere.path())
        .args(["derive", "--policy", "airunway", "--arg", "provider=dynamo"])
        .opt("--repo", &provider)
        .args(["--format", "json"])
        .json();
    assert_eq!(jstr(&v, "/values/shim_version"), shim);
    assert_eq!(
        jstr(&v, "/values/provider_version"),
        format!("dynamo-provider:{shim}")
    );
    assert_eq!(jstr(&v, "/values/module"), DYNAMO_MODULE);
    let flags: Vec<(String, String)> = v["ldflags"]
        .as_array()
        .expect("ldflags array")
        .iter()
        .map(|f| (jstr(f, "/symbol").to_owned(), jstr(f, "/value").to_owned()))
        .collect();
    assert_eq!(
        flags,
        vec![
            (format!("{DYNAMO_MODULE}.DynamoVersion"), "1.1.1".to_owned()),
            (format!("{DYNAMO_MODULE}.shimVersion"), shim.clone()),
        ]
    );
    let args: Vec<(String, String)> = v["build_args"]
        .as_array()
        .expect("build_args array")
        .iter()
        .map(|f| (jstr(f, "/name").to_owned(), jstr(f, "/value").to_owned()))
        .collect();
    assert!(
        args.contains(&("SHIM_VERSION".to_owned(), shim.clone())),
        "{args:?}"
    );
    // And the ldflags format through --repo gives the same bytes.
    let out = Imprint::new(elsewhere.path())
        .args(["derive", "--policy", "airunway", "--arg", "provider=dynamo"])
        .opt("--repo", &provider)
        .args(["--format", "ldflags"])
        .ok();
    assert_eq!(out, dynamo_flags(&shim));
}

#[test]
fn airunway_relative_repo_flag_from_the_root() {
    // As in `imprint --help`: --repo providers/dynamo from the repo root.
    let (repo, _provider) = airunway_repo();
    let out = Imprint::new(repo.path())
        .args(["derive", "--policy", "airunway", "--arg", "provider=dynamo"])
        .args(["--repo", "providers/dynamo", "--format", "ldflags"])
        .ok();
    assert_eq!(out, dynamo_flags(&format!("dev-{}", repo.short())));
}

#[test]
fn airunway_other_providers_ldflags() {
    let (repo, dynamo) = airunway_repo();
    let shim = format!("dev-{}", repo.short());
    let providers = dynamo.parent().expect("providers dir");
    let llmd_mod = "github.com/kaito-project/airunway/providers/llmd";
    let out = Imprint::new(&providers.join("llmd"))
        .args([
            "derive",
            "-p",
            "airunway",
            "--arg",
            "provider=llmd",
            "-f",
            "ldflags",
        ])
        .ok();
    assert_eq!(
        out,
        format!(
            "-X {llmd_mod}.LLMDSchedulerImage=ghcr.io/llm-d/llm-d-inference-scheduler:v0.6.0 \
             -X {llmd_mod}.shimVersion={shim}\n"
        )
    );
    let kaito_mod = "github.com/kaito-project/airunway/providers/kaito";
    let out = Imprint::new(&providers.join("kaito"))
        .args([
            "derive",
            "-p",
            "airunway",
            "--arg",
            "provider=kaito",
            "-f",
            "ldflags",
        ])
        .ok();
    assert_eq!(out, format!("-X {kaito_mod}.shimVersion={shim}\n"));
}

#[test]
fn airunway_modified_tracked_file_is_dirty() {
    let (repo, provider) = airunway_repo();
    let sha = repo.short();
    repo.write("README.md", "changed\n");
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags(&format!("dev-{sha}-dirty"))
    );
}

#[test]
fn airunway_change_outside_provider_dir_is_dirty() {
    // The dirty check is repo-wide (A1): a deleted file at the top counts.
    let (repo, provider) = airunway_repo();
    let sha = repo.short();
    std::fs::remove_file(repo.path().join("README.md")).expect("rm");
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags(&format!("dev-{sha}-dirty"))
    );
}

#[test]
fn airunway_staged_only_is_dirty() {
    let (repo, provider) = airunway_repo();
    let sha = repo.short();
    repo.write("README.md", "staged\n");
    repo.git(&["add", "README.md"]);
    // Nothing unstaged: the work tree matches the index.
    assert!(repo.git(&["diff", "--name-only"]).is_empty());
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags(&format!("dev-{sha}-dirty"))
    );
}

#[test]
fn airunway_untracked_only_is_dirty() {
    let (repo, provider) = airunway_repo();
    let sha = repo.short();
    repo.write("docs/notes.txt", "untracked\n");
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags(&format!("dev-{sha}-dirty"))
    );
}

#[test]
fn airunway_ignored_only_is_clean() {
    let repo = Repo::init();
    let provider = airunway_tree(repo.path());
    repo.write(".gitignore", "*.log\nbin/\n");
    repo.commit_all("init");
    repo.write("build.log", "ignored\n");
    repo.write("providers/dynamo/bin/provider", "ignored binary\n");
    // An empty directory does not count either.
    std::fs::create_dir_all(repo.path().join("empty/dir")).expect("mkdir");
    assert!(repo.is_clean(), "the fixture must be clean for git");
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags(&format!("dev-{}", repo.short()))
    );
}

#[test]
fn airunway_untracked_ignored_when_status_hides_them() {
    // Spec (c): untracked files stop counting with status.showUntrackedFiles=no.
    let (repo, provider) = airunway_repo();
    repo.git(&["config", "status.showUntrackedFiles", "no"]);
    repo.write("stray.txt", "untracked\n");
    assert!(repo.is_clean());
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags(&format!("dev-{}", repo.short()))
    );
}

#[test]
fn airunway_not_a_repo_is_dev_unknown() {
    // A source tarball: no checkout bounds the files the policy reads, so
    // `../../versions.env` needs `--root` (issue 11: files stay inside the
    // repository); without it the error says so.
    let dir = tempdir();
    let provider = airunway_tree(dir.path());
    assert_eq!(
        dynamo_ldflags(&provider).opt("--root", dir.path()).ok(),
        dynamo_flags("dev-unknown")
    );
    let r = dynamo_ldflags(&provider).run().expect_code(2);
    assert!(
        r.stderr.contains("outside the repository") && r.stderr.contains("--root"),
        "{r:#?}"
    );
}

#[test]
fn airunway_unborn_branch_with_files_is_dev_unknown_dirty() {
    let repo = Repo::init();
    let provider = airunway_tree(repo.path());
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags("dev-unknown-dirty")
    );
}

#[test]
fn airunway_detached_head_uses_checked_out_commit() {
    let (repo, provider) = airunway_repo();
    let first = repo.short();
    repo.write("README.md", "second\n");
    repo.commit_all("second");
    let second = repo.short();
    assert_ne!(first, second);
    repo.git(&["checkout", "-q", "--detach", "HEAD~1"]);
    assert_eq!(repo.short(), first);
    assert!(repo.is_clean());
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags(&format!("dev-{first}"))
    );
}

#[test]
fn airunway_honours_core_abbrev() {
    let (repo, provider) = airunway_repo();
    repo.git(&["config", "core.abbrev", "12"]);
    let sha = repo.short();
    assert_eq!(sha.len(), 12, "git itself gives 12 characters: {sha}");
    assert!(repo.is_clean());
    assert_eq!(
        dynamo_ldflags(&provider).ok(),
        dynamo_flags(&format!("dev-{sha}"))
    );
}

#[test]
fn airunway_git_missing_in_a_checkout_fails() {
    // Issue 11: a checkout whose git facts cannot be read is not a source
    // tarball; `dev-unknown` would misstate the build.
    let (_repo, provider) = airunway_repo();
    let empty_bin = tempdir();
    // BIN is an absolute path, so the binary is found without PATH.
    assert!(Path::new(common::BIN).is_absolute());
    let r = dynamo_ldflags(&provider)
        .env("PATH", empty_bin.path())
        .run()
        .expect_code(2);
    assert!(r.stdout.is_empty(), "{r:#?}");
    assert!(r.stderr.contains("git is not on PATH"), "{r:#?}");
}

#[test]
fn airunway_shim_version_env_override() {
    let (repo, provider) = airunway_repo();
    repo.write("untracked", "x\n"); // dirty does not matter to an override
    assert_eq!(
        dynamo_ldflags(&provider).env("SHIM_VERSION", "v0.3.0").ok(),
        dynamo_flags("v0.3.0")
    );
    let v = Imprint::new(&provider)
        .args([
            "derive",
            "-p",
            "airunway",
            "--arg",
            "provider=dynamo",
            "-f",
            "json",
        ])
        .env("SHIM_VERSION", "v0.3.0")
        .json();
    assert_eq!(jstr(&v, "/values/shim_version"), "v0.3.0");
    assert_eq!(
        jstr(&v, "/values/provider_version"),
        "dynamo-provider:v0.3.0"
    );
}

#[test]
fn airunway_shim_version_arg_override() {
    let (_repo, provider) = airunway_repo();
    assert_eq!(
        dynamo_ldflags(&provider)
            .args(["--arg", "shim_version=v9.9.9-citest"])
            .ok(),
        dynamo_flags("v9.9.9-citest")
    );
}

#[test]
fn airunway_empty_shim_version_env_is_an_error() {
    let (_repo, provider) = airunway_repo();
    let r = dynamo_ldflags(&provider)
        .env("SHIM_VERSION", "")
        .run()
        .expect_code(2);
    assert!(r.stdout.is_empty(), "no output on error: {r:#?}");
    assert!(r.stderr.contains("shim_version"), "{r:#?}");
}

#[test]
fn airunway_empty_shim_version_arg_is_an_error() {
    // A3: `make SHIM_VERSION=` is accepted upstream; imprint refuses.
    let (_repo, provider) = airunway_repo();
    let r = dynamo_ldflags(&provider)
        .args(["--arg", "shim_version="])
        .run()
        .expect_code(2);
    assert!(r.stdout.is_empty(), "{r:#?}");
    assert!(r.stderr.contains("shim_version"), "{r:#?}");
}

#[test]
fn airunway_arg_wins_over_env() {
    let (_repo, provider) = airunway_repo();
    assert_eq!(
        dynamo_ldflags(&provider)
            .env("SHIM_VERSION", "v0.3.0")
            .args(["--arg", "shim_version=v9.9.9-citest"])
            .ok(),
        dynamo_flags("v9.9.9-citest")
    );
}

#[test]
fn airunway_missing_provider_arg_is_an_error() {
    let (_repo, provider) = airunway_repo();
    let r = Imprint::new(&provider)
        .args(["derive", "--policy", "airunway", "--format", "ldflags"])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("provider"), "{r:#?}");
}

#[test]
fn airunway_whitespace_shim_version_env_is_an_error() {
    // Whitespace-only counts as empty (A3 and the Dockerfile guard).
    let (_repo, provider) = airunway_repo();
    let r = dynamo_ldflags(&provider)
        .env("SHIM_VERSION", " ")
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("shim_version"), "{r:#?}");
}

#[test]
fn airunway_missing_go_mod_is_an_error() {
    let (repo, provider) = airunway_repo();
    std::fs::remove_file(provider.join("go.mod")).expect("rm go.mod");
    repo.commit_all("drop go.mod");
    let r = dynamo_ldflags(&provider).run().expect_code(2);
    assert!(r.stdout.is_empty(), "{r:#?}");
    assert!(r.stderr.contains("module"), "{r:#?}");
}

// ---------------------------------------------------------------------------
// obol-stack (spec section (b)): DevImageTag() = dev-<rev-parse --short=12>
// ---------------------------------------------------------------------------

/// The five locally built image bases, in upstream order.
const OBOL_BASES: [&str; 5] = [
    "ghcr.io/obolnetwork/x402-verifier",
    "ghcr.io/obolnetwork/serviceoffer-controller",
    "ghcr.io/obolnetwork/x402-buyer",
    "ghcr.io/obolnetwork/demo-server",
    "ghcr.io/obolnetwork/obol-stack-public-storefront",
];

fn obol_repo() -> Repo {
    let repo = Repo::init();
    repo.write("go.mod", "module github.com/ObolNetwork/obol-stack\n");
    repo.write("internal/embed/defaults/values.yaml", "x: 1\n");
    repo.commit_all("init");
    repo
}

fn obol_json(cwd: &Path) -> serde_json::Value {
    Imprint::new(cwd)
        .args(["derive", "--policy", "obol-stack", "--format", "json"])
        .json()
}

fn dev_tag_of(v: &serde_json::Value) -> String {
    jstr(v, "/values/dev_tag").to_owned()
}

fn tags_of(v: &serde_json::Value) -> Vec<String> {
    v["tags"]
        .as_array()
        .expect("tags array")
        .iter()
        .map(|t| t.as_str().expect("tag string").to_owned())
        .collect()
}

fn expected_tags(tag: &str) -> Vec<String> {
    OBOL_BASES.iter().map(|b| format!("{b}:{tag}")).collect()
}

#[test]
fn obol_clean_repo_is_dev_12_hex() {
    let repo = obol_repo();
    let sha = repo.short_n(12);
    assert_eq!(sha.len(), 12);
    let v = obol_json(repo.path());
    assert_eq!(dev_tag_of(&v), format!("dev-{sha}"));
    assert_eq!(tags_of(&v), expected_tags(&format!("dev-{sha}")));
}

#[test]
fn obol_dirty_repo_has_no_dirty_marker() {
    let repo = obol_repo();
    let sha = repo.short_n(12);
    repo.write("go.mod", "module changed\n"); // modified
    repo.write("staged.txt", "s\n");
    repo.git(&["add", "staged.txt"]); // staged
    repo.write("untracked.txt", "u\n"); // untracked
    assert!(!repo.is_clean());
    let v = obol_json(repo.path());
    assert_eq!(dev_tag_of(&v), format!("dev-{sha}"));
}

#[test]
fn obol_not_a_repo_is_latest() {
    let dir = tempdir();
    let v = obol_json(dir.path());
    assert_eq!(dev_tag_of(&v), "latest");
    assert_eq!(tags_of(&v), expected_tags("latest"));
}

#[test]
fn obol_unborn_head_is_latest() {
    let repo = Repo::init();
    repo.write("file", "x\n");
    assert_eq!(dev_tag_of(&obol_json(repo.path())), "latest");
}

#[test]
fn obol_core_abbrev_does_not_change_the_12_hex_tag() {
    let repo = obol_repo();
    let sha12 = repo.short_n(12);
    repo.git(&["config", "core.abbrev", "4"]);
    let default_short = repo.short();
    assert!(
        default_short.len() < 12,
        "core.abbrev took effect: {default_short}"
    );
    assert_eq!(repo.short_n(12), sha12);
    assert_eq!(dev_tag_of(&obol_json(repo.path())), format!("dev-{sha12}"));
}

#[test]
fn obol_tag_follows_the_working_directory() {
    // O1: the tag depends on the cwd, and a subdirectory of the repo works.
    let repo = obol_repo();
    let sub = repo.path().join("internal/embed");
    let sha = repo.short_n(12);
    assert_eq!(dev_tag_of(&obol_json(&sub)), format!("dev-{sha}"));
}

#[test]
fn obol_save_writes_tag_file_0600_without_newline() {
    let repo = obol_repo();
    let sha = repo.short_n(12);
    let cfg = tempdir();
    Imprint::new(repo.path())
        .args(["derive", "--policy", "obol-stack", "--save"])
        .args([cfg.path()])
        .ok();
    let file = cfg.path().join(".dev-image-tag");
    let content = std::fs::read(&file).expect("tag file written");
    assert_eq!(content, format!("dev-{sha}").into_bytes());
    assert_eq!(mode(&file), 0o600);
    // Nothing else is left behind (no temporary files).
    let names: Vec<_> = std::fs::read_dir(cfg.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from(".dev-image-tag")]);
}

#[test]
fn obol_save_to_missing_dir_is_an_error() {
    let repo = obol_repo();
    let cfg = tempdir();
    let missing = cfg.path().join("nope");
    Imprint::new(repo.path())
        .args(["derive", "--policy", "obol-stack", "--save"])
        .args([&missing])
        .run()
        .expect_code(2);
    assert!(!missing.exists());
}

#[test]
fn obol_load_uses_the_saved_tag() {
    let repo = obol_repo();
    let sha = repo.short_n(12);
    let cfg = tempdir();
    Imprint::new(repo.path())
        .args(["derive", "--policy", "obol-stack", "--save"])
        .args([cfg.path()])
        .ok();
    // Loaded from outside any repository, where deriving would give latest.
    let elsewhere = tempdir();
    let v = Imprint::new(elsewhere.path())
        .args([
            "derive",
            "--policy",
            "obol-stack",
            "--format",
            "json",
            "--load",
        ])
        .args([cfg.path()])
        .json();
    assert_eq!(dev_tag_of(&v), format!("dev-{sha}"));
    assert_eq!(tags_of(&v), expected_tags(&format!("dev-{sha}")));
}

#[test]
fn obol_load_of_empty_dir_is_latest() {
    // Run inside a repository: the missing file wins over git.
    let repo = obol_repo();
    let cfg = tempdir();
    let v = Imprint::new(repo.path())
        .args([
            "derive",
            "--policy",
            "obol-stack",
            "--format",
            "json",
            "--load",
        ])
        .args([cfg.path()])
        .json();
    assert_eq!(dev_tag_of(&v), "latest");
}

#[test]
fn obol_load_of_missing_dir_is_latest() {
    let repo = obol_repo();
    let cfg = tempdir();
    let v = Imprint::new(repo.path())
        .args([
            "derive",
            "--policy",
            "obol-stack",
            "--format",
            "json",
            "--load",
        ])
        .args([cfg.path().join("does-not-exist")])
        .json();
    assert_eq!(dev_tag_of(&v), "latest");
}

#[test]
fn obol_load_of_blank_file_is_latest() {
    let repo = obol_repo();
    let cfg = tempdir();
    write(cfg.path(), ".dev-image-tag", " \n\t\n");
    let v = Imprint::new(repo.path())
        .args([
            "derive",
            "--policy",
            "obol-stack",
            "--format",
            "json",
            "--load",
        ])
        .args([cfg.path()])
        .json();
    assert_eq!(dev_tag_of(&v), "latest");
}

#[test]
fn obol_load_trims_whitespace() {
    let cfg = tempdir();
    write(cfg.path(), ".dev-image-tag", "  dev-abc1234def56\n");
    let v = Imprint::new(cfg.path())
        .args([
            "derive",
            "--policy",
            "obol-stack",
            "--format",
            "json",
            "--load",
        ])
        .args([cfg.path()])
        .json();
    assert_eq!(dev_tag_of(&v), "dev-abc1234def56");
}

#[test]
fn obol_load_of_invalid_tag_is_an_error() {
    let cfg = tempdir();
    write(cfg.path(), ".dev-image-tag", "a b");
    let r = Imprint::new(cfg.path())
        .args(["derive", "--policy", "obol-stack", "--load"])
        .args([cfg.path()])
        .run()
        .expect_code(2);
    assert!(r.stdout.is_empty(), "{r:#?}");
    assert!(r.stderr.contains("dev_tag"), "{r:#?}");
}

#[test]
fn obol_git_dir_env_does_not_redirect() {
    // Spec (b) honours a GIT_DIR that is set; issue 11 (finding 16): a
    // variable must not make imprint read another repository than --repo.
    let repo = obol_repo();
    let other = obol_repo();
    other.write("more", "x\n");
    other.commit_all("second");
    assert_ne!(repo.short_n(12), other.short_n(12));
    assert_eq!(
        dev_tag_of(&obol_json(repo.path())),
        format!("dev-{}", repo.short_n(12))
    );
    let v = Imprint::new(repo.path())
        .args(["derive", "--policy", "obol-stack", "--format", "json"])
        .env("GIT_DIR", other.path().join(".git"))
        .json();
    assert_eq!(dev_tag_of(&v), format!("dev-{}", repo.short_n(12)));
}

#[test]
fn airunway_git_dir_env_does_not_redirect() {
    // Spec (c) follows GIT_DIR; issue 11 (finding 16): the stamp is that of
    // the checkout imprint runs in.
    let (repo, provider) = airunway_repo();
    let other = Repo::init();
    other.write("x", "1\n");
    other.commit_all("other");
    let out = dynamo_ldflags(&provider)
        .env("GIT_DIR", other.path().join(".git"))
        .env("GIT_WORK_TREE", other.path())
        .ok();
    assert_eq!(out, dynamo_flags(&format!("dev-{}", repo.short())));
}

#[test]
fn obol_sha256_repository_gives_12_hex() {
    let repo = tempdir();
    git(repo.path(), &["init", "-q", "--object-format=sha256"]);
    write(repo.path(), "f", "x\n");
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "init"]);
    let full = git(repo.path(), &["rev-parse", "HEAD"]);
    assert_eq!(full.len(), 64);
    let sha = git(repo.path(), &["rev-parse", "--short=12", "HEAD"]);
    assert_eq!(sha.len(), 12);
    assert_eq!(dev_tag_of(&obol_json(repo.path())), format!("dev-{sha}"));
}

#[test]
fn obol_linked_worktree_on_another_commit_gets_its_own_tag() {
    let repo = obol_repo();
    let first = repo.short_n(12);
    repo.write("more", "x\n");
    repo.commit_all("second");
    let second = repo.short_n(12);
    let holder = tempdir();
    let wt = holder.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "--detach",
        &wt.display().to_string(),
        "HEAD~1",
    ]);
    assert_eq!(dev_tag_of(&obol_json(&wt)), format!("dev-{first}"));
    assert_eq!(dev_tag_of(&obol_json(repo.path())), format!("dev-{second}"));
}

#[test]
fn obol_load_of_a_directory_fails() {
    // Spec (b) gives latest when the tag path is a directory; issue 11: a
    // file that exists but cannot be read is not a missing one, and
    // `latest` would misstate the build.
    let cfg = tempdir();
    std::fs::create_dir(cfg.path().join(".dev-image-tag")).expect("mkdir");
    let v = Imprint::new(cfg.path())
        .args([
            "derive",
            "--policy",
            "obol-stack",
            "--format",
            "json",
            "--load",
        ])
        .args([cfg.path()])
        .run()
        .expect_code(2);
    assert!(v.stderr.contains("not a regular file"), "{v:#?}");
}

#[test]
fn obol_load_trims_unicode_space_like_go() {
    // Go's strings.TrimSpace removes NBSP and NEL.
    let cfg = tempdir();
    write(
        cfg.path(),
        ".dev-image-tag",
        "\u{a0}\t dev-abc1234def56\u{85}\r\n",
    );
    let v = Imprint::new(cfg.path())
        .args([
            "derive",
            "--policy",
            "obol-stack",
            "--format",
            "json",
            "--load",
        ])
        .args([cfg.path()])
        .json();
    assert_eq!(dev_tag_of(&v), "dev-abc1234def56");
}

#[test]
fn obol_load_keeps_a_bom_and_rejects_it() {
    // Go's TrimSpace keeps a BOM; the value is then validated like any
    // other and a BOM is not a valid tag character.
    let cfg = tempdir();
    write(cfg.path(), ".dev-image-tag", "\u{feff}dev-abc1234def56\n");
    Imprint::new(cfg.path())
        .args(["derive", "--policy", "obol-stack", "--load"])
        .args([cfg.path()])
        .run()
        .expect_code(2);
}

#[test]
fn obol_load_of_multi_line_content_is_an_error() {
    let cfg = tempdir();
    write(
        cfg.path(),
        ".dev-image-tag",
        "dev-abc1234def56\nsecond line\n",
    );
    Imprint::new(cfg.path())
        .args(["derive", "--policy", "obol-stack", "--load"])
        .args([cfg.path()])
        .run()
        .expect_code(2);
}

/// The default policy's `created` is the commit's time when
/// SOURCE_DATE_EPOCH is unset: the same for every build of the commit,
/// never the clock (issue 14 #6).
#[test]
fn default_created_is_the_commit_time_without_source_date_epoch() {
    let repo = Repo::init();
    repo.write("a", "a");
    repo.commit_all("x");
    // git's own rendering of the committer time in UTC (the hermetic
    // environment has no TZ).
    let committed = repo.git(&[
        "show",
        "-s",
        "--format=%cd",
        "--date=iso-strict-local",
        "HEAD",
    ]);
    let want = Some(committed.replace("+00:00", "Z"));
    let run = || {
        Imprint::new(repo.path())
            .args(["derive", "--policy", "default", "--format", "json"])
            .json()
    };
    let first = run();
    assert_eq!(
        first["values"]["created"].as_str(),
        want.as_deref(),
        "{committed}"
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(run()["values"]["created"], first["values"]["created"]);
    let pinned = Imprint::new(repo.path())
        .args(["derive", "--policy", "default", "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .json();
    assert_eq!(pinned["values"]["created"], "2023-11-14T22:13:20Z");
}

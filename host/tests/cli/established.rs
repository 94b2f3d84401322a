//! imprint never claims more than it established (issue 11): every fact
//! that git, a file or a command could not establish where it should
//! exist fails the derivation with exit 2 and a message naming what failed
//! and how to fix it, and every output format says exactly what was
//! derived. One test per finding of the issue, each reproduced as CI runs
//! imprint: a one-commit repository with an annotated tag `v1.1.0` on HEAD.

use crate::common;

use common::{git, tempdir, write, write_script, Imprint, Repo, Run};
use std::path::Path;

/// A one-commit repository with an annotated `v1.1.0` on HEAD.
fn tagged() -> Repo {
    let repo = Repo::init();
    repo.write("README.md", "app\n");
    repo.commit_all("init");
    repo.git(&["tag", "-a", "v1.1.0", "-m", "v1.1.0"]);
    repo
}

fn derive(dir: &Path, format: &str) -> Imprint {
    Imprint::new(dir).args(["derive", "--policy", "default", "--format", format])
}

/// The CI variables of a GitHub Actions run for tag `v1.1.0`.
const GITHUB_TAG: &[(&str, &str)] = &[("GITHUB_REF_TYPE", "tag"), ("GITHUB_REF_NAME", "v1.1.0")];

fn refused(run: &Run, what: &str) {
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stdout.is_empty(), "nothing may be printed: {run:#?}");
    assert!(
        run.stderr.contains(what),
        "stderr should say `{what}`: {run:#?}"
    );
}

/// Whether this test runs as root (it can then hand a checkout to `nobody`).
fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
}

fn chown_tree(dir: &Path, owner: &str) {
    let ok = std::process::Command::new("chown")
        .args(["-R", owner])
        .arg(dir)
        .status()
        .expect("chown runs")
        .success();
    assert!(ok, "chown -R {owner} {}", dir.display());
}

/// Finding 1: a checkout owned by another user. git refuses it ("dubious
/// ownership"); imprint used to fall back to `dev-unknown`, and with the
/// CI's tag variables shipped a dirty tree as `VERSION=1.1.0`.
#[test]
fn a_checkout_git_refuses_fails_with_the_safe_directory_remedy() {
    if !is_root() {
        eprintln!("skipped: needs root to give the checkout to another user");
        return;
    }
    let repo = tagged();
    repo.write("dirty.txt", "uncommitted\n");
    chown_tree(repo.path(), "nobody");
    for env in [&[][..], GITHUB_TAG] {
        let run = derive(repo.path(), "json").envs(env).run();
        refused(&run, "dubious ownership");
        assert!(run.stderr.contains("safe.directory"), "{run:#?}");
    }
    let explain = Imprint::new(repo.path())
        .args(["explain", "--policy", "default"])
        .run();
    refused(&explain, "dubious ownership");
    // obol-stack's `latest` and airunway's `dev-unknown` are for trees that
    // are not checkouts, not for checkouts git refuses.
    let obol = Imprint::new(repo.path())
        .args(["derive", "--policy", "obol-stack"])
        .run();
    refused(&obol, "safe.directory");
    chown_tree(repo.path(), "root");
}

/// Finding 1: a `.git` file that points nowhere is a broken checkout, not
/// a source tarball.
#[test]
fn a_git_file_pointing_nowhere_fails() {
    let dir = tempdir();
    write(
        dir.path(),
        ".git",
        "gitdir: /nonexistent/imprint/worktree\n",
    );
    write(dir.path(), "README.md", "x\n");
    let run = derive(dir.path(), "json").run();
    refused(&run, "not a usable git repository");
}

/// Finding 1: no `git` on PATH inside a checkout.
#[test]
fn no_git_in_a_checkout_fails_and_outside_one_falls_back() {
    let repo = tagged();
    let bin = tempdir();
    // PATH with only what imprint itself needs (nothing): git is missing.
    let run = derive(repo.path(), "json").env("PATH", bin.path()).run();
    refused(&run, "git is not on PATH");
    // A directory that is not a checkout keeps the documented fallback.
    let plain = tempdir();
    let out = derive(plain.path(), "json").env("PATH", bin.path()).json();
    assert_eq!(common::jstr(&out, "/values/version"), "dev-unknown");
}

/// A directory that is not a checkout at all (a source tarball) still
/// derives, with the fallbacks.
#[test]
fn a_source_tarball_keeps_its_fallbacks() {
    let dir = tempdir();
    let out = derive(dir.path(), "json").json();
    assert_eq!(common::jstr(&out, "/values/version"), "dev-unknown");
    assert_eq!(common::jstr(&out, "/values/commit"), "unknown");
}

/// Finding 2: `git status` fails (a corrupt index) while HEAD resolves: a
/// dirty tree read as a clean release.
#[test]
fn a_failing_git_status_fails_the_derivation() {
    let repo = tagged();
    repo.write("README.md", "changed\n");
    std::fs::write(repo.path().join(".git/index"), b"DIRC garbage").unwrap();
    let run = derive(repo.path(), "json").envs(GITHUB_TAG).run();
    refused(&run, "git status");
}

/// Finding 3: with `core.quotePath=false`, a file name that is not UTF-8
/// made the whole `git status` output unreadable, and the tree clean.
#[test]
fn a_non_utf8_file_name_still_makes_the_tree_dirty() {
    use std::os::unix::ffi::OsStrExt;
    let repo = tagged();
    repo.git(&["config", "core.quotePath", "false"]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(repo.path().join(name), "x").unwrap();
    let out = derive(repo.path(), "json").json();
    let version = common::jstr(&out, "/values/version");
    assert!(version.ends_with("-dirty"), "{version}");
}

/// Finding 4: `v2.0.0-rc1` and `v2.0.0` on one commit: git's version sort
/// lists the candidate first; semver precedence puts the release first.
#[test]
fn the_release_outranks_its_candidate_on_one_commit() {
    let repo = tagged();
    repo.git(&["tag", "-a", "v2.0.0", "-m", "v2.0.0"]);
    repo.git(&["tag", "-a", "v2.0.0-rc1", "-m", "rc"]);
    let out = derive(repo.path(), "json").json();
    assert_eq!(common::jstr(&out, "/values/version"), "2.0.0");
}

/// Finding 5: HEAD one commit past `v1.1.0` while the CI says the build is
/// for tag `v1.1.0` (GitHub, GitLab, Buildkite), or for another commit.
#[test]
fn ci_variables_that_contradict_git_fail() {
    let repo = tagged();
    repo.write("next.txt", "next\n");
    let head = repo.commit_all("next");
    for env in [
        GITHUB_TAG,
        &[("CI_COMMIT_TAG", "v1.1.0")][..],
        &[("BUILDKITE_TAG", "v1.1.0")][..],
    ] {
        let run = derive(repo.path(), "json").envs(env).run();
        refused(&run, "does not point at HEAD");
        assert!(run.stderr.contains(&head), "names HEAD: {run:#?}");
        assert!(
            run.stderr.contains("[contradicts-git]") || run.stderr.contains("contradicts"),
            "{run:#?}"
        );
    }
    // On the tagged commit the CI's tag is the version.
    repo.git(&["checkout", "-q", "v1.1.0"]);
    let out = derive(repo.path(), "json").envs(GITHUB_TAG).json();
    assert_eq!(common::jstr(&out, "/values/version"), "1.1.0");
}

/// Finding 6: in `--format github`, a build arg holding a newline forged
/// another entry of the newline-separated `build_args` list.
#[test]
fn github_lists_cannot_be_forged() {
    let dir = tempdir();
    let run = Imprint::new(dir.path())
        .args(["derive", "--policy", "vllm", "--format", "github"])
        .envs(&[
            ("BUILDKITE", "1"),
            ("BUILDKITE_COMMIT", "abc"),
            ("VLLM_BUILD_URL", "x\nVLLM_BUILD_COMMIT=forged"),
        ])
        .run();
    refused(&run, "line break");
    assert!(run.stderr.contains("VLLM_BUILD_URL"), "{run:#?}");
}

/// Finding 7: the README's `docker build $(imprint derive …)`: a value with
/// a space was single-quoted, which an unquoted expansion does not
/// interpret, so it split into injected docker arguments. The `shell`
/// format now refuses such a word; `shell-quoted` carries it for `eval`.
#[test]
fn the_shell_format_is_safe_unquoted() {
    let dir = tempdir();
    let env: &[(&str, &str)] = &[
        ("BUILDKITE", "1"),
        ("BUILDKITE_COMMIT", "abc"),
        ("VLLM_BUILD_URL", "https://x/ --push -t evil/image"),
    ];
    let run = Imprint::new(dir.path())
        .args(["derive", "--policy", "vllm"])
        .envs(env)
        .run();
    refused(&run, "whitespace");
    assert!(
        run.stderr.contains("shell-quoted"),
        "offers the eval form: {run:#?}"
    );
    let glob = Imprint::new(dir.path())
        .args(["derive", "--policy", "vllm"])
        .envs(&[
            ("BUILDKITE", "1"),
            ("BUILDKITE_COMMIT", "abc"),
            ("VLLM_BUILD_URL", "x*"),
        ])
        .run();
    refused(&glob, "glob");
    // The eval form gives the value back as one word, in bash and sh.
    let imprint = common::BIN;
    let script = format!(
        "eval \"set -- $('{imprint}' derive --policy vllm --format shell-quoted)\"; printf '%s\\n' \"$6\""
    );
    for shell in ["sh", "bash"] {
        let mut cmd = std::process::Command::new(shell);
        common::hermetic(&mut cmd)
            .current_dir(dir.path())
            .args(["-c", &script]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("shell runs");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "VLLM_BUILD_URL=https://x/ --push -t evil/image\n",
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Output names that collide: dotenv upper-cases names (`version` and
/// `VERSION`), GitHub compares them without case, and a value named like
/// one of the github format's lists (`tags`) would shadow it.
#[test]
fn colliding_output_names_are_errors() {
    let dir = tempdir();
    let policy = write(
        dir.path(),
        "p.json",
        r#"{ "name": "p", "values": {
              "version": { "default": "1" }, "VERSION": { "default": "2" },
              "tags": { "default": "x" } } }"#,
    );
    for (format, what) in [
        ("dotenv", "`version` and `VERSION`"),
        ("github", "`version` and `VERSION`"),
    ] {
        let run = Imprint::new(dir.path())
            .args(["derive", "--format", format, "--policy"])
            .arg_path(&policy)
            .run();
        refused(&run, what);
    }
    let policy = write(
        dir.path(),
        "q.json",
        r#"{ "name": "q", "values": { "tags": { "default": "x" } } }"#,
    );
    let run = Imprint::new(dir.path())
        .args(["derive", "--format", "github", "--policy"])
        .arg_path(&policy)
        .run();
    refused(&run, "`tags` and `tags`");
}

/// Go's -ldflags splitter takes quotes inside a word literally, so
/// `a'b"c` is passed as it is (it used to be refused).
#[test]
fn ldflags_carry_quotes_inside_a_word() {
    let dir = tempdir();
    let policy = write(
        dir.path(),
        "p.json",
        r#"{ "name": "p", "values": { "v": { "from": [{ "env": "V" }] } },
             "outputs": { "ldflags": [{ "symbol": "main.v", "value": "{v}" }] } }"#,
    );
    let out = Imprint::new(dir.path())
        .args(["derive", "--format", "ldflags", "--policy"])
        .arg_path(&policy)
        .env("V", "a'b\"c")
        .ok();
    assert_eq!(out, "-X main.v=a'b\"c\n");
}

/// Finding 15: a policy's `file` may not climb out of the repository,
/// neither with `..` nor through a symbolic link.
#[test]
fn files_stay_inside_the_repository() {
    let dir = tempdir();
    let policy = write(
        dir.path(),
        "p.json",
        r#"{ "name": "p", "values": { "v": { "from": [{ "file": "../../../../proc/self/environ" }] } } }"#,
    );
    let run = Imprint::new(dir.path())
        .args(["derive", "--policy"])
        .arg_path(&policy)
        .env("SECRET_TOKEN", "hunter2")
        .run();
    refused(&run, "outside the repository");
    assert!(!run.stderr.contains("hunter2"), "{run:#?}");
    // Inside a checkout, `..` may reach the top level (airunway reads
    // `../../versions.env` from a provider directory), and no further.
    let repo = tagged();
    repo.write("versions.env", "V=1.2.3\n");
    let sub = repo.path().join("providers/x");
    std::fs::create_dir_all(&sub).unwrap();
    let up = write(
        dir.path(),
        "up.json",
        r#"{ "name": "up", "values": { "v": { "from": [{ "file": "../../versions.env", "read": "dotenv", "key": "V" }] } } }"#,
    );
    let out = Imprint::new(&sub)
        .args(["derive", "--format", "json", "--policy"])
        .arg_path(&up)
        .json();
    assert_eq!(common::jstr(&out, "/values/v"), "1.2.3");
    // A checkout inside a directory that holds a file beside it.
    let holder = tempdir();
    write(holder.path(), "versions.env", "V=9.9.9\n");
    let inner = holder.path().join("repo");
    std::fs::create_dir(&inner).unwrap();
    git(&inner, &["init", "-q"]);
    let beside = write(
        dir.path(),
        "beside.json",
        r#"{ "name": "beside", "values": { "v": { "from": [{ "file": "../versions.env", "read": "dotenv", "key": "V" }], "default": "none" } } }"#,
    );
    let out = Imprint::new(&inner)
        .args(["derive", "--format", "json", "--policy"])
        .arg_path(&beside)
        .run();
    refused(&out, "outside the repository");
    // `--root` widens the bound on purpose.
    let out = Imprint::new(&inner)
        .args(["derive", "--format", "json", "--policy"])
        .arg_path(&beside)
        .opt("--root", holder.path())
        .json();
    assert_eq!(common::jstr(&out, "/values/v"), "9.9.9");
    let repo = tempdir();
    std::os::unix::fs::symlink("/proc/self/environ", repo.path().join("VERSION")).unwrap();
    let policy = write(
        dir.path(),
        "q.json",
        r#"{ "name": "q", "values": { "v": { "from": [{ "file": "VERSION" }], "default": "none" } } }"#,
    );
    // The message names the resolved /proc/PID: each CLI its own.
    let run = Imprint::new(repo.path())
        .native_only()
        .args(["derive", "--format", "json", "--policy"])
        .arg_path(&policy)
        .env("SECRET_TOKEN", "hunter2")
        .run();
    refused(&run, "outside the repository");
    assert!(!run.stderr.contains("hunter2"), "{run:#?}");
}

/// A file the policy reads that exists but cannot be read fails the
/// derivation instead of taking the fallback; a missing one falls back.
#[test]
fn an_unreadable_file_fails_and_a_missing_one_falls_back() {
    let repo = tempdir();
    let policy = write(
        repo.path(),
        "p.json",
        r#"{ "name": "p", "values": { "v": { "from": [{ "file": "VERSION", "read": "trim" }], "default": "dev" } } }"#,
    );
    let run_with = |dir: &Path| {
        Imprint::new(dir)
            .args(["derive", "--format", "json", "--policy"])
            .arg_path(&policy)
            .run()
    };
    let out = run_with(repo.path()).expect_code(0);
    assert!(out.stdout.contains("\"v\": \"dev\""), "{out:#?}");
    std::fs::create_dir(repo.path().join("VERSION")).unwrap();
    refused(&run_with(repo.path()), "not a regular file");
    std::fs::remove_dir(repo.path().join("VERSION")).unwrap();
    std::fs::write(repo.path().join("VERSION"), b"\xff\xfe1.0").unwrap();
    refused(&run_with(repo.path()), "not UTF-8");
}

/// Finding 16: an empty element in `PATH` made imprint run the
/// repository's own `./git` (it changed to `--repo` before the lookup).
#[test]
fn a_git_planted_in_the_repository_is_never_run() {
    let repo = tagged();
    let marker = repo.path().join("planted-git-ran");
    write_script(
        &repo.path().join("git"),
        &format!("#!/bin/sh\ntouch '{}'\necho forged\n", marker.display()),
    );
    let path = format!(":{}", common::host_path());
    let out = derive(repo.path(), "json").env("PATH", &path).run();
    assert!(!marker.exists(), "the planted ./git ran: {out:#?}");
    // An allowed command is looked up the same way.
    let dir = tempdir();
    write_script(
        &dir.path().join("buildkite-agent"),
        &format!("#!/bin/sh\ntouch '{}'\necho 9.9.9\n", marker.display()),
    );
    let run = Imprint::new(dir.path())
        .args([
            "derive",
            "--policy",
            "vllm",
            "--allow-command",
            "buildkite-agent",
        ])
        .envs(&[
            ("BUILDKITE", "1"),
            ("BUILDKITE_COMMIT", "abc"),
            ("PATH", &path),
        ])
        .run();
    assert!(
        !marker.exists(),
        "the planted ./buildkite-agent ran: {run:#?}"
    );
}

/// Finding 16: `GIT_DIR` and `GIT_WORK_TREE` in the environment used to
/// override `--repo`, reading another repository's facts.
#[test]
fn git_variables_do_not_redirect_the_repository() {
    let repo = tagged();
    let other = Repo::init();
    other.write("x", "y\n");
    let other_sha = other.commit_all("other");
    let sha = repo.git(&["rev-parse", "HEAD"]);
    let out = derive(repo.path(), "json")
        .env("GIT_DIR", other.path().join(".git"))
        .env("GIT_WORK_TREE", other.path())
        .json();
    assert_eq!(common::jstr(&out, "/values/commit"), sha);
    assert_ne!(sha, other_sha);
}

/// Finding 18: credentials in a remote URL (any scheme, a password with
/// `@`) never reach the `source` label.
#[test]
fn remote_credentials_are_removed_for_every_scheme() {
    let repo = tagged();
    for (url, want) in [
        (
            "ssh://user:pw@git.example.com/org/app.git",
            "ssh://git.example.com/org/app.git",
        ),
        (
            "https://user:p@ss@example.com/org/app.git",
            "https://example.com/org/app.git",
        ),
        (
            "https://token@example.com/org/app.git",
            "https://example.com/org/app.git",
        ),
    ] {
        let _ = std::process::Command::new("git")
            .current_dir(repo.path())
            .args(["remote", "remove", "origin"])
            .output();
        git(repo.path(), &["remote", "add", "origin", url]);
        let out = derive(repo.path(), "json").json();
        assert_eq!(common::jstr(&out, "/values/source"), want, "{url}");
    }
}

/// Runs the vllm policy in CI mode with a fake `buildkite-agent` running
/// `body`, allowed, with a 0.5 s timeout.
fn with_agent(cwd: &Path, body: &str) -> Run {
    let bin = tempdir();
    write_script(
        &bin.path().join("buildkite-agent"),
        &format!("#!/bin/sh\n{body}\n"),
    );
    let path = format!("{}:{}", bin.path().display(), common::host_path());
    Imprint::new(cwd)
        .args([
            "derive",
            "--policy",
            "vllm",
            "--allow-command",
            "buildkite-agent",
        ])
        .args(["--command-timeout", "0.5"])
        .envs(&[
            ("BUILDKITE", "1"),
            ("BUILDKITE_COMMIT", "abc"),
            ("PATH", &path),
        ])
        .run()
}

/// An allowed command that hangs fails the derivation: its answer was
/// needed and is unknown (it used to fall back to the commit, naming a
/// release after it).
#[test]
fn a_command_that_times_out_fails_the_derivation() {
    let dir = tempdir();
    refused(
        &with_agent(dir.path(), "sleep 30"),
        "did not finish in time",
    );
}

/// A process an allowed command started in a new session (`setsid`) left
/// the command's process group, and outlived the timeout that killed the
/// group. It is now found and killed too.
#[test]
fn a_setsid_child_does_not_outlive_the_timeout() {
    if !std::path::Path::new("/usr/bin/setsid").exists() {
        eprintln!("skipped: no setsid on this machine");
        return;
    }
    let dir = tempdir();
    let pidfile = dir.path().join("escaped.pid");
    let run = with_agent(
        dir.path(),
        &format!(
            "setsid sh -c 'echo $$ > \"{}\"; exec sleep 60' </dev/null >/dev/null 2>&1 &\nsleep 60",
            pidfile.display()
        ),
    );
    refused(&run, "did not finish in time");
    let pid = std::fs::read_to_string(&pidfile).expect("the escaped child wrote its pid");
    let alive = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).is_ok_and(|s| {
            !s.rsplit_once(')')
                .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
        })
    };
    let start = std::time::Instant::now();
    while alive(&pid) && start.elapsed() < std::time::Duration::from_secs(2) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let still = alive(&pid);
    if still {
        let _ = std::process::Command::new("kill")
            .args(["-9", pid.trim()])
            .status();
    }
    assert!(
        !still,
        "the setsid child {} outlived the timeout",
        pid.trim()
    );
}

//! `imprint metadata` and `imprint import metadata-action` as a user runs
//! them: in a plain checkout, with GitLab's and Buildkite's variables, with
//! time zones the system knows and does not know, and a workflow imported
//! into a policy that then gives the same tags.

use crate::common::{tempdir, write, Imprint, Repo};

const TAGS: &str = "type=ref,event=branch\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha";

fn tagged_repo() -> (Repo, String) {
    let repo = Repo::init();
    repo.write("a", "a");
    let sha = repo.commit_all("one");
    repo.git(&["tag", "v1.2.3"]);
    (repo, sha)
}

#[test]
fn a_plain_checkout_tagged_v1_2_3_gives_the_release_tags() {
    let (repo, sha) = tagged_repo();
    let out = Imprint::new(repo.path())
        .args([
            "metadata",
            "--images",
            "ghcr.io/example/app",
            "--tags",
            TAGS,
        ])
        .ok();
    let short = &sha[..7];
    assert_eq!(
        out,
        format!(
            "ghcr.io/example/app:1.2.3\nghcr.io/example/app:1.2\nghcr.io/example/app:sha-{short}\nghcr.io/example/app:latest\n"
        )
    );
}

#[test]
fn gitlab_and_buildkite_variables_give_the_same_tags_as_the_checkout() {
    let (repo, sha) = tagged_repo();
    let checkout = Imprint::new(repo.path())
        .args(["metadata", "--tags", TAGS])
        .ok();
    let gitlab = Imprint::new(repo.path())
        .args(["metadata", "--tags", TAGS])
        .envs(&[
            ("GITLAB_CI", "true"),
            ("CI_COMMIT_TAG", "v1.2.3"),
            ("CI_COMMIT_SHA", &sha),
        ])
        .ok();
    let buildkite = Imprint::new(repo.path())
        .args(["metadata", "--tags", TAGS])
        .envs(&[
            ("BUILDKITE", "true"),
            ("BUILDKITE_TAG", "v1.2.3"),
            ("BUILDKITE_BRANCH", "v1.2.3"),
            ("BUILDKITE_COMMIT", &sha),
        ])
        .ok();
    assert_eq!(checkout, gitlab);
    assert_eq!(checkout, buildkite);
    // A GitLab branch pipeline is a branch build, whatever tags HEAD has.
    let branch = Imprint::new(repo.path())
        .args(["metadata", "--tags", TAGS])
        .envs(&[
            ("GITLAB_CI", "true"),
            ("CI_COMMIT_BRANCH", "feature/x"),
            ("CI_COMMIT_SHA", &sha),
        ])
        .ok();
    assert_eq!(branch, format!("feature-x\nsha-{}\n", &sha[..7]));
}

#[test]
fn source_date_epoch_is_the_build_time_and_zones_come_from_the_system() {
    let (repo, _) = tagged_repo();
    let out = Imprint::new(repo.path())
        .args([
            "metadata",
            "--tags",
            "type=raw,value={{date 'YYYYMMDD-HHmm'}}\ntype=raw,value=jst-{{date 'HHmm' tz='Asia/Tokyo'}}",
            "--format",
            "json",
        ])
        .env("SOURCE_DATE_EPOCH", "1578616200")
        .ok();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["tag-names"],
        serde_json::json!(["20200110-0030", "jst-0930"])
    );
    assert_eq!(
        v["labels"]["org.opencontainers.image.created"],
        "2020-01-10T00:30:00.000Z"
    );
    let bad = Imprint::new(repo.path())
        .args([
            "metadata",
            "--tags",
            "type=raw,value={{date 'YYYY' tz='Mars/Olympus'}}",
        ])
        .run()
        .expect_code(2);
    assert!(
        bad.stderr.contains("unknown time zone `Mars/Olympus`"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_bad_tag_line_names_the_line_and_exits_2() {
    let (repo, _) = tagged_repo();
    let r = Imprint::new(repo.path())
        .args(["metadata", "--tags", "type=semver"])
        .run()
        .expect_code(2);
    assert!(
        r.stderr
            .contains("Missing pattern attribute for type=semver"),
        "{}",
        r.stderr
    );
    // A tag Docker refuses is an error, not output.
    let r = Imprint::new(repo.path())
        .args(["metadata", "--tags", "type=raw,value=.hidden"])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("not a valid image tag"), "{}", r.stderr);
}

#[test]
fn a_checkout_git_refuses_fails_outside_a_ci() {
    let dir = tempdir();
    std::fs::write(dir.path().join(".git"), "gitdir: /nonexistent\n").unwrap();
    let r = Imprint::new(dir.path())
        .args(["metadata", "--tags", "type=sha"])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("git fact `sha`"), "{}", r.stderr);
}

const WORKFLOW: &str = "name: docker\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - id: meta\n        uses: docker/metadata-action@v6\n        with:\n          images: ${{ env.REGISTRY }}/example/app\n          tags: |\n            type=ref,event=branch\n            type=semver,pattern={{version}}\n            type=semver,pattern={{major}}.{{minor}}\n            type=sha\n";

#[test]
fn an_imported_workflow_step_gives_the_same_tags_as_its_inputs() {
    let (repo, _) = tagged_repo();
    let wf = write(repo.path(), "docker.yml", WORKFLOW);
    let r = Imprint::new(repo.path())
        .args(["import", "metadata-action"])
        .arg_path(&wf)
        .run()
        .expect_code(2);
    assert!(
        r.stderr.contains("--set env.REGISTRY=VALUE"),
        "{}",
        r.stderr
    );
    let policy = Imprint::new(repo.path())
        .args(["import", "metadata-action"])
        .arg_path(&wf)
        .args(["--set", "env.REGISTRY=ghcr.io"])
        .ok();
    let p = write(repo.path(), "image.json", &policy);
    let from_policy = Imprint::new(repo.path())
        .args(["metadata", "--policy"])
        .arg_path(&p)
        .ok();
    let from_inputs = Imprint::new(repo.path())
        .args([
            "metadata",
            "--images",
            "ghcr.io/example/app",
            "--tags",
            TAGS,
        ])
        .ok();
    assert_eq!(from_policy, from_inputs);
    assert!(
        from_policy.starts_with("ghcr.io/example/app:1.2.3\n"),
        "{from_policy}"
    );
    let r = Imprint::new(repo.path())
        .args(["import", "metadata-action"])
        .arg_path(&wf)
        .args(["--step", "nope"])
        .run()
        .expect_code(2);
    assert!(
        r.stderr
            .contains("has no docker/metadata-action step `nope`"),
        "{}",
        r.stderr
    );
}

#[test]
fn explain_shows_what_each_tag_rule_gave_or_why_not() {
    let (repo, sha) = tagged_repo();
    let p = write(
        repo.path(),
        "image.json",
        r#"{"name": "image", "values": {}, "metadata_action": {"tags": "type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=sha"}}"#,
    );
    let out = Imprint::new(repo.path())
        .args(["explain", "--policy"])
        .arg_path(&p)
        .ok();
    let short = &sha[..7];
    assert!(
        out.ends_with(&format!(
            "metadata_action (docker/metadata-action's tag rules, in the order they ran):\ntype=semver,pattern={{{{version}}}}\n  -> 1.2.3\ntype=ref,event=branch\n  -> nothing: not a branch\ntype=ref,event=pr\n  -> nothing: not a pull request\ntype=sha\n  -> sha-{short}\nversion 1.2.3, latest true (from git)\n"
        )),
        "{out}"
    );
}

#[test]
fn a_github_event_path_that_names_nothing_is_an_error() {
    let (repo, _) = tagged_repo();
    let r = Imprint::new(repo.path())
        .args(["metadata", "--tags", "type=ref,event=branch"])
        .envs(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REF", "refs/heads/main"),
            ("GITHUB_EVENT_PATH", "/nonexistent/event.json"),
        ])
        .run()
        .expect_code(2);
    assert!(
        r.stderr
            .contains("GITHUB_EVENT_PATH names /nonexistent/event.json, which does not exist"),
        "{}",
        r.stderr
    );
}

/// A broken `origin/HEAD` (git: "No such ref", exit 128) is a default branch
/// git could not establish: outside CI the run fails naming it, where it
/// used to read as "no default branch".
#[test]
fn a_broken_origin_head_fails_rather_than_reading_as_no_default_branch() {
    let (repo, _) = tagged_repo();
    repo.write(".git/refs/remotes/origin/HEAD", "garbage\n");
    let run = Imprint::new(repo.path())
        .args([
            "metadata",
            "--images",
            "ghcr.io/example/app",
            "--tags",
            TAGS,
        ])
        .run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(
        run.stderr.contains(
            "git fact `default_branch`: `git symbolic-ref -q refs/remotes/origin/HEAD` failed"
        ),
        "{run:#?}"
    );
}

/// `origin/HEAD` names `origin/main`, and a local branch is also called
/// `origin/main` (so `git symbolic-ref --short` prints
/// `remotes/origin/main`): the default branch is still `main`. An
/// `origin/HEAD` naming another remote's branch establishes no default
/// branch of `origin`: the run fails, naming what git said.
#[test]
fn the_default_branch_is_read_from_the_full_ref_name() {
    // A branch build (no tag on HEAD).
    let repo = Repo::init();
    repo.write("a", "a");
    repo.commit_all("one");
    repo.git(&["checkout", "-q", "-B", "main"]);
    repo.git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    repo.git(&[
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/main",
    ]);
    repo.git(&["branch", "origin/main"]);
    // The premise: the short name is qualified.
    let short = repo.git(&["symbolic-ref", "--short", "refs/remotes/origin/HEAD"]);
    assert_eq!(short, "remotes/origin/main");
    let on_default = "type=raw,value=on-default,enable={{is_default_branch}}";
    let out = Imprint::new(repo.path())
        .args(["metadata", "--tags", on_default])
        .ok();
    assert_eq!(out, "on-default\n");

    repo.git(&["update-ref", "refs/remotes/upstream/main", "HEAD"]);
    repo.git(&[
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/upstream/main",
    ]);
    let run = Imprint::new(repo.path())
        .args(["metadata", "--tags", on_default])
        .run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(
        run.stderr
            .contains("names `refs/remotes/upstream/main`, not a ref under `refs/remotes/origin/`"),
        "{run:#?}"
    );
}

//! `imprint check` and `imprint describe` on SLSA provenance (issue 17):
//! the real BuildKit v0.2 document in a combined document, with labels that
//! agree and labels that state another commit; a verified (remote git
//! context) record that the labels contradict fails with exit 1; bad and
//! hostile documents exit 2 naming the path.

use crate::common;

use common::{tempdir, write, Imprint};
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/provenance")
        .join(rel)
}

fn text(rel: &str) -> String {
    std::fs::read_to_string(data(rel)).expect("test data")
}

/// The commit of the real fixture (its `vcs.revision`).
const RECORDED: &str = "4fd60a300d9b30291020e757c306dfa0b5419f08";
const ANOTHER: &str = "0123456789abcdef0123456789abcdef01234567";

/// The test data file `rel` with its revision label changed to
/// [`ANOTHER`], written as `combined.json` in `dir`.
fn with_other_commit(dir: &Path, rel: &str) -> PathBuf {
    let text = text(rel);
    let label = format!("\"org.opencontainers.image.revision\": \"{RECORDED}\"");
    assert!(
        text.contains(&label),
        "the test data has the revision label"
    );
    let changed = text.replace(
        &label,
        &format!("\"org.opencontainers.image.revision\": \"{ANOTHER}\""),
    );
    write(dir, "combined.json", &changed)
}

/// `agree`'s message when the revision label is [`ANOTHER`] and the
/// provenance fact `fact` is [`RECORDED`]: it names both records.
fn disagreement(fact: &str) -> String {
    format!(
        "`label:org.opencontainers.image.revision` = `{ANOTHER}` does not agree with \
         `field:{fact}` = `{RECORDED}`"
    )
}

#[test]
fn the_real_record_with_agreeing_labels_passes() {
    let dir = tempdir();
    let out = Imprint::new(dir.path())
        .args(["check", "--policy", "default"])
        .arg_path(data("security-scan.combined.json"))
        .ok();
    assert!(out.contains("0 errors, 0 warnings in 1 artifact"), "{out}");
}

#[test]
fn the_real_record_with_labels_stating_another_commit_names_both_records() {
    let dir = tempdir();
    let f = with_other_commit(dir.path(), "security-scan.combined.json");
    // The real document's only git record is the client's vcs hint (a local
    // context): a revision label that contradicts it fails the check, and
    // the finding says which record, and that it is a hint.
    let run = Imprint::new(dir.path())
        .args(["check", "--policy", "default"])
        .arg_path(&f)
        .run();
    assert_eq!(run.code, Some(1), "{run:#?}");
    let out = run.stdout;
    assert!(out.contains("error   revision-agrees-with-client"), "{out}");
    assert!(out.contains("a hint BuildKit does not verify"), "{out}");
    assert!(
        out.contains(&disagreement("provenance.hint.revision")),
        "{out}"
    );
    assert!(out.contains("1 error, 0 warnings in 1 artifact"), "{out}");
}

#[test]
fn a_verified_record_the_labels_contradict_fails_with_exit_1() {
    let dir = tempdir();
    let f = with_other_commit(dir.path(), "synthetic-remote-git.slsa-v1.combined.json");
    let r = Imprint::new(dir.path())
        .args(["check", "--policy", "default"])
        .arg_path(&f)
        .run()
        .expect_code(1);
    let both = disagreement("provenance.verified.revision");
    assert_eq!(r.stdout.matches(&both).count(), 2, "{}", r.stdout);
    assert!(
        r.stdout.contains("error   revision-agrees-with-builder"),
        "{}",
        r.stdout
    );
    // Each platform's image is at its provenance key's line.
    assert!(r.stdout.contains("combined.json:36)"), "{}", r.stdout);
    assert!(r.stdout.contains("combined.json:77)"), "{}", r.stdout);
    assert!(
        r.stdout.contains("4 errors, 0 warnings in 2 artifacts"),
        "{}",
        r.stdout
    );
}

#[test]
fn describe_shows_the_record_and_whether_it_agrees() {
    let dir = tempdir();
    let f = with_other_commit(dir.path(), "security-scan.combined.json");
    let out = Imprint::new(dir.path())
        .args([
            "describe",
            "ghcr.io/pjbgf/security-scan:v0.0.6",
            "--labels-from",
        ])
        .arg_path(&f)
        .ok();
    assert!(
        out.contains(&format!(
            "provenance revision {RECORDED} (client hint, not verified by BuildKit): DISAGREES \
             with commit"
        )),
        "{out}"
    );
    assert!(
        out.contains("provenance source https://github.com/pjbgf/security-scan (client hint, not verified by BuildKit): agrees with source"),
        "{out}"
    );
}

#[test]
fn bad_and_hostile_documents_exit_2_naming_the_path() {
    let dir = tempdir();
    let bad = write(
        dir.path(),
        "bad.json",
        r#"{"SLSA": {"buildType": "x", "invocation": {"configSource": {"uri": 7}}}}"#,
    );
    let r = Imprint::new(dir.path())
        .args(["check", "--policy", "default", "--kind", "provenance"])
        .arg_path(&bad)
        .run()
        .expect_code(2);
    assert!(
        r.stderr.contains(
            "bad.json:1: `SLSA.invocation.configSource.uri` is not a string (it is a number)"
        ),
        "{}",
        r.stderr
    );
    for (file, says) in [
        ("hostile-long-revision.json", "is longer than 64 KiB"),
        ("hostile-many-build-args.json", "more than 1000 build args"),
        ("hostile-many-platforms.json", "more than 256"),
    ] {
        let r = Imprint::new(dir.path())
            .args(["check", "--policy", "default"])
            .arg_path(data(file))
            .run()
            .expect_code(2);
        assert!(r.stderr.contains(says), "{file}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{file}: {}", r.stdout);
    }
    let deep = write(
        dir.path(),
        "deep.json",
        &format!("{}1{}", "{\"SLSA\":".repeat(200), "}".repeat(200)),
    );
    let r = Imprint::new(dir.path())
        .args(["check", "--policy", "default"])
        .arg_path(&deep)
        .run()
        .expect_code(2);
    assert!(
        r.stderr.contains("recursion limit exceeded"),
        "{}",
        r.stderr
    );
}

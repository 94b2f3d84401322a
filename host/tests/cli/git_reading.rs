//! How imprint reads git: the facts about `HEAD`'s commit come from one
//! `git show` (what `git rev-parse --short` and `git show --format=%ct`
//! print, whatever the repository's configuration), and reading never
//! writes to the repository.

use crate::common;

use common::{git, tempdir, write, Imprint, Repo};
use std::path::Path;

/// A policy deriving every commit fact: git's own abbreviation, two fixed
/// lengths (two `git show` runs) and the commit time.
const COMMIT_FACTS: &str = r#"{
  "imprint": 1,
  "name": "commit-facts",
  "values": {
    "short": { "from": [{ "git": "short" }] },
    "short5": { "from": [{ "git": "short", "length": 5 }] },
    "short12": { "from": [{ "git": "short", "length": 12 }] },
    "time": { "from": [{ "git": "commit_time" }] }
  }
}"#;

fn commit_facts(repo: &Path) -> serde_json::Value {
    let holder = tempdir();
    let policy = write(holder.path(), "p.json", COMMIT_FACTS);
    let out = Imprint::new(repo)
        .args(["derive", "--format", "json", "--policy"])
        .arg_path(&policy)
        .json();
    out["values"].clone()
}

/// `imprint derive --policy default` in `repo` fails (exit 2, nothing on
/// stdout), its message saying `says`.
fn default_policy_fails_saying(repo: &Path, says: &str) {
    let run = Imprint::new(repo)
        .args(["derive", "--policy", "default"])
        .run()
        .expect_code(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(run.stderr.contains(says), "{run:#?}");
}

fn one_commit() -> Repo {
    let repo = Repo::init();
    repo.write("f", "x\n");
    repo.commit_all("init");
    repo
}

#[test]
fn commit_facts_are_what_rev_parse_and_show_print() {
    let repo = one_commit();
    // git's own length comes from core.abbrev.
    repo.git(&["config", "core.abbrev", "9"]);
    let v = commit_facts(repo.path());
    assert_eq!(v["short"], repo.short());
    assert_eq!(repo.short().len(), 9);
    assert_eq!(v["short5"], repo.short_n(5));
    assert_eq!(v["short12"], repo.short_n(12));
    assert_eq!(v["time"], repo.git(&["show", "-s", "--format=%ct", "HEAD"]));
}

/// With `log.showSignature`, `git show` prints a signed commit's signature
/// check on stdout before the format: the commit time must still be the
/// time, not "Good signature …".
#[test]
fn a_signed_commit_with_show_signature_still_gives_the_commit_time() {
    let repo = Repo::init();
    let keys = tempdir();
    let key = keys.path().join("key");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen runs (Debian's openssh-client)");
    assert!(made.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = write(keys.path(), "allowed", &format!("t@example.com {public}"));
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.git(&["config", "user.signingkey", &key.display().to_string()]);
    repo.git(&[
        "config",
        "gpg.ssh.allowedSignersFile",
        &allowed.display().to_string(),
    ]);
    repo.write("f", "x\n");
    repo.git(&["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-S", "-m", "signed"]);
    // The time as git prints it before signatures are shown.
    let time = repo.git(&["show", "-s", "--format=%ct", "HEAD"]);
    repo.git(&["config", "log.showSignature", "true"]);
    // The premise: git now prints the signature first.
    let shown = repo.git(&["show", "-s", "--format=%ct", "HEAD"]);
    assert!(shown.contains("signature"), "{shown}");
    let v = commit_facts(repo.path());
    assert_eq!(v["time"], time);
    assert_eq!(v["short12"], repo.short_n(12));
}

/// `git status` stores the index it refreshed when it may take the index
/// lock; imprint only reads (a user's `git commit` at the same moment would
/// fail on `index.lock`).
#[test]
fn deriving_does_not_write_the_index() {
    let repo = one_commit();
    let index = repo.path().join(".git/index");
    // A changed modification time makes git refresh the entry.
    let touched = std::process::Command::new("touch")
        .args(["-d", "2001-01-01 00:00:00"])
        .arg(repo.path().join("f"))
        .status()
        .expect("touch runs");
    assert!(touched.success());
    let before = std::fs::read(&index).unwrap();
    let dirty = Imprint::new(repo.path())
        .args(["derive", "--policy", "default", "--format", "json"])
        .json()["values"]["dirty"]
        .clone();
    assert_eq!(dirty, "", "only the time changed: the tree is clean");
    assert_eq!(
        std::fs::read(&index).unwrap(),
        before,
        "the index was rewritten"
    );
    // The premise: a plain `git status` does rewrite it.
    repo.git(&["status", "--porcelain"]);
    assert_ne!(std::fs::read(&index).unwrap(), before);
}

/// Tag names that git accepts, with the bytes patterns care about.
const TAG_NAMES: &[&str] = &[
    "v1.0.0",
    "v1.10.0",
    "v2.0.0-rc1",
    "v1.0.0+build.5",
    "V3",
    "version-1",
    "1.0",
    "latest",
    "release/1.0",
    "release/a/b",
    "a-b",
    "a_b",
    "a+b",
    "a]b",
    "a!b",
    "a{b}",
    "a#b",
    "a,b",
    "a=b",
    "a'b",
    "a(b)",
    "x",
    "é1",
];

/// Patterns: stars, questions, escapes, sets (negated, ranges, `]` and `-`
/// as members, classes) and malformed ones.
const PATTERNS: &[&str] = &[
    "*",
    "v*",
    "v[0-9]*",
    "v[!0-9]*",
    "v[^0-9]*",
    "V*",
    "[vV]*",
    "*.0",
    "*rc*",
    "v?.*",
    "v??.*",
    "release/*",
    "release/*/b",
    "*/b",
    "**",
    "**/b",
    "a?b",
    "a[]]b",
    "a[!]]b",
    "a[-+]b",
    "a[+-]b",
    "a[!-]b",
    "a[_-z]b",
    "a[z-a]b",
    "[[:alpha:]]*",
    "[[:digit:]]*",
    "*[[:upper:]]*",
    "[[:punct:]]*",
    "a[[:punct:]]b",
    "[[:alnum:]][[:punct:]][[:alnum:]]",
    "[[:xdigit:]]*",
    "[[:lower:]]",
    "[[:graph:]]*",
    "[[:print:]]*",
    "[[:space:]]*",
    "[[:blank:]]*",
    "[[:cntrl:]]*",
    "[[:nope:]]*",
    "v[0-9",
    "[",
    "[]",
    "[!]",
    "\\v*",
    "v\\1*",
    "[\\]]*",
    "a[\\]]b",
    "[[:]*",
    "[[:]]*",
    "[a-]*",
    "[-a]*",
    "é*",
    "?1",
    "??1",
    "*\\",
    "a[[:punct:]b",
    "*[",
    "[[:digit:]",
    "a[!a-z]b",
    "[!a-z]*",
    "*1*",
    "v1.*.0",
    "*.*.*",
    "x",
    "x*",
    "*x",
    "a[b]",
    "a{b}",
    "a[{]b}",
    "[[:ab]*",
    "[[:x]]",
];

/// The host lists the tags on `HEAD` once and picks each pattern's in
/// process: for every pattern, exactly what `git tag --points-at HEAD
/// --list <pattern>` prints.
#[test]
fn tag_patterns_pick_what_git_tag_list_picks() {
    let repo = one_commit();
    for name in TAG_NAMES {
        repo.git(&["tag", name]);
    }
    // Tags elsewhere must not count.
    repo.write("g", "y\n");
    repo.commit_all("second");
    repo.git(&["tag", "v9.9.9"]);
    repo.git(&["checkout", "-q", "HEAD~1"]);
    let all = format!("{}\n", repo.git(&["tag", "--points-at", "HEAD"]));
    assert!(!all.contains("v9.9.9"));
    let mut differ = Vec::new();
    for pattern in PATTERNS {
        let listed = repo.git(&["tag", "--points-at", "HEAD", "--list", pattern]);
        let listed = if listed.is_empty() {
            listed
        } else {
            format!("{listed}\n")
        };
        let picked = imprint_core::tags_matching(&all, pattern);
        if picked != listed {
            differ.push(format!("{pattern:?}: git {listed:?}, imprint {picked:?}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// `column.ui=always` makes `git tag` print its list in columns, several
/// names on a line: the highest tag must still be found.
#[test]
fn column_ui_always_does_not_join_the_tags() {
    let repo = one_commit();
    repo.git(&["tag", "v1.0.0"]);
    repo.git(&["tag", "v1.1.0"]);
    repo.git(&["config", "column.ui", "always"]);
    // The premise: git joins them.
    assert_eq!(repo.git(&["tag", "--points-at", "HEAD"]).lines().count(), 1);
    let v = Imprint::new(repo.path())
        .args(["derive", "--policy", "default", "--format", "json"])
        .json();
    assert_eq!(v["values"]["version"], "1.1.0", "{v:#}");
}

/// The tags on HEAD are listed once; each tag fact keeps only its
/// pattern's (the default policy's `v[0-9]*`): `9.9.9` ranks higher but
/// does not match.
#[test]
fn a_tag_outside_the_pattern_does_not_count() {
    let repo = one_commit();
    repo.git(&["tag", "v1.0.0"]);
    repo.git(&["tag", "9.9.9"]);
    let v = Imprint::new(repo.path())
        .args(["derive", "--policy", "default", "--format", "json"])
        .json();
    assert_eq!(v["values"]["release_tag"], "v1.0.0", "{v:#}");
    assert_eq!(v["values"]["version"], "1.0.0", "{v:#}");
}

/// More tags on HEAD than imprint reads (1 MiB of names): the list would be
/// cut, and a cut list reads as a shorter one (here without `v9.9.9`, the
/// highest, last in git's order), so the fact fails instead.
#[test]
fn a_tag_list_past_the_output_limit_fails_rather_than_being_cut() {
    let repo = one_commit();
    let head = repo.git(&["rev-parse", "HEAD"]);
    let segment = "x".repeat(200);
    let long: String = (0..15).map(|i| format!("/{i}{segment}")).collect();
    // Written as git's packed-refs file (sorted by name): thousands of
    // deep loose refs take git seconds to create and pack.
    let mut names: Vec<String> = (0..360)
        .map(|i| format!("refs/tags/v1.0.0-{i:03}{long}"))
        .collect();
    names.push("refs/tags/v9.9.9".to_owned());
    names.sort();
    let mut packed = String::from("# pack-refs with: peeled fully-peeled sorted \n");
    for name in &names {
        packed.push_str(&format!("{head} {name}\n"));
    }
    std::fs::write(repo.path().join(".git/packed-refs"), packed).unwrap();
    // The premise: git prints more than 1 MiB, `v9.9.9` last.
    let listed = repo.git(&["tag", "--points-at", "HEAD"]);
    assert!(listed.len() > 1 << 20 && listed.ends_with("v9.9.9"));
    default_policy_fails_saying(repo.path(), "printed more than 1048576 bytes");
}

/// A tag with the branch's name makes `git symbolic-ref --short HEAD`
/// print `heads/NAME`: the branch fact is still the branch git is on.
#[test]
fn a_tag_named_like_the_branch_does_not_change_the_branch() {
    let repo = one_commit();
    let branch = repo.git(&["branch", "--show-current"]);
    repo.git(&["tag", &branch]);
    // The premise: the short name is qualified.
    let short = repo.git(&["symbolic-ref", "--short", "HEAD"]);
    assert_eq!(short, format!("heads/{branch}"));
    let holder = tempdir();
    let policy = write(
        holder.path(),
        "p.json",
        r#"{"name": "b", "values": {"branch": {"from": [{"git": "branch"}]}}}"#,
    );
    let v = Imprint::new(repo.path())
        .args(["derive", "--format", "json", "--policy"])
        .arg_path(&policy)
        .json();
    assert_eq!(v["values"]["branch"], branch.as_str(), "{v:#}");
}

/// A tag name that is not UTF-8 on HEAD: imprint cannot read the tag list
/// without changing a name, so the tag facts fail (as a command source's
/// output that is not UTF-8 does) rather than matching altered names.
#[cfg(unix)]
#[test]
fn a_tag_name_that_is_not_utf8_fails_the_tag_facts() {
    use std::os::unix::ffi::OsStrExt;
    let repo = one_commit();
    repo.git(&["tag", "v1.0.0"]);
    let made = std::process::Command::new("git")
        .arg("tag")
        .arg(std::ffi::OsStr::from_bytes(b"v2.0.0-\xff"))
        .current_dir(repo.path())
        .status()
        .unwrap();
    assert!(made.success());
    // The premise: git lists the name's bytes as they are.
    let listed = std::process::Command::new("git")
        .args(["tag", "--points-at", "HEAD"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(listed.stdout.ends_with(b"v2.0.0-\xff\n"), "{listed:?}");
    default_policy_fails_saying(repo.path(), "printed text that is not UTF-8");
}

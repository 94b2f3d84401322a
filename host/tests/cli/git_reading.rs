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
    repo.git(&["config", "log.showSignature", "true"]);
    // The premise: git does print the signature first.
    let shown = repo.git(&["show", "-s", "--format=%ct", "HEAD"]);
    assert!(shown.contains("signature"), "{shown}");
    let time = repo.git(&["show", "-s", "--no-show-signature", "--format=%ct", "HEAD"]);
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

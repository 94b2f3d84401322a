//! The `shell-quoted` format survives `eval "set -- $(imprint derive …)"`
//! with every word intact (spec (a), quirks V1/V2: imprint's output is
//! shell-safe), and the `shell` format keeps upstream's byte layout for
//! well-formed values (a value the unquoted form would split or glob is
//! refused there: established.rs).

// Helpers outside `#[test]` functions fail the test by panicking, as the
// tests themselves do (clippy.toml allows it only inside `#[test]`).

use crate::common;

use common::{hermetic, tempdir, Imprint, BIN};
use std::path::Path;
use std::process::Command;

/// Values that break an unquoted `$(…)` expansion or a naive quoter.
const NASTY: &[&str] = &[
    "two words",
    "it's",
    "say \"hi\"",
    "$HOME",
    "$(echo pwned)",
    "`echo pwned`",
    "*",
    "?",
    "[a]",
    "back\\slash\\\\",
    "tab\there",
    "line1\nline2",
    "trailing newline\n",
    "",
    "  ",
    "'",
    "\"",
    "\\",
    "a\\'b",
    "'\"'\"",
    "-- --tag evil",
    "ünïcödé ✓",
    "mixed 'single' \"double\" $HOME $(echo pwned) `echo pwned` * ? [a] \\ \t end\n",
];

/// Runs `script` with `shell -c` in `cwd`, hermetically, with `$IMPRINT`
/// naming the binary and `vars` set; its stdout (it must succeed).
fn run_script(shell: &str, cwd: &Path, script: &str, vars: &[(&str, &str)]) -> Vec<u8> {
    let mut cmd = Command::new(shell);
    hermetic(&mut cmd)
        .current_dir(cwd)
        .env("IMPRINT", BIN)
        .args(["-c", script])
        .envs(vars.iter().copied());
    let out = cmd.output().expect("the shell runs");
    assert!(
        out.status.success(),
        "{shell} failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `imprint derive --policy vllm` under bash, evals its output into
/// `"$@"` and returns the words (NUL-separated by printf).
fn eval_words(cwd: &Path, vars: &[(&str, &str)]) -> Vec<String> {
    let script = r#"out=$("$IMPRINT" derive --policy vllm --format shell-quoted) || exit 3
eval "set -- $out"
printf '%s\0' "$@""#;
    let text = String::from_utf8(run_script("bash", cwd, script, vars)).expect("UTF-8 words");
    let mut words: Vec<String> = text.split('\0').map(str::to_owned).collect();
    assert_eq!(words.pop().as_deref(), Some(""), "NUL-terminated: {text:?}");
    words
}

/// What upstream's `${VLLM_BUILD_*:-…}` gives for a value (empty means
/// unset), in the shell format's word order.
fn expected_words(commit: &str, pipeline: &str, url: &str) -> Vec<String> {
    let commit = if commit.is_empty() { "unknown" } else { commit };
    let pipeline = if pipeline.is_empty() {
        "local"
    } else {
        pipeline
    };
    vec![
        "--build-arg".into(),
        format!("VLLM_BUILD_COMMIT={commit}"),
        "--build-arg".into(),
        format!("VLLM_BUILD_PIPELINE={pipeline}"),
        "--build-arg".into(),
        format!("VLLM_BUILD_URL={url}"),
        "--build-arg".into(),
        "VLLM_IMAGE_TAG=local/vllm-openai:dev".into(),
        "--tag".into(),
        "local/vllm-openai:dev".into(),
    ]
}

/// A working directory where pathname expansion would visibly change words.
fn glob_trap() -> tempfile::TempDir {
    let dir = tempdir();
    for name in ["a", "*", "b c", "pwned"] {
        std::fs::write(dir.path().join(name), "").expect("create trap file");
    }
    dir
}

#[test]
fn nasty_values_survive_eval_word_for_word() {
    let cwd = glob_trap();
    let n = NASTY.len();
    for i in 0..n {
        let (commit, pipeline, url) = (NASTY[i], NASTY[(i + 1) % n], NASTY[(i + 2) % n]);
        let words = eval_words(
            cwd.path(),
            &[
                ("VLLM_BUILD_COMMIT", commit),
                ("VLLM_BUILD_PIPELINE", pipeline),
                ("VLLM_BUILD_URL", url),
            ],
        );
        assert_eq!(
            words,
            expected_words(commit, pipeline, url),
            "commit={commit:?} pipeline={pipeline:?} url={url:?}"
        );
    }
}

#[test]
fn each_nasty_value_in_each_position() {
    let cwd = glob_trap();
    for v in NASTY {
        for pos in 0..3 {
            let mut vals = ["c0ffee", "pipe", "https://ci.example/b/1?x=1#f"];
            vals[pos] = v;
            let words = eval_words(
                cwd.path(),
                &[
                    ("VLLM_BUILD_COMMIT", vals[0]),
                    ("VLLM_BUILD_PIPELINE", vals[1]),
                    ("VLLM_BUILD_URL", vals[2]),
                ],
            );
            assert_eq!(
                words,
                expected_words(vals[0], vals[1], vals[2]),
                "value {v:?} at position {pos}"
            );
        }
    }
}

#[test]
fn all_empty_values_fall_back_like_upstream() {
    let cwd = glob_trap();
    let words = eval_words(
        cwd.path(),
        &[
            ("VLLM_BUILD_COMMIT", ""),
            ("VLLM_BUILD_PIPELINE", ""),
            ("VLLM_BUILD_URL", ""),
        ],
    );
    assert_eq!(words, expected_words("", "", ""));
    // Same as not setting them at all.
    assert_eq!(eval_words(cwd.path(), &[]), expected_words("", "", ""));
}

#[test]
fn well_formed_output_has_upstream_byte_layout() {
    let cwd = tempdir();
    let out = Imprint::new(cwd.path())
        .args(["derive", "--policy", "vllm"])
        .ok();
    assert_eq!(
        out,
        "--build-arg VLLM_BUILD_COMMIT=unknown --build-arg VLLM_BUILD_PIPELINE=local \
         --build-arg VLLM_BUILD_URL= --build-arg VLLM_IMAGE_TAG=local/vllm-openai:dev \
         --tag local/vllm-openai:dev "
    );
}

#[test]
fn well_formed_overrides_are_not_quoted() {
    // Upstream inserts values raw; for values free of shell metacharacters
    // imprint's bytes are the same.
    let cwd = tempdir();
    let out = Imprint::new(cwd.path())
        .args(["derive", "--policy", "vllm"])
        .envs(&[
            ("VLLM_BUILD_COMMIT", "localsha"),
            ("VLLM_BUILD_PIPELINE", "local-pipeline"),
            ("VLLM_BUILD_URL", "https://buildkite.example/local"),
            ("VLLM_IMAGE_TAG", "local/test:dev"),
        ])
        .ok();
    assert_eq!(
        out,
        "--build-arg VLLM_BUILD_COMMIT=localsha --build-arg VLLM_BUILD_PIPELINE=local-pipeline \
         --build-arg VLLM_BUILD_URL=https://buildkite.example/local \
         --build-arg VLLM_IMAGE_TAG=local/test:dev --tag local/test:dev "
    );
}

/// Splits `N:bytes` records (N a byte count), as the scripts below print
/// them, into groups separated by `|` between records, so any value,
/// newlines and bars and all, comes back exactly.
fn records(mut s: &[u8]) -> Vec<Vec<String>> {
    let mut groups = vec![Vec::new()];
    while let Some(&first) = s.first() {
        if first == b'|' {
            groups.push(Vec::new());
            s = &s[1..];
            continue;
        }
        let colon = s.iter().position(|&b| b == b':').expect("N:");
        let n: usize = std::str::from_utf8(&s[..colon]).unwrap().parse().unwrap();
        let rest = &s[colon + 1..];
        let record = String::from_utf8(rest[..n].to_vec()).expect("UTF-8 record");
        groups.last_mut().unwrap().push(record);
        s = &rest[n..];
    }
    groups
}

/// The words of the `shell` format after `eval "set -- …"`, then the three
/// build values after `eval` of the `dotenv` format, under `shell`.
fn eval_both(shell: &str, cwd: &Path, vars: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let script = r#"out=$("$IMPRINT" derive --policy vllm --format shell-quoted) || exit 3
eval "set -- $out"
for w in "$@"; do printf '%d:%s' "${#w}" "$w"; done
printf '|'
env=$("$IMPRINT" derive --policy vllm --format dotenv) || exit 4
eval "$env"
for w in "$BUILD_COMMIT" "$BUILD_PIPELINE" "$BUILD_URL"; do printf '%d:%s' "${#w}" "$w"; done"#;
    let stdout = run_script(shell, cwd, script, vars);
    let mut groups = records(&stdout);
    assert_eq!(groups.len(), 2, "{:?}", String::from_utf8_lossy(&stdout));
    let values = groups.pop().unwrap();
    (groups.pop().unwrap(), values)
}

/// Values an environment variable can hold (anything but NUL), biased
/// towards what breaks quoting: quotes, `$`, backticks, backslashes,
/// globs, newlines, tabs, shell operators, non-ASCII.
fn nasty_value() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        4 => "[ '\"$`\\\\\n\t\r*?\\[\\]{}()|&;<>~#!=%:a-z0-9é✓-]{0,24}",
        // One character that needs quoting among ones that do not: tests
        // the line between quoted and bare words.
        6 => "[a-z0-9_@%+=:,./-]{0,6}[ '\"$`\\\\\n\t*?\\[{}()|&;<>~#!é][a-z0-9_@%+=:,./-]{0,6}",
        1 => "\\PC{0,16}",
        1 => "(?s:[^\\x00]{0,12})",
        1 => Just(String::new()),
    ]
}

#[test]
fn generated_values_round_trip_through_eval_in_sh_and_bash() {
    use proptest::test_runner::{Config, TestRunner};
    let cwd = glob_trap();
    let mut runner = TestRunner::new(Config {
        // Each case starts two shells and four imprints.
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let values = (nasty_value(), nasty_value(), nasty_value());
    runner
        .run(&values, |(commit, pipeline, url)| {
            let vars = [
                ("VLLM_BUILD_COMMIT", commit.as_str()),
                ("VLLM_BUILD_PIPELINE", pipeline.as_str()),
                ("VLLM_BUILD_URL", url.as_str()),
            ];
            let words = expected_words(&commit, &pipeline, &url);
            let values: Vec<String> = vec![
                if commit.is_empty() {
                    "unknown".into()
                } else {
                    commit.clone()
                },
                if pipeline.is_empty() {
                    "local".into()
                } else {
                    pipeline.clone()
                },
                url.clone(),
            ];
            for shell in ["sh", "bash"] {
                let (got_words, got_values) = eval_both(shell, cwd.path(), &vars);
                proptest::prop_assert_eq!(&got_words, &words, "{} shell format", shell);
                proptest::prop_assert_eq!(&got_values, &values, "{} dotenv format", shell);
            }
            Ok(())
        })
        .unwrap();
}

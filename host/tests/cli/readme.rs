//! The README's examples, run: its `console` transcripts with the built
//! `imprint`, and its Node example against the npm package in `wasm/pkg`.
//!
//! A transcript is a ```` ```console ```` block: each line starting with
//! `$ ` is a command (run by `bash -o pipefail -c`, so environment
//! assignments and pipes work as written), and the lines after it, up to the
//! next command, are what it prints, standard output and standard error
//! together, compared exactly. A last output line `[exit N]` is the exit
//! status when it is not 0. Each block runs in an empty temporary directory
//! (no git checkout) with the hermetic environment of the other CLI tests and
//! `imprint` first on `PATH`; the blocks marked ```` ```LANG file=NAME ````
//! before it in the README are written there first.

use crate::common;

use common::{hermetic, host_path, tempdir, BIN};
use std::path::Path;
use std::process::Command;

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One fenced block: its info string, its body, and the 1-based line of
/// its opening fence.
#[derive(Debug, PartialEq)]
struct Block {
    info: String,
    body: String,
    line: usize,
}

/// The fenced blocks of a Markdown text, in order.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in markdown.lines().enumerate() {
        match current.as_mut() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    current = Some(Block {
                        info: info.trim().to_owned(),
                        body: String::new(),
                        line: i + 1,
                    });
                }
            }
            Some(b) if line != "```" => {
                b.body.push_str(line);
                b.body.push('\n');
            }
            Some(_) => out.extend(current.take()),
        }
    }
    assert!(current.is_none(), "README.md has an unclosed code fence");
    out
}

/// The file a block declares with `file=NAME` in its info string.
fn file_name(info: &str) -> Option<&str> {
    info.split_whitespace()
        .find_map(|word| word.strip_prefix("file="))
}

/// A command of a transcript and what it prints.
#[derive(Debug, PartialEq)]
struct Step {
    command: String,
    output: String,
    status: i32,
}

/// The commands of a `console` block.
fn steps(body: &str) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    for line in body.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            out.push(Step {
                command: command.to_owned(),
                output: String::new(),
                status: 0,
            });
            continue;
        }
        let step = out
            .last_mut()
            .expect("a console block starts with a `$ ` command");
        let exit = line
            .strip_prefix("[exit ")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|n| n.parse().ok());
        match exit {
            Some(status) => step.status = status,
            None => {
                assert_eq!(step.status, 0, "output after `[exit N]`: {line}");
                step.output.push_str(line);
                step.output.push('\n');
            }
        }
    }
    out
}

/// Runs `command` in `dir` as a transcript does; returns what it printed
/// (standard output and standard error in the order written) and its exit
/// status.
fn run(dir: &Path, command: &str) -> (String, i32) {
    let bin_dir = Path::new(BIN).parent().expect("the binary has a directory");
    let out = hermetic(&mut Command::new("bash"))
        .env("PATH", format!("{}:{}", bin_dir.display(), host_path()))
        .current_dir(dir)
        .args(["-o", "pipefail", "-c", &format!("exec 2>&1; {command}")])
        .output()
        .expect("bash runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn readme_transcripts_print_what_they_show() {
    let all = blocks(&readme());
    let mut ran = 0;
    let mut failures = Vec::new();
    for (i, block) in all.iter().enumerate() {
        if block.info != "console" {
            continue;
        }
        let dir = tempdir();
        for earlier in &all[..i] {
            if let Some(name) = file_name(&earlier.info) {
                common::write(dir.path(), name, &earlier.body);
            }
        }
        for step in steps(&block.body) {
            ran += 1;
            let (output, status) = run(dir.path(), &step.command);
            if (output.as_str(), status) != (step.output.as_str(), step.status) {
                failures.push(format!(
                    "README.md:{}: $ {}\n--- expected (exit {})\n{}--- got (exit {status})\n{output}",
                    block.line, step.command, step.status, step.output
                ));
            }
        }
    }
    assert!(ran >= 4, "only {ran} transcript commands in README.md");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The README's Node example (the ```` ```js ```` block that starts with
/// `// node example.mjs`), run against `wasm/pkg` (`bash wasm/build.sh`
/// builds it): it prints what its `console.log` lines' comments say.
#[test]
fn readme_node_example_prints_its_comments() {
    let all = blocks(&readme());
    let example = all
        .iter()
        .find(|b| b.info == "js" && b.body.starts_with("// node example.mjs"))
        .expect("README.md has the ```js block of `node example.mjs`");
    let pkg = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wasm/pkg/node/imprint.cjs");
    let pkg = pkg
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e} (run bash wasm/build.sh)", pkg.display()));
    let import = "\"./wasm/pkg/node/imprint.cjs\"";
    assert!(
        example.body.contains(import),
        "the example no longer imports {import}"
    );
    let script = example.body.replace(
        import,
        &serde_json::Value::from(pkg.display().to_string()).to_string(),
    );
    let expected: String = example
        .body
        .lines()
        .filter(|l| l.trim_start().starts_with("console.log("))
        .map(|l| {
            let (_, comment) = l
                .split_once("// ")
                .unwrap_or_else(|| panic!("`{l}` has no comment saying what it prints"));
            format!("{}\n", comment.trim_end())
        })
        .collect();
    assert!(!expected.is_empty(), "the example logs nothing");

    let dir = tempdir();
    let file = common::write(dir.path(), "example.mjs", &script);
    let out = hermetic(&mut Command::new("node"))
        .arg(&file)
        .current_dir(dir.path())
        .output()
        .expect("node runs (the README example needs Node.js)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "node failed: {stderr}");
    assert_eq!(stdout, expected, "stderr: {stderr}");
}

#[test]
fn transcript_parsing() {
    let md = "x\n```json file=p.json\n{}\n```\n```console\n$ a b\nout\n[exit 2]\n$ c\n```\n";
    let bs = blocks(md);
    assert_eq!(bs.len(), 2);
    assert_eq!(file_name(&bs[0].info), Some("p.json"));
    assert_eq!(bs[1].line, 5);
    assert_eq!(
        steps(&bs[1].body),
        vec![
            Step {
                command: "a b".into(),
                output: "out\n".into(),
                status: 2
            },
            Step {
                command: "c".into(),
                output: String::new(),
                status: 0
            },
        ]
    );
}

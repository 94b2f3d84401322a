//! Keeps the policy-language reference (`README.md`), the editor schema
//! (`policy.schema.json`) and the loader in step: every complete example in
//! the reference must load, every builtin must load, and the schema must
//! describe exactly the top-level keys the loader accepts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a failing test panics"
)]

use std::collections::BTreeSet;
use std::path::Path;

/// The top-level keys the loader accepts (the loader's own list).
const LOADER_TOP_LEVEL_KEYS: &[&str] = imprint_core::TOP_LEVEL_KEYS;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The bodies of the ```json code blocks of a Markdown text, each with the
/// 1-based line of its opening fence. Other fences (```jsonc, ```text …)
/// are skipped.
fn json_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String, bool)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim();
        match current.as_mut() {
            None => {
                if let Some(info) = fence.strip_prefix("```") {
                    current = Some((i + 1, String::new(), info.trim() == "json"));
                }
            }
            Some((_, body, _)) if fence != "```" => {
                body.push_str(line);
                body.push('\n');
            }
            Some(_) => {
                if let Some((start, body, true)) = current.take() {
                    blocks.push((start, body));
                }
            }
        }
    }
    assert!(current.is_none(), "README.md has an unclosed code fence");
    blocks
}

#[test]
fn readme_json_examples_are_valid_policies() {
    let readme = read("README.md");
    let blocks = json_blocks(&readme);
    assert!(
        !blocks.is_empty(),
        "README.md has no ```json example to check"
    );
    let mut failures = Vec::new();
    for (line, body) in &blocks {
        let origin = format!("README.md:{line}");
        if let Err(e) = imprint_core::Policy::from_json(body, &origin) {
            failures.push(e.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "README.md examples that do not load (use ```jsonc for fragments):\n{}",
        failures.join("\n")
    );
}

#[test]
fn builtins_load() {
    assert!(!imprint_policies::BUILTIN.is_empty());
    for (name, text) in imprint_policies::BUILTIN {
        let policy = imprint_core::Policy::from_json(text, &format!("builtin:{name}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            policy.name(),
            *name,
            "builtin `{name}` declares another name"
        );
    }
}

#[test]
fn schema_top_level_keys_match_the_loader() {
    let schema: serde_json::Value =
        serde_json::from_str(&read("policy.schema.json")).expect("policy.schema.json is JSON");
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "the schema declares draft 2020-12"
    );
    assert_eq!(schema["additionalProperties"], false);
    let properties = schema["properties"]
        .as_object()
        .expect("the schema has top-level `properties`");
    let in_schema: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
    let in_loader: BTreeSet<&str> = LOADER_TOP_LEVEL_KEYS.iter().copied().collect();
    assert_eq!(
        in_schema, in_loader,
        "policy.schema.json and the loader disagree on the top-level keys"
    );
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .expect("the schema lists required keys")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert_eq!(required, BTreeSet::from(["name", "values"]));
}

#[test]
fn builtins_point_at_the_schema() {
    for (name, text) in imprint_policies::BUILTIN {
        let v: serde_json::Value = serde_json::from_str(text).expect("builtin is JSON");
        assert_eq!(
            v["$schema"], "./policy.schema.json",
            "builtin `{name}` should reference ./policy.schema.json"
        );
    }
}

#[test]
fn fence_extraction() {
    let md = "a\n```json\n{\"x\": 1}\n```\n```jsonc\n{}\n```\n```\nplain\n```\n```json\n[]\n```\n";
    let blocks = json_blocks(md);
    assert_eq!(
        blocks,
        vec![(2, "{\"x\": 1}\n".to_owned()), (11, "[]\n".to_owned())]
    );
}

/// The codes of the two tables under "## Error codes" in README.md: the
/// load problems (`PolicyError`) and the derivation errors (`DeriveError`),
/// each in table order.
fn documented_codes(markdown: &str) -> (Vec<String>, Vec<String>) {
    let (mut load, mut derive) = (Vec::new(), Vec::new());
    let mut section = false;
    let mut table: Option<&mut Vec<String>> = None;
    for line in markdown.lines() {
        if line.starts_with("## ") {
            section = line == "## Error codes";
            table = None;
            continue;
        }
        if !section {
            continue;
        }
        if line.contains("(`PolicyError`)") {
            table = Some(&mut load);
        } else if line.contains("(`DeriveError`") {
            table = Some(&mut derive);
        } else if let Some(rest) = line.strip_prefix("| `") {
            let code = rest.split('`').next().unwrap_or_default().to_owned();
            table
                .as_mut()
                .expect("a code row before its table's heading paragraph")
                .push(code);
        }
    }
    (load, derive)
}

/// Every `.rs` file under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    out
}

/// The string literals a Rust text passes as a problem code: the first
/// argument of a `problem(` call and the value of a `code: "…"` field.
fn problem_code_literals(rust: &str) -> BTreeSet<String> {
    // `ProblemCode::UnknownKey` is written `unknown-key`.
    let mut codes = BTreeSet::new();
    for (at, _) in rust.match_indices("ProblemCode::") {
        let name: String = rust[at + "ProblemCode::".len()..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let mut code = String::new();
        for c in name.chars() {
            if c.is_ascii_uppercase() && !code.is_empty() {
                code.push('-');
            }
            code.push(c.to_ascii_lowercase());
        }
        // A variant, not an associated item (`ProblemCode::ALL`, `::decl`).
        let variant = name.starts_with(|c: char| c.is_ascii_uppercase())
            && !name.chars().all(|c| c.is_ascii_uppercase());
        if variant {
            codes.insert(code);
        }
    }
    codes
}

/// The problem codes the engine and the CLI write, by scanning their
/// sources (the loader in `core/src/policy/`, wherever it moves, and the
/// host, which reports an oversized policy file before the engine sees it).
fn codes_in_sources() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut codes = BTreeSet::new();
    for dir in ["core/src", "host/src"] {
        for file in rust_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            // Unit tests assert codes; they do not produce them.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            codes.extend(problem_code_literals(text));
        }
    }
    codes
}

#[test]
fn documented_problem_codes_are_the_loaders() {
    let (load, _) = documented_codes(&read("README.md"));
    let documented: BTreeSet<&str> = load.iter().map(String::as_str).collect();
    assert_eq!(documented.len(), load.len(), "a code is documented twice");
    let listed: BTreeSet<&str> = imprint_core::ProblemCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(
        documented, listed,
        "README.md's PolicyError table and imprint_core::ProblemCode differ"
    );
    let written = codes_in_sources();
    let written: BTreeSet<&str> = written.iter().map(String::as_str).collect();
    assert_eq!(
        written, listed,
        "the codes the loader writes and imprint_core::ProblemCode differ"
    );
}

#[test]
fn documented_derive_error_codes_are_the_enum() {
    let (_, derive) = documented_codes(&read("README.md"));
    let code_set: Vec<&str> = imprint_core::DeriveErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(
        derive, code_set,
        "README.md's DeriveError table and DeriveErrorCode::ALL differ (order too)"
    );
}

/// Every vector file of the conformance suite, parsed.
fn vector_files() -> Vec<(String, serde_json::Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("vector file");
            let name = p.file_name().unwrap_or_default().to_string_lossy().into();
            (
                name,
                serde_json::from_str(&text).expect("vector file is JSON"),
            )
        })
        .collect()
}

/// The `expect` objects of a vector file's cases.
fn expectations(file: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    file["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| &c["expect"])
}

#[test]
fn every_problem_code_has_a_validate_vector() {
    let files = vector_files();
    let (_, errors) = files
        .iter()
        .find(|(name, _)| name == "policy-errors.json")
        .expect("tests/vectors/policy-errors.json");
    assert_eq!(errors["op"], "validate");
    let asserted: BTreeSet<&str> = expectations(errors)
        .flat_map(|e| e["problems"].as_array().into_iter().flatten())
        .filter_map(|p| p["code"].as_str())
        .collect();
    let missing: Vec<&str> = imprint_core::ProblemCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !asserted.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "policy-errors.json asserts no problem with these codes: {missing:?}"
    );
}

#[test]
fn every_derive_error_code_has_a_vector() {
    let files = vector_files();
    let asserted: BTreeSet<&str> = files
        .iter()
        .flat_map(|(_, f)| expectations(f))
        .filter(|e| e["type"] == "derive_error")
        .filter_map(|e| e["code"].as_str())
        .collect();
    let missing: Vec<&str> = imprint_core::DeriveErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !asserted.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "no vector expects a derive_error with these codes: {missing:?}"
    );
}

#[test]
fn code_extraction() {
    let md = "## Error codes\n\nProblems (`PolicyError`), each:\n\n| code | meaning |\n|---|---|\n| `a-b` | x |\n\nDerivation errors (`DeriveError`: …):\n\n| code | meaning |\n|---|---|\n| `c` | y |\n\n## Next\n\n| `z` | no |\n";
    assert_eq!(
        documented_codes(md),
        (vec!["a-b".to_owned()], vec!["c".to_owned()])
    );
    let rust = "self.problem(\n    ProblemCode::UnknownKey, p, m);\nProblem { code: ProblemCode::Cycle }\nfn problem(code: ProblemCode)\nProblemCode::ALL; ProblemCode::decl(&c)";
    assert_eq!(
        problem_code_literals(rust),
        BTreeSet::from(["unknown-key".to_owned(), "cycle".to_owned()])
    );
}

/// The anchors of a Markdown text: `<a id="…"></a>` elements.
fn anchors(markdown: &str) -> BTreeSet<String> {
    markdown
        .match_indices("<a id=\"")
        .filter_map(|(at, open)| {
            let rest = markdown.get(at + open.len()..)?;
            rest.split('"').next().map(str::to_owned)
        })
        .collect()
}

/// The anchors a text cites as `BEHAVIOUR.md#a`, `… and #b`.
fn cited_anchors(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, name) in text.match_indices("BEHAVIOUR.md#") {
        let mut rest = &text[at + name.len()..];
        loop {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(rest.len());
            out.push(rest[..end].to_owned());
            match rest[end..].strip_prefix(" and #") {
                Some(more) => rest = more,
                None => break,
            }
        }
    }
    out
}

/// Every vector's `source` (and every file's `about`) that cites the
/// behaviour specification names an anchor it has, and none cites the
/// specification outside the repository any more.
#[test]
fn vectors_cite_behaviour_anchors_that_exist() {
    let known = anchors(&read("BEHAVIOUR.md"));
    assert!(known.contains("v1") && known.contains("a9"), "{known:?}");
    let mut cited = 0;
    let mut problems = Vec::new();
    for (name, file) in vector_files() {
        let texts = std::iter::once(&file["about"]).chain(
            file["cases"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| &c["source"]),
        );
        for text in texts.filter_map(serde_json::Value::as_str) {
            if text.contains("upstream-behaviour") || text.starts_with("reference (") {
                problems.push(format!("{name}: cites outside the repository: {text}"));
            }
            for anchor in cited_anchors(text) {
                cited += 1;
                if !known.contains(&anchor) {
                    problems.push(format!(
                        "{name}: no anchor `{anchor}` in BEHAVIOUR.md: {text}"
                    ));
                }
            }
        }
    }
    assert!(cited > 100, "only {cited} citations of BEHAVIOUR.md");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The links inside BEHAVIOUR.md lead to anchors it has.
#[test]
fn behaviour_links_are_anchors() {
    let text = read("BEHAVIOUR.md");
    let known = anchors(&text);
    for (at, _) in text.match_indices("](#") {
        let anchor = text[at + 3..].split(')').next().unwrap_or_default();
        assert!(known.contains(anchor), "BEHAVIOUR.md links to #{anchor}");
    }
}

#[test]
fn anchor_extraction() {
    assert_eq!(
        anchors("<a id=\"v1\"></a>x <a id=\"obol-pin\"></a>"),
        BTreeSet::from(["v1".to_owned(), "obol-pin".to_owned()])
    );
    assert_eq!(
        cited_anchors("policies/BEHAVIOUR.md#v4 and #v12: x; BEHAVIOUR.md#a5)"),
        vec!["v4", "v12", "a5"]
    );
}

/// The explain example of README.md ("The trace", `imprint explain`) is
/// the text the explain vector `the README's example` expects, so the
/// documented layout and the conformance suite cannot drift apart.
#[test]
fn readme_explain_example_is_the_vectors() {
    let readme = read("README.md");
    let section = readme
        .split("### `imprint explain`")
        .nth(1)
        .expect("README.md has a ### `imprint explain` section");
    let example = section
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the section has a ```text example");
    let files = vector_files();
    let (_, explain) = files
        .iter()
        .find(|(name, _)| name == "explain.json")
        .expect("tests/vectors/explain.json");
    let expected = explain["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == "the README's example")
        .and_then(|c| c["expect"]["text"].as_str())
        .expect("explain.json has the case `the README's example`");
    assert_eq!(format!("{example}\n"), expected);
}

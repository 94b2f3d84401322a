//! Keeps the policy-language reference (`README.md`), the editor schema
//! (`policy.schema.json`) and the loader in step: every complete example in
//! the reference must load, every builtin must load, and the schema must
//! describe exactly the top-level keys the loader accepts.

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

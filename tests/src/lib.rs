//! The conformance suite: engine-independent vectors in `tests/vectors/`,
//! and the comparison rules every target (native, wasmtime, Node) applies.
//!
//! Each vector file is JSON:
//!
//! ```jsonc
//! {
//!   "about": "what the file covers and where its expectations come from",
//!   "op": "derive",               // the request kind, as the api module names it: derive, explain, validate, read, check …
//!   "defaults": { "policy": "vllm" },  // request fields shared by every case
//!   "cases": [
//!     {
//!       "name": "release prefers BUILDKITE_PIPELINE_ID",
//!       "source": "upstream test_release_metadata_args_prefer_pipeline_id",
//!       "context": { "env": { … }, "args": { … }, "arch": "x86_64" },   // request fields
//!       "expect": { "type": "derivation", "build_args": […], "tags": […] }
//!     }
//!   ]
//! }
//! ```
//!
//! A case is turned into a request of the [`imprint_core::api`] boundary:
//! `op`, then `defaults`, then the case's own fields (all but `name`,
//! `source` and `expect`). A `policy` that is a builtin name or a JSON
//! object is replaced by the policy's text; `policy_text` is passed as the
//! raw text (for malformed-policy cases). `text_file` names a file under
//! `tests/` (such as `data/provenance/x.json`) whose text becomes the
//! request's `text` (for inputs too large to write inline).
//!
//! Comparison with the answer: `type` and every other key in `expect` must
//! equal the answer's exactly, except
//! - `values`, `bake`, `outputs`: only the listed entries are compared
//!   (each exactly);
//! - `message_contains`: a substring of the answer's `message`;
//! - `problems`: compared item by item on the keys each expected item lists;
//! - `findings`: every finding of a report (all artifacts, in order) or a
//!   card, compared item by item on the keys each expected item lists;
//! - `channels`: the channel of each artifact of a report, in order;
//! - `cards`: item by item, each card compared by these same rules.
//!
//! `IMPRINT_VECTOR=<substring>` runs only the cases whose name contains it.

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// Something that answers requests of the JSON boundary: the native
/// engine, a wasm module under wasmtime, …
pub trait Engine {
    /// Answers one JSON request with one JSON answer.
    fn run_json(&mut self, request: &str) -> String;
}

/// The native engine: `imprint_core::api::run_json`.
#[derive(Debug, Default)]
pub struct Native;

impl Engine for Native {
    fn run_json(&mut self, request: &str) -> String {
        imprint_core::api::run_json(request)
    }
}

/// Directory holding the vector files.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// All vector files, sorted.
pub fn vector_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Result of running one file.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Number of cases run.
    pub cases: usize,
    /// One message per failing case.
    pub failures: Vec<String>,
}

fn policy_text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(name) => imprint_policies::builtin(name)
            .map(str::to_owned)
            .ok_or_else(|| format!("no builtin policy `{name}`")),
        Value::Object(_) => serde_json::to_string_pretty(v).map_err(|e| e.to_string()),
        other => Err(format!(
            "policy must be a builtin name or an object, not {other}"
        )),
    }
}

/// Builds the request of one case. A field whose value is a string that
/// names an entry of the file's `fixtures` for that field (`"github":
/// "event_push_dev"` with `fixtures.github.event_push_dev`) gets the
/// entry instead.
pub fn request(
    op: &str,
    defaults: &Map<String, Value>,
    case: &Map<String, Value>,
    fixtures: &Map<String, Value>,
) -> Result<Value, String> {
    let mut req = Map::new();
    req.insert("op".into(), op.into());
    for (k, v) in defaults.iter().chain(case.iter()) {
        if matches!(k.as_str(), "name" | "source" | "expect") {
            continue;
        }
        match k.as_str() {
            "policy" => {
                req.insert("policy".into(), policy_text(v)?.into());
            }
            "policy_text" => {
                req.insert("policy".into(), v.clone());
            }
            "text_file" => {
                let rel = v.as_str().ok_or("`text_file` is not a string")?;
                let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("text_file {}: {e}", path.display()))?;
                req.insert("text".into(), text.into());
            }
            _ => {
                let fixture = v
                    .as_str()
                    .and_then(|name| fixtures.get(k)?.get(name))
                    .unwrap_or(v);
                req.insert(k.clone(), fixture.clone());
            }
        }
    }
    Ok(Value::Object(req))
}

/// Compares an answer with a case's expectation.
pub fn compare(expect: &Map<String, Value>, got: &Value) -> Result<(), String> {
    for (k, w) in expect {
        let g = got.get(k).unwrap_or(&Value::Null);
        match k.as_str() {
            "values" | "bake" | "outputs" => {
                for (name, wv) in w.as_object().into_iter().flatten() {
                    let gv = g.get(name).unwrap_or(&Value::Null);
                    if gv != wv {
                        return Err(format!("{k}.{name}: expected {wv}, got {gv}"));
                    }
                }
            }
            "message_contains" => {
                let msg = got.get("message").and_then(Value::as_str).unwrap_or("");
                let want = w.as_str().unwrap_or("");
                if !msg.contains(want) {
                    return Err(format!("message {msg:?} lacks {want:?}"));
                }
            }
            "findings" => {
                // Every finding of a check report (or a card), flattened in
                // artifact order, compared on the keys each expected item lists.
                let all: Vec<&Value> = match got.get("artifacts").and_then(Value::as_array) {
                    Some(arts) => arts
                        .iter()
                        .flat_map(|a| {
                            a.get("findings")
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                        })
                        .collect(),
                    None => got
                        .get("findings")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .collect(),
                };
                let ws = w.as_array().map(Vec::as_slice).unwrap_or(&[]);
                if ws.len() != all.len() {
                    return Err(format!(
                        "expected {} findings, got {}: {}",
                        ws.len(),
                        all.len(),
                        Value::from(all.into_iter().cloned().collect::<Vec<_>>())
                    ));
                }
                for (wi, gi) in ws.iter().zip(all) {
                    for (fk, fv) in wi.as_object().into_iter().flatten() {
                        if gi.get(fk) != Some(fv) {
                            return Err(format!("finding {fk}: expected {fv}, got {gi}"));
                        }
                    }
                }
            }
            "cards" => {
                // Item by item, each card by these same rules (so a card's
                // `findings` compare on the keys each expected item lists).
                let (Some(ws), Some(gs)) = (w.as_array(), g.as_array()) else {
                    return Err(format!("cards: expected {w}, got {g}"));
                };
                if ws.len() != gs.len() {
                    return Err(format!(
                        "expected {} cards, got {}: {g}",
                        ws.len(),
                        gs.len()
                    ));
                }
                for (i, (wi, gi)) in ws.iter().zip(gs).enumerate() {
                    let wi = wi.as_object().cloned().unwrap_or_default();
                    compare(&wi, gi).map_err(|e| format!("cards[{i}]: {e}"))?;
                }
            }
            "channels" => {
                let gs: Vec<Value> = got
                    .get("artifacts")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|a| a.get("channel").cloned().unwrap_or(Value::Null))
                    .collect();
                if Value::from(gs.clone()) != *w {
                    return Err(format!("channels: expected {w}, got {}", Value::from(gs)));
                }
            }
            "problems" => {
                let (Some(ws), Some(gs)) = (w.as_array(), g.as_array()) else {
                    return Err(format!("problems: expected {w}, got {g}"));
                };
                if ws.len() != gs.len() {
                    return Err(format!(
                        "expected {} problems, got {}: {g}",
                        ws.len(),
                        gs.len()
                    ));
                }
                for (wi, gi) in ws.iter().zip(gs) {
                    for (pk, pv) in wi.as_object().into_iter().flatten() {
                        if gi.get(pk) != Some(pv) {
                            return Err(format!("problem {pk}: expected {pv}, got {gi}"));
                        }
                    }
                }
            }
            _ => {
                if g != w {
                    // A wrong answer type shows the answer's message.
                    let why = match (k.as_str(), got.get("message")) {
                        ("type", Some(m)) => format!(" ({m})"),
                        _ => String::new(),
                    };
                    return Err(format!("{k}: expected {w}, got {g}{why}"));
                }
            }
        }
    }
    Ok(())
}

/// Runs every case of one vector file against `engine`.
pub fn run_file(path: &Path, engine: &mut dyn Engine) -> Outcome {
    let mut out = Outcome::default();
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file: Value = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            out.failures.push(format!("{label}: {e}"));
            return out;
        }
    };
    let op = file.get("op").and_then(Value::as_str).unwrap_or("derive");
    let empty = Map::new();
    let defaults = file
        .get("defaults")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let fixtures = file
        .get("fixtures")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let filter = std::env::var("IMPRINT_VECTOR").unwrap_or_default();
    for case in file
        .get("cases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(case) = case.as_object() else {
            continue;
        };
        let name = case.get("name").and_then(Value::as_str).unwrap_or("?");
        if !filter.is_empty() && !name.contains(&filter) {
            continue;
        }
        out.cases += 1;
        let fail = |why: String| format!("{label} / {name}: {why}");
        let Some(expect) = case.get("expect").and_then(Value::as_object) else {
            out.failures
                .push(fail("case has no `expect` object".into()));
            continue;
        };
        let req = match request(op, defaults, case, fixtures) {
            Ok(r) => r,
            Err(e) => {
                out.failures.push(fail(e));
                continue;
            }
        };
        let answer = engine.run_json(&req.to_string());
        let got: Value = match serde_json::from_str(&answer) {
            Ok(v) => v,
            Err(e) => {
                out.failures
                    .push(fail(format!("answer is not JSON ({e}): {answer}")));
                continue;
            }
        };
        if let Err(why) = compare(expect, &got) {
            out.failures.push(fail(why));
        }
    }
    out
}

/// Runs every vector file; returns (cases, failures).
pub fn run_all(engine: &mut dyn Engine) -> (usize, Vec<String>) {
    let mut cases = 0;
    let mut failures = Vec::new();
    for f in vector_files() {
        let o = run_file(&f, engine);
        if o.cases == 0 && std::env::var("IMPRINT_VECTOR").is_err() {
            failures.push(format!("{}: no cases", f.display()));
        }
        cases += o.cases;
        failures.extend(o.failures);
    }
    (cases, failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compare_is_exact_except_values_subset() {
        let got = json!({"type": "derivation", "values": {"a": "1", "b": "2"}, "tags": ["x"]});
        let ok = json!({"type": "derivation", "values": {"a": "1"}, "tags": ["x"]});
        assert!(compare(ok.as_object().unwrap(), &got).is_ok());
        let bad_tag = json!({"tags": ["x", "y"]});
        assert!(compare(bad_tag.as_object().unwrap(), &got).is_err());
        let bad_value = json!({"values": {"b": "3"}});
        assert!(compare(bad_value.as_object().unwrap(), &got).is_err());
        let missing = json!({"labels": {}});
        assert!(compare(missing.as_object().unwrap(), &got).is_err());
    }

    #[test]
    fn requests_merge_defaults_and_resolve_builtins() {
        let defaults = json!({"policy": "vllm"});
        let case = json!({"name": "n", "context": {"arch": "x"}, "expect": {}});
        let fixtures = json!({"github": {"ev": {"sha": "abc"}}});
        let r = request(
            "derive",
            defaults.as_object().unwrap(),
            case.as_object().unwrap(),
            fixtures.as_object().unwrap(),
        )
        .unwrap();
        assert_eq!(r["op"], "derive");
        assert!(r["policy"].as_str().unwrap().contains("\"vllm\""));
        assert_eq!(r["context"]["arch"], "x");
        assert!(r.get("name").is_none());
        // A string naming a fixture of its field is replaced by it.
        let case = json!({"github": "ev", "other": "ev"});
        let r = request(
            "metadata",
            &Map::new(),
            case.as_object().unwrap(),
            fixtures.as_object().unwrap(),
        )
        .unwrap();
        assert_eq!(r["github"], json!({"sha": "abc"}));
        assert_eq!(r["other"], "ev");
    }
}

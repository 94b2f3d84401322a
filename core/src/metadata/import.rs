//! `imprint import metadata-action`: a GitHub workflow's
//! docker/metadata-action step as a policy whose `metadata_action` holds
//! the step's inputs as written, so `imprint metadata --policy` gives the
//! same tags in GitLab CI, Buildkite or a plain checkout.
//!
//! A `${{ … }}` expression in an input is evaluated only by GitHub: the
//! caller gives its value (`set`), or the import fails naming it (never a
//! policy that would tag `${{ env.REGISTRY }}/app`).

use super::ListInput;
use super::MetaInputs;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One docker/metadata-action step of a workflow.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    job: String,
    /// 1-based position among the job's steps.
    index: usize,
    id: Option<String>,
    uses: String,
    with: Map<String, Value>,
}

impl Step {
    fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("`{id}` (job `{}`, step {})", self.job, self.index),
            None => format!(
                "`{}.{}` (job `{}`, step {})",
                self.job, self.index, self.job, self.index
            ),
        }
    }

    fn matches(&self, wanted: &str) -> bool {
        self.id.as_deref() == Some(wanted) || format!("{}.{}", self.job, self.index) == wanted
    }
}

fn steps(workflow: &Value) -> Vec<Step> {
    let mut out = Vec::new();
    let jobs = workflow.get("jobs").and_then(Value::as_object);
    for (job, def) in jobs.into_iter().flatten() {
        let steps = def.get("steps").and_then(Value::as_array);
        for (i, step) in steps.into_iter().flatten().enumerate() {
            let Some(uses) = step.get("uses").and_then(Value::as_str) else {
                continue;
            };
            if !uses
                .to_ascii_lowercase()
                .starts_with("docker/metadata-action@")
            {
                continue;
            }
            out.push(Step {
                job: job.clone(),
                index: i + 1,
                id: step.get("id").and_then(Value::as_str).map(str::to_owned),
                uses: uses.to_owned(),
                with: step
                    .get("with")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
            });
        }
    }
    out
}

/// `text` with each `${{ EXPR }}` replaced by `set[EXPR]`; an expression
/// without a value is an error naming it.
fn substitute(input: &str, text: &str, set: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 3..).unwrap_or_default();
        let end = after
            .find("}}")
            .ok_or_else(|| format!("input `{input}`: a `${{{{` expression is never closed"))?;
        let expr = after.get(..end).unwrap_or_default().trim();
        let value = set.get(expr).ok_or_else(|| {
            format!(
                "input `{input}` uses `${{{{ {expr} }}}}`, which only GitHub evaluates: give its value with `--set {expr}=VALUE`"
            )
        })?;
        out.push_str(value);
        rest = after.get(end + 2..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// The policy (pretty JSON text) for the metadata-action step `step` (its
/// `id` or `JOB.N`; may be omitted when there is one) of the workflow
/// `text`, read from the file `file`.
pub fn import_workflow(
    text: &str,
    file: &str,
    step: Option<&str>,
    set: &BTreeMap<String, String>,
) -> Result<String, String> {
    let docs = crate::read::text::documents(text, Some("workflow.yml"))
        .map_err(|e| format!("{file}: {}", e.message))?;
    let workflow = docs
        .into_iter()
        .next()
        .map(|d| d.value)
        .unwrap_or(Value::Null);
    let found = steps(&workflow);
    let list = || found.iter().map(Step::label).collect::<Vec<_>>().join(", ");
    let chosen = match (step, found.as_slice()) {
        (_, []) => return Err(format!("{file} has no docker/metadata-action step")),
        (None, [only]) => only,
        (None, _) => {
            return Err(format!(
                "{file} has several docker/metadata-action steps: {}; choose one with --step",
                list()
            ))
        }
        (Some(want), _) => found.iter().find(|s| s.matches(want)).ok_or_else(|| {
            format!(
                "{file} has no docker/metadata-action step `{want}` (it has {})",
                list()
            )
        })?,
    };
    let mut inputs = MetaInputs::default();
    let mut notes = Vec::new();
    for (key, value) in &chosen.with {
        let raw = match value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            Value::Bool(_) | Value::Number(_) => value.to_string(),
            _ => {
                return Err(format!(
                    "input `{key}` of step {} is not text",
                    chosen.label()
                ))
            }
        };
        let text = substitute(key, &raw, set)?;
        match key.as_str() {
            "images" => inputs.images = ListInput::Text(text),
            "tags" => inputs.tags = ListInput::Text(text),
            "flavor" => inputs.flavor = ListInput::Text(text),
            "labels" => inputs.labels = ListInput::Text(text),
            "annotations" => inputs.annotations = ListInput::Text(text),
            "sep-tags" => inputs.sep_tags = Some(raw),
            "sep-labels" => inputs.sep_labels = Some(raw),
            "sep-annotations" => inputs.sep_annotations = Some(raw),
            "bake-target" => inputs.bake_target = Some(text),
            "github-token" => {}
            "context" => notes.push(format!("its `context: {text}` is not needed: imprint reads the CI's variables and the checkout")),
            other => return Err(format!("input `{other}` of step {} is not one of docker/metadata-action's", chosen.label())),
        }
    }
    super::check_inputs(&inputs)
        .map_err(|(which, m)| format!("input `{which}` of step {}: {m}", chosen.label()))?;
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".yml")
        .trim_end_matches(".yaml");
    let step_name = chosen
        .id
        .clone()
        .unwrap_or_else(|| chosen.index.to_string());
    let name: String = format!("{stem}-{}-{step_name}", chosen.job)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut description = format!(
        "Imported from {file}, job {}, step {} ({}) by `imprint import metadata-action`",
        chosen.job, step_name, chosen.uses
    );
    for n in notes {
        description.push_str("; ");
        description.push_str(&n);
    }
    let mut ma = serde_json::to_value(&inputs).map_err(|e| e.to_string())?;
    if let Some(m) = ma.as_object_mut() {
        // Inputs the step did not give stay unset.
        m.retain(|_, v| !matches!(v, Value::Array(a) if a.is_empty()));
    }
    let policy = json!({
        "name": name,
        "description": description,
        "values": {},
        "metadata_action": ma,
    });
    let mut text = serde_json::to_string_pretty(&policy).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKFLOW: &str = "name: ci\non: push\njobs:\n  docker:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - id: meta\n        uses: docker/metadata-action@v6\n        with:\n          images: ${{ env.REGISTRY }}/app\n          tags: |\n            type=ref,event=branch\n            type=semver,pattern={{version}}\n";

    #[test]
    fn a_step_becomes_a_policy() {
        let set = BTreeMap::from([("env.REGISTRY".to_owned(), "ghcr.io/o".to_owned())]);
        let text =
            import_workflow(WORKFLOW, ".github/workflows/ci.yml", None, &set).unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(v["name"], "ci-docker-meta");
        assert_eq!(v["metadata_action"]["images"], "ghcr.io/o/app");
        assert_eq!(
            v["metadata_action"]["tags"],
            "type=ref,event=branch\ntype=semver,pattern={{version}}\n"
        );
        assert!(crate::Policy::from_json(&text, "imported").is_ok());
    }

    #[test]
    fn expressions_need_values() {
        let e = import_workflow(WORKFLOW, "ci.yml", None, &BTreeMap::new())
            .err()
            .unwrap_or_default();
        assert!(e.contains("--set env.REGISTRY=VALUE"), "{e}");
        let e = import_workflow(WORKFLOW, "ci.yml", Some("other"), &BTreeMap::new())
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("has no docker/metadata-action step `other`"),
            "{e}"
        );
    }

    /// A workflow step whose `with:` holds `inputs` (lines as given: each
    /// CSV-quoted, so the action's list parsing gives them back unchanged).
    fn workflow(inputs: &serde_json::Map<String, Value>) -> String {
        let mut y = String::from("on: push\njobs:\n  build:\n    steps:\n      - id: meta\n        uses: docker/metadata-action@v6\n        with:\n");
        for (k, v) in inputs {
            match v {
                Value::Array(items) => {
                    y.push_str(&format!("          {k}: |2-\n"));
                    for item in items {
                        let item = item.as_str().unwrap_or_default();
                        y.push_str(&format!("            \"{}\"\n", item.replace('"', "\"\"")));
                    }
                }
                Value::String(text) if k.starts_with("sep-") || k == "bake-target" => {
                    y.push_str(&format!("          {k}: {}\n", Value::String(text.clone())));
                }
                Value::String(text) => {
                    y.push_str(&format!("          {k}: |2-\n"));
                    for line in text.split('\n') {
                        y.push_str(&format!("            {line}\n"));
                    }
                }
                _ => {}
            }
        }
        y
    }

    /// Every configuration of the metadata-action vectors, written as a
    /// workflow step, imported, and run as a policy, gives the outputs its
    /// inputs give.
    #[test]
    fn every_vector_configuration_round_trips() {
        let doc: Value =
            serde_json::from_str(include_str!("../../../tests/vectors/metadata-action.json"))
                .unwrap_or_default();
        let fixtures = &doc["fixtures"];
        let mut checked = 0;
        for case in doc["cases"].as_array().into_iter().flatten() {
            let Some(inputs) = case["inputs"].as_object() else {
                continue;
            };
            let pick = |k: &str| {
                let v = case
                    .get(k)
                    .or_else(|| doc["defaults"].get(k))
                    .cloned()
                    .unwrap_or(Value::Null);
                match v.as_str() {
                    Some(name) if fixtures[k].get(name).is_some() => fixtures[k][name].clone(),
                    _ => v,
                }
            };
            let policy = import_workflow(&workflow(inputs), "wf.yml", None, &BTreeMap::new());
            assert!(policy.is_ok(), "{}: {policy:?}", case["name"]);
            let mut base = serde_json::Map::new();
            for k in ["github", "repo", "now", "zones"] {
                base.insert(k.to_owned(), pick(k));
            }
            for k in ["env", "commit_date"] {
                if let Some(v) = case.get(k) {
                    base.insert(k.to_owned(), v.clone());
                }
            }
            let request =
                serde_json::from_value::<crate::metadata::MetaRequest>(Value::Object(base));
            assert!(request.is_ok(), "{}: {request:?}", case["name"]);
            let mut direct = request.unwrap_or_default();
            let mut imported = direct.clone();
            direct.inputs = serde_json::from_value(Value::Object(inputs.clone())).ok();
            assert!(direct.inputs.is_some(), "{}", case["name"]);
            imported.policy = policy.ok();
            let (a, b) = (
                crate::metadata::generate(&direct),
                crate::metadata::generate(&imported),
            );
            assert!(a.is_ok(), "{}: {a:?}", case["name"]);
            assert_eq!(
                a.map(|m| m.outputs).ok(),
                b.map(|m| m.outputs).ok(),
                "{}",
                case["name"]
            );
            checked += 1;
        }
        assert!(checked > 120, "{checked}");
    }
}

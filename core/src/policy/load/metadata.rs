//! Loading `metadata_action`: docker/metadata-action's inputs inside a
//! policy, in its own line syntax (a string, as pasted from a workflow's
//! `with:`, or an array of lines) or in a structured form (objects for tag
//! rules, images and the flavor, an object of labels). Every line is read
//! here as metadata-action reads it, so a bad one is a problem at its JSON
//! path (`invalid-metadata-action`), not a failure at build time.

use super::*;
use crate::metadata::{check_inputs, ListInput, MetaInputs};

/// The keys of `metadata_action`.
const KEYS: &[&str] = &[
    "images",
    "tags",
    "flavor",
    "labels",
    "annotations",
    "sep-tags",
    "sep-labels",
    "sep-annotations",
    "bake-target",
];

/// Attributes a structured tag rule may have besides `type`.
const TAG_ATTRS: &[&str] = &[
    "pattern", "value", "match", "group", "branch", "event", "format", "prefix", "suffix",
    "enable", "priority",
];

/// A CSV field: quoted (with `""` inside) when it holds `,` or `"`.
fn field(key: &str, value: &str) -> String {
    let f = format!("{key}={value}");
    if f.contains([',', '"']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f
    }
}

impl Loader<'_, '_> {
    pub(super) fn metadata_action(&mut self, v: &Value) -> Option<MetaInputs> {
        let path = &Path::Text("$.metadata_action");
        let m = self.object(v, path)?;
        self.check_keys(m, path, KEYS);
        let mut inputs = MetaInputs::default();
        let text = |l: &mut Self, k: &str| -> Option<String> {
            let v = m.get(k)?;
            l.string(v, &path.key(k)).map(str::to_owned)
        };
        inputs.sep_tags = text(self, "sep-tags");
        inputs.sep_labels = text(self, "sep-labels");
        inputs.sep_annotations = text(self, "sep-annotations");
        inputs.bake_target = text(self, "bake-target");
        if let Some(v) = m.get("images") {
            inputs.images = self.list(v, &path.raw("images"), Self::image_line)?;
        }
        if let Some(v) = m.get("tags") {
            inputs.tags = self.list(v, &path.raw("tags"), Self::tag_line)?;
        }
        if let Some(v) = m.get("flavor") {
            inputs.flavor = match v {
                Value::Object(f) => {
                    ListInput::Lines(vec![self.flavor_line(f, &path.raw("flavor"))?])
                }
                _ => self.list(v, &path.raw("flavor"), |l, _, p| {
                    l.problem(
                        ProblemCode::WrongType,
                        p,
                        "a flavor line is a string".into(),
                    );
                    None
                })?,
            };
        }
        for key in ["labels", "annotations"] {
            let Some(v) = m.get(key) else { continue };
            let p = path.raw(key);
            let lines = match v {
                Value::Object(o) => {
                    let mut lines = Vec::new();
                    for (k, val) in o {
                        let vp = p.key(k);
                        if k.is_empty() || k.contains(['=', '\n']) {
                            self.problem(ProblemCode::InvalidName, &vp, format!("`{k}` cannot be a {key} key (empty, or holds `=` or a newline)"));
                            continue;
                        }
                        if let Some(s) = self.string(val, &vp) {
                            lines.push(format!("{k}={s}"));
                        }
                    }
                    ListInput::Lines(lines)
                }
                _ => self.list(v, &p, |l, _, p| {
                    l.problem(
                        ProblemCode::WrongType,
                        p,
                        "a label or annotation line is a string".into(),
                    );
                    None
                })?,
            };
            if key == "labels" {
                inputs.labels = lines;
            } else {
                inputs.annotations = lines;
            }
        }
        if let Err((which, message)) = check_inputs(&inputs) {
            self.problem(
                ProblemCode::InvalidMetadataAction,
                &path.raw(which),
                message,
            );
            return None;
        }
        Some(inputs)
    }

    /// A string (the input's text) or an array of lines, each a string or
    /// an object `object_line` turns into a line.
    fn list(
        &mut self,
        v: &Value,
        path: &Path<'_>,
        object_line: fn(&mut Self, &Map, &Path<'_>) -> Option<String>,
    ) -> Option<ListInput> {
        if let Value::String(s) = v {
            return Some(ListInput::Text(s.to_string()));
        }
        let items = self.array(v, path)?;
        let mut lines = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = path.index(i);
            let line = match item {
                Value::String(s) => Some(s.to_string()),
                Value::Object(o) => object_line(self, o, &p),
                other => {
                    self.problem(
                        ProblemCode::WrongType,
                        &p,
                        format!("expected a string or an object, found {}", other.kind()),
                    );
                    None
                }
            };
            match line {
                Some(l) => lines.push(l),
                None => ok = false,
            }
        }
        ok.then_some(ListInput::Lines(lines))
    }

    /// `{"type": "semver", "pattern": "{{version}}", …}` as a tag line.
    fn tag_line(&mut self, o: &Map, path: &Path<'_>) -> Option<String> {
        let mut keys = vec!["type"];
        keys.extend_from_slice(TAG_ATTRS);
        self.check_keys(o, path, &keys);
        let kind = self
            .require(o, "type", path)
            .and_then(|v| self.string(v, &path.raw("type")))?;
        let mut fields = vec![field("type", kind)];
        for (k, v) in o {
            if k == "type" || !TAG_ATTRS.contains(&k) {
                continue;
            }
            let vp = path.key(k);
            let text = match v {
                Value::String(s) => s.to_string(),
                Value::Bool(b) if k == "enable" => b.to_string(),
                Value::Number(n) if k == "priority" || k == "group" => n.to_string(),
                other => {
                    self.problem(
                        ProblemCode::WrongType,
                        &vp,
                        format!("expected a string, found {}", other.kind()),
                    );
                    return None;
                }
            };
            fields.push(field(k, &text));
        }
        Some(fields.join(","))
    }

    /// `{"name": "ghcr.io/o/app", "enable": false}` as an image line.
    fn image_line(&mut self, o: &Map, path: &Path<'_>) -> Option<String> {
        self.check_keys(o, path, &["name", "enable"]);
        let name = self
            .require(o, "name", path)
            .and_then(|v| self.string(v, &path.raw("name")))?;
        let mut line = field("name", name);
        if let Some(v) = o.get("enable") {
            let enable = self.boolean(v, &path.raw("enable"))?;
            line.push(',');
            line.push_str(&field("enable", &enable.to_string()));
        }
        Some(line)
    }

    /// `{"latest": "auto", "prefix": "v", "prefix_onlatest": true, …}` as a
    /// flavor line.
    fn flavor_line(&mut self, o: &Map, path: &Path<'_>) -> Option<String> {
        self.check_keys(
            o,
            path,
            &[
                "latest",
                "prefix",
                "prefix_onlatest",
                "suffix",
                "suffix_onlatest",
            ],
        );
        let mut fields = Vec::new();
        if let Some(v) = o.get("latest") {
            let latest = match v {
                Value::Bool(b) => b.to_string(),
                Value::String(s) => s.to_string(),
                other => {
                    self.problem(
                        ProblemCode::WrongType,
                        &path.raw("latest"),
                        format!("expected `auto`, true or false, found {}", other.kind()),
                    );
                    return None;
                }
            };
            fields.push(field("latest", &latest));
        }
        for key in ["prefix", "suffix"] {
            if let Some(v) = o.get(key) {
                let s = self.string(v, &path.raw(key))?;
                fields.push(field(key, s));
                let on = format!("{key}_onlatest");
                if let Some(v) = o.get(&on) {
                    let b = self.boolean(v, &path.raw(&on))?;
                    fields.push(field("onlatest", &b.to_string()));
                }
            } else if o.contains_key(&format!("{key}_onlatest")) {
                self.problem(
                    ProblemCode::MissingKey,
                    path,
                    format!("`{key}_onlatest` needs `{key}`"),
                );
                return None;
            }
        }
        Some(fields.join(","))
    }
}

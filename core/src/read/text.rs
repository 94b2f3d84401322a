//! Structured input text: JSON or multi-document YAML, split into
//! documents that each know the line they start on and, when it could be
//! had, their tree with positions, so artifacts read from them carry the
//! line they came from.
//!
//! This is the one place imprint turns YAML into JSON values: the CLI, the
//! WebAssembly package, the page and JavaScript hosts all read a manifest
//! through it ([`read_text`], the `read` op), so a merge key or an odd
//! scalar reads the same everywhere.
//!
//! Which syntax a text is: a name ending `.yaml`/`.yml` is YAML; otherwise
//! the text is tried as JSON first, and text that fails as JSON is an
//! invalid-JSON error when the name ends `.json` or the text starts with
//! `{` or `[`, else it is read as YAML (JSON is YAML 1.2, but reading it as
//! JSON keeps `serde_json`'s numbers and messages).

use super::yaml::{resolve_merges, to_json, Locator};
use super::{read_json_value, ReadError};
use crate::artifact::Artifact;
use saphyr::{LoadableYamlNode, MarkedYaml};
use serde_json::Value;

/// JSON texts up to this size are also read as YAML trees, for the lines
/// artifacts come from; larger ones are read without lines (a tree with
/// positions costs several times the text).
pub const LOCATE_LIMIT: usize = 16 << 20;

/// One JSON value or YAML document of a text.
pub struct Document<'a> {
    /// The document as a JSON value (YAML merge keys resolved).
    pub value: Value,
    /// 1-based line where the document starts.
    pub line: u32,
    node: Option<MarkedYaml<'a>>,
}

impl Document<'_> {
    /// Gives each of `artifacts` (read from this document) `file` and the
    /// line it came from: a container's `image:` line, the start of an
    /// inspect record, index entry or Kubernetes object, else the start of
    /// the document.
    pub fn place(&self, artifacts: &mut [Artifact], file: Option<&str>) {
        let mut locator = self.node.as_ref().map(Locator::new);
        for a in artifacts {
            a.file = file.map(str::to_owned);
            let found = locator.as_mut().and_then(|l| l.locate(a));
            a.line = Some(found.unwrap_or(self.line));
        }
    }
}

fn is_yaml_name(name: Option<&str>) -> bool {
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    matches!(ext.as_deref(), Some("yaml" | "yml"))
}

fn is_json_name(name: Option<&str>) -> bool {
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    ext.as_deref() == Some("json")
}

/// The documents of `text` (a leading byte-order mark is skipped), JSON or
/// YAML as the module docs say; `name` is the file name, if any.
///
/// Errors: `invalid JSON: …` or `invalid YAML: …` with the line and column
/// where the parser stopped.
pub fn documents<'a>(text: &'a str, name: Option<&str>) -> Result<Vec<Document<'a>>, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !is_yaml_name(name) {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => {
                let start = text.len() - text.trim_start().len();
                let line = line_at(text, start);
                // Positions come from reading the text again as YAML (JSON
                // is YAML 1.2); when that fails there are no lines.
                let node = (text.len() <= LOCATE_LIMIT)
                    .then(|| MarkedYaml::load_from_str(text).ok())
                    .flatten()
                    .and_then(|docs| docs.into_iter().next());
                return Ok(vec![Document { value, line, node }]);
            }
            Err(e) => {
                if is_json_name(name) || text.trim_start().starts_with(['{', '[']) {
                    let msg = e.to_string();
                    let msg = msg.split(" at line ").next().unwrap_or(&msg);
                    return Err(ReadError {
                        message: format!("invalid JSON: {msg}"),
                        line: u32::try_from(e.line()).ok().filter(|l| *l > 0),
                        column: u32::try_from(e.column()).ok().filter(|c| *c > 0),
                    });
                }
            }
        }
    }
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        let m = e.marker();
        ReadError {
            message: format!("invalid YAML: {}", e.info()),
            line: u32::try_from(m.line()).ok(),
            column: u32::try_from(m.col() + 1).ok(),
        }
    })?;
    docs.into_iter()
        .map(|node| {
            let line = u32::try_from(node.span.start.line()).unwrap_or(u32::MAX);
            let bad = |(l, msg): (usize, String)| ReadError {
                message: format!("invalid YAML: {msg}"),
                line: u32::try_from(l).ok(),
                column: None,
            };
            // Merge keys are resolved for YAML only: in JSON a `"<<"` key
            // is quoted, which kubectl does not take as a merge.
            let node = resolve_merges(node).map_err(bad)?;
            let value = to_json(&node, 0).map_err(bad)?;
            Ok(Document {
                value,
                line,
                node: Some(node),
            })
        })
        .collect()
}

/// Reads every document of `text` (JSON or YAML, any supported kind, as
/// [`read_json_value`]) into artifacts that carry `file` and their line.
/// Empty and null documents give nothing.
///
/// Errors: the text's syntax, or the first document that cannot be read,
/// with its line.
pub fn read_text(text: &str, file: Option<&str>) -> Result<Vec<Artifact>, ReadError> {
    let mut out = Vec::new();
    for doc in documents(text, file)? {
        if doc.value.is_null() {
            continue;
        }
        let mut artifacts = read_json_value(&doc.value, file).map_err(|mut e| {
            e.line = e.line.or(Some(doc.line));
            e
        })?;
        doc.place(&mut artifacts, file);
        out.extend(artifacts);
    }
    Ok(out)
}

/// 1-based line of byte `at`.
fn line_at(text: &str, at: usize) -> u32 {
    let newlines = text
        .as_bytes()
        .get(..at)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, file: Option<&str>) -> Vec<(String, Option<u32>)> {
        match read_text(text, file) {
            Ok(a) => a.into_iter().map(|a| (a.name, a.line)).collect(),
            Err(e) => vec![(format!("error: {e}"), e.line)],
        }
    }

    #[test]
    fn yaml_documents_give_their_containers_image_lines() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    image: app:1\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n  - name: c\n    image: app:2\n";
        assert_eq!(
            lines(text, Some("pods.yaml")),
            vec![
                ("Pod/a container c".to_owned(), Some(7)),
                ("Pod/b container c".to_owned(), Some(15))
            ]
        );
        // Without a name, text that is not JSON is read as YAML.
        assert_eq!(lines(text, None).len(), 2);
    }

    #[test]
    fn merge_keys_are_resolved_in_yaml_only() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nbase: &b {name: c, image: app:1}\nspec:\n  containers:\n  - <<: *b\n    name: web\n";
        let a = read_text(yaml, None).unwrap_or_default();
        assert_eq!(a.len(), 1);
        assert_eq!(
            a.first().and_then(|a| a.reference.as_deref()),
            Some("app:1")
        );
        let json = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"<<":{"image":"x"},"name":"web","image":"app:1"}]}}"#;
        assert!(read_text(json, None).is_ok());
    }

    #[test]
    fn syntax_errors_have_lines_and_columns() {
        let e = documents("{\n  \"a\": ,\n}", None).err();
        assert_eq!(
            e.as_ref().map(|e| (e.line, e.column)),
            Some((Some(2), Some(8)))
        );
        assert!(e.is_some_and(|e| e.message.starts_with("invalid JSON: ")));
        let e = documents("a: [1,\nb: c\n", Some("x.yaml")).err();
        assert!(e.is_some_and(|e| e.message.starts_with("invalid YAML: ") && e.line.is_some()));
        // A `.json` name makes any bad text a JSON error.
        let e = documents("a: b", Some("x.json")).err();
        assert!(e.is_some_and(|e| e.message.starts_with("invalid JSON: ")));
    }

    #[test]
    fn empty_and_null_documents_give_nothing() {
        assert_eq!(lines("", Some("e.yaml")), vec![]);
        assert_eq!(lines("---\n~\n---\n", None), vec![]);
    }
}

//! Renders a check report: for people, as JSON, as GitHub workflow
//! annotations, and as SARIF 2.1.0 for code scanning.

use imprint_core::check::{CheckReport, Severity};
use imprint_core::Policy;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// Output formats of `imprint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Findings grouped by artifact, errors first.
    Human,
    /// The whole report as JSON.
    Json,
    /// GitHub workflow commands (`::error file=…,line=…::…`).
    Github,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Human output.
pub fn human(r: &CheckReport) -> String {
    let mut out = String::new();
    for a in &r.artifacts {
        let mut where_ = a.kind.to_string();
        if a.reference.as_deref() != Some(&*a.name) {
            where_.push(' ');
            where_.push_str(&a.name);
        }
        if let Some(f) = &a.file {
            let _ = write!(where_, ", {f}");
            if let Some(l) = a.line {
                let _ = write!(where_, ":{l}");
            }
        }
        let title: &str = a.reference.as_deref().unwrap_or(&a.name);
        let _ = write!(out, "{title}  ({where_})");
        if let Some(c) = &a.channel {
            let _ = write!(out, "  channel: {c}");
        }
        out.push('\n');
        if a.findings.is_empty() {
            out.push_str("  ok\n");
        }
        for f in &a.findings {
            let _ = writeln!(
                out,
                "  {:<7} {}  {}",
                severity_word(f.severity),
                f.rule,
                f.message
            );
        }
    }
    let plural = |n: u32, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "{}, {} in {}",
        plural(r.errors, "error"),
        plural(r.warnings, "warning"),
        plural(
            u32::try_from(r.artifacts.len()).unwrap_or(u32::MAX),
            "artifact"
        )
    );
    if !r.skipped_rules.is_empty() {
        let _ = writeln!(
            out,
            "skipped (they compare with derived values; pass --derive): {}",
            r.skipped_rules.join(", ")
        );
    }
    out
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub workflow annotations, one line per finding.
pub fn github(r: &CheckReport) -> String {
    let mut out = String::new();
    for a in &r.artifacts {
        for f in &a.findings {
            let mut props = Vec::new();
            if let Some(file) = &f.file {
                props.push(format!("file={}", gh_escape_prop(file)));
                if let Some(l) = f.line {
                    props.push(format!("line={l}"));
                }
            }
            props.push(format!(
                "title={}",
                gh_escape_prop(&format!("{} ({})", f.rule, a.name))
            ));
            let _ = writeln!(
                out,
                "::{} {}::{}",
                severity_word(f.severity),
                props.join(","),
                gh_escape_data(&f.message)
            );
        }
    }
    out
}

/// SARIF 2.1.0.
pub fn sarif(r: &CheckReport, policy: &Policy) -> String {
    let mut rules: Vec<Value> = policy
        .rules()
        .map(|(id, d)| {
            let text = if d.is_empty() { id } else { d };
            json!({ "id": id, "shortDescription": { "text": text } })
        })
        .collect();
    rules.push(json!({ "id": "invalid-reference", "shortDescription": { "text": "an image reference that is not a valid OCI reference" } }));
    let results: Vec<Value> = r
        .artifacts
        .iter()
        .flat_map(|a| a.findings.iter().map(move |f| (a, f)))
        .map(|(a, f)| {
            let mut loc = json!({ "logicalLocations": [{ "name": a.name, "kind": a.kind }] });
            if let Some(file) = &f.file {
                let mut phys = json!({ "artifactLocation": { "uri": file } });
                if let Some(l) = f.line {
                    phys["region"] = json!({ "startLine": l });
                }
                loc["physicalLocation"] = phys;
            }
            json!({
                "ruleId": f.rule,
                "level": severity_word(f.severity),
                "message": { "text": format!("{}: {}", a.name, f.message) },
                "locations": [loc],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "imprint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/imprint-dev/imprint",
                "rules": rules,
            } },
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Renders `r` in `format`.
pub fn render(r: &CheckReport, policy: &Policy, format: CheckFormat) -> String {
    match format {
        CheckFormat::Human => human(r),
        CheckFormat::Json => {
            let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
            s.push('\n');
            s
        }
        CheckFormat::Github => github(r),
        CheckFormat::Sarif => sarif(r, policy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(gh_escape_data("50%\na"), "50%25%0Aa");
        assert_eq!(gh_escape_prop("a:b,c"), "a%3Ab%2Cc");
    }
}

//! Renders a check report: for people, as JSON, as GitHub workflow
//! annotations, and as SARIF 2.1.0 for code scanning.

use imprint_core::check::{CheckReport, Severity};
use imprint_core::Policy;
use serde_json::{json, Value};
use std::borrow::Cow;
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

/// Whether `c` must not reach a terminal or log raw: control characters
/// (C0, DEL, C1: newlines, escape sequences, OSC-8 links), line and
/// paragraph separators, and bidirectional overrides and isolates.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_ascii() => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// `s` for human output: control characters (C0, DEL, C1), line and
/// paragraph separators and bidirectional overrides and isolates show as
/// escapes (`\n`, `\x1b`, `\u{202e}`), so text from an artifact (a label,
/// a container name, a file name) can neither forge a line nor send
/// terminal escapes or links.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Human output. Text from artifacts and policies is shown with
/// [`visible`].
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
        let _ = write!(out, "{}  ({})", visible(title), visible(&where_));
        if let Some(c) = &a.channel {
            let _ = write!(out, "  channel: {}", visible(c));
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
                visible(&f.rule),
                visible(&f.message)
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
            visible(&r.skipped_rules.join(", "))
        );
    }
    out
}

/// Workflow-command data: `%`, CR and LF as the runner's `%25`, `%0D`,
/// `%0A` (so no value can end the command and start another), other
/// characters [`needs_escape`] shown escaped as in [`visible`].
fn gh_escape_data(s: &str) -> String {
    gh_escape(s, false)
}

/// A workflow-command property: as [`gh_escape_data`], and `:` and `,`
/// as `%3A` and `%2C`.
fn gh_escape_prop(s: &str) -> String {
    gh_escape(s, true)
}

fn gh_escape(s: &str, prop: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if prop => out.push_str("%3A"),
            ',' if prop => out.push_str("%2C"),
            c if needs_escape(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// `path` as a URI reference: every byte but RFC 3986's unreserved
/// characters and `/` percent-encoded (a space, `#`, `%` or `?` in a file
/// name would otherwise make SARIF's `artifactLocation.uri` invalid or
/// point elsewhere).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
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
                let mut phys = json!({ "artifactLocation": { "uri": uri_path(file) } });
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
        assert_eq!(
            gh_escape_data("\u{1b}]8;;x\u{7}\r\u{202e}"),
            "\\x1b]8;;x\\x07%0D\\u{202e}"
        );
    }

    #[test]
    fn visible_escapes_controls_only() {
        assert_eq!(visible("plain ü/é"), "plain ü/é");
        assert_eq!(
            visible("a\n  channel\tb\u{1b}[31m\u{9b}\u{2066}"),
            "a\\n  channel\\tb\\x1b[31m\\u{9b}\\u{2066}"
        );
    }

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path("deploy/x402.yaml"), "deploy/x402.yaml");
        assert_eq!(uri_path("a b#c%d?.yaml"), "a%20b%23c%25d%3F.yaml");
        assert_eq!(uri_path("ü:x"), "%C3%BC%3Ax");
    }
}

//! The formats of a check report: `human` (findings grouped by artifact),
//! `json`, `github` (workflow-command annotations), `sarif` (SARIF 2.1.0
//! for code scanning) and `markdown` (a build annotation: Buildkite's
//! `buildkite-agent annotate`, a merge request comment).

use super::text::{needs_escape, push_escaped, visible};
use super::{parse_name, severity_word};
use crate::check::CheckReport;
use crate::Policy;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// An output format of `imprint check`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    /// Findings grouped by artifact, for people; artifact text escaped.
    Human,
    /// The report as pretty-printed JSON.
    Json,
    /// GitHub workflow commands (`::error file=…,line=…::…`).
    Github,
    /// SARIF 2.1.0.
    Sarif,
    /// A Markdown summary and table of findings, for a build annotation.
    Markdown,
    /// GitLab's Code Quality report (JSON), shown in merge requests.
    Codequality,
}

impl ReportFormat {
    /// Every format, by name.
    pub const ALL: [(&'static str, Self); 6] = [
        ("human", Self::Human),
        ("json", Self::Json),
        ("github", Self::Github),
        ("sarif", Self::Sarif),
        ("markdown", Self::Markdown),
        ("codequality", Self::Codequality),
    ];

    /// The format called `name`.
    pub fn from_name(name: &str) -> Result<Self, String> {
        parse_name(name, &Self::ALL)
    }
}

/// Renders `r` (checked against `policy`) in `format`.
pub fn render_report(r: &CheckReport<'_>, policy: &Policy, format: ReportFormat) -> String {
    match format {
        ReportFormat::Human => human(r),
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
            s.push('\n');
            s
        }
        ReportFormat::Github => github(r),
        ReportFormat::Sarif => sarif(r, policy),
        ReportFormat::Markdown => markdown(r),
        ReportFormat::Codequality => codequality(r),
    }
}

/// 64-bit FNV-1a of `parts` (separated by NUL), as 16 hex digits: a
/// fingerprint that stays the same while a finding does.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// GitLab Code Quality: one issue per finding (`description`, `check_name`
/// the rule, `fingerprint`, `severity` `major` for an error and `minor` for
/// a warning, `location` the artifact's file and line, or its name and
/// line 1 when it was not read from a file).
fn codequality(r: &CheckReport<'_>) -> String {
    let issues: Vec<Value> = r
        .artifacts
        .iter()
        .flat_map(|a| {
            a.findings.iter().map(move |f| {
                let path = f.file.as_deref().unwrap_or(&a.name);
                let line = f.line.unwrap_or(1);
                let severity = if severity_word(f.severity) == "error" { "major" } else { "minor" };
                json!({
                    "description": f.message,
                    "check_name": f.rule,
                    "fingerprint": fingerprint(&[&f.rule, &a.name, path, &line.to_string(), &f.message]),
                    "severity": severity,
                    "location": { "path": path, "lines": { "begin": line } },
                })
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_default();
    s.push('\n');
    s
}

/// Text for a Markdown table cell: control characters shown escaped (as
/// `human` shows them), and every character Markdown or HTML would read
/// (`\ ` `` ` `` `*` `_` `[` `]` `<` `>` `|` `#` `!` `~` `&`) backslash-escaped, so
/// a label cannot forge a link, an image, a cell or markup.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in visible(s).chars() {
        if "\\`*_[]<>|#!~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A summary line, then one table row per finding (errors first within
/// each artifact, artifacts in input order); artifacts without findings
/// are counted, not listed.
fn markdown(r: &CheckReport<'_>) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mut out = format!(
        "**imprint check** (policy {}): {}, {} in {}\n",
        md(&r.policy),
        plural(r.errors as usize, "error"),
        plural(r.warnings as usize, "warning"),
        plural(r.artifacts.len(), "artifact")
    );
    let rows: Vec<String> = r
        .artifacts
        .iter()
        .flat_map(|a| {
            a.findings.iter().map(move |f| {
                let place = match (&f.file, f.line) {
                    (Some(file), Some(l)) => format!(" ({}:{l})", md(file)),
                    (Some(file), None) => format!(" ({})", md(file)),
                    _ => String::new(),
                };
                format!(
                    "| {} | {}{place} | {} | {} |\n",
                    severity_word(f.severity),
                    md(a.reference.as_deref().unwrap_or(&a.name)),
                    md(&f.rule),
                    md(&f.message)
                )
            })
        })
        .collect();
    if !rows.is_empty() {
        out.push_str("\n| severity | artifact | rule | finding |\n|---|---|---|---|\n");
        out.extend(rows);
    }
    if !r.skipped_rules.is_empty() {
        let _ = writeln!(
            out,
            "\nSkipped (they compare with derived values; pass `--derive`): {}",
            md(&r.skipped_rules.join(", "))
        );
    }
    out
}

/// The report for people. Text from artifacts (names, channels, messages
/// that quote labels) is shown with [`visible`], so a label cannot forge a
/// line or send terminal escapes.
fn human(r: &CheckReport<'_>) -> String {
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

/// Escapes text for a GitHub workflow command: `%`, CR and LF as GitHub
/// decodes them, `:` and `,` too in a property, and other control
/// characters shown escaped (GitHub would pass them to the log).
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

/// A relative path as a URI reference (RFC 3986): unreserved characters
/// and `/` as they are, every other byte percent-encoded, so a space, `#`
/// or `%` in a file name keeps the SARIF document valid.
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

/// One annotation per finding.
fn github(r: &CheckReport<'_>) -> String {
    let mut out = String::new();
    for a in &r.artifacts {
        for f in &a.findings {
            let mut props = Vec::new();
            if let Some(file) = &f.file {
                props.push(format!("file={}", gh_escape(file, true)));
                if let Some(l) = f.line {
                    props.push(format!("line={l}"));
                }
            }
            props.push(format!(
                "title={}",
                gh_escape(&format!("{} ({})", f.rule, a.name), true)
            ));
            let _ = writeln!(
                out,
                "::{} {}::{}",
                severity_word(f.severity),
                props.join(","),
                gh_escape(&f.message, false)
            );
        }
    }
    out
}

/// SARIF 2.1.0: the policy's rules as the tool's rules, one result per finding.
fn sarif(r: &CheckReport<'_>, policy: &Policy) -> String {
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
            let mut loc = serde_json::Map::new();
            loc.insert(
                "logicalLocations".into(),
                json!([{ "name": a.name, "kind": a.kind }]),
            );
            if let Some(file) = &f.file {
                let mut phys = serde_json::Map::new();
                phys.insert("artifactLocation".into(), json!({ "uri": uri_path(file) }));
                if let Some(l) = f.line {
                    phys.insert("region".into(), json!({ "startLine": l }));
                }
                loc.insert("physicalLocation".into(), Value::Object(phys));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(gh_escape("50%\na", false), "50%25%0Aa");
        assert_eq!(gh_escape("a:b,c", true), "a%3Ab%2Cc");
        assert_eq!(
            gh_escape("\u{1b}]8;;x\u{7}\r\u{202e}", false),
            "\\x1b]8;;x\\x07%0D\\u{202e}"
        );
    }

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path("deploy/x402.yaml"), "deploy/x402.yaml");
        assert_eq!(uri_path("a b#c%d?.yaml"), "a%20b%23c%25d%3F.yaml");
        assert_eq!(uri_path("ü:x"), "%C3%BC%3Ax");
    }
}

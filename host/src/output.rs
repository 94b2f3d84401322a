//! Renders a [`Derivation`] in the formats CI systems consume.

use crate::error::HostError;
use imprint_core::Derivation;
use std::fmt::Write as _;

/// Output formats of `imprint derive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Docker build arguments as shell words: `--build-arg K=V … --tag REF `,
    /// quoted so `eval "set -- $(imprint derive …)"` gives every word back.
    Shell,
    /// The whole derivation as JSON (values, tags, build_args, labels, env,
    /// ldflags, persist, trace).
    Json,
    /// `name=value` lines for `$GITHUB_OUTPUT` (heredoc form for multi-line values).
    Github,
    /// `NAME=value` lines (values upper-cased), shell-quoted where needed.
    Dotenv,
    /// A `docker buildx bake` JSON file.
    Bake,
    /// The Go `-X` linker flags as one `-ldflags` argument.
    Ldflags,
}

/// Whether a word needs no quoting in POSIX shells.
fn shell_safe(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'_' | b'@' | b'%' | b'+' | b'=' | b':' | b',' | b'.' | b'/' | b'-'
                )
        })
}

/// Quotes `s` as one POSIX shell word; safe words are left as they are.
///
/// ```
/// assert_eq!(imprint_host::output::shell_quote("abc"), "abc");
/// assert_eq!(imprint_host::output::shell_quote("a b"), "'a b'");
/// assert_eq!(imprint_host::output::shell_quote("it's"), "'it'\\''s'");
/// assert_eq!(imprint_host::output::shell_quote(""), "''");
/// ```
pub fn shell_quote(s: &str) -> String {
    if shell_safe(s) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The `shell` format: each word followed by one space, no newline (the
/// exact layout of vLLM's `docker-build-metadata-args.sh`).
pub fn shell(d: &Derivation) -> String {
    let mut out = String::new();
    for a in &d.build_args {
        out.push_str("--build-arg ");
        out.push_str(&shell_quote(&format!("{}={}", a.name, a.value)));
        out.push(' ');
    }
    for t in &d.tags {
        out.push_str("--tag ");
        out.push_str(&shell_quote(t));
        out.push(' ');
    }
    out
}

fn github_line(out: &mut String, name: &str, value: &str) {
    if value.contains(['\n', '\r']) {
        let mut delim = "IMPRINT_EOF".to_owned();
        let mut n = 0;
        while value.lines().any(|l| l == delim) {
            n += 1;
            delim = format!("IMPRINT_EOF_{n}");
        }
        let _ = writeln!(out, "{name}<<{delim}\n{value}\n{delim}");
    } else {
        let _ = writeln!(out, "{name}={value}");
    }
}

/// The `github` format: every value, then `tags`, `build_args`, `labels`
/// and `ldflags` as newline-separated lists.
pub fn github(d: &Derivation) -> String {
    let mut out = String::new();
    for (k, v) in &d.values.0 {
        github_line(&mut out, k, v);
    }
    let join = |items: Vec<String>| items.join("\n");
    github_line(
        &mut out,
        "tags",
        &join(d.tags.iter().map(|t| t.to_string()).collect()),
    );
    github_line(
        &mut out,
        "build_args",
        &join(
            d.build_args
                .iter()
                .map(|a| format!("{}={}", a.name, a.value))
                .collect(),
        ),
    );
    github_line(
        &mut out,
        "labels",
        &join(d.labels.0.iter().map(|(k, v)| format!("{k}={v}")).collect()),
    );
    github_line(&mut out, "ldflags", &ldflags_text(d).unwrap_or_default());
    out
}

/// The `dotenv` format: `NAME=value` per value, name upper-cased.
pub fn dotenv(d: &Derivation) -> String {
    let mut out = String::new();
    for (k, v) in &d.values.0 {
        let _ = writeln!(
            out,
            "{}={}",
            k.to_ascii_uppercase(),
            if v.is_empty() {
                String::new()
            } else {
                shell_quote(v)
            }
        );
    }
    out
}

/// The `bake` format: a `docker buildx bake` file with one target.
pub fn bake(d: &Derivation) -> String {
    let args: serde_json::Map<String, serde_json::Value> = d
        .build_args
        .iter()
        .map(|a| (a.name.to_string(), a.value.to_string().into()))
        .collect();
    let labels: serde_json::Map<String, serde_json::Value> = d
        .labels
        .0
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string().into()))
        .collect();
    let target = serde_json::json!({ "args": args, "tags": d.tags, "labels": labels });
    let doc = serde_json::json!({ "target": { d.bake_target.to_string(): target } });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Quotes one `sym=value` for Go's `-ldflags` splitter, which honours
/// single and double quotes but no escapes.
fn go_flag_word(s: &str) -> Result<String, HostError> {
    if !s.contains([' ', '\t', '\n', '\r', '\'', '"']) {
        Ok(s.to_owned())
    } else if !s.contains('\'') {
        Ok(format!("'{s}'"))
    } else if !s.contains('"') {
        Ok(format!("\"{s}\""))
    } else {
        Err(HostError::Usage(format!(
            "linker flag `{}` holds both quote characters and cannot be passed to -ldflags",
            s.escape_debug()
        )))
    }
}

/// The `-X sym=value …` text.
pub fn ldflags_text(d: &Derivation) -> Result<String, HostError> {
    let mut words = Vec::with_capacity(d.ldflags.len() * 2);
    for f in &d.ldflags {
        words.push("-X".to_owned());
        words.push(go_flag_word(&format!("{}={}", f.symbol, f.value))?);
    }
    Ok(words.join(" "))
}

/// Renders `d` in `format`.
pub fn render(d: &Derivation, format: Format) -> Result<String, HostError> {
    Ok(match format {
        Format::Shell => shell(d),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Github => github(d),
        Format::Dotenv => dotenv(d),
        Format::Bake => bake(d),
        Format::Ldflags => {
            let mut s = ldflags_text(d)?;
            s.push('\n');
            s
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_words() {
        assert_eq!(go_flag_word("m.v=1").unwrap(), "m.v=1");
        assert_eq!(go_flag_word("m.v=a b").unwrap(), "'m.v=a b'");
        assert_eq!(go_flag_word("m.v=it's x").unwrap(), "\"m.v=it's x\"");
        assert!(go_flag_word("m.v='\"").is_err());
    }

    #[test]
    fn github_heredoc_delimiter_avoids_collisions() {
        let mut out = String::new();
        github_line(&mut out, "v", "a\nIMPRINT_EOF\nb");
        assert_eq!(out, "v<<IMPRINT_EOF_1\na\nIMPRINT_EOF\nb\nIMPRINT_EOF_1\n");
    }
}

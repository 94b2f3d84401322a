//! Renders a [`Derivation`] in the formats CI systems consume.

use crate::error::HostError;
use imprint_core::Derivation;
use std::fmt::Write as _;

/// Output formats of `imprint derive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Docker build arguments as words for an unquoted `$(imprint derive …)`:
    /// `--build-arg K=V … --tag REF `. A word that the shell would split or
    /// glob there (whitespace, `*`, `?`, `[`) is an error: use `shell-quoted`.
    Shell,
    /// The same words quoted as POSIX shell words, for
    /// `eval "set -- $(imprint derive -f shell-quoted …)"`: every value
    /// comes back as one word, unchanged.
    ShellQuoted,
    /// The whole derivation as JSON (values, tags, build_args, labels, env,
    /// ldflags, persist, trace).
    Json,
    /// `name=value` lines for `$GITHUB_OUTPUT` (heredoc form for multi-line
    /// values); `tags`, `build_args`, `labels` as newline-separated lists, so
    /// an item holding a newline is an error.
    Github,
    /// `NAME=value` lines (names upper-cased), shell-quoted where needed.
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

/// The docker words of a derivation: `(option, word, what)` for each build
/// arg and tag, `what` naming it for errors.
fn docker_words(d: &Derivation) -> Vec<(&'static str, String, String)> {
    let mut words = Vec::with_capacity(d.build_args.len() + d.tags.len());
    for a in &d.build_args {
        words.push((
            "--build-arg",
            format!("{}={}", a.name, a.value),
            format!("build arg `{}`", a.name),
        ));
    }
    for t in &d.tags {
        words.push((
            "--tag",
            t.to_string(),
            format!("tag `{}`", t.escape_debug()),
        ));
    }
    words
}

/// What an unquoted command substitution would do to `word` besides
/// passing it on: split it (default `IFS`) or expand it as a glob.
fn unquoted_hazard(word: &str) -> Option<&'static str> {
    if word.contains([' ', '\t', '\n']) {
        Some("holds whitespace, which an unquoted `$(imprint derive …)` splits into several docker arguments")
    } else if word.contains(['*', '?', '[']) {
        Some("holds a glob character (`*`, `?` or `[`), which an unquoted `$(imprint derive …)` expands against the current directory")
    } else {
        None
    }
}

/// The `shell` format: each word followed by one space, no newline (the
/// exact layout of vLLM's `docker-build-metadata-args.sh`), for use
/// unquoted in `docker build $(imprint derive …)`. Words are printed as
/// they are: the shell does not interpret quotes in a substitution's
/// output, so quoting would add characters. A word the shell would split
/// or glob there is refused.
pub fn shell(d: &Derivation) -> Result<String, HostError> {
    let mut out = String::new();
    for (option, word, what) in docker_words(d) {
        if let Some(hazard) = unquoted_hazard(&word) {
            return Err(HostError::Usage(format!(
                "--format shell: {what} (`{}`) {hazard}; use `--format shell-quoted` with `eval \"set -- $(imprint derive -f shell-quoted …)\"`, or `--format json`",
                word.escape_debug()
            )));
        }
        out.push_str(option);
        out.push(' ');
        out.push_str(&word);
        out.push(' ');
    }
    Ok(out)
}

/// The `shell-quoted` format: the words of [`shell`], each quoted as one
/// POSIX shell word, for `eval`.
pub fn shell_quoted(d: &Derivation) -> String {
    let mut out = String::new();
    for (option, word, _) in docker_words(d) {
        out.push_str(option);
        out.push(' ');
        out.push_str(&shell_quote(&word));
        out.push(' ');
    }
    out
}

/// Refuses output names that would collide once the consumer reads them:
/// `fold` maps a name as the consumer compares names (GitHub's contexts
/// and dotenv's upper-casing ignore case).
fn unique_names<'n>(
    format: &str,
    names: impl IntoIterator<Item = &'n str>,
    fold: impl Fn(&str) -> String,
) -> Result<(), HostError> {
    let mut seen: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    for n in names {
        if let Some(first) = seen.insert(fold(n), n) {
            return Err(HostError::Usage(format!(
                "--format {format}: `{first}` and `{n}` would be the same output name; rename one of the policy's values"
            )));
        }
    }
    Ok(())
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

/// The lists of the `github` format, after the values.
const GITHUB_LISTS: [&str; 4] = ["tags", "build_args", "labels", "ldflags"];

/// The `github` format: every value, then `tags`, `build_args`, `labels`
/// and `ldflags` as newline-separated lists. A list item holding a line
/// break would read as two items, and a value named like a list (or like
/// another value but for case) would shadow it: both are errors.
pub fn github(d: &Derivation) -> Result<String, HostError> {
    let names = d.values.0.iter().map(|(k, _)| &**k).chain(GITHUB_LISTS);
    unique_names("github", names, |n| n.to_ascii_lowercase())?;
    let items = d
        .tags
        .iter()
        .map(|t| (format!("tag `{}`", t.escape_debug()), t.to_string()))
        .chain(d.build_args.iter().map(|a| {
            (
                format!("build arg `{}`", a.name),
                format!("{}={}", a.name, a.value),
            )
        }))
        .chain(
            d.labels
                .0
                .iter()
                .map(|(k, v)| (format!("label `{k}`"), format!("{k}={v}"))),
        );
    for (what, item) in items {
        if item.contains(['\n', '\r']) {
            return Err(HostError::Usage(format!(
                "--format github: {what} holds a line break, which would read as several entries of a newline-separated list (`{}`); use `--format json`",
                item.escape_debug()
            )));
        }
    }
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
    github_line(&mut out, "ldflags", &ldflags_text(d)?);
    Ok(out)
}

/// The `dotenv` format: `NAME=value` per value, name upper-cased; two
/// values whose names differ only in case are an error.
pub fn dotenv(d: &Derivation) -> Result<String, HostError> {
    unique_names("dotenv", d.values.0.iter().map(|(k, _)| &**k), |n| {
        n.to_ascii_uppercase()
    })?;
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
    Ok(out)
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

/// Quotes one `sym=value` for Go's `-ldflags` splitter
/// (`cmd/internal/quoted.Split`): words are split at spaces, tabs and line
/// breaks; a word that *starts* with `'` or `"` runs to the next such quote,
/// with no escapes; quotes inside a word are literal.
fn go_flag_word(s: &str) -> Result<String, HostError> {
    let splits = s.contains([' ', '\t', '\n', '\r']);
    if !splits && !s.starts_with(['\'', '"']) {
        Ok(s.to_owned())
    } else if !s.contains('\'') {
        Ok(format!("'{s}'"))
    } else if !s.contains('"') {
        Ok(format!("\"{s}\""))
    } else {
        Err(HostError::Usage(format!(
            "linker flag `{}` holds whitespace and both quote characters, which Go's -ldflags cannot carry in one word",
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
        Format::Shell => shell(d)?,
        Format::ShellQuoted => shell_quoted(d),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Github => github(d)?,
        Format::Dotenv => dotenv(d)?,
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
        // Quotes inside a word are literal to Go's splitter (issue 11).
        assert_eq!(go_flag_word("m.v=a'b\"c").unwrap(), "m.v=a'b\"c");
        assert!(go_flag_word("m.v=' \"").is_err());
    }

    #[test]
    fn github_heredoc_delimiter_avoids_collisions() {
        let mut out = String::new();
        github_line(&mut out, "v", "a\nIMPRINT_EOF\nb");
        assert_eq!(out, "v<<IMPRINT_EOF_1\na\nIMPRINT_EOF\nb\nIMPRINT_EOF_1\n");
    }
}

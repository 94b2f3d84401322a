//! The output formats of a derivation: the bytes every host prints for
//! `imprint derive --format FORMAT`.
//!
//! Every format says exactly what was derived or refuses: a value a format
//! cannot carry unambiguously (a word an unquoted shell expansion would
//! split, a list item with a line break, two output names a consumer would
//! confuse) is an `unrenderable` [`DeriveError`] naming it.

use crate::error::{DeriveError, DeriveErrorCode};
use crate::Derivation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// An output format of `imprint derive`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputFormat {
    /// `--build-arg K=V … --tag REF ` words, printed as they are, for an
    /// unquoted `docker build $(imprint derive …)`: a word the shell would
    /// split or glob there is refused.
    Shell,
    /// The same words, each quoted as one POSIX shell word, for
    /// `eval "set -- $(imprint derive -f shell-quoted …)"`.
    ShellQuoted,
    /// The whole derivation as pretty-printed JSON.
    Json,
    /// `name=value` lines for `$GITHUB_OUTPUT`, then the lists `tags`,
    /// `build_args`, `labels` and `ldflags`, newline-separated.
    Github,
    /// `NAME=value` lines, names upper-cased, values shell-quoted.
    Dotenv,
    /// A `docker buildx bake` file with one target.
    Bake,
    /// The Go `-X` linker flags as one `-ldflags` argument.
    Ldflags,
    /// `NAME=value` lines as GitLab reads a `dotenv` report: names
    /// upper-cased, values raw (GitLab keeps quotes); a value GitLab cannot
    /// carry is refused.
    GitlabDotenv,
}

impl OutputFormat {
    /// Every format, by name.
    pub const ALL: [(&'static str, Self); 8] = [
        ("shell", Self::Shell),
        ("shell-quoted", Self::ShellQuoted),
        ("json", Self::Json),
        ("github", Self::Github),
        ("dotenv", Self::Dotenv),
        ("bake", Self::Bake),
        ("ldflags", Self::Ldflags),
        ("gitlab-dotenv", Self::GitlabDotenv),
    ];

    /// The format called `name`.
    pub fn from_name(name: &str) -> Result<Self, String> {
        super::parse_name(name, &Self::ALL)
    }

    /// The format's name as the CLI and the JSON boundary write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shell => "shell",
            Self::ShellQuoted => "shell-quoted",
            Self::Json => "json",
            Self::Github => "github",
            Self::Dotenv => "dotenv",
            Self::Bake => "bake",
            Self::Ldflags => "ldflags",
            Self::GitlabDotenv => "gitlab-dotenv",
        }
    }
}

/// Renders `d` in `format`: the exact text a host prints.
///
/// ```
/// use imprint_core::{derive, render, Context, OutputFormat, Policy};
/// let p = Policy::from_json(r#"{"name": "p", "values": {"v": {"from": [{"env": "V"}]}},
///   "outputs": {"build_args": [{"name": "V", "value": "{v}"}], "tags": ["x/app:1"]}}"#, "p")?;
/// let mut ctx = Context::default();
/// ctx.env.insert("V".into(), "a b".into());
/// let d = derive(&p, &ctx)?;
/// assert_eq!(render(&d, OutputFormat::ShellQuoted)?, "--build-arg 'V=a b' --tag x/app:1 ");
/// // Unquoted, `a b` would be two docker arguments: refused.
/// assert_eq!(render(&d, OutputFormat::Shell).unwrap_err().code.as_str(), "unrenderable");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(d: &Derivation<'_>, format: OutputFormat) -> Result<String, DeriveError> {
    Ok(match format {
        OutputFormat::Shell => shell(d)?,
        OutputFormat::ShellQuoted => shell_quoted(d),
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
            s.push('\n');
            s
        }
        OutputFormat::Github => github(d)?,
        OutputFormat::Dotenv => dotenv(d)?,
        OutputFormat::Bake => bake(d),
        OutputFormat::Ldflags => {
            let mut s = ldflags_text(d)?;
            s.push('\n');
            s
        }
        OutputFormat::GitlabDotenv => gitlab_dotenv(d)?,
    })
}

/// The largest `dotenv` report GitLab accepts, in bytes (every plan's
/// limit: 5 KiB).
pub const GITLAB_DOTENV_BYTES: usize = 5120;

/// The `gitlab-dotenv` format: one `NAME=value` line per value, names
/// upper-cased, values as they are. GitLab reads a dotenv report without
/// quoting or escapes, and drops what it cannot read, so a value holding a
/// line break or starting or ending with whitespace, names that differ
/// only in case, and a report over [`GITLAB_DOTENV_BYTES`] are errors.
fn gitlab_dotenv(d: &Derivation<'_>) -> Result<String, DeriveError> {
    let format = OutputFormat::GitlabDotenv;
    unique_names(format, d.values.0.iter().map(|(k, _)| &**k), |n| {
        n.to_ascii_uppercase()
    })?;
    let mut out = String::new();
    for (k, v) in &d.values.0 {
        let why = if v.contains(['\n', '\r']) {
            Some("holds a line break")
        } else if v.trim() != &**v {
            Some("starts or ends with whitespace, which GitLab would drop")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(unrenderable(
                format,
                k,
                format!("value `{k}` {why}: a GitLab dotenv report cannot carry it (`{}`); use `--format json`", v.escape_debug()),
            ));
        }
        let _ = writeln!(out, "{}={v}", k.to_ascii_uppercase());
    }
    if out.len() > GITLAB_DOTENV_BYTES {
        return Err(unrenderable(
            format,
            "",
            format!(
                "the report is {} bytes, more than the {GITLAB_DOTENV_BYTES} GitLab accepts in a dotenv report",
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// An `unrenderable` error about `subject`.
fn unrenderable(format: OutputFormat, subject: &str, message: String) -> DeriveError {
    DeriveError {
        code: DeriveErrorCode::Unrenderable,
        subject: subject.to_owned(),
        inputs: Vec::new(),
        message: format!("--format {}: {message}", format.as_str()),
    }
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
/// use imprint_core::shell_quote;
/// assert_eq!(shell_quote("abc"), "abc");
/// assert_eq!(shell_quote("a b"), "'a b'");
/// assert_eq!(shell_quote("it's"), "'it'\\''s'");
/// assert_eq!(shell_quote(""), "''");
/// ```
pub fn shell_quote(s: &str) -> String {
    if shell_safe(s) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// One docker word: its option, the word, and what it is (for errors).
struct DockerWord {
    option: &'static str,
    word: String,
    subject: String,
    what: String,
}

/// The docker words of a derivation, build args first, then tags.
fn docker_words(d: &Derivation<'_>) -> Vec<DockerWord> {
    let mut words = Vec::with_capacity(d.build_args.len() + d.tags.len());
    for a in &d.build_args {
        words.push(DockerWord {
            option: "--build-arg",
            word: format!("{}={}", a.name, a.value),
            subject: a.name.to_string(),
            what: format!("build arg `{}`", a.name),
        });
    }
    for t in &d.tags {
        words.push(DockerWord {
            option: "--tag",
            word: t.to_string(),
            subject: t.to_string(),
            what: format!("tag `{}`", t.escape_debug()),
        });
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
/// exact layout of vLLM's `docker-build-metadata-args.sh`). Words are
/// printed as they are: the shell does not interpret quotes in a
/// substitution's output, so quoting would add characters.
fn shell(d: &Derivation<'_>) -> Result<String, DeriveError> {
    let mut out = String::new();
    for w in docker_words(d) {
        if let Some(hazard) = unquoted_hazard(&w.word) {
            return Err(unrenderable(
                OutputFormat::Shell,
                &w.subject,
                format!(
                    "{} (`{}`) {hazard}; use `--format shell-quoted` with `eval \"set -- $(imprint derive -f shell-quoted …)\"`, or `--format json`",
                    w.what,
                    w.word.escape_debug()
                ),
            ));
        }
        let _ = write!(out, "{} {} ", w.option, w.word);
    }
    Ok(out)
}

/// The `shell-quoted` format: the words of [`shell`], each quoted.
fn shell_quoted(d: &Derivation<'_>) -> String {
    let mut out = String::new();
    for w in docker_words(d) {
        let _ = write!(out, "{} {} ", w.option, shell_quote(&w.word));
    }
    out
}

/// Refuses output names that would collide once the consumer reads them:
/// `fold` maps a name as the consumer compares names.
fn unique_names<'n>(
    format: OutputFormat,
    names: impl IntoIterator<Item = &'n str>,
    fold: impl Fn(&str) -> String,
) -> Result<(), DeriveError> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for n in names {
        if let Some(first) = seen.insert(fold(n), n) {
            return Err(unrenderable(
                format,
                n,
                format!("`{first}` and `{n}` would be the same output name; rename one of the policy's values"),
            ));
        }
    }
    Ok(())
}

/// One `$GITHUB_OUTPUT` entry: `name=value`, or the heredoc form with a
/// delimiter the value does not hold when it spans lines.
pub(crate) fn github_line(out: &mut String, name: &str, value: &str) {
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

/// The `github` format. A list item holding a line break would read as
/// two items, and a value named like a list (or like another value but for
/// case: GitHub's contexts ignore case) would shadow it: both are errors.
fn github(d: &Derivation<'_>) -> Result<String, DeriveError> {
    let names = d.values.0.iter().map(|(k, _)| &**k).chain(GITHUB_LISTS);
    unique_names(OutputFormat::Github, names, |n| n.to_ascii_lowercase())?;
    let items = d
        .tags
        .iter()
        .map(|t| {
            (
                t.to_string(),
                format!("tag `{}`", t.escape_debug()),
                t.to_string(),
            )
        })
        .chain(d.build_args.iter().map(|a| {
            (
                a.name.to_string(),
                format!("build arg `{}`", a.name),
                format!("{}={}", a.name, a.value),
            )
        }))
        .chain(
            d.labels
                .0
                .iter()
                .map(|(k, v)| (k.to_string(), format!("label `{k}`"), format!("{k}={v}"))),
        );
    for (subject, what, item) in items {
        if item.contains(['\n', '\r']) {
            return Err(unrenderable(
                OutputFormat::Github,
                &subject,
                format!(
                    "{what} holds a line break, which would read as several entries of a newline-separated list (`{}`); use `--format json`",
                    item.escape_debug()
                ),
            ));
        }
    }
    let mut out = String::new();
    for (k, v) in &d.values.0 {
        github_line(&mut out, k, v);
    }
    let tags: Vec<&str> = d.tags.iter().map(|t| &**t).collect();
    github_line(&mut out, "tags", &tags.join("\n"));
    let args: Vec<String> = d
        .build_args
        .iter()
        .map(|a| format!("{}={}", a.name, a.value))
        .collect();
    github_line(&mut out, "build_args", &args.join("\n"));
    let labels: Vec<String> = d.labels.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
    github_line(&mut out, "labels", &labels.join("\n"));
    github_line(&mut out, "ldflags", &ldflags_text(d)?);
    Ok(out)
}

/// The `dotenv` format: `NAME=value` per value, name upper-cased; two
/// values whose names differ only in case are an error.
fn dotenv(d: &Derivation<'_>) -> Result<String, DeriveError> {
    unique_names(
        OutputFormat::Dotenv,
        d.values.0.iter().map(|(k, _)| &**k),
        |n| n.to_ascii_uppercase(),
    )?;
    let mut out = String::new();
    for (k, v) in &d.values.0 {
        let value = if v.is_empty() {
            String::new()
        } else {
            shell_quote(v)
        };
        let _ = writeln!(out, "{}={value}", k.to_ascii_uppercase());
    }
    Ok(out)
}

/// The `bake` format: a `docker buildx bake` file with one target.
fn bake(d: &Derivation<'_>) -> String {
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
fn go_flag_word(s: &str) -> Option<String> {
    let splits = s.contains([' ', '\t', '\n', '\r']);
    if !splits && !s.starts_with(['\'', '"']) {
        Some(s.to_owned())
    } else if !s.contains('\'') {
        Some(format!("'{s}'"))
    } else if !s.contains('"') {
        Some(format!("\"{s}\""))
    } else {
        None
    }
}

/// The `-X sym=value …` text.
fn ldflags_text(d: &Derivation<'_>) -> Result<String, DeriveError> {
    let mut words = Vec::with_capacity(d.ldflags.len() * 2);
    for f in &d.ldflags {
        let flag = format!("{}={}", f.symbol, f.value);
        let Some(word) = go_flag_word(&flag) else {
            return Err(unrenderable(
                OutputFormat::Ldflags,
                &f.symbol,
                format!(
                    "linker flag `{}` holds whitespace and both quote characters, which Go's -ldflags cannot carry in one word",
                    flag.escape_debug()
                ),
            ));
        };
        words.push("-X".to_owned());
        words.push(word);
    }
    Ok(words.join(" "))
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
        assert!(go_flag_word("m.v=' \"").is_none());
    }

    #[test]
    fn github_heredoc_delimiter_avoids_collisions() {
        let mut out = String::new();
        github_line(&mut out, "v", "a\nIMPRINT_EOF\nb");
        assert_eq!(out, "v<<IMPRINT_EOF_1\na\nIMPRINT_EOF\nb\nIMPRINT_EOF_1\n");
    }
}

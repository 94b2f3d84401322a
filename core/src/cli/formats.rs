//! The `--format` names the CLI accepts for `derive`, `check`,
//! `describe` and `metadata`. The rendering itself is the engine's
//! ([`crate::render`], [`crate::render_report`], [`crate::render_card`]),
//! so the CLI on either engine, the WebAssembly package and any
//! JavaScript host print the same bytes.

use crate::metadata::MetaFormat;
use crate::{CardFormat as EngineCardFormat, OutputFormat, ReportFormat};
use serde::Serialize;

/// Output formats of `imprint derive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
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
    /// `NAME=value` lines for a GitLab `dotenv` report: values raw; a value
    /// GitLab cannot carry (a line break, edge whitespace) or a report over
    /// 5 KiB is an error.
    GitlabDotenv,
}

impl From<Format> for OutputFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Shell => Self::Shell,
            Format::ShellQuoted => Self::ShellQuoted,
            Format::Json => Self::Json,
            Format::Github => Self::Github,
            Format::Dotenv => Self::Dotenv,
            Format::Bake => Self::Bake,
            Format::Ldflags => Self::Ldflags,
            Format::GitlabDotenv => Self::GitlabDotenv,
        }
    }
}

/// Output formats of `imprint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum CheckFormat {
    /// Findings grouped by artifact, for people.
    Human,
    /// The whole report as JSON.
    Json,
    /// GitHub workflow annotations (`::error file=…,line=…::…`).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// A Markdown summary and table of findings (`buildkite-agent annotate`).
    Markdown,
    /// GitLab's Code Quality report, for merge requests.
    Codequality,
}

impl From<CheckFormat> for ReportFormat {
    fn from(f: CheckFormat) -> Self {
        match f {
            CheckFormat::Human => Self::Human,
            CheckFormat::Json => Self::Json,
            CheckFormat::Github => Self::Github,
            CheckFormat::Sarif => Self::Sarif,
            CheckFormat::Markdown => Self::Markdown,
            CheckFormat::Codequality => Self::Codequality,
        }
    }
}

/// Output formats of `imprint describe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum CardFormat {
    /// A card for people.
    Human,
    /// The card as JSON.
    Json,
}

impl From<CardFormat> for EngineCardFormat {
    fn from(f: CardFormat) -> Self {
        match f {
            CardFormat::Human => Self::Human,
            CardFormat::Json => Self::Json,
        }
    }
}

/// Output formats of `imprint metadata`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataFormat {
    /// The tags, one per line.
    Tags,
    /// The labels, one `key=value` per line.
    Labels,
    /// metadata-action's `json` output.
    Json,
    /// `$GITHUB_OUTPUT` entries for metadata-action's outputs (version,
    /// tags, tag-names, labels, annotations, json).
    Github,
    /// `DOCKER_METADATA_OUTPUT_<NAME>=value` lines, values shell-quoted
    /// (a GitLab dotenv report, or `source`).
    Dotenv,
    /// A `docker buildx bake` file with the tags, labels and `DOCKER_META_*` args.
    Bake,
    /// Each tag rule in the order it ran: the tag it gave, or why it gave none.
    Explain,
}

impl From<MetadataFormat> for MetaFormat {
    fn from(f: MetadataFormat) -> Self {
        match f {
            MetadataFormat::Tags => Self::Tags,
            MetadataFormat::Labels => Self::Labels,
            MetadataFormat::Json => Self::Json,
            MetadataFormat::Github => Self::Github,
            MetadataFormat::Dotenv => Self::Dotenv,
            MetadataFormat::Bake => Self::Bake,
            MetadataFormat::Explain => Self::Explain,
        }
    }
}

/// Which engine evaluates policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum EngineKind {
    /// The engine linked into this binary.
    #[default]
    Native,
    /// The engine's WebAssembly module, run under wasmtime.
    Wasm,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    fn name<T: ValueEnum>(v: &T) -> String {
        v.to_possible_value()
            .map(|p| p.get_name().to_owned())
            .unwrap_or_default()
    }

    /// The CLI's names are the engine's (`--format NAME` is the `format` of
    /// the JSON boundary).
    #[test]
    fn cli_names_are_the_engines() {
        for f in Format::value_variants() {
            assert_eq!(
                OutputFormat::from_name(&name(f)),
                Ok(OutputFormat::from(*f))
            );
        }
        assert_eq!(Format::value_variants().len(), OutputFormat::ALL.len());
        for f in CheckFormat::value_variants() {
            assert_eq!(
                ReportFormat::from_name(&name(f)),
                Ok(ReportFormat::from(*f))
            );
        }
        assert_eq!(CheckFormat::value_variants().len(), ReportFormat::ALL.len());
        for f in CardFormat::value_variants() {
            assert_eq!(
                EngineCardFormat::from_name(&name(f)),
                Ok(EngineCardFormat::from(*f))
            );
        }
        assert_eq!(
            CardFormat::value_variants().len(),
            EngineCardFormat::ALL.len()
        );
    }
}

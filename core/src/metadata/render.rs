//! metadata-action's outputs as text for a shell or a CI outside GitHub
//! Actions (`imprint metadata --format …`): every host prints the same
//! bytes.

use super::{MetaError, Metadata};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// How `imprint metadata` prints its outputs.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum MetaFormat {
    /// The tags, one per line.
    Tags,
    /// The labels, one `key=value` per line.
    Labels,
    /// The `json` output (compact, as metadata-action writes it).
    Json,
    /// `$GITHUB_OUTPUT` entries for every output, in metadata-action's
    /// order (multi-line values in the heredoc form).
    Github,
    /// `DOCKER_METADATA_OUTPUT_<NAME>=value` lines (values shell-quoted),
    /// as metadata-action exports them; for GitLab's dotenv reports or
    /// `source`.
    Dotenv,
    /// The bake file with tags, labels and the `DOCKER_META_*` args.
    Bake,
    /// Each tag rule in the order it ran: the tag it gave, or why it gave
    /// none; then the version and whether `latest` is tagged.
    Explain,
}

impl MetaFormat {
    /// Every format, by name.
    pub const ALL: [(&'static str, MetaFormat); 7] = [
        ("tags", Self::Tags),
        ("labels", Self::Labels),
        ("json", Self::Json),
        ("github", Self::Github),
        ("dotenv", Self::Dotenv),
        ("bake", Self::Bake),
        ("explain", Self::Explain),
    ];

    /// The format named `name`.
    pub fn from_name(name: &str) -> Result<Self, String> {
        crate::render::parse_name(name, &Self::ALL)
    }
}

/// The outputs without the bake files' paths, in metadata-action's order.
fn outputs(m: &Metadata) -> [(&'static str, &str); 6] {
    let o = &m.outputs;
    [
        ("version", &o.version),
        ("tags", &o.tags),
        ("tag-names", &o.tag_names),
        ("labels", &o.labels),
        ("annotations", &o.annotations),
        ("json", &o.json),
    ]
}

/// `m` as `format`.
pub fn render(m: &Metadata, format: MetaFormat) -> Result<String, MetaError> {
    let lines = |items: &[String]| items.iter().map(|i| format!("{i}\n")).collect::<String>();
    Ok(match format {
        MetaFormat::Tags => lines(&m.tags),
        MetaFormat::Labels => lines(&m.labels),
        MetaFormat::Json => format!("{}\n", m.outputs.json),
        MetaFormat::Bake => format!("{}\n", m.outputs.bake.all),
        MetaFormat::Explain => {
            let mut out = String::new();
            for r in &m.rules {
                let _ = match (&r.value, &r.skipped) {
                    (Some(v), _) => writeln!(out, "{}\n  -> {v}", r.rule),
                    (None, Some(why)) => writeln!(out, "{}\n  -> nothing: {why}", r.rule),
                    (None, None) => writeln!(out, "{}\n  -> nothing", r.rule),
                };
            }
            let main = m.version.main.as_deref().unwrap_or("(none)");
            let latest = m.version.latest == Some(true);
            let _ = writeln!(out, "version {main}, latest {latest} (from {})", m.ci);
            out
        }
        MetaFormat::Github => {
            let mut out = String::new();
            for (name, value) in outputs(m) {
                crate::render::github_line(&mut out, name, value);
            }
            out
        }
        MetaFormat::Dotenv => {
            let mut out = String::new();
            for (name, value) in outputs(m) {
                let var = format!(
                    "DOCKER_METADATA_OUTPUT_{}",
                    name.replace('-', "_").to_ascii_uppercase()
                );
                let value = if value.is_empty() {
                    String::new()
                } else {
                    crate::shell_quote(value)
                };
                let _ = writeln!(out, "{var}={value}");
            }
            out
        }
    })
}

//! The formats of a provenance card: `human` (the rows `imprint describe`
//! prints) and `json`.

use super::text::visible;
use super::{parse_name, severity_word};
use crate::check::Card;
use serde::{Deserialize, Serialize};

/// An output format of `imprint describe`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardFormat {
    /// The card's rows for people; text from the image escaped.
    Human,
    /// The card as pretty-printed JSON.
    Json,
}

impl CardFormat {
    /// Every format, by name.
    pub const ALL: [(&'static str, Self); 2] = [("human", Self::Human), ("json", Self::Json)];

    /// The format called `name`.
    pub fn from_name(name: &str) -> Result<Self, String> {
        parse_name(name, &Self::ALL)
    }
}

/// Renders `c` in `format`. Text from the image (labels, env, the
/// reference) is shown with [`visible`], so it cannot forge a row or reach
/// the terminal as escape sequences.
pub fn render_card(c: &Card, format: CardFormat) -> String {
    if format == CardFormat::Json {
        let mut s = serde_json::to_string_pretty(c).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let mut s = visible(&c.reference).into_owned();
    match &c.name {
        Some(n) => s.push_str(&format!("  ({})\n", visible(n))),
        None => s.push_str("  (not a valid reference)\n"),
    }
    let row = |s: &mut String, k: &str, v: &Option<String>| {
        if let Some(v) = v {
            s.push_str(&format!("  {k:<9} {}\n", visible(v)));
        }
    };
    row(&mut s, "channel", &c.channel);
    row(&mut s, "version", &c.version);
    let commit = match (&c.commit, &c.commit_url) {
        (Some(cm), Some(u)) => Some(format!("{cm}  {u}")),
        (cm, _) => cm.clone(),
    };
    row(&mut s, "commit", &commit);
    row(&mut s, "pipeline", &c.pipeline);
    row(&mut s, "build", &c.build_url);
    row(&mut s, "variant", &c.variant);
    row(&mut s, "source", &c.source);
    row(&mut s, "digest", &c.digest);
    if let Some(p) = &c.provenance {
        for (what, value, trust, agrees, label) in [
            (
                "revision",
                &p.revision,
                &p.revision_trust,
                p.revision_agrees,
                "commit",
            ),
            (
                "source",
                &p.source,
                &p.source_trust,
                p.source_agrees,
                "source",
            ),
        ] {
            let Some(value) = value else { continue };
            let trust = match trust.as_deref() {
                Some("verified") => " (verified by the builder)",
                Some("hint") => " (client hint, not verified by BuildKit)",
                _ => "",
            };
            let agrees = match agrees {
                Some(true) => format!(": agrees with {label}"),
                Some(false) => format!(": DISAGREES with {label}"),
                None => String::new(),
            };
            s.push_str(&format!(
                "  provenance {what} {}{trust}{agrees}\n",
                visible(value)
            ));
        }
    }
    if c.findings.is_empty() {
        s.push_str("  no findings\n");
    }
    for f in &c.findings {
        s.push_str(&format!(
            "  {:<7} {}  {}\n",
            severity_word(f.severity),
            visible(&f.rule),
            visible(&f.message)
        ));
    }
    s
}

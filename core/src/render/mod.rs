//! Output formats: the exact bytes every host prints, computed here so the
//! CLI (on either engine), the WebAssembly package and any JavaScript host
//! print the same.
//!
//! - [`derivation`](render): `imprint derive --format` (shell, shell-quoted,
//!   json, github, dotenv, bake, ldflags);
//! - [`render_report`]: `imprint check --format` (human, json, github, sarif);
//! - [`render_card`]: `imprint describe --format` (human, json);
//! - [`visible`]: untrusted text shown to people, escaped.
//!
//! A new output format is a variant of one of the three format enums and a
//! function in its module.

mod card;
mod derivation;
mod report;
mod text;

pub use card::{render_card, CardFormat};
pub(crate) use derivation::github_line;
pub use derivation::{render, shell_quote, OutputFormat};
pub use report::{render_report, ReportFormat};
pub use text::visible;

use crate::check::Severity;

/// The word for a severity in every format.
fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The format called `name` among `all`, or an error listing them.
pub(crate) fn parse_name<T: Copy>(name: &str, all: &[(&'static str, T)]) -> Result<T, String> {
    all.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
            format!("unknown format `{name}` (one of `{}`)", names.join("`, `"))
        })
}

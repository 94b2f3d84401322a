//! Answers: every outcome of a request is an answer, never a panic or an
//! exception; a bad policy or an invalid derived value is data.

use super::*;

/// An answer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    /// A successful derivation.
    Derivation(Derivation<'static>),
    /// A successful derivation in the output format the request named.
    Rendered {
        /// The format.
        format: OutputFormat,
        /// The exact text a host prints.
        text: String,
        /// Values to persist with `--save` (the host writes them).
        persist: Vec<Persisted<'static>>,
    },
    /// A check report in the output format the request named.
    RenderedReport {
        /// The format.
        format: ReportFormat,
        /// The exact text a host prints.
        text: String,
        /// Number of error findings (a host exits 1 when there are any).
        errors: u32,
        /// Number of warning findings.
        warnings: u32,
    },
    /// A provenance card in the output format the request named.
    RenderedCard {
        /// The format.
        format: CardFormat,
        /// The exact text a host prints.
        text: String,
    },
    /// Derivation failed.
    DeriveError(DeriveError),
    /// The policy did not load.
    PolicyError(PolicyError),
    /// What a host must gather into the context for a policy, so a host in
    /// any language needs no knowledge of the policy language.
    Inputs {
        /// Environment variable names.
        env: Vec<String>,
        /// Git facts, by the keys of `Context::git` (`sha`, `short=12`,
        /// `dirty`, `tag=v*`, `tags`, `branch`, `is_repo`, `name`,
        /// `remote_url`).
        git: Vec<String>,
        /// Whether the machine architecture is read.
        arch: bool,
        /// Files, by paths relative to the repository directory.
        files: Vec<String>,
        /// Commands (argv) the policy may ask for, when the caller allows
        /// their program. Run only those in `pending_commands`.
        commands: Vec<Vec<String>>,
        /// With a context: the commands the derivation reaches that the
        /// context has no outcome for yet. A host runs (or refuses) them,
        /// records the outcomes in the context's `commands`, and asks
        /// again until none is left, so a command runs only when reached.
        pending_commands: Vec<Vec<String>>,
        /// Declared `--arg` names.
        args: Vec<String>,
        /// Persisted values: value name and file name (`--save`, `--load`).
        persisted: Vec<(String, String)>,
    },
    /// A policy that loaded.
    Policy {
        /// Its name.
        name: String,
        /// Its description.
        description: String,
        /// Declared argument names.
        args: Vec<String>,
        /// Value names in declaration order.
        values: Vec<String>,
    },
    /// Pins rewritten.
    Pinned {
        /// The new text.
        text: String,
        /// What changed.
        changes: Vec<PinChange>,
    },
    /// A parsed reference.
    Reference {
        /// The reference as parsed.
        reference: Reference,
        /// With docker's defaults applied.
        normalized: String,
    },
    /// The reference is not valid.
    InvalidReference {
        /// Why.
        message: String,
    },
    /// A check report.
    Report(CheckReport<'static>),
    /// The trace for people.
    Explanation {
        /// The text `imprint explain` prints.
        text: String,
    },
    /// A provenance card.
    Card(Card),
    /// Provenance cards, one per artifact, in input order.
    Cards {
        /// The cards.
        cards: Vec<ArtifactCard>,
    },
    /// What docker/metadata-action would output.
    Metadata(Box<crate::metadata::Metadata>),
    /// metadata-action's outputs in the format the request named.
    RenderedMetadata {
        /// The format.
        format: crate::metadata::MetaFormat,
        /// The exact text a host prints.
        text: String,
        /// metadata-action's warnings (a host prints them on stderr).
        warnings: Vec<String>,
    },
    /// A workflow step imported as a policy.
    Imported {
        /// The policy's JSON text.
        policy: String,
    },
    /// A workflow step could not be imported.
    ImportError {
        /// Why, naming the step and input.
        message: String,
    },
    /// A metadata-action computation failed.
    MetadataError {
        /// What failed, naming the input line or fact.
        message: String,
        /// UTC offsets the request must give (ask again with them in
        /// `zones`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        missing_offsets: Vec<crate::metadata::ZoneNeed>,
        /// Whether the request must give `commit_date` (ask again with it).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        missing_commit_date: bool,
    },
    /// Artifacts read from input.
    Artifacts {
        /// The artifacts.
        artifacts: Vec<Artifact>,
    },
    /// Input could not be read.
    ReadError {
        /// Why.
        message: String,
        /// Line, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
        /// Column in that line, when known (syntax errors).
        #[serde(skip_serializing_if = "Option::is_none")]
        column: Option<u32>,
    },
    /// The request itself is malformed.
    BadRequest {
        /// Why.
        message: String,
    },
}

impl Answer {
    /// The answer as JSON text, as the JSON boundary writes it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| CANNOT_ENCODE.to_owned())
    }
}

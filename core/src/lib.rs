//! # imprint-core
//!
//! The imprint policy engine. A **policy** (JSON) declares how a project's
//! version, image tags, build args, labels and Go linker flags are derived
//! from a **build context** (environment variables, git facts, arguments,
//! the machine architecture, files), with explicit fallback chains and
//! defaults. This crate evaluates it.
//!
//! It is pure and deterministic: no I/O, no clock, no environment access.
//! The host (the `imprint` CLI, a browser, a wasmtime guest) gathers the
//! context first — [`Policy::inputs`] says exactly what to gather — and the
//! same policy and context give the same answer on every target.
//! `core/clippy.toml` enforces it: `std::env`, `std::fs`, processes,
//! clocks, threads and printing are disallowed here.
//!
//! ```
//! use imprint_core::{derive, Context, Policy};
//!
//! let policy = Policy::from_json(r#"{
//!   "name": "example",
//!   "values": {
//!     "commit":   { "from": [{ "env": "BUILD_COMMIT" }, { "env": "CI_COMMIT" }], "default": "unknown" },
//!     "pipeline": { "from": [{ "env": "PIPELINE_ID" }], "default": "local" }
//!   },
//!   "outputs": {
//!     "build_args": [
//!       { "name": "COMMIT", "value": "{commit}" },
//!       { "name": "PIPELINE", "value": "{pipeline}" }
//!     ],
//!     "labels": { "org.opencontainers.image.revision": "{commit}" }
//!   }
//! }"#, "example.json")?;
//!
//! let mut ctx = Context::default();
//! ctx.env.insert("BUILD_COMMIT".into(), "".into());     // empty counts as unset
//! ctx.env.insert("CI_COMMIT".into(), "abc123".into());
//! let d = derive(&policy, &ctx)?;
//! assert_eq!(d.value("commit"), Some("abc123"));
//! assert_eq!(d.value("pipeline"), Some("local"));
//! assert_eq!(d.labels.get("org.opencontainers.image.revision"), Some("abc123"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Untrusted policies
//!
//! Loading bounds everything a policy controls ([`Limits`]): its size, JSON
//! nesting (`too-deep`, never a stack overflow), the number of values and
//! entries, regex size (compiled with a size limit, so matching stays
//! linear) and glob size (matched in linear time), condition depth, and the
//! length of every derived value, so a template that doubles itself, or a
//! chain of doubling `replace` transforms, fails with `value-too-long`
//! instead of exhausting memory. Value references form a DAG (cycles are
//! load errors) and each value is evaluated once. Commands are never run by
//! this crate: they are requests the host may refuse.
//!
//! The policy language is documented in `policies/README.md`.
//!
//! ## Crate map
//!
//! Leaves first; each module depends only on those above it.
//!
//! | module | what it is |
//! |---|---|
//! | `strs`, `re`, `glob`, `wildmatch`, `reference`, `semver`, `url` | text: borrowed strings, the portable regex dialect, globs, git's tag patterns, OCI references, semver precedence, URLs without credentials |
//! | [`Context`] (`context`), `file_values` | the facts a host gathers, and the parsers of the files they come from (dotenv, `go.mod`) |
//! | `condition`, `template`, `transform` | the small languages inside a policy: `when`, `{value}` templates, `transform` steps |
//! | `rule` | the rule language: `rules` and `card`, as data |
//! | [`Artifact`] (`artifact`), [`read`] | the artifact model, and the readers that build artifacts from inspect output, OCI, Kubernetes (JSON or YAML text, placed at their lines) and Go binaries |
//! | [`Policy`] (`policy`, `policy/load/`) | a loaded policy, and the loader that validates JSON text into it (`load/sources.rs`: value sources; `load/rules.rs`: rules) |
//! | [`derive()`] (`derive`) | evaluating a policy's values and outputs against a context |
//! | [`check`] | evaluating rules against artifacts: reports and provenance cards |
//! | `pin` | rewriting digest pins |
//! | [`metadata`] | docker/metadata-action's model: its tag, flavor, image, label and annotation inputs to its outputs |
//! | `render` | every output format, byte for byte (derive, check, describe) |
//! | [`api`] | the JSON boundary every host speaks: one request in, one answer out |
//!
//! Where new things go: an output format is a variant of [`OutputFormat`],
//! [`ReportFormat`] or [`CardFormat`] and a function in `render/`; a source
//! kind is a `policy::Source` variant, loaded in `policy/load/sources.rs`
//! and resolved in `derive`; a rule kind is a `rule::RuleKind` variant,
//! loaded in `policy/load/rules.rs` and evaluated in `check/rules.rs`; a
//! new host speaks [`api`] (natively, or through the WebAssembly package).

#![deny(missing_docs)]

pub mod api;
mod artifact;
mod calendar;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
mod condition;
mod context;
mod derive;
mod error;
mod file_values;
mod glob;
pub mod metadata;
mod pin;
mod policy;
mod re;
pub mod read;
mod reference;
mod render;
mod rule;
mod semver;
mod strs;
mod template;
mod transform;
mod url;
mod wildmatch;

pub use check::Artifact;
pub use context::{command_key, CommandOutcome, Context, Failed};
pub use derive::{
    derive, BuildArg, Derivation, LdFlag, Origin, Pairs, Persisted, Skip, SkipReason, Trace,
    TraceEntry, ValueTrace,
};
pub use error::{json_type, DeriveError, DeriveErrorCode, PolicyError, Problem, ProblemCode};
pub use file_values::{dotenv_value, go_module_path};
pub use glob::glob_match;
pub use pin::{pin_file_matches, rewrite_pins, rewrite_pins_bytes, PinChange};
pub use policy::{
    ArgDecl, GitFact, Inputs, Limits, PinSpec, Policy, FORMAT_VERSION, TOP_LEVEL_KEYS,
};
pub use reference::{is_valid_tag, sanitize_tag, Reference, ReferenceError};
pub use render::{
    render, render_card, render_report, shell_quote, visible, CardFormat, OutputFormat,
    ReportFormat,
};
pub use semver::{highest_tag, semver_precedence};
pub use transform::epoch_to_rfc3339;
pub use url::strip_url_credentials;
pub use wildmatch::tags_matching;

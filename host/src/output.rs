//! The `--format` names the CLI accepts: defined with the rest of the
//! command line in [`imprint_core::cli`], so the npm CLI parses them alike.

pub use imprint_core::cli::{CardFormat, CheckFormat, Format, MetadataFormat};

//! The engine choice of the command line. Its `--format` values are the
//! engine's own format enums ([`crate::OutputFormat`], [`crate::ReportFormat`],
//! [`crate::CardFormat`], [`crate::metadata::MetaFormat`]): the name a user
//! types is the `format` of the JSON boundary.

use serde::Serialize;

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
    use crate::metadata::MetaFormat;
    use crate::{CardFormat, OutputFormat, ReportFormat};
    use clap::ValueEnum;

    fn names<T: ValueEnum>() -> Vec<String> {
        T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
            .collect()
    }

    fn engine<T>(all: &[(&str, T)]) -> Vec<String> {
        all.iter().map(|(n, _)| (*n).to_owned()).collect()
    }

    /// `--format NAME` is the engine's name for the format.
    #[test]
    fn format_names_are_the_engines() {
        assert_eq!(names::<OutputFormat>(), engine(&OutputFormat::ALL));
        assert_eq!(names::<ReportFormat>(), engine(&ReportFormat::ALL));
        assert_eq!(names::<CardFormat>(), engine(&CardFormat::ALL));
        assert_eq!(names::<MetaFormat>(), engine(&MetaFormat::ALL));
    }
}

//! The `--format` of `imprint derive`: the names the CLI accepts. The
//! rendering itself is the engine's ([`imprint_core::render`]), so the CLI
//! on either engine, the WebAssembly package and any JavaScript host print
//! the same bytes.

use imprint_core::OutputFormat;

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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    /// The CLI's names are the engine's (`--format NAME` is the `format` of
    /// the JSON boundary).
    #[test]
    fn cli_names_are_the_engines() {
        for f in Format::value_variants() {
            let name = f.to_possible_value().map(|v| v.get_name().to_owned());
            assert_eq!(name.as_deref(), Some(OutputFormat::from(*f).as_str()));
        }
    }
}

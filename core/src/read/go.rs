//! Go build information: read from a Go binary's bytes (no Go toolchain
//! needed) or from `go version -m` text.

use super::ReadError;
use crate::check::Artifact;

/// What a Go binary says about how it was built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoBuildInfo {
    /// Go version, such as `go1.22.5`.
    pub go_version: String,
    /// The main package path (`path` line).
    pub path: String,
    /// The main module path (`mod` line), if any.
    pub module: Option<String>,
    /// Build settings (`build` lines), in order: `-ldflags`, `vcs.revision` …
    pub settings: Vec<(String, String)>,
}

/// Reads the build info embedded in a Go binary.
pub fn parse_buildinfo(_bytes: &[u8]) -> Result<GoBuildInfo, ReadError> {
    Err(ReadError::new("Go build info is not supported yet"))
}

/// Parses the text `go version -m FILE` prints.
pub fn parse_version_m(_text: &str) -> Result<GoBuildInfo, ReadError> {
    Err(ReadError::new("go version -m text is not supported yet"))
}

impl GoBuildInfo {
    /// The artifact: kind `binary`, the `-X` flags from `-ldflags` as
    /// `xflags`, and `go.version`, `go.path`, `go.module` and `build.<key>`
    /// fields.
    pub fn into_artifact(self, name: &str) -> Artifact {
        Artifact {
            kind: "binary".into(),
            name: name.into(),
            ..Artifact::default()
        }
    }
}

//! The build context: every fact a derivation may read, gathered by the
//! host beforehand. Plain data, so it can be written in a test vector,
//! passed across the WebAssembly boundary, or built by hand.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Facts about the build, keyed the way policies name them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Context {
    /// Environment variables. A variable set to `""` is present here, so a
    /// source with `accept_empty` can tell it from an unset one.
    pub env: BTreeMap<String, String>,
    /// `--arg NAME=VALUE` arguments.
    pub args: BTreeMap<String, String>,
    /// Git facts by [`crate::GitFact::key`]; a missing key means git could not
    /// say (not a repository, git missing, unborn branch …).
    pub git: BTreeMap<String, String>,
    /// The machine architecture as `uname -m` prints it.
    pub arch: Option<String>,
    /// File contents by path relative to the repository directory; a
    /// missing key means the file is missing or unreadable.
    pub files: BTreeMap<String, String>,
    /// Results of commands the policy asked for, keyed by argv joined with
    /// spaces. A command the derivation reaches but finds no entry for is
    /// reported in [`crate::Derivation::pending_commands`].
    pub commands: BTreeMap<String, CommandOutcome>,
    /// Persisted values read back with `--load`, by value name; `None`
    /// means the file was missing or unreadable. A value with no entry is
    /// derived as usual.
    pub loaded: BTreeMap<String, Option<String>>,
}

/// What happened when the host ran (or declined to run) a command source.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case", deny_unknown_fields)]
pub enum CommandOutcome {
    /// It ran; its standard output with trailing newlines removed, as shell
    /// command substitution does. The exit status is not consulted.
    Output {
        /// Standard output.
        stdout: String,
    },
    /// The caller did not allow this program (`--allow-command`).
    NotAllowed,
    /// The program is not on `PATH`.
    NotFound,
    /// It did not finish in time and was killed.
    TimedOut,
    /// It could not be started, or wrote output that is not UTF-8.
    Failed {
        /// Why.
        reason: String,
    },
}

/// The key of a command in [`Context::commands`]: the argv joined with
/// spaces, an argument that is empty or holds whitespace, a quote or a
/// backslash being written as a JSON string so keys never collide.
///
/// ```
/// use imprint_core::command_key;
/// let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// assert_eq!(command_key(&argv(&["buildkite-agent", "meta-data", "get", "release-version"])),
///            "buildkite-agent meta-data get release-version");
/// assert_ne!(command_key(&argv(&["x", "a b"])), command_key(&argv(&["x", "a", "b"])));
/// ```
pub fn command_key(argv: &[String]) -> String {
    let word = |a: &String| {
        let plain = !a.is_empty()
            && !a.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '\\'));
        if plain {
            a.clone()
        } else {
            serde_json::Value::String(a.clone()).to_string()
        }
    };
    argv.iter().map(word).collect::<Vec<_>>().join(" ")
}

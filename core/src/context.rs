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
    /// Git facts by [`crate::GitFact::key`]; a missing key means the fact
    /// does not exist here (not a checkout, unborn branch, no such remote).
    /// A fact git could not establish in a checkout is in [`Context::failed`]
    /// instead. `tag=PATTERN` lists every matching tag on `HEAD`, one per
    /// line; the engine picks the highest by semver precedence.
    pub git: BTreeMap<String, String>,
    /// The machine architecture as `uname -m` prints it.
    pub arch: Option<String>,
    /// File contents by path relative to the repository directory; a
    /// missing key means the file does not exist (one that exists but could
    /// not be read is in [`Context::failed`]).
    pub files: BTreeMap<String, String>,
    /// Results of commands the policy asked for, keyed by argv joined with
    /// spaces. A command the derivation reaches but finds no entry for is
    /// reported in [`crate::Policy::pending_commands`].
    pub commands: BTreeMap<String, CommandOutcome>,
    /// Persisted values read back with `--load`, by value name; `None`
    /// means the file is missing (a host fails on one it cannot read). A
    /// value with no entry is derived as usual.
    pub loaded: BTreeMap<String, Option<String>>,
    /// Facts that exist but that the host could not establish, with why: a
    /// derivation that reaches one fails (`fact-unavailable`) instead of
    /// falling back, so a refused checkout never reads as a clean one.
    #[serde(skip_serializing_if = "Failed::is_empty")]
    pub failed: Failed,
}

/// Facts the host could not establish, each with the reason it failed and
/// how to fix it, keyed like [`Context::git`] and [`Context::files`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Failed {
    /// Git facts by [`crate::GitFact::key`] (git refused the checkout, a git
    /// command failed, git is missing where a `.git` exists).
    pub git: BTreeMap<String, String>,
    /// Files by path (unreadable, not a regular file, too large, not UTF-8).
    pub files: BTreeMap<String, String>,
}

impl Failed {
    /// Whether nothing failed.
    pub fn is_empty(&self) -> bool {
        self.git.is_empty() && self.files.is_empty()
    }
}

/// What happened when the host ran (or declined to run) a command source.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
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

/// [`CommandOutcome`] as it is written, every field optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireOutcome {
    outcome: OutcomeKind,
    #[serde(default, deserialize_with = "present")]
    stdout: Option<String>,
    #[serde(default, deserialize_with = "present")]
    reason: Option<String>,
}

/// For flat wire forms: a field that is present is `Some`, its value read
/// as `T`, so `null` is refused unless `T` is itself an `Option`
/// (`#[serde(default, deserialize_with = "present")]`).
pub(crate) fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The `outcome` tag.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum OutcomeKind {
    Output,
    NotAllowed,
    NotFound,
    TimedOut,
    Failed,
}

/// Read in one pass through the flat `WireOutcome`: serde buffers an
/// internally tagged enum before it can dispatch, which doubles the
/// deserializing code (and the WebAssembly module) and is slower.
impl<'de> Deserialize<'de> for CommandOutcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        WireOutcome::deserialize(d)?
            .try_into()
            .map_err(serde::de::Error::custom)
    }
}

impl TryFrom<WireOutcome> for CommandOutcome {
    type Error = String;

    fn try_from(w: WireOutcome) -> Result<Self, String> {
        // A field of another outcome is as unknown as a misspelt one.
        let (takes_stdout, takes_reason) = match w.outcome {
            OutcomeKind::Output => (true, false),
            OutcomeKind::Failed => (false, true),
            _ => (false, false),
        };
        if w.stdout.is_some() && !takes_stdout {
            return Err("unknown field `stdout` for this outcome".into());
        }
        if w.reason.is_some() && !takes_reason {
            return Err("unknown field `reason` for this outcome".into());
        }
        Ok(match w.outcome {
            OutcomeKind::Output => CommandOutcome::Output {
                stdout: w.stdout.ok_or("outcome `output` needs `stdout`")?,
            },
            OutcomeKind::Failed => CommandOutcome::Failed {
                reason: w.reason.ok_or("outcome `failed` needs `reason`")?,
            },
            OutcomeKind::NotAllowed => CommandOutcome::NotAllowed,
            OutcomeKind::NotFound => CommandOutcome::NotFound,
            OutcomeKind::TimedOut => CommandOutcome::TimedOut,
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every outcome reads back what it writes.
    #[test]
    fn outcomes_round_trip() {
        for o in [
            CommandOutcome::Output {
                stdout: "v1".into(),
            },
            CommandOutcome::NotAllowed,
            CommandOutcome::NotFound,
            CommandOutcome::TimedOut,
            CommandOutcome::Failed {
                reason: "boom".into(),
            },
        ] {
            let text = serde_json::to_string(&o).unwrap();
            assert_eq!(
                serde_json::from_str::<CommandOutcome>(&text).unwrap(),
                o,
                "{text}"
            );
        }
    }

    /// A field of another outcome, or a missing one, is an error that names it.
    #[test]
    fn malformed_outcomes_are_refused() {
        for (text, want) in [
            (
                r#"{"outcome":"not_found","stdout":"x"}"#,
                "unknown field `stdout`",
            ),
            (
                r#"{"outcome":"output","reason":"x","stdout":"y"}"#,
                "unknown field `reason`",
            ),
            (
                r#"{"outcome":"failed","stdout":"x"}"#,
                "unknown field `stdout`",
            ),
            (r#"{"outcome":"output"}"#, "needs `stdout`"),
            (r#"{"outcome":"failed"}"#, "needs `reason`"),
            (r#"{"outcome":"exploded"}"#, "unknown variant `exploded`"),
            (r#"{"stdout":"x"}"#, "missing field `outcome`"),
            (
                r#"{"outcome":"output","stdout":"x","extra":1}"#,
                "unknown field `extra`",
            ),
        ] {
            let e = serde_json::from_str::<CommandOutcome>(text)
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}

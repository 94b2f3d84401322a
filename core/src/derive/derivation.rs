//! What a derivation produces: values, tags, build args, labels, env,
//! linker flags, persisted values and the trace, and `explain`, its text
//! for people.

use super::*;

/// One `--build-arg NAME=VALUE`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildArg<'a> {
    /// Argument name.
    pub name: Str<'a>,
    /// Argument value.
    pub value: Str<'a>,
}

/// One Go linker flag `-X symbol=value`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LdFlag<'a> {
    /// Fully qualified symbol, such as `example.com/m.version`.
    pub symbol: Str<'a>,
    /// The string it is set to.
    pub value: Str<'a>,
}

/// A value to be written by `--save`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persisted<'a> {
    /// The value's name.
    pub value: Str<'a>,
    /// File name inside the save directory.
    pub file: Str<'a>,
    /// Exact file content.
    pub content: Str<'a>,
}

/// The result of [`derive()`](super::derive()).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derivation<'a> {
    /// The policy's name.
    pub policy: Str<'a>,
    /// Every value, in declaration order.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub values: Pairs<'a>,
    /// Image references to tag the build with, in order.
    pub tags: Vec<Str<'a>>,
    /// Docker build arguments, in order.
    pub build_args: Vec<BuildArg<'a>>,
    /// Image labels.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub labels: Pairs<'a>,
    /// Environment entries.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub env: Pairs<'a>,
    /// Go `-X` linker flags, in order.
    pub ldflags: Vec<LdFlag<'a>>,
    /// Values to persist with `--save`.
    pub persist: Vec<Persisted<'a>>,
    /// How each value was derived, in evaluation order.
    #[cfg_attr(feature = "ts", ts(type = "Array<ValueTrace>"))]
    pub trace: Trace<'a>,
    /// Bake target name for the `bake` format.
    pub bake_target: Str<'a>,
}

impl Derivation<'_> {
    /// The derived value called `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name)
    }

    /// The trace for people: each value in declaration order, the source
    /// that won, and every source skipped with the reason.
    pub fn explain(&self) -> String {
        use std::fmt::Write as _;
        let mut out = format!("policy {}\n", self.policy);
        for (name, value) in &self.values.0 {
            let Some(t) = self.trace.get(name) else {
                continue;
            };
            let _ = writeln!(out, "\n{} = \"{}\"", t.value, value.escape_debug());
            let from = match t.origin {
                Origin::Source { index, source } => format!("[{index}] {source}"),
                Origin::Default => "the default".to_owned(),
                Origin::Empty => "nothing (no source matched, no default)".to_owned(),
                Origin::Loaded { file } => format!("persisted file {file}"),
                Origin::LoadFallback { file } => {
                    format!("the fallback for a missing or blank {file}")
                }
            };
            let _ = writeln!(out, "  from    {from}");
            for s in t.skipped {
                let _ = writeln!(
                    out,
                    "  skipped [{}] {}: {}",
                    s.index,
                    s.source,
                    s.reason.describe()
                );
            }
        }
        out
    }

    /// Detaches the derivation from the policy and context it borrows.
    pub fn into_owned(self) -> Derivation<'static> {
        Derivation {
            policy: owned(self.policy),
            values: self.values.into_owned(),
            tags: self.tags.into_iter().map(owned).collect(),
            build_args: self
                .build_args
                .into_iter()
                .map(|a| BuildArg {
                    name: owned(a.name),
                    value: owned(a.value),
                })
                .collect(),
            labels: self.labels.into_owned(),
            env: self.env.into_owned(),
            ldflags: self
                .ldflags
                .into_iter()
                .map(|f| LdFlag {
                    symbol: owned(f.symbol),
                    value: owned(f.value),
                })
                .collect(),
            persist: self
                .persist
                .into_iter()
                .map(|p| Persisted {
                    value: owned(p.value),
                    file: owned(p.file),
                    content: owned(p.content),
                })
                .collect(),
            trace: self.trace.into_owned(),
            bake_target: owned(self.bake_target),
        }
    }
}

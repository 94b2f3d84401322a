//! The trace of a derivation: for each value, the source that won and every
//! candidate passed over, with why.

use super::*;

/// Why a candidate did not win.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Its `when` condition was false.
    ConditionFalse,
    /// The variable, argument or fact is not set.
    Unset,
    /// It produced an empty string (after transforms).
    Empty,
    /// The file is missing or unreadable.
    FileMissing,
    /// The dotenv key is not in the file.
    KeyMissing,
    /// The `go.mod` has no `module` directive.
    NoModule,
    /// The command was not allowed by the caller.
    NotAllowed,
    /// The command is not on `PATH`.
    NotFound,
    /// The command has not been run (the host did not provide its result).
    NotRun,
}

impl SkipReason {
    /// A short human phrase.
    pub fn describe(self) -> &'static str {
        match self {
            Self::ConditionFalse => "condition is false",
            Self::Unset => "not set",
            Self::Empty => "empty",
            Self::FileMissing => "file missing",
            Self::KeyMissing => "key not in file",
            Self::NoModule => "no module directive",
            Self::NotAllowed => "command not allowed (use --allow-command)",
            Self::NotFound => "command not found on PATH",
            Self::NotRun => "command not run",
        }
    }
}

/// A candidate that was passed over.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skip<'a> {
    /// Position in the value's `from` list.
    pub index: u32,
    /// The source, such as `env BUILDKITE_COMMIT`.
    pub source: Str<'a>,
    /// Why it did not win.
    pub reason: SkipReason,
}

/// Where a value's result came from.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin<'a> {
    /// A candidate of `from` won.
    Source {
        /// Position in the value's `from` list.
        index: u32,
        /// The source, such as `env BUILDKITE_COMMIT`.
        source: Str<'a>,
    },
    /// No candidate won; the policy's `default` was used.
    Default,
    /// No candidate won and there is no default: the empty string.
    Empty,
    /// Read back from a persisted file (`--load`).
    Loaded {
        /// The file name.
        file: Str<'a>,
    },
    /// `--load` found the file missing or blank; the policy's fallback was used.
    LoadFallback {
        /// The file name.
        file: Str<'a>,
    },
}

impl Origin<'_> {
    fn into_owned(self) -> Origin<'static> {
        match self {
            Self::Source { index, source } => Origin::Source {
                index,
                source: owned(source),
            },
            Self::Default => Origin::Default,
            Self::Empty => Origin::Empty,
            Self::Loaded { file } => Origin::Loaded { file: owned(file) },
            Self::LoadFallback { file } => Origin::LoadFallback { file: owned(file) },
        }
    }
}

/// How one value was derived (the JSON shape of one [`Trace`] entry).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueTrace<'a> {
    /// The value's name.
    pub value: Str<'a>,
    /// What produced it.
    pub origin: Origin<'a>,
    /// Candidates tried before the winner, and why each was passed over.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skip<'a>>,
}

/// How every value was derived, in evaluation order.
///
/// Stored flat (one list of entries, one list of skips) so a derivation
/// allocates two vectors rather than one per value; serialized as a list
/// of [`ValueTrace`] objects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace<'a> {
    pub(super) entries: Vec<(Str<'a>, Origin<'a>, u32, u32)>,
    pub(super) skips: Vec<Skip<'a>>,
}

/// One entry of a [`Trace`], borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceEntry<'t, 'a> {
    /// The value's name.
    pub value: &'t str,
    /// What produced it.
    pub origin: &'t Origin<'a>,
    /// Candidates passed over before the winner.
    pub skipped: &'t [Skip<'a>],
}

impl<'a> Trace<'a> {
    /// Entries in evaluation order.
    pub fn iter(&self) -> impl Iterator<Item = TraceEntry<'_, 'a>> {
        self.entries.iter().map(|(value, origin, a, b)| TraceEntry {
            value,
            origin,
            skipped: self.skips.get(*a as usize..*b as usize).unwrap_or(&[]),
        })
    }

    /// The entry of the value called `name`.
    pub fn get(&self, name: &str) -> Option<TraceEntry<'_, 'a>> {
        self.iter().find(|e| e.value == name)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn push(
        &mut self,
        value: Str<'a>,
        origin: Origin<'a>,
        skips: impl IntoIterator<Item = Skip<'a>>,
    ) {
        let a = u32::try_from(self.skips.len()).unwrap_or(u32::MAX);
        self.skips.extend(skips);
        let b = u32::try_from(self.skips.len()).unwrap_or(u32::MAX);
        self.entries.push((value, origin, a, b));
    }

    /// Detaches from the policy.
    pub fn into_owned(self) -> Trace<'static> {
        Trace {
            entries: self
                .entries
                .into_iter()
                .map(|(v, o, a, b)| (owned(v), o.into_owned(), a, b))
                .collect(),
            skips: self
                .skips
                .into_iter()
                .map(|s| Skip {
                    index: s.index,
                    source: owned(s.source),
                    reason: s.reason,
                })
                .collect(),
        }
    }
}

impl Serialize for Trace<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        #[derive(Serialize)]
        struct Entry<'t, 'a> {
            value: &'t str,
            origin: &'t Origin<'a>,
            #[serde(skip_serializing_if = "<[Skip<'_>]>::is_empty")]
            skipped: &'t [Skip<'a>],
        }
        let mut seq = s.serialize_seq(Some(self.entries.len()))?;
        for e in self.iter() {
            seq.serialize_element(&Entry {
                value: e.value,
                origin: e.origin,
                skipped: e.skipped,
            })?;
        }
        seq.end()
    }
}

impl<'de, 'a> Deserialize<'de> for Trace<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let list = Vec::<ValueTrace<'a>>::deserialize(d)?;
        let mut t = Trace::default();
        for v in list {
            t.push(v.value, v.origin, v.skipped);
        }
        Ok(t)
    }
}

//! JSON paths built as the loader walks a policy and written out only when
//! a problem names one (formatting every path eagerly was a fifth of a
//! builtin policy's load time).

use super::positions::key_segment;
use std::fmt;

/// A place in the policy: a written prefix (`$`, `$.values`…) and the keys
/// and indices below it, each borrowing its parent.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'p> {
    /// A path written out, such as `$.outputs.tags`.
    Text(&'p str),
    /// `.name` after the parent, as written (a key the loader names).
    Raw(&'p Path<'p>, &'p str),
    /// A key of the policy after the parent, written as
    /// [`key_segment`] writes it (`.key` or `["odd key"]`).
    Key(&'p Path<'p>, &'p str),
    /// `[i]` after the parent.
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    /// `.name` below this path, as written.
    pub(crate) fn raw(&'p self, name: &'p str) -> Path<'p> {
        Path::Raw(self, name)
    }

    /// The policy's key `key` below this path.
    pub(crate) fn key(&'p self, key: &'p str) -> Path<'p> {
        Path::Key(self, key)
    }

    /// Item `i` below this path.
    pub(crate) fn index(&'p self, i: usize) -> Path<'p> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Text(t) => f.write_str(t),
            Path::Raw(p, name) => write!(f, "{p}.{name}"),
            Path::Key(p, key) => write!(f, "{p}{}", key_segment(key)),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

//! The policy text as a JSON tree that borrows from it.
//!
//! The loader reads a policy once, so it needs no owned, hashed
//! `serde_json::Value`: building one (a `String` per key and string, an
//! `IndexMap` with SipHash per object) was most of a builtin policy's load
//! time. This tree is read by `scan.rs` where the text is plain JSON and
//! otherwise by the `serde_json` parser (same syntax errors, same recursion
//! limit), and keeps what the loader reads from a `serde_json::Value` with
//! `preserve_order`: keys in order of first appearance and a repeated key's
//! last value.

use bumpalo::Bump;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JSON value whose strings borrow from the text (or, when they have
/// escapes, from the arena) and whose arrays and objects live in the arena:
/// a whole policy is a handful of allocations, not one per array, object
/// and growth step (those were a third of a builtin policy's load time).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'t> {
    Null,
    Bool(bool),
    Number(Number),
    String(&'t str),
    Array(&'t [Value<'t>]),
    Object(Map<'t>),
}

/// A JSON number as serde_json reads it (without `arbitrary_precision`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl Number {
    /// As `serde_json::Value::from` makes it (only finite floats are read).
    fn to_json(self) -> serde_json::Value {
        match self {
            Number::PosInt(n) => n.into(),
            Number::NegInt(n) => n.into(),
            Number::Float(f) => f.into(),
        }
    }
}

/// As `serde_json::Number` displays.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_json(), f)
    }
}

/// A JSON object: entries in the order their keys first appear.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Map<'t> {
    entries: &'t [(&'t str, Value<'t>)],
}

impl<'t> Map<'t> {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'t Value<'t>> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Those of `keys` the object has, in the order of `keys`.
    pub(crate) fn keys_among<'k>(
        &self,
        keys: &'k [&'k str],
    ) -> impl Iterator<Item = &'k str> + use<'_, 'k, 't> {
        keys.iter().copied().filter(|k| self.contains_key(k))
    }

    /// The one of `keys` the object has, if it has exactly one of them.
    pub(crate) fn only_one_of<'k>(&self, keys: &'k [&'k str]) -> Option<&'k str> {
        let mut present = self.keys_among(keys);
        match (present.next(), present.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &'t str> {
        self.entries.iter().map(|(k, _)| *k)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'t str, &'t Value<'t>)> {
        self.entries.iter().map(|(k, v)| (*k, v))
    }
}

/// Whether a key appears twice: pairwise for small objects, by sorting for
/// large ones (an untrusted policy may have many keys).
fn has_repeats(entries: &[(&str, Value<'_>)]) -> bool {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _))| entries.iter().skip(i + 1).any(|(o, _)| o == k));
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    keys.windows(2).any(|w| w.first() == w.get(1))
}

/// Entries as parsed, a repeated key keeping its first place and taking
/// its last value (`IndexMap::insert`, which `serde_json` uses).
fn without_repeats<'t>(entries: &[(&'t str, Value<'t>)]) -> Vec<(&'t str, Value<'t>)> {
    let mut out: Vec<(&'t str, Value<'t>)> = Vec::with_capacity(entries.len());
    let mut at: std::collections::HashMap<&'t str, usize> = std::collections::HashMap::new();
    for &(k, v) in entries {
        match at.get(k).and_then(|&i| out.get_mut(i)) {
            Some(slot) => slot.1 = v,
            None => {
                at.insert(k, out.len());
                out.push((k, v));
            }
        }
    }
    out
}

impl<'t> IntoIterator for &Map<'t> {
    type Item = (&'t str, &'t Value<'t>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'t, (&'t str, Value<'t>)>,
        fn(&'t (&'t str, Value<'t>)) -> (&'t str, &'t Value<'t>),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (*k, v))
    }
}

impl Value<'_> {
    /// As `serde_json::Value::as_u64`: a non-negative whole number.
    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(Number::PosInt(n)) => Some(*n),
            _ => None,
        }
    }

    /// What [`crate::json_type`] says of the same `serde_json::Value`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The same value as a `serde_json::Value` (for its compact text).
    pub(crate) fn to_json(self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Number(n) => n.to_json(),
            Value::String(s) => serde_json::Value::String(s.to_owned()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(|v| v.to_json()).collect()),
            Value::Object(m) => serde_json::Value::Object(
                m.iter().map(|(k, v)| (k.to_owned(), v.to_json())).collect(),
            ),
        }
    }
}

/// Compact JSON, as `serde_json::Value` displays.
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_json(), f)
    }
}

/// Parses `text` as `serde_json::from_str::<serde_json::Value>` would, into
/// `arena`: plain JSON by [`super::scan`], anything it leaves (numbers other
/// than small whole ones, errors) by `serde_json`, which writes the errors.
pub(crate) fn parse<'t>(text: &'t str, arena: &'t Bump) -> Result<Value<'t>, serde_json::Error> {
    if let Some(v) = super::scan::read(text, arena) {
        return Ok(v);
    }
    let mut stacks = Stacks::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let v = Seed {
        arena,
        stacks: &mut stacks,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// Items of the arrays and objects being read, innermost last: an array or
/// object moves its own items into the arena when it ends.
#[derive(Default)]
pub(super) struct Stacks<'t> {
    pub(super) items: Vec<Value<'t>>,
    pub(super) entries: Vec<(&'t str, Value<'t>)>,
}

impl<'t> Stacks<'t> {
    /// The array whose items were pushed from `start` on, moved into `arena`.
    pub(super) fn array(&mut self, arena: &'t Bump, start: usize) -> Value<'t> {
        let items = arena.alloc_slice_copy(self.items.get(start..).unwrap_or_default());
        self.items.truncate(start);
        Value::Array(items)
    }

    /// The object whose entries were pushed from `start` on, moved into
    /// `arena`: a repeated key keeps its first place and takes its last value.
    pub(super) fn object(&mut self, arena: &'t Bump, start: usize) -> Value<'t> {
        let read = self.entries.get(start..).unwrap_or_default();
        let entries = if has_repeats(read) {
            arena.alloc_slice_copy(&without_repeats(read))
        } else {
            arena.alloc_slice_copy(read)
        };
        self.entries.truncate(start);
        Value::Object(Map { entries })
    }
}

/// Reads one value into the arena.
struct Seed<'s, 't> {
    arena: &'t Bump,
    stacks: &'s mut Stacks<'t>,
}

impl<'de: 't, 't> DeserializeSeed<'de> for Seed<'_, 't> {
    type Value = Value<'t>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value<'t>, D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads one object key.
struct KeySeed<'t>(&'t Bump);

impl<'de: 't, 't> DeserializeSeed<'de> for KeySeed<'t> {
    type Value = &'t str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'t str, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de: 't, 't> Visitor<'de> for KeySeed<'t> {
    type Value = &'t str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<&'t str, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<&'t str, E> {
        Ok(self.0.alloc_str(v))
    }
}

impl<'de: 't, 't> Visitor<'de> for Seed<'_, 't> {
    type Value = Value<'t>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value<'t>, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value<'t>, E> {
        // As `serde_json::Number::from(i64)`: non-negative is `PosInt`.
        Ok(Value::Number(match u64::try_from(v) {
            Ok(u) => Number::PosInt(u),
            Err(_) => Number::NegInt(v),
        }))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value<'t>, E> {
        Ok(Value::Number(Number::PosInt(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value<'t>, E> {
        Ok(if v.is_finite() {
            Value::Number(Number::Float(v))
        } else {
            Value::Null
        })
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value<'t>, E> {
        Ok(Value::String(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value<'t>, E> {
        Ok(Value::String(self.arena.alloc_str(v)))
    }

    fn visit_none<E>(self) -> Result<Value<'t>, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value<'t>, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value<'t>, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'t>, A::Error> {
        let (arena, stacks) = (self.arena, self.stacks);
        let start = stacks.items.len();
        while let Some(v) = seq.next_element_seed(Seed {
            arena,
            stacks: &mut *stacks,
        })? {
            stacks.items.push(v);
        }
        Ok(stacks.array(arena, start))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'t>, A::Error> {
        let (arena, stacks) = (self.arena, self.stacks);
        let start = stacks.entries.len();
        while let Some(k) = map.next_key_seed(KeySeed(arena))? {
            let v = map.next_value_seed(Seed {
                arena,
                stacks: &mut *stacks,
            })?;
            stacks.entries.push((k, v));
        }
        Ok(stacks.object(arena, start))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    /// Reads like `serde_json::Value` with `preserve_order`: same text when
    /// displayed, repeated keys and all, and the same syntax errors.
    #[test]
    fn reads_as_serde_json_value_does() {
        let mut texts = vec![
            r#"{"b": 1, "a": [true, null, -2, 1.5e3, "x\"y\u00e9"], "b": {"z": 1, "y": 2, "z": 3}}"#.to_owned(),
            r#"{"\u0061": 1, "a": 2, "c\n": "é", "n": 18446744073709551615, "f": -0.0}"#.to_owned(),
            // Arrays and objects inside each other, each keeping its own items.
            r#"[{"a": [1, {"b": [2, 3], "x": {}}, 4], "c": [[], [5]]}, [6, [7, {"a\u0062": 8, "ab": 9}]], -1]"#.to_owned(),
        ];
        // A large object with a repeated key, found by sorting.
        let many: Vec<String> = (0..40).map(|i| format!("\"k{}\": {i}", i % 37)).collect();
        texts.push(format!("{{{}}}", many.join(", ")));
        for t in &texts {
            let arena = Bump::new();
            let ours = parse(t, &arena).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(t).unwrap();
            assert_eq!(ours.to_json(), theirs, "{t}");
            assert_eq!(ours.to_string(), theirs.to_string(), "{t}");
        }
        for bad in [
            "{\"a\": }",
            "[1, 2",
            "{} x",
            "\"\\q\"",
            "01",
            "1e400",
            &"[".repeat(200),
        ] {
            let ours = parse(bad, &Bump::new()).unwrap_err().to_string();
            let theirs = serde_json::from_str::<serde_json::Value>(bad)
                .unwrap_err()
                .to_string();
            assert_eq!(ours, theirs, "{bad}");
        }
    }
}

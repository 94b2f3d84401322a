//! The policy text as a JSON tree that borrows from it.
//!
//! The loader reads a policy once, so it needs no owned, hashed
//! `serde_json::Value`: building one (a `String` per key and string, an
//! `IndexMap` with SipHash per object) was most of a builtin policy's load
//! time. This tree is parsed by the same `serde_json` parser (same syntax
//! errors, same recursion limit) and keeps what the loader reads from a
//! `serde_json::Value` with `preserve_order`: keys in order of first
//! appearance, a repeated key's last value, and `remove` as `swap_remove`.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A JSON value borrowing its strings from the text where it can (strings
/// without escapes).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Map<'a>),
}

/// A JSON object: entries in the order their keys first appear.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Map<'a> {
    entries: Vec<(Cow<'a, str>, Value<'a>)>,
}

impl<'a> Map<'a> {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| &**k)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &Value<'a>)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }

    /// Removes `key` as `serde_json::Map::remove` does with
    /// `preserve_order`: the last entry takes its place.
    pub(crate) fn remove(&mut self, key: &str) -> Option<Value<'a>> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.swap_remove(i).1)
    }

    /// Entries as parsed, a repeated key keeping its first place and taking
    /// its last value (`IndexMap::insert`, which `serde_json` uses).
    fn from_entries(mut entries: Vec<(Cow<'a, str>, Value<'a>)>) -> Self {
        if has_repeats(&entries) {
            let mut out: Vec<(Cow<'a, str>, Value<'a>)> = Vec::with_capacity(entries.len());
            let mut at: std::collections::HashMap<Cow<'a, str>, usize> =
                std::collections::HashMap::new();
            for (k, v) in entries.drain(..) {
                match at.get(&k).and_then(|&i| out.get_mut(i)) {
                    Some(slot) => slot.1 = v,
                    None => {
                        at.insert(k.clone(), out.len());
                        out.push((k, v));
                    }
                }
            }
            entries = out;
        }
        Self { entries }
    }
}

/// Whether a key appears twice: pairwise for small objects, by sorting for
/// large ones (an untrusted policy may have many keys).
fn has_repeats(entries: &[(Cow<'_, str>, Value<'_>)]) -> bool {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _))| entries.iter().skip(i + 1).any(|(o, _)| o == k));
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| &**k).collect();
    keys.sort_unstable();
    keys.windows(2).any(|w| w.first() == w.get(1))
}

impl<'m, 'a> IntoIterator for &'m Map<'a> {
    type Item = (&'m str, &'m Value<'a>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'m, (Cow<'a, str>, Value<'a>)>,
        fn(&'m (Cow<'a, str>, Value<'a>)) -> (&'m str, &'m Value<'a>),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }
}

impl Value<'_> {
    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
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
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.clone().into_owned()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Value::to_json).collect()),
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

/// Parses `text` as `serde_json::from_str::<serde_json::Value>` would.
pub(crate) fn parse(text: &str) -> Result<Value<'_>, serde_json::Error> {
    serde_json::from_str(text)
}

struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor).map(Key)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Value::String(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Value::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Value::String(Cow::Owned(v)))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Deserialize::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some((Key(k), v)) = map.next_entry()? {
            entries.push((k, v));
        }
        Ok(Value::Object(Map::from_entries(entries)))
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
        ];
        // A large object with a repeated key, found by sorting.
        let many: Vec<String> = (0..40).map(|i| format!("\"k{}\": {i}", i % 37)).collect();
        texts.push(format!("{{{}}}", many.join(", ")));
        for t in &texts {
            let ours = parse(t).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(t).unwrap();
            assert_eq!(ours.to_json(), theirs, "{t}");
            assert_eq!(ours.to_string(), theirs.to_string(), "{t}");
            let (Value::Object(mut m), serde_json::Value::Object(mut n)) = (ours, theirs) else {
                panic!("objects");
            };
            let first = n.keys().next().unwrap().clone();
            assert_eq!(m.remove(&first).map(|v| v.to_json()), n.remove(&first));
            // Displayed, as `serde_json::Map` equality ignores order.
            assert_eq!(
                Value::Object(m).to_string(),
                serde_json::Value::Object(n).to_string()
            );
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
            let ours = parse(bad).unwrap_err().to_string();
            let theirs = serde_json::from_str::<serde_json::Value>(bad)
                .unwrap_err()
                .to_string();
            assert_eq!(ours, theirs, "{bad}");
        }
    }
}

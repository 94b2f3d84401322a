//! The strings the engine passes around: borrowed from the policy or the
//! context where it can, computed where it must. A leaf: it depends on
//! nothing else in the crate.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// A string borrowed from the policy or context, or computed.
pub type Str<'a> = Cow<'a, str>;

/// `s` detached from what it borrows.
pub(crate) fn owned(s: Str<'_>) -> Str<'static> {
    Cow::Owned(s.into_owned())
}

/// Name/value pairs that keep their order and serialize as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairs<'a>(pub Vec<(Str<'a>, Str<'a>)>);

impl<'a> Pairs<'a> {
    /// The value for `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| &**v)
    }

    /// Detaches from the policy and context.
    pub fn into_owned(self) -> Pairs<'static> {
        Pairs(
            self.0
                .into_iter()
                .map(|(k, v)| (owned(k), owned(v)))
                .collect(),
        )
    }
}

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(&**k, &**v)?;
        }
        m.end()
    }
}

impl<'de, 'a> Deserialize<'de> for Pairs<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pairs<'static>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Pairs<'static>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, String>()? {
                    out.push((Cow::Owned(k), Cow::Owned(v)));
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(V)
    }
}

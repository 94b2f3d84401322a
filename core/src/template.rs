//! Templates compose values: `"{image_name}:nightly-{tag_commit}"`.
//!
//! A template is parsed once when the policy loads. `{name}` inserts the
//! value called `name`; `{{` and `}}` are literal braces. A value inserted
//! into a template is never parsed again, so a value containing `{x}` or `$`
//! stays exactly what it is.

use std::borrow::Cow;

/// A parsed template: literal text and value references, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    pub(crate) parts: Vec<Part>,
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Lit(String),
    Value(usize),
}

/// A template piece before value names are resolved to indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawPart {
    Lit(String),
    Name(String),
}

/// Whether `name` is a valid value name: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Splits a template text into literal and `{name}` parts.
pub(crate) fn parse(text: &str) -> Result<Vec<RawPart>, String> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let rest = text.get(i + 1..).unwrap_or("");
                let Some(end) = rest.find('}') else {
                    return Err(format!("unclosed `{{` at byte {i} of `{text}`"));
                };
                let name = rest.get(..end).unwrap_or("");
                if !is_name(name) {
                    return Err(format!(
                        "`{{{name}}}` is not a value reference (write `{{{{` for a literal brace)"
                    ));
                }
                if !lit.is_empty() {
                    parts.push(RawPart::Lit(std::mem::take(&mut lit)));
                }
                parts.push(RawPart::Name(name.to_owned()));
                for _ in 0..=name.chars().count() {
                    chars.next();
                }
            }
            '}' => return Err(format!("lone `}}` in `{text}` (write `}}}}`)")),
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(RawPart::Lit(lit));
    }
    Ok(parts)
}

impl Template {
    /// Value indices the template refers to.
    pub(crate) fn refs(&self) -> impl Iterator<Item = usize> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Value(i) => Some(*i),
            Part::Lit(_) => None,
        })
    }

    /// The value index when the template is exactly one `{value}`.
    pub(crate) fn single_value(&self) -> Option<usize> {
        match self.parts.as_slice() {
            [Part::Value(i)] => Some(*i),
            _ => None,
        }
    }

    /// Renders with the given values; `limit` bounds the output length.
    /// A template that is one literal or one value borrows instead of
    /// copying.
    pub(crate) fn render<'a>(
        &'a self,
        values: &[Cow<'a, str>],
        limit: usize,
    ) -> Result<Cow<'a, str>, usize> {
        match self.parts.as_slice() {
            [] => return Ok(Cow::Borrowed("")),
            [Part::Lit(s)] => return Ok(Cow::Borrowed(s)),
            [Part::Value(i)] => return Ok(values.get(*i).cloned().unwrap_or_default()),
            _ => {}
        }
        let mut len = 0;
        for p in &self.parts {
            len += match p {
                Part::Lit(s) => s.len(),
                Part::Value(i) => values.get(*i).map_or(0, |v| v.len()),
            };
        }
        if len > limit {
            return Err(len);
        }
        let mut out = String::with_capacity(len);
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Value(i) => out.push_str(values.get(*i).map_or("", |v| v)),
            }
        }
        Ok(Cow::Owned(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> RawPart {
        RawPart::Lit(s.into())
    }
    fn name(s: &str) -> RawPart {
        RawPart::Name(s.into())
    }

    #[test]
    fn parses_references_and_escapes() {
        assert_eq!(
            parse("{image}:nightly-{commit}").unwrap(),
            vec![name("image"), lit(":nightly-"), name("commit")]
        );
        assert_eq!(parse("a{{b}}c").unwrap(), vec![lit("a{b}c")]);
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("é{x}é").unwrap(), vec![lit("é"), name("x"), lit("é")]);
    }

    #[test]
    fn rejects_malformed() {
        assert!(parse("{open").unwrap_err().contains("unclosed"));
        assert!(parse("a}b").unwrap_err().contains("lone"));
        assert!(parse("{not a name}").is_err());
        assert!(parse("{}").is_err());
    }

    #[test]
    fn renders_values_verbatim_and_bounds_length() {
        let t = Template {
            parts: vec![Part::Value(0), Part::Lit("-".into()), Part::Value(1)],
        };
        let vals: Vec<Cow<'_, str>> = vec![Cow::Borrowed("{x}"), Cow::Borrowed("$1")];
        assert_eq!(t.render(&vals, 100).unwrap(), "{x}-$1");
        assert_eq!(t.render(&vals, 3), Err(6));
        let one = Template {
            parts: vec![Part::Value(1)],
        };
        assert!(matches!(
            one.render(&vals, 100).unwrap(),
            Cow::Borrowed("$1")
        ));
    }
}

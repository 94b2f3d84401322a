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

/// One piece of a text with `{…}` fields: literal text (`{{` and `}}`
/// read as single braces), or what is between `{` and the next `}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Lit(Cow<'a, str>),
    Field(&'a str),
}

/// Why a text's braces do not pair up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BraceError {
    /// A `{` at this byte offset has no `}` after it.
    Unclosed(usize),
    /// A single `}` outside a field.
    Lone,
}

/// The pieces of `text`, left to right, stopping at the first brace that
/// does not pair up. Literal text is borrowed unless it has escaped braces.
pub(crate) fn braces(text: &str) -> impl Iterator<Item = Result<Piece<'_>, BraceError>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = text.get(at..).filter(|r| !r.is_empty())?;
        let start = at;
        if rest.starts_with('{') && !rest.starts_with("{{") {
            let inner = rest.get(1..).unwrap_or("");
            return Some(match inner.find('}') {
                Some(end) => {
                    at += end + 2;
                    Ok(Piece::Field(inner.get(..end).unwrap_or("")))
                }
                None => {
                    at = text.len();
                    Err(BraceError::Unclosed(start))
                }
            });
        }
        // Literal text up to a single `{`, each `{{` or `}}` read as one brace.
        let mut lit: Cow<'_, str> = Cow::Borrowed("");
        let mut seg = 0;
        let bytes = rest.as_bytes();
        let mut i = 0;
        let end = loop {
            let Some(j) = rest
                .get(i..)
                .and_then(|r| r.find(['{', '}']))
                .map(|j| j + i)
            else {
                break rest.len();
            };
            let b = bytes.get(j).copied();
            if bytes.get(j + 1).copied() == b {
                append(&mut lit, rest.get(seg..=j).unwrap_or(""));
                i = j + 2;
                seg = i;
                continue;
            }
            if b == Some(b'}') {
                at = text.len();
                return Some(Err(BraceError::Lone));
            }
            break j;
        };
        append(&mut lit, rest.get(seg..end).unwrap_or(""));
        at += end;
        Some(Ok(Piece::Lit(lit)))
    })
}

/// Appends `seg` to `lit`, borrowing while `lit` is one segment.
fn append<'a>(lit: &mut Cow<'a, str>, seg: &'a str) {
    if lit.is_empty() {
        *lit = Cow::Borrowed(seg);
    } else if !seg.is_empty() {
        lit.to_mut().push_str(seg);
    }
}

/// Whether `name` is a valid value name: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Splits a template text into literal and `{name}` parts (each field a
/// valid value name), before names are resolved to indices.
pub(crate) fn parse(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut parts = Vec::new();
    for piece in braces(text) {
        parts.push(match piece {
            Ok(p @ Piece::Lit(_)) => p,
            Ok(p @ Piece::Field(name)) if is_name(name) => p,
            Ok(Piece::Field(name)) => {
                return Err(format!(
                    "`{{{name}}}` is not a value reference (write `{{{{` for a literal brace)"
                ))
            }
            Err(BraceError::Unclosed(i)) => {
                return Err(format!("unclosed `{{` at byte {i} of `{text}`"))
            }
            Err(BraceError::Lone) => return Err(format!("lone `}}` in `{text}` (write `}}}}`)")),
        });
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

    fn lit(s: &str) -> Piece<'_> {
        Piece::Lit(s.into())
    }
    fn name(s: &str) -> Piece<'_> {
        Piece::Field(s)
    }

    /// The char-by-char reading `parse` had before it borrowed its pieces:
    /// the model the byte scan is checked against.
    fn model(text: &str) -> Result<Vec<(bool, String)>, String> {
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
                        parts.push((false, std::mem::take(&mut lit)));
                    }
                    parts.push((true, name.to_owned()));
                    for _ in 0..=name.chars().count() {
                        chars.next();
                    }
                }
                '}' => return Err(format!("lone `}}` in `{text}` (write `}}}}`)")),
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push((false, lit));
        }
        Ok(parts)
    }

    /// Every text of up to 7 characters over braces, name and other
    /// characters parses exactly as the model reads it, errors included.
    #[test]
    fn parses_every_short_text_as_the_model() {
        let alphabet = ['{', '}', 'a', '_', 'é', '-'];
        let mut texts = vec![String::new()];
        let mut checked = 0;
        for _ in 0..7 {
            let mut longer = Vec::new();
            for t in &texts {
                for c in alphabet {
                    let mut n = t.clone();
                    n.push(c);
                    let ours = parse(&n).map(|ps| {
                        ps.into_iter()
                            .map(|p| match p {
                                Piece::Lit(s) => (false, s.into_owned()),
                                Piece::Field(s) => (true, s.to_owned()),
                            })
                            .collect::<Vec<_>>()
                    });
                    assert_eq!(ours, model(&n), "{n}");
                    checked += 1;
                    longer.push(n);
                }
            }
            texts = longer;
        }
        assert_eq!(checked, (1..=7).map(|n| 6usize.pow(n)).sum::<usize>());
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

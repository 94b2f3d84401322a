//! Fact paths and expressions used by rules.
//!
//! A **fact path** names one fact of an artifact (`label:org.opencontainers.image.version`,
//! `ref.tag`, `xflag:*.shimVersion` …; `*` and `?` glob over the keys) and
//! may embed derived values: `xflag:{value:module}.shimVersion`.
//!
//! An **expression** is a template whose `{…}` pieces are fact paths or
//! `value:NAME`: `"{field:k8s.name}-provider:{value:shim_version}"`.
//! `{{` and `}}` are literal braces.

use crate::artifact::Artifact;
use crate::reference::Parts;
pub(crate) use crate::template::Piece;
use crate::template::{braces, BraceError};
use std::borrow::Cow;

/// Derived values available to rules, by name.
pub(crate) trait Values {
    fn get(&self, index: usize) -> Option<&str>;
}

impl<V: AsRef<str>> Values for Vec<V> {
    fn get(&self, index: usize) -> Option<&str> {
        self.as_slice().get(index).map(AsRef::as_ref)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathPart {
    Lit(String),
    Value(usize),
}

/// A fact path, possibly embedding derived values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FactPath {
    pub parts: Vec<PathPart>,
    /// The path as written, for messages.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExprPart {
    Lit(String),
    Fact(String),
    Value(usize),
}

/// An expression over facts and values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expr {
    pub parts: Vec<ExprPart>,
    /// The expression as written, for messages.
    pub text: String,
}

/// Why an expression or path could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// A fact the artifact does not have.
    Fact,
    /// Derived values are needed but none were given.
    Values,
}

/// Splits `text` into literal and `{…}` pieces.
pub(crate) fn pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let unclosed = || format!("unclosed `{{` in `{text}`");
    let mut out = Vec::new();
    for piece in braces(text) {
        out.push(match piece {
            // A `{` before the closing `}` leaves the first one unclosed.
            Ok(Piece::Field(f)) if f.contains('{') => return Err(unclosed()),
            Ok(p) => p,
            Err(BraceError::Unclosed(_)) => return Err(unclosed()),
            Err(BraceError::Lone) => return Err(format!("lone `}}` in `{text}` (write `}}}}`)")),
        });
    }
    Ok(out)
}

/// Whether `path` (after values are substituted) is a fact path rules may use.
pub(crate) fn is_fact_path(path: &str) -> bool {
    const PREFIXES: &[&str] = &["label:", "env:", "xflag:", "field:"];
    if let Some(rest) = PREFIXES.iter().find_map(|p| path.strip_prefix(p)) {
        return !rest.is_empty();
    }
    matches!(
        path,
        "kind"
            | "name"
            | "ref"
            | "ref.name"
            | "ref.domain"
            | "ref.path"
            | "ref.tag"
            | "ref.digest"
            | "channel"
    )
}

impl FactPath {
    /// Whether rendering needs derived values.
    pub(crate) fn needs_values(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, PathPart::Value(_)))
    }

    /// The concrete path.
    pub(crate) fn render(&self, values: Option<&dyn Values>) -> Result<Cow<'_, str>, Missing> {
        if let [PathPart::Lit(s)] = self.parts.as_slice() {
            return Ok(Cow::Borrowed(s));
        }
        let mut out = String::new();
        for p in &self.parts {
            match p {
                PathPart::Lit(s) => out.push_str(s),
                PathPart::Value(i) => {
                    out.push_str(values.and_then(|v| v.get(*i)).ok_or(Missing::Values)?)
                }
            }
        }
        Ok(Cow::Owned(out))
    }

    /// The fact's text for `a`.
    pub(crate) fn lookup<'a>(
        &self,
        a: &'a Artifact,
        parts: Option<&Parts<'a>>,
        channel: Option<&'a str>,
        values: Option<&dyn Values>,
    ) -> Result<&'a str, Missing> {
        let path = self.render(values)?;
        if path == "channel" {
            return channel.ok_or(Missing::Fact);
        }
        a.fact_with(parts, &path).ok_or(Missing::Fact)
    }
}

impl Expr {
    /// Whether evaluating needs derived values.
    pub(crate) fn needs_values(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, ExprPart::Value(_)))
    }

    /// Evaluates the expression for `a`.
    pub(crate) fn eval<'a>(
        &'a self,
        a: &'a Artifact,
        parts: Option<&Parts<'a>>,
        channel: Option<&'a str>,
        values: Option<&dyn Values>,
    ) -> Result<Cow<'a, str>, Missing> {
        let one = |p: &'a ExprPart| -> Result<Cow<'a, str>, Missing> {
            match p {
                ExprPart::Lit(s) => Ok(Cow::Borrowed(s)),
                ExprPart::Fact(path) if path == "channel" => {
                    channel.map(Cow::Borrowed).ok_or(Missing::Fact)
                }
                ExprPart::Fact(path) => a
                    .fact_with(parts, path)
                    .map(Cow::Borrowed)
                    .ok_or(Missing::Fact),
                ExprPart::Value(i) => values
                    .and_then(|v| v.get(*i))
                    .map(|s| Cow::Owned(s.to_owned()))
                    .ok_or(Missing::Values),
            }
        };
        if let [p] = self.parts.as_slice() {
            return one(p);
        }
        let mut out = String::new();
        for p in &self.parts {
            out.push_str(&one(p)?);
        }
        Ok(Cow::Owned(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_pieces() {
        assert_eq!(
            pieces("{field:k8s.name}-provider:{value:v}").unwrap(),
            vec![
                Piece::Field("field:k8s.name"),
                Piece::Lit("-provider:".into()),
                Piece::Field("value:v")
            ]
        );
        assert_eq!(pieces("a{{b}}").unwrap(), vec![Piece::Lit("a{b}".into())]);
        assert!(pieces("{a").is_err());
        assert!(pieces("a}").is_err());
        assert!(pieces("{a{b}}").is_err());
    }

    /// The char-by-char reading `pieces` had before it borrowed them: the
    /// model the shared brace scan is checked against.
    fn model(text: &str) -> Result<Vec<(bool, String)>, String> {
        let mut out = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some('{') | None => return Err(format!("unclosed `{{` in `{text}`")),
                            Some(c) => inner.push(c),
                        }
                    }
                    if !lit.is_empty() {
                        out.push((false, std::mem::take(&mut lit)));
                    }
                    out.push((true, inner));
                }
                '}' => return Err(format!("lone `}}` in `{text}` (write `}}}}`)")),
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            out.push((false, lit));
        }
        Ok(out)
    }

    /// Every text of up to 7 characters over braces and other characters
    /// splits exactly as the model reads it, errors included.
    #[test]
    fn splits_every_short_text_as_the_model() {
        let alphabet = ['{', '}', 'a', ':', 'é'];
        let mut texts = vec![String::new()];
        for _ in 0..7 {
            let mut longer = Vec::new();
            for t in &texts {
                for c in alphabet {
                    let mut n = t.clone();
                    n.push(c);
                    let ours = pieces(&n).map(|ps| {
                        ps.into_iter()
                            .map(|p| match p {
                                Piece::Lit(s) => (false, s.into_owned()),
                                Piece::Field(s) => (true, s.to_owned()),
                            })
                            .collect()
                    });
                    assert_eq!(ours, model(&n), "{n}");
                    longer.push(n);
                }
            }
            texts = longer;
        }
    }

    #[test]
    fn evaluates_over_facts_and_values() {
        let mut a = Artifact {
            reference: Some("ghcr.io/x/vllm-provider:v0.3.0".into()),
            ..Artifact::default()
        };
        a.fields.insert("k8s.name".into(), "vllm".into());
        let e = Expr {
            parts: vec![
                ExprPart::Fact("field:k8s.name".into()),
                ExprPart::Lit("-provider:".into()),
                ExprPart::Fact("ref.tag".into()),
            ],
            text: String::new(),
        };
        let r = a.reference.clone().unwrap();
        let parts = crate::reference::split(&r).ok();
        assert_eq!(
            e.eval(&a, parts.as_ref(), None, None).unwrap(),
            "vllm-provider:v0.3.0"
        );
        let v = Expr {
            parts: vec![ExprPart::Value(0)],
            text: String::new(),
        };
        assert_eq!(v.eval(&a, None, None, None), Err(Missing::Values));
        let vals = vec!["x"];
        assert_eq!(
            v.eval(&a, None, None, Some(&vals as &dyn Values)).unwrap(),
            "x"
        );
        let missing = Expr {
            parts: vec![ExprPart::Fact("label:nope".into())],
            text: String::new(),
        };
        assert_eq!(missing.eval(&a, None, None, None), Err(Missing::Fact));
    }
}

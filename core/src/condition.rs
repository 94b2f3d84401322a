//! Conditions choose between alternatives (release, nightly, local …).
//!
//! A condition tests one value (`nonempty`, `empty`, `equals`, `one_of`,
//! `prefix`, `glob`, `matches`) or combines others (`all`, `any`, `not`).
//! Values are compared as exact strings: `"1"` does not equal `" 1"`.

use crate::glob::glob_match;
use regex::Regex;
use std::borrow::Cow;

/// A compiled condition over already-derived values.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    Test { value: usize, test: Test },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// A test of a single value.
#[derive(Debug, Clone)]
pub(crate) enum Test {
    NonEmpty,
    Empty,
    Equals(String),
    OneOf(Vec<String>),
    Prefix(String),
    Glob(String),
    Matches(Regex),
}

impl Condition {
    /// Evaluates against the values derived so far.
    pub(crate) fn eval(&self, values: &[Cow<'_, str>]) -> bool {
        match self {
            Self::Test { value, test } => {
                let v: &str = values.get(*value).map_or("", |v| v);
                match test {
                    Test::NonEmpty => !v.is_empty(),
                    Test::Empty => v.is_empty(),
                    Test::Equals(s) => v == s,
                    Test::OneOf(list) => list.iter().any(|s| s == v),
                    Test::Prefix(p) => v.starts_with(p.as_str()),
                    Test::Glob(g) => glob_match(g, v),
                    Test::Matches(re) => re.is_match(v),
                }
            }
            Self::All(cs) => cs.iter().all(|c| c.eval(values)),
            Self::Any(cs) => cs.iter().any(|c| c.eval(values)),
            Self::Not(c) => !c.eval(values),
        }
    }

    /// Value indices the condition reads.
    pub(crate) fn refs(&self, out: &mut Vec<usize>) {
        match self {
            Self::Test { value, .. } => out.push(*value),
            Self::All(cs) | Self::Any(cs) => cs.iter().for_each(|c| c.refs(out)),
            Self::Not(c) => c.refs(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(value: usize, test: Test) -> Condition {
        Condition::Test { value, test }
    }

    #[test]
    fn exact_string_semantics() {
        let vals: Vec<Cow<'_, str>> = vec!["1".into(), " 1".into(), "".into()];
        assert!(t(0, Test::Equals("1".into())).eval(&vals));
        assert!(!t(1, Test::Equals("1".into())).eval(&vals));
        assert!(t(2, Test::Empty).eval(&vals));
        assert!(t(1, Test::NonEmpty).eval(&vals));
        assert!(t(0, Test::OneOf(vec!["0".into(), "1".into()])).eval(&vals));
        assert!(t(1, Test::Prefix(" ".into())).eval(&vals));
    }

    #[test]
    fn combinators() {
        let vals: Vec<Cow<'_, str>> = vec!["cu129".into(), "1".into()];
        let nightly_cuda = Condition::All(vec![
            t(1, Test::Equals("1".into())),
            t(0, Test::Glob("cu*".into())),
        ]);
        assert!(nightly_cuda.eval(&vals));
        assert!(!Condition::Not(Box::new(nightly_cuda.clone())).eval(&vals));
        assert!(Condition::Any(vec![t(0, Test::Empty), t(1, Test::NonEmpty)]).eval(&vals));
        assert!(Condition::All(vec![]).eval(&vals));
        assert!(!Condition::Any(vec![]).eval(&vals));
        let re = Regex::new("^cu[0-9]+$").unwrap();
        assert!(t(0, Test::Matches(re)).eval(&vals));
    }
}

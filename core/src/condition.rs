//! Conditions choose between alternatives (release, nightly, local …) and
//! decide which rules apply.
//!
//! A condition tests one subject (`nonempty`, `empty`, `equals`, `one_of`,
//! `prefix`, `glob`, `matches`) or combines others (`all`, `any`, `not`).
//! In derivations the subject is a value; in rules it is a fact of an
//! artifact. Subjects are compared as exact strings: `"1"` does not equal
//! `" 1"`, and a missing subject is the empty string.

use crate::glob::glob_match;
use crate::re::Regex;

/// A compiled condition over subjects of type `S` (value indices by default).
#[derive(Debug, Clone)]
pub(crate) enum Condition<S = usize> {
    Test { subject: S, test: Test },
    All(Vec<Condition<S>>),
    Any(Vec<Condition<S>>),
    Not(Box<Condition<S>>),
}

/// A test of a single string.
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

impl Test {
    /// Whether `v` passes the test.
    pub(crate) fn eval(&self, v: &str) -> bool {
        match self {
            Self::NonEmpty => !v.is_empty(),
            Self::Empty => v.is_empty(),
            Self::Equals(s) => v == s,
            Self::OneOf(list) => list.iter().any(|s| s == v),
            Self::Prefix(p) => v.starts_with(p.as_str()),
            Self::Glob(g) => glob_match(g, v),
            Self::Matches(re) => re.is_match(v),
        }
    }
}

impl<S> Condition<S> {
    /// Evaluates with `get` giving each subject's text.
    pub(crate) fn eval_with<F, T>(&self, get: &F) -> bool
    where
        F: Fn(&S) -> T,
        T: AsRef<str>,
    {
        match self {
            Self::Test { subject, test } => test.eval(get(subject).as_ref()),
            Self::All(cs) => cs.iter().all(|c| c.eval_with(get)),
            Self::Any(cs) => cs.iter().any(|c| c.eval_with(get)),
            Self::Not(c) => !c.eval_with(get),
        }
    }

    /// Every subject the condition reads.
    pub(crate) fn subjects<'s>(&'s self, out: &mut Vec<&'s S>) {
        self.each_subject(&mut |s| out.push(s));
    }

    /// Calls `f` with every subject the condition reads, in order.
    fn each_subject<'s>(&'s self, f: &mut dyn FnMut(&'s S)) {
        match self {
            Self::Test { subject, .. } => f(subject),
            Self::All(cs) | Self::Any(cs) => cs.iter().for_each(|c| c.each_subject(f)),
            Self::Not(c) => c.each_subject(f),
        }
    }
}

impl Condition<usize> {
    /// Evaluates against the values derived so far.
    pub(crate) fn eval<V: AsRef<str>>(&self, values: &[V]) -> bool {
        self.eval_with(&|i: &usize| values.get(*i).map_or("", AsRef::as_ref))
    }

    /// Value indices the condition reads.
    pub(crate) fn refs(&self, out: &mut Vec<usize>) {
        self.each_subject(&mut |&i| out.push(i));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(subject: usize, test: Test) -> Condition {
        Condition::Test { subject, test }
    }

    #[test]
    fn exact_string_semantics() {
        let vals = ["1", " 1", ""];
        assert!(t(0, Test::Equals("1".into())).eval(&vals));
        assert!(!t(1, Test::Equals("1".into())).eval(&vals));
        assert!(t(2, Test::Empty).eval(&vals));
        assert!(t(1, Test::NonEmpty).eval(&vals));
        assert!(t(0, Test::OneOf(vec!["0".into(), "1".into()])).eval(&vals));
        assert!(t(1, Test::Prefix(" ".into())).eval(&vals));
        assert!(t(9, Test::Empty).eval(&vals), "a missing subject is empty");
    }

    #[test]
    fn combinators() {
        let vals = ["cu129", "1"];
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

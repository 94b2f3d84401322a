//! Transforms turn a source's raw text into the value a policy wants.
//!
//! They run in order on a candidate's text. A transform that finds nothing
//! (`match` that does not match, `capture` without a match) yields an empty
//! string, and an empty candidate falls through to the next one.
//!
//! Only `replace`, `lowercase` and `uppercase` can make a text longer. Each
//! transform's result is bounded: one that would be longer than both its
//! input and the value limit is an error, found while it is built, so a
//! chain of doubling `replace`s stops at the limit instead of growing
//! exponentially.

use crate::re::Regex;
use crate::reference::sanitize_tag;
use std::borrow::Cow;

/// One compiled transform.
#[derive(Debug, Clone)]
pub(crate) enum Transform {
    Trim,
    Lowercase,
    Uppercase,
    StripPrefix(String),
    StripSuffix(String),
    Truncate(usize),
    Match(Regex),
    Capture(Regex, usize),
    Replace(Regex, Replacement),
    Split { sep: String, keep_tail: bool },
    SanitizeTag,
    EpochToRfc3339,
    FirstLine,
}

/// Most group references (`$1`, `${name}` …) one `replace` text may hold:
/// each is visited once per match, so they bound the work per match.
pub(crate) const MAX_REPLACEMENT_REFS: usize = 64;

/// The `with` text of a `replace`, split once at load into literal text
/// and group references, with exactly the `$` syntax of the regex crates:
/// `$1`, `$name` (the longest run of `[_0-9A-Za-z]`), `${name}`, `$$` for a
/// literal `$`; a `$` that starts no reference is literal. A reference to a
/// group the regex does not have expands to nothing, so it is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Replacement {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone)]
enum Piece {
    Lit(String),
    Group(usize),
}

/// The group name of a `$` reference at the start of `rep`, and the byte
/// length of the reference; `None` when `rep` starts no reference.
fn cap_ref(rep: &str) -> Option<(&str, usize)> {
    let rest = rep.strip_prefix('$')?;
    if let Some(braced) = rest.strip_prefix('{') {
        let end = braced.find('}')?;
        return Some((braced.get(..end)?, end + 3));
    }
    let n = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    (n > 0).then(|| (rest.get(..n).unwrap_or(""), n + 1))
}

impl Replacement {
    /// Parses `with` for `re`; `Err(n)` when it holds `n` group
    /// references, more than [`MAX_REPLACEMENT_REFS`].
    pub(crate) fn parse(with: &str, re: &Regex) -> Result<Self, usize> {
        let names = re.group_names();
        let group = |name: &str| match name.parse::<usize>() {
            Ok(i) => (i < names.len()).then_some(i),
            Err(_) => names.iter().position(|n| *n == Some(name)),
        };
        let mut pieces = Vec::new();
        let mut lit = String::new();
        let mut refs = 0usize;
        let mut rest = with;
        while let Some(i) = rest.find('$') {
            lit.push_str(rest.get(..i).unwrap_or(""));
            rest = rest.get(i..).unwrap_or("");
            if rest.starts_with("$$") {
                lit.push('$');
                rest = rest.get(2..).unwrap_or("");
                continue;
            }
            match cap_ref(rest) {
                None => {
                    lit.push('$');
                    rest = rest.get(1..).unwrap_or("");
                }
                Some((name, len)) => {
                    refs += 1;
                    if let Some(g) = group(name) {
                        if !lit.is_empty() {
                            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                        }
                        pieces.push(Piece::Group(g));
                    }
                    rest = rest.get(len..).unwrap_or("");
                }
            }
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            pieces.push(Piece::Lit(lit));
        }
        if refs > MAX_REPLACEMENT_REFS {
            return Err(refs);
        }
        Ok(Self { pieces })
    }
}

/// Appends `piece` unless that makes `out` longer than `cap`; `Err` with
/// the length it would have reached.
fn push_bounded(out: &mut String, piece: &str, cap: usize) -> Result<(), usize> {
    let len = out.len().saturating_add(piece.len());
    if len > cap {
        return Err(len);
    }
    out.push_str(piece);
    Ok(())
}

/// `re.replace_all(s, with)`, built only while it is at most `cap` bytes.
fn replace<'a>(
    re: &Regex,
    rep: &Replacement,
    s: Cow<'a, str>,
    cap: usize,
) -> Result<Cow<'a, str>, usize> {
    let mut out = String::new();
    let mut last = 0;
    let mut any = false;
    let text: &str = &s;
    if rep.pieces.iter().any(|p| matches!(p, Piece::Group(_))) {
        for c in re.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            any = true;
            push_bounded(&mut out, text.get(last..m.start()).unwrap_or(""), cap)?;
            for p in &rep.pieces {
                let piece = match p {
                    Piece::Lit(l) => l.as_str(),
                    Piece::Group(g) => c.get(*g).map_or("", |g| g.as_str()),
                };
                push_bounded(&mut out, piece, cap)?;
            }
            last = m.end();
        }
    } else {
        for m in re.find_iter(text) {
            any = true;
            push_bounded(&mut out, text.get(last..m.start()).unwrap_or(""), cap)?;
            for p in &rep.pieces {
                if let Piece::Lit(l) = p {
                    push_bounded(&mut out, l, cap)?;
                }
            }
            last = m.end();
        }
    }
    if !any {
        return Ok(s);
    }
    push_bounded(&mut out, text.get(last..).unwrap_or(""), cap)?;
    Ok(Cow::Owned(out))
}

impl Transform {
    /// Applies the transform. Transforms that take a part of the text
    /// (trim, strip, truncate, split, match, first line) keep borrowing.
    ///
    /// `Err(len)` when the result would be longer than both the input and
    /// `limit` (at least `len` bytes; a `replace` stops building there).
    pub(crate) fn apply<'a>(&self, s: Cow<'a, str>, limit: usize) -> Result<Cow<'a, str>, usize> {
        let cap = limit.max(s.len());
        let grown = |o: String| {
            if o.len() > cap {
                Err(o.len())
            } else {
                Ok(Cow::Owned(o))
            }
        };
        fn sub<'a>(s: Cow<'a, str>, f: impl FnOnce(&str) -> &str) -> Cow<'a, str> {
            match s {
                Cow::Borrowed(b) => Cow::Borrowed(f(b)),
                Cow::Owned(o) => {
                    let part = f(&o);
                    if part.len() == o.len() {
                        Cow::Owned(o)
                    } else {
                        Cow::Owned(part.to_owned())
                    }
                }
            }
        }
        Ok(match self {
            Self::Trim => sub(s, str::trim),
            Self::Lowercase => return grown(s.to_lowercase()),
            Self::Uppercase => return grown(s.to_uppercase()),
            Self::StripPrefix(p) => sub(s, |t| t.strip_prefix(p.as_str()).unwrap_or(t)),
            Self::StripSuffix(p) => sub(s, |t| t.strip_suffix(p.as_str()).unwrap_or(t)),
            Self::Truncate(n) => sub(s, |t| match t.char_indices().nth(*n) {
                Some((i, _)) => t.get(..i).unwrap_or(t),
                None => t,
            }),
            Self::Match(re) => sub(s, |t| if re.is_match(t) { t } else { "" }),
            Self::Capture(re, group) => Cow::Owned(
                re.captures(&s)
                    .and_then(|c| c.get(*group))
                    .map_or(String::new(), |m| m.as_str().to_owned()),
            ),
            Self::Replace(re, rep) => return replace(re, rep, s, cap),
            Self::Split { sep, keep_tail } => sub(s, |t| match t.find(sep.as_str()) {
                Some(i) if *keep_tail => t.get(i..).unwrap_or(""),
                Some(i) => t.get(..i).unwrap_or(""),
                None if *keep_tail => "",
                None => t,
            }),
            Self::SanitizeTag => Cow::Owned(sanitize_tag(&s)),
            Self::EpochToRfc3339 => Cow::Owned(epoch_to_rfc3339(&s).unwrap_or_default()),
            Self::FirstLine => sub(s, |t| t.split('\n').next().unwrap_or(t)),
        })
    }
}

/// Converts Unix seconds (as `SOURCE_DATE_EPOCH` holds them) to
/// `YYYY-MM-DDTHH:MM:SSZ`; `None` unless the text is a plain non-negative
/// integer in range.
///
/// ```
/// assert_eq!(imprint_core::epoch_to_rfc3339("0").as_deref(), Some("1970-01-01T00:00:00Z"));
/// assert_eq!(imprint_core::epoch_to_rfc3339("1700000000").as_deref(), Some("2023-11-14T22:13:20Z"));
/// assert_eq!(imprint_core::epoch_to_rfc3339("-1"), None);
/// ```
pub fn epoch_to_rfc3339(s: &str) -> Option<String> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = s.parse().ok()?;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = crate::calendar::civil_from_days(days);
    if year > 9999 {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: Transform, s: &str) -> String {
        t.apply(Cow::Borrowed(s), 1 << 16).unwrap().into_owned()
    }

    fn rep(re: &str, with: &str) -> Transform {
        let re = Regex::new(re).unwrap();
        let r = Replacement::parse(with, &re).unwrap();
        Transform::Replace(re, r)
    }

    #[test]
    fn strip_prefix_removes_exactly_one() {
        let t = || Transform::StripPrefix("v".into());
        assert_eq!(run(t(), "v1.0"), "1.0");
        assert_eq!(run(t(), "vv1.0"), "v1.0");
        assert_eq!(run(t(), "V1.0"), "V1.0");
        assert_eq!(run(t(), "v"), "");
    }

    #[test]
    fn split_head_and_tail_like_bash_parameter_expansion() {
        // ${variant%%-*} and ${variant#${cuda}}
        let head = || Transform::Split {
            sep: "-".into(),
            keep_tail: false,
        };
        let tail = || Transform::Split {
            sep: "-".into(),
            keep_tail: true,
        };
        assert_eq!(run(head(), "cu130-ubuntu2404"), "cu130");
        assert_eq!(run(tail(), "cu130-ubuntu2404"), "-ubuntu2404");
        assert_eq!(run(head(), "cu129"), "cu129");
        assert_eq!(run(tail(), "cu129"), "");
        assert_eq!(run(head(), "cu-"), "cu");
        assert_eq!(run(tail(), "cu-"), "-");
        assert_eq!(run(tail(), "a-b-c"), "-b-c");
    }

    #[test]
    fn match_capture_replace() {
        let hex = Regex::new("^[0-9a-f]{7,40}$").unwrap();
        assert_eq!(
            run(Transform::Match(hex.clone()), "c393ae4b2f1a"),
            "c393ae4b2f1a"
        );
        assert_eq!(run(Transform::Match(hex), "C393AE4"), "");
        let cap = Regex::new(r"^v([0-9]+\.[0-9]+)").unwrap();
        assert_eq!(run(Transform::Capture(cap.clone(), 1), "v1.2.3"), "1.2");
        assert_eq!(run(Transform::Capture(cap, 1), "main"), "");
        let userinfo = Regex::new("^(https?://)[^@/]+@").unwrap();
        let strip = Transform::Replace(
            userinfo.clone(),
            Replacement::parse("${1}", &userinfo).unwrap(),
        );
        assert_eq!(
            run(strip, "https://tok:x@github.com/a/b"),
            "https://github.com/a/b"
        );
    }

    #[test]
    fn replacement_syntax_is_the_regex_crates() {
        for (re, with, text) in [
            ("(?P<v>[0-9]+)", "<$v>", "a1b22"),
            ("([a-z])([0-9])", "$2$1$$1$", "a1b2"),
            ("([a-z])", "$1a ${1}a $ $} ${x $9 ${ 1}", "ab"),
            ("x*", "-", "abc"),
            ("", "[$0]", "é"),
            ("(a)|(b)", "[$1|$2]", "ab"),
        ] {
            let regex = Regex::new(re).unwrap();
            assert_eq!(
                run(rep(re, with), text),
                regex.replace_all(text, with),
                "{re} {with} {text}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2048,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Bounded `replace` gives what the regex crate's `replace_all`
        /// gives, for any replacement text, whenever that fits.
        #[test]
        fn replace_agrees_with_replace_all(
            re in proptest::sample::select(vec![
                "(?P<v>[0-9]+)", "([a-z])([0-9])?", "", "x*", "(a)|(?<n>b)", "^", "[^a]+$",
                "é|(.)",
            ]),
            with in "[$ab1{}_n0v2é]{0,10}",
            text in "[ab01xé -]{0,16}",
        ) {
            let regex = Regex::new(re).unwrap();
            let want = regex.replace_all(&text, with.as_str());
            let t = Transform::Replace(regex.clone(), Replacement::parse(&with, &regex).unwrap());
            let got = t.apply(Cow::Borrowed(&text), 1 << 16).unwrap();
            proptest::prop_assert_eq!(got.as_ref(), want.as_ref());
            // Bounded by the limit, never cut short silently.
            match t.apply(Cow::Borrowed(&text), 4) {
                Ok(v) => proptest::prop_assert_eq!(v.as_ref(), want.as_ref()),
                Err(len) => proptest::prop_assert!(want.len() > text.len().max(4) && len > 4),
            }
        }
    }

    #[test]
    fn growth_is_bounded_while_building() {
        // Doubling: 64 chained doublings of one byte stop at the limit.
        let double = rep("x", "xx");
        let mut v: Cow<'_, str> = Cow::Borrowed("x");
        let mut err = None;
        for _ in 0..64 {
            match double.apply(v.clone(), 1000) {
                Ok(n) => v = n,
                Err(len) => {
                    err = Some(len);
                    break;
                }
            }
        }
        assert_eq!(v.len(), 512);
        assert!(err.is_some_and(|l| l > 1000 && l <= 1024), "{err:?}");
        // An input already over the limit may stay as long, not grow.
        let long = "x".repeat(50);
        assert!(rep("y", "zz").apply(Cow::Borrowed(&long), 10).is_ok());
        assert!(rep("x", "x").apply(Cow::Borrowed(&long), 10).is_ok());
        assert_eq!(rep("x", "xx").apply(Cow::Borrowed(&long), 10), Err(52));
        assert_eq!(Transform::Uppercase.apply(Cow::Borrowed("ŉ"), 1), Err(3));
        assert!(Transform::Lowercase.apply(Cow::Borrowed(&long), 10).is_ok());
        // Too many references is refused at parse time.
        let re = Regex::new("(a)").unwrap();
        assert!(Replacement::parse(&"$1".repeat(MAX_REPLACEMENT_REFS), &re).is_ok());
        assert_eq!(
            Replacement::parse(&"$1".repeat(MAX_REPLACEMENT_REFS + 1), &re).unwrap_err(),
            MAX_REPLACEMENT_REFS + 1
        );
    }

    #[test]
    fn trim_truncate_case_first_line() {
        assert_eq!(run(Transform::Trim, " \tv1 \n"), "v1");
        assert_eq!(run(Transform::Truncate(3), "héllo"), "hél");
        assert_eq!(run(Transform::Truncate(9), "abc"), "abc");
        assert_eq!(run(Transform::Lowercase, "Org/Repo"), "org/repo");
        assert_eq!(run(Transform::Uppercase, "ab"), "AB");
        assert_eq!(run(Transform::FirstLine, "a\nb"), "a");
        assert_eq!(run(Transform::StripSuffix(".git".into()), "x.git"), "x");
    }

    #[test]
    fn epoch_conversion() {
        assert_eq!(
            epoch_to_rfc3339("951782400").as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(epoch_to_rfc3339("1e9"), None);
        assert_eq!(epoch_to_rfc3339(""), None);
        assert_eq!(epoch_to_rfc3339("999999999999"), None);
    }
}

//! Transforms turn a source's raw text into the value a policy wants.
//!
//! They run in order on a candidate's text. A transform that finds nothing
//! (`match` that does not match, `capture` without a match) yields an empty
//! string, and an empty candidate falls through to the next one.

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
    Replace(Regex, String),
    Split { sep: String, keep_tail: bool },
    SanitizeTag,
    EpochToRfc3339,
    FirstLine,
}

impl Transform {
    /// Applies the transform. Transforms that take a part of the text
    /// (trim, strip, truncate, split, match, first line) keep borrowing.
    pub(crate) fn apply<'a>(&self, s: Cow<'a, str>) -> Cow<'a, str> {
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
        match self {
            Self::Trim => sub(s, str::trim),
            Self::Lowercase => Cow::Owned(s.to_lowercase()),
            Self::Uppercase => Cow::Owned(s.to_uppercase()),
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
            Self::Replace(re, with) => match re.replace_all(&s, with.as_str()) {
                Cow::Borrowed(_) => s,
                Cow::Owned(o) => Cow::Owned(o),
            },
            Self::Split { sep, keep_tail } => sub(s, |t| match t.find(sep.as_str()) {
                Some(i) if *keep_tail => t.get(i..).unwrap_or(""),
                Some(i) => t.get(..i).unwrap_or(""),
                None if *keep_tail => "",
                None => t,
            }),
            Self::SanitizeTag => Cow::Owned(sanitize_tag(&s)),
            Self::EpochToRfc3339 => Cow::Owned(epoch_to_rfc3339(&s).unwrap_or_default()),
            Self::FirstLine => sub(s, |t| t.split('\n').next().unwrap_or(t)),
        }
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
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
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
        t.apply(Cow::Borrowed(s)).into_owned()
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
        assert_eq!(
            run(
                Transform::Replace(userinfo, "${1}".into()),
                "https://tok:x@github.com/a/b"
            ),
            "https://github.com/a/b"
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

//! Choosing a release tag among several on one commit, by Semantic
//! Versioning precedence (semver.org §11) rather than by git's version sort,
//! which puts `v2.0.0-rc1` after `v2.0.0`.

use std::cmp::Ordering;

/// A parsed `[v]MAJOR.MINOR.PATCH[-PRE][+BUILD]`; the build metadata is
/// ignored, as precedence ignores it.
#[derive(Debug, PartialEq, Eq)]
struct Version<'a> {
    core: [u64; 3],
    pre: Vec<&'a str>,
}

fn numeric(s: &str) -> Option<u64> {
    let ok =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if ok {
        s.parse().ok()
    } else {
        None
    }
}

fn parse(tag: &str) -> Option<Version<'_>> {
    let s = tag.strip_prefix('v').unwrap_or(tag);
    let s = s.split_once('+').map_or(s, |(v, _)| v);
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (s, None),
    };
    let mut parts = core.split('.');
    let mut nums = [0u64; 3];
    for n in &mut nums {
        *n = numeric(parts.next()?)?;
    }
    if parts.next().is_some() {
        return None;
    }
    let pre: Vec<&str> = match pre {
        Some(p) => p.split('.').collect(),
        None => Vec::new(),
    };
    let ident_ok = |i: &&str| {
        !i.is_empty()
            && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && (numeric(i).is_some() || !i.bytes().all(|b| b.is_ascii_digit()))
    };
    if !pre.iter().all(ident_ok) {
        return None;
    }
    Some(Version { core: nums, pre })
}

fn cmp_pre(a: &[&str], b: &[&str]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        // A release outranks any of its pre-releases.
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    for (x, y) in a.iter().zip(b) {
        let o = match (numeric(x), numeric(y)) {
            (Some(m), Some(n)) => m.cmp(&n),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// Semantic Versioning precedence of two tags (an optional leading `v` is
/// ignored). `None` when either is not a semantic version.
///
/// ```
/// use std::cmp::Ordering;
/// use imprint_core::semver_precedence;
/// assert_eq!(semver_precedence("v2.0.0-rc1", "v2.0.0"), Some(Ordering::Less));
/// assert_eq!(semver_precedence("v1.10.0", "v1.9.9"), Some(Ordering::Greater));
/// assert_eq!(semver_precedence("v1.0.0+a", "v1.0.0+b"), Some(Ordering::Equal));
/// assert_eq!(semver_precedence("v1.0", "v1.0.0"), None);
/// ```
pub fn semver_precedence(a: &str, b: &str) -> Option<Ordering> {
    let (x, y) = (parse(a)?, parse(b)?);
    Some(x.core.cmp(&y.core).then_with(|| cmp_pre(&x.pre, &y.pre)))
}

/// The tag to take from `tags` (one per line, as the host lists the tags
/// that point at `HEAD`): the highest semantic version, else the first line.
/// Tags that are not semantic versions rank below every one that is, in
/// the order given; among equal versions the first one given wins.
///
/// ```
/// use imprint_core::highest_tag;
/// assert_eq!(highest_tag("v2.0.0-rc1\nv2.0.0\n"), Some("v2.0.0"));
/// assert_eq!(highest_tag("v1.9.0\nv1.10.0"), Some("v1.10.0"));
/// assert_eq!(highest_tag("nightly\nv0.1.0"), Some("v0.1.0"));
/// assert_eq!(highest_tag("b\na"), Some("b"));
/// assert_eq!(highest_tag("\n"), None);
/// ```
pub fn highest_tag(tags: &str) -> Option<&str> {
    let mut best: Option<(&str, Option<Version<'_>>)> = None;
    for tag in tags.lines().map(str::trim).filter(|t| !t.is_empty()) {
        let v = parse(tag);
        let better = match (&best, &v) {
            (None, _) => true,
            (Some((_, None)), Some(_)) => true,
            (Some((_, Some(b))), Some(v)) => {
                v.core.cmp(&b.core).then_with(|| cmp_pre(&v.pre, &b.pre)) == Ordering::Greater
            }
            _ => false,
        };
        if better {
            best = Some((tag, v));
        }
    }
    best.map(|(t, _)| t)
}

/// Whether `tag` is one of `tags` (one per line).
pub(crate) fn lists_tag(tags: &str, tag: &str) -> bool {
    tags.lines().any(|t| t.trim() == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ordering example of semver.org §11, each pair in both directions.
    #[test]
    fn precedence_follows_the_spec_example() {
        let order = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for (i, a) in order.iter().enumerate() {
            for (j, b) in order.iter().enumerate() {
                assert_eq!(semver_precedence(a, b), Some(i.cmp(&j)), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn not_versions() {
        for t in [
            "1.0",
            "v1",
            "01.0.0",
            "1.0.0-",
            "1.0.0-a..b",
            "1.0.0-01",
            "x1.0.0",
            "",
        ] {
            assert!(parse(t).is_none(), "{t}");
        }
        assert!(parse("v1.0.0-0.3.7+build.1").is_some());
    }

    /// Finding 4 of issue 11: git's `-v:refname` sort lists the rc first.
    #[test]
    fn release_beats_its_candidate_in_any_order() {
        assert_eq!(highest_tag("v2.0.0-rc1\nv2.0.0"), Some("v2.0.0"));
        assert_eq!(highest_tag("v2.0.0\nv2.0.0-rc1"), Some("v2.0.0"));
        assert_eq!(highest_tag("v1.0.0+b\nv1.0.0+a"), Some("v1.0.0+b"));
    }
}

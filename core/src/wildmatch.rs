//! Tag-name patterns as git matches them: `git tag --list <pattern>`
//! (wildmatch without `WM_PATHNAME`), so a host can list the tags on `HEAD`
//! once (`git tag --points-at HEAD`) and pick those of each pattern itself.
//!
//! The pattern and the name are bytes:
//!
//! - `*` matches any run of bytes, `/` included (`**` is the same);
//! - `?` matches one byte;
//! - `\x` matches `x`;
//! - `[…]` matches one byte of a set: `[!…]` or `[^…]` negates it, a `]`
//!   first in the set is a member, `a-z` is a range (a `-` first or last is
//!   a member), `\` escapes, and `[:alpha:]`, `[:digit:]` … are git's ASCII
//!   classes. A set that does not end, or names an unknown class, makes the
//!   whole pattern match nothing, as in git.
//!
//! The matcher keeps one backtracking point (the last `*`), so it runs in
//! time proportional to the pattern times the name.

/// Whether `name` matches `pattern` as `git tag --list <pattern>` decides.
pub(crate) fn git_pattern_matches(pattern: &str, name: &str) -> bool {
    matches(pattern.as_bytes(), name.as_bytes())
}

/// The lines of `tags` (`git tag` output, one name per line) whose names
/// match `pattern`, in their order, each ending in a newline: what
/// `git tag --points-at HEAD --list <pattern>` prints.
///
/// ```
/// let tags = "latest\nv1.0.0\nv1.1.0\nversion-1\nrelease/a/b\n";
/// assert_eq!(imprint_core::tags_matching(tags, "v*"), "v1.0.0\nv1.1.0\nversion-1\n");
/// assert_eq!(imprint_core::tags_matching(tags, "v[0-9]*"), "v1.0.0\nv1.1.0\n");
/// // `*` crosses `/`, as in `git tag --list`.
/// assert_eq!(imprint_core::tags_matching(tags, "release/*"), "release/a/b\n");
/// ```
pub fn tags_matching(tags: &str, pattern: &str) -> String {
    let mut out = String::new();
    for name in tags.lines().filter(|n| git_pattern_matches(pattern, n)) {
        out.push_str(name);
        out.push('\n');
    }
    out
}

/// The pattern can never match (an unterminated set, an unknown class).
struct Malformed;

fn matches(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    // After a `*`: where the pattern resumes, and the name position the
    // star's run currently ends at.
    let mut star: Option<(usize, usize)> = None;
    loop {
        match p.get(pi) {
            Some(b'*') => {
                while p.get(pi) == Some(&b'*') {
                    pi += 1;
                }
                if pi == p.len() {
                    return true;
                }
                star = Some((pi, ti));
                continue;
            }
            Some(_) => {
                if let Some(&c) = t.get(ti) {
                    match one(p, pi, c) {
                        Ok(Some(next)) => {
                            pi = next;
                            ti += 1;
                            continue;
                        }
                        Ok(None) => {}
                        Err(Malformed) => return false,
                    }
                }
            }
            None if ti == t.len() => return true,
            None => {}
        }
        // A mismatch: let the last star take one more byte.
        match star {
            Some((sp, st)) if st < t.len() => {
                star = Some((sp, st + 1));
                pi = sp;
                ti = st + 1;
            }
            _ => return false,
        }
    }
}

/// Matches the element of `p` at `pi` (not a `*`) against `c`: where the
/// pattern goes on when it matches.
fn one(p: &[u8], pi: usize, c: u8) -> Result<Option<usize>, Malformed> {
    Ok(match p.get(pi) {
        Some(b'?') => Some(pi + 1),
        // A trailing `\` matches nothing.
        Some(b'\\') => p.get(pi + 1).filter(|&&e| e == c).map(|_| pi + 2),
        Some(b'[') => {
            let (hit, next) = set(p, pi, c)?;
            hit.then_some(next)
        }
        Some(&x) => (x == c).then_some(pi + 1),
        None => None,
    })
}

/// Matches the set starting at `p[open] == '['` against `c`: whether it
/// matched, and where the pattern goes on after its `]`.
fn set(p: &[u8], open: usize, c: u8) -> Result<(bool, usize), Malformed> {
    let at = |i: usize| p.get(i).copied().ok_or(Malformed);
    let mut i = open + 1;
    let negated = matches!(p.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut hit = false;
    // The last single member, the low end of a following range.
    let mut prev: Option<u8> = None;
    let mut first = true;
    loop {
        let ch = at(i)?;
        if ch == b']' && !first {
            return Ok((hit != negated, i + 1));
        }
        first = false;
        if ch == b'\\' {
            let e = at(i + 1)?;
            hit |= e == c;
            prev = Some(e);
            i += 2;
        } else if let (b'-', Some(lo), Some(n)) = (ch, prev, p.get(i + 1).copied()) {
            if n == b']' {
                hit |= c == b'-';
                prev = Some(b'-');
                i += 1;
                continue;
            }
            let (hi, end) = if n == b'\\' {
                (at(i + 2)?, i + 3)
            } else {
                (n, i + 2)
            };
            hit |= lo <= c && c <= hi;
            prev = None;
            i = end;
        } else if ch == b'[' && p.get(i + 1) == Some(&b':') {
            let name_at = i + 2;
            let close = p
                .get(name_at..)
                .and_then(|rest| rest.iter().position(|&b| b == b']'))
                .map(|k| name_at + k)
                .ok_or(Malformed)?;
            if close == name_at || p.get(close - 1) != Some(&b':') {
                // Not `[:name:]`: the `[` is a member.
                hit |= c == b'[';
                prev = Some(b'[');
                i += 1;
            } else {
                let name = p.get(name_at..close - 1).unwrap_or_default();
                hit |= class(name, c).ok_or(Malformed)?;
                prev = None;
                i = close + 1;
            }
        } else {
            hit |= ch == c;
            prev = Some(ch);
            i += 1;
        }
    }
}

/// Whether `c` is in the named class (git's ASCII character classes); `None`
/// for a name git does not know.
fn class(name: &[u8], c: u8) -> Option<bool> {
    Some(match name {
        b"alnum" => c.is_ascii_alphanumeric(),
        b"alpha" => c.is_ascii_alphabetic(),
        b"blank" => c == b' ' || c == b'\t',
        b"cntrl" => c.is_ascii_control(),
        b"digit" => c.is_ascii_digit(),
        b"graph" => c.is_ascii_graphic(),
        b"lower" => c.is_ascii_lowercase(),
        b"print" => c.is_ascii_graphic() || c == b' ',
        b"punct" => c.is_ascii_punctuation(),
        b"space" => matches!(c, b' ' | b'\t' | b'\n' | b'\r'),
        b"upper" => c.is_ascii_uppercase(),
        b"xdigit" => c.is_ascii_hexdigit(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::git_pattern_matches as m;

    #[test]
    fn stars_questions_and_escapes() {
        assert!(m("*", ""));
        assert!(m("*", "a/b"));
        assert!(m("v*", "v"));
        assert!(m("v*.0", "v1.0.0"));
        assert!(!m("v*.1", "v1.0.0"));
        assert!(m("a*b*c", "axxbyyc"));
        assert!(!m("a*b*c", "axxbyy"));
        assert!(m("v?.0", "v1.0"));
        assert!(!m("v?.0", "v10.0"));
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(!m("a\\", "a"));
        assert!(!m("a\\", "a\\"));
    }

    #[test]
    fn sets() {
        assert!(m("v[0-9]*", "v1.2.3"));
        assert!(!m("v[0-9]*", "vx"));
        assert!(m("[!a]", "b") && !m("[!a]", "a"));
        assert!(m("[^a]", "b") && !m("[^a]", "a"));
        assert!(m("[]a]", "]") && m("[]a]", "a"));
        assert!(m("[a-]", "-") && m("[-a]", "-"));
        assert!(m("[[:digit:]]x", "7x"));
        assert!(!m("[[:digit:]]x", "ax"));
        assert!(m("[[:]", "[") && m("[[:]", ":"));
        assert!(m("[\\]]", "]"));
        assert!(m("[a-\\z]", "m"));
    }

    #[test]
    fn malformed_patterns_match_nothing() {
        assert!(!m("v[0-9", "v1"));
        assert!(!m("*[", "a["));
        assert!(!m("[[:nope:]]", "a"));
        assert!(!m("[\\", "\\"));
    }

    #[test]
    fn many_stars_over_a_long_name() {
        let name = "a".repeat(10_000);
        assert!(!m("*a*a*a*a*a*b", &name));
    }
}

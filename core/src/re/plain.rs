//! A quick proof that a pattern is valid, for the common shapes.
//!
//! Validating a pattern with `regex-syntax` (what the native engine would
//! do, see [`super::Regex::checked`]) costs microseconds per pattern, most
//! of a builtin policy's load. Most policy patterns are plain: literals,
//! `.`, `^ $`, simple classes, groups and repetitions. [`plain`] admits
//! only patterns of that shape that `regex-syntax` certainly parses and
//! translates; anything else (named groups, escapes of letters, empty
//! branches, odd class syntax, deep nesting…) goes to `regex-syntax` as
//! before, so what loads and every message stay the same. It also counts
//! the capture groups, which a `replace` or `capture` transform checks at
//! load (natively that compiled the pattern). The property test
//! `plain_patterns_parse` holds [`plain`] to both promises.

/// Deepest group nesting admitted here (`regex-syntax`'s nest limit, 250,
/// counts a few levels per group).
const MAX_DEPTH: usize = 32;

/// If `pattern` is of the plain shape, and so certainly valid, its number
/// of capture groups (all unnamed), the whole match not counted.
pub(super) fn plain(pattern: &str) -> Option<usize> {
    let mut p = Plain {
        bytes: pattern.as_bytes(),
        pos: 0,
        groups: 0,
    };
    (p.alternation(0) && p.pos == p.bytes.len()).then_some(p.groups)
}

struct Plain<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Capture groups seen.
    groups: usize,
}

/// A character that stands for itself outside a class.
fn literal(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-@/:,=%!; ".contains(&b)
}

/// A character that stands for itself inside a class (not `-`, `^`, `[`,
/// `]`, `&`, `~` or `\`).
fn class_literal(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_.+@/:,=%!;".contains(&b)
}

/// A character any escape may name (`regex-syntax`'s meta characters).
fn escapable(b: u8) -> bool {
    b"\\.+*?()|[]{}^$#&-~".contains(&b)
}

impl Plain<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// Non-empty branches separated by `|`.
    fn alternation(&mut self, depth: usize) -> bool {
        loop {
            if !self.branch(depth) {
                return false;
            }
            if !self.eat(b'|') {
                return true;
            }
        }
    }

    /// One or more atoms, each optionally repeated.
    fn branch(&mut self, depth: usize) -> bool {
        let start = self.pos;
        loop {
            let repeatable = match self.peek() {
                None | Some(b'|' | b')') => return self.pos > start,
                Some(b'^' | b'$') => {
                    self.pos += 1;
                    false
                }
                Some(b'.') => {
                    self.pos += 1;
                    true
                }
                Some(b'\\') => match self.bytes.get(self.pos + 1) {
                    Some(&e) if escapable(e) => {
                        self.pos += 2;
                        true
                    }
                    _ => return false,
                },
                Some(b'[') => {
                    if !self.class() {
                        return false;
                    }
                    true
                }
                Some(b'(') => {
                    if depth >= MAX_DEPTH {
                        return false;
                    }
                    self.pos += 1;
                    if self.eat(b'?') {
                        if !self.eat(b':') {
                            return false;
                        }
                    } else {
                        self.groups += 1;
                    }
                    if !self.alternation(depth + 1) || !self.eat(b')') {
                        return false;
                    }
                    true
                }
                Some(b) if literal(b) => {
                    self.pos += 1;
                    true
                }
                Some(_) => return false,
            };
            if self.repetition() {
                if !repeatable {
                    return false;
                }
                self.eat(b'?');
                if matches!(self.peek(), Some(b'*' | b'+' | b'?' | b'{')) {
                    return false;
                }
            }
        }
    }

    /// `* + ?` or `{n}`, `{n,}`, `{n,m}` with n ≤ m and m > 0, if one is next; a `{`
    /// that is not such a repetition fails the next atom.
    fn repetition(&mut self) -> bool {
        match self.peek() {
            Some(b'*' | b'+' | b'?') => {
                self.pos += 1;
                true
            }
            Some(b'{') => {
                let save = self.pos;
                self.pos += 1;
                let Some(n) = self.number() else {
                    self.pos = save;
                    return false;
                };
                // At most zero times (`{0}`, `{0,0}`) is not plain: the
                // engine drops the groups it repeats.
                let ok = if self.eat(b',') {
                    match self.peek() {
                        Some(b'}') => true,
                        _ => self.number().is_some_and(|m| n <= m && m > 0),
                    }
                } else {
                    n > 0
                };
                if ok && self.eat(b'}') {
                    true
                } else {
                    self.pos = save;
                    false
                }
            }
            _ => false,
        }
    }

    /// One to four decimal digits.
    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        let mut n = 0u32;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            if self.pos - start == 4 {
                return None;
            }
            n = n * 10 + u32::from(d - b'0');
            self.pos += 1;
        }
        (self.pos > start).then_some(n)
    }

    /// `[` `^`? items `]`: literal characters, escaped meta characters and
    /// ranges of ASCII letters or digits (low ≤ high), with `-` literal only
    /// first or last.
    fn class(&mut self) -> bool {
        self.pos += 1;
        self.eat(b'^');
        let mut any = self.eat(b'-');
        loop {
            match self.peek() {
                Some(b']') if any => {
                    self.pos += 1;
                    return true;
                }
                Some(b'-')
                    if any
                        && self.bytes.get(self.pos + 1) == Some(&b']')
                        && self.bytes.get(self.pos - 1) != Some(&b'-') =>
                {
                    self.pos += 2;
                    return true;
                }
                Some(b'\\') => match self.bytes.get(self.pos + 1) {
                    Some(&e) if escapable(e) => self.pos += 2,
                    _ => return false,
                },
                Some(lo) if class_literal(lo) => {
                    self.pos += 1;
                    if self.peek() == Some(b'-') {
                        match self.bytes.get(self.pos + 1) {
                            Some(&b']') => {}
                            Some(&hi)
                                if lo.is_ascii_alphanumeric()
                                    && hi.is_ascii_alphanumeric()
                                    && lo <= hi =>
                            {
                                self.pos += 2;
                            }
                            _ => return false,
                        }
                    }
                }
                _ => return false,
            }
            any = true;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use proptest::prelude::*;

    /// If the native engine compiles `p` (it parses with `regex-syntax`
    /// first), its capture groups as the engine counts them.
    fn groups(p: &str) -> Option<usize> {
        let engine = super::super::compile(p).ok()?;
        Some(engine.captures_len() - 1)
    }

    #[test]
    fn builtin_shapes_are_plain_and_others_are_not() {
        for p in [
            "^v[0-9]+\\.[0-9]+\\.[0-9]+[0-9A-Za-z_.-]*$",
            "^(cu[0-9A-Za-z.]*-)?nightly-[0-9a-f]+(-[0-9A-Za-z_.-]+)?$",
            "^[0-9a-f]{6,40}-(x86_64|aarch64|arm64|ppc64le|s390x)(-[0-9A-Za-z_.-]+)?$",
            "^(https?://)[^@/]+@",
            "^-+|-+$",
            "^",
            "(?:a|b){2,}?",
            "[-a]",
        ] {
            assert_eq!(plain(p), groups(p), "{p}");
        }
        for p in [
            "", "a|", "()", "[z-a]", "a{2,1}", "x**", "[]a]", "(?P<n>a)", "\\d", "a{", "[a", "(a",
            "a)", "[a-]]", "^*", "{1}", "[a-b-c]", "é", "[--]", "(a){0}", "a{0,0}",
        ] {
            assert_eq!(plain(p), None, "{p}");
        }
        let deep = format!("{}a{}", "(".repeat(40), ")".repeat(40));
        assert_eq!(plain(&deep), None);
    }

    const PIECES: &[&str] = &[
        "\\#",
        "\\&",
        "\\~",
        "@",
        "/",
        "=",
        "%",
        "!",
        ";",
        "0-z",
        "A-z",
        "a",
        "Z",
        "0",
        "-",
        ".",
        "_",
        " ",
        "\\.",
        "\\-",
        "\\\\",
        "\\[",
        "\\a",
        "^",
        "$",
        "|",
        "(",
        "(?:",
        "(?",
        "(?P<n>",
        ")",
        "[",
        "[^",
        "]",
        "-]",
        "a-z",
        "z-a",
        "0-9",
        "9-0",
        "a-9",
        "--",
        "&&",
        "~",
        "[:alpha:]",
        "*",
        "+",
        "?",
        "*?",
        "{2}",
        "{2,}",
        "{1,3}",
        "{3,1}",
        "{0}",
        "{",
        "}",
        ",",
        "{99999}",
        "é",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

        /// What [`plain`] admits, `regex-syntax` parses (and so
        /// [`super::super::Regex::checked`] may skip it), with as many
        /// capture groups: patterns of pieces near the plain shape, and of
        /// single characters.
        #[test]
        fn plain_patterns_parse(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..10),
            chars in "[a0z9._\\-\\\\^$|()\\[\\]{}*+?:,1-]{0,14}",
        ) {
            for p in [pieces.concat(), chars] {
                if let Some(n) = plain(&p) {
                    prop_assert_eq!(Some(n), groups(&p), "{}", p);
                }
            }
        }
    }
}

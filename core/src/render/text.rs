//! Showing untrusted text to people: control characters, line separators
//! and bidirectional overrides from an artifact (a label, a file name) are
//! shown escaped, so they cannot forge a line of a report or reach a
//! terminal as escape sequences.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is shown escaped: controls (C0, DEL, C1), the line and
/// paragraph separators, and the bidirectional marks and overrides.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Appends `c` escaped: `\n`, `\r`, `\t`, `\xNN` for other ASCII, `\u{…}`.
pub(crate) fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_ascii() => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// `s` as it may be shown to people: every control character, line or paragraph separator and bidirectional mark
/// escaped, the rest as it is.
///
/// ```
/// use imprint_core::visible;
/// assert_eq!(visible("plain ü"), "plain ü");
/// assert_eq!(visible("v1\n  channel   release\u{1b}[2J"), "v1\\n  channel   release\\x1b[2J");
/// ```
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_escapes_controls_only() {
        assert_eq!(visible("plain ü/é"), "plain ü/é");
        assert_eq!(
            visible("a\n  channel\tb\u{1b}[31m\u{9b}\u{2066}"),
            "a\\n  channel\\tb\\x1b[31m\\u{9b}\\u{2066}"
        );
    }
}

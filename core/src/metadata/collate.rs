//! The order of label and annotation keys: JavaScript's
//! `a.localeCompare(b)` in Node, which is ICU collation for `en-US` (the
//! CLDR root order: English has no tailoring) at tertiary strength with
//! punctuation not ignored. metadata-action sorts its `labels` and
//! `annotations` outputs with it (reference §12 step 5).
//!
//! Collation compares in levels. First the **primary** weights of the whole
//! strings — the letter, ignoring case — and only when those are all equal,
//! the **tertiary** weights — the case, lower before upper — from the left.
//! (The secondary level, accents, is the same for every ASCII character.)
//! So `b` < `B` < `c`, and `aB` < `Ab`: the first case difference decides.
//!
//! The primary order of printable ASCII is
//!
//! ```text
//! TAB LF VT FF CR SPACE _ - , ; : ! ? . ' " ( ) [ ] { } @ * / \ & # % ` ^ + < = > | ~ $ 0…9 aA bB … zZ
//! ```
//!
//! — whitespace, punctuation, symbols, currency, digits, letters; digits are
//! not read as numbers (`10` < `9`). The other ASCII control characters
//! (`U+0000`–`U+0008`, `U+000E`–`U+001F`, `U+007F`) are completely ignorable:
//! `"a\u{1}"` and `"a"` compare equal, as in ICU.
//!
//! **Beyond ASCII** this is not ICU. Every non-ASCII character gets a
//! primary weight after all of ASCII, in code point order, with no case or
//! accent levels: `é` sorts after `Z` (ICU puts it right after `e`), and
//! non-Latin scripts keep code point order among themselves. Keys are
//! almost always ASCII (`org.opencontainers.image.*`), and the fallback is
//! a total order consistent with the ASCII one.

use std::cmp::Ordering;

/// Printable-ASCII and whitespace characters in ICU root primary order,
/// letters by their lower-case form only.
const PRIMARY_ORDER: &[u8] =
    b"\t\n\x0b\x0c\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

/// Compares two strings as Node's `a.localeCompare(b)` (ICU, `en-US`) does
/// for ASCII, with the documented fallback beyond it.
pub fn compare(a: &str, b: &str) -> Ordering {
    let primary = |s: &str| s.chars().filter_map(primary_weight).collect::<Vec<u32>>();
    primary(a)
        .cmp(&primary(b))
        .then_with(|| case_weights(a).cmp(&case_weights(b)))
}

/// The primary weight of one character; `None` when it is ignorable.
fn primary_weight(c: char) -> Option<u32> {
    if !c.is_ascii() {
        return Some(0x100 + u32::from(c));
    }
    let lower = c.to_ascii_lowercase();
    let index = PRIMARY_ORDER.iter().position(|&b| char::from(b) == lower)?;
    u32::try_from(index).ok()
}

/// Tertiary weights of the non-ignorable characters: `false` for lower
/// case and caseless, `true` for upper case (so lower sorts first).
fn case_weights(s: &str) -> Vec<bool> {
    s.chars()
        .filter(|&c| primary_weight(c).is_some())
        .map(|c| c.is_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        out.sort_by(|a, b| compare(a, b));
        out
    }

    /// Reference §12 step 5 (observed by running the action).
    #[test]
    fn reference_example_order() {
        let expected = [
            "_x",
            "1abc",
            "a.label",
            "b",
            "B",
            "com.example_x",
            "com.example-x",
            "com.example.x",
            "org.opencontainers.image.title",
            "org.opencontainers.image.Title",
            "Z.label",
        ];
        let mut shuffled = expected;
        shuffled.reverse();
        shuffled.swap(2, 7);
        assert_eq!(sorted(&shuffled), expected);
    }

    /// The 128 ASCII characters as Node 20 (ICU 78.2) sorts them with
    /// `localeCompare`: `[...Array(128)].map((_, i) => String.fromCharCode(i))
    /// .sort((a, b) => a.localeCompare(b))`; the 28 controls it prints first
    /// compare equal to `""` there (`c.localeCompare("") === 0`).
    #[test]
    fn ascii_table_matches_node() {
        let node = "\t\n\u{b}\u{c}\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789\
                    aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ";
        let chars: Vec<String> = node.chars().map(String::from).collect();
        for pair in chars.windows(2) {
            assert_eq!(compare(&pair[0], &pair[1]), Ordering::Less, "{pair:?}");
        }
        let ignorable = (0u8..=8).chain(14..=31).chain([127]);
        for c in ignorable {
            let s = char::from(c).to_string();
            assert_eq!(compare(&s, ""), Ordering::Equal, "{c}");
            assert_eq!(compare(&format!("a{s}b"), "ab"), Ordering::Equal, "{c}");
        }
    }

    /// Level order: primary differences anywhere beat case differences, and
    /// the first case difference decides (checked with node's localeCompare:
    /// "aB" < "Ab", "Ab" < "ac", "a-b" < "A-B", "a10" < "a9").
    #[test]
    fn levels() {
        assert_eq!(compare("aB", "Ab"), Ordering::Less);
        assert_eq!(compare("Ab", "ac"), Ordering::Less);
        assert_eq!(compare("a-b", "A-B"), Ordering::Less);
        assert_eq!(compare("a10", "a9"), Ordering::Less);
        assert_eq!(compare("same", "same"), Ordering::Equal);
    }

    /// The documented fallback beyond ASCII: after all of ASCII, by code point.
    #[test]
    fn non_ascii_fallback() {
        assert_eq!(compare("é", "Z"), Ordering::Greater);
        assert_eq!(compare("é", "ф"), Ordering::Less);
        assert_eq!(compare("aé", "aéb"), Ordering::Less);
    }

    /// 400 random keys over letters, digits and `._-/:=@ `, in the order of
    /// testdata/collate_node.txt, which testdata/gen_collate.js produced by
    /// sorting them with `localeCompare` under node 20 (ICU 78.2, en-US).
    #[test]
    fn generated_keys_match_node() {
        let expected: Vec<&str> = include_str!("testdata/collate_node.txt")
            .strip_suffix('\n')
            .unwrap()
            .split('\n')
            .collect();
        let mut keys = expected.clone();
        keys.sort_unstable();
        keys.reverse();
        keys.sort_by(|a, b| compare(a, b));
        assert_eq!(keys, expected);
    }
}

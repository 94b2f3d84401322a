//! Shell-style glob matching (`*` and `?`), as `[[ $v == cu* ]]` does.
//!
//! The pattern is split at its stars; the part before the first star must
//! start the text, the part after the last must end it, and each part in
//! between is found left to right, at its leftmost place after the one
//! before (leftmost is always right, since stars absorb the rest). A part
//! without `?` is found with the standard library's linear substring
//! search, one with `?` bit-parallel (one bit per pattern character), so
//! matching is linear in the text for a given pattern, whatever it holds.

use std::collections::BTreeMap;

/// Whether `text` matches `pattern`, where `*` matches any run of characters
/// and `?` exactly one; every other character matches itself.
///
/// ```
/// assert!(imprint_core::glob_match("cu*", "cu130-ubuntu2404"));
/// assert!(!imprint_core::glob_match("cu*", "CU129"));
/// ```
pub fn glob_match(pattern: &str, text: &str) -> bool {
    // No allocation: rules test facts with globs on every artifact.
    let Some((first, rest)) = pattern.split_once('*') else {
        return match_at(pattern, text, 0) == Some(text.len());
    };
    // What lies between the first star and the last, and what follows the last.
    let (middle, last) = rest.rsplit_once('*').unwrap_or(("", rest));
    let Some(mut pos) = match_at(first, text, 0) else {
        return false;
    };
    for part in middle.split('*').filter(|p| !p.is_empty()) {
        match find(part, text, pos) {
            Some(end) => pos = end,
            None => return false,
        }
    }
    let n = last.chars().count();
    let start = if n == 0 {
        Some(text.len())
    } else {
        text.char_indices().rev().nth(n - 1).map(|(i, _)| i)
    };
    start.is_some_and(|s| s >= pos && match_at(last, text, s) == Some(text.len()))
}

/// Where `part` (no `*`) ends when it matches `text` at byte `at`.
fn match_at(part: &str, text: &str, at: usize) -> Option<usize> {
    let mut t = text.get(at..)?.char_indices();
    let mut end = at;
    for p in part.chars() {
        let (i, c) = t.next()?;
        if p != '?' && p != c {
            return None;
        }
        end = at + i + c.len_utf8();
    }
    Some(end)
}

/// Where the leftmost match of `part` (no `*`, not empty) at or after
/// byte `from` ends.
fn find(part: &str, text: &str, from: usize) -> Option<usize> {
    let hay = text.get(from..)?;
    if !part.contains('?') {
        return hay.find(part).map(|i| from + i + part.len());
    }
    // Shift-And: bit j of `state` is set when the first j+1 pattern
    // characters match the text ending here.
    let chars: Vec<char> = part.chars().collect();
    let words = chars.len().div_ceil(64);
    let mut any = vec![0u64; words];
    let mut masks: BTreeMap<char, Vec<u64>> = BTreeMap::new();
    for (j, &c) in chars.iter().enumerate() {
        let (w, b) = (j / 64, 1u64 << (j % 64));
        if c == '?' {
            if let Some(x) = any.get_mut(w) {
                *x |= b;
            }
        } else if let Some(x) = masks.entry(c).or_insert_with(|| vec![0; words]).get_mut(w) {
            *x |= b;
        }
    }
    for m in masks.values_mut() {
        for (x, a) in m.iter_mut().zip(&any) {
            *x |= a;
        }
    }
    let last = chars.len().checked_sub(1)?;
    let mut state = vec![0u64; words];
    for (i, c) in hay.char_indices() {
        let mask = masks.get(&c).unwrap_or(&any);
        let mut carry = 1u64;
        for (s, m) in state.iter_mut().zip(mask) {
            let next = *s >> 63;
            *s = ((*s << 1) | carry) & m;
            carry = next;
        }
        if state
            .get(last / 64)
            .is_some_and(|w| w & (1 << (last % 64)) != 0)
        {
            return Some(from + i + c.len_utf8());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn bash_cu_star_semantics() {
        for v in ["cu", "cu-", "cuda12", "cu130/arm64", "cu129"] {
            assert!(glob_match("cu*", v), "{v}");
        }
        for v in ["CU129", "-cu129", "ubuntu2404", ""] {
            assert!(!glob_match("cu*", v), "{v}");
        }
    }

    #[test]
    fn stars_and_question_marks() {
        assert!(glob_match("v*", "v1.2.3"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
        assert!(glob_match("v?.?", "v1.2"));
        assert!(!glob_match("v?", "v"));
        assert!(!glob_match(&"*a".repeat(50), &"a".repeat(40)));
        assert!(glob_match("*?b*?é", "xxbéé"));
        assert!(!glob_match("a*?a", "aa"));
        assert!(glob_match("a*a", "aa"));
    }

    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "a test of running time reads the clock"
    )]
    fn hostile_patterns_take_linear_time() {
        // The backtracking matcher this replaced took ~10 s on the first.
        let text = "a".repeat(200_000);
        let start = std::time::Instant::now();
        assert!(!glob_match(&format!("*{}b", "a".repeat(100_000)), &text));
        assert!(!glob_match(&format!("*{}b*", "?".repeat(4_000)), &text));
        assert!(!glob_match(&format!("{}b", "*a".repeat(2_000)), &text));
        assert!(glob_match(&format!("*{}*", "a?".repeat(2_000)), &text));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }
}

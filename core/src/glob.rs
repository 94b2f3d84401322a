//! Shell-style glob matching (`*` and `?`), as `[[ $v == cu* ]]` does.
//!
//! Linear-time two-pointer matching with single backtrack point, so a
//! hostile pattern cannot make it exponential.

/// Whether `text` matches `pattern`, where `*` matches any run of characters
/// and `?` exactly one; every other character matches itself.
///
/// ```
/// assert!(imprint_core::glob_match("cu*", "cu130-ubuntu2404"));
/// assert!(!imprint_core::glob_match("cu*", "CU129"));
/// ```
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
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
    }
}

//! Regular expressions in policies: one dialect, two engines.
//!
//! Natively imprint uses the `regex` crate (fast engines); in WebAssembly
//! it uses `regex-lite` (a fifth of the size). Policies are restricted to
//! the syntax both read identically, checked here on every target before
//! either engine sees a pattern:
//!
//! - literals, `.`, `[…]` classes (with ranges, negation and ASCII
//!   `[:name:]` classes), groups `( )`, `(?: )`, named groups, `|`,
//!   `^ $`, and the repetitions `* + ? {n} {n,} {n,m}` (lazy `?` too);
//! - escapes of punctuation (`\.`, `\-`, `\$` …) and `\n \t \r \f \v`;
//! - **not** `\d \w \s \b \p` and their negations, `\A \z`, or inline
//!   flags like `(?i)`: their meaning differs between engines (Unicode
//!   or ASCII), so write `[0-9]`, `[A-Za-z0-9_]`, `[ \t]` instead.
//!
//! Size is bounded by an estimate of the expanded pattern (each counted
//! repetition multiplies what it repeats), the same on every target, so a
//! pattern is accepted or refused identically everywhere; the engines'
//! own limits are set far above what the estimate admits.

#[cfg(not(target_arch = "wasm32"))]
mod plain;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use regex::Regex as Engine;
#[cfg(target_arch = "wasm32")]
pub(crate) use regex_lite::Regex as Engine;

/// A policy's pattern: checked when the policy loads, compiled when it is
/// first used. Natively, building the `regex` crate's engines was most of
/// a policy's load time, and a run uses few of a policy's patterns; the
/// pattern is still validated in full when the policy loads (by the parser
/// the engine uses, or for a plain pattern by re/plain.rs, which admits
/// only what that parser reads), so what loads and what is refused do not
/// change. In WebAssembly, `regex-lite` compiles it at once (it is cheap
/// there).
#[derive(Debug, Clone)]
pub(crate) struct Regex {
    pattern: Box<str>,
    engine: std::sync::OnceLock<Engine>,
    /// Capture groups (the whole match not counted) of a plain pattern
    /// (re/plain.rs), known without compiling it.
    plain_groups: Option<usize>,
}

impl Regex {
    /// A pattern compiled now (WebAssembly, and tests).
    #[cfg(any(test, target_arch = "wasm32"))]
    pub(crate) fn new(pattern: &str) -> Result<Self, String> {
        let engine = std::sync::OnceLock::new();
        let _ = engine.set(compile(pattern)?);
        Ok(Self {
            pattern: pattern.into(),
            engine,
            plain_groups: None,
        })
    }

    /// A pattern that passed [`check`]: natively known valid by its plain
    /// shape (`plain.rs`) or validated with the engine's own parser, and
    /// compiled on first use; compiled now in WebAssembly.
    pub(crate) fn checked(pattern: &str) -> Result<Self, String> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            // A plain pattern needs no parser to be known valid (plain.rs).
            let plain_groups = plain::plain(pattern);
            if plain_groups.is_none() {
                regex_syntax::ParserBuilder::new()
                    .nest_limit(250)
                    .build()
                    .parse(pattern)
                    .map_err(|e| e.to_string().lines().last().unwrap_or("").trim().to_owned())?;
            }
            Ok(Self {
                pattern: pattern.into(),
                engine: std::sync::OnceLock::new(),
                plain_groups,
            })
        }
        #[cfg(target_arch = "wasm32")]
        Self::new(pattern)
    }

    /// Number of capture groups, the whole match included (as
    /// [`Engine::captures_len`]); a plain pattern's without compiling it.
    pub(crate) fn captures_len(&self) -> usize {
        match self.plain_groups {
            Some(n) => n + 1,
            None => self.engine().captures_len(),
        }
    }

    /// The name of each capture group, the whole match first (as
    /// [`Engine::capture_names`]); a plain pattern's without compiling it.
    pub(crate) fn group_names(&self) -> Vec<Option<&str>> {
        match self.plain_groups {
            Some(n) => vec![None; n + 1],
            None => self.engine().capture_names().collect(),
        }
    }

    /// The compiled engine.
    fn engine(&self) -> &Engine {
        self.engine.get_or_init(|| {
            // The pattern parsed when the policy loaded, and [`check`]'s
            // size bound keeps it far below the engine's limits, so this
            // compiles; a pattern that did not would match nothing.
            compile(&self.pattern).unwrap_or_else(|_| never())
        })
    }
}

impl std::ops::Deref for Regex {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        self.engine()
    }
}

/// A regex that matches nothing (an empty class).
#[allow(
    clippy::expect_used,
    reason = "a constant pattern every engine compiles"
)]
fn never() -> Engine {
    Engine::new("[^\\x00-\\x{10FFFF}]").expect("an empty class compiles")
}

/// Largest expanded-size estimate a policy pattern may have.
pub(crate) const MAX_WEIGHT: u64 = 20_000;

/// Why a pattern is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// Outside the portable dialect, or not a valid pattern.
    Invalid(String),
    /// Its expanded size is over [`MAX_WEIGHT`].
    TooLarge(u64),
}

/// Checks the portable dialect and estimates the expanded size.
pub(crate) fn check(pattern: &str) -> Result<u64, PatternError> {
    let bad = |m: String| Err(PatternError::Invalid(m));
    let chars: Vec<char> = pattern.chars().collect();
    // Stack of (weight of the current group so far, weight of the last atom).
    let mut stack: Vec<(u64, u64)> = vec![(0, 0)];
    let mut i = 0;
    let add_atom = |stack: &mut Vec<(u64, u64)>, w: u64| {
        if let Some(top) = stack.last_mut() {
            top.0 = top.0.saturating_add(w);
            top.1 = w;
        }
    };
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    return bad("pattern ends with a lone `\\`".into());
                };
                if e.is_ascii_alphanumeric() && !matches!(e, 'n' | 't' | 'r' | 'f' | 'v') {
                    return bad(format!(
                        "`\\{e}` is not portable between imprint's regex engines (write a class such as `[0-9]` instead)"
                    ));
                }
                add_atom(&mut stack, 1);
                i += 2;
            }
            '[' => {
                // A class: skip to its closing `]` (honouring escapes and [:name:]).
                let mut j = i + 1;
                if chars.get(j) == Some(&'^') {
                    j += 1;
                }
                if chars.get(j) == Some(&']') {
                    j += 1;
                }
                loop {
                    match chars.get(j) {
                        None => return bad("unclosed `[` class".into()),
                        Some(']') => break,
                        Some('\\') => {
                            let e = chars.get(j + 1).copied().unwrap_or(' ');
                            if e.is_ascii_alphanumeric()
                                && !matches!(e, 'n' | 't' | 'r' | 'f' | 'v')
                            {
                                return bad(format!(
                                    "`\\{e}` is not portable between imprint's regex engines"
                                ));
                            }
                            j += 2;
                        }
                        Some('[') if chars.get(j + 1) == Some(&':') => {
                            let rest: String = chars.get(j..).unwrap_or(&[]).iter().collect();
                            match rest.find(":]") {
                                Some(k) => j += rest.get(..k + 2).map_or(2, |s| s.chars().count()),
                                None => return bad("unclosed `[:` class".into()),
                            }
                        }
                        // The regex crate reads these as nested classes and
                        // class set operations; regex-lite refuses them.
                        Some('[') => {
                            return bad("a `[` inside a class (a nested class) is not portable between imprint's regex engines (write `\\[` for a literal bracket)".into());
                        }
                        Some(&c @ ('&' | '-' | '~')) if chars.get(j + 1) == Some(&c) => {
                            return bad(format!(
                                "`{c}{c}` inside a class (a class set operation) is not portable between imprint's regex engines (escape one of them: `\\{c}{c}`)"
                            ));
                        }
                        Some(_) => j += 1,
                    }
                }
                add_atom(&mut stack, 8);
                i = j + 1;
            }
            '(' => {
                if chars.get(i + 1) == Some(&'?') {
                    let next = chars.get(i + 2).copied();
                    let named =
                        next == Some('<') || (next == Some('P') && chars.get(i + 3) == Some(&'<'));
                    if next != Some(':') && !named {
                        return bad("inline flags such as `(?i)` are not portable between imprint's regex engines".into());
                    }
                }
                stack.push((0, 0));
                i += 1;
            }
            ')' => {
                if stack.len() < 2 {
                    return bad("unopened `)`".into());
                }
                let (w, _) = stack.pop().unwrap_or((0, 0));
                add_atom(&mut stack, w.max(1));
                i += 1;
            }
            '*' | '+' | '?' => {
                if let Some(top) = stack.last_mut() {
                    // The repeated atom is compiled about twice (loop and exit).
                    top.0 = top.0.saturating_add(top.1);
                    top.1 = top.1.saturating_mul(2);
                }
                i += 1;
                if chars.get(i) == Some(&'?') {
                    i += 1;
                }
            }
            '{' => {
                let rest: String = chars.get(i + 1..).unwrap_or(&[]).iter().collect();
                let Some(end) = rest.find('}') else {
                    return bad("unclosed `{` repetition (write `\\{` for a literal brace)".into());
                };
                let body = rest.get(..end).unwrap_or("");
                let nums: Vec<&str> = body.split(',').collect();
                let parse = |s: &str| s.trim().parse::<u64>().ok();
                let max = match nums.as_slice() {
                    [n] => parse(n),
                    [n, m] if m.trim().is_empty() => parse(n).map(|n| n + 1),
                    [n, m] => match (parse(n), parse(m)) {
                        (Some(a), Some(b)) if a <= b => Some(b),
                        _ => None,
                    },
                    _ => None,
                };
                let Some(max) = max else {
                    return bad(format!("`{{{body}}}` is not a valid repetition"));
                };
                if let Some(top) = stack.last_mut() {
                    let repeated = top.1.saturating_mul(max.max(1));
                    top.0 = top.0.saturating_sub(top.1).saturating_add(repeated);
                    top.1 = repeated;
                }
                i += 1 + body.chars().count() + 1;
                if chars.get(i) == Some(&'?') {
                    i += 1;
                }
            }
            _ => {
                add_atom(&mut stack, 1);
                i += 1;
            }
        }
    }
    if stack.len() != 1 {
        return bad("unclosed `(` group".into());
    }
    let weight = stack.first().map_or(0, |t| t.0);
    if weight > MAX_WEIGHT {
        return Err(PatternError::TooLarge(weight));
    }
    Ok(weight)
}

/// Compiles a pattern that passed [`check`].
pub(crate) fn compile(pattern: &str) -> Result<Engine, String> {
    #[cfg(not(target_arch = "wasm32"))]
    let built = regex::RegexBuilder::new(pattern)
        .size_limit(32 << 20)
        .dfa_size_limit(8 << 20)
        .nest_limit(250)
        .build();
    #[cfg(target_arch = "wasm32")]
    let built = regex_lite::RegexBuilder::new(pattern)
        .size_limit(32 << 20)
        .nest_limit(250)
        .build();
    built.map_err(|e| e.to_string().lines().last().unwrap_or("").trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A policy pattern checked without compiling it is refused exactly
    /// when compiling it fails, with the same message, and once used it
    /// matches as the compiled engine does.
    #[test]
    fn checking_without_compiling_refuses_what_compiling_refuses() {
        for p in [
            "^v[0-9]+$",
            "(?P<n>a)(?P<n>b)",
            "[z-a]",
            "(?P<1a>x)",
            "(?<>x)",
            "a{3}{2}",
            "x**",
            "()",
            "(|a)",
            "[^\\n]*",
            "a{1000}{1000}",
            "(?P<v>[0-9]+)\\.",
        ] {
            assert!(
                check(p).is_ok() || matches!(check(p), Err(PatternError::TooLarge(_))),
                "{p}"
            );
            let lazy = Regex::checked(p).map(|_| ());
            let eager = compile(p).map(|_| ());
            assert_eq!(lazy, eager, "{p}");
        }
        // Capture groups, known without compiling for a plain pattern.
        for p in [
            "^v([0-9]+)(?:x)?$",
            "(a)|(b(c))",
            "(?P<v>[0-9]+)\\.(x)",
            "a",
        ] {
            let (lazy, eager) = (Regex::checked(p).unwrap(), compile(p).unwrap());
            assert_eq!(lazy.captures_len(), eager.captures_len(), "{p}");
            let names: Vec<_> = eager.capture_names().collect();
            assert_eq!(lazy.group_names(), names, "{p}");
            assert!(lazy.engine.get().is_none() || p.contains('<'), "{p}");
        }
        let lazy = Regex::checked("^v([0-9]+)$").unwrap();
        assert!(lazy.is_match("v12") && !lazy.is_match("v1x"));
        assert_eq!(&lazy.captures("v42").unwrap()[1], "42");
        assert!(!never().is_match("") && !never().is_match("a"));
    }

    /// Why a pattern that loaded compiles when first used: [`check`]'s
    /// bound admits nothing near the engine's size limit. The heaviest
    /// patterns it admits (the most Unicode classes and `.`, whose UTF-8
    /// automata are the largest per unit of weight) compile.
    #[test]
    fn what_check_admits_compiles() {
        for p in [
            ".{20000}",
            "[^a]{2500}",
            "(?:[^a]|.){1250}",
            "(?:(?:[^a]{5}){10}){45}",
        ] {
            assert!(check(p).is_ok(), "{p}: {:?}", check(p));
            assert!(compile(p).is_ok(), "{p}: {:?}", compile(p).err());
        }
        assert!(matches!(check(".{20001}"), Err(PatternError::TooLarge(_))));
    }

    #[test]
    fn portable_dialect() {
        for ok in [
            "^v[0-9]+\\.[0-9]+\\.[0-9]+[0-9A-Za-z_.-]*$",
            "^dev-([0-9a-f]+|unknown)(-dirty)?$",
            "^(?:cu[0-9A-Za-z.]*-)?nightly-[0-9a-f]+(-[0-9A-Za-z_.-]+)?$",
            "^(https?://)[^@/]+@",
            "(?P<v>x)(?<w>y)",
            "[[:alpha:]]+\\n",
            "a{2,}b{3}c{1,5}?",
        ] {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
            assert!(compile(ok).is_ok(), "{ok}");
        }
        for bad in [
            "\\d+", "[\\w]", "\\bx", "(?i)abc", "\\p{L}", "a\\", "[abc", "(a", "a)", "x{2,1}",
            "x{a}", "[a[b]]", "[[]", "[a&&b]", "[!--]", "[a~~b]", "[\\\\&&]", "[^a--b]",
        ] {
            assert!(matches!(check(bad), Err(PatternError::Invalid(_))), "{bad}");
        }
    }

    /// What the dialect admits, both engines compile: the native one here
    /// and regex-lite (a dev-dependency natively, the engine in
    /// WebAssembly), and they agree on matches. Patterns that differ
    /// between the engines (nested classes, class set operations found by
    /// fuzzing) must be refused by `check`, never admitted.
    #[test]
    fn what_the_dialect_admits_both_engines_compile_alike() {
        let patterns = [
            "[a-]",
            "[-a]",
            "[a&b]",
            "[a~b]",
            "[\\&\\&]",
            "[a\\-\\-b]",
            "[\\[]",
            "[]a]",
            "[^]a]",
            "[[:alpha:][:digit:]]",
            "x++",
            "x**",
            "x{2}{3}",
            "(?:x)+?",
            "a||b",
            "|",
            "(|a)",
            "[!-,]",
            "^$",
            "(?P<n>a)|(?<m>b)",
            "[a-z&&aeiou]",
            "[a[b]]",
            "[0-9--5]",
            "[a~~b]",
            "x{0}",
            "\\.\\*\\?\\$",
        ];
        let texts = [
            "", "a", "b", "x", "xx", "&", "-", "~", "[", "]", "aeiou", "5", "0", "!", ",", ".*?$",
        ];
        // Refused patterns may compile in one engine or both; a refusal is
        // the same on every target either way.
        for p in patterns.into_iter().filter(|p| check(p).is_ok()) {
            let native = compile(p).unwrap_or_else(|e| panic!("{p}: admitted, native: {e}"));
            let lite = regex_lite::Regex::new(p)
                .unwrap_or_else(|e| panic!("{p}: admitted, regex-lite: {e}"));
            for t in texts {
                assert_eq!(
                    native.find(t).map(|m| m.range()),
                    lite.find(t).map(|m| m.range()),
                    "{p} on {t:?}"
                );
            }
        }
    }

    #[test]
    fn size_estimate_bounds_counted_repetition() {
        assert!(check("(?:[a-z]{1000}){1000}").is_err());
        assert!(matches!(
            check("((a{100}){100}){100}"),
            Err(PatternError::TooLarge(_))
        ));
        assert!(check("[0-9a-f]{7,40}").is_ok());
        assert!(check(&"a".repeat(4096)).is_ok());
    }
}

//! JavaScript regular expressions as metadata-action's `match` attributes
//! write them, translated into imprint's portable dialect (`crate::re`):
//! `\d \D \w \W \s \S` become the ASCII classes JavaScript means (also
//! inside `[…]`), and `/re/flags` is read as metadata-action reads it
//! (`g` makes a match the list of whole matches; `i` folds ASCII letters,
//! written out as classes so every engine folds alike). A `{` that does not
//! start a quantifier is a literal, as JavaScript reads it. What the
//! dialect cannot express the same way (look-around, back-references,
//! `\b`, the `m`, `s`, `y` flags, `i` with non-ASCII letters) is an error
//! naming the construct, never a different match.

use crate::re::{compile, Engine as Regex};

/// JavaScript's `\s`: its WhiteSpace and LineTerminator code points.
const JS_SPACE: &str = "\\t\\n\\v\\f\\r \u{a0}\u{1680}\u{2000}-\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}";

/// A compiled pattern and whether it had the `g` flag.
pub(crate) struct JsRegex {
    pub(crate) regex: Regex,
    pub(crate) global: bool,
}

/// `pattern` as metadata-action's `type=match` reads it: `/re/flags`, or
/// the whole text as a pattern without flags.
pub(crate) fn match_pattern(pattern: &str) -> Result<JsRegex, String> {
    if let Some(body) = pattern.strip_prefix('/') {
        if let Some(end) = body.rfind('/').filter(|&e| e > 0) {
            let re = body.get(..end).unwrap_or_default();
            let flags = body.get(end + 1..).unwrap_or_default();
            let mut global = false;
            let mut fold = false;
            for f in flags.chars() {
                match f {
                    'g' => global = true,
                    'i' => fold = true,
                    'u' | 'd' => {}
                    _ => {
                        return Err(format!(
                            "the regular expression flag `{f}` of `{pattern}` is not supported \
                             (imprint supports `g`, `i`, `u` and `d`)"
                        ))
                    }
                }
            }
            return Ok(JsRegex {
                regex: translate(re, fold)?,
                global,
            });
        }
    }
    Ok(JsRegex {
        regex: translate(pattern, false)?,
        global: false,
    })
}

/// A pattern without flags (semver/pep440 `match`).
pub(crate) fn plain(pattern: &str) -> Result<Regex, String> {
    translate(pattern, false)
}

/// Whether `rest` (after a `{`) is a quantifier's body: `n}`, `n,}`, `n,m}`.
fn is_quantifier(rest: &str) -> bool {
    let Some(end) = rest.find('}') else {
        return false;
    };
    let body = rest.get(..end).unwrap_or_default();
    let (n, m) = body.split_once(',').unwrap_or((body, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(n) && (m.is_empty() || digits(m))
}

fn translate(js: &str, fold: bool) -> Result<Regex, String> {
    let mut out = String::new();
    let mut chars = js.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        if fold && c.is_alphabetic() && !c.is_ascii() {
            return Err(format!(
                "`{c}` in `{js}` with the `i` flag: imprint folds only ASCII letters"
            ));
        }
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    return Err(format!("`{js}` ends with a lone `\\`"));
                };
                let class = match e {
                    'd' => Some(("0-9", false)),
                    'D' => Some(("0-9", true)),
                    'w' => Some(("A-Za-z0-9_", false)),
                    'W' => Some(("A-Za-z0-9_", true)),
                    's' => Some((JS_SPACE, false)),
                    'S' => Some((JS_SPACE, true)),
                    _ => None,
                };
                match (class, in_class) {
                    (Some((set, false)), true) => out.push_str(set),
                    (Some((_, true)), true) => {
                        return Err(format!(
                            "`\\{e}` inside a class in `{js}` is not supported; write the class out"
                        ))
                    }
                    (Some((set, negated)), false) => {
                        out.push('[');
                        if negated {
                            out.push('^');
                        }
                        out.push_str(set);
                        out.push(']');
                    }
                    (None, _)
                        if e.is_ascii_digit()
                            || matches!(e, 'b' | 'B' | 'k' | 'p' | 'P' | 'c' | 'x' | 'u') =>
                    {
                        return Err(format!(
                            "`\\{e}` in `{js}` is not supported in imprint's portable regular \
                             expressions"
                        ))
                    }
                    (None, _) => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                // JavaScript's `[]` matches nothing and `[^]` anything; a
                // leading `]` closes the class.
                if chars.peek() == Some(&']') {
                    return Err(format!("the empty class in `{js}` is not supported"));
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '{' if !in_class => {
                if is_quantifier(&chars.clone().take(48).collect::<String>()) {
                    // Copy the quantifier through its `}`.
                    out.push('{');
                    for q in chars.by_ref() {
                        out.push(q);
                        if q == '}' {
                            break;
                        }
                    }
                } else {
                    out.push_str("\\{");
                }
            }
            '}' | ']' if !in_class => {
                out.push('\\');
                out.push(c);
            }
            c if fold && c.is_ascii_alphabetic() => {
                let (lo, up) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
                if in_class {
                    out.push(c);
                    // A letter range folds as its other-case range.
                    if chars.peek() == Some(&'-') {
                        let mut look = chars.clone();
                        look.next();
                        if let Some(end) = look.next().filter(char::is_ascii_alphabetic) {
                            chars.next();
                            chars.next();
                            out.push('-');
                            out.push(end);
                            let other = |x: char| {
                                if x.is_ascii_lowercase() {
                                    x.to_ascii_uppercase()
                                } else {
                                    x.to_ascii_lowercase()
                                }
                            };
                            out.push(other(c));
                            out.push('-');
                            out.push(other(end));
                            continue;
                        }
                    }
                    out.push(if c == lo { up } else { lo });
                } else {
                    out.push('[');
                    out.push(lo);
                    out.push(up);
                    out.push(']');
                }
            }
            '(' if !in_class && chars.peek() == Some(&'?') => {
                let mut look = chars.clone();
                look.next();
                match look.next() {
                    Some(':') => out.push('('),
                    Some('<') if !matches!(look.peek(), Some('=' | '!')) => out.push('('),
                    _ => {
                        return Err(format!(
                            "look-around in `{js}` is not supported in imprint's portable regular \
                             expressions"
                        ))
                    }
                }
            }
            _ => out.push(c),
        }
    }
    compile(&out).map_err(|e| format!("the regular expression `{js}`: {e}"))
}

/// The match of `re` in `text` as JavaScript's `String.prototype.match`
/// gives it: the groups (`None` for one that did not take part), or with
/// `g` every whole match; `None` without a match.
pub(crate) fn js_match(re: &JsRegex, text: &str) -> Option<Vec<Option<String>>> {
    if re.global {
        let all: Vec<Option<String>> = re
            .regex
            .find_iter(text)
            .map(|m| Some(m.as_str().to_owned()))
            .collect();
        return (!all.is_empty()).then_some(all);
    }
    let caps = re.regex.captures(text)?;
    Some(
        (0..caps.len())
            .map(|i| caps.get(i).map(|m| m.as_str().to_owned()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(pattern: &str, text: &str) -> Result<Option<Vec<Option<String>>>, String> {
        match_pattern(pattern).map(|re| js_match(&re, text))
    }

    #[test]
    fn javascript_classes_are_ascii() {
        let g = groups(r"v(\d+)\.(\d+)", "v1.20.3").ok().flatten();
        assert_eq!(
            g,
            Some(vec![
                Some("v1.20".into()),
                Some("1".into()),
                Some("20".into())
            ])
        );
        // `\d` is ASCII in JavaScript: an Arabic-Indic digit is not one.
        assert_eq!(groups(r"^\d$", "\u{663}").ok().flatten(), None);
        assert!(groups(r"[\d.]+", "1.2").ok().flatten().is_some());
    }

    #[test]
    fn slashes_give_flags_and_g_lists_whole_matches() {
        // Reference §5.1 match: with `g` the result is the list of whole matches.
        assert_eq!(
            groups(r"/\d/g", "a1b2").ok().flatten(),
            Some(vec![Some("1".into()), Some("2".into())])
        );
        assert_eq!(
            groups("/^v(x)$/i", "VX").ok().flatten().map(|g| g.len()),
            Some(2)
        );
        assert_eq!(
            groups("/[a-c]/i", "B").ok().flatten(),
            Some(vec![Some("B".into())])
        );
        assert!(groups("/é/i", "É").is_err());
        assert!(groups("/x/m", "x").is_err());
        // Annex B: a `{` that starts no quantifier is a literal.
        assert_eq!(groups(r"^release\d{1", "release1").ok().flatten(), None);
        assert_eq!(
            groups(r"^r\d{1}$", "r1").ok().flatten().map(|g| g.len()),
            Some(1)
        );
        assert!(groups(r"(?=a)a", "a").is_err());
        assert!(groups(r"(a)\1", "aa").is_err());
        // A group that does not take part is missing (JavaScript `undefined`).
        assert_eq!(
            groups("(a)|(b)", "b").ok().flatten(),
            Some(vec![Some("b".into()), None, Some("b".into())])
        );
    }
}

//! The part of Handlebars (4.7) metadata-action's expressions use:
//! text with `{{name}}`, `{{name 'param' key='value'}}`, `{{{name}}}` and
//! `{{&name}}` (not escaped), comments `{{! … }}`/`{{!-- … --}}`, `\{{`
//! (a literal `{{`) and `~` whitespace control. Like Handlebars, `{{…}}`
//! results are HTML-escaped (`&<>"'`=` become entities), a name without
//! parameters that nothing defines renders empty, and one with parameters
//! is `Missing helper: "name"`.
//!
//! Blocks (`{{#if}}`, `{{^…}}`), partials, sub-expressions and paths
//! (`a.b`, `../x`) are not supported: a template using them is an error
//! naming the construct, never a silently different rendering.

/// A parameter or hash value of a mustache.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    /// `'text'` or `"text"`.
    Str(String),
    /// A number literal, as written.
    Num(String),
    /// `true` / `false`.
    Bool(bool),
    /// A name (looked up in the scope).
    Name(String),
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Mustache {
        escape: bool,
        name: String,
        params: Vec<Param>,
        hash: Vec<(String, Param)>,
    },
}

/// What a name renders to.
pub(crate) trait Scope {
    /// The value of `name` called with `params` and `hash`; `Ok(None)`
    /// when the scope does not define `name`.
    fn call(
        &self,
        name: &str,
        params: &[Param],
        hash: &[(String, Param)],
    ) -> Result<Option<String>, String>;
}

/// Handlebars' `escapeExpression`.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '`' => out.push_str("&#x60;"),
            '=' => out.push_str("&#x3D;"),
            _ => out.push(c),
        }
    }
    out
}

/// Handlebars' identifier characters: anything but whitespace and
/// ``!"#%&'()*+,./;<=>@[\]^`{|}~``.
fn is_id_char(c: char) -> bool {
    !c.is_whitespace() && !"!\"#%&'()*+,./;<=>@[\\]^`{|}~".contains(c)
}

fn parse(template: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    // Strip whitespace at the start of the next text (`~}}`).
    let mut strip_next = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("\\{{") {
            text.push_str("{{");
            rest = after;
            continue;
        }
        let Some(after) = rest.strip_prefix("{{") else {
            let c = rest.chars().next().unwrap_or_default();
            if !(strip_next && c.is_whitespace()) {
                strip_next = false;
                text.push(c);
            }
            rest = rest.get(c.len_utf8()..).unwrap_or_default();
            continue;
        };
        strip_next = false;
        // Comments.
        if let Some(body) = after
            .strip_prefix("!--")
            .or_else(|| after.strip_prefix("~!--"))
        {
            let end = body
                .find("--}}")
                .ok_or("a `{{!--` comment is never closed with `--}}`")?;
            rest = body.get(end + 4..).unwrap_or_default();
            continue;
        }
        if let Some(body) = after.strip_prefix('!').or_else(|| after.strip_prefix("~!")) {
            let end = body.find("}}").ok_or("a `{{!` comment is never closed")?;
            rest = body.get(end + 2..).unwrap_or_default();
            continue;
        }
        let (triple, body) = match after.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, after),
        };
        let close = if triple { "}}}" } else { "}}" };
        let end = body.find(close).ok_or_else(|| {
            format!(
                "`{{{{{}` is never closed with `{close}`",
                body.chars().take(20).collect::<String>()
            )
        })?;
        let mut inner = body.get(..end).unwrap_or_default();
        rest = body.get(end + close.len()..).unwrap_or_default();
        if let Some(i) = inner.strip_prefix('~') {
            inner = i;
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
        }
        if let Some(i) = inner.strip_suffix('~') {
            inner = i;
            strip_next = true;
        }
        let (escape, inner) = match inner.trim_start().strip_prefix('&') {
            Some(i) => (false, i),
            None => (!triple, inner),
        };
        if let Some(c) = inner
            .trim_start()
            .chars()
            .next()
            .filter(|c| "#^/>*".contains(*c))
        {
            return Err(format!(
                "`{{{{{c}…}}}}`: Handlebars blocks and partials are not supported in imprint's \
                 metadata-action expressions"
            ));
        }
        let (name, params, hash) = parse_call(inner)?;
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
        }
        pieces.push(Piece::Mustache {
            escape,
            name,
            params,
            hash,
        });
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

type Call = (String, Vec<Param>, Vec<(String, Param)>);

/// `name param… key=value…`.
fn parse_call(inner: &str) -> Result<Call, String> {
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    let mut tokens: Vec<(Option<String>, Param)> = Vec::new();
    while i < chars.len() {
        let Some(&c) = chars.get(i) else { break };
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // `key=` before a value makes it a hash entry.
        let mut key = None;
        let start = i;
        while chars.get(i).is_some_and(|c| is_id_char(*c)) {
            i += 1;
        }
        if i > start && chars.get(i) == Some(&'=') {
            key = Some(chars.get(start..i).unwrap_or_default().iter().collect());
            i += 1;
        } else {
            i = start;
        }
        let Some(&c) = chars.get(i) else {
            return Err(format!("`{{{{{inner}}}}}`: a hash key without a value"));
        };
        let param = if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(format!("`{{{{{inner}}}}}`: a string is never closed")),
                    Some('\\') if chars.get(i + 1) == Some(&c) => {
                        s.push(c);
                        i += 2;
                    }
                    Some(&d) if d == c => {
                        i += 1;
                        break;
                    }
                    Some(&d) => {
                        s.push(d);
                        i += 1;
                    }
                }
            }
            Param::Str(s)
        } else if c == '(' {
            return Err(format!(
                "`{{{{{inner}}}}}`: sub-expressions are not supported in imprint's metadata-action expressions"
            ));
        } else {
            let start = i;
            while chars.get(i).is_some_and(|c| !c.is_whitespace()) {
                i += 1;
            }
            let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
            if word.chars().all(is_id_char) {
                match word.as_str() {
                    "true" => Param::Bool(true),
                    "false" => Param::Bool(false),
                    _ if word
                        .trim_start_matches('-')
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.')
                        && word.chars().any(|c| c.is_ascii_digit()) =>
                    {
                        Param::Num(word)
                    }
                    _ => Param::Name(word),
                }
            } else {
                return Err(format!(
                    "`{{{{{inner}}}}}`: `{word}` is not supported in imprint's metadata-action \
                     expressions (only names, strings, numbers and key=value)"
                ));
            }
        };
        if let Some(&d) = chars.get(i) {
            if !d.is_whitespace() {
                return Err(format!("`{{{{{inner}}}}}`: unexpected `{d}`"));
            }
        }
        tokens.push((key, param));
    }
    let mut it = tokens.into_iter();
    let name = match it.next() {
        Some((None, Param::Name(n))) => n,
        Some(_) => return Err(format!("`{{{{{inner}}}}}`: expected a name first")),
        None => return Err("an empty `{{}}`".to_owned()),
    };
    let mut params = Vec::new();
    let mut hash = Vec::new();
    for (key, p) in it {
        match key {
            Some(k) => hash.push((k, p)),
            None if hash.is_empty() => params.push(p),
            None => return Err(format!("`{{{{{inner}}}}}`: a parameter after a key=value")),
        }
    }
    if matches!(
        name.as_str(),
        "if" | "unless" | "each" | "with" | "lookup" | "log"
    ) {
        return Err(format!(
            "`{{{{{inner}}}}}`: the Handlebars helper `{name}` is not supported in imprint's \
             metadata-action expressions"
        ));
    }
    Ok((name, params, hash))
}

/// Renders `template` with `scope` (module docs).
pub(crate) fn render(template: &str, scope: &dyn Scope) -> Result<String, String> {
    let mut out = String::new();
    for piece in parse(template)? {
        match piece {
            Piece::Text(t) => out.push_str(&t),
            Piece::Mustache {
                escape,
                name,
                params,
                hash,
            } => {
                let value = match scope.call(&name, &params, &hash)? {
                    Some(v) => v,
                    None if params.is_empty() && hash.is_empty() => String::new(),
                    None => return Err(format!("Missing helper: \"{name}\"")),
                };
                if escape {
                    out.push_str(&escape_html(&value));
                } else {
                    out.push_str(&value);
                }
            }
        }
    }
    Ok(out)
}

/// Whether `pattern` is a "raw statement": one mustache naming `raw`
/// (`{{raw}}`, `{{ raw }}`), as metadata-action's `Meta.isRawStatement`.
pub(crate) fn is_raw_statement(pattern: &str) -> bool {
    matches!(parse(pattern).as_deref(), Ok([Piece::Mustache { name, .. }]) if name == "raw")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Names;
    impl Scope for Names {
        fn call(
            &self,
            name: &str,
            params: &[Param],
            hash: &[(String, Param)],
        ) -> Result<Option<String>, String> {
            Ok(match name {
                "branch" => Some("feat=x&y".to_owned()),
                "date" => Some(format!("{params:?}{hash:?}")),
                _ => None,
            })
        }
    }

    fn r(t: &str) -> String {
        render(t, &Names).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn results_are_html_escaped_unless_triple() {
        // Reference §9: `feat=x&y` renders `feat&#x3D;x&amp;y`; `{{{…}}}` is not escaped.
        assert_eq!(r("b-{{branch}}"), "b-feat&#x3D;x&amp;y");
        assert_eq!(r("{{{branch}}}"), "feat=x&y");
        assert_eq!(r("{{& branch}}"), "feat=x&y");
        assert_eq!(r("a=b&c"), "a=b&c");
    }

    #[test]
    fn unknown_names_are_empty_unless_called() {
        assert_eq!(r("x{{foo}}y"), "xy");
        assert_eq!(r("{{foo 'a'}}"), "error: Missing helper: \"foo\"");
    }

    #[test]
    fn parameters_hashes_comments_and_whitespace_control() {
        assert_eq!(
            r("{{date 'YYYY' tz=\"Asia/Tokyo\"}}"),
            "[Str(&quot;YYYY&quot;)][(&quot;tz&quot;, Str(&quot;Asia/Tokyo&quot;))]"
        );
        assert_eq!(r("a{{! note }}b{{!-- }} --}}c"), "abc");
        assert_eq!(r("a \\{{branch}}"), "a {{branch}}");
        assert_eq!(r("a  {{~branch~}}  b"), "afeat&#x3D;x&amp;yb");
    }

    #[test]
    fn unsupported_constructs_are_errors() {
        for t in [
            "{{#if branch}}x{{/if}}",
            "{{> part}}",
            "{{date (foo)}}",
            "{{a.b}}",
            "{{branch",
        ] {
            assert!(r(t).starts_with("error: "), "{t}: {}", r(t));
        }
    }

    #[test]
    fn raw_statements() {
        // Upstream __tests__/meta.test.ts `isRawStatement` table.
        assert!(!is_raw_statement("{{ raw }}.{{ version }}"));
        assert!(!is_raw_statement("{{ version }},{{raw }."));
        assert!(is_raw_statement("{{ raw }}"));
        assert!(is_raw_statement("{{ raw}}"));
        assert!(is_raw_statement("{{raw}}"));
        assert!(!is_raw_statement("v{{raw}}"));
    }
}

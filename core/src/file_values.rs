//! Parsers for the files a policy reads: dotenv-style `KEY=VALUE` files
//! (such as a repository's `versions.env`) and Go's `go.mod`.
//!
//! The host only reads bytes; the meaning is decided here, so every target
//! parses the same way.

/// The value of `key` in a dotenv-style text, or `None` when it is not set.
///
/// Lines are `KEY=VALUE`, optionally `export KEY=VALUE`, and the Make forms
/// `KEY := VALUE` and `KEY ?= VALUE` are accepted too. `#` starts a comment
/// line. The value is trimmed and one pair of matching surrounding quotes is
/// removed. The last assignment wins, as in both Make and the shell.
///
/// ```
/// let env = "# versions\nDYNAMO_VERSION=1.1.1\nexport LLMD_VERSION = \"0.6.0\"\n";
/// assert_eq!(imprint_core::dotenv_value(env, "DYNAMO_VERSION"), Some("1.1.1"));
/// assert_eq!(imprint_core::dotenv_value(env, "LLMD_VERSION"), Some("0.6.0"));
/// assert_eq!(imprint_core::dotenv_value(env, "VLLM_VERSION"), None);
/// ```
pub fn dotenv_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some(eq) = line.find('=') else { continue };
        let lhs = line.get(..eq).unwrap_or("");
        let lhs = lhs
            .strip_suffix(':')
            .or_else(|| lhs.strip_suffix('?'))
            .unwrap_or(lhs)
            .trim();
        if lhs != key {
            continue;
        }
        let v = line.get(eq + 1..).unwrap_or("").trim();
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|&q| v.strip_prefix(q).and_then(|r| r.strip_suffix(q)));
        found = Some(match unquoted {
            Some(u) if v.len() >= 2 => u,
            _ => match v.find(" #") {
                Some(i) => v.get(..i).unwrap_or(v).trim_end(),
                None => v,
            },
        });
    }
    found
}

/// The module path declared by a `go.mod` text (what `go list -m` prints
/// for it), or `None` when there is no `module` directive.
///
/// ```
/// let gomod = "// generated\nmodule github.com/kaito-project/airunway/providers/dynamo\n\ngo 1.24\n";
/// assert_eq!(imprint_core::go_module_path(gomod), Some("github.com/kaito-project/airunway/providers/dynamo"));
/// ```
pub fn go_module_path(text: &str) -> Option<&str> {
    for line in text.lines() {
        let line = match line.find("//") {
            Some(i) => line.get(..i).unwrap_or(""),
            None => line,
        }
        .trim();
        let Some(rest) = line.strip_prefix("module") else {
            continue;
        };
        if !rest.starts_with([' ', '\t', '"']) {
            continue;
        }
        let path = rest.trim();
        let path = path
            .strip_prefix('"')
            .and_then(|p| p.strip_suffix('"'))
            .unwrap_or(path);
        return (!path.is_empty()).then_some(path);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_forms() {
        let t = "A=1\nA=2\nB := x y\nC ?= 'q'\nD=v # note\nE=\"#x\"\n#F=1\nexport G=g\n";
        assert_eq!(dotenv_value(t, "A"), Some("2"));
        assert_eq!(dotenv_value(t, "B"), Some("x y"));
        assert_eq!(dotenv_value(t, "C"), Some("q"));
        assert_eq!(dotenv_value(t, "D"), Some("v"));
        assert_eq!(dotenv_value(t, "E"), Some("#x"));
        assert_eq!(dotenv_value(t, "F"), None);
        assert_eq!(dotenv_value(t, "G"), Some("g"));
        assert_eq!(dotenv_value("H=", "H"), Some(""));
        assert_eq!(dotenv_value("Q=\"", "Q"), Some("\""));
    }

    #[test]
    fn go_mod_forms() {
        assert_eq!(
            go_module_path("module \"example.com/x\" // c\n"),
            Some("example.com/x")
        );
        assert_eq!(go_module_path("modulex foo\n"), None);
        assert_eq!(go_module_path("go 1.22\n"), None);
        assert_eq!(go_module_path("module\n"), None);
    }
}

//! Whether a `go build` per-package flag pattern (`-ldflags=PATTERN=…`)
//! applies to a binary's main package, as `cmd/go`'s `load.MatchPackage`
//! decides it.
//!
//! - `all` matches every package; `std` and `cmd` only standard-library
//!   packages, never a main package built from a module.
//! - An import-path pattern is matched as `go help packages` describes:
//!   `...` matches any string, a trailing `/...` also matches the path
//!   before it (`net/...` matches `net`), and a wildcard never matches a
//!   `vendor` path element (a main package is never vendored).
//! - A relative pattern (`.`, `..`, `./…`, `../…`) is relative to the
//!   directory `go build` ran in, which build info does not record. It is
//!   taken to be the main module's root (where CI runs `go build`); a
//!   pattern that climbs above it matches only when what follows is a
//!   bare `...`; a main package outside its module's path (such as
//!   `command-line-arguments`) matches no relative pattern. These are the
//!   cases where a pattern's match is assumed rather than known.

/// Whether `pattern` matches the main package `main` of module `module`.
pub(crate) fn matches_main(pattern: &str, main: &str, module: Option<&str>) -> bool {
    let pattern = pattern.trim();
    if is_relative(pattern) {
        return relative_matches(pattern, main, module);
    }
    match pattern {
        "all" => true,
        "std" | "cmd" => false,
        _ => match_path(pattern, main),
    }
}

/// `search.IsRelativePath`.
fn is_relative(pattern: &str) -> bool {
    pattern == "." || pattern == ".." || pattern.starts_with("./") || pattern.starts_with("../")
}

/// A relative pattern, with the module root as the working directory.
fn relative_matches(pattern: &str, main: &str, module: Option<&str>) -> bool {
    let Some(module) = module else {
        return false;
    };
    // The main package's directory relative to the module root.
    let rel = if main == module {
        ""
    } else if let Some(rest) = main.strip_prefix(module).and_then(|r| r.strip_prefix('/')) {
        rest
    } else {
        return false;
    };
    // Split into the directory before the first wildcard and the rest.
    let (dir, rest) = match pattern.find("...") {
        None => (pattern, ""),
        Some(i) => match pattern.get(..i).and_then(|p| p.rfind('/')) {
            Some(j) => (
                pattern.get(..j).unwrap_or(""),
                pattern.get(j + 1..).unwrap_or(""),
            ),
            None => ("", pattern),
        },
    };
    // The directory relative to the module root: `None` when it climbs
    // above it, to somewhere whose name is not known.
    let mut parts: Vec<&str> = Vec::new();
    let mut above = false;
    for part in dir.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    above = true;
                }
            }
            p => {
                if above {
                    return false;
                }
                parts.push(p);
            }
        }
    }
    if above {
        return rest == "...";
    }
    let dir = parts.join("/");
    // The main package's directory relative to `dir`.
    let below = if dir.is_empty() {
        rel
    } else if rel == dir {
        ""
    } else if let Some(r) = rel
        .strip_prefix(dir.as_str())
        .and_then(|r| r.strip_prefix('/'))
    {
        r
    } else {
        return false;
    };
    if rest.is_empty() {
        return below.is_empty();
    }
    match_path(rest, if below.is_empty() { "." } else { below })
}

/// `pkgpattern.MatchPattern` with vendor exclusion.
fn match_path(pattern: &str, name: &str) -> bool {
    if pattern.contains('\0') || name.contains('\0') {
        return false;
    }
    let pattern = replace_vendor(pattern);
    let name = replace_vendor(name);
    // A trailing `/...` is optional: `net/...` matches `net` too.
    if let Some(prefix) = pattern.strip_suffix("/...") {
        if glob(prefix, &name) {
            return true;
        }
    }
    glob(&pattern, &name)
}

/// Replaces the non-final `vendor` elements of a path by NUL, which no
/// wildcard matches.
fn replace_vendor(x: &str) -> String {
    let elems: Vec<&str> = x.split('/').collect();
    let last = elems.len().saturating_sub(1);
    elems
        .iter()
        .enumerate()
        .map(|(i, e)| if i < last && *e == "vendor" { "\0" } else { e })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `name` matches `pattern`, where `...` matches any run of
/// characters except NUL: literal pieces in order, each at its leftmost
/// place (enough for a pattern whose only wildcard is `...`).
fn glob(pattern: &str, name: &str) -> bool {
    let pieces: Vec<&str> = pattern.split("...").collect();
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return false;
    };
    if pieces.len() == 1 {
        return pattern == name;
    }
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let Some(middle) = pieces.get(1..pieces.len() - 1) else {
        return false;
    };
    for piece in middle {
        let Some(at) = rest.find(piece) else {
            return false;
        };
        if rest.get(..at).is_some_and(|gap| gap.contains('\0')) {
            return false;
        }
        rest = rest.get(at + piece.len()..).unwrap_or("");
    }
    match rest.strip_suffix(last) {
        Some(gap) => !gap.contains('\0'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: &str = "example.com/m/cmd/x";
    const MODULE: Option<&str> = Some("example.com/m");

    #[test]
    fn import_path_patterns() {
        for p in [
            "example.com/m/cmd/x",
            "...",
            "example.com/...",
            "example.com/m/cmd/x/...",
            "example.com/.../x",
            "example.com/.../cmd/...",
            ".../x",
        ] {
            assert!(matches_main(p, MAIN, MODULE), "{p}");
        }
        for p in [
            "example.com/m/cmd",
            "example.com/m/cmd/x/",
            "example.com/m/cmd/xy",
            "example.com/m/cmd/x/y/...",
            "example.com/m/cmd/xy/...",
            "other/...",
            "std",
            "cmd",
            ".../y",
        ] {
            assert!(!matches_main(p, MAIN, MODULE), "{p}");
        }
    }

    #[test]
    fn wildcards_do_not_match_vendor_elements() {
        let vendored = "example.com/m/vendor/cmd/x";
        assert!(!matches_main("example.com/m/...", vendored, MODULE));
        assert!(matches_main("example.com/m/vendor/...", vendored, MODULE));
    }

    #[test]
    fn relative_patterns_are_from_the_module_root() {
        for p in [
            "./...",
            "./cmd/x",
            "./cmd/...",
            "./cmd/x/...",
            "../...",
            "./cmd/../cmd/x",
        ] {
            assert!(matches_main(p, MAIN, MODULE), "{p}");
        }
        for p in [".", "./cmd", "./cmd/y", "../m/cmd/x", "../.../x"] {
            assert!(!matches_main(p, MAIN, MODULE), "{p}");
        }
        assert!(matches_main(".", "example.com/m", MODULE));
        assert!(!matches_main("./...", "command-line-arguments", MODULE));
        assert!(!matches_main("./...", MAIN, None));
    }
}

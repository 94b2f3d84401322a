//! OCI image references and tags, by the grammar of the distribution spec
//! (`distribution/reference`):
//!
//! ```text
//! reference := name [ ":" tag ] [ "@" digest ]
//! name      := [ domain "/" ] path-component [ "/" path-component ]*
//! domain    := host [ ":" port ]          host: DNS name, IPv4 or [IPv6]
//! path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//! digest    := algorithm ":" hex          sha256 takes exactly 64 lower-case hex
//! ```
//!
//! The first component is a domain when it contains `.` or `:`, is
//! `localhost`, or has upper-case letters. [`Reference::normalized`] adds
//! docker's defaults (`docker.io`, `library/`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest name (domain plus path) the grammar allows.
pub const NAME_MAX: usize = 255;

/// A parsed image reference.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// Registry host with optional port, as written (`None` when absent).
    pub domain: Option<String>,
    /// Repository path, such as `vllm/vllm-openai`.
    pub path: String,
    /// Tag, if any.
    pub tag: Option<String>,
    /// Digest (`sha256:…`), if any.
    pub digest: Option<String>,
}

/// Why a text is not a valid reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReferenceError(pub String);

/// Whether `tag` satisfies the OCI tag grammar.
///
/// ```
/// assert!(imprint_core::is_valid_tag("v0.20.0-cu130-ubuntu2404"));
/// assert!(!imprint_core::is_valid_tag("-dirty"));
/// assert!(!imprint_core::is_valid_tag("my variant"));
/// ```
pub fn is_valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    match b.split_first() {
        Some((first, rest)) => {
            b.len() <= 128
                && (first.is_ascii_alphanumeric() || *first == b'_')
                && rest
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        }
        None => false,
    }
}

/// Rewrites text into a valid OCI tag: every character outside
/// `[A-Za-z0-9_.-]` becomes `-`, leading `.` and `-` are dropped, and the
/// result is cut at 128 characters. Empty input gives an empty string.
///
/// ```
/// assert_eq!(imprint_core::sanitize_tag("feature/Login page"), "feature-Login-page");
/// assert_eq!(imprint_core::sanitize_tag("-.x"), "x");
/// ```
pub fn sanitize_tag(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    mapped
        .trim_start_matches(['.', '-'])
        .chars()
        .take(128)
        .collect()
}

fn is_path_component(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !b.first().is_some_and(alnum) || !b.last().is_some_and(alnum) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if b.get(i).is_some_and(alnum) {
            i += 1;
            continue;
        }
        // a separator: ".", "_", "__" or "-"+, followed by alnum
        let start = i;
        match b.get(i) {
            Some(b'.') => i += 1,
            Some(b'_') => {
                i += 1;
                if b.get(i) == Some(&b'_') {
                    i += 1;
                }
            }
            Some(b'-') => {
                while b.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return false,
        }
        if i == start || !b.get(i).is_some_and(alnum) {
            return false;
        }
    }
    true
}

fn is_domain_component(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

fn is_domain(s: &str) -> bool {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let Some(end) = rest.find(']') else {
            return false;
        };
        let (v6, after) = (
            rest.get(..end).unwrap_or(""),
            rest.get(end + 1..).unwrap_or(""),
        );
        if v6.is_empty()
            || !v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return false;
        }
        match after {
            "" => return true,
            p => match p.strip_prefix(':') {
                Some(port) => return !port.is_empty() && port.bytes().all(|c| c.is_ascii_digit()),
                None => return false,
            },
        }
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    host.split('.').all(is_domain_component)
}

fn is_digest(s: &str) -> Result<(), String> {
    let Some((alg, hex)) = s.split_once(':') else {
        return Err(format!("digest `{s}` has no algorithm"));
    };
    let alg_ok = alg.split(['+', '.', '-', '_']).all(|c| {
        c.starts_with(|ch: char| ch.is_ascii_alphabetic())
            && c.chars().all(|ch| ch.is_ascii_alphanumeric())
    });
    if !alg_ok {
        return Err(format!("digest algorithm `{alg}` is malformed"));
    }
    let want = match alg {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        other => {
            return Err(format!(
                "digest algorithm `{other}` is not supported (sha256, sha384, sha512)"
            ))
        }
    };
    if hex.len() != want
        || !hex
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    {
        return Err(format!(
            "{alg} digest `{hex}` is not {want} lower-case hex characters"
        ));
    }
    Ok(())
}

/// The domain and path prefix docker's defaults give a name: `docker.io`
/// for a missing domain (or `index.docker.io`), and `library/` for a
/// single-component path on it.
fn docker_defaults<'a>(domain: Option<&'a str>, path: &str) -> (&'a str, &'static str) {
    let domain = match domain {
        None | Some("index.docker.io") => "docker.io",
        Some(d) => d,
    };
    let library = if domain == "docker.io" && !path.contains('/') {
        "library/"
    } else {
        ""
    };
    (domain, library)
}

/// A valid reference's parts, borrowed from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parts<'a> {
    /// `domain/path` as written.
    pub name: &'a str,
    pub domain: Option<&'a str>,
    pub path: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Splits and validates a reference without allocating (unless invalid).
pub(crate) fn split(s: &str) -> Result<Parts<'_>, String> {
    let err = |m: String| Err(m);
    if s.is_empty() {
        return err("reference is empty".into());
    }
    // The grammar is printable ASCII only; report the first other character.
    if let Some(i) = s.bytes().position(|b| !b.is_ascii_graphic()) {
        let c = s.get(i..).and_then(|t| t.chars().next()).unwrap_or('?');
        return err(format!("reference contains {c:?}"));
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => {
            if let Err(m) = is_digest(d) {
                return err(m);
            }
            (r, Some(d))
        }
        None => (s, None),
    };
    // A tag is after the last ':' that follows the last '/'.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest.get(last_slash..).and_then(|t| t.rfind(':')) {
        Some(i) => {
            let at = last_slash + i;
            (
                rest.get(..at).unwrap_or(""),
                Some(rest.get(at + 1..).unwrap_or("")),
            )
        }
        None => (rest, None),
    };
    if let Some(t) = tag {
        if !is_valid_tag(t) {
            return err(format!(
                "tag `{t}` does not match [A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}"
            ));
        }
    }
    if name.is_empty() {
        return err("repository name is empty".into());
    }
    if name.len() > NAME_MAX {
        return err(format!(
            "repository name is longer than {NAME_MAX} characters"
        ));
    }
    let (domain, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            if !is_domain(first) {
                return err(format!("registry host `{first}` is malformed"));
            }
            (Some(first), rest)
        }
        _ => (None, name),
    };
    if let Some(bad) = path.split('/').find(|c| !is_path_component(c)) {
        return err(format!(
            "path component `{bad}` must be lower-case letters and digits joined by `.`, `_`, `__` or `-`"
        ));
    }
    // Docker's defaults count too, as `ParseNormalizedNamed` counts them,
    // so the normalized form of a reference that parses parses as well.
    let (normal_domain, library) = docker_defaults(domain, path);
    if normal_domain.len() + 1 + library.len() + path.len() > NAME_MAX {
        return err(format!(
            "repository name is longer than {NAME_MAX} characters as `{normal_domain}/{library}…`"
        ));
    }
    Ok(Parts {
        name,
        domain,
        path,
        tag,
        digest,
    })
}

impl Reference {
    /// Parses a reference, explaining what is wrong when it is not valid.
    ///
    /// ```
    /// let r = imprint_core::Reference::parse("localhost:5000/a/b:v1@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").unwrap();
    /// assert_eq!(r.domain.as_deref(), Some("localhost:5000"));
    /// assert_eq!(r.tag.as_deref(), Some("v1"));
    /// assert!(imprint_core::Reference::parse("vllm/vllm-openai:v0.1 -cu129").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, ReferenceError> {
        let p = split(s).map_err(ReferenceError)?;
        Ok(Self {
            domain: p.domain.map(str::to_owned),
            path: p.path.to_owned(),
            tag: p.tag.map(str::to_owned),
            digest: p.digest.map(str::to_owned),
        })
    }

    /// Checks a reference without building one (no allocation when valid).
    ///
    /// ```
    /// assert!(imprint_core::Reference::validate("ghcr.io/a/b:v1").is_ok());
    /// assert!(imprint_core::Reference::validate("a b").is_err());
    /// ```
    pub fn validate(s: &str) -> Result<(), ReferenceError> {
        split(s).map(|_| ()).map_err(ReferenceError)
    }

    /// The reference with docker's defaults: `docker.io` for a missing
    /// domain, `library/` for a single-component path on docker.io.
    ///
    /// ```
    /// let r = imprint_core::Reference::parse("ubuntu:24.04").unwrap().normalized();
    /// assert_eq!(r.to_string(), "docker.io/library/ubuntu:24.04");
    /// ```
    pub fn normalized(&self) -> Self {
        let (domain, library) = docker_defaults(self.domain.as_deref(), &self.path);
        Self {
            domain: Some(domain.to_owned()),
            path: format!("{library}{}", self.path),
            tag: self.tag.clone(),
            digest: self.digest.clone(),
        }
    }

    /// `domain/path` (or just `path`), without tag or digest.
    pub fn name(&self) -> String {
        match &self.domain {
            Some(d) => format!("{d}/{}", self.path),
            None => self.path.clone(),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn valid_references_from_the_distribution_grammar() {
        for s in [
            "test_com",
            "test.com:tag",
            "test.com:5000",
            "test.com/repo:tag",
            "test:5000/repo",
            "test:5000/repo:tag",
            "lowercase:Uppercase",
            "sub-dom1.foo.com/bar/baz/quux",
            "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
            "b.gcr.io/test.example.com/my-app:test.example.com",
            "xn--n3h.com/myimage:xn--n3h.com",
            "foo_bar.com:8080",
            "foo/foo_bar.com:8080",
            "[2001:db8::1]:5000/repo",
            "[2001:db8::1]/repo:tag",
            "vllm/vllm-openai:v0.20.0-cu130-ubuntu2404",
            "public.ecr.aws/q9t5s3a7/vllm-release-repo:abc123-x86_64-cu130-ubuntu2404",
            "a__b/c---d",
        ] {
            assert!(
                Reference::parse(s).is_ok(),
                "{s}: {:?}",
                Reference::parse(s)
            );
        }
        let with_digest = format!("test:5000/repo@{D}");
        let r = Reference::parse(&with_digest).unwrap();
        assert_eq!(r.digest.as_deref(), Some(D));
        assert_eq!(r.to_string(), with_digest);
    }

    #[test]
    fn invalid_references() {
        for s in [
            "",
            ":justtag",
            "@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "repo@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "validname@invaliddigest:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "Uppercase:tag",
            "test:5000/Uppercase/lowercase:tag",
            "aa/asdf$$^/aa",
            "a-/b",
            "a/-b",
            "a..b/c",
            "vllm/vllm-openai:vv 1.0",
            "vllm/vllm-openai:v2.0.0\nextra-cu129",
            "vllm/vllm-openai:nightly-abc-my variant",
            "x:-dirty",
            "[::1/repo",
        ] {
            assert!(Reference::parse(s).is_err(), "{s:?} should be invalid");
        }
        let long = format!("{}:tag", "a".repeat(256));
        assert!(Reference::parse(&long).is_err());
        let long_tag = format!("a:{}", "t".repeat(129));
        assert!(Reference::parse(&long_tag).is_err());
    }

    #[test]
    fn splits_domain_path_tag() {
        let r = Reference::parse("localhost/a:b").unwrap();
        assert_eq!(r.domain.as_deref(), Some("localhost"));
        let r = Reference::parse("local/vllm-openai:dev").unwrap();
        assert_eq!(
            (r.domain, r.path.as_str(), r.tag.as_deref()),
            (None, "local/vllm-openai", Some("dev"))
        );
        assert_eq!(
            Reference::parse("library/x")
                .unwrap()
                .normalized()
                .to_string(),
            "docker.io/library/x"
        );
    }

    /// Found by the `reference` fuzz target: a name that fits in 255
    /// characters only without docker's `docker.io/library/` parsed, and
    /// its normalized form did not.
    #[test]
    fn normalized_form_of_a_valid_reference_parses() {
        let crash = format!("ub{}2", "o".repeat(237));
        assert_eq!(crash.len(), 240);
        let e = Reference::parse(&crash).unwrap_err();
        assert!(e.0.contains("`docker.io/library/…`"), "{e}");
        // (prefix, longest reference with it that parses): each normalizes
        // to exactly 255 characters.
        for (prefix, longest) in [
            ("", 255 - "docker.io/library/".len()),
            ("o/", 255 - "docker.io/".len()),
            ("docker.io/", 255 - "library/".len()),
            ("index.docker.io/", 255 - "library/".len() + "index.".len()),
            ("ghcr.io/", 255),
        ] {
            let fits = format!("{prefix}{}", "a".repeat(longest - prefix.len()));
            let r = Reference::parse(&fits).unwrap_or_else(|e| panic!("{fits}: {e}"));
            let n = r.normalized();
            assert_eq!(n.to_string().len(), 255, "{fits}");
            assert_eq!(Reference::parse(&n.to_string()).unwrap(), n);
            assert!(Reference::parse(&format!("{fits}a")).is_err(), "{fits}a");
        }
    }

    #[test]
    fn tag_grammar_and_sanitizer() {
        assert!(is_valid_tag("_x"));
        assert!(is_valid_tag(&"a".repeat(128)));
        assert!(!is_valid_tag(&"a".repeat(129)));
        assert!(!is_valid_tag(".x"));
        assert!(!is_valid_tag(""));
        assert_eq!(sanitize_tag("a/b"), "a-b");
        assert_eq!(sanitize_tag(&"x".repeat(200)).len(), 128);
        assert_eq!(sanitize_tag("--"), "");
        for s in ["feature/x", "ä", "..a b"] {
            let t = sanitize_tag(s);
            assert!(t.is_empty() || is_valid_tag(&t), "{s} -> {t}");
        }
    }
}

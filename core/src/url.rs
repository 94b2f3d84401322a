//! Source URLs as they may be shown: a git remote's URL without the
//! credentials that CI systems put into it.

use std::borrow::Cow;

/// `url` without the user information of its authority
/// (`scheme://user:password@host/…` becomes `scheme://host/…`), for every
/// scheme. The user information ends at the last `@` before the path, so a
/// password that holds an `@` goes entirely. An scp-like remote
/// (`git@host:path`) names a login, not a secret, and stays as it is.
///
/// ```
/// use imprint_core::strip_url_credentials as s;
/// assert_eq!(s("https://x-access-token:ghs_1@github.com/o/r.git"), "https://github.com/o/r.git");
/// assert_eq!(s("ssh://user:pw@host:22/o/r"), "ssh://host:22/o/r");
/// assert_eq!(s("https://u:p@ss@host/o/r"), "https://host/o/r");
/// assert_eq!(s("git@github.com:o/r.git"), "git@github.com:o/r.git");
/// assert_eq!(s("https://host/o/r?a=b@c"), "https://host/o/r?a=b@c");
/// ```
pub fn strip_url_credentials(url: &str) -> Cow<'_, str> {
    let Some(i) = url.find("://") else {
        return Cow::Borrowed(url);
    };
    let (scheme, rest) = url.split_at(i + 3);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or(rest);
    match authority.rfind('@') {
        Some(at) => Cow::Owned(format!("{scheme}{}", rest.get(at + 1..).unwrap_or(""))),
        None => Cow::Borrowed(url),
    }
}

/// The repository a git URL names, for comparing URLs of one repository
/// written differently: `host/path`, with the scheme, credentials, query-less
/// `#fragment`, trailing `/` and trailing `.git` dropped, the host lower-cased
/// and without a default port (`:443`, `:80`, `:22`). An scp-like remote
/// `user@host:path` is `host/path`. `None` when `url` is neither form (no
/// `://`, and not `user@host:path`) or names no host.
pub(crate) fn git_repository(url: &str) -> Option<String> {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let (host, path) = match url.find("://") {
        Some(i) => {
            let rest = url.get(i + 3..)?;
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            let authority = rest.get(..end)?;
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            (host, rest.get(end..)?)
        }
        None => {
            let (login, rest) = url.split_once('@')?;
            let (host, path) = rest.split_once(':')?;
            if login.is_empty() || login.contains('/') || host.contains('/') || path.is_empty() {
                return None;
            }
            (host, path)
        }
    };
    let host = host.to_ascii_lowercase();
    let host = [":443", ":80", ":22"]
        .iter()
        .find_map(|p| host.strip_suffix(p))
        .unwrap_or(&host);
    if host.is_empty() {
        return None;
    }
    let path = path.trim_end_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    let path = path.trim_start_matches('/');
    Some(format!("{host}/{path}"))
}

#[cfg(test)]
mod tests {
    use super::git_repository as g;

    #[test]
    fn one_repository_written_many_ways() {
        let want = Some("github.com/o/app".to_owned());
        for url in [
            "https://github.com/o/app",
            "https://github.com/o/app.git",
            "https://github.com/o/app/",
            "https://GitHub.COM/o/app.git#refs/tags/v1",
            "https://x-access-token:ghs_1@github.com/o/app.git",
            "git@github.com:o/app.git",
            "git@GITHUB.com:o/app",
            "ssh://git@github.com:22/o/app.git",
            "git://github.com/o/app",
            "https://github.com:443/o/app",
            "  https://github.com/o/app\n",
        ] {
            assert_eq!(g(url), want, "{url}");
        }
        assert_eq!(
            g("https://github.com/o/App"),
            Some("github.com/o/App".into())
        );
        assert_eq!(g("https://host:8443/o/app"), Some("host:8443/o/app".into()));
        for not_url in [
            "",
            "app",
            "github.com/o/app",
            "sha256:abc",
            "@h:p",
            "u@:p",
            "u@h:",
            "https:///o",
        ] {
            assert_eq!(g(not_url), None, "{not_url}");
        }
    }
}

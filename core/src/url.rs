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

//! Digest-pin rewriting: point the references of locally built images at
//! the dev tag, as obol-stack's `rewriteDevDigestPins` meant to.
//!
//! Unlike a substring regex, this matches **whole references only**:
//! - the image base must start at a reference boundary, so
//!   `mirror.example/ghcr.io/org/img:abc1234` is left alone;
//! - the tag and digest must end at a reference boundary, so a 41-hex tag, a
//!   65-hex digest or `:b13254e-debug` is left alone instead of being cut;
//! - a tag+digest pin with a malformed digest is left whole, never half
//!   rewritten into `@sha256:` residue;
//! - the new tag is inserted literally (no `$1` expansion);
//! - an earlier `dev-<hex>` tag is re-pointed, so a second run with a new
//!   tag updates the tree.

use serde::{Deserialize, Serialize};

/// One rewritten reference.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinChange {
    /// 1-based line of the reference.
    pub line: u32,
    /// The reference before.
    pub from: String,
    /// The reference after.
    pub to: String,
}

fn is_ref_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'/' | b':' | b'@')
}

fn is_tag_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-')
}

fn is_lower_hex(s: &[u8]) -> bool {
    s.iter()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

fn is_sha_tag(t: &[u8]) -> bool {
    (7..=40).contains(&t.len()) && is_lower_hex(t)
}

/// Length of a valid `@sha256:<64 hex>` at the start of `s`, if any.
fn digest_len(s: &[u8]) -> Option<usize> {
    let hex = s.strip_prefix(b"@sha256:")?;
    let n = hex.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    (n == 64 && hex.get(..64).is_some_and(is_lower_hex)).then_some(8 + 64)
}

/// Whether a tag is one that pinning re-points: a 7–40 hex commit tag, a
/// `dev-<hex>` tag from an earlier run, or one of `also`.
fn repointable(tag: &[u8], also: &[String]) -> bool {
    is_sha_tag(tag)
        || tag.strip_prefix(b"dev-").is_some_and(is_sha_tag)
        || also.iter().any(|a| a.as_bytes() == tag)
}

/// Rewrites every pin of `images` in `text` to `<image>:<tag>`, returning
/// the new text and the changes (empty when nothing changed).
///
/// ```
/// let images = vec!["ghcr.io/obolnetwork/x402-buyer".to_owned()];
/// let d = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// let text = format!("image: ghcr.io/obolnetwork/x402-buyer:b13254e@sha256:{d}\n");
/// let (out, changes) = imprint_core::rewrite_pins(&text, &images, "dev-c393ae4b2f1a", &[]);
/// assert_eq!(out, "image: ghcr.io/obolnetwork/x402-buyer:dev-c393ae4b2f1a\n");
/// assert_eq!(changes.len(), 1);
/// ```
pub fn rewrite_pins(
    text: &str,
    images: &[String],
    tag: &str,
    also: &[String],
) -> (String, Vec<PinChange>) {
    let (out, changes) = rewrite_pins_bytes(text.as_bytes(), images, tag, also);
    // Only ASCII references are replaced by ASCII text, so UTF-8 stays UTF-8.
    let out = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (out, changes)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// [`rewrite_pins`] on raw bytes, for files that are not UTF-8 (YAML with a
/// Latin-1 comment, say): references are ASCII, everything else is kept
/// byte for byte.
pub fn rewrite_pins_bytes(
    bytes: &[u8],
    images: &[String],
    tag: &str,
    also: &[String],
) -> (Vec<u8>, Vec<PinChange>) {
    // (start, end, image index)
    let mut hits: Vec<(usize, usize, usize)> = Vec::new();
    for (ii, image) in images.iter().enumerate() {
        let needle = image.as_bytes();
        let mut from = 0;
        while let Some(off) = bytes.get(from..).and_then(|t| find(t, needle)) {
            let start = from + off;
            from = start + 1;
            let before_ok = start == 0 || bytes.get(start - 1).is_some_and(|&c| !is_ref_char(c));
            if !before_ok {
                continue;
            }
            let after = start + needle.len();
            let rest = bytes.get(after..).unwrap_or(&[]);
            let end = match rest.first() {
                Some(b'@') => digest_len(rest).map(|n| after + n),
                Some(b':') => {
                    let t = rest.get(1..).unwrap_or(&[]);
                    let tlen = t.iter().take_while(|&&c| is_tag_char(c)).count();
                    let tag_bytes = t.get(..tlen).unwrap_or(&[]);
                    if !repointable(tag_bytes, also) {
                        None
                    } else {
                        let tail = t.get(tlen..).unwrap_or(&[]);
                        match tail.first() {
                            Some(b'@') => digest_len(tail).map(|n| after + 1 + tlen + n),
                            _ => Some(after + 1 + tlen),
                        }
                    }
                }
                _ => None,
            };
            let Some(end) = end else { continue };
            if bytes.get(end).is_some_and(|&c| is_ref_char(c)) {
                continue;
            }
            hits.push((start, end, ii));
        }
    }
    hits.sort_unstable();
    let mut out = Vec::with_capacity(bytes.len());
    let mut changes = Vec::new();
    let mut pos = 0;
    let mut line = 1usize;
    let mut counted = 0usize;
    for (start, end, ii) in hits {
        if start < pos {
            continue;
        }
        let Some(image) = images.get(ii) else {
            continue;
        };
        let old = bytes.get(start..end).unwrap_or(&[]);
        let new = format!("{image}:{tag}");
        out.extend_from_slice(bytes.get(pos..start).unwrap_or(&[]));
        out.extend_from_slice(new.as_bytes());
        pos = end;
        if old != new.as_bytes() {
            line += bytes
                .get(counted..start)
                .map_or(0, |t| t.iter().filter(|&&c| c == b'\n').count());
            counted = start;
            changes.push(PinChange {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                from: String::from_utf8_lossy(old).into_owned(),
                to: new,
            });
        }
    }
    out.extend_from_slice(bytes.get(pos..).unwrap_or(&[]));
    (out, changes)
}

/// Whether a file name is one `pin` rewrites: its extension (as Go's
/// `filepath.Ext` sees it, so `.yaml` alone counts), lower-cased, is in
/// `extensions`.
///
/// ```
/// let ext = vec!["yaml".to_owned(), "yml".to_owned()];
/// assert!(imprint_core::pin_file_matches("values.YAML", &ext));
/// assert!(imprint_core::pin_file_matches(".yaml", &ext));
/// assert!(!imprint_core::pin_file_matches("x.yaml.tmpl", &ext));
/// ```
pub fn pin_file_matches(file_name: &str, extensions: &[String]) -> bool {
    match file_name.rfind('.') {
        Some(i) => {
            let ext = file_name.get(i + 1..).unwrap_or("").to_ascii_lowercase();
            extensions.contains(&ext)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "ghcr.io/obolnetwork/x402-buyer";
    const D: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const T: &str = "dev-c393ae4b2f1a";

    fn rw(text: &str) -> String {
        rewrite_pins(text, &[B.to_owned()], T, &[]).0
    }

    #[test]
    fn three_pin_styles_become_the_dev_tag() {
        let want = format!("image: {B}:{T}\n");
        assert_eq!(rw(&format!("image: {B}:b13254e@sha256:{D}\n")), want);
        assert_eq!(rw(&format!("image: {B}@sha256:{D}\n")), want);
        assert_eq!(rw(&format!("image: {B}:b13254e\n")), want);
        assert_eq!(
            rw(&format!("image: \"{B}:b13254e\"")),
            format!("image: \"{B}:{T}\"")
        );
    }

    #[test]
    fn whole_references_only() {
        for keep in [
            format!("image: mirror.example/{B}:b13254e"),
            format!("image: {B}:{}", "a".repeat(41)),
            format!("image: {B}@sha256:{D}0"),
            format!("image: {B}:b13254e-debug"),
            format!("image: {B}:b13254e@sha256:abc"),
            format!("image: {B}:latest"),
            format!("image: {B}:v1.2.3"),
            format!("image: {B}-extra:b13254e"),
            format!("image: {B}/sub:b13254e"),
            format!("image: {B}:B13254E"),
        ] {
            assert_eq!(rw(&keep), keep);
        }
    }

    #[test]
    fn repoints_dev_tags_and_is_idempotent() {
        let once = rw(&format!("a: {B}:dev-0123456789ab\nb: {B}:1234567\n"));
        assert_eq!(once, format!("a: {B}:{T}\nb: {B}:{T}\n"));
        let (again, changes) = rewrite_pins(&once, &[B.to_owned()], T, &[]);
        assert_eq!(again, once);
        assert!(changes.is_empty());
    }

    #[test]
    fn tag_is_literal_and_also_tags_apply() {
        let (out, _) = rewrite_pins(&format!("{B}:b13254e"), &[B.to_owned()], "$1", &[]);
        assert_eq!(out, format!("{B}:$1"));
        let (out, ch) = rewrite_pins(
            &format!("x {B}:latest"),
            &[B.to_owned()],
            T,
            &["latest".into()],
        );
        assert_eq!(out, format!("x {B}:{T}"));
        assert_eq!(ch[0].line, 1);
    }

    #[test]
    fn bytes_outside_references_are_kept() {
        let mut text = b"# caf\xe9\nimage: ".to_vec();
        text.extend_from_slice(format!("{B}:b13254e\n").as_bytes());
        let (out, ch) = rewrite_pins_bytes(&text, &[B.to_owned()], T, &[]);
        let mut want = b"# caf\xe9\nimage: ".to_vec();
        want.extend_from_slice(format!("{B}:{T}\n").as_bytes());
        assert_eq!(out, want);
        assert_eq!(ch[0].line, 2);
    }

    #[test]
    fn reports_lines() {
        let (_, ch) = rewrite_pins(
            &format!("a\nb\n  - {B}@sha256:{D}\n"),
            &[B.to_owned()],
            T,
            &[],
        );
        assert_eq!(ch.len(), 1);
        assert_eq!(ch[0].line, 3);
        assert_eq!(ch[0].to, format!("{B}:{T}"));
    }
}

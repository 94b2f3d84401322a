//! Go build information: read from a Go binary's bytes (no Go toolchain
//! needed) or from `go version -m` text.
//!
//! Since Go 1.18 the linker writes a 32-byte, 16-byte aligned header into
//! the binary's data (the `.go.buildinfo` section on ELF, `__go_buildinfo`
//! on Mach-O, the start of `.data` on PE): the magic `\xff Go buildinf:`,
//! the pointer size, and a flags byte whose bit 2 says the header is
//! followed by two strings, each prefixed by its length as an unsigned
//! varint: the Go version and the module info. The module info is the text
//! `runtime/debug.BuildInfo.String` prints, framed by two 16-byte
//! sentinels. [`parse_buildinfo`] finds the header by scanning the whole
//! file at 16-byte aligned offsets, so it needs no ELF, Mach-O or PE parser
//! and works on every target, including WebAssembly.
//!
//! Both readers parse the module info as `runtime/debug.ParseBuildInfo`
//! does: `path`, `mod`, `dep`, `=>` and `build KEY=VALUE` lines, where a
//! build setting's key or value containing a space, tab, `"`, `` ` ``, `\r`
//! or `\n` is quoted with `strconv.Quote` (and is unquoted here).

use super::ReadError;
use crate::artifact::Artifact;
use std::collections::BTreeMap;

/// What a Go binary says about how it was built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoBuildInfo {
    /// Go version, such as `go1.22.5`.
    pub go_version: String,
    /// The main package path (`path` line).
    pub path: String,
    /// The main module path (`mod` line), if any.
    pub module: Option<String>,
    /// Build settings (`build` lines), in order: `-ldflags`, `vcs.revision` …
    pub settings: Vec<(String, String)>,
}

/// The build info header's magic (`debug/buildinfo.buildInfoMagic`).
const MAGIC: &[u8] = b"\xff Go buildinf:";
/// Length of the header: magic, pointer size, flags, two (unused) pointers.
const HEADER_LEN: usize = 32;
/// The linker aligns the header to 16 bytes.
const ALIGN: usize = 16;
/// Flags bit: the strings follow the header inline (Go 1.18 and later).
const FLAG_INLINE_STRINGS: u8 = 2;
/// `cmd/go/internal/modload.infoStart`.
const INFO_START: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];
/// `cmd/go/internal/modload.infoEnd`.
const INFO_END: [u8; 16] = [
    0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2,
];
/// The longest unsigned varint encoding of a 64-bit number.
const MAX_VARINT_LEN: usize = 10;

/// Reads the build info embedded in a Go binary.
///
/// The first 16-byte aligned header that decodes wins (a binary that
/// imports `debug/buildinfo` also holds the magic as a string constant,
/// which is skipped when it does not decode). When none does, an unaligned
/// header is accepted if it is exactly as the linker writes it (inline
/// strings, zero pointers, a `go…` or `devel…` version): formats such as
/// Plan 9 a.out do not keep the data 16-byte aligned in the file. Binaries
/// built by Go older than 1.18 (pointer-based headers) are rejected.
pub fn parse_buildinfo(bytes: &[u8]) -> Result<GoBuildInfo, ReadError> {
    // The most telling failure so far: (rank, error). Rank 1: the magic is
    // there but the bytes after it are not a header; rank 2: a header that
    // could not be read.
    let mut failure: Option<(u8, ReadError)> = None;
    for (i, chunk) in bytes.chunks(ALIGN).enumerate() {
        if !chunk.starts_with(MAGIC) {
            continue;
        }
        let offset = i.saturating_mul(ALIGN);
        match decode_at(bytes, offset) {
            Ok(info) => return Ok(info),
            Err((rank, err)) => {
                if failure.as_ref().is_none_or(|(best, _)| rank > *best) {
                    failure = Some((rank, err));
                }
            }
        }
    }
    let mut from = 0;
    while let Some(found) = bytes
        .get(from..)
        .and_then(|rest| rest.windows(MAGIC.len()).position(|w| w == MAGIC))
    {
        let offset = from.saturating_add(found);
        from = offset.saturating_add(1);
        if offset % ALIGN == 0 || !is_inline_header(bytes, offset) {
            continue;
        }
        match decode_at(bytes, offset) {
            Ok(info) if is_go_version(&info.go_version) => return Ok(info),
            Ok(_) => {}
            Err((rank, err)) => {
                if failure.is_none() {
                    failure = Some((rank, err));
                }
            }
        }
    }
    Err(failure.map_or_else(
        || {
            ReadError::new(
                "not a Go binary: no Go build info found \
                 (no `\\xff Go buildinf:` header)",
            )
        },
        |(_, err)| err,
    ))
}

/// Whether the 32 bytes at `offset` are a header as the Go 1.18+ linker
/// writes it: magic, pointer size 4 or 8, the inline-strings flag, and 16
/// zero bytes where older headers had pointers.
fn is_inline_header(bytes: &[u8], offset: usize) -> bool {
    let Some(header) = bytes.get(offset..offset.saturating_add(HEADER_LEN)) else {
        return false;
    };
    let ptr_size = header.get(MAGIC.len()).copied().unwrap_or_default();
    let flags = header.get(MAGIC.len() + 1).copied().unwrap_or_default();
    (ptr_size == 4 || ptr_size == 8)
        && flags & FLAG_INLINE_STRINGS != 0
        && header.get(16..).is_some_and(|p| p.iter().all(|&b| b == 0))
}

/// Whether `v` looks like a Go version: `go1.22.5`, `go1.21.0 X:loopvar`,
/// `devel go1.23-a5a8ef2 …`.
fn is_go_version(v: &str) -> bool {
    let numbered = v
        .strip_prefix("go")
        .and_then(|v| v.chars().next())
        .is_some_and(|c| c.is_ascii_digit());
    numbered || v.starts_with("devel")
}

/// Decodes the header at `offset` (where the magic is).
fn decode_at(bytes: &[u8], offset: usize) -> Result<GoBuildInfo, (u8, ReadError)> {
    let rest = bytes.get(offset..).unwrap_or_default();
    let Some(header) = rest.get(..HEADER_LEN) else {
        return Err((
            2,
            ReadError::new(format!(
                "Go build info: the header at offset {offset} is truncated \
                 ({} of {HEADER_LEN} bytes)",
                rest.len()
            )),
        ));
    };
    let ptr_size = header.get(MAGIC.len()).copied().unwrap_or_default();
    let flags = header.get(MAGIC.len() + 1).copied().unwrap_or_default();
    if ptr_size != 4 && ptr_size != 8 {
        return Err((
            1,
            ReadError::new(format!(
                "Go build info: the header at offset {offset} has pointer size {ptr_size}, \
                 not 4 or 8"
            )),
        ));
    }
    if flags & FLAG_INLINE_STRINGS == 0 {
        return Err((
            2,
            ReadError::new(format!(
                "build info from Go older than 1.18 is not supported \
                 (pointer-based header at offset {offset})"
            )),
        ));
    }
    let start = offset.saturating_add(HEADER_LEN);
    let data = rest.get(HEADER_LEN..).unwrap_or_default();
    let (version, data) = decode_string(data, "Go version", start).map_err(|e| (2, e))?;
    let used = rest
        .len()
        .saturating_sub(HEADER_LEN)
        .saturating_sub(data.len());
    let mod_at = start.saturating_add(used);
    let (modinfo, _) = decode_string(data, "module info", mod_at).map_err(|e| (2, e))?;

    let go_version = std::str::from_utf8(version).map_err(|e| {
        (
            2,
            ReadError::new(format!(
                "Go build info: the Go version is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            )),
        )
    })?;
    if go_version.is_empty() {
        return Err((2, ReadError::new("Go build info: the Go version is empty")));
    }
    let modinfo = strip_sentinels(modinfo).map_err(|e| (2, e))?;
    let modinfo = std::str::from_utf8(modinfo).map_err(|e| {
        (
            2,
            ReadError::new(format!(
                "Go build info: the module info is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            )),
        )
    })?;

    let mut lines = ModInfo::default();
    for (n, line) in modinfo.split('\n').enumerate() {
        lines.line(line).map_err(|msg| {
            (
                2,
                ReadError::new(format!(
                    "Go build info: module info line {}: {msg}",
                    n.saturating_add(1)
                )),
            )
        })?;
    }
    let mut info = lines.info;
    info.go_version = go_version.to_owned();
    Ok(info)
}

/// Splits a varint-length-prefixed string off `data`; `at` is the file
/// offset of `data`, for messages. The length is checked against the bytes
/// that remain before anything is taken.
fn decode_string<'a>(
    data: &'a [u8],
    what: &str,
    at: usize,
) -> Result<(&'a [u8], &'a [u8]), ReadError> {
    let (len, n) = uvarint(data).map_err(|why| {
        ReadError::new(format!(
            "Go build info: the length of the {what} (at offset {at}) {why}"
        ))
    })?;
    let rest = data.get(n..).unwrap_or_default();
    let fits = usize::try_from(len).ok().filter(|&l| l <= rest.len());
    let (Some(s), Some(after)) = (
        fits.and_then(|l| rest.get(..l)),
        fits.and_then(|l| rest.get(l..)),
    ) else {
        return Err(ReadError::new(format!(
            "Go build info: the {what} (at offset {at}) declares {len} bytes \
             but only {} remain",
            rest.len()
        )));
    };
    Ok((s, after))
}

/// Decodes an unsigned varint as `encoding/binary.Uvarint` does: the value
/// and the number of bytes read, or why it is malformed.
fn uvarint(data: &[u8]) -> Result<(u64, usize), &'static str> {
    let mut x: u64 = 0;
    let mut shift: u32 = 0;
    for (i, &b) in data.iter().take(MAX_VARINT_LEN).enumerate() {
        if b < 0x80 {
            if i == MAX_VARINT_LEN - 1 && b > 1 {
                return Err("is a varint that overflows 64 bits");
            }
            return Ok((x | (u64::from(b) << shift), i + 1));
        }
        x |= u64::from(b & 0x7f) << shift;
        shift += 7;
    }
    if data.len() >= MAX_VARINT_LEN {
        Err("is a varint that overflows 64 bits")
    } else {
        Err("is a truncated varint (the input ends inside it)")
    }
}

/// Removes the module info's framing sentinels, when present.
fn strip_sentinels(modinfo: &[u8]) -> Result<&[u8], ReadError> {
    let start = modinfo.starts_with(&INFO_START);
    let end = modinfo.ends_with(&INFO_END);
    if start && end && modinfo.len() >= INFO_START.len() + INFO_END.len() {
        return Ok(modinfo
            .get(INFO_START.len()..modinfo.len() - INFO_END.len())
            .unwrap_or_default());
    }
    if start {
        return Err(ReadError::new(
            "Go build info: the module info starts with the start sentinel \
             but does not end with the end sentinel",
        ));
    }
    if end {
        return Err(ReadError::new(
            "Go build info: the module info ends with the end sentinel \
             but does not start with the start sentinel",
        ));
    }
    Ok(modinfo)
}

/// The binary's path when `line` is a `go version -m` header,
/// `PATH: go1.22.5` (or `PATH: devel …`).
pub fn version_m_header(line: &str) -> Option<&str> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let (path, version) = line.trim_end().rsplit_once(": ")?;
    let is_version = version
        .strip_prefix("go")
        .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        || version.starts_with("devel");
    (is_version && !path.is_empty()).then_some(path)
}

/// `go version -m` text of one or many binaries (`go version -m bin/`):
/// one artifact per binary (a header line and its indented lines), named
/// by the binary's path, with `file` set to `name` and `line` to its
/// header's line. Text without a header is read as one binary's module
/// info, named `name`. Errors carry the line in the whole text.
///
/// ```
/// let text = "bin/a: go1.22.5\n\tpath\texample.com/a\n\tbuild\t-ldflags=\"-X main.v=1\"\n\
///             bin/b: go1.22.5\n\tpath\texample.com/b\n";
/// let arts = imprint_core::read::go::read_version_m("versions.txt", text).unwrap();
/// assert_eq!(arts.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["bin/a", "bin/b"]);
/// assert_eq!(arts[1].line, Some(4));
/// ```
pub fn read_version_m(name: &str, text: &str) -> Result<Vec<Artifact>, ReadError> {
    let mut blocks: Vec<(&str, u32, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        match (version_m_header(line), blocks.last_mut()) {
            (Some(path), _) => blocks.push((path, n, format!("{line}\n"))),
            (None, Some((_, _, block))) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, None) if line.trim().is_empty() => {}
            (None, None) => blocks.push((name, n, format!("{line}\n"))),
        }
    }
    if blocks.is_empty() {
        return Err(ReadError::new(
            "no Go build info: the `go version -m` text is empty",
        ));
    }
    let mut out = Vec::with_capacity(blocks.len());
    for (path, line, block) in blocks {
        let info = parse_version_m(&block).map_err(|e| ReadError {
            line: Some(
                e.line
                    .map_or(line, |l| line.saturating_add(l.saturating_sub(1))),
            ),
            message: e.message,
            column: None,
        })?;
        let mut a = info.into_artifact(path);
        a.file = Some(name.to_owned());
        a.line = Some(line);
        out.push(a);
    }
    Ok(out)
}

/// Parses the text `go version -m FILE` prints.
///
/// The first line is `FILE: goVERSION`, the module info lines follow, each
/// indented by a tab. Without that first line the text is read as raw
/// module info (`path\t…`, `mod\t…`, `build\t…` lines, indented or not; a
/// `go\tgoVERSION` line, as `BuildInfo.String` prints it, gives the
/// version). Carriage returns before newlines and blank lines are ignored.
/// Errors carry the 1-based line.
pub fn parse_version_m(text: &str) -> Result<GoBuildInfo, ReadError> {
    let mut lines = ModInfo::default();
    let mut header: Option<usize> = None;
    let mut seen_any = false;
    for (i, raw) in text.split('\n').enumerate() {
        let n = i.saturating_add(1);
        let at = |message: String| ReadError {
            message,
            line: Some(u32::try_from(n).unwrap_or(u32::MAX)),
            column: None,
        };
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let first = !seen_any;
        seen_any = true;
        let body = line.strip_prefix('\t').unwrap_or(line);
        if line.starts_with('\t') || is_modinfo_line(body) {
            lines.line(body).map_err(at)?;
            continue;
        }
        if let Some(h) = header {
            if parse_header(line).is_ok() {
                return Err(at(format!(
                    "`go version -m` output for more than one binary (the first starts \
                     on line {h}); pass the output for one binary"
                )));
            }
        }
        if !first {
            // The line is not echoed: the input may be any text file.
            return Err(at(
                "not a build info line (expected a tab, then `path`, `mod`, `dep`, `=>` or \
                 `build` and a tab)"
                    .to_owned(),
            ));
        }
        lines.info.go_version = parse_header(line).map_err(at)?;
        header = Some(n);
    }
    if !seen_any {
        return Err(ReadError::new(
            "no Go build info: the `go version -m` text is empty",
        ));
    }
    Ok(lines.info)
}

/// Whether `line` (without its indent) is a module info line.
fn is_modinfo_line(line: &str) -> bool {
    ["go\t", "path\t", "mod\t", "dep\t", "=>\t", "build\t"]
        .iter()
        .any(|p| line.starts_with(p))
}

/// The Go version from a `FILE: goVERSION` line.
fn parse_header(line: &str) -> Result<String, String> {
    // The line is not echoed: the input may be any text file.
    let bad = || {
        "not `go version -m` output: expected `FILE: goVERSION` (the first line it prints)"
            .to_owned()
    };
    let (_, version) = line.rsplit_once(": ").ok_or_else(bad)?;
    let version = version.trim();
    if is_go_version(version) {
        Ok(version.to_owned())
    } else {
        Err(bad())
    }
}

/// The module info parser shared by both readers, line by line, following
/// `runtime/debug.ParseBuildInfo` (unknown lines are ignored).
#[derive(Default)]
struct ModInfo {
    info: GoBuildInfo,
    /// Whether the previous module line may be followed by `=>`.
    replaceable: bool,
}

impl ModInfo {
    fn line(&mut self, line: &str) -> Result<(), String> {
        if let Some(rest) = line.strip_prefix("path\t") {
            self.info.path = rest.to_owned();
        } else if let Some(rest) = line.strip_prefix("mod\t") {
            self.info.module = Some(module_path(rest)?.to_owned());
            self.replaceable = true;
        } else if let Some(rest) = line.strip_prefix("dep\t") {
            module_path(rest)?;
            self.replaceable = true;
        } else if let Some(rest) = line.strip_prefix("=>\t") {
            let columns = rest.split('\t').count();
            if columns != 3 {
                return Err(format!("expected 3 columns for replacement; got {columns}"));
            }
            if !self.replaceable {
                return Err("replacement with no module on previous line".to_owned());
            }
            self.replaceable = false;
        } else if let Some(rest) = line.strip_prefix("build\t") {
            self.info.settings.push(build_setting(rest)?);
        } else if let Some(rest) = line.strip_prefix("go\t") {
            if self.info.go_version.is_empty() {
                rest.trim().clone_into(&mut self.info.go_version);
            }
        }
        Ok(())
    }
}

/// The path of a `mod` or `dep` line (path, version and optional sum).
fn module_path(rest: &str) -> Result<&str, String> {
    let columns = rest.split('\t').count();
    if columns != 2 && columns != 3 {
        return Err(format!("expected 2 or 3 columns; got {columns}"));
    }
    Ok(rest.split('\t').next().unwrap_or_default())
}

/// Parses the `KEY=VALUE` of a `build` line.
fn build_setting(kv: &str) -> Result<(String, String), String> {
    let (key, raw_value) = match kv.chars().next() {
        None => return Err("build line missing '='".to_owned()),
        Some('=') => return Err("build line with missing key".to_owned()),
        Some('`' | '"') => {
            let (key, used) = unquote_prefix(kv)
                .map_err(|why| format!("invalid quoted key in build line: {why}"))?;
            let after = kv.get(used..).unwrap_or_default();
            match after.chars().next() {
                None => return Err("build line missing '=' after quoted key".to_owned()),
                Some('=') => (key, after.get(1..).unwrap_or_default()),
                Some(c) => return Err(format!("unexpected character after quoted key: {c:?}")),
            }
        }
        Some(_) => {
            let (key, value) = kv
                .split_once('=')
                .ok_or_else(|| "build line missing '=' after key".to_owned())?;
            if key.is_empty() || key.contains(['=', ' ', '\t', '\r', '\n', '"', '`']) {
                return Err(format!("unquoted key {key:?} must be quoted"));
            }
            (key.to_owned(), value)
        }
    };
    let value = if raw_value.starts_with(['`', '"']) {
        match unquote_prefix(raw_value) {
            Ok((v, used)) if used == raw_value.len() => v,
            Ok(_) => {
                return Err(
                    "invalid quoted value in build line: text after the closing quote".to_owned(),
                )
            }
            Err(why) => return Err(format!("invalid quoted value in build line: {why}")),
        }
    } else {
        if raw_value.contains([' ', '\t', '\r', '\n', '"', '`']) {
            return Err(format!("unquoted value {raw_value:?} must be quoted"));
        }
        raw_value.to_owned()
    };
    Ok((key, value))
}

/// Unquotes the Go string literal (`"…"` with `strconv` escapes, or
/// `` `…` `` raw) at the start of `s`: the value and the bytes used.
fn unquote_prefix(s: &str) -> Result<(String, usize), &'static str> {
    if let Some(body) = s.strip_prefix('`') {
        let end = body.find('`').ok_or("no closing backquote")?;
        // Carriage returns inside raw strings are discarded, as in Go.
        let value = body.get(..end).unwrap_or_default().replace('\r', "");
        return Ok((value, end + 2));
    }
    if !s.starts_with('"') {
        return Err("not a quoted string");
    }
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = 1;
    loop {
        let c = *b.get(i).ok_or("no closing double quote")?;
        match c {
            b'"' => {
                let value =
                    String::from_utf8(out).map_err(|_| "the unquoted text is not valid UTF-8")?;
                return Ok((value, i + 1));
            }
            b'\n' => return Err("newline inside a quoted string"),
            b'\\' => {
                let e = *b.get(i + 1).ok_or("no closing double quote")?;
                let simple = match e {
                    b'a' => Some(0x07),
                    b'b' => Some(0x08),
                    b'f' => Some(0x0c),
                    b'n' => Some(b'\n'),
                    b'r' => Some(b'\r'),
                    b't' => Some(b'\t'),
                    b'v' => Some(0x0b),
                    b'\\' => Some(b'\\'),
                    b'"' => Some(b'"'),
                    _ => None,
                };
                if let Some(byte) = simple {
                    out.push(byte);
                    i += 2;
                    continue;
                }
                match e {
                    b'x' => {
                        let v = digits(b, i + 2, 2, 16).ok_or("bad \\x escape")?;
                        out.push(u8::try_from(v).map_err(|_| "bad \\x escape")?);
                        i += 4;
                    }
                    b'0'..=b'7' => {
                        let v = digits(b, i + 1, 3, 8).ok_or("bad octal escape")?;
                        out.push(u8::try_from(v).map_err(|_| "octal escape value > 255")?);
                        i += 4;
                    }
                    b'u' | b'U' => {
                        let n = if e == b'u' { 4 } else { 8 };
                        let v = digits(b, i + 2, n, 16).ok_or("bad unicode escape")?;
                        let ch = char::from_u32(v).ok_or("escape is not a valid code point")?;
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        i += 2 + n;
                    }
                    _ => return Err("unknown escape sequence"),
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// The number written by `n` digits in `radix` at `b[at..]`.
fn digits(b: &[u8], at: usize, n: usize, radix: u32) -> Option<u32> {
    let mut v: u32 = 0;
    for k in 0..n {
        let d = char::from(*b.get(at + k)?).to_digit(radix)?;
        v = v.checked_mul(radix)?.checked_add(d)?;
    }
    Some(v)
}

impl GoBuildInfo {
    /// The artifact: kind `binary`, the `-X` flags from `-ldflags` as
    /// `xflags`, and `go.version`, `go.path`, `go.module` and `build.<key>`
    /// fields.
    ///
    /// The `-ldflags` value is split as `go build` splits it
    /// (`cmd/internal/quoted.Split`: whitespace-separated fields, optionally
    /// in single or double quotes, no escapes), after a leading
    /// `PATTERN=` (as in `-ldflags=all=-X …`; a pattern that does not
    /// match the main package, as `go build` matches per-package flags,
    /// means the linker never got the flags, so there are none: see
    /// `pkgpattern` for the cases assumed rather than known); then the flags are read as
    /// the linker reads them: `-X sym=value`, `-X=sym=value`, `--X …`, the
    /// arguments of the linker's other flags that take one are skipped, `--`
    /// ends the flags, and the last `-X` for a symbol wins. Text after an
    /// unterminated quote (which `go build` rejects) is ignored.
    ///
    /// `go build -trimpath` does not record `-ldflags` (go.dev/issue/52372),
    /// so such binaries have no `xflags`. The symbol is the one written
    /// after `-X`: for `package main` the linker only honours `main.NAME`,
    /// so `-X example.com/m.NAME=…` with `NAME` in package `main` is recorded
    /// here but did not change the binary.
    pub fn into_artifact(self, name: &str) -> Artifact {
        let mut a = Artifact {
            kind: "binary".into(),
            name: name.into(),
            ..Artifact::default()
        };
        if !self.go_version.is_empty() {
            a.fields.insert("go.version".into(), self.go_version);
        }
        if !self.path.is_empty() {
            a.fields.insert("go.path".into(), self.path);
        }
        if let Some(module) = self.module {
            a.fields.insert("go.module".into(), module);
        }
        for (key, value) in self.settings {
            a.fields.insert(format!("build.{key}"), value);
        }
        if let Some(ldflags) = a.fields.get("build.-ldflags") {
            let main = a.fields.get("go.path").map_or("", String::as_str);
            let module = a.fields.get("go.module").map(String::as_str);
            a.xflags = x_flags(ldflags, main, module);
        }
        a
    }
}

/// The `-X symbol=value` definitions in an `-ldflags` value that the
/// linker applied to the main package `main` of module `module` (see
/// [`GoBuildInfo::into_artifact`]).
fn x_flags(ldflags: &str, main: &str, module: Option<&str>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut v = ldflags.trim();
    if !v.starts_with('-') {
        // `PATTERN=FLAGS`, as cmd/go's per-package flags accept: they
        // reach the linker only when the pattern matches the main package.
        match v.split_once('=') {
            Some((pattern, flags)) if !pattern.is_empty() && !v.starts_with(['\'', '"']) => {
                if !super::pkgpattern::matches_main(pattern, main, module) {
                    return out;
                }
                v = flags;
            }
            _ => return out,
        }
    }
    let mut words = split_quoted(v).into_iter();
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        let Some(flag) = word
            .strip_prefix("--")
            .or_else(|| word.strip_prefix('-'))
            .filter(|f| !f.is_empty() && !f.starts_with(['-', '=']))
        else {
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, value)) => (n, Some(value.to_owned())),
            None => (flag, None),
        };
        if !LINKER_VALUE_FLAGS.contains(&name) {
            continue;
        }
        let Some(value) = inline.or_else(|| words.next()) else {
            break;
        };
        if name != "X" {
            continue;
        }
        // As cmd/link's addstrdata1: the symbol ends at the first `=` and
        // must contain a `.`.
        if let Some((symbol, value)) = value.split_once('=') {
            if symbol.contains('.') {
                out.insert(symbol.to_owned(), value.to_owned());
            }
        }
    }
    out
}

/// The Go linker's flags that take an argument (`go tool link -help`);
/// every other flag is boolean.
const LINKER_VALUE_FLAGS: &[&str] = &[
    "B",
    "D",
    "E",
    "H",
    "I",
    "L",
    "R",
    "T",
    "X",
    "benchmark",
    "benchmarkprofile",
    "buildid",
    "buildmode",
    "capturehostobjs",
    "cpuprofile",
    "debugtextsize",
    "debugtramp",
    "extar",
    "extld",
    "extldflags",
    "fipso",
    "funcalign",
    "importcfg",
    "installsuffix",
    "k",
    "libgcc",
    "linkmode",
    "memprofile",
    "memprofilerate",
    "o",
    "pluginpath",
    "r",
    "randlayout",
    "strictdups",
    "tmpdir",
];

/// Splits `s` as `cmd/internal/quoted.Split` does: fields separated by
/// spaces, tabs, newlines and carriage returns; a field starting with `'`
/// or `"` runs to the matching quote, with no unescaping. An unterminated
/// quote ends the list.
fn split_quoted(s: &str) -> Vec<String> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let mut fields = Vec::new();
    let mut s = s;
    loop {
        s = s.trim_start_matches(is_space);
        let Some(first) = s.chars().next() else {
            break;
        };
        if first == '"' || first == '\'' {
            let body = s.get(1..).unwrap_or_default();
            let Some(end) = body.find(first) else {
                break;
            };
            fields.push(body.get(..end).unwrap_or_default().to_owned());
            s = body.get(end + 1..).unwrap_or_default();
            continue;
        }
        let end = s.find(is_space).unwrap_or(s.len());
        fields.push(s.get(..end).unwrap_or_default().to_owned());
        s = s.get(end..).unwrap_or_default();
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends `n` as an unsigned varint.
    fn put_uvarint(out: &mut Vec<u8>, mut n: u64) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    /// A header as the Go ≥ 1.18 linker writes it: magic, pointer size,
    /// flags, 16 zero bytes, then the two strings and padding to 16.
    fn header(flags: u8, version: &[u8], modinfo: &[u8]) -> Vec<u8> {
        let mut h = MAGIC.to_vec();
        h.push(8);
        h.push(flags);
        h.extend_from_slice(&[0; 16]);
        put_uvarint(&mut h, version.len() as u64);
        h.extend_from_slice(version);
        put_uvarint(&mut h, modinfo.len() as u64);
        h.extend_from_slice(modinfo);
        while !h.len().is_multiple_of(16) {
            h.push(0);
        }
        h
    }

    fn framed(text: &str) -> Vec<u8> {
        let mut m = INFO_START.to_vec();
        m.extend_from_slice(text.as_bytes());
        m.extend_from_slice(&INFO_END);
        m
    }

    /// A fake binary: an ELF-ish prefix, a decoy unaligned magic, then the
    /// header at offset 64, then trailing data.
    fn binary(blob: &[u8]) -> Vec<u8> {
        let mut b = b"\x7fELF\x02\x01\x01".to_vec();
        b.resize(21, 0);
        b.extend_from_slice(MAGIC); // unaligned: a string constant
        b.extend_from_slice(b"\x08\x02junk");
        b.resize(64, 0xaa);
        b.extend_from_slice(blob);
        b.extend_from_slice(&[0x55; 100]);
        b
    }

    const MODINFO: &str = "path\tgithub.com/example/provider/cmd\n\
        mod\tgithub.com/example/provider\t(devel)\t\n\
        dep\tgolang.org/x/text\tv0.14.0\th1:abc=\n\
        =>\t../text\t(devel)\t\n\
        build\t-buildmode=exe\n\
        build\t-compiler=gc\n\
        build\t-ldflags=\"-s -w -X github.com/example/provider.shimVersion=v9.9.9-citest -X 'github.com/example/provider.builtBy=CI \\\"nightly\\\"'\"\n\
        build\tCGO_ENABLED=0\n\
        build\tvcs=git\n\
        build\tvcs.revision=c393ae4e4cc5b2d8f0b1a8e3c6f9d2b7a1e0f3c4\n\
        build\tvcs.modified=true\n";

    fn expected_settings() -> Vec<(String, String)> {
        [
            ("-buildmode", "exe"),
            ("-compiler", "gc"),
            (
                "-ldflags",
                "-s -w -X github.com/example/provider.shimVersion=v9.9.9-citest \
                 -X 'github.com/example/provider.builtBy=CI \"nightly\"'",
            ),
            ("CGO_ENABLED", "0"),
            ("vcs", "git"),
            ("vcs.revision", "c393ae4e4cc5b2d8f0b1a8e3c6f9d2b7a1e0f3c4"),
            ("vcs.modified", "true"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    }

    fn err(r: Result<GoBuildInfo, ReadError>) -> String {
        match r {
            Ok(info) => panic!("expected an error, got {info:?}"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn reads_framed_modinfo() {
        let bin = binary(&header(2, b"go1.22.5", &framed(MODINFO)));
        let info = parse_buildinfo(&bin).unwrap();
        assert_eq!(info.go_version, "go1.22.5");
        assert_eq!(info.path, "github.com/example/provider/cmd");
        assert_eq!(info.module.as_deref(), Some("github.com/example/provider"));
        assert_eq!(info.settings, expected_settings());

        let a = info.into_artifact("bin/provider");
        assert_eq!(a.kind, "binary");
        assert_eq!(a.name, "bin/provider");
        assert_eq!(a.fields["go.version"], "go1.22.5");
        assert_eq!(a.fields["go.path"], "github.com/example/provider/cmd");
        assert_eq!(a.fields["go.module"], "github.com/example/provider");
        assert_eq!(a.fields["build.vcs.revision"], expected_settings()[5].1);
        assert_eq!(a.fields["build.-ldflags"], expected_settings()[2].1);
        assert_eq!(a.fields.len(), 3 + 7);
        assert_eq!(
            a.xflags,
            BTreeMap::from([
                (
                    "github.com/example/provider.shimVersion".to_owned(),
                    "v9.9.9-citest".to_owned()
                ),
                (
                    "github.com/example/provider.builtBy".to_owned(),
                    "CI \"nightly\"".to_owned()
                ),
            ])
        );
        assert_eq!(
            a.fact("xflag:github.com/example/provider.shimVersion")
                .as_deref(),
            Some("v9.9.9-citest")
        );
    }

    #[test]
    fn reads_unframed_modinfo_and_big_endian_32_bit() {
        let mut blob = header(3, b"go1.18", MODINFO.as_bytes());
        blob[14] = 4;
        let info = parse_buildinfo(&binary(&blob)).unwrap();
        assert_eq!(info.go_version, "go1.18");
        assert_eq!(info.settings, expected_settings());
    }

    #[test]
    fn reads_binary_without_module_info() {
        let info = parse_buildinfo(&binary(&header(2, b"go1.21.0", b""))).unwrap();
        assert_eq!(
            info,
            GoBuildInfo {
                go_version: "go1.21.0".into(),
                ..GoBuildInfo::default()
            }
        );
        let a = info.into_artifact("x");
        assert_eq!(a.fields.len(), 1);
        assert!(a.xflags.is_empty());
    }

    #[test]
    fn header_at_the_very_start_and_end() {
        let blob = header(2, b"go1.22.0", &framed("path\tp\n"));
        assert_eq!(parse_buildinfo(&blob).unwrap().path, "p");
        // The last string may end exactly at the end of the input.
        let exact = &blob[..32 + 1 + 8 + 1 + 16 + 7 + 16];
        assert_eq!(parse_buildinfo(exact).unwrap().path, "p");
    }

    #[test]
    fn skips_decoys_that_are_not_headers() {
        // An aligned magic with a bogus pointer size, then the real header.
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(b"\x2a\x02");
        b.resize(48, 0x20);
        b.extend_from_slice(&header(2, b"go1.23.1", &framed("path\tp\n")));
        let info = parse_buildinfo(&b).unwrap();
        assert_eq!(
            (info.go_version.as_str(), info.path.as_str()),
            ("go1.23.1", "p")
        );
        // Alone, the decoy is reported.
        assert!(err(parse_buildinfo(&b[..48])).contains("pointer size 42, not 4 or 8"));
        // A header that fails is reported over a decoy before it.
        let mut c = b[..48].to_vec();
        c.extend_from_slice(&header(0, b"", b""));
        assert!(err(parse_buildinfo(&c)).starts_with("build info from Go older than 1.18"));
    }

    #[test]
    fn not_a_go_binary() {
        for input in [&b""[..], b"\x7fELF", &[0u8; 4096], &binary(b"")] {
            assert!(err(parse_buildinfo(input)).starts_with("not a Go binary"));
        }
    }

    #[test]
    fn unaligned_headers_only_when_exactly_as_written() {
        let at = |pad: usize, blob: &[u8]| {
            let mut b = vec![0x11; pad];
            b.extend_from_slice(blob);
            b
        };
        // Plan 9 a.out keeps the data at offset 8 mod 16.
        let good = header(2, b"go1.22.5", &framed("path\tp\n"));
        let info = parse_buildinfo(&binary(&at(8, &good))).unwrap();
        assert_eq!(
            (info.go_version.as_str(), info.path.as_str()),
            ("go1.22.5", "p")
        );
        // Not a Go version, or non-zero pointer bytes: a decoy.
        let odd = header(2, b"1.22.5", &framed("path\tp\n"));
        assert!(err(parse_buildinfo(&at(8, &odd))).starts_with("not a Go binary"));
        let mut ptrs = good.clone();
        ptrs[20] = 1;
        assert!(err(parse_buildinfo(&at(8, &ptrs))).starts_with("not a Go binary"));
        // One that looks right but is cut is reported.
        let m = err(parse_buildinfo(&at(8, &good[..40])));
        assert!(
            m.contains("the Go version (at offset 40) declares 8 bytes"),
            "{m}"
        );
        // An aligned header still wins over an earlier unaligned one.
        let mut both = at(8, &header(2, b"go1.0.0", b""));
        both.resize(64, 0);
        both.extend_from_slice(&good);
        assert_eq!(parse_buildinfo(&both).unwrap().go_version, "go1.22.5");
    }

    #[test]
    fn pre_1_18_layouts_are_rejected() {
        for flags in [0, 1] {
            let mut blob = MAGIC.to_vec();
            blob.extend_from_slice(&[8, flags]);
            blob.extend_from_slice(&0x4a_1000u64.to_le_bytes());
            blob.extend_from_slice(&0x4a_1010u64.to_le_bytes());
            let m = err(parse_buildinfo(&binary(&blob)));
            assert_eq!(
                m,
                "build info from Go older than 1.18 is not supported \
                 (pointer-based header at offset 64)"
            );
        }
    }

    #[test]
    fn truncated_input() {
        let blob = binary(&header(2, b"go1.22.5", &framed(MODINFO)));
        // Cut inside the header.
        let m = err(parse_buildinfo(&blob[..64 + 20]));
        assert_eq!(
            m,
            "Go build info: the header at offset 64 is truncated (20 of 32 bytes)"
        );
        // Cut inside the version.
        let m = err(parse_buildinfo(&blob[..64 + 32 + 4]));
        assert_eq!(
            m,
            "Go build info: the Go version (at offset 96) declares 8 bytes but only 3 remain"
        );
        // Cut before the module info's length.
        let m = err(parse_buildinfo(&blob[..64 + 32 + 9]));
        assert!(m.contains("length of the module info (at offset 105) is a truncated varint"));
        // Cut inside the module info.
        let m = err(parse_buildinfo(&blob[..64 + 32 + 9 + 2 + 10]));
        assert!(m.starts_with("Go build info: the module info (at offset 105) declares"));
        // Every prefix fails cleanly or succeeds; none panics.
        for len in 0..blob.len() {
            let _ = parse_buildinfo(&blob[..len]);
        }
    }

    #[test]
    fn bad_and_huge_varints() {
        let mut blob = MAGIC.to_vec();
        blob.extend_from_slice(&[8, 2]);
        blob.extend_from_slice(&[0; 16]);
        let mut overflow = blob.clone();
        overflow.extend_from_slice(&[0xff; 12]);
        assert_eq!(
            err(parse_buildinfo(&overflow)),
            "Go build info: the length of the Go version (at offset 32) \
             is a varint that overflows 64 bits"
        );
        let mut tenth = blob.clone();
        tenth.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]);
        assert!(err(parse_buildinfo(&tenth)).ends_with("overflows 64 bits"));
        let mut huge = blob.clone();
        put_uvarint(&mut huge, u64::MAX);
        huge.extend_from_slice(b"go1.22");
        assert_eq!(
            err(parse_buildinfo(&huge)),
            format!(
                "Go build info: the Go version (at offset 32) declares {} bytes \
                 but only 6 remain",
                u64::MAX
            )
        );
        let mut big_mod = blob.clone();
        put_uvarint(&mut big_mod, 6);
        big_mod.extend_from_slice(b"go1.22");
        put_uvarint(&mut big_mod, 1 << 40);
        assert!(err(parse_buildinfo(&big_mod)).contains("declares 1099511627776 bytes"));
    }

    #[test]
    fn bad_strings() {
        let m = err(parse_buildinfo(&header(2, b"", b"")));
        assert_eq!(m, "Go build info: the Go version is empty");
        let m = err(parse_buildinfo(&header(2, b"go\xff", b"")));
        assert!(m.contains("Go version is not valid UTF-8"));
        let mut bad = INFO_START.to_vec();
        bad.extend_from_slice(b"path\tp\xfe\n");
        bad.extend_from_slice(&INFO_END);
        let m = err(parse_buildinfo(&header(2, b"go1.22", &bad)));
        assert_eq!(
            m,
            "Go build info: the module info is not valid UTF-8 (at byte 6)"
        );
        let mut start_only = INFO_START.to_vec();
        start_only.extend_from_slice(b"path\tp\n");
        let m = err(parse_buildinfo(&header(2, b"go1.22", &start_only)));
        assert!(m.contains("does not end with the end sentinel"));
        let mut end_only = b"path\tp\n".to_vec();
        end_only.extend_from_slice(&INFO_END);
        let m = err(parse_buildinfo(&header(2, b"go1.22", &end_only)));
        assert!(m.contains("does not start with the start sentinel"));
        let m = err(parse_buildinfo(&header(
            2,
            b"go1.22",
            &framed("path\tp\nbuild\t-ldflags=-X a.b=c\n"),
        )));
        assert_eq!(
            m,
            "Go build info: module info line 2: unquoted value \"-X a.b=c\" must be quoted"
        );
    }

    #[test]
    fn random_bytes_never_panic() {
        // A small xorshift generator; headers are planted so decoding runs.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..2000 {
            let len = (next() % 200) as usize;
            let mut b: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if round % 2 == 0 && b.len() >= 48 {
                b[16..30].copy_from_slice(MAGIC);
                b[30] = if round % 4 == 0 { 8 } else { 4 };
                b[31] = 2;
                if round % 8 == 0 {
                    b[48..].iter_mut().take(2).for_each(|v| *v &= 0x3f);
                }
            }
            let _ = parse_buildinfo(&b);
            let _ = parse_version_m(&String::from_utf8_lossy(&b));
        }
    }

    /// Output of `go version -m` for a real go1.19.8 binary.
    const VERSION_M: &str = "/tmp/gox/a: go1.19.8\n\
        \tpath\tgithub.com/example/provider\n\
        \tmod\tgithub.com/example/provider\t(devel)\t\n\
        \tbuild\t-compiler=gc\n\
        \tbuild\t-ldflags=\"-X github.com/example/provider.shimVersion=v9.9.9-citest\"\n\
        \tbuild\tCGO_ENABLED=1\n\
        \tbuild\tCGO_CFLAGS=\n\
        \tbuild\tGOARCH=amd64\n\
        \tbuild\tGOOS=linux\n\
        \tbuild\tGOAMD64=v1\n";

    #[test]
    fn version_m_text() {
        let info = parse_version_m(VERSION_M).unwrap();
        assert_eq!(info.go_version, "go1.19.8");
        assert_eq!(info.path, "github.com/example/provider");
        assert_eq!(info.module.as_deref(), Some("github.com/example/provider"));
        assert_eq!(info.settings.len(), 7);
        assert_eq!(info.settings[2], ("CGO_ENABLED".into(), "1".into()));
        assert_eq!(info.settings[3], ("CGO_CFLAGS".into(), String::new()));
        let a = info.into_artifact("a");
        assert_eq!(
            a.xflags
                .get("github.com/example/provider.shimVersion")
                .map(String::as_str),
            Some("v9.9.9-citest")
        );
        assert_eq!(a.fields["build.GOOS"], "linux");

        // CRLF, a path with `: ` in it, blank lines, no final newline.
        let crlf = VERSION_M
            .replace("/tmp/gox/a", "C:\\out: x\\a.exe")
            .replace('\n', "\r\n")
            .replace("\tbuild\tGOOS", "\r\n\tbuild\tGOOS");
        let info = parse_version_m(crlf.trim_end()).unwrap();
        assert_eq!(info.go_version, "go1.19.8");
        assert_eq!(info.settings.len(), 7);

        // The same as the binary reader on the same module info.
        let mut text = "bin: go1.22.5\n".to_owned();
        for line in MODINFO.lines() {
            text.push('\t');
            text.push_str(line);
            text.push('\n');
        }
        let from_text = parse_version_m(&text).unwrap();
        let from_bin = parse_buildinfo(&header(2, b"go1.22.5", &framed(MODINFO))).unwrap();
        assert_eq!(from_text, from_bin);
        // Version headers Go prints for other toolchains.
        for v in [
            "go1.21.0 X:loopvar",
            "devel go1.23-a5a8ef2 Thu Jan 4 14:26:44 2024 +0000",
        ] {
            let info = parse_version_m(&format!("bin: {v}\n\tpath\tp\n")).unwrap();
            assert_eq!(info.go_version, v);
        }
    }

    #[test]
    fn version_m_without_header() {
        let info = parse_version_m(MODINFO).unwrap();
        assert_eq!(info.go_version, "");
        assert_eq!(info.settings, expected_settings());
        // Indented, and with the `go` line `BuildInfo.String` prints.
        let text = format!("\tgo\tgo1.22.5\n\t{}", MODINFO.replace('\n', "\n\t"));
        let info = parse_version_m(&text).unwrap();
        assert_eq!(info.go_version, "go1.22.5");
        assert_eq!(info.settings, expected_settings());
        assert!(!info.into_artifact("b").xflags.is_empty());
    }

    #[test]
    fn version_m_errors() {
        let e = |t: &str| parse_version_m(t).unwrap_err();
        assert_eq!(
            e("").message,
            "no Go build info: the `go version -m` text is empty"
        );
        assert_eq!(e("\n \n").line, None);
        let x = e("a: go version not found\n");
        assert_eq!(x.line, Some(1));
        assert!(x
            .message
            .starts_with("not `go version -m` output: expected `FILE: goVERSION`"));
        let x = e("hello world\n");
        assert!(x
            .message
            .starts_with("not `go version -m` output: expected `FILE: goVERSION`"));
        let x = e("a: go1.22.1\n\tpath\tp\nb: go1.22.1\n\tpath\tq\n");
        assert_eq!(x.line, Some(3));
        assert!(x
            .message
            .contains("more than one binary (the first starts on line 1)"));
        let x = e("a: go1.22.1\n\tpath\tp\ngarbage\n");
        assert_eq!(x.line, Some(3));
        assert!(x.message.starts_with("not a build info line"));
        let cases = [
            ("\tmod\tm\n", "expected 2 or 3 columns; got 1"),
            ("\tdep\ta\tb\tc\td\n", "expected 2 or 3 columns; got 4"),
            ("\t=>\ta\tb\n", "expected 3 columns for replacement; got 2"),
            (
                "\t=>\ta\tb\tc\n",
                "replacement with no module on previous line",
            ),
            (
                "\tmod\tm\tv\n\t=>\ta\tb\tc\n\t=>\ta\tb\tc\n",
                "replacement with no module",
            ),
            ("\tbuild\t\n", "build line missing '='"),
            ("\tbuild\t=x\n", "build line with missing key"),
            ("\tbuild\tkey\n", "build line missing '=' after key"),
            (
                "\tbuild\t\"k\"\n",
                "build line missing '=' after quoted key",
            ),
            (
                "\tbuild\t\"k\"x=1\n",
                "unexpected character after quoted key: 'x'",
            ),
            (
                "\tbuild\t\"k=1\n",
                "invalid quoted key in build line: no closing double quote",
            ),
            ("\tbuild\tk`=1\n", "unquoted key \"k`\" must be quoted"),
            ("\tbuild\tk=a b\n", "unquoted value \"a b\" must be quoted"),
            ("\tbuild\tk=\"a\"b\n", "text after the closing quote"),
            ("\tbuild\tk=\"a\\qb\"\n", "unknown escape sequence"),
            ("\tbuild\tk=\"a\\'b\"\n", "unknown escape sequence"),
            ("\tbuild\tk=\"\\400\"\n", "octal escape value > 255"),
            ("\tbuild\tk=\"\\x4\"\n", "bad \\x escape"),
            ("\tbuild\tk=\"\\ud800\"\n", "not a valid code point"),
            ("\tbuild\tk=\"\\xff\"\n", "not valid UTF-8"),
            ("\tbuild\tk=`a\n", "no closing backquote"),
            ("\tbuild\tk=\"a\\", "no closing double quote"),
        ];
        for (text, want) in cases {
            let x = e(text);
            assert!(
                x.message.contains(want),
                "{text:?}: {} lacks {want:?}",
                x.message
            );
            assert!(x.line.is_some(), "{text:?}");
        }
    }

    #[test]
    fn quoted_keys_and_values() {
        let text = "build\t\"we ird\"=\"tab\\there \\\"q\\\" \\x41\\101\\u00e9\\U0001F600\\\\\"\n\
                    build\t`raw key`=`raw \"value\"\r`\n\
                    build\tempty=\n\
                    build\t-tags=netgo,osusergo\n\
                    build\tk=v=w\n\
                    \tunknown\tline is ignored\n";
        let info = parse_version_m(text).unwrap();
        assert_eq!(
            info.settings,
            vec![
                ("we ird".into(), "tab\there \"q\" AAé😀\\".into()),
                ("raw key".into(), "raw \"value\"".into()),
                ("empty".into(), String::new()),
                ("-tags".into(), "netgo,osusergo".into()),
                ("k".into(), "v=w".into()),
            ]
        );
    }

    fn xf(ldflags: &str) -> Vec<(String, String)> {
        x_flags(ldflags, "example.com/m", Some("example.com/m"))
            .into_iter()
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect()
    }

    #[test]
    fn splits_like_quoted_split() {
        assert_eq!(split_quoted(""), Vec::<String>::new());
        assert_eq!(split_quoted(" \t\r\n"), Vec::<String>::new());
        assert_eq!(split_quoted(" a\tb\nc\r d "), ["a", "b", "c", "d"]);
        assert_eq!(split_quoted("'a b' \"c 'd'\""), ["a b", "c 'd'"]);
        // Quotes only count at the start of a field; no escapes.
        assert_eq!(split_quoted("a'b c'"), ["a'b", "c'"]);
        assert_eq!(split_quoted("'a\\' b"), ["a\\", "b"]);
        // A closing quote ends the field: the next one starts right there.
        assert_eq!(split_quoted("'a'b \"\"''"), ["a", "b", "", ""]);
        // An unterminated quote ends the list.
        assert_eq!(split_quoted("a 'b c"), ["a"]);
        assert_eq!(split_quoted("é 'ü ö'"), ["é", "ü ö"]);
    }

    #[test]
    fn x_flag_edge_cases() {
        let m = "github.com/example/provider";
        let sym = format!("{m}.shimVersion");
        assert_eq!(xf(&format!("-X {sym}=v1")), pairs(&[(&sym, "v1")]));
        // Every form the flag package accepts.
        for form in ["-X=", "--X=", "--X ", "-X\t", "-X\n"] {
            assert_eq!(
                xf(&format!("{form}{sym}=v1")),
                pairs(&[(&sym, "v1")]),
                "{form:?}"
            );
        }
        // Quoted whole flags and values, with spaces and quotes inside.
        assert_eq!(
            xf("-X 'a.b=hello world' \"-X=c.d=it's\" '-X' e.f=\"q\""),
            pairs(&[("a.b", "hello world"), ("c.d", "it's"), ("e.f", "\"q\"")])
        );
        // The last definition of a symbol wins; the value keeps later `=`.
        assert_eq!(
            xf("-X a.b=first -X c.d=x=y -X a.b=dev-c393ae4-dirty"),
            pairs(&[("a.b", "dev-c393ae4-dirty"), ("c.d", "x=y")])
        );
        // Empty values are values.
        assert_eq!(xf("-X a.b= -X 'c.d='"), pairs(&[("a.b", ""), ("c.d", "")]));
        // Definitions the linker rejects are not facts.
        assert_eq!(xf("-X ab=c -X a.b -X =x -X ''"), pairs(&[]));
        assert_eq!(xf("-X"), pairs(&[]));
        // Boolean flags take no argument; others take the next word even if
        // it looks like a flag.
        assert_eq!(
            xf("-s -w=true -linkmode external -extldflags -X -X a.b=1 '-extldflags=-static -X q.r=s'"),
            pairs(&[("a.b", "1")])
        );
        assert_eq!(xf("-extld=gcc -buildid= -X a.b=1"), pairs(&[("a.b", "1")]));
        // Not flags: words that do not start with `-`, `---X`, `-=X`, `-`.
        assert_eq!(
            xf("-s foo -X a.b=1 ---X c.d=2 -=X e.f=3 - -X g.h=4"),
            pairs(&[("a.b", "1"), ("g.h", "4")])
        );
        // `--` ends the flags.
        assert_eq!(xf("-X a.b=1 -- -X c.d=2"), pairs(&[("a.b", "1")]));
        // A package pattern, as in `-ldflags=all=-X …`.
        assert_eq!(xf("all=-X a.b=1"), pairs(&[("a.b", "1")]));
        assert_eq!(xf(" ./...=-X a.b=1 "), pairs(&[("a.b", "1")]));
        assert_eq!(xf("=-X a.b=1"), pairs(&[]));
        assert_eq!(xf("'all'=-X a.b=1"), pairs(&[]));
        assert_eq!(xf("nopattern"), pairs(&[]));
        assert_eq!(xf(""), pairs(&[]));
        // An unterminated quote: the flags before it still count.
        assert_eq!(xf("-X a.b=1 -X 'c.d=2"), pairs(&[("a.b", "1")]));
    }

    /// The `-X` flags of `ldflags` for a binary whose main package is
    /// `example.com/m/cmd/x` in module `example.com/m`.
    fn xf_main(ldflags: &str) -> Vec<(String, String)> {
        let info = GoBuildInfo {
            go_version: "go1.22.5".into(),
            path: "example.com/m/cmd/x".into(),
            module: Some("example.com/m".into()),
            settings: pairs(&[("-ldflags", ldflags)]),
        };
        info.into_artifact("x").xflags.into_iter().collect()
    }

    #[test]
    fn per_package_flags_count_only_when_their_pattern_matches_the_main_package() {
        let set = pairs(&[("main.version", "1")]);
        // Checked against go1.19 `go build ./cmd/x` run in the module root:
        // these set `main.version`…
        for pattern in [
            "example.com/m/cmd/x",
            "example.com/m/...",
            "example.com/m/cmd/x/...",
            "example.com/m/cmd/...",
            "example.com/.../x",
            "...",
            "all",
            " all ",
            "./...",
            "./cmd/x",
            "./cmd/...",
            "../...",
        ] {
            assert_eq!(
                xf_main(&format!("{pattern}=-X main.version=1")),
                set,
                "{pattern}"
            );
        }
        // …and these do not: the linker never applied the flag.
        for pattern in [
            "other/pkg",
            "example.com/m/cmd",
            "example.com/m/cmd/x/",
            "example.com/m/cmd/y",
            "std",
            "cmd",
            "./cmd/y",
            ".",
        ] {
            assert_eq!(
                xf_main(&format!("{pattern}=-X main.version=1")),
                pairs(&[]),
                "{pattern}"
            );
        }
        // Flags without a pattern apply to the packages named on the
        // command line, which include the main package.
        assert_eq!(xf_main("-X main.version=1"), set);
    }

    #[test]
    fn artifact_uses_the_last_ldflags_and_skips_empty_fields() {
        let info = GoBuildInfo {
            go_version: String::new(),
            path: String::new(),
            module: None,
            settings: pairs(&[
                ("-ldflags", "-X a.b=old"),
                ("vcs.revision", "abc"),
                ("-ldflags", "-X a.b=new -X c.d=e"),
            ]),
        };
        let a = info.into_artifact("n");
        assert_eq!(
            a.fields.keys().collect::<Vec<_>>(),
            ["build.-ldflags", "build.vcs.revision"]
        );
        assert_eq!(
            a.xflags.into_iter().collect::<Vec<_>>(),
            pairs(&[("a.b", "new"), ("c.d", "e")])
        );
        assert_eq!(a.reference, None);
    }
}

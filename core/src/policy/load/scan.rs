//! A direct reader for the JSON policies are written in.
//!
//! Policies are objects, arrays, strings, `true`/`false`/`null` and small
//! whole numbers. This reader takes exactly that, straight into the arena,
//! and leaves everything else to `serde_json` by returning `None`: floats,
//! negative or very long numbers, lone surrogates, deep nesting, and every
//! error, whose message `serde_json` writes. Where it returns a tree, it is
//! the one `serde_json` would build (tested below against `serde_json` on
//! generated and mutated texts); reading through serde's visitors was half
//! of a builtin policy's load time.

use super::tree::{Number, Stacks, Value};
use bumpalo::Bump;

/// Nesting the reader goes to before leaving the text to `serde_json`
/// (whose own limit is 127 levels: `super::MAX_JSON_DEPTH`).
const MAX_DEPTH: usize = 100;

/// `text` as a tree in `arena`, or `None` when `serde_json` must read it.
pub(super) fn read<'t>(text: &'t str, arena: &'t Bump) -> Option<Value<'t>> {
    let mut r = Reader {
        text,
        at: 0,
        arena,
        stacks: Stacks::default(),
    };
    let v = r.value(0)?;
    r.skip_whitespace();
    (r.at == text.len()).then_some(v)
}

/// Index of the first byte that ends a run of plain string text: `"`, `\`
/// or a control character. Eight bytes at a time, as `serde_json` does.
fn special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Bytes of `x` below `n` (n <= 128): the lowest flagged byte is exact.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let x = u64::from_le_bytes(chunk.try_into().ok()?);
        let found = below(x, 0x20)
            | below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = chunks.remainder();
    tail.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| at + i)
}

struct Reader<'t> {
    text: &'t str,
    /// Byte offset of the next unread byte (always on a char boundary).
    at: usize,
    arena: &'t Bump,
    stacks: Stacks<'t>,
}

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// Consumes `word` if the text continues with it.
    fn eat(&mut self, word: &str) -> bool {
        let found = self
            .text
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(word));
        if found {
            self.at += word.len();
        }
        found
    }

    fn value(&mut self, depth: usize) -> Option<Value<'t>> {
        self.skip_whitespace();
        match self.peek()? {
            b'{' if depth < MAX_DEPTH => self.object(depth + 1),
            b'[' if depth < MAX_DEPTH => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b'0'..=b'9' => self.number(),
            b't' => self.eat("true").then_some(Value::Bool(true)),
            b'f' => self.eat("false").then_some(Value::Bool(false)),
            b'n' => self.eat("null").then_some(Value::Null),
            _ => None,
        }
    }

    fn object(&mut self, depth: usize) -> Option<Value<'t>> {
        self.at += 1; // `{`
        let start = self.stacks.entries.len();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Some(self.stacks.object(self.arena, start));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return None;
            }
            let key = self.string()?;
            self.skip_whitespace();
            if !self.eat(":") {
                return None;
            }
            let v = self.value(depth)?;
            self.stacks.entries.push((key, v));
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(self.stacks.object(self.arena, start));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Value<'t>> {
        self.at += 1; // `[`
        let start = self.stacks.items.len();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Some(self.stacks.array(self.arena, start));
        }
        loop {
            let v = self.value(depth)?;
            self.stacks.items.push(v);
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(self.stacks.array(self.arena, start));
                }
                _ => return None,
            }
        }
    }

    /// A whole number that fits in a `u64`, without sign, fraction or
    /// exponent (what `serde_json` reads as `PosInt`).
    fn number(&mut self) -> Option<Value<'t>> {
        let bytes = self.text.as_bytes();
        let digits = bytes
            .get(self.at..)?
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = self.at + digits;
        let next = bytes.get(end).copied();
        let leading_zero = digits > 1 && bytes.get(self.at) == Some(&b'0');
        if leading_zero || matches!(next, Some(b'.' | b'e' | b'E')) {
            return None;
        }
        let mut n: u64 = 0;
        for &b in bytes.get(self.at..end)? {
            n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        }
        self.at = end;
        Some(Value::Number(Number::PosInt(n)))
    }

    /// A string, borrowed from the text when it has no escapes.
    fn string(&mut self) -> Option<&'t str> {
        self.at += 1; // `"`
        let start = self.at;
        let bytes = self.text.as_bytes();
        let end = start + special(bytes.get(start..)?)?;
        match bytes.get(end)? {
            b'"' => {
                self.at = end + 1;
                self.text.get(start..end)
            }
            b'\\' => self.escaped(start, end),
            _ => None, // a control character: serde_json's error
        }
    }

    /// The rest of a string that has an escape at `first`, into the arena.
    fn escaped(&mut self, start: usize, first: usize) -> Option<&'t str> {
        let mut out = String::from(self.text.get(start..first)?);
        self.at = first;
        loop {
            let rest = self.text.get(self.at..)?;
            let run = special(rest.as_bytes())?;
            out.push_str(rest.get(..run)?);
            self.at += run;
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(self.arena.alloc_str(&out));
                }
                b'\\' => {
                    let c = match self.text.as_bytes().get(self.at + 1)? {
                        b'u' => self.unicode_escape()?,
                        simple => {
                            self.at += 2;
                            match simple {
                                b'"' => '"',
                                b'\\' => '\\',
                                b'/' => '/',
                                b'b' => '\u{8}',
                                b'f' => '\u{c}',
                                b'n' => '\n',
                                b'r' => '\r',
                                b't' => '\t',
                                _ => return None,
                            }
                        }
                    };
                    out.push(c);
                }
                _ => return None,
            }
        }
    }

    /// `\uXXXX` at the reader (or a surrogate pair `\uD8XX\uDCXX`), past it.
    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        let code = match hi {
            0xD800..=0xDBFF => {
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return None;
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => return None,
            _ => hi,
        };
        char::from_u32(code)
    }

    /// `\u` and four hex digits at the reader, past them.
    fn hex4(&mut self) -> Option<u32> {
        if !self.eat("\\u") {
            return None;
        }
        let hex = self.text.get(self.at..self.at + 4)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.at += 4;
        u32::from_str_radix(hex, 16).ok()
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::string_slice,
        reason = "tests"
    )]
    use super::*;
    use proptest::prelude::*;

    /// `serde_json`'s reading of `text`: its `Value` and that value's text
    /// (which keeps the key order `Value` equality ignores).
    fn serde(text: &str) -> Option<(serde_json::Value, String)> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let shown = v.to_string();
        Some((v, shown))
    }

    /// Whatever the reader takes, `serde_json` reads the same.
    fn agrees(text: &str) -> Result<bool, TestCaseError> {
        let arena = Bump::new();
        let Some(ours) = read(text, &arena) else {
            return Ok(false);
        };
        let theirs = serde(text);
        prop_assert!(theirs.is_some(), "read what serde_json refuses: {:?}", text);
        let (v, shown) = theirs.unwrap_or_default();
        prop_assert_eq!(ours.to_json(), v, "{:?}", text);
        prop_assert_eq!(ours.to_string(), shown, "{:?}", text);
        Ok(true)
    }

    /// The builtin policies and every policy in the conformance vectors
    /// read as `serde_json` reads them, the builtins without `serde_json`.
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "the test reads the conformance vectors"
    )]
    fn reads_the_policies_as_serde_json_does() {
        for (name, text) in imprint_policies::BUILTIN {
            assert!(agrees(text).unwrap(), "{name} left to serde_json");
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
        let mut taken = 0;
        for file in std::fs::read_dir(dir).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let doc: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for case in doc["cases"].as_array().into_iter().flatten() {
                let texts = [
                    case["policy_text"].as_str().map(str::to_owned),
                    (!case["policy"].is_null()).then(|| case["policy"].to_string()),
                    (!case["policy"].is_null())
                        .then(|| serde_json::to_string_pretty(&case["policy"]).unwrap()),
                ];
                for t in texts.into_iter().flatten() {
                    taken += usize::from(agrees(&t).unwrap());
                }
            }
        }
        assert!(taken > 200, "{taken}");
    }

    #[test]
    fn leaves_what_it_does_not_read_to_serde_json() {
        for text in [
            "",
            " ",
            "-1",
            "1.5",
            "1e3",
            "01",
            "18446744073709551616",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a: 1}",
            "[\"\\ud800\"]",
            "[\"\\udc00\"]",
            "[\"\\ud800\\u0041\"]",
            "[\"\\x\"]",
            "[\"a\tb\"]",
            "[\"\\u12\"]",
            "[\"unclosed]",
            "tru",
            "nul",
            "[true false]",
            "{} {}",
            "[1] x",
            "// c\n{}",
        ] {
            let arena = Bump::new();
            assert!(read(text, &arena).is_none(), "{text:?}");
        }
        // Depth: left to serde_json past MAX_DEPTH, read up to it.
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(agrees(&deep(MAX_DEPTH)).unwrap());
        assert!(!agrees(&deep(MAX_DEPTH + 1)).unwrap());
        // Escapes, surrogate pairs, control characters written as escapes.
        for text in [
            r#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u0000\u001F\uD83D\uDE00", "é😀"]"#,
            r#"{"\u0061": 1, "a": 2, "b": {}, "c": [], "d": [[{}]], "e": null}"#,
            "\n\t\r {  \"k\" :\n[ 0 , 18446744073709551615 ,true,false , null ] }\n",
        ] {
            assert!(agrees(text).unwrap(), "{text}");
        }
    }

    /// JSON values of the kinds policies hold, and the numbers and
    /// strings the reader leaves or must unescape.
    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<u64>().prop_map(|n| n.into()),
            (0u64..100).prop_map(|n| n.into()),
            any::<i64>().prop_map(|n| n.into()),
            (-1e6f64..1e6).prop_map(|f| f.into()),
            "[a-z\"\\\\/\u{0}-\u{1f}é😀\u{7f}\u{fffd} ]{0,8}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::vec(("[a-c\"\\\\é]{0,3}", inner), 0..6)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Whether every number in `v` is one the reader takes (`u64`).
    fn whole_numbers_only(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => n.is_u64(),
            serde_json::Value::Array(a) => a.iter().all(whole_numbers_only),
            serde_json::Value::Object(m) => m.values().all(whole_numbers_only),
            _ => true,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

        /// Written compactly or pretty, a value reads as `serde_json` reads
        /// it, and it is read exactly when it holds no number the reader
        /// leaves.
        #[test]
        fn reads_written_json(v in json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                v.to_string()
            };
            let taken = agrees(&text)?;
            prop_assert_eq!(taken, whole_numbers_only(&v), "{:?}", text);
        }

        /// `special` finds the byte a plain scan finds, in any position of
        /// any chunk, among bytes near the ones it looks for.
        #[test]
        fn finds_the_first_special_byte(
            bytes in prop::collection::vec(
                prop_oneof![
                    any::<u8>(),
                    prop::sample::select(vec![b'"', b'\\', 0x1f, 0x20, 0x21, 0x23, 0x5b, 0x5d, 0xa2, 0xdc, 0x80, 0]),
                ],
                0..40,
            )
        ) {
            let plain = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            prop_assert_eq!(special(&bytes), plain);
        }

        /// An edited text (a character dropped, inserted or repeated) is
        /// either left to `serde_json` or read exactly as it reads it.
        #[test]
        fn never_reads_what_serde_json_would_not(
            v in json(),
            at in any::<prop::sample::Index>(),
            edit in 0..3u8,
            c in prop::sample::select(vec!['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '1', 'u', 'e', '-', '.', '\n', '\u{1}', 't']),
        ) {
            let mut chars: Vec<char> = v.to_string().chars().collect();
            let i = at.index(chars.len() + 1);
            match edit {
                0 if i < chars.len() => {
                    chars.remove(i);
                }
                1 => chars.insert(i, c),
                _ => {
                    let dup: Vec<char> = chars[i..].iter().take(3).copied().collect();
                    chars.splice(i..i, dup);
                }
            }
            let text: String = chars.into_iter().collect();
            agrees(&text)?;
        }
    }
}

//! Maps JSON paths to line and column in a policy text.
//!
//! `serde_json::Value` forgets positions, so when a loaded policy has
//! problems this module scans the (already known to be valid) JSON text once
//! and records where each path starts. It only runs on the error path.

use std::collections::HashMap;

/// Formats one object key as a path segment: `.key` for identifiers,
/// `["odd.key"]` otherwise.
pub(crate) fn key_segment(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!(".{key}")
    } else {
        format!("[{}]", serde_json::Value::String(key.to_owned()))
    }
}

/// Positions (1-based line, column) of every node of a JSON text by path.
pub(crate) fn positions(text: &str) -> HashMap<String, (u32, u32)> {
    let mut s = Scanner {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        line: 1,
        col: 1,
        out: HashMap::new(),
        depth: 0,
    };
    s.ws();
    s.value("$".to_owned());
    s.out
}

struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    line: u32,
    col: u32,
    out: HashMap<String, (u32, u32)>,
    depth: u32,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn bump(&mut self) {
        if let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn string(&mut self) -> String {
        let start = self.pos;
        self.bump();
        while let Some(b) = self.peek() {
            match b {
                b'\\' => {
                    self.bump();
                    self.bump();
                }
                b'"' => {
                    self.bump();
                    break;
                }
                _ => self.bump(),
            }
        }
        let raw = self.text.get(start..self.pos).unwrap_or("\"\"");
        serde_json::from_str::<String>(raw).unwrap_or_default()
    }

    fn value(&mut self, path: String) {
        self.out
            .entry(path.clone())
            .or_insert((self.line, self.col));
        self.depth += 1;
        if self.depth > 256 {
            return;
        }
        match self.peek() {
            Some(b'{') => {
                self.bump();
                self.ws();
                while let Some(b'"') = self.peek() {
                    let key_pos = (self.line, self.col);
                    let key = self.string();
                    let child = format!("{path}{}", key_segment(&key));
                    self.out.entry(child.clone()).or_insert(key_pos);
                    self.ws();
                    if self.peek() == Some(b':') {
                        self.bump();
                    }
                    self.ws();
                    self.value(child);
                    self.ws();
                    if self.peek() == Some(b',') {
                        self.bump();
                        self.ws();
                    }
                }
                if self.peek() == Some(b'}') {
                    self.bump();
                }
            }
            Some(b'[') => {
                self.bump();
                self.ws();
                let mut i = 0usize;
                while !matches!(self.peek(), Some(b']') | None) {
                    self.value(format!("{path}[{i}]"));
                    i += 1;
                    self.ws();
                    if self.peek() == Some(b',') {
                        self.bump();
                        self.ws();
                    }
                }
                self.bump();
            }
            Some(b'"') => {
                self.string();
            }
            _ => {
                while matches!(self.peek(), Some(b) if !matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                {
                    self.bump();
                }
            }
        }
        self.depth -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_and_array_items() {
        let text = "{\n  \"a\": {\"b.c\": [1,\n    {\"d\": true}]}\n}";
        let p = positions(text);
        assert_eq!(p["$.a"], (2, 3));
        assert_eq!(p["$.a[\"b.c\"]"], (2, 9));
        assert_eq!(p["$.a[\"b.c\"][0]"], (2, 17));
        assert_eq!(p["$.a[\"b.c\"][1].d"], (3, 6));
    }

    #[test]
    fn segments_quote_odd_keys() {
        assert_eq!(key_segment("image_tag"), ".image_tag");
        assert_eq!(key_segment("org.label"), "[\"org.label\"]");
        assert_eq!(key_segment("1x"), "[\"1x\"]");
    }
}

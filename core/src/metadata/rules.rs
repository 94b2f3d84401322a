//! The three line languages of metadata-action's inputs: tag rules
//! (`type=semver,pattern={{version}}`), flavor lines (`latest=auto`,
//! `prefix=…,onlatest=true`) and image lines (`name=…,enable=…`), read as
//! its `src/tag.ts`, `src/flavor.ts` and `src/image.ts` read them, with
//! their error texts. Where upstream crashes or silently misorders (a line
//! of only spaces, a priority that is not a number), imprint refuses the
//! line with a message that names it.

use super::csv::{fields, CsvError};
use super::MetaError;

/// A tag rule's type (`type=`), with its default priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagType {
    /// `schedule`: on schedule events, a date pattern.
    Schedule,
    /// `semver`: a tag (or value) read as semantic version.
    Semver,
    /// `pep440`: a tag (or value) read as a Python version.
    Pep440,
    /// `match`: a regular expression's group of the tag (or value).
    Match,
    /// `edge`: `edge` on the default (or named) branch.
    Edge,
    /// `ref`: the branch, tag or pull request.
    Ref,
    /// `raw`: a value as given.
    Raw,
    /// `sha`: the commit, short or long.
    Sha,
}

impl TagType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "schedule" => Self::Schedule,
            "semver" => Self::Semver,
            "pep440" => Self::Pep440,
            "match" => Self::Match,
            "edge" => Self::Edge,
            "ref" => Self::Ref,
            "raw" => Self::Raw,
            "sha" => Self::Sha,
            _ => return None,
        })
    }

    fn default_priority(self) -> &'static str {
        match self {
            Self::Schedule => "1000",
            Self::Semver | Self::Pep440 => "900",
            Self::Match => "800",
            Self::Edge => "700",
            Self::Ref => "600",
            Self::Raw => "200",
            Self::Sha => "100",
        }
    }
}

/// One tag rule: its type and attributes (keys lower-cased, defaults
/// filled in), and the line it was read from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TagRule {
    /// The rule's type.
    pub(crate) kind: TagType,
    /// Attributes in the order first set (`value`, `pattern`, `enable` …).
    pub(crate) attrs: Vec<(String, String)>,
    /// The line as given (error messages quote it).
    pub(crate) line: String,
    /// Numeric priority (JavaScript `Number()` of the attribute).
    pub(crate) priority: f64,
}

impl TagRule {
    /// The attribute `key`, if set.
    pub(crate) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The attribute `key`, or `""`.
    pub(crate) fn get(&self, key: &str) -> &str {
        self.attr(key).unwrap_or_default()
    }

    fn set(&mut self, key: &str, value: &str) {
        match self.attrs.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.to_owned(),
            None => self.attrs.push((key.to_owned(), value.to_owned())),
        }
    }

    fn default(&mut self, key: &str, value: &str) {
        if self.attr(key).is_none() {
            self.set(key, value);
        }
    }
}

fn csv_error(what: &str, line: &str, e: CsvError) -> MetaError {
    MetaError::new(format!("{what} `{line}`: {}", e.0))
}

fn blank(what: &str) -> MetaError {
    MetaError::new(format!(
        "a {what} line holds only spaces (metadata-action crashes on it); remove it"
    ))
}

/// The tag rules of `lines` (metadata-action's default set when empty),
/// sorted by priority, highest first; equal priorities keep their order.
pub(crate) fn tag_rules(lines: &[String]) -> Result<Vec<TagRule>, MetaError> {
    let defaults = [
        "type=schedule",
        "type=ref,event=branch",
        "type=ref,event=tag",
        "type=ref,event=pr",
    ];
    let mut rules = if lines.is_empty() {
        defaults
            .iter()
            .map(|l| parse_tag(l))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        lines
            .iter()
            .map(|l| parse_tag(l))
            .collect::<Result<Vec<_>, _>>()?
    };
    // Stable: equal priorities keep input order (reference §5).
    rules.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    Ok(rules)
}

/// One tag rule line (reference §5).
pub(crate) fn parse_tag(line: &str) -> Result<TagRule, MetaError> {
    if line.trim().is_empty() {
        return Err(blank("tags"));
    }
    let mut rule = TagRule {
        kind: TagType::Raw,
        attrs: Vec::new(),
        line: line.to_owned(),
        priority: 0.0,
    };
    let mut kind = None;
    for field in fields(line).map_err(|e| csv_error("tag", line, e))? {
        // Split at the first `=` that has text before it.
        match field.split_once('=').filter(|(k, _)| !k.is_empty()) {
            None => rule.set("value", field.trim()),
            Some((k, v)) => {
                let key = k.trim().to_lowercase();
                let value = v.trim();
                if key == "type" {
                    kind = Some(TagType::parse(value).ok_or_else(|| {
                        MetaError::new(format!("Unknown tag type attribute: {value}"))
                    })?);
                } else {
                    rule.set(&key, value);
                }
            }
        }
    }
    rule.kind = kind.unwrap_or(TagType::Raw);
    let missing = |attr: &str| MetaError::new(format!("Missing {attr} attribute for {line}"));
    match rule.kind {
        TagType::Schedule => rule.default("pattern", "nightly"),
        TagType::Semver | TagType::Pep440 => {
            if rule.attr("pattern").is_none() {
                return Err(missing("pattern"));
            }
            rule.default("value", "");
            rule.default("match", "");
        }
        TagType::Match => {
            if rule.attr("pattern").is_none() {
                return Err(missing("pattern"));
            }
            rule.default("group", "0");
            if js_number(rule.get("group")).is_none() {
                return Err(MetaError::new(format!("Invalid match group for {line}")));
            }
            rule.default("value", "");
        }
        TagType::Edge => rule.default("branch", ""),
        TagType::Ref => {
            let Some(event) = rule.attr("event") else {
                return Err(missing("event"));
            };
            if !matches!(event, "branch" | "tag" | "pr") {
                return Err(MetaError::new(format!("Invalid event for {line}")));
            }
            if event == "pr" {
                rule.default("prefix", "pr-");
            }
        }
        TagType::Raw => {
            if rule.attr("value").is_none() {
                return Err(missing("value"));
            }
        }
        TagType::Sha => {
            rule.default("prefix", "sha-");
            rule.default("format", "short");
            if !matches!(rule.get("format"), "short" | "long") {
                return Err(MetaError::new(format!("Invalid format for {line}")));
            }
        }
    }
    rule.default("enable", "true");
    rule.default("priority", rule.kind.default_priority());
    rule.priority = js_number(rule.get("priority")).ok_or_else(|| {
        MetaError::new(format!(
            "the priority `{}` of tag rule `{line}` is not a number (metadata-action would order \
             the rules unpredictably)",
            rule.get("priority")
        ))
    })?;
    Ok(rule)
}

/// JavaScript's `Number(s)` for the strings metadata-action converts
/// (priorities, match groups, the short sha length): surrounding
/// whitespace ignored, empty is 0, decimal with exponent, `Infinity`,
/// `0x`/`0o`/`0b` integers; `None` where JavaScript gives `NaN`.
pub(crate) fn js_number(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return Some(0.0);
    }
    for (prefix, radix) in [
        ("0x", 16),
        ("0X", 16),
        ("0o", 8),
        ("0O", 8),
        ("0b", 2),
        ("0B", 2),
    ] {
        if let Some(digits) = t.strip_prefix(prefix) {
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return None;
            }
            return Some(
                digits
                    .chars()
                    .filter_map(|c| c.to_digit(radix))
                    .fold(0.0, |n, d| n * f64::from(radix) + f64::from(d)),
            );
        }
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if unsigned == "Infinity" {
        return Some(if t.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    // StrDecimalLiteral: digits, optional fraction, optional exponent.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (
            unsigned.get(..at).unwrap_or_default(),
            unsigned.get(at + 1..),
        ),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e.is_empty() || !digits(e) {
            return None;
        }
    }
    t.parse::<f64>().ok()
}

/// metadata-action's flavor (reference §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Flavor {
    /// `auto`, `true` or `false`.
    pub(crate) latest: String,
    /// Prefix of every tag without its own `prefix`.
    pub(crate) prefix: String,
    /// Whether the `latest` tag gets the prefix.
    pub(crate) prefix_latest: bool,
    /// Suffix of every tag without its own `suffix`.
    pub(crate) suffix: String,
    /// Whether the `latest` tag gets the suffix.
    pub(crate) suffix_latest: bool,
}

/// The value of a flavor or image field: the text after the first `=` up
/// to the next one (`prefix=a=b` is `a`), trimmed, and the key
/// lower-cased; `None` without `=`.
fn split_every(field: &str) -> Option<(String, String)> {
    let mut parts = field.split('=');
    let key = parts.next()?.trim().to_lowercase();
    let value = parts.next()?.trim().to_owned();
    Some((key, value))
}

/// The flavor of `lines` (later lines override earlier ones).
pub(crate) fn flavor(lines: &[String]) -> Result<Flavor, MetaError> {
    let mut f = Flavor {
        latest: "auto".to_owned(),
        prefix: String::new(),
        prefix_latest: false,
        suffix: String::new(),
        suffix_latest: false,
    };
    for line in lines {
        if line.trim().is_empty() {
            return Err(blank("flavor"));
        }
        let mut onlatest_for = "";
        for field in fields(line).map_err(|e| csv_error("flavor", line, e))? {
            let Some((key, value)) = split_every(&field) else {
                return Err(MetaError::new(format!("Invalid flavor entry: {line}")));
            };
            match key.as_str() {
                "latest" => {
                    if !matches!(value.as_str(), "auto" | "true" | "false") {
                        return Err(MetaError::new(format!(
                            "Invalid latest flavor entry: {line}"
                        )));
                    }
                    f.latest = value;
                }
                "prefix" => {
                    f.prefix = value;
                    onlatest_for = "prefix";
                }
                "suffix" => {
                    f.suffix = value;
                    onlatest_for = "suffix";
                }
                "onlatest" => {
                    let on = match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(MetaError::new(format!(
                                "Invalid value for onlatest attribute: {value}"
                            )))
                        }
                    };
                    match onlatest_for {
                        "prefix" => f.prefix_latest = on,
                        "suffix" => f.suffix_latest = on,
                        _ => {}
                    }
                }
                _ => return Err(MetaError::new(format!("Unknown flavor entry: {line}"))),
            }
        }
    }
    Ok(f)
}

/// An image to tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Image {
    /// Its name as given.
    pub(crate) name: String,
    /// Whether it gets tags.
    pub(crate) enable: bool,
}

/// The images of `lines` (reference §4): one line without `=` is a
/// comma-separated list of names (the old format); otherwise each line is
/// one image.
pub(crate) fn images(lines: &[String]) -> Result<Vec<Image>, MetaError> {
    if let [only] = lines {
        if only.trim().is_empty() {
            return Err(blank("images"));
        }
        let fs = fields(only).map_err(|e| csv_error("image", only, e))?;
        if fs.iter().all(|f| !f.contains('=')) {
            return Ok(fs
                .iter()
                .map(|f| Image {
                    name: f.trim().to_owned(),
                    enable: true,
                })
                .collect());
        }
    }
    let mut out = Vec::new();
    for line in lines {
        if line.trim().is_empty() {
            return Err(blank("images"));
        }
        let mut image = Image {
            name: String::new(),
            enable: true,
        };
        for field in fields(line).map_err(|e| csv_error("image", line, e))? {
            match split_every(&field) {
                None => image.name = field.trim().to_owned(),
                Some((key, value)) => match key.as_str() {
                    "name" => image.name = value,
                    "enable" => {
                        image.enable = match value.as_str() {
                            "true" => true,
                            "false" => false,
                            _ => {
                                return Err(MetaError::new(format!(
                                    "Invalid enable attribute value: {line}"
                                )))
                            }
                        }
                    }
                    _ => return Err(MetaError::new(format!("Unknown image attribute: {line}"))),
                },
            }
        }
        if image.name.is_empty() {
            return Err(MetaError::new(format!(
                "Image name attribute empty: {line}"
            )));
        }
        out.push(image);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(line: &str) -> Result<TagRule, String> {
        parse_tag(line).map_err(|e| e.message)
    }

    #[test]
    fn tag_lines_split_at_the_first_equals() {
        // Reference §5: first-`=` split, keys lower-cased, bare field = value.
        let r = rule("Type=raw,VALUE=a=b").ok();
        assert_eq!(r.as_ref().map(|r| r.kind), Some(TagType::Raw));
        assert_eq!(r.as_ref().map(|r| r.get("value")), Some("a=b"));
        assert_eq!(
            rule("foo").ok().map(|r| r.get("value").to_owned()),
            Some("foo".into())
        );
        assert_eq!(
            rule("type=raw,=x").ok().map(|r| r.get("value").to_owned()),
            Some("=x".into())
        );
    }

    #[test]
    fn tag_defaults_and_errors_are_upstreams() {
        // Reference §5 and §15: defaults and the exact error texts.
        let sha = rule("type=sha").ok();
        assert_eq!(sha.as_ref().map(|r| r.get("prefix")), Some("sha-"));
        assert_eq!(sha.as_ref().map(|r| r.priority), Some(100.0));
        assert_eq!(
            rule("type=ref,event=pr")
                .ok()
                .map(|r| r.get("prefix").to_owned()),
            Some("pr-".into())
        );
        assert_eq!(
            rule("type=foo").err().as_deref(),
            Some("Unknown tag type attribute: foo")
        );
        assert_eq!(
            rule("type=semver").err().as_deref(),
            Some("Missing pattern attribute for type=semver")
        );
        assert_eq!(
            rule("type=ref,event=Branch").err().as_deref(),
            Some("Invalid event for type=ref,event=Branch")
        );
        assert_eq!(
            rule("type=match,pattern=x,group=a").err().as_deref(),
            Some("Invalid match group for type=match,pattern=x,group=a")
        );
        assert_eq!(
            rule("type=sha,format=medium").err().as_deref(),
            Some("Invalid format for type=sha,format=medium")
        );
        assert_eq!(
            rule("type=raw").err().as_deref(),
            Some("Missing value attribute for type=raw")
        );
        assert!(rule("type=raw,value=x,priority=high").is_err());
    }

    #[test]
    fn priorities_sort_stably() {
        // Reference §5: Number() semantics; equal priorities keep input order.
        let lines: Vec<String> = [
            "type=raw,value=a",
            "type=sha",
            "type=raw,value=b,priority=1e3",
            "type=raw,value=c,priority=",
            "type=raw,value=d",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let order: Vec<String> = tag_rules(&lines)
            .unwrap_or_default()
            .iter()
            .map(|r| r.get("value").to_owned())
            .collect();
        assert_eq!(order, ["b", "a", "d", "", "c"]);
    }

    #[test]
    fn js_numbers() {
        for (s, n) in [
            ("", 0.0),
            (" 8 ", 8.0),
            ("1e1", 10.0),
            ("0x10", 16.0),
            ("7.5", 7.5),
            ("-2", -2.0),
            (".5", 0.5),
            ("5.", 5.0),
        ] {
            assert_eq!(js_number(s), Some(n), "{s}");
        }
        for s in ["abc", "1a", "0x", "--1", "1e", "."] {
            assert_eq!(js_number(s), None, "{s}");
        }
    }

    #[test]
    fn flavor_fields_split_at_every_equals() {
        let lines = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        // Reference §7: `prefix=a=b` is prefix `a`; onlatest applies to the
        // last prefix/suffix before it on the same line.
        let f = flavor(&lines(&[
            "prefix=a=b,onlatest=true",
            "onlatest=true,suffix=-s",
        ]))
        .ok();
        assert_eq!(
            f.as_ref().map(|f| (f.prefix.as_str(), f.prefix_latest)),
            Some(("a", true))
        );
        assert_eq!(
            f.as_ref().map(|f| (f.suffix.as_str(), f.suffix_latest)),
            Some(("-s", false))
        );
        assert_eq!(
            flavor(&lines(&["latest=TRUE"])).err().map(|e| e.message),
            Some("Invalid latest flavor entry: latest=TRUE".into())
        );
        assert_eq!(
            flavor(&lines(&["foo"])).err().map(|e| e.message),
            Some("Invalid flavor entry: foo".into())
        );
    }

    #[test]
    fn images_old_and_new_format() {
        let lines = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let names = |v: &[&str]| {
            images(&lines(v)).map(|i| {
                i.into_iter()
                    .map(|i| format!("{}:{}", i.name, i.enable))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            names(&["name/foo,name/bar"]).ok(),
            Some(vec!["name/foo:true".to_owned(), "name/bar:true".to_owned()])
        );
        // Reference §4: a later field overrides an earlier name.
        assert_eq!(
            names(&["name/foo,name=name/bar,enable=false"]).ok(),
            Some(vec!["name/bar:false".to_owned()])
        );
        assert_eq!(
            names(&["name=x,enable=FALSE"]).err().map(|e| e.message),
            Some("Invalid enable attribute value: name=x,enable=FALSE".into())
        );
        assert_eq!(
            names(&["enable=true"]).err().map(|e| e.message),
            Some("Image name attribute empty: enable=true".into())
        );
    }
}

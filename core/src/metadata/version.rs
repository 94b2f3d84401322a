//! The version: each enabled tag rule, in priority order, gives at most
//! one value (metadata-action's `Meta.getVersion` and its `proc*`
//! functions, reference §5.1, §6, §8); the first value is the main
//! version, the others are partial versions, and the first value decides
//! whether `latest` is tagged.

use super::expr::{is_raw_statement, render, Param, Scope};
use super::jsre::{js_match, match_pattern, plain};
use super::rules::{js_number, Flavor, TagRule, TagType};
use super::{pep440, Facts, MetaError, MetaVersion};

/// What one rule did, for `explain`-style reporting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleOutcome {
    /// The rule as written.
    pub rule: String,
    /// The value it produced (sanitized), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Why it produced nothing, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// metadata-action's `sanitizeTag`: each run of characters outside
/// `[A-Za-z0-9._-]` becomes one `-`.
pub(crate) fn sanitize_tag(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut in_run = false;
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    out
}

/// A version node-semver's `valid` accepts (strict: an optional `v`, three
/// numbers without leading zeros, dotted pre-release and build
/// identifiers), with the fields a pattern may name.
struct SemVer {
    raw: String,
    major: u64,
    minor: u64,
    patch: u64,
    prerelease: Vec<String>,
    build: Vec<String>,
}

impl SemVer {
    fn parse(input: &str) -> Option<Self> {
        if input.len() > 256 {
            return None;
        }
        let s = input.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let (s, build) = match s.split_once('+') {
            Some((v, b)) => (v, Some(b)),
            None => (s, None),
        };
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (s, None),
        };
        let number = |n: &str| -> Option<u64> {
            let ok = !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && (n == "0" || !n.starts_with('0'));
            // Number.MAX_SAFE_INTEGER.
            ok.then(|| n.parse().ok())
                .flatten()
                .filter(|v| *v <= 9_007_199_254_740_991)
        };
        let mut parts = core.split('.');
        let major = number(parts.next()?)?;
        let minor = number(parts.next()?)?;
        let patch = number(parts.next()?)?;
        if parts.next().is_some() {
            return None;
        }
        let ident =
            |i: &str| !i.is_empty() && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let prerelease: Vec<String> = match pre {
            None => Vec::new(),
            Some(p) => {
                let ids: Vec<&str> = p.split('.').collect();
                let ok = ids.iter().all(|i| {
                    ident(i) && (!i.bytes().all(|b| b.is_ascii_digit()) || number(i).is_some())
                });
                if !ok {
                    return None;
                }
                ids.into_iter().map(str::to_owned).collect()
            }
        };
        let build: Vec<String> = match build {
            None => Vec::new(),
            Some(b) => {
                let ids: Vec<&str> = b.split('.').collect();
                if !ids.iter().all(|i| ident(i)) {
                    return None;
                }
                ids.into_iter().map(str::to_owned).collect()
            }
        };
        Some(Self {
            raw: input.to_owned(),
            major,
            minor,
            patch,
            prerelease,
            build,
        })
    }

    fn version(&self) -> String {
        let mut v = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.prerelease.is_empty() {
            v.push('-');
            v.push_str(&self.prerelease.join("."));
        }
        v
    }
}

/// A semver pattern's names: the fields of node-semver's `SemVer`.
impl Scope for SemVer {
    fn call(
        &self,
        name: &str,
        _: &[Param],
        _: &[(String, Param)],
    ) -> Result<Option<String>, String> {
        Ok(Some(match name {
            "raw" => self.raw.clone(),
            "version" => self.version(),
            "major" => self.major.to_string(),
            "minor" => self.minor.to_string(),
            "patch" => self.patch.to_string(),
            "prerelease" => self.prerelease.join(","),
            "build" => self.build.join(","),
            "loose" => "true".to_owned(),
            "includePrerelease" => "false".to_owned(),
            "options" => "[object Object]".to_owned(),
            _ => return Ok(None),
        }))
    }
}

/// A pep440 pattern's helpers.
struct Pep440Scope<'a> {
    raw: &'a str,
    version: &'a pep440::Pep440,
}

impl Scope for Pep440Scope<'_> {
    fn call(
        &self,
        name: &str,
        _: &[Param],
        _: &[(String, Param)],
    ) -> Result<Option<String>, String> {
        Ok(Some(match name {
            "raw" => self.raw.to_owned(),
            "version" => self.version.clean(),
            "major" => self.version.major().to_string(),
            "minor" => self.version.minor().to_string(),
            "patch" => self.version.patch().to_string(),
            _ => return Ok(None),
        }))
    }
}

/// Computes the version from the sorted rules (reference §8), and what
/// each rule did.
pub(crate) fn compute(
    rules: &[TagRule],
    flavor: &Flavor,
    facts: &Facts<'_>,
    warnings: &mut Vec<String>,
) -> Result<(MetaVersion, Vec<RuleOutcome>), MetaError> {
    let mut v = MetaVersion {
        main: None,
        partial: Vec::new(),
        latest: None,
    };
    let mut outcomes = Vec::new();
    for rule in rules {
        let at = |e: String| MetaError::new(format!("tag rule `{}`: {e}", rule.line));
        let enabled = facts.render(rule.get("enable")).map_err(at)?;
        let outcome = match enabled.as_str() {
            "true" => value(rule, flavor, facts, warnings)?,
            "false" => Err("disabled (`enable` is false)".to_owned()),
            _ => {
                return Err(MetaError::new(format!(
                    "Invalid value for enable attribute: {enabled}"
                )))
            }
        };
        let (value, skipped) = match outcome {
            Ok((raw, latest)) => {
                let auto = flavor.latest == "auto";
                let latest = if auto {
                    latest
                } else {
                    flavor.latest == "true"
                };
                if raw.is_empty() {
                    (None, Some("its value is empty".to_owned()))
                } else {
                    let val = sanitize_tag(&raw);
                    if !crate::is_valid_tag(&val) {
                        return Err(invalid_tag(&rule.line, &val));
                    }
                    if v.main.is_none() {
                        v.main = Some(val.clone());
                    } else if v.main.as_deref() != Some(val.as_str()) {
                        v.partial.push(val.clone());
                    }
                    if v.latest.is_none() {
                        v.latest = Some(latest);
                    }
                    (Some(val), None)
                }
            }
            Err(why) => (None, Some(why)),
        };
        outcomes.push(RuleOutcome {
            rule: rule.line.clone(),
            value,
            skipped,
        });
    }
    let mut seen = std::collections::HashSet::new();
    v.partial.retain(|p| seen.insert(p.clone()));
    v.latest.get_or_insert(false);
    Ok((v, outcomes))
}

type Produced = Result<(String, bool), String>;

/// Why a semver, pep440 or match rule gave nothing outside a tag build.
const NOT_A_TAG: &str = "not a tag (and no `value`)";

/// What a semver, pep440 or match rule reads: its `value` rendered, else
/// the tag name; `None` when there is neither (not a tag build).
fn tag_or_value(
    rule: &TagRule,
    facts: &Facts<'_>,
    tag_ref: Option<&str>,
) -> Result<Option<String>, String> {
    match (rule.get("value"), tag_ref) {
        ("", None) => Ok(None),
        ("", Some(tag)) => Ok(Some(tag.to_owned())),
        (given, _) => facts.render(given).map(Some),
    }
}

/// The error for a tag Docker would refuse (metadata-action emits it).
pub(crate) fn invalid_tag(rule: &str, tag: &str) -> MetaError {
    let shown: String = tag.chars().take(140).collect();
    MetaError::new(format!(
        "tag rule `{rule}` gives the tag `{shown}`, which is not a valid image tag (a tag starts \
         with a letter, digit or `_` and has at most 128 characters; metadata-action would emit \
         it and the push would fail): change the rule's value, prefix or suffix"
    ))
}

/// One rule's value before sanitization (prefix and suffix applied) and
/// its `latest=auto` vote; `Err` says why it gave none.
fn value(
    rule: &TagRule,
    flavor: &Flavor,
    facts: &Facts<'_>,
    warnings: &mut Vec<String>,
) -> Result<Produced, MetaError> {
    let at = |e: String| MetaError::new(format!("tag rule `{}`: {e}", rule.line));
    let set = |raw: &str| facts.set_value(raw, rule, flavor).map_err(at);
    let r = facts.ref_name();
    let tag_ref = r.strip_prefix("refs/tags/");
    Ok(match rule.kind {
        TagType::Schedule => {
            if !facts.event_name().contains("schedule") {
                return Ok(Err("not a schedule event".to_owned()));
            }
            let raw = facts.render_schedule(rule.get("pattern")).map_err(at)?;
            Ok((set(&raw)?, false))
        }
        TagType::Semver | TagType::Pep440 => {
            let Some(mut input) = tag_or_value(rule, facts, tag_ref).map_err(at)? else {
                return Ok(Err(NOT_A_TAG.to_owned()));
            };
            let m = rule.get("match");
            if !m.is_empty() {
                let re = plain(m).map_err(at)?;
                match re.captures(&input) {
                    None => warnings.push(format!("{m} does not match {input}.")),
                    Some(caps) => {
                        input = match caps.get(1) {
                            Some(g) => g.as_str().to_owned(),
                            None => {
                                return Err(at(format!(
                                    "`match={m}` matched `{input}` but has no capture group 1 to \
                                     take the version from (metadata-action crashes here)"
                                )))
                            }
                        }
                    }
                }
            }
            let input = input.replace('/', "-");
            if rule.kind == TagType::Semver {
                let Some(ver) = SemVer::parse(&input) else {
                    let w =
                        format!("{input} is not a valid semver. More info: https://semver.org/");
                    warnings.push(w.clone());
                    return Ok(Err(w));
                };
                let pattern = rule.get("pattern");
                if ver.prerelease.is_empty() {
                    Ok((set(&render(pattern, &ver).map_err(at)?)?, true))
                } else {
                    let p = if is_raw_statement(pattern) {
                        pattern
                    } else {
                        "{{version}}"
                    };
                    Ok((set(&render(p, &ver).map_err(at)?)?, false))
                }
            } else {
                let Some(ver) = pep440::parse(&input) else {
                    let w = format!(
                        "{input} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440"
                    );
                    warnings.push(w.clone());
                    return Ok(Err(w));
                };
                let pattern = rule.get("pattern");
                if ver.is_pre_post_or_dev() {
                    let raw = if is_raw_statement(pattern) {
                        input.clone()
                    } else {
                        ver.clean()
                    };
                    Ok((set(&raw)?, false))
                } else {
                    let scope = Pep440Scope {
                        raw: &input,
                        version: &ver,
                    };
                    Ok((set(&render(pattern, &scope).map_err(at)?)?, true))
                }
            }
        }
        TagType::Match => {
            let Some(input) = tag_or_value(rule, facts, tag_ref).map_err(at)? else {
                return Ok(Err(NOT_A_TAG.to_owned()));
            };
            let pattern = rule.get("pattern");
            let re = match_pattern(pattern).map_err(at)?;
            let Some(groups) = js_match(&re, &input) else {
                let w = format!("{pattern} does not match {input}.");
                warnings.push(w.clone());
                return Ok(Err(w));
            };
            let group = rule.get("group");
            // `tmatch[group]`: only a canonical array index names an element.
            let index = group
                .parse::<usize>()
                .ok()
                .filter(|i| i.to_string() == group && js_number(group).is_some());
            match index.and_then(|i| groups.get(i).cloned().flatten()) {
                Some(g) => Ok((set(&g)?, true)),
                None => {
                    let w = format!("Group {group} does not exist for {pattern} pattern.");
                    warnings.push(w.clone());
                    Err(w)
                }
            }
        }
        TagType::Ref => match rule.get("event") {
            "branch" => match r.strip_prefix("refs/heads/") {
                Some(b) => Ok((set(b)?, false)),
                None => Err("not a branch".to_owned()),
            },
            "tag" => match tag_ref {
                Some(t) => Ok((set(t)?, true)),
                None => Err("not a tag".to_owned()),
            },
            _ => match r.strip_prefix("refs/pull/") {
                Some(p) => Ok((set(p.strip_suffix("/merge").unwrap_or(p))?, false)),
                None => Err("not a pull request".to_owned()),
            },
        },
        TagType::Edge => {
            let Some(branch) = r.strip_prefix("refs/heads/") else {
                return Ok(Err("not a branch".to_owned()));
            };
            let want = match rule.get("branch") {
                "" => facts.api_default_branch().ok_or_else(|| {
                    at(
                        "`type=edge` without `branch=` needs the repository's default branch, \
                        which is unknown (give `branch=`, or the repository data)"
                            .to_owned(),
                    )
                })?,
                b => b,
            };
            if want == branch {
                Ok((set("edge")?, false))
            } else {
                Err(format!("branch `{branch}` is not `{want}`"))
            }
        }
        TagType::Raw => {
            let raw = facts.render(rule.get("value")).map_err(at)?;
            Ok((set(&raw)?, false))
        }
        TagType::Sha => {
            let Some(sha) = facts.sha().filter(|s| !s.is_empty()) else {
                return Ok(Err("no commit sha".to_owned()));
            };
            let val = if rule.get("format") == "short" {
                facts.short_sha(sha).map_err(at)?
            } else {
                sha.to_owned()
            };
            Ok((set(&val)?, false))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_is_upstreams() {
        // Reference §10.
        assert_eq!(sanitize_tag("a/b"), "a-b");
        assert_eq!(sanitize_tag("a--b"), "a--b");
        assert_eq!(sanitize_tag("ünïcödé"), "-n-c-d-");
        assert_eq!(sanitize_tag(".hidden"), ".hidden");
        assert_eq!(sanitize_tag("x😀y"), "x-y");
    }

    #[test]
    fn strict_semver() {
        // Reference §5.1 semver: optional lowercase v, no `=`/`V`, no leading zeros.
        for ok in [
            "1.2.3",
            "v1.2.3",
            "1.2.3-rc.1+b.5",
            "v2.0.8-beta.67",
            "1.0.0-0a",
        ] {
            assert!(SemVer::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "V1.2.3", "=1.2.3", "01.2.3", "1.2", "1.2.3-01", "1.2.3+", "release1",
        ] {
            assert!(SemVer::parse(bad).is_none(), "{bad}");
        }
        let v = SemVer::parse("v1.2.3-rc.1+b.5");
        assert_eq!(
            v.as_ref().map(SemVer::version).as_deref(),
            Some("1.2.3-rc.1")
        );
    }
}

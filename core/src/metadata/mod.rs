//! docker/metadata-action's model, in the engine: from its five inputs
//! (`images`, `tags`, `flavor`, `labels`, `annotations`) and a build's
//! facts (the GitHub context, the repository's data, the clock) to its
//! version, tags, labels, annotations, `json` output and bake files, byte
//! for byte as metadata-action v6 computes them (policies/README.md,
//! "metadata-action"; checked against upstream's 131-row test table in
//! `tests/vectors/metadata-action.json`).
//!
//! The pieces, in the order a request flows through them:
//! - `csv`: an input's text to its lines, and a line to its fields;
//! - `rules`: tag rules, the flavor and images from their lines;
//! - `expr`: the Handlebars subset of `{{branch}}`, `{{date 'YYYY'}}` …;
//!   [`moment`] formats dates, [`pep440`] reads Python versions, `jsre`
//!   reads JavaScript regular expressions;
//! - `version`: each rule's value, the main and partial versions, and
//!   `latest`;
//! - `labels`: the generated OCI labels and annotations with the user's
//!   overrides, in ICU collation order ([`collate`]);
//! - `outputs`: tags per image, the `json` output and the bake files;
//!   [`render()`] prints them for a shell or another CI;
//! - [`ci`]: the same facts from GitLab CI, Buildkite or a plain checkout;
//!   [`import_workflow`]: a workflow's metadata-action step as a policy.
//!
//! Pure like the rest of the engine: the host hands in the clock (`now`),
//! a commit date when the event payload lacks one, and the UTC offsets of
//! the time zones `{{date … tz='Zone'}}` names (no time-zone database in
//! the engine). Where metadata-action crashes, silently falls back or
//! emits a tag Docker refuses, imprint fails with a message naming the
//! input line (policies/README.md, "metadata-action").

pub mod ci;
pub mod collate;
mod csv;
mod expr;
mod import;
mod jsre;
mod labels;
pub mod moment;
mod outputs;
pub mod pep440;
mod render;
mod rules;
mod time;
mod version;

pub use ci::{github_context, CiFacts};
pub use import::import_workflow;
pub use outputs::{BakeFiles, MetaOutputs};
pub use render::{render, MetaFormat};
pub use version::RuleOutcome;

use expr::{Param, Scope};
use rules::Flavor;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A metadata-action computation could not be done: the message names the
/// input line or fact.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MetaError {
    /// What is wrong.
    pub message: String,
    /// UTC offsets a date expression needs that were not given: a host
    /// gives them (in `zones`) and asks again.
    pub missing_offsets: Vec<ZoneNeed>,
    /// Whether `{{commit_date}}` needs a commit date that neither the
    /// payload nor the request holds: a host looks it up and asks again.
    pub missing_commit_date: bool,
}

impl MetaError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            missing_offsets: Vec::new(),
            missing_commit_date: false,
        }
    }
}

/// A UTC offset a date expression needs: of time zone `zone` at the
/// instant `at` (ISO 8601), which is `now` or `commit_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ZoneNeed {
    /// The zone's name.
    pub zone: String,
    /// The instant.
    pub at: String,
    /// Which field of [`ZoneOffsets`] it goes in: `now` or `commit_date`.
    pub of: String,
}

/// A list input: the text a workflow gives (read as metadata-action reads
/// it: CSV lines, `#` comments), or its lines already split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum ListInput {
    /// The input's text.
    Text(String),
    /// The input's lines.
    Lines(Vec<String>),
}

impl Default for ListInput {
    fn default() -> Self {
        Self::Lines(Vec::new())
    }
}

impl ListInput {
    fn lines(&self, name: &str) -> Result<Vec<String>, MetaError> {
        match self {
            Self::Lines(l) => Ok(l.clone()),
            Self::Text(t) => {
                csv::input_list(t).map_err(|e| MetaError::new(format!("input `{name}`: {}", e.0)))
            }
        }
    }
}

/// metadata-action's inputs, under its names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MetaInputs {
    /// Images to tag.
    #[serde(default)]
    pub images: ListInput,
    /// Tag rules (empty: branch, tag, pull request and schedule tags).
    #[serde(default)]
    pub tags: ListInput,
    /// `latest`, `prefix`, `suffix`, `onlatest`.
    #[serde(default)]
    pub flavor: ListInput,
    /// Labels added to (or overriding) the generated ones.
    #[serde(default)]
    pub labels: ListInput,
    /// Annotations added to (or overriding) the generated ones.
    #[serde(default)]
    pub annotations: ListInput,
    /// Separator of the `tags` and `tag-names` outputs (default newline).
    #[serde(default, rename = "sep-tags", skip_serializing_if = "Option::is_none")]
    pub sep_tags: Option<String>,
    /// Separator of the `labels` output.
    #[serde(
        default,
        rename = "sep-labels",
        skip_serializing_if = "Option::is_none"
    )]
    pub sep_labels: Option<String>,
    /// Separator of the `annotations` output.
    #[serde(
        default,
        rename = "sep-annotations",
        skip_serializing_if = "Option::is_none"
    )]
    pub sep_annotations: Option<String>,
    /// The bake files' target (default `docker-metadata-action`).
    #[serde(
        default,
        rename = "bake-target",
        skip_serializing_if = "Option::is_none"
    )]
    pub bake_target: Option<String>,
}

/// The GitHub workflow context: `GITHUB_EVENT_NAME`, `GITHUB_SHA`,
/// `GITHUB_REF` (absent: not set) and the event payload.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GitHubContext {
    /// The event's name (`push`, `pull_request`, `schedule` …).
    #[serde(default)]
    pub event_name: Option<String>,
    /// The commit.
    #[serde(default)]
    pub sha: Option<String>,
    /// The ref (`refs/heads/main`, `refs/tags/v1.0.0`, `refs/pull/15/merge`).
    #[serde(default, rename = "ref")]
    pub git_ref: Option<String>,
    /// The event payload (the JSON at `GITHUB_EVENT_PATH`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub payload: serde_json::Value,
}

/// UTC offsets (minutes east of UTC) of one time zone at the two instants
/// a date expression may format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ZoneOffsets {
    /// At `now`.
    pub now: i32,
    /// At the commit date, when one is known.
    #[serde(default)]
    pub commit_date: Option<i32>,
}

/// Everything a metadata-action computation reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MetaRequest {
    /// The action's inputs (or give `policy`).
    #[serde(default)]
    pub inputs: Option<MetaInputs>,
    /// A policy's JSON text whose `metadata_action` gives the inputs.
    #[serde(default)]
    pub policy: Option<String>,
    /// The workflow context (or give `ci`).
    #[serde(default)]
    pub github: GitHubContext,
    /// A build's facts in any CI, turned into the workflow context, the
    /// repository's data and the commit date where those are not given
    /// ([`ci::github_context`]).
    #[serde(default)]
    pub ci: Option<CiFacts>,
    /// The repository as the GitHub API gives it (`name`, `description`,
    /// `html_url`, `license.spdx_id`, `default_branch`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    pub repo: Option<serde_json::Value>,
    /// `DOCKER_METADATA_*` settings: `DOCKER_METADATA_SHORT_SHA_LENGTH`,
    /// `DOCKER_METADATA_ANNOTATIONS_LEVELS`, `DOCKER_METADATA_PR_HEAD_SHA`.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// The build time, ISO 8601 (`SOURCE_DATE_EPOCH` or the clock).
    pub now: String,
    /// The commit's date when the payload does not hold it (from the API
    /// or git), ISO 8601.
    #[serde(default)]
    pub commit_date: Option<String>,
    /// Offsets of the time zones date expressions name (`UTC` needs none).
    #[serde(default)]
    pub zones: BTreeMap<String, ZoneOffsets>,
}

/// The version metadata-action computes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MetaVersion {
    /// The first value produced (none: no tags at all).
    pub main: Option<String>,
    /// The other values, without repeats.
    pub partial: Vec<String>,
    /// Whether `latest` is tagged (decided by the first value; no value:
    /// false). Always set in answers.
    pub latest: Option<bool>,
}

/// What metadata-action would output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Metadata {
    /// The version.
    pub version: MetaVersion,
    /// Every tag: each enabled image with each version (bare tag names
    /// without images).
    pub tags: Vec<String>,
    /// The tags without images.
    pub tag_names: Vec<String>,
    /// `key=value` labels, sorted.
    pub labels: Vec<String>,
    /// `key=value` annotations, sorted (without their levels).
    pub annotations: Vec<String>,
    /// The `json` output as a value.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub json: serde_json::Value,
    /// The bake files as values.
    #[cfg_attr(
        feature = "ts",
        ts(
            type = "{ tags: Record<string, unknown>, labels: Record<string, unknown>, annotations: Record<string, unknown>, all: Record<string, unknown> }"
        )
    )]
    pub bake: BakeFiles<serde_json::Value>,
    /// Each output as the action writes it (`tags` joined with `sep-tags`,
    /// `json` compact, bake files as their text).
    pub outputs: MetaOutputs,
    /// What each tag rule produced, or why it produced nothing.
    pub rules: Vec<RuleOutcome>,
    /// metadata-action's warnings.
    pub warnings: Vec<String>,
    /// Where the facts came from: `github` (a workflow context), or with
    /// `ci`, `github`, `gitlab`, `buildkite` or `git`.
    pub ci: String,
}

/// Computes what metadata-action would output for `req`.
///
/// Errors: a line of an input that cannot be read (naming it, with
/// metadata-action's message where it has one), an expression that
/// cannot be rendered, a fact an expression needs that was not given.
pub fn generate(req: &MetaRequest) -> Result<Metadata, MetaError> {
    let from_policy;
    let inputs = match (&req.inputs, &req.policy) {
        (Some(i), None) => i,
        (None, Some(text)) => {
            let p = crate::Policy::from_json(text, "policy")
                .map_err(|e| MetaError::new(e.to_string()))?;
            from_policy = p.metadata_action().cloned().ok_or_else(|| {
                MetaError::new(format!("policy `{}` has no `metadata_action`", p.name()))
            })?;
            &from_policy
        }
        _ => return Err(MetaError::new("give exactly one of `inputs` and `policy`")),
    };
    let resolved;
    let (req, ci) = match &req.ci {
        None => (req, "github"),
        Some(facts) => {
            let from = ci::github_context(facts);
            let mut r = req.clone();
            r.github = from.github;
            if r.repo.is_none() {
                r.repo = from.repo;
            }
            if r.commit_date.is_none() {
                r.commit_date = from.commit_date;
            }
            resolved = r;
            (&resolved, from.ci)
        }
    };
    let facts = Facts::new(req)?;
    // What the facts found missing while rendering (a commit date, a zone's
    // offset) goes with the error, for the host to give and ask again.
    generate_with(req, inputs, ci, &facts).map_err(|mut e| {
        let needs = facts.needs.take();
        e.missing_offsets = needs.offsets;
        e.missing_commit_date = needs.commit_date;
        e
    })
}

/// [`generate`] once the facts are known.
fn generate_with(
    req: &MetaRequest,
    inputs: &MetaInputs,
    ci: &str,
    facts: &Facts<'_>,
) -> Result<Metadata, MetaError> {
    let images = rules::images(&inputs.images.lines("images")?)?;
    let tag_rules = rules::tag_rules(&inputs.tags.lines("tags")?)?;
    let flavor = rules::flavor(&inputs.flavor.lines("flavor")?)?;
    let mut warnings = Vec::new();
    let (version, rules) = version::compute(&tag_rules, &flavor, facts, &mut warnings)?;
    let labels = labels::build(facts, &version, &inputs.labels.lines("labels")?)?;
    let annotations = labels::build(facts, &version, &inputs.annotations.lines("annotations")?)?;
    if version.main.as_deref().is_none_or(str::is_empty) {
        warnings.push("No Docker image version has been generated. Check tags input.".to_owned());
    }
    let built = outputs::build(outputs::Parts {
        inputs,
        images: &images,
        flavor: &flavor,
        version: &version,
        labels: &labels,
        annotations: &annotations,
        levels: req
            .env
            .get("DOCKER_METADATA_ANNOTATIONS_LEVELS")
            .filter(|l| !l.is_empty())
            .map_or("manifest", String::as_str),
    })?;
    if built.tags.is_empty() {
        warnings.push("No Docker tag has been generated. Check tags input.".to_owned());
    }
    Ok(Metadata {
        version,
        tags: built.tags,
        tag_names: built.tag_names,
        labels,
        annotations,
        json: built.json,
        bake: built.bake,
        outputs: built.outputs,
        rules,
        warnings,
        ci: ci.to_owned(),
    })
}

/// Checks every line of `inputs` as metadata-action reads it (tag rules
/// with their regular expressions, the flavor, images), without facts:
/// `Err((input name, message))` for the first bad one.
pub fn check_inputs(inputs: &MetaInputs) -> Result<(), (&'static str, String)> {
    let at = |name: &'static str| move |e: MetaError| (name, e.message);
    let images = inputs.images.lines("images").map_err(at("images"))?;
    rules::images(&images).map_err(at("images"))?;
    let tags = inputs.tags.lines("tags").map_err(at("tags"))?;
    for rule in rules::tag_rules(&tags).map_err(at("tags"))? {
        let bad = |e: String| ("tags", format!("tag rule `{}`: {e}", rule.line));
        match rule.kind {
            rules::TagType::Match => {
                jsre::match_pattern(rule.get("pattern")).map_err(bad)?;
            }
            rules::TagType::Semver | rules::TagType::Pep440 if !rule.get("match").is_empty() => {
                jsre::plain(rule.get("match")).map_err(bad)?;
            }
            _ => {}
        }
    }
    let flavor = inputs.flavor.lines("flavor").map_err(at("flavor"))?;
    rules::flavor(&flavor).map_err(at("flavor"))?;
    inputs.labels.lines("labels").map_err(at("labels"))?;
    inputs
        .annotations
        .lines("annotations")
        .map_err(at("annotations"))?;
    Ok(())
}

/// The facts expressions and rules read, after metadata-action's context
/// adjustments (`pull_request_target` ref, `DOCKER_METADATA_PR_HEAD_SHA`).
pub(crate) struct Facts<'a> {
    req: &'a MetaRequest,
    git_ref: Option<String>,
    sha: Option<String>,
    now: i64,
    /// The commit date: from the payload, else the request; `None`: unknown.
    commit: Option<i64>,
    /// What date expressions needed and did not have.
    needs: std::cell::RefCell<Needs>,
}

/// Facts a date expression needed that the request did not give.
#[derive(Default)]
struct Needs {
    offsets: Vec<ZoneNeed>,
    commit_date: bool,
}

fn at_path<'v>(v: &'v serde_json::Value, path: &[&str]) -> Option<&'v serde_json::Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

impl<'a> Facts<'a> {
    fn new(req: &'a MetaRequest) -> Result<Self, MetaError> {
        let gh = &req.github;
        let event = gh.event_name.as_deref().unwrap_or_default();
        let mut git_ref = gh.git_ref.clone();
        if event.contains("pull_request_target") {
            let number = match gh.payload.get("number") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => {
                    return Err(MetaError::new(
                        "a pull_request_target event payload without a `number`: the pull \
                         request's ref cannot be known",
                    ))
                }
            };
            git_ref = Some(format!("refs/pull/{number}/merge"));
        }
        let mut sha = gh.sha.clone();
        let head = req
            .env
            .get("DOCKER_METADATA_PR_HEAD_SHA")
            .is_some_and(|v| v.to_lowercase().contains("true"));
        if head && event.contains("pull_request") {
            if let Some(s) =
                at_path(&gh.payload, &["pull_request", "head", "sha"]).and_then(|s| s.as_str())
            {
                sha = Some(s.to_owned());
            }
        }
        let now = time::parse_iso(&req.now).ok_or_else(|| {
            MetaError::new(format!("`now` is not an ISO 8601 time: `{}`", req.now))
        })?;
        let commit = commit_date(&gh.payload, sha.as_deref(), req.commit_date.as_deref())?;
        Ok(Self {
            req,
            git_ref,
            sha,
            now,
            commit,
            needs: std::cell::RefCell::default(),
        })
    }

    /// The ref (`""` when unset).
    pub(crate) fn ref_name(&self) -> &str {
        self.git_ref.as_deref().unwrap_or_default()
    }

    /// The event's name (`""` when unset).
    pub(crate) fn event_name(&self) -> &str {
        self.req.github.event_name.as_deref().unwrap_or_default()
    }

    /// The commit sha (after the PR head adjustment).
    pub(crate) fn sha(&self) -> Option<&str> {
        self.sha.as_deref()
    }

    fn repo_str(&self, path: &[&str]) -> Option<&str> {
        self.req
            .repo
            .as_ref()
            .and_then(|r| at_path(r, path))
            .and_then(serde_json::Value::as_str)
    }

    /// The API's default branch (for `type=edge`).
    pub(crate) fn api_default_branch(&self) -> Option<&str> {
        self.repo_str(&["default_branch"])
    }

    /// metadata-action's `shortSha` (reference §11).
    pub(crate) fn short_sha(&self, sha: &str) -> Result<String, String> {
        let mut len = 7.0;
        if let Some(v) = self
            .req
            .env
            .get("DOCKER_METADATA_SHORT_SHA_LENGTH")
            .filter(|v| !v.is_empty())
        {
            len = rules::js_number(v).ok_or_else(|| {
                format!("DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: {v}")
            })?;
        }
        let chars = sha.chars().count();
        if len >= chars as f64 {
            return Ok(sha.to_owned());
        }
        // `substring(0, len)`: fractions truncate, negatives are 0.
        let n = if len > 0.0 { len.trunc() as usize } else { 0 };
        Ok(sha.chars().take(n).collect())
    }

    /// A value with its rule's prefix and suffix (else the flavor's),
    /// rendered (metadata-action's `setValue`).
    pub(crate) fn set_value(
        &self,
        raw: &str,
        rule: &rules::TagRule,
        flavor: &Flavor,
    ) -> Result<String, String> {
        let mut val = raw.to_owned();
        if let Some(p) = rule.attr("prefix") {
            val = format!("{}{val}", self.render(p)?);
        } else if !flavor.prefix.is_empty() {
            val = format!("{}{val}", self.render(&flavor.prefix)?);
        }
        if let Some(s) = rule.attr("suffix") {
            val.push_str(&self.render(s)?);
        } else if !flavor.suffix.is_empty() {
            val.push_str(&self.render(&flavor.suffix)?);
        }
        Ok(val)
    }

    /// `text` with the global expressions (reference §9).
    pub(crate) fn render(&self, text: &str) -> Result<String, String> {
        expr::render(
            text,
            &Global {
                facts: self,
                all: true,
            },
        )
    }

    /// A schedule pattern: only `date` and `commit_date`.
    pub(crate) fn render_schedule(&self, text: &str) -> Result<String, String> {
        expr::render(
            text,
            &Global {
                facts: self,
                all: false,
            },
        )
    }

    fn is_default_branch(&self) -> Result<bool, String> {
        let Some(r) = self.git_ref.as_deref() else {
            return Err("`{{is_default_branch}}` needs the ref (GITHUB_REF is not set)".to_owned());
        };
        let branch = r.strip_prefix("refs/heads/").unwrap_or(r);
        if branch.is_empty() {
            return Ok(false);
        }
        let payload = &self.req.github.payload;
        if at_path(payload, &["repository", "default_branch"]).and_then(|b| b.as_str())
            == Some(branch)
        {
            return Ok(true);
        }
        let e = self.event_name();
        Ok(["create", "discussion", "issues", "schedule"]
            .iter()
            .any(|k| e.contains(k)))
    }

    fn date(
        &self,
        commit: bool,
        params: &[Param],
        hash: &[(String, Param)],
    ) -> Result<String, String> {
        let helper = if commit { "commit_date" } else { "date" };
        let fmt = match params.first() {
            Some(Param::Str(f)) => Some(f.as_str()),
            // An unquoted word is a name that nothing defines: moment's
            // default format, as in metadata-action.
            Some(Param::Name(n)) if Global { facts: self, all: true }.call(n, &[], &[])?.is_none() => None,
            Some(_) => return Err(format!("`{{{{{helper} …}}}}` takes a quoted format, e.g. `{{{{{helper} 'YYYYMMDD'}}}}`")),
            None => return Err(format!("`{{{{{helper}}}}}` needs a format, e.g. `{{{{{helper} 'YYYYMMDD'}}}}` (metadata-action crashes here)")),
        };
        let mut zone = "UTC".to_owned();
        for (k, v) in hash {
            match (k.as_str(), v) {
                ("tz", Param::Str(z)) => zone = z.clone(),
                ("tz", _) => return Err(format!("`tz` of `{helper}` takes a quoted zone name")),
                (k, _) => return Err(format!("Unknown {k} attribute")),
            }
        }
        let instant = if commit {
            let Some(instant) = self.commit else {
                self.needs.borrow_mut().commit_date = true;
                return Err("`{{commit_date}}`: the commit's date is unknown (the event payload does not \
                     hold it and none was given; metadata-action would silently use the current time)"
                    .to_owned());
            };
            instant
        } else {
            self.now
        };
        let offset = if zone == "UTC" {
            0
        } else {
            let of = if commit { "commit_date" } else { "now" };
            let given = self.req.zones.get(&zone);
            let offset = if commit {
                given.and_then(|z| z.commit_date)
            } else {
                given.map(|z| z.now)
            };
            let Some(offset) = offset else {
                let at = time::iso(instant);
                let message =
                    format!("no UTC offset was given for the time zone {zone} at {at} ({of})");
                self.needs.borrow_mut().offsets.push(ZoneNeed {
                    zone,
                    at,
                    of: of.to_owned(),
                });
                return Err(message);
            };
            offset
        };
        // moment's default formats (`defaultFormatUtc` at offset 0 in UTC).
        let fmt = fmt.unwrap_or(if offset == 0 {
            "YYYY-MM-DDTHH:mm:ss[Z]"
        } else {
            "YYYY-MM-DDTHH:mm:ssZ"
        });
        // moment-timezone's `z` token prints the zone's abbreviation; the
        // host gives offsets only, so a named zone's is not printed.
        let abbr = if zone == "UTC" { "UTC" } else { "" };
        Ok(moment::format(instant, offset, abbr, fmt))
    }
}

/// The commit date (reference §3.1): the payload's `commits[]` entry or
/// `head_commit` for `sha`, else the one the host gave.
fn commit_date(
    payload: &serde_json::Value,
    sha: Option<&str>,
    given: Option<&str>,
) -> Result<Option<i64>, MetaError> {
    let bad = |s: &str| MetaError::new(format!("the commit date `{s}` is not an ISO 8601 time"));
    let from_payload = sha.and_then(|sha| {
        let commits = payload.get("commits").and_then(serde_json::Value::as_array);
        commits
            .into_iter()
            .flatten()
            .find(|c| c.get("id").and_then(serde_json::Value::as_str) == Some(sha))
            .and_then(|c| c.get("timestamp")?.as_str())
            .filter(|t| !t.is_empty())
            .or_else(|| {
                let head = payload.get("head_commit")?;
                (head.get("id")?.as_str()? == sha)
                    .then(|| head.get("timestamp")?.as_str())
                    .flatten()
            })
    });
    match from_payload.or(given) {
        Some(t) => time::parse_iso(t).map(Some).ok_or_else(|| bad(t)),
        None => Ok(None),
    }
}

/// The names of the global expressions.
struct Global<'f, 'a> {
    facts: &'f Facts<'a>,
    /// Whether names other than `date` and `commit_date` exist.
    all: bool,
}

impl Scope for Global<'_, '_> {
    fn call(
        &self,
        name: &str,
        params: &[Param],
        hash: &[(String, Param)],
    ) -> Result<Option<String>, String> {
        let f = self.facts;
        match name {
            "date" => return f.date(false, params, hash).map(Some),
            "commit_date" => return f.date(true, params, hash).map(Some),
            _ if !self.all => return Ok(None),
            _ => {}
        }
        let r = f.ref_name();
        Ok(Some(match name {
            "branch" => r.strip_prefix("refs/heads/").unwrap_or_default().to_owned(),
            "tag" => r.strip_prefix("refs/tags/").unwrap_or_default().to_owned(),
            "sha" => {
                let sha = f.sha().ok_or(
                    "`{{sha}}` needs the commit (GITHUB_SHA is not set; metadata-action crashes here)",
                )?;
                f.short_sha(sha)?
            }
            "base_ref" => {
                let payload = &f.req.github.payload;
                if r.starts_with("refs/tags/") {
                    match payload.get("base_ref").and_then(serde_json::Value::as_str) {
                        Some(b) => b.strip_prefix("refs/heads/").unwrap_or(b).to_owned(),
                        None => String::new(),
                    }
                } else if r.starts_with("refs/pull/") {
                    at_path(payload, &["pull_request", "base", "ref"])
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                } else {
                    String::new()
                }
            }
            "is_default_branch" => f.is_default_branch()?.to_string(),
            "is_not_default_branch" => (!f.is_default_branch()?).to_string(),
            _ => return Ok(None),
        }))
    }
}

//! `imprint metadata`: docker/metadata-action's outputs outside (or
//! inside) GitHub Actions. The host gathers the CI's variables, the event
//! payload, git facts of the checkout, the build time and time-zone
//! offsets; the engine's `metadata` op computes and renders everything.

use super::{ask, load_policy_text, unexpected, write_out};
use crate::check_inputs::read_file;
use crate::cli::MetadataArgs;
use crate::diag;
use crate::engine::Engine;
use crate::error::{HostError, Status};
use crate::git::{Checkout, Fact};
use crate::run::{find_program, run_bounded, Bounded};
use imprint_core::api::Answer;
use imprint_core::metadata::{CiFacts, MetaFormat};
use imprint_core::GitFact;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long git and `date` may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The environment variables a CI describes a build with (see the table
/// in policies/README.md, metadata-action), and metadata-action's knobs.
fn ci_env() -> BTreeMap<String, String> {
    let prefixes = ["GITHUB_", "CI_", "GITLAB_", "BUILDKITE", "DOCKER_METADATA_"];
    std::env::vars()
        .filter(|(k, _)| prefixes.iter().any(|p| k.starts_with(p)))
        .collect()
}

/// The event payload at `GITHUB_EVENT_PATH` (in GitHub Actions): `None`
/// when unset; an error when it names a file that is missing or cannot be
/// read (metadata-action reads a missing one as `{}`, which would make
/// every event fact unknown without saying so).
fn payload(env: &BTreeMap<String, String>) -> Result<Option<Value>, HostError> {
    let Some(path) = env.get("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let path = Path::new(path);
    if !path.exists() {
        return Err(HostError::Gather(format!(
            "GITHUB_EVENT_PATH names {}, which does not exist: the event payload cannot be read",
            path.display()
        )));
    }
    let bytes = read_file(path)?;
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        HostError::Gather(format!(
            "the event payload {} (GITHUB_EVENT_PATH) is not JSON: {e}",
            path.display()
        ))
    })
}

/// Git facts of the checkout: those git established; a checkout git
/// refuses is an error when no CI variable stands in for it.
fn git_facts(repo: &Path, in_ci: bool) -> Result<BTreeMap<String, String>, HostError> {
    let hung = |e: crate::git::Hung| HostError::Gather(e.0);
    let mut c = Checkout::probe(repo, TIMEOUT).map_err(hung)?;
    let keys = ["sha", "branch", "tags", "remote_url", "name", "commit_date"];
    let facts = [
        GitFact::Sha,
        GitFact::Branch,
        GitFact::AllTags,
        GitFact::RemoteUrl,
        GitFact::Name,
        GitFact::CommitTime,
    ];
    // Read at the same time, as `derive` reads a policy's git facts.
    let mut found = c.facts(&facts).map_err(hung)?;
    found.push(c.default_branch().map_err(hung)?);
    let mut out = BTreeMap::new();
    for (key, f) in keys.into_iter().chain(["default_branch"]).zip(found) {
        match f {
            // The commit time is seconds since 1970; the engine reads ISO 8601.
            Fact::Known(v) if key == "commit_date" => match imprint_core::epoch_to_rfc3339(&v) {
                Some(iso) => {
                    out.insert(key.to_owned(), iso);
                }
                None if !in_ci => {
                    return Err(HostError::Gather(format!(
                        "git gave the commit time `{v}`, which is not whole seconds since 1970"
                    )))
                }
                None => {}
            },
            Fact::Known(v) => {
                out.insert(key.to_owned(), v);
            }
            Fact::Absent => {}
            Fact::Failed(why) if !in_ci => {
                return Err(HostError::Gather(format!("git fact `{key}`: {why}")))
            }
            Fact::Failed(_) => {}
        }
    }
    Ok(out)
}

/// The build time: `SOURCE_DATE_EPOCH` when set, else the clock.
fn build_time() -> Result<String, HostError> {
    let secs = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.is_empty() => s,
        _ => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs().to_string())
            .map_err(|e| HostError::Gather(format!("the system clock is before 1970: {e}")))?,
    };
    imprint_core::epoch_to_rfc3339(&secs).ok_or_else(|| {
        HostError::Usage(format!(
            "SOURCE_DATE_EPOCH must be whole seconds since 1970 (it is `{secs}`)"
        ))
    })
}

/// The UTC offset (minutes east) of time zone `zone` at `instant` (ISO
/// 8601), from the system's time-zone data through `date`. A zone the
/// system does not know is an error (`date` would silently use UTC).
fn zone_offset(zone: &str, instant: &str) -> Result<i32, HostError> {
    let bad = || {
        HostError::Usage(format!(
            "unknown time zone `{zone}` (use an IANA name such as Europe/Paris)"
        ))
    };
    let plain = zone
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
    let tzdir = std::env::var("TZDIR").unwrap_or_else(|_| "/usr/share/zoneinfo".to_owned());
    if !plain
        || zone.contains("..")
        || zone.starts_with('/')
        || !Path::new(&tzdir).join(zone).is_file()
    {
        return Err(bad());
    }
    let date = find_program("date").ok_or_else(|| {
        HostError::Gather("`date` is not on PATH (it gives time-zone offsets)".into())
    })?;
    let mut cmd = Command::new(date);
    cmd.env("TZ", zone).args(["-d", instant, "+%z"]);
    match run_bounded(cmd, TIMEOUT, true) {
        Bounded::Done {
            stdout,
            code: Some(0),
            ..
        } => {
            let s = String::from_utf8_lossy(&stdout).trim().to_owned();
            let (sign, digits) = s.split_at_checked(1).unwrap_or(("", ""));
            let n: i32 = digits.parse().map_err(|_| bad())?;
            let minutes = n / 100 * 60 + n % 100;
            Ok(if sign == "-" { -minutes } else { minutes })
        }
        _ => Err(HostError::Gather(format!(
            "`date` could not give the offset of {zone} at {instant}"
        ))),
    }
}

/// metadata-action's inputs given on the command line.
fn inputs(a: &MetadataArgs) -> Option<Value> {
    let mut m = Map::new();
    for (k, v) in [
        ("images", &a.images),
        ("tags", &a.tags),
        ("flavor", &a.flavor),
        ("labels", &a.labels),
        ("annotations", &a.annotations),
    ] {
        if let Some(v) = v {
            m.insert(k.to_owned(), Value::String(v.clone()));
        }
    }
    (!m.is_empty()).then_some(Value::Object(m))
}

/// Where metadata-action's inputs come from.
pub(super) enum Source {
    /// A policy's `metadata_action`: its text and origin.
    Policy(String, String),
    /// The inputs given on the command line.
    Inputs(Value),
}

/// Runs `imprint metadata`.
pub(super) fn metadata_cmd(
    a: &MetadataArgs,
    engine: &mut dyn Engine,
    out: &mut impl Write,
) -> Result<Status, HostError> {
    let source = match (&a.policy, inputs(a)) {
        (Some(p), None) => {
            let loaded = load_policy_text(p)?;
            Source::Policy(loaded.text, loaded.origin)
        }
        (None, Some(i)) => Source::Inputs(i),
        (Some(_), Some(_)) => {
            return Err(HostError::Usage(
                "give --policy or metadata-action's inputs (--tags, --images …), not both".into(),
            ))
        }
        (None, None) => {
            return Err(HostError::Usage(
                "give --policy (a policy with `metadata_action`) or metadata-action's inputs (--tags, --images …)".into(),
            ))
        }
    };
    let text = metadata_text(source, &a.repo, a.format, engine)?;
    write_out(out, &text)
}

/// Gathers the facts, asks the engine, and gives the rendered text
/// (warnings go to stderr).
pub(super) fn metadata_text(
    source: Source,
    repo: &Path,
    format: MetaFormat,
    engine: &mut dyn Engine,
) -> Result<String, HostError> {
    let env = ci_env();
    let in_ci = ["GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE"]
        .iter()
        .any(|k| env.get(*k).is_some_and(|v| v == "true"));
    let ci = CiFacts {
        payload: payload(&env)?,
        git: git_facts(repo, in_ci)?,
        env: env.clone(),
    };
    let knobs: BTreeMap<&String, &String> = env
        .iter()
        .filter(|(k, _)| k.starts_with("DOCKER_METADATA_"))
        .collect();
    let now = build_time()?;
    let mut req = Map::new();
    req.insert("op".into(), json!("metadata"));
    req.insert("ci".into(), json!(ci));
    req.insert("env".into(), json!(knobs));
    req.insert("now".into(), json!(now));
    req.insert("format".into(), json!(format));
    let origin = match source {
        Source::Policy(text, origin) => {
            req.insert("policy".into(), Value::String(text));
            origin
        }
        Source::Inputs(i) => {
            req.insert("inputs".into(), i);
            "the command line".to_owned()
        }
    };
    // The engine names what else it needs (time-zone offsets); give it and ask again.
    let mut zones = Map::new();
    for _ in 0..3 {
        let request = Value::Object(req.clone());
        match ask(engine, &request, &origin)? {
            Answer::RenderedMetadata { text, warnings, .. } => {
                for w in warnings {
                    diag::warn(w);
                }
                return Ok(text);
            }
            Answer::MetadataError {
                missing_offsets, ..
            } if !missing_offsets.is_empty() => {
                for need in missing_offsets {
                    let offset = zone_offset(&need.zone, &need.at)?;
                    if !zones.contains_key(&need.zone) {
                        let at_now = zone_offset(&need.zone, &now)?;
                        zones.insert(need.zone.clone(), json!({ "now": at_now }));
                    }
                    if let Some(o) = zones.get_mut(&need.zone).and_then(Value::as_object_mut) {
                        o.insert(need.of.clone(), json!(offset));
                    }
                }
                req.insert("zones".into(), Value::Object(zones.clone()));
            }
            Answer::MetadataError { message, .. } => return Err(HostError::Usage(message)),
            _ => return Err(unexpected("metadata")),
        }
    }
    Err(HostError::Engine(
        "the engine kept asking for time-zone offsets".into(),
    ))
}

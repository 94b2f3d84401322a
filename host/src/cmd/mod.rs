//! One function per subcommand, each in its own module, over the shared
//! pieces here: `ask` the engine for a typed answer, write the output.

mod check;
mod context;
mod derive;
mod import;
mod metadata;
mod pin;
mod policy;

use check::{check_cmd, describe_cmd};
use context::{gathered, options};
use derive::{derive_cmd, derive_loaded};
use import::import_cmd;
use metadata::{metadata_cmd, metadata_text, Source};
use pin::pin_cmd;
use policy::unknown_builtin;
pub use policy::{load_policy_text, Loaded};

use crate::cli::{CheckArgs, Cmd, ContextArgs, DeriveArgs, DescribeArgs, PinArgs};
use crate::engine::Engine;
use crate::error::{HostError, Status};
use crate::gather::{gather, GatherOptions};
use crate::persist::{read_original, replace, replaceable, write_atomic};
use imprint_core::api::Answer;
use imprint_core::{
    is_valid_tag, pin_file_matches, rewrite_pins_bytes, Context, Derivation, OutputFormat, Policy,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Sends one request to the engine and reads its typed [`Answer`]; a
/// derive error, a policy error (attributed to `origin`) or a refused
/// request is an error.
pub(super) fn ask(
    engine: &mut dyn Engine,
    request: &Value,
    origin: &str,
) -> Result<Answer, HostError> {
    let text = engine.run_json(&request.to_string())?;
    let answer: Answer = serde_json::from_str(&text)
        .map_err(|e| HostError::Engine(format!("cannot decode the engine's answer: {e}")))?;
    match answer {
        Answer::DeriveError(e) => Err(HostError::Derive(e)),
        Answer::PolicyError(mut e) => {
            origin.clone_into(&mut e.origin);
            Err(HostError::Policy(e))
        }
        Answer::BadRequest { message } => Err(HostError::Engine(format!(
            "the engine refused the request: {message}"
        ))),
        a => Ok(a),
    }
}

/// An answer of another kind than the request asks for.
pub(super) fn unexpected(op: &str) -> HostError {
    HostError::Engine(format!(
        "the engine answered a `{op}` request with an answer of another kind"
    ))
}

/// Runs a subcommand with `engine`, writing its output to `out`.
pub fn run(cmd: Cmd, engine: &mut dyn Engine, out: &mut impl Write) -> Result<Status, HostError> {
    match cmd {
        Cmd::Derive(a) => derive_cmd(&a, engine, out),
        Cmd::Explain(c) => {
            let (p, ctx) = gathered(&c)?;
            let req = json!({ "op": "explain", "policy": p.text, "context": ctx });
            let mut text = match ask(engine, &req, &p.origin)? {
                Answer::Explanation { text } => text,
                _ => return Err(unexpected("explain")),
            };
            // A policy with `metadata_action`: each tag rule, what it gave.
            if p.policy.metadata_action().is_some() {
                let tags = metadata_text(
                    Source::Policy(p.text.clone(), p.origin.clone()),
                    &c.repo,
                    imprint_core::metadata::MetaFormat::Explain,
                    engine,
                )?;
                text.push_str("\nmetadata_action (docker/metadata-action's tag rules, in the order they ran):\n");
                text.push_str(&tags);
            }
            write_out(out, &text)
        }
        Cmd::Pin(a) => pin_cmd(&a, engine, out),
        Cmd::Check(a) => check_cmd(&a, engine, out),
        Cmd::Describe(a) => describe_cmd(&a, engine, out),
        Cmd::Metadata(a) => metadata_cmd(&a, engine, out),
        Cmd::Import(a) => import_cmd(&a, engine, out),
        Cmd::Validate(v) => {
            let mut status = Status::Ok;
            for spec in v.policy.iter().chain(&v.files) {
                match validate(spec, engine) {
                    Ok(name) => {
                        write_out(out, &format!("policy `{name}` is valid\n"))?;
                    }
                    // One line per policy with problems; the others are still checked.
                    Err(e) => {
                        let _ = out.flush();
                        crate::diag::error(&e);
                        status = Status::Error;
                    }
                }
            }
            Ok(status)
        }
        Cmd::Policies { name: None } => {
            let mut s = String::new();
            for (name, text) in imprint_policies::BUILTIN {
                let desc = Policy::from_json(text, name)
                    .map(|p| p.description().to_owned())
                    .unwrap_or_default();
                s.push_str(&format!("{name:<12} {}\n", first_sentence(&desc)));
            }
            write_out(out, &s)
        }
        Cmd::Policies { name: Some(n) } => match imprint_policies::builtin(&n) {
            Some(t) => write_out(out, t),
            None => Err(unknown_builtin(&n)),
        },
    }
}

/// Loads and validates one policy: its name, or what is wrong with it.
fn validate(spec: &str, engine: &mut dyn Engine) -> Result<String, HostError> {
    let loaded = load_policy_text(spec)?;
    let req = json!({ "op": "validate", "policy": loaded.text });
    match ask(engine, &req, &loaded.origin)? {
        Answer::Policy { name, .. } => Ok(name),
        _ => Err(unexpected("validate")),
    }
}

pub(super) fn first_sentence(s: &str) -> &str {
    s.split(": ").next().unwrap_or(s)
}

pub(super) fn write_out(out: &mut impl Write, s: &str) -> Result<Status, HostError> {
    out.write_all(s.as_bytes())
        .and_then(|()| out.flush())
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(e)
            }
        })
        .map_err(|e| HostError::io("<stdout>", e))?;
    Ok(Status::Ok)
}

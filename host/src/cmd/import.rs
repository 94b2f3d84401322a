//! `imprint import metadata-action WORKFLOW.yml`: the engine turns a
//! workflow's docker/metadata-action step into a policy; this reads the
//! file and prints it.

use super::{ask, unexpected, write_out};
use crate::check_inputs::read_file;
use crate::cli::ImportArgs;
use crate::engine::Engine;
use crate::error::{HostError, Status};
use imprint_core::api::Answer;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

/// Runs `imprint import`.
pub(super) fn import_cmd(
    a: &ImportArgs,
    engine: &mut dyn Engine,
    out: &mut impl Write,
) -> Result<Status, HostError> {
    if a.from != "metadata-action" {
        return Err(HostError::Usage(format!(
            "imprint import reads `metadata-action` (docker/metadata-action steps), not `{}`",
            a.from
        )));
    }
    let mut set = BTreeMap::new();
    for s in &a.set {
        let (k, v) = s.split_once('=').ok_or_else(|| {
            HostError::Usage(format!(
                "--set `{s}`: expected EXPR=VALUE, such as env.REGISTRY=ghcr.io"
            ))
        })?;
        set.insert(k.trim().to_owned(), v.to_owned());
    }
    let bytes = if a.workflow == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .lock()
            .take(crate::check_inputs::INPUT_LIMIT + 1)
            .read_to_end(&mut b)
            .map_err(|e| HostError::io("-", e))?;
        b
    } else {
        read_file(Path::new(&a.workflow))?
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| HostError::Usage(format!("{}: not UTF-8 text", a.workflow)))?;
    let mut req = serde_json::Map::new();
    req.insert("op".into(), json!("import_metadata_action"));
    req.insert("text".into(), json!(text));
    req.insert("file".into(), json!(a.workflow));
    req.insert("set".into(), json!(set));
    if let Some(step) = &a.step {
        req.insert("step".into(), json!(step));
    }
    let req = serde_json::Value::Object(req);
    match ask(engine, &req, &a.workflow)? {
        Answer::Imported { policy } => write_out(out, &policy),
        Answer::ImportError { message } => Err(HostError::Usage(message)),
        _ => Err(unexpected("import_metadata_action")),
    }
}

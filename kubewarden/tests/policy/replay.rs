//! Host capability answers replayed from a session file in kwctl's format
//! (`kwctl run --replay-host-capabilities-interactions FILE`; kwctl's
//! `callback_handler/proxy.rs`): a YAML list of
//!
//! ```yaml
//! - type: Exchange
//!   request: |            # policy-evaluator's CallbackRequestType, as serde_yaml writes it
//!     !OciManifestAndConfig
//!     image: ghcr.io/acme/web:v1.4.2
//!   response:
//!     type: Success       # or `type: Error` with `message: …`
//!     payload: '{"manifest": …, "digest": …, "config": …}'
//! ```
//!
//! replayed in order as kwctl does: each host call must be the next
//! recorded request, or it fails with kwctl's "Replay error: unexpected
//! request"; a call past the end fails with "the list of recorded responses
//! is empty". The host side maps the waPC call `kubewarden` / `oci` /
//! `v1/oci_manifest_config` with a JSON string payload to
//! `OciManifestAndConfig { image }`, as policy-evaluator's
//! `runtimes/callback.rs` does.

use crate::wapc::Capability;
use imprint_kubewarden::metadata::yaml_to_json;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::Path;
use std::rc::Rc;

/// One recorded exchange.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request, as serde's JSON of `CallbackRequestType`.
    pub request: Value,
    /// The payload, or the error message.
    pub response: Result<String, String>,
}

/// Reads a session file.
pub fn load(path: &Path) -> VecDeque<Exchange> {
    let text = std::fs::read_to_string(path).unwrap();
    let v = yaml_to_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let items = v
        .as_array()
        .unwrap_or_else(|| panic!("{}: not a list", path.display()));
    items
        .iter()
        .map(|x| {
            assert_eq!(x["type"], "Exchange", "{}: {x}", path.display());
            let request = yaml_to_json(x["request"].as_str().unwrap()).unwrap();
            let r = &x["response"];
            let response = match r["type"].as_str() {
                Some("Success") => Ok(r["payload"].as_str().unwrap().to_owned()),
                Some("Error") => Err(r["message"].as_str().unwrap().to_owned()),
                other => panic!("{}: response type {other:?}", path.display()),
            };
            Exchange { request, response }
        })
        .collect()
}

/// The request a waPC host call stands for, as policy-evaluator maps it.
fn callback_request(binding: &str, ns: &str, op: &str, payload: &[u8]) -> Result<Value, String> {
    if binding != "kubewarden" {
        return Err(format!("unknown binding: {binding}"));
    }
    match (ns, op) {
        ("oci", "v1/oci_manifest_config") => {
            let image: String = serde_json::from_slice(payload).map_err(|e| e.to_string())?;
            Ok(json!({ "OciManifestAndConfig": { "image": image } }))
        }
        ("oci", _) => Err(format!("unknown operation: {op}")),
        _ => Err(format!("unknown namespace: {ns}")),
    }
}

/// A capability answering from `exchanges`, which it consumes.
pub fn capability(exchanges: Rc<RefCell<VecDeque<Exchange>>>) -> Capability {
    Box::new(move |binding, ns, op, payload| {
        let request = callback_request(binding, ns, op, payload)?;
        let Some(next) = exchanges.borrow_mut().pop_front() else {
            return Err("the list of recorded responses is empty".to_owned());
        };
        if next.request != request {
            return Err(format!(
                "Replay error: unexpected request. Was expecting {}, got {} instead",
                next.request, request
            ));
        }
        next.response.map(String::into_bytes)
    })
}

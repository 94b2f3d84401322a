//! The JSON boundary: one request in, one answer out.
//!
//! Every target that cannot call Rust directly (WebAssembly from
//! JavaScript, the wasmtime guest, the conformance runners) speaks this.
//! Domain failures are answers, never panics or exceptions: a bad policy is
//! `{"type": "policy_error", …}`, an invalid derived value is
//! `{"type": "derive_error", …}`.
//!
//! ```
//! let answer = imprint_core::api::run_json(r#"{
//!   "op": "derive",
//!   "policy": "{\"name\": \"p\", \"values\": {\"v\": {\"default\": \"x\"}}}",
//!   "context": {}
//! }"#);
//! let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
//! assert_eq!(v["type"], "derivation");
//! assert_eq!(v["values"]["v"], "x");
//! ```

use crate::{
    derive, rewrite_pins, Context, Derivation, DeriveError, PinChange, Policy, PolicyError,
    Reference,
};
use serde::{Deserialize, Serialize};

/// A request.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Load `policy` (JSON text) and derive with `context`.
    Derive {
        /// The policy's JSON text.
        policy: String,
        /// The build context.
        #[serde(default)]
        context: Context,
    },
    /// Load `policy` and report its problems, or its summary.
    Validate {
        /// The policy's JSON text.
        policy: String,
    },
    /// Rewrite digest pins in `text`.
    Pin {
        /// The file's text.
        text: String,
        /// Image bases to rewrite.
        images: Vec<String>,
        /// The tag to point them at.
        tag: String,
        /// Extra literal tags to re-point.
        #[serde(default)]
        also_tags: Vec<String>,
    },
    /// Parse an image reference.
    ParseReference {
        /// The reference text.
        reference: String,
    },
}

/// An answer.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    /// A successful derivation.
    Derivation(Derivation<'static>),
    /// Derivation failed.
    DeriveError(DeriveError),
    /// The policy did not load.
    PolicyError(PolicyError),
    /// A policy that loaded.
    Policy {
        /// Its name.
        name: String,
        /// Its description.
        description: String,
        /// Declared argument names.
        args: Vec<String>,
        /// Value names in declaration order.
        values: Vec<String>,
    },
    /// Pins rewritten.
    Pinned {
        /// The new text.
        text: String,
        /// What changed.
        changes: Vec<PinChange>,
    },
    /// A parsed reference.
    Reference {
        /// The reference as parsed.
        reference: Reference,
        /// With docker's defaults applied.
        normalized: String,
    },
    /// The reference is not valid.
    InvalidReference {
        /// Why.
        message: String,
    },
    /// The request itself is malformed.
    BadRequest {
        /// Why.
        message: String,
    },
}

/// Answers one request.
pub fn run(request: Request) -> Answer {
    match request {
        Request::Derive { policy, context } => match Policy::from_json(&policy, "policy") {
            Ok(p) => match derive(&p, &context) {
                Ok(d) => Answer::Derivation(d.into_owned()),
                Err(e) => Answer::DeriveError(e),
            },
            Err(e) => Answer::PolicyError(e),
        },
        Request::Validate { policy } => match Policy::from_json(&policy, "policy") {
            Ok(p) => Answer::Policy {
                name: p.name().to_owned(),
                description: p.description().to_owned(),
                args: p.args().iter().map(|a| a.name.clone()).collect(),
                values: p.value_names().map(str::to_owned).collect(),
            },
            Err(e) => Answer::PolicyError(e),
        },
        Request::Pin {
            text,
            images,
            tag,
            also_tags,
        } => {
            if !crate::is_valid_tag(&tag) {
                return Answer::BadRequest {
                    message: format!("tag `{}` is not a valid OCI tag", tag.escape_debug()),
                };
            }
            let (text, changes) = rewrite_pins(&text, &images, &tag, &also_tags);
            Answer::Pinned { text, changes }
        }
        Request::ParseReference { reference } => match Reference::parse(&reference) {
            Ok(r) => Answer::Reference {
                normalized: r.normalized().to_string(),
                reference: r,
            },
            Err(e) => Answer::InvalidReference { message: e.0 },
        },
    }
}

/// Answers one request given as JSON text, returning JSON text.
pub fn run_json(request: &str) -> String {
    let answer = match serde_json::from_str::<Request>(request) {
        Ok(r) => run(r),
        Err(e) => Answer::BadRequest {
            message: format!("malformed request: {e}"),
        },
    };
    serde_json::to_string(&answer).unwrap_or_else(|e| {
        format!(r#"{{"type":"bad_request","message":"cannot encode answer: {e}"}}"#)
    })
}

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

use crate::check::{cards, check, describe, Artifact, ArtifactCard, Card, CheckReport};
use crate::{
    derive, rewrite_pins, Context, Derivation, DeriveError, PinChange, Policy, PolicyError,
    Reference,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// Load `policy`, derive with `context`, and explain how each value was derived.
    Explain {
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
    /// Check artifacts against the policy's rules. With `context`, the
    /// policy is derived first so rules can compare with derived values.
    Check {
        /// The policy's JSON text.
        policy: String,
        /// The artifacts.
        artifacts: Vec<Artifact>,
        /// Build context for rules that use `{value:NAME}`.
        #[serde(default)]
        context: Option<Context>,
    },
    /// The provenance card of one image.
    Describe {
        /// The policy's JSON text.
        policy: String,
        /// The image reference.
        reference: String,
        /// Its labels.
        #[serde(default)]
        labels: BTreeMap<String, String>,
        /// Its environment.
        #[serde(default)]
        env: BTreeMap<String, String>,
        /// Build context for rules that use `{value:NAME}`.
        #[serde(default)]
        context: Option<Context>,
    },
    /// The provenance cards of many artifacts (one policy load, one
    /// derivation when `context` is given).
    Cards {
        /// The policy's JSON text.
        policy: String,
        /// The artifacts.
        artifacts: Vec<Artifact>,
        /// Build context for rules that use `{value:NAME}`.
        #[serde(default)]
        context: Option<Context>,
    },
    /// Read artifacts from JSON input text (`docker inspect`, OCI config
    /// or index, Kubernetes object or list).
    Read {
        /// The input text.
        text: String,
        /// Its file name, recorded in the artifacts.
        #[serde(default)]
        file: Option<String>,
    },
}

/// An answer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// A check report.
    Report(CheckReport<'static>),
    /// The trace for people.
    Explanation {
        /// The text `imprint explain` prints.
        text: String,
    },
    /// A provenance card.
    Card(Card),
    /// Provenance cards, one per artifact, in input order.
    Cards {
        /// The cards.
        cards: Vec<ArtifactCard>,
    },
    /// Artifacts read from input.
    Artifacts {
        /// The artifacts.
        artifacts: Vec<Artifact>,
    },
    /// Input could not be read.
    ReadError {
        /// Why.
        message: String,
        /// Line, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
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
        Request::Explain { policy, context } => match Policy::from_json(&policy, "policy") {
            Ok(p) => match derive(&p, &context) {
                Ok(d) => Answer::Explanation { text: d.explain() },
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
        Request::Check {
            policy,
            artifacts,
            context,
        } => with_policy(&policy, context.as_ref(), |p, d| {
            Answer::Report(check(p, &artifacts, d).into_owned())
        }),
        Request::Describe {
            policy,
            reference,
            labels,
            env,
            context,
        } => with_policy(&policy, context.as_ref(), |p, d| {
            Answer::Card(describe(p, &reference, &labels, &env, d))
        }),
        Request::Cards {
            policy,
            artifacts,
            context,
        } => with_policy(&policy, context.as_ref(), |p, d| Answer::Cards {
            cards: cards(p, &artifacts, d),
        }),
        Request::Read { text, file } => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => match crate::read::read_json_value(&v, file.as_deref()) {
                Ok(artifacts) => Answer::Artifacts { artifacts },
                Err(e) => Answer::ReadError {
                    message: e.message,
                    line: e.line,
                },
            },
            Err(e) => Answer::ReadError {
                message: format!("not valid JSON: {e}"),
                line: u32::try_from(e.line()).ok(),
            },
        },
        Request::ParseReference { reference } => match Reference::parse(&reference) {
            Ok(r) => Answer::Reference {
                normalized: r.normalized().to_string(),
                reference: r,
            },
            Err(e) => Answer::InvalidReference { message: e.0 },
        },
    }
}

/// Loads `policy`, derives with `context` when given, and calls `f`.
fn with_policy(
    policy: &str,
    context: Option<&Context>,
    f: impl FnOnce(&Policy, Option<&Derivation<'_>>) -> Answer,
) -> Answer {
    let p = match Policy::from_json(policy, "policy") {
        Ok(p) => p,
        Err(e) => return Answer::PolicyError(e),
    };
    match context {
        Some(ctx) => match derive(&p, ctx) {
            Ok(d) => f(&p, Some(&d)),
            Err(e) => Answer::DeriveError(e),
        },
        None => f(&p, None),
    }
}

/// Serializes an answer to JSON text, `type` first, exactly as
/// serializing the corresponding [`Answer`] variant does.
fn to_text<T: Serialize>(tag: &str, v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::Object(m)) => {
            let mut out = serde_json::Map::with_capacity(m.len() + 1);
            out.insert("type".into(), tag.into());
            out.extend(m);
            serde_json::Value::Object(out).to_string()
        }
        _ => r#"{"type":"bad_request","message":"cannot encode answer"}"#.to_owned(),
    }
}

/// Derives with an already loaded policy and returns the JSON answer
/// (`derivation` or `derive_error`), without copying the derivation.
pub fn derive_json(policy: &Policy, context: &Context) -> String {
    match derive(policy, context) {
        Ok(d) => to_text("derivation", &d),
        Err(e) => to_text("derive_error", &e),
    }
}

/// Checks artifacts with an already loaded policy; the JSON answer
/// (`report`, or `derive_error` when the context does not derive).
pub fn check_json(policy: &Policy, artifacts: &[Artifact], context: Option<&Context>) -> String {
    match context.map(|c| derive(policy, c)).transpose() {
        Ok(d) => to_text("report", &check(policy, artifacts, d.as_ref())),
        Err(e) => to_text("derive_error", &e),
    }
}

/// The cards of many artifacts with an already loaded policy; the JSON
/// answer (`cards`, or `derive_error` when the context does not derive).
pub fn cards_json(policy: &Policy, artifacts: &[Artifact], context: Option<&Context>) -> String {
    match context.map(|c| derive(policy, c)).transpose() {
        // Exactly what serializing `Answer::Cards` writes, without the
        // intermediate `Value` (10,000 cards are a few megabytes).
        Ok(d) => match serde_json::to_string(&cards(policy, artifacts, d.as_ref())) {
            Ok(list) => format!(r#"{{"type":"cards","cards":{list}}}"#),
            Err(e) => format!(r#"{{"type":"bad_request","message":"cannot encode answer: {e}"}}"#),
        },
        Err(e) => to_text("derive_error", &e),
    }
}

/// Answers one request given as JSON text, returning JSON text.
///
/// Derivations and reports are serialized straight from what the engine
/// borrows (no copy); every other answer goes through [`run`].
pub fn run_json(request: &str) -> String {
    let answer = match serde_json::from_str::<Request>(request) {
        Ok(Request::Derive { policy, context }) => {
            return match Policy::from_json(&policy, "policy") {
                Ok(p) => derive_json(&p, &context),
                Err(e) => to_text("policy_error", &e),
            }
        }
        Ok(Request::Check {
            policy,
            artifacts,
            context,
        }) => {
            return match Policy::from_json(&policy, "policy") {
                Ok(p) => check_json(&p, &artifacts, context.as_ref()),
                Err(e) => to_text("policy_error", &e),
            }
        }
        Ok(Request::Cards {
            policy,
            artifacts,
            context,
        }) => {
            return match Policy::from_json(&policy, "policy") {
                Ok(p) => cards_json(&p, &artifacts, context.as_ref()),
                Err(e) => to_text("policy_error", &e),
            }
        }
        Ok(r) => run(r),
        Err(e) => Answer::BadRequest {
            message: format!("malformed request: {e}"),
        },
    };
    serde_json::to_string(&answer).unwrap_or_else(|e| {
        format!(r#"{{"type":"bad_request","message":"cannot encode answer: {e}"}}"#)
    })
}

/// The TypeScript declarations of the boundary's types, generated from the
/// Rust types (ts-rs). `cargo test -p imprint-core --features ts` writes
/// them to `wasm/types.d.ts` and fails when the committed file is stale.
#[cfg(all(test, feature = "ts"))]
mod typescript {
    use ts_rs::{Config, TS};

    fn decls() -> String {
        let cfg = Config::default();
        let mut out = String::from(
            "// Generated from the Rust types of imprint-core by ts-rs\n\
             // (cargo test -p imprint-core --features ts). Do not edit.\n\n\
             /** A builtin policy. */\nexport type PolicyInfo = { name: string, description: string };\n",
        );
        let all = [
            super::Answer::decl(&cfg),
            crate::Context::decl(&cfg),
            crate::CommandOutcome::decl(&cfg),
            crate::Derivation::decl(&cfg),
            crate::BuildArg::decl(&cfg),
            crate::LdFlag::decl(&cfg),
            crate::Persisted::decl(&cfg),
            crate::ValueTrace::decl(&cfg),
            crate::Origin::decl(&cfg),
            crate::Skip::decl(&cfg),
            crate::SkipReason::decl(&cfg),
            crate::DeriveError::decl(&cfg),
            crate::DeriveErrorCode::decl(&cfg),
            crate::PolicyError::decl(&cfg),
            crate::Problem::decl(&cfg),
            crate::PinChange::decl(&cfg),
            crate::Reference::decl(&cfg),
            crate::Artifact::decl(&cfg),
            crate::check::CheckReport::decl(&cfg),
            crate::check::ArtifactReport::decl(&cfg),
            crate::check::Finding::decl(&cfg),
            crate::check::Severity::decl(&cfg),
            crate::check::Card::decl(&cfg),
            crate::check::ArtifactCard::decl(&cfg),
        ];
        for d in all {
            out.push('\n');
            out.push_str("export ");
            out.push_str(&d);
            out.push('\n');
        }
        out
    }

    #[test]
    fn types_d_ts_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../wasm/types.d.ts");
        let want = decls();
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            std::fs::write(&path, &want).unwrap();
            panic!("wasm/types.d.ts was stale and has been regenerated; commit it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> String {
        serde_json::json!({
            "name": "p",
            "values": {},
            "rules": [{
                "id": "labelled", "applies_to": ["image"],
                "require": ["label:org.opencontainers.image.revision"]
            }]
        })
        .to_string()
    }

    /// The fast paths of `run_json` write exactly what serializing the
    /// `Answer` that `run` builds writes.
    #[test]
    fn fast_paths_serialize_like_answers() {
        let artifacts = vec![
            Artifact {
                kind: "image".into(),
                name: "a".into(),
                reference: Some("ghcr.io/o/a:v1".into()),
                ..Artifact::default()
            },
            Artifact {
                kind: "image".into(),
                name: "b \"quoted\"".into(),
                reference: Some("not a ref".into()),
                line: Some(3),
                ..Artifact::default()
            },
        ];
        for (op, answer) in [("cards", "cards"), ("check", "report")] {
            let req = serde_json::json!({ "op": op, "policy": policy(), "artifacts": artifacts });
            let fast = run_json(&req.to_string());
            let slow = serde_json::to_string(&run(serde_json::from_value(req).unwrap())).unwrap();
            assert_eq!(fast, slow, "{op}");
            assert!(
                fast.starts_with(&format!(r#"{{"type":"{answer}""#)),
                "{fast}"
            );
        }
        let cards: serde_json::Value = serde_json::from_str(&run_json(
            &serde_json::json!({ "op": "cards", "policy": policy(), "artifacts": artifacts })
                .to_string(),
        ))
        .unwrap();
        assert_eq!(cards["type"], "cards", "{cards}");
        assert_eq!(cards["cards"][0]["artifact"], "a");
        assert_eq!(cards["cards"][0]["findings"][0]["rule"], "labelled");
        assert_eq!(cards["cards"][1]["valid"], false);
        assert_eq!(cards["cards"][1]["line"], 3);
    }
}

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
    derive, render, render_card, render_report, rewrite_pins, CardFormat, Context, Derivation,
    DeriveError, OutputFormat, Persisted, PinChange, Policy, PolicyError, Reference, ReportFormat,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod answer;
mod request;

pub use answer::Answer;
pub use request::Request;

/// Answers one request.
pub fn run(request: Request) -> Answer {
    match request {
        Request::Derive {
            policy,
            context,
            format,
        } => match Policy::from_json(&policy, "policy") {
            Ok(p) => match (derive(&p, &context), format) {
                (Ok(d), None) => Answer::Derivation(d.into_owned()),
                (Ok(d), Some(format)) => match render(&d, format) {
                    Ok(text) => Answer::Rendered {
                        format,
                        text,
                        persist: d.into_owned().persist,
                    },
                    Err(e) => Answer::DeriveError(e),
                },
                (Err(e), _) => Answer::DeriveError(e),
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
        Request::Inputs { policy, context } => match Policy::from_json(&policy, "policy") {
            Ok(p) => {
                let i = p.inputs();
                let pending_commands = context.map(|c| p.pending_commands(&c)).unwrap_or_default();
                Answer::Inputs {
                    env: i.env,
                    git: i.git.iter().map(crate::GitFact::key).collect(),
                    arch: i.arch,
                    files: i.files,
                    commands: i.commands,
                    pending_commands,
                    args: p.args().iter().map(|a| a.name.clone()).collect(),
                    persisted: p
                        .persisted()
                        .map(|(v, f)| (v.to_owned(), f.to_owned()))
                        .collect(),
                }
            }
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
            format,
        } => with_policy(&policy, context.as_ref(), |p, d| {
            let report = check(p, &artifacts, d);
            match format {
                None => Answer::Report(report.into_owned()),
                Some(format) => Answer::RenderedReport {
                    format,
                    text: render_report(&report, p, format),
                    errors: report.errors,
                    warnings: report.warnings,
                },
            }
        }),
        Request::Describe {
            policy,
            reference,
            labels,
            env,
            fields,
            context,
            format,
        } => with_policy(&policy, context.as_ref(), |p, d| {
            let card = if fields.is_empty() {
                describe(p, &reference, &labels, &env, d)
            } else {
                let a = Artifact {
                    kind: "image".into(),
                    name: reference.clone(),
                    reference: Some(reference.clone()),
                    labels: labels.clone(),
                    env: env.clone(),
                    fields: fields.clone(),
                    ..Artifact::default()
                };
                crate::check::describe_artifact(p, &a, d)
            };
            match format {
                None => Answer::Card(card),
                Some(format) => Answer::RenderedCard {
                    format,
                    text: render_card(&card, format),
                },
            }
        }),
        Request::Cards {
            policy,
            artifacts,
            context,
        } => with_policy(&policy, context.as_ref(), |p, d| Answer::Cards {
            cards: cards(p, &artifacts, d),
        }),
        Request::Read { text, file } => match crate::read::read_text(&text, file.as_deref()) {
            Ok(artifacts) => Answer::Artifacts { artifacts },
            Err(e) => Answer::ReadError {
                message: e.message,
                line: e.line,
                column: e.column,
            },
        },
        Request::Metadata { request, format } => {
            match crate::metadata::generate(&request).and_then(|m| match format {
                None => Ok(Answer::Metadata(Box::new(m))),
                Some(format) => Ok(Answer::RenderedMetadata {
                    format,
                    text: crate::metadata::render(&m, format)?,
                    warnings: m.warnings,
                }),
            }) {
                Ok(a) => a,
                Err(e) => Answer::MetadataError {
                    message: e.message,
                    missing_offsets: e.missing_offsets,
                    missing_commit_date: e.missing_commit_date,
                },
            }
        }
        Request::ImportMetadataAction {
            text,
            file,
            step,
            set,
        } => match crate::metadata::import_workflow(
            &text,
            file.as_deref().unwrap_or("workflow.yml"),
            step.as_deref(),
            &set,
        ) {
            Ok(policy) => Answer::Imported { policy },
            Err(message) => Answer::ImportError { message },
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
    f: impl FnOnce(&Policy, Option<&crate::Pairs<'_>>) -> Answer,
) -> Answer {
    let p = match Policy::from_json(policy, "policy") {
        Ok(p) => p,
        Err(e) => return Answer::PolicyError(e),
    };
    match context {
        Some(ctx) => match derive(&p, ctx) {
            Ok(d) => f(&p, Some(&d.values)),
            Err(e) => Answer::DeriveError(e),
        },
        None => f(&p, None),
    }
}

/// Serializes an answer to JSON text, `type` first, exactly as
/// serializing the corresponding [`Answer`] variant does: the object `v`
/// serializes to, with `"type":tag,` spliced in after its `{` (no
/// intermediate `Value`, one serializer for every type).
fn to_text<T: Serialize>(tag: &str, v: &T) -> String {
    let mut out = format!(r#"{{"type":"{tag}""#).into_bytes();
    let at = out.len();
    if serde_json::to_writer(&mut out, v).is_err() {
        return CANNOT_ENCODE.to_owned();
    }
    match out.get_mut(at..) {
        Some([b'{', b'}']) => {
            out.truncate(at);
            out.push(b'}');
        }
        Some([open @ b'{', ..]) => *open = b',',
        _ => return CANNOT_ENCODE.to_owned(),
    }
    // serde_json writes UTF-8, and the tag is ours.
    String::from_utf8(out).unwrap_or_else(|_| CANNOT_ENCODE.to_owned())
}

/// The answer when an answer cannot be serialized (nothing the engine
/// returns: its answers are objects of strings, numbers and lists).
const CANNOT_ENCODE: &str = r#"{"type":"bad_request","message":"cannot encode answer"}"#;

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
        Ok(d) => to_text(
            "report",
            &check(policy, artifacts, d.as_ref().map(|d| &d.values)),
        ),
        Err(e) => to_text("derive_error", &e),
    }
}

/// The cards of many artifacts with an already loaded policy; the JSON
/// answer (`cards`, or `derive_error` when the context does not derive).
pub fn cards_json(policy: &Policy, artifacts: &[Artifact], context: Option<&Context>) -> String {
    /// The fields of `Answer::Cards`, borrowed.
    #[derive(Serialize)]
    struct CardList<'a> {
        cards: &'a [ArtifactCard],
    }
    match context.map(|c| derive(policy, c)).transpose() {
        Ok(d) => to_text(
            "cards",
            &CardList {
                cards: &cards(policy, artifacts, d.as_ref().map(|d| &d.values)),
            },
        ),
        Err(e) => to_text("derive_error", &e),
    }
}

/// Answers one request given as JSON text, returning JSON text.
///
/// Derivations and reports are serialized straight from what the engine
/// borrows (no copy); every other answer goes through [`run`].
pub fn run_json(request: &str) -> String {
    match serde_json::from_str::<Request>(request) {
        Ok(r) => answer_json(r),
        Err(e) => Answer::BadRequest {
            message: format!("malformed request: {e}"),
        }
        .to_json(),
    }
}

/// Answers one request, returning JSON text: [`run_json`] for a request
/// already read (the WebAssembly layer builds them from JavaScript values).
pub fn answer_json(request: Request) -> String {
    /// `answer` with `policy` loaded, or the `policy_error` answer.
    fn loaded(policy: &str, answer: impl FnOnce(&Policy) -> String) -> String {
        match Policy::from_json(policy, "policy") {
            Ok(p) => answer(&p),
            Err(e) => to_text("policy_error", &e),
        }
    }
    match request {
        Request::Derive {
            policy,
            context,
            format: None,
        } => loaded(&policy, |p| derive_json(p, &context)),
        Request::Check {
            policy,
            artifacts,
            context,
            format: None,
        } => loaded(&policy, |p| check_json(p, &artifacts, context.as_ref())),
        Request::Cards {
            policy,
            artifacts,
            context,
        } => loaded(&policy, |p| cards_json(p, &artifacts, context.as_ref())),
        r => run(r).to_json(),
    }
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
            crate::Failed::decl(&cfg),
            crate::CommandOutcome::decl(&cfg),
            crate::Derivation::decl(&cfg),
            crate::OutputFormat::decl(&cfg),
            crate::ReportFormat::decl(&cfg),
            crate::CardFormat::decl(&cfg),
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
            crate::ProblemCode::decl(&cfg),
            crate::PinChange::decl(&cfg),
            crate::Reference::decl(&cfg),
            crate::Artifact::decl(&cfg),
            crate::check::CheckReport::decl(&cfg),
            crate::check::ArtifactReport::decl(&cfg),
            crate::check::Finding::decl(&cfg),
            crate::check::Severity::decl(&cfg),
            crate::check::Card::decl(&cfg),
            crate::check::ArtifactCard::decl(&cfg),
            crate::check::CardProvenance::decl(&cfg),
            crate::metadata::Metadata::decl(&cfg),
            crate::metadata::MetaVersion::decl(&cfg),
            crate::metadata::MetaOutputs::decl(&cfg),
            crate::metadata::RuleOutcome::decl(&cfg),
            crate::metadata::MetaFormat::decl(&cfg),
            crate::metadata::MetaRequest::decl(&cfg),
            crate::metadata::MetaInputs::decl(&cfg),
            crate::metadata::ListInput::decl(&cfg),
            crate::metadata::GitHubContext::decl(&cfg),
            crate::metadata::CiFacts::decl(&cfg),
            crate::metadata::ZoneOffsets::decl(&cfg),
            crate::metadata::ZoneNeed::decl(&cfg),
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
    #[allow(
        clippy::disallowed_methods,
        reason = "the test rewrites wasm/types.d.ts when it is stale"
    )]
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

    fn request(v: serde_json::Value) -> Result<Request, String> {
        serde_json::from_str::<Request>(&v.to_string()).map_err(|e| e.to_string())
    }

    /// Every op reads from one flat object, whatever the field order.
    #[test]
    fn requests_read_in_any_field_order() {
        let ctx = serde_json::json!({ "env": { "A": "1" } });
        match request(serde_json::json!({ "context": ctx, "policy": "P", "op": "derive" })) {
            Ok(Request::Derive {
                policy,
                context,
                format: None,
            }) => {
                assert_eq!(policy, "P");
                assert_eq!(context.env["A"], "1");
            }
            other => panic!("{other:?}"),
        }
        match request(
            serde_json::json!({ "format": "shell-quoted", "policy": "P", "op": "derive" }),
        ) {
            Ok(Request::Derive { format, .. }) => {
                assert_eq!(format, Some(crate::OutputFormat::ShellQuoted));
            }
            other => panic!("{other:?}"),
        }
        let e = request(serde_json::json!({ "op": "explain", "policy": "P", "format": "json" }));
        assert!(
            e.as_ref()
                .is_err_and(|m| m.contains("unknown field `format` for op `explain`")),
            "{e:?}"
        );
        match request(serde_json::json!({ "images": ["a"], "op": "pin", "tag": "t", "text": "x" }))
        {
            Ok(Request::Pin {
                also_tags, images, ..
            }) => {
                assert!(also_tags.is_empty());
                assert_eq!(images, ["a"]);
            }
            other => panic!("{other:?}"),
        }
        match request(
            serde_json::json!({ "op": "check", "policy": "P", "artifacts": [], "context": null }),
        ) {
            Ok(Request::Check { context: None, .. }) => {}
            other => panic!("{other:?}"),
        }
        match request(serde_json::json!({ "op": "read", "text": "{}", "file": null })) {
            Ok(Request::Read { file: None, .. }) => {}
            other => panic!("{other:?}"),
        }
        match request(
            serde_json::json!({ "op": "describe", "policy": "P", "reference": "r",
                                          "labels": { "k": "v" } }),
        ) {
            Ok(Request::Describe {
                labels,
                env,
                context: None,
                ..
            }) => {
                assert_eq!(labels["k"], "v");
                assert!(env.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }

    /// A field of another op is refused like a misspelt one, a missing
    /// one is named, and `null` is only accepted where it means "none".
    #[test]
    fn malformed_requests_say_what_is_wrong() {
        let cases = [
            (
                serde_json::json!({ "op": "derive", "policy": "P", "images": [] }),
                "unknown field `images` for op `derive`",
            ),
            (
                serde_json::json!({ "op": "validate", "policy": "P", "file": null }),
                "unknown field `file` for op `validate`",
            ),
            (
                serde_json::json!({ "op": "derive", "policy": "P", "polcy": "Q" }),
                "unknown field `polcy`",
            ),
            (
                serde_json::json!({ "op": "check", "policy": "P" }),
                "missing field `artifacts` for op `check`",
            ),
            (
                serde_json::json!({ "op": "pin", "images": [], "tag": "t" }),
                "missing field `text` for op `pin`",
            ),
            (
                serde_json::json!({ "op": "derive", "policy": "P", "context": null }),
                "`context` of op `derive` is null",
            ),
            (
                serde_json::json!({ "op": "frobnicate" }),
                "unknown variant `frobnicate`",
            ),
            (serde_json::json!({ "policy": "P" }), "missing field `op`"),
            (
                serde_json::json!({ "op": "derive", "policy": 3 }),
                "invalid type: integer `3`, expected a string",
            ),
        ];
        for (req, want) in cases {
            match request(req.clone()) {
                Err(e) => assert!(e.contains(want), "{req}: {e}"),
                Ok(r) => panic!("{req} was accepted as {r:?}"),
            }
            let answer = run_json(&req.to_string());
            assert!(
                answer.starts_with(r#"{"type":"bad_request","message":"malformed request: "#),
                "{answer}"
            );
        }
    }

    /// `to_text` splices the tag into the object, empty or not.
    #[test]
    fn tagged_text_of_empty_and_full_objects() {
        #[derive(Serialize)]
        struct Empty {}
        #[derive(Serialize)]
        struct Two {
            a: u8,
            b: &'static str,
        }
        assert_eq!(to_text("x", &Empty {}), r#"{"type":"x"}"#);
        assert_eq!(
            to_text("x", &Two { a: 1, b: "\"" }),
            r#"{"type":"x","a":1,"b":"\""}"#
        );
        assert_eq!(to_text("x", &[1]), CANNOT_ENCODE);
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

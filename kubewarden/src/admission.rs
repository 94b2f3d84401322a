//! `validate`: one admission request in, one Kubewarden `ValidationResponse`
//! out. Pure: the host capability that reads an image's manifest and config
//! is passed in ([`Registry`]), so tests run this natively and the waPC
//! guest (`src/guest.rs`) passes `host_call`.
//!
//! 1. Every container, init container and ephemeral container of the object
//!    (a Pod or any workload with a pod template: the Kubernetes reader of
//!    imprint-core, `imprint_core::read::kube`) names an image.
//! 2. Each distinct image is asked of the host
//!    (`kubewarden/oci/v1/oci_manifest_config`); its config becomes an
//!    `image` artifact with `config.config.Labels` as labels and
//!    `config.config.Env` as env, named by its reference, as `imprint check`
//!    names the image of a `docker inspect` record.
//! 3. The policy's rules check the artifacts; rules that compare with derived
//!    values are skipped (admission has no build context) and said so.
//! 4. A finding refuses the object when it is an error (or its rule is in
//!    `deny`) and its rule is not in `warn`; the others are warnings.
//!    An image the host could not read refuses the object too, unless
//!    `registry_unreachable: accept`.

use crate::settings::{RegistryUnreachable, Settings};
use imprint_core::check::{check, Artifact};
use imprint_core::Reference;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The largest request accepted (a Kubernetes object is at most ~1.5 MiB in etcd).
pub const MAX_REQUEST: usize = 8 << 20;
/// The largest host answer read for one image.
pub const MAX_HOST_ANSWER: usize = 4 << 20;
/// Most distinct images in one object.
pub const MAX_IMAGES: usize = 64;
/// The rule id of the finding every invalid reference gets (core/src/check/rules.rs).
const INVALID_REFERENCE: &str = "invalid-reference";
/// Most findings listed in a message and most warnings returned.
const MAX_LISTED: usize = 20;

/// The host capability: an image reference in, the host's
/// `{manifest, digest, config}` JSON answer (or its error text) out.
pub trait Registry {
    /// Reads the manifest and config of `image`.
    fn manifest_and_config(&mut self, image: &str) -> Result<Vec<u8>, String>;
}

impl<F: FnMut(&str) -> Result<Vec<u8>, String>> Registry for F {
    fn manifest_and_config(&mut self, image: &str) -> Result<Vec<u8>, String> {
        self(image)
    }
}

/// Kubewarden's `ValidationResponse` (kubewarden-policy-sdk `response.rs`):
/// every field is written, absent ones as `null`, as the SDK writes them.
#[derive(Debug, Default, Serialize)]
pub struct Response {
    /// Whether the object is admitted.
    pub accepted: bool,
    /// Why not (shown to the user).
    pub message: Option<String>,
    /// The HTTP code shown with the refusal.
    pub code: Option<u16>,
    /// Always `null`: the policy does not mutate.
    pub mutated_object: Option<Value>,
    /// Added to the request's audit event.
    pub audit_annotations: Option<BTreeMap<String, String>>,
    /// Returned to the client, admitted or not.
    pub warnings: Option<Vec<String>>,
}

impl Response {
    fn refuse(message: String, code: Option<u16>) -> Self {
        Self {
            message: Some(message),
            code,
            ..Self::default()
        }
    }

    fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_else(|_| {
            br#"{"accepted":false,"message":"imprint: cannot encode the response","code":500}"#
                .to_vec()
        })
    }
}

/// One distinct image of the object and the containers that run it.
struct Image {
    reference: String,
    containers: Vec<String>,
    /// The artifact checked, or why the host could not give its labels.
    artifact: Result<Artifact, String>,
    digest: Option<String>,
    /// Whether the registry was asked (not for an invalid reference).
    asked: bool,
}

/// `validate`: Kubewarden's `{"request": …, "settings": …}` in, the
/// `ValidationResponse` JSON out. Never fails: a malformed request or
/// invalid settings refuse the object with a message saying so.
pub fn validate(payload: &[u8], registry: &mut dyn Registry) -> Vec<u8> {
    decide(payload, registry).to_bytes()
}

fn decide(payload: &[u8], registry: &mut dyn Registry) -> Response {
    if payload.len() > MAX_REQUEST {
        return Response::refuse(
            format!(
                "imprint: the validation request is {} bytes, more than the {MAX_REQUEST} this policy reads",
                payload.len()
            ),
            Some(400),
        );
    }
    let (request, settings) = match parse(payload) {
        Ok(p) => p,
        Err(e) => return Response::refuse(format!("imprint: malformed request: {e}"), Some(400)),
    };
    let settings = match Settings::from_value(settings) {
        Ok(s) => s,
        Err(e) => {
            return Response::refuse(format!("imprint: invalid settings: {e}"), Some(500));
        }
    };
    let object = match request.get("object") {
        // DELETE (and CONNECT) carry no object: nothing runs.
        None | Some(Value::Null) => {
            return Response {
                accepted: true,
                ..Response::default()
            }
        }
        Some(o) => with_kind(o, &request),
    };
    let containers = match imprint_core::read::kube::read_value(&object, None) {
        Ok(a) => a,
        Err(e) => {
            return Response::refuse(
                format!("imprint: malformed request: `request.object`: {e}"),
                Some(400),
            )
        }
    };
    let mut images: Vec<Image> = Vec::new();
    for c in containers.iter().filter(|a| a.kind == "container") {
        let Some(reference) = c.reference.as_deref() else {
            return Response::refuse(format!("imprint: {} has no image", c.name), Some(400));
        };
        if let Some(i) = images.iter_mut().find(|i| i.reference == reference) {
            i.containers.push(c.name.clone());
            continue;
        }
        if images.len() == MAX_IMAGES {
            return Response::refuse(
                format!("imprint: the object names more than {MAX_IMAGES} distinct images"),
                Some(400),
            );
        }
        let asked = Reference::parse(reference).is_ok();
        let (artifact, digest) = image_artifact(reference, asked, registry);
        images.push(Image {
            reference: reference.to_owned(),
            containers: vec![c.name.clone()],
            artifact,
            digest,
            asked,
        });
    }
    verdict(&settings, &images)
}

/// The payload's `request` object and `settings` value.
fn parse(payload: &[u8]) -> Result<(serde_json::Map<String, Value>, Value), String> {
    let v: Value = serde_json::from_slice(payload).map_err(|e| e.to_string())?;
    let Value::Object(mut o) = v else {
        return Err("the payload is not a JSON object".to_owned());
    };
    let request = match o.remove("request") {
        Some(Value::Object(r)) => r,
        Some(_) => return Err("`request` is not an object".to_owned()),
        None => return Err("no `request`".to_owned()),
    };
    let settings = o
        .remove("settings")
        .unwrap_or(Value::Object(serde_json::Map::new()));
    Ok((request, settings))
}

/// The object, with `request.kind.kind` as its `kind` when it has none.
fn with_kind(object: &Value, request: &serde_json::Map<String, Value>) -> Value {
    let mut object = object.clone();
    let kind = request
        .get("kind")
        .and_then(|k| k.get("kind"))
        .and_then(Value::as_str);
    if let (Value::Object(o), Some(kind)) = (&mut object, kind) {
        o.entry("kind").or_insert_with(|| kind.into());
    }
    object
}

/// The `image` artifact of `reference` from the host's answer, and the
/// digest the host resolved; or why there is none. Without `ask` (an
/// invalid reference) the artifact has the reference only.
fn image_artifact(
    reference: &str,
    ask: bool,
    registry: &mut dyn Registry,
) -> (Result<Artifact, String>, Option<String>) {
    let bare = Artifact {
        kind: "image".to_owned(),
        name: reference.to_owned(),
        reference: Some(reference.to_owned()),
        ..Artifact::default()
    };
    if !ask {
        return (Ok(bare), None);
    }
    let answer = match registry.manifest_and_config(reference) {
        Ok(a) => a,
        Err(e) => return (Err(format!("the host could not read it: {e}")), None),
    };
    if answer.len() > MAX_HOST_ANSWER {
        return (
            Err(format!(
                "the host's answer is {} bytes, more than the {MAX_HOST_ANSWER} this policy reads",
                answer.len()
            )),
            None,
        );
    }
    let read = || -> Result<(Artifact, Option<String>), String> {
        let v: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
        let config = v.get("config").ok_or("it has no `config`")?;
        let digest = v.get("digest").and_then(Value::as_str).map(str::to_owned);
        let mut read = imprint_core::read::container::read_oci(config, None)
            .map_err(|e| format!("`config`: {e}"))?;
        let config = read.pop().filter(|a| a.kind == "image").ok_or_else(|| {
            "`config` is not an OCI image config (`architecture`, `os`, `config`)".to_owned()
        })?;
        Ok((
            Artifact {
                labels: config.labels,
                env: config.env,
                fields: config.fields,
                ..bare.clone()
            },
            digest,
        ))
    };
    match read() {
        Ok((a, d)) => (Ok(a), d),
        Err(e) => (
            Err(format!(
                "the host's answer is not an image manifest and config: {e}"
            )),
            None,
        ),
    }
}

/// The decision on the object from its images.
fn verdict(settings: &Settings, images: &[Image]) -> Response {
    let policy = &settings.policy;
    let mut refusals: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let mut checked: Vec<(&Image, Artifact)> = Vec::new();
    for i in images {
        match &i.artifact {
            Ok(a) => checked.push((i, a.clone())),
            Err(e) => {
                let line = format!("{} ({}): {e}", i.reference, i.containers.join(", "));
                match settings.registry_unreachable {
                    RegistryUnreachable::Reject => refusals.push(format!(
                        "{line}; its labels are unknown, so it cannot be checked \
                         (`registry_unreachable: accept` admits such images with a warning)"
                    )),
                    RegistryUnreachable::Accept => {
                        warnings.push(format!("imprint: not checked: {line}"));
                    }
                }
            }
        }
    }
    let artifacts: Vec<Artifact> = checked.iter().map(|(_, a)| a.clone()).collect();
    let report = check(policy, &artifacts, None);
    let (mut denied, mut warned) = (0usize, 0usize);
    for ((image, _), r) in checked.iter().zip(&report.artifacts) {
        let mut deny_here = Vec::new();
        // An invalid reference is its one finding: no registry was asked
        // about it, so its labels are unknown, not missing.
        let findings = r
            .findings
            .iter()
            .filter(|f| image.asked || f.rule == INVALID_REFERENCE);
        for f in findings {
            let what = format!("{}: {}", f.rule, f.message);
            if settings.denies(&f.rule, f.severity) {
                denied += 1;
                deny_here.push(what);
            } else {
                warned += 1;
                warnings.push(format!("imprint: {}: {what}", image.reference));
            }
        }
        if !deny_here.is_empty() {
            refusals.push(format!(
                "{} ({}): {}",
                image.reference,
                image.containers.join(", "),
                deny_here.join("; ")
            ));
        }
    }
    // Rules a checked image skipped; none when no image could be checked.
    let skipped: &[String] = if !checked.iter().any(|(i, _)| i.asked) {
        &[]
    } else {
        &report.skipped_rules
    };
    if !skipped.is_empty() {
        warnings.push(format!(
            "imprint: rules not checked at admission (they compare with values derived from a build): {}",
            skipped.join(", ")
        ));
    }
    let mut audit = BTreeMap::new();
    if !images.is_empty() {
        audit.insert("imprint-policy".to_owned(), policy.name().to_owned());
        audit.insert("imprint-refusals".to_owned(), refusals.len().to_string());
        audit.insert("imprint-denying-findings".to_owned(), denied.to_string());
        audit.insert("imprint-warning-findings".to_owned(), warned.to_string());
        if !skipped.is_empty() {
            audit.insert("imprint-skipped-rules".to_owned(), skipped.join(","));
        }
        let digests: Vec<String> = images
            .iter()
            .filter_map(|i| Some(format!("{}@{}", i.reference, i.digest.as_deref()?)))
            .collect();
        if !digests.is_empty() {
            audit.insert("imprint-resolved-digests".to_owned(), digests.join(","));
        }
    }
    let warnings = bounded(warnings, "warnings");
    let message = (!refusals.is_empty()).then(|| {
        let n = refusals.len();
        let listed = bounded(refusals, "images").join("\n");
        format!(
            "imprint policy `{}` refused {n} of {} image{}:\n{listed}",
            policy.name(),
            images.len(),
            if images.len() == 1 { "" } else { "s" }
        )
    });
    Response {
        accepted: message.is_none(),
        message,
        code: None,
        mutated_object: None,
        audit_annotations: (!audit.is_empty()).then_some(audit),
        warnings: (!warnings.is_empty()).then_some(warnings),
    }
}

/// At most [`MAX_LISTED`] lines, the last saying how many more there were.
fn bounded(mut lines: Vec<String>, what: &str) -> Vec<String> {
    if lines.len() > MAX_LISTED {
        let more = lines.len() - (MAX_LISTED - 1);
        lines.truncate(MAX_LISTED - 1);
        lines.push(format!("… and {more} more {what}"));
    }
    lines
}

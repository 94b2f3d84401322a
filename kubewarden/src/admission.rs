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
use imprint_core::read::container;
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
        // Only a config: an index or manifest here would read as an
        // image without labels, claiming they are missing.
        if !matches!(container::detect(config), Some(container::Shape::OciConfig)) {
            return Err(
                "`config`: not an OCI image config (`architecture`, `os`, `config`)".to_owned(),
            );
        }
        let mut read = container::read_oci(config, None).map_err(|e| format!("`config`: {e}"))?;
        let config = read
            .pop()
            .ok_or("`config`: not an OCI image config (`architecture`, `os`, `config`)")?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(images: &[&str]) -> Vec<u8> {
        let containers: Vec<Value> = images
            .iter()
            .enumerate()
            .map(|(i, image)| json!({ "name": format!("c{i}"), "image": image }))
            .collect();
        json!({
            "request": { "uid": "u", "operation": "CREATE",
                "kind": { "group": "", "version": "v1", "kind": "Pod" },
                "object": { "apiVersion": "v1", "metadata": { "name": "p", "namespace": "n" },
                            "spec": { "containers": containers } } },
            "settings": { "policy": "default" }
        })
        .to_string()
        .into_bytes()
    }

    fn answer(payload: &[u8], registry: &mut dyn Registry) -> Value {
        serde_json::from_slice(&validate(payload, registry)).unwrap()
    }

    fn good_config(image: &str) -> Result<Vec<u8>, String> {
        let tag = image.rsplit(':').next().unwrap_or_default();
        Ok(json!({ "manifest": {}, "digest": "sha256:00", "config": {
            "architecture": "amd64", "os": "linux",
            "config": { "Labels": {
                "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
                "org.opencontainers.image.version": tag } } } })
        .to_string()
        .into_bytes())
    }

    #[test]
    fn the_kind_comes_from_the_request_when_the_object_has_none() {
        let a = answer(&pod(&["ghcr.io/o/a:v1.0.0"]), &mut good_config);
        assert_eq!(a["accepted"], true, "{a}");
        assert_eq!(
            a["audit_annotations"]["imprint-resolved-digests"],
            "ghcr.io/o/a:v1.0.0@sha256:00"
        );
    }

    #[test]
    fn untrusted_input_is_bounded() {
        let big = vec![b' '; MAX_REQUEST + 1];
        let a = answer(&big, &mut good_config);
        assert_eq!(a["code"], 400);
        assert!(a["message"]
            .as_str()
            .unwrap()
            .contains("more than the 8388608"));

        let many: Vec<String> = (0..=MAX_IMAGES)
            .map(|i| format!("ghcr.io/o/a{i}:v1.0.0"))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let mut calls = 0;
        let mut counting = |image: &str| {
            calls += 1;
            good_config(image)
        };
        let a = answer(&pod(&many), &mut counting);
        assert_eq!(a["code"], 400);
        assert!(a["message"]
            .as_str()
            .unwrap()
            .contains("more than 64 distinct images"));
        assert_eq!(calls, MAX_IMAGES);

        let mut huge = |_: &str| Ok(vec![b' '; MAX_HOST_ANSWER + 1]);
        let a = answer(&pod(&["ghcr.io/o/a:v1.0.0"]), &mut huge);
        assert_eq!(a["accepted"], false);
        assert!(a["message"]
            .as_str()
            .unwrap()
            .contains("the host's answer is 4194305 bytes"));
    }

    #[test]
    fn an_answer_that_is_not_an_image_config_fails_closed() {
        for (body, want) in [
            (
                "not json",
                "the host's answer is not an image manifest and config: expected",
            ),
            (r#"{"manifest": {}}"#, "it has no `config`"),
            (
                r#"{"config": {"manifests": []}}"#,
                "`config`: not an OCI image config",
            ),
            (
                r#"{"config": {"architecture": "amd64", "os": "linux", "config": {"Labels": {"a": 1}}}}"#,
                "`config`: `config.Labels.a`",
            ),
        ] {
            let mut registry = |_: &str| Ok(body.as_bytes().to_vec());
            let a = answer(&pod(&["ghcr.io/o/a:v1.0.0"]), &mut registry);
            assert_eq!(a["accepted"], false, "{body}");
            let msg = a["message"].as_str().unwrap();
            assert!(msg.contains(want), "{body}: {msg}");
            assert!(msg.contains("cannot be checked"), "{msg}");
        }
    }

    #[test]
    fn a_container_without_an_image_is_refused() {
        let payload = json!({ "request": { "kind": { "kind": "Pod" }, "object": {
            "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "p" },
            "spec": { "containers": [{ "name": "c" }] } } },
            "settings": { "policy": "default" } });
        let a = answer(payload.to_string().as_bytes(), &mut good_config);
        assert_eq!(a["accepted"], false);
        assert_eq!(a["message"], "imprint: Pod/p container c has no image");
    }

    #[test]
    fn lists_are_bounded() {
        let lines: Vec<String> = (0..25).map(|i| i.to_string()).collect();
        let b = bounded(lines, "images");
        assert_eq!(b.len(), MAX_LISTED);
        assert_eq!(b.last().unwrap(), "… and 6 more images");
    }
}

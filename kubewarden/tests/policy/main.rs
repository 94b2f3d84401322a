//! The built policy module (target/kubewarden/imprint_kubewarden.wasm,
//! `bash kubewarden/build.sh`) under a waPC host, as Kubewarden's
//! policy-server runs it: the admission vectors (tests/vectors/admission.json)
//! with host capabilities replayed from kwctl session files
//! (tests/data/sessions/), refusals compared with `imprint check` on the same
//! labels, and every conformance vector through the module's `imprint_run`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests: a failure is a panic with the value that broke"
)]

mod cli;
mod replay;
mod wapc;

use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::OnceLock;
use wapc::{PolicyModule, WapcHost};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn module() -> &'static PolicyModule {
    static M: OnceLock<PolicyModule> = OnceLock::new();
    M.get_or_init(|| PolicyModule::load(&wapc::module_path()))
}

/// An instance answering host calls from `session` (none: every call fails
/// as a replay past the end does).
fn instance(session: Option<&str>) -> (WapcHost, Rc<RefCell<VecDeque<replay::Exchange>>>) {
    let exchanges = match session {
        Some(s) => replay::load(&data(&format!("sessions/{s}"))),
        None => VecDeque::new(),
    };
    let exchanges = Rc::new(RefCell::new(exchanges));
    let host = module()
        .instantiate(replay::capability(exchanges.clone()))
        .unwrap();
    (host, exchanges)
}

/// What policy-server sends `validate`: the AdmissionReview's `request`
/// and the policy's settings.
fn validate_payload(review: &Value, settings: &Value) -> Vec<u8> {
    json!({ "request": review["request"], "settings": settings })
        .to_string()
        .into_bytes()
}

fn review(name: &str) -> Value {
    let path = data(&format!("requests/{name}"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn module_imports_only_wapc_and_carries_its_metadata() {
    let imports = module().imports();
    assert!(!imports.is_empty());
    assert!(
        imports.iter().all(|i| i.starts_with("wapc.__")),
        "{imports:?}"
    );
    let wasm = std::fs::read(wapc::module_path()).unwrap();
    let sections = imprint_kubewarden::metadata::custom_sections(&wasm).unwrap();
    let meta: Vec<&(String, Vec<u8>)> = sections
        .iter()
        .filter(|(n, _)| n == "io.kubewarden.metadata")
        .collect();
    assert_eq!(meta.len(), 1, "one io.kubewarden.metadata section");
    let yml = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("metadata.yml"))
        .unwrap();
    let want = imprint_kubewarden::metadata::metadata_json(
        &imprint_kubewarden::metadata::yaml_to_json(&yml).unwrap(),
    )
    .unwrap();
    assert_eq!(String::from_utf8(meta[0].1.clone()).unwrap(), want);
    let v: Value = serde_json::from_str(&want).unwrap();
    assert_eq!(v["protocolVersion"], "v1");
    assert_eq!(v["mutating"], false);
    assert_eq!(v["executionMode"], "kubewarden-wapc");
    assert_eq!(v["hostCapabilities"], json!(["oci/v1/oci_manifest_config"]));
}

#[test]
fn protocol_version_and_unknown_functions() {
    let (mut host, _) = instance(None);
    assert_eq!(host.call("protocol_version", b"").unwrap(), b"\"v1\"");
    assert_eq!(
        host.call("mutate", b"{}").unwrap_err(),
        "No handler registered for function mutate"
    );
    assert!(host.logs().is_empty());
}

/// Compares the listed keys of `expect` with `got`, exactly.
fn compare(expect: &Map<String, Value>, got: &Value) -> Result<(), String> {
    for (k, w) in expect {
        let g = got.get(k).unwrap_or(&Value::Null);
        if g != w {
            return Err(format!(
                "{k}:\n  expected {}\n  got      {}",
                serde_json::to_string_pretty(w).unwrap(),
                serde_json::to_string_pretty(g).unwrap()
            ));
        }
    }
    Ok(())
}

#[test]
fn admission_vectors() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/admission.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let defaults = file["defaults"].as_object().cloned().unwrap_or_default();
    let mut failures = Vec::new();
    let mut spent = std::time::Duration::ZERO;
    let cases = file["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        assert!(case["source"].is_string(), "{name}: no source");
        let settings = case.get("settings").unwrap_or(&defaults["settings"]);
        let session = case["session"].as_str();
        let (mut host, left) = instance(session);
        let payload = match (&case["review"], &case["payload"]) {
            (Value::String(r), Value::Null) => validate_payload(&review(r), settings),
            (Value::Null, Value::String(raw)) => raw.clone().into_bytes(),
            _ => panic!("{name}: give `review` (a file) or `payload` (raw text)"),
        };
        let expect = case["expect"].as_object().unwrap();
        for k in [
            "accepted",
            "message",
            "code",
            "warnings",
            "audit_annotations",
        ] {
            assert!(expect.contains_key(k), "{name}: `expect` must list `{k}`");
        }
        let started = std::time::Instant::now();
        let answer = host.call("validate", &payload);
        spent += started.elapsed();
        let outcome = answer
            .map_err(|e| format!("validate failed: {e}"))
            .and_then(|answer| {
                let got: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
                if got["mutated_object"] != Value::Null {
                    return Err(format!("mutated_object is not null: {got}"));
                }
                compare(expect, &got)
            })
            .and_then(|()| match left.borrow().len() {
                0 => Ok(()),
                n => Err(format!("{n} recorded exchange(s) not replayed")),
            });
        if let Err(e) = outcome {
            failures.push(format!("{name}: {e}"));
        }
    }
    eprintln!(
        "admission vectors: {} cases, {} failures ({:?} per validate call, replayed host answers)",
        cases.len(),
        failures.len(),
        spent / u32::try_from(cases.len()).unwrap()
    );
    assert!(cases.len() >= 10, "only {} cases", cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let settings_cases = file["settings_cases"].as_array().unwrap();
    let (mut host, _) = instance(None);
    for case in settings_cases {
        let name = case["name"].as_str().unwrap();
        let payload = match &case["payload"] {
            Value::String(raw) => raw.clone().into_bytes(),
            _ => case["settings"].to_string().into_bytes(),
        };
        let got: Value =
            serde_json::from_slice(&host.call("validate_settings", &payload).unwrap()).unwrap();
        assert_eq!(got["valid"], case["expect"]["valid"], "{name}: {got}");
        match case["expect"]["message_contains"].as_str() {
            Some(want) => {
                let msg = got["message"].as_str().unwrap_or_default();
                assert!(msg.contains(want), "{name}: {msg}");
            }
            None => assert_eq!(got["message"], Value::Null, "{name}"),
        }
    }
}

/// The conformance runner's engine: the module's `imprint_run`.
struct ThroughModule(WapcHost);

impl imprint_conformance::Engine for ThroughModule {
    fn run_json(&mut self, request: &str) -> String {
        let answer = self
            .0
            .call("imprint_run", request.as_bytes())
            .unwrap_or_else(|e| panic!("imprint_run failed: {e}"));
        String::from_utf8(answer).unwrap()
    }
}

#[test]
fn every_conformance_vector_runs_through_the_module() {
    let (host, _) = instance(None);
    let mut engine = ThroughModule(host);
    let (cases, failures) = imprint_conformance::run_all(&mut engine);
    eprintln!(
        "conformance (Kubewarden module, waPC): {cases} cases, {} failures",
        failures.len()
    );
    assert!(cases > 200, "only {cases} cases ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(engine.0.calls().is_empty(), "the engine op called the host");
}

//! Arbitrary text as reader input: `api::run_json` with a `read` request
//! answers `artifacts` exactly when `read::read_json_value` reads the
//! parsed JSON, with the same artifacts (placed at lines); the
//! shape-specific readers (inspect, OCI, Kubernetes) never panic; what is
//! read checks and describes against a builtin policy. The same text read
//! as YAML (`read::read_text` with a `.yaml` name) never panics, and its
//! artifacts name the file and a 1-based line.
#![no_main]

use imprint_core::read::{container, kube, read_json_value, read_text};
use imprint_core::{api, Policy};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let text = imprint_policies::builtin("vllm").expect("vllm is builtin");
        Policy::from_json(text, "builtin:vllm").expect("builtin policies load")
    })
}

fuzz_target!(|text: &str| {
    if let Ok(artifacts) = read_text(text, Some("fuzz.yaml")) {
        for a in &artifacts {
            assert_eq!(a.file.as_deref(), Some("fuzz.yaml"), "{a:?}");
            assert!(a.line.is_some_and(|l| l >= 1), "no line: {a:?}");
        }
    }
    let request = serde_json::json!({ "op": "read", "text": text, "file": "fuzz.json" });
    let answer: serde_json::Value =
        serde_json::from_str(&api::run_json(&request.to_string())).expect("answers are JSON");
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        assert_eq!(answer["type"], "read_error", "{answer}");
        return;
    };
    let _ = container::detect(&value);
    let _ = container::read_inspect(&value, Some("fuzz.json"));
    let _ = container::read_oci(&value, Some("fuzz.json"));
    if kube::is_kube(&value) {
        let _ = kube::read_value(&value, Some("fuzz.json"));
    }
    match read_json_value(&value, Some("fuzz.json")) {
        Ok(artifacts) => {
            assert_eq!(answer["type"], "artifacts", "{answer}");
            let mut unplaced = answer["artifacts"].clone();
            for a in unplaced.as_array_mut().into_iter().flatten() {
                a.as_object_mut().map(|a| a.remove("line"));
            }
            assert_eq!(
                unplaced,
                serde_json::to_value(&artifacts).expect("artifacts serialize"),
            );
            for a in &artifacts {
                assert!(!a.kind.is_empty(), "an artifact without a kind: {a:?}");
            }
            let report: serde_json::Value =
                serde_json::from_str(&api::check_json(policy(), &artifacts, None))
                    .expect("reports are JSON");
            assert_eq!(report["type"], "report", "{report}");
            let cards: serde_json::Value =
                serde_json::from_str(&api::cards_json(policy(), &artifacts, None))
                    .expect("cards are JSON");
            assert_eq!(cards["type"], "cards", "{cards}");
        }
        Err(e) => {
            assert_eq!(answer["type"], "read_error", "{answer}");
            assert_eq!(answer["message"], e.message.as_str());
            assert!(!e.message.is_empty());
        }
    }
});

//! # imprint-kubewarden
//!
//! imprint as a [Kubewarden](https://kubewarden.io) admission policy: the
//! same engine and policies as `imprint check`, run by Kubewarden's
//! policy-server on every Pod and workload the cluster is asked to admit.
//!
//! The module is a waPC guest built for `wasm32-unknown-unknown` on
//! `wapc-guest` alone (`kubewarden/build.sh`). Its `wapc_init` registers:
//!
//! | waPC function | in | out |
//! |---|---|---|
//! | `validate` | `{"request": AdmissionRequest, "settings": …}` | `ValidationResponse` ([`admission`]) |
//! | `validate_settings` | the settings | `{"valid", "message"}` ([`settings`]) |
//! | `protocol_version` | nothing | `"v1"` |
//! | `imprint_run` | a request of imprint's JSON API | its answer (`imprint_core::api::run_json`, as the npm package's `run`) |
//!
//! Everything but the waPC glue (`src/guest.rs`, wasm32 only) is plain Rust,
//! tested natively; `kubewarden/tests/` runs the built module under a waPC
//! host on the workspace's wasmtime.

pub mod admission;
pub mod metadata;
pub mod settings;

#[cfg(target_arch = "wasm32")]
mod guest;

pub use admission::{validate, Registry};
pub use settings::validate_settings;

/// `protocol_version`: the waPC protocol this policy speaks, as JSON
/// (kubewarden-policy-sdk's `ProtocolVersion::V1`).
pub fn protocol_version() -> Vec<u8> {
    br#""v1""#.to_vec()
}

/// `imprint_run`: one request of imprint's JSON API in, its answer out
/// (what the npm package's `run` and the CLI's wasmtime engine answer).
pub fn run(payload: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(payload) {
        Ok(text) => imprint_core::api::run_json(text).into_bytes(),
        Err(_) => br#"{"type":"bad_request","message":"request is not UTF-8"}"#.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn protocol_version_is_v1() {
        assert_eq!(super::protocol_version(), b"\"v1\"");
    }

    #[test]
    fn run_answers_the_json_api() {
        let a = super::run(br#"{"op":"validate","policy":"{\"name\":\"p\",\"values\":{}}"}"#);
        let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
        assert_eq!(v["type"], "policy");
        let bad: serde_json::Value = serde_json::from_slice(&super::run(&[0xff])).unwrap();
        assert_eq!(bad["type"], "bad_request");
    }
}

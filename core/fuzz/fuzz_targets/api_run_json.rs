//! Arbitrary text at the JSON boundary: `api::run_json` always answers a
//! JSON object with a string `type`, never panics.
#![no_main]

use imprint_core::api;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let answer = api::run_json(&text);
    let v: serde_json::Value = match serde_json::from_str(&answer) {
        Ok(v) => v,
        Err(e) => panic!("answer is not JSON ({e}): {answer}"),
    };
    assert!(v["type"].is_string(), "answer without a string `type`: {answer}");
});

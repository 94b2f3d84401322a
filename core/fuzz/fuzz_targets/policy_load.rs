//! Arbitrary bytes as a policy: `Policy::from_json` returns a policy or
//! every problem (each with a message and a `$` path), never panics. A
//! policy that loads derives deterministically from an empty context.
#![no_main]

use imprint_core::{api, Context, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Policy::from_json(&text, "fuzz") {
        Ok(policy) => {
            let _ = policy.inputs();
            let ctx = Context::default();
            let a = api::derive_json(&policy, &ctx);
            let b = api::derive_json(&policy, &ctx);
            assert_eq!(a, b, "derivation is not deterministic");
        }
        Err(e) => {
            assert_eq!(e.origin, "fuzz");
            assert!(!e.problems.is_empty(), "a policy error without problems");
            for p in &e.problems {
                assert!(!p.message.is_empty(), "a problem without a message: {p:?}");
                assert!(!p.code.is_empty(), "a problem without a code: {p:?}");
                assert!(p.path.starts_with('$'), "a problem path not at `$`: {p:?}");
            }
        }
    }
});

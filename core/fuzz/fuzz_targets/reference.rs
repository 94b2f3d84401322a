//! Arbitrary text as an image reference: a reference that parses prints
//! back as written, its normalized form parses too, and normalizing is
//! idempotent. `validate` agrees with `parse`.
#![no_main]

use imprint_core::Reference;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parsed = Reference::parse(text);
    assert_eq!(parsed.is_ok(), Reference::validate(text).is_ok());
    let Ok(r) = parsed else { return };
    assert_eq!(r.to_string(), text, "does not print back as written");
    let n = r.normalized();
    let printed = n.to_string();
    let reparsed = match Reference::parse(&printed) {
        Ok(p) => p,
        Err(e) => panic!("`{text}` normalizes to `{printed}`, which does not parse: {e}"),
    };
    assert_eq!(reparsed, n, "the normalized reference parses differently");
    assert_eq!(n.normalized(), n, "normalizing is not idempotent");
});

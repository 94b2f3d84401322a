//! The builtin imprint policies, embedded at compile time so the CLI, the
//! WebAssembly package and the tests can load them by name.
//!
//! The files themselves live beside this crate (`policies/*.json`); the
//! language is documented in `policies/README.md`.

/// `(name, JSON text)` of every builtin policy.
pub static BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../default.json")),
    ("vllm", include_str!("../vllm.json")),
    ("obol-stack", include_str!("../obol-stack.json")),
    ("airunway", include_str!("../airunway.json")),
];

/// The JSON text of the builtin policy called `name`.
///
/// ```
/// assert!(imprint_policies::builtin("vllm").is_some());
/// assert!(imprint_policies::builtin("nope").is_none());
/// ```
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Names of the builtin policies.
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(n, _)| *n)
}

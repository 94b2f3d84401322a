//! Runs every conformance vector against the native engine.

use imprint_conformance::{run_all, vector_files, Native};

#[test]
fn all_vectors_pass_natively() {
    assert!(vector_files().len() >= 6, "vector files missing");
    let (cases, failures) = run_all(&mut Native);
    eprintln!(
        "conformance (native): {cases} cases, {} failures",
        failures.len()
    );
    assert!(cases > 0, "no cases ran");
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

//! `cargo bench -p imprint-core --bench check`: the median time to check one
//! `docker inspect` record against the builtin `vllm` policy, and the time
//! to check 100,000 image references.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a bench that cannot run stops with a message"
)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_macros,
    reason = "a bench reads the clock and prints its figures"
)]

use imprint_core::check::check;
use imprint_core::{Artifact, Policy};
use std::hint::black_box;

mod common;
use common::measure;

/// The `docker inspect` record the Node bench (wasm/bench.mjs) and the
/// wasmtime bench read too, so the three compare the same work.
const INSPECT: &str = include_str!("../../tests/data/docker-inspect-vllm.json");

fn main() {
    let vllm = Policy::from_json(imprint_policies::builtin("vllm").unwrap(), "vllm").unwrap();
    let value: serde_json::Value = serde_json::from_str(INSPECT).unwrap();
    let artifacts = imprint_core::read::read_json_value(&value, Some("inspect.json")).unwrap();
    assert_eq!(artifacts.len(), 1);
    let report = check(&vllm, &artifacts, None);
    assert_eq!(report.errors, 0, "{report:?}");

    measure(
        "native.check.read",
        "check one docker inspect record (vllm, read)",
        &mut || {
            black_box(check(black_box(&vllm), black_box(&artifacts), None));
        },
    );
    let arts_json = serde_json::to_string(&artifacts).unwrap();
    measure(
        "native.check.json",
        "check one inspect record, JSON in, JSON answer out",
        &mut || {
            let a: Vec<Artifact> = serde_json::from_str(black_box(&arts_json)).unwrap();
            black_box(imprint_core::api::check_json(&vllm, &a, None));
        },
    );
    measure(
        "native.check.readcheck",
        "read + check one docker inspect record (vllm)",
        &mut || {
            let v: serde_json::Value = serde_json::from_str(black_box(INSPECT)).unwrap();
            let a = imprint_core::read::read_json_value(&v, Some("inspect.json")).unwrap();
            black_box(check(&vllm, &a, None));
        },
    );

    let obol = Policy::from_json(imprint_policies::builtin("obol-stack").unwrap(), "obol").unwrap();
    let tags = ["dev-0123456789ab", "latest", "b13254e", "v0.4.1"];
    let bases = [
        "ghcr.io/obolnetwork/x402-buyer",
        "ghcr.io/obolnetwork/x402-verifier",
        "docker.io/library/nginx",
        "quay.io/prometheus/node-exporter",
    ];
    let refs: Vec<Artifact> = (0..100_000)
        .map(|i| Artifact {
            kind: "container".into(),
            name: format!("pod-{i}"),
            reference: Some(format!("{}:{}", bases[i % 4], tags[(i / 4) % 4])),
            ..Artifact::default()
        })
        .collect();
    let t = measure(
        "native.check.100k",
        "check 100,000 references (obol-stack rules)",
        &mut || {
            black_box(check(black_box(&obol), black_box(&refs), None));
        },
    );
    println!("  = {:.1} ms for 100,000 references", t.as_secs_f64() * 1e3);
    let texts: Vec<&str> = refs.iter().filter_map(|a| a.reference.as_deref()).collect();
    let t = measure(
        "native.validate.100k",
        "validate 100,000 references",
        &mut || {
            for r in &texts {
                black_box(imprint_core::Reference::validate(black_box(r)).is_ok());
            }
        },
    );
    println!("  = {:.1} ms for 100,000 references", t.as_secs_f64() * 1e3);
}

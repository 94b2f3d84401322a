//! `cargo bench -p imprint-core --bench check`: the median time to check one
//! `docker inspect` record against the builtin `vllm` policy, and the time
//! to check 100,000 image references.

use imprint_core::check::check;
use imprint_core::{Artifact, Policy};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn per_call(batch: u32, f: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..batch {
        f();
    }
    start.elapsed() / batch
}

fn measure(name: &str, f: &mut dyn FnMut()) -> Duration {
    let mut batch = 1u32;
    while per_call(batch, f) * batch < Duration::from_millis(10) && batch < (1 << 24) {
        batch *= 2;
    }
    let mut samples: Vec<Duration> = (0..101).map(|_| per_call(batch, f)).collect();
    samples.sort();
    let med = samples[50];
    println!(
        "{name:<52} median {:>10.3} µs   (min {:.3}, max {:.3}; {batch} calls x 101 batches)",
        med.as_secs_f64() * 1e6,
        samples[0].as_secs_f64() * 1e6,
        samples[100].as_secs_f64() * 1e6,
    );
    med
}

const INSPECT: &str = r#"[{"Id":"sha256:1111111111111111111111111111111111111111111111111111111111111111",
  "RepoTags":["vllm/vllm-openai:v0.20.0-cu130-ubuntu2404"],
  "RepoDigests":["vllm/vllm-openai@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  "Config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","VLLM_BUILD_COMMIT=3f1a4bb639a9b65e2634a6529c90da36944d6472","VLLM_BUILD_PIPELINE=pipe-uuid","VLLM_BUILD_URL=https://buildkite.com/vllm/release/builds/1","VLLM_IMAGE_TAG=vllm/vllm-openai:v0.20.0-cu130-ubuntu2404"],
   "Labels":{"org.opencontainers.image.source":"https://github.com/vllm-project/vllm","org.opencontainers.image.revision":"3f1a4bb639a9b65e2634a6529c90da36944d6472","org.opencontainers.image.version":"vllm/vllm-openai:v0.20.0-cu130-ubuntu2404","org.opencontainers.image.url":"https://buildkite.com/vllm/release/builds/1","ai.vllm.build.commit":"3f1a4bb639a9b65e2634a6529c90da36944d6472","ai.vllm.build.pipeline":"pipe-uuid","ai.vllm.build.url":"https://buildkite.com/vllm/release/builds/1","ai.vllm.image.tag":"vllm/vllm-openai:v0.20.0-cu130-ubuntu2404"}}}]"#;

fn main() {
    let vllm = Policy::from_json(imprint_policies::builtin("vllm").unwrap(), "vllm").unwrap();
    let value: serde_json::Value = serde_json::from_str(INSPECT).unwrap();
    let artifacts = imprint_core::read::read_json_value(&value, Some("inspect.json")).unwrap();
    assert_eq!(artifacts.len(), 1);
    let report = check(&vllm, &artifacts, None);
    assert_eq!(report.errors + report.warnings, 0, "{report:?}");

    measure("check one docker inspect record (vllm, read)", &mut || {
        black_box(check(black_box(&vllm), black_box(&artifacts), None));
    });
    let arts_json = serde_json::to_string(&artifacts).unwrap();
    measure(
        "check one inspect record, JSON in, JSON answer out",
        &mut || {
            let a: Vec<Artifact> = serde_json::from_str(black_box(&arts_json)).unwrap();
            black_box(imprint_core::api::check_json(&vllm, &a, None));
        },
    );
    measure("read + check one docker inspect record (vllm)", &mut || {
        let v: serde_json::Value = serde_json::from_str(black_box(INSPECT)).unwrap();
        let a = imprint_core::read::read_json_value(&v, Some("inspect.json")).unwrap();
        black_box(check(&vllm, &a, None));
    });

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
    let t = measure("check 100,000 references (obol-stack rules)", &mut || {
        black_box(check(black_box(&obol), black_box(&refs), None));
    });
    println!("  = {:.1} ms for 100,000 references", t.as_secs_f64() * 1e3);
    let texts: Vec<&str> = refs.iter().filter_map(|a| a.reference.as_deref()).collect();
    let t = measure("validate 100,000 references", &mut || {
        for r in &texts {
            black_box(imprint_core::Reference::validate(black_box(r)).is_ok());
        }
    });
    println!("  = {:.1} ms for 100,000 references", t.as_secs_f64() * 1e3);
}

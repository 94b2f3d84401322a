//! The one timing loop of every bench (`cargo bench`, and `.ci/bench`,
//! which reads the `result` lines into the README's table).

use std::time::{Duration, Instant};

/// The vLLM release build every bench derives (wasm/bench.mjs uses the same
/// context): its environment, `--arg variant=…` and machine.
#[allow(dead_code, reason = "not every bench uses every item")]
pub const VLLM_RELEASE_ENV: &[(&str, &str)] = &[
    ("BUILDKITE", "1"),
    ("BUILDKITE_COMMIT", "abc123"),
    ("BUILDKITE_PIPELINE_ID", "pipe-uuid"),
    ("BUILDKITE_PIPELINE_SLUG", "release"),
    (
        "BUILDKITE_BUILD_URL",
        "https://buildkite.example/vllm/builds/1",
    ),
    ("RELEASE_VERSION", "v0.20.0"),
];
/// See [`VLLM_RELEASE_ENV`].
#[allow(dead_code, reason = "not every bench uses every item")]
pub const VLLM_RELEASE_VARIANT: &str = "cu130-ubuntu2404";

fn per_call(batch: u32, f: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..batch {
        f();
    }
    start.elapsed() / batch
}

/// Runs `f` in 101 batches of N calls (N sized so a batch takes ~10 ms),
/// prints the median per-call time with the fastest and slowest batch, and
/// a `result KEY MICROSECONDS` line for `.ci/bench`; returns the median.
pub fn measure(key: &str, name: &str, f: &mut dyn FnMut()) -> Duration {
    let mut batch = 1u32;
    while per_call(batch, f) * batch < Duration::from_millis(10) && batch < (1 << 24) {
        batch *= 2;
    }
    let mut samples: Vec<Duration> = (0..101).map(|_| per_call(batch, f)).collect();
    samples.sort();
    let med = samples[50];
    println!(
        "{name:<56} median {:>10.3} µs   (min {:.3}, max {:.3}; {batch} calls x 101 batches)",
        med.as_secs_f64() * 1e6,
        samples[0].as_secs_f64() * 1e6,
        samples[100].as_secs_f64() * 1e6,
    );
    println!("result {key} {:.3}", med.as_secs_f64() * 1e6);
    med
}

/// Prints a `result` line for a figure measured another way (in µs).
#[allow(dead_code, reason = "not every bench uses every item")]
pub fn result(key: &str, micros: f64) {
    println!("result {key} {micros:.3}");
}

//! The engine's WebAssembly module under wasmtime: every conformance vector,
//! CLI output byte for byte the same as the native engine, and fuel and
//! memory exhaustion as clear errors. Needs the module `wasm/build.sh`
//! builds (`.ci/run` builds it first).

use crate::common;

use common::{tempdir, write, Imprint};
use imprint_host::engine::{Engine, Wasm};
use std::path::PathBuf;

fn module() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../wasm/pkg/imprint_bg.wasm");
    assert!(
        p.is_file(),
        "{} is missing: build the engine module with `bash wasm/build.sh` first (.ci/run does)",
        p.display()
    );
    p
}

struct Adapter(Wasm);

impl imprint_conformance::Engine for Adapter {
    fn run_json(&mut self, request: &str) -> String {
        self.0
            .run_json(request)
            .unwrap_or_else(|e| panic!("wasm engine failed: {e}"))
    }
}

#[test]
fn every_vector_passes_under_wasmtime() {
    let mut engine = Adapter(Wasm::load(&module()).unwrap());
    let (cases, failures) = imprint_conformance::run_all(&mut engine);
    eprintln!(
        "conformance (wasmtime): {cases} cases, {} failures",
        failures.len()
    );
    assert!(cases > 200, "only {cases} cases ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs the same command with both engines; asserts identical exit code,
/// stdout and stderr.
fn same(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let run = |engine: &str| {
        Imprint::new(dir)
            .args(["--engine", engine, "--wasm-module"])
            .arg_path(module())
            .args(args)
            .envs(env)
            .run()
    };
    let native = run("native");
    let wasm = run("wasm");
    assert_eq!(
        native.code, wasm.code,
        "exit codes differ for {args:?}: {native:#?} {wasm:#?}"
    );
    assert_eq!(native.stdout, wasm.stdout, "stdout differs for {args:?}");
    assert_eq!(native.stderr, wasm.stderr, "stderr differs for {args:?}");
    native
}

#[test]
fn cli_output_is_byte_identical_across_engines() {
    let dir = tempdir();
    let ci = [
        ("BUILDKITE", "1"),
        ("BUILDKITE_COMMIT", "abc123"),
        ("RELEASE_VERSION", "v0.20.0"),
        ("VLLM_BUILD_URL", "https://x.example/?q='a b' $HOME *"),
    ];
    for format in &common::output_formats() {
        let r = same(
            dir.path(),
            &[
                "derive",
                "-p",
                "vllm",
                "-a",
                "variant=cu129",
                "--arch",
                "x86_64",
                "-f",
                format,
            ],
            &ci,
        );
        // The URL holds spaces, which the unquoted `shell` form refuses.
        assert_eq!(
            r.code,
            Some(if format == "shell" { 2 } else { 0 }),
            "{format}"
        );
    }
    same(
        dir.path(),
        &["explain", "-p", "vllm", "--arch", "x86_64"],
        &ci,
    );
    // Errors: an invalid derived reference (exit 2), a broken policy (exit 2).
    let r = same(
        dir.path(),
        &["derive", "-p", "vllm"],
        &[("VLLM_IMAGE_TAG", "Not A Ref")],
    );
    assert_eq!(r.code, Some(2));
    let broken = write(
        dir.path(),
        "broken.json",
        "{\n  \"name\": \"x\",\n  \"values\": {\"v\": {\"form\": []}}\n}\n",
    );
    let r = same(
        dir.path(),
        &["validate", "-p", broken.to_str().unwrap()],
        &[],
    );
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("broken.json:3:"), "{}", r.stderr);
    // check and describe on real inputs.
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
    let manifests = data.join("manifests-obol.yaml");
    for format in ["human", "json", "github", "sarif"] {
        same(
            dir.path(),
            &[
                "check",
                "-p",
                "obol-stack",
                "-f",
                format,
                manifests.to_str().unwrap(),
            ],
            &[],
        );
    }
    let inspect = data.join("docker-inspect-vllm.json");
    same(
        dir.path(),
        &[
            "describe",
            "vllm/vllm-openai:v0.20.0",
            "-p",
            "vllm",
            "--labels-from",
            inspect.to_str().unwrap(),
        ],
        &[],
    );
}

#[test]
fn running_out_of_fuel_is_an_error_not_a_hang() {
    let mut engine = Wasm::load(&module()).unwrap().with_fuel(20_000);
    let req = serde_json::json!({
        "op": "derive",
        "policy": imprint_policies::builtin("vllm").unwrap(),
        "context": {},
    });
    let err = engine.run_json(&req.to_string()).unwrap_err().to_string();
    assert!(err.contains("ran out of fuel"), "{err}");
    // The same engine, with its normal fuel, answers.
    let mut ok = Wasm::load(&module()).unwrap();
    assert!(ok
        .run_json(&req.to_string())
        .unwrap()
        .contains("\"type\":\"derivation\""));
}

#[test]
fn exceeding_the_memory_limit_is_an_error() {
    // A fixed limit: the scaled one grows with the request.
    let mut engine = Wasm::load(&module()).unwrap().with_memory(256 << 20);
    let huge = format!(
        "{{\"op\":\"parse_reference\",\"reference\":\"{}\"}}",
        "a".repeat(300 << 20)
    );
    let err = engine.run_json(&huge).unwrap_err().to_string();
    eprintln!("{err}");
    assert!(err.contains("memory limit"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_missing_module_is_a_clear_error() {
    let dir = tempdir();
    let r = Imprint::new(dir.path())
        .args([
            "--engine",
            "wasm",
            "--wasm-module",
            "nope.wasm",
            "derive",
            "-p",
            "vllm",
        ])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("nope.wasm"), "{}", r.stderr);
}

/// `docker inspect` output of `n` images: the vllm fixture's record (its
/// identity, references and labels), copied with a distinct id each.
fn large_inspect(n: usize) -> String {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
    let text = std::fs::read_to_string(data.join("docker-inspect-vllm.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let r = &v[0];
    let records: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "Id": format!("sha256:{i:064x}"),
                "RepoTags": [r["RepoTags"][0]],
                "Config": { "Labels": r["Config"]["Labels"] },
            })
        })
        .collect();
    serde_json::to_string(&records).unwrap()
}

#[test]
fn a_large_inspect_gives_the_same_answer_on_both_engines() {
    // Issue 11 #11: 30k images (about 9 MB) ran the wasm engine out of
    // fuel, blaming the policy, where the native engine answered.
    let dir = tempdir();
    let inspect = large_inspect(30_000);
    assert!(inspect.len() > 8 << 20, "{} bytes", inspect.len());
    let file = write(dir.path(), "inspect.json", &inspect);
    for format in ["human", "json"] {
        let r = same(
            dir.path(),
            &["check", "-p", "vllm", "-f", format, file.to_str().unwrap()],
            &[],
        );
        assert!(matches!(r.code, Some(0 | 1)), "{r:#?}");
        assert!(r.stdout.len() > 30_000, "{} bytes", r.stdout.len());
    }
}

#[test]
fn running_out_of_fuel_names_the_limit_not_the_policy() {
    // With too little fuel for the request, the message names what ran
    // out and how much there was, and does not blame the policy.
    let mut engine = Wasm::load(&module()).unwrap().with_fuel(20_000);
    let req = serde_json::json!({
        "op": "check",
        "policy": imprint_policies::builtin("vllm").unwrap(),
        "artifacts": [],
    });
    let err = engine.run_json(&req.to_string()).unwrap_err().to_string();
    eprintln!("{err}");
    assert!(err.contains("fuel"), "{err}");
    assert!(!err.contains("the policy ran out"), "{err}");
    assert!(
        err.contains(&format!("{} bytes", req.to_string().len())),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

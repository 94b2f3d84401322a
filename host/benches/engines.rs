//! `cargo bench -p imprint-host --bench engines`: the same requests through
//! the native engine and through the `.wasm` under wasmtime (as
//! `imprint --engine wasm` runs it: a fresh store and instance per request,
//! fuel and memory limits on), the module's load time, and the CLI end to
//! end (process start included) against a hand-written bash script doing
//! vLLM's derivation (`benches/vllm-metadata-args.sh`). Needs
//! `wasm/build.sh` and `cargo build --release -p imprint-host` first
//! (`.ci/bench` does both).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a bench that cannot run stops with a message"
)]

use imprint_host::engine::{Engine, Native, Wasm};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "../../core/benches/common/mod.rs"]
mod common;
use common::{measure, result, VLLM_RELEASE_ENV as RELEASE_ENV, VLLM_RELEASE_VARIANT};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Median wall time of `runs` runs of a command, in µs, and its last stdout.
fn time_command(runs: usize, make: &dyn Fn() -> Command) -> (f64, String) {
    let mut out = String::new();
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let mut c = make();
            let t = Instant::now();
            let o = c.output().expect("command runs");
            let dt = t.elapsed().as_secs_f64() * 1e6;
            assert!(
                o.status.success(),
                "{:?}: {}",
                c,
                String::from_utf8_lossy(&o.stderr)
            );
            out = String::from_utf8_lossy(&o.stdout).into_owned();
            dt
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    (samples[runs / 2], out)
}

fn main() {
    let root = root();
    let module = root.join("wasm/pkg/imprint_bg.wasm");
    let policy = imprint_policies::builtin("vllm").unwrap();
    let context = serde_json::json!({
        "env": RELEASE_ENV.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect::<serde_json::Map<_, _>>(),
        "args": { "variant": VLLM_RELEASE_VARIANT },
        "arch": "x86_64",
    });
    let derive =
        serde_json::json!({ "op": "derive", "policy": policy, "context": context }).to_string();
    let inspect =
        std::fs::read_to_string(root.join("tests/data/docker-inspect-vllm.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&inspect).unwrap();
    let artifacts = imprint_core::read::read_json_value(&value, Some("inspect.json")).unwrap();
    let check =
        serde_json::json!({ "op": "check", "policy": policy, "artifacts": artifacts }).to_string();

    // Module load: compile (empty cache) and map the precompiled module (warm).
    let cache = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_CACHE_HOME", cache.path());
    let t = Instant::now();
    let mut wasm = Wasm::load(&module).unwrap();
    let cold = t.elapsed().as_secs_f64() * 1e6;
    println!(
        "{:<56} {:>10.1} ms",
        "wasmtime: compile the module (empty cache)",
        cold / 1e3
    );
    result("wasmtime.load.cold", cold);
    let mut warm: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            black_box(Wasm::load(&module).unwrap());
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    warm.sort_by(f64::total_cmp);
    println!(
        "{:<56} {:>10.3} ms (median of 21)",
        "wasmtime: load the precompiled module (warm)",
        warm[10] / 1e3
    );
    result("wasmtime.load.warm", warm[10]);

    // One request each, policy text included (what `imprint` sends).
    let mut native = Native;
    let (a, b) = (
        native.run_json(&derive).unwrap(),
        wasm.run_json(&derive).unwrap(),
    );
    assert_eq!(a, b, "the engines disagree");
    assert!(a.starts_with(r#"{"type":"derivation""#), "{a}");
    assert_eq!(
        native.run_json(&check).unwrap(),
        wasm.run_json(&check).unwrap()
    );
    measure(
        "native.run.derive",
        "native: derive vllm request (policy loaded per request)",
        &mut || {
            black_box(native.run_json(black_box(&derive)).unwrap());
        },
    );
    measure(
        "wasmtime.run.derive",
        "wasmtime: derive vllm request (fresh instance)",
        &mut || {
            black_box(wasm.run_json(black_box(&derive)).unwrap());
        },
    );
    measure(
        "native.run.check",
        "native: check one inspect record request",
        &mut || {
            black_box(native.run_json(black_box(&check)).unwrap());
        },
    );
    measure(
        "wasmtime.run.check",
        "wasmtime: check one inspect record request",
        &mut || {
            black_box(wasm.run_json(black_box(&check)).unwrap());
        },
    );
    let empty = r#"{"op":"parse_reference","reference":"a"}"#;
    measure(
        "wasmtime.run.empty",
        "wasmtime: a trivial request (instantiation cost)",
        &mut || {
            black_box(wasm.run_json(black_box(empty)).unwrap());
        },
    );

    // The CLI end to end against the bash script, process start included.
    let imprint = root.join("target/release/imprint");
    let script = root.join("host/benches/vllm-metadata-args.sh");
    let with_env = |mut c: Command| {
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        c.env("HOME", cache.path());
        for (k, v) in RELEASE_ENV {
            c.env(k, v);
        }
        c
    };
    let runs = 101;
    let (bash, bash_out) = time_command(runs, &|| {
        let mut c = with_env(Command::new("bash"));
        c.arg(&script).arg(VLLM_RELEASE_VARIANT);
        c
    });
    let cli = |engine: &'static str| {
        let imprint = imprint.clone();
        let module = module.clone();
        move || {
            let mut c = with_env(Command::new(&imprint));
            c.args(["--engine", engine, "--wasm-module"]).arg(&module);
            c.args(["derive", "--policy", "vllm", "--arg"])
                .arg(format!("variant={VLLM_RELEASE_VARIANT}"));
            c
        }
    };
    let (native_cli, native_out) = time_command(runs, &cli("native"));
    let (wasm_cli, wasm_out) = time_command(runs, &cli("wasm"));
    assert_eq!(native_out, bash_out, "imprint and the bash script disagree");
    assert_eq!(native_out, wasm_out);
    // `imprint derive --policy default` against `git describe` in this
    // checkout: the git facts a release pipeline waits for.
    let in_repo = |program: &std::path::Path, args: &'static [&'static str]| {
        let program = program.to_owned();
        let root = root.clone();
        move || {
            let mut c = Command::new(&program);
            c.args(args).current_dir(&root);
            c
        }
    };
    let (describe, _) = time_command(
        runs,
        &in_repo(
            std::path::Path::new("git"),
            &["describe", "--tags", "--dirty", "--always"],
        ),
    );
    let (default_cli, default_out) =
        time_command(runs, &in_repo(&imprint, &["derive", "--policy", "default"]));
    // The npm CLI (Node over the engine module with the command line),
    // beside the native one: the same two command lines.
    let npm_cli = root.join("cli/dist/imprint.cjs");
    let node = std::path::Path::new("node");
    let (npm_default, npm_default_out) = time_command(runs, &{
        let npm_cli = npm_cli.clone();
        let root = root.clone();
        move || {
            let mut c = Command::new(node);
            c.arg(&npm_cli)
                .args(["derive", "--policy", "default"])
                .current_dir(&root);
            c
        }
    });
    assert_eq!(
        default_out, npm_default_out,
        "the npm CLI and the native CLI disagree"
    );
    let (npm_vllm, npm_vllm_out) = time_command(runs, &{
        let npm_cli = npm_cli.clone();
        move || {
            let mut c = with_env(Command::new(node));
            c.arg(&npm_cli)
                .args(["derive", "--policy", "vllm", "--arg"])
                .arg(format!("variant={VLLM_RELEASE_VARIANT}"));
            c
        }
    });
    assert_eq!(
        native_out, npm_vllm_out,
        "the npm CLI and the native CLI disagree"
    );
    for (key, name, v) in [
        (
            "git.describe",
            "git describe --tags --dirty --always (this checkout)",
            describe,
        ),
        (
            "cli.default",
            "imprint derive --policy default (this checkout)",
            default_cli,
        ),
        (
            "npm.default",
            "node cli/dist/imprint.cjs derive --policy default",
            npm_default,
        ),
        (
            "bash.script",
            "bash vllm-metadata-args.sh cu130-ubuntu2404",
            bash,
        ),
        (
            "npm.vllm",
            "node cli/dist/imprint.cjs derive --policy vllm",
            npm_vllm,
        ),
        (
            "cli.native",
            "imprint derive --policy vllm (native)",
            native_cli,
        ),
        (
            "cli.wasm",
            "imprint --engine wasm derive --policy vllm",
            wasm_cli,
        ),
    ] {
        println!(
            "{name:<56} median {:>10.3} ms   ({runs} runs, process start included)",
            v / 1e3
        );
        result(key, v);
    }
}

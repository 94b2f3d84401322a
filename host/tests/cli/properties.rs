//! Property tests of the CLI and the engines on generated inputs:
//! `imprint pin` is idempotent and leaves nothing behind, and the native
//! engine and the WebAssembly engine under wasmtime give byte-identical
//! answers to generated derive, check, describe and parse_reference
//! requests. Case counts are modest: each case starts processes or
//! instantiates the module. Needs the module `wasm/build.sh` builds.

use crate::common;

use common::{snapshot, tempdir, wasm_module, Imprint};
use imprint_core::{command_key, Policy};
use imprint_host::engine::{Engine, Native, Wasm};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};
use std::os::unix::fs::PermissionsExt;

const BUILTINS: [&str; 4] = ["vllm", "obol-stack", "airunway", "default"];
const DIGEST: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn builtin(name: &str) -> Policy {
    Policy::from_json(imprint_policies::builtin(name).unwrap(), name).unwrap()
}

/// Plausible CI values and arbitrary text.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-z0-9][a-z0-9._-]{0,12}",
        2 => "v?[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,3}",
        2 => "[0-9a-f]{7,40}",
        2 => prop::sample::select(vec![
            "", " ", "1", "true", "cu129", "cu130-ubuntu2404", "x86_64", "dynamo",
            "feature/x y", "ghcr.io/me/app", "-x", "a\nb", "1700000000", "é",
        ])
        .prop_map(str::to_owned),
        2 => "\\PC{0,16}",
        1 => "(?s:.{0,8})",
    ]
    .boxed()
}

/// YAML-ish text with pins of `images` (hex tags, digests, both, earlier
/// dev tags, `latest`, malformed pins) and near misses.
fn pin_text(images: Vec<String>) -> impl Strategy<Value = String> {
    let image = prop::sample::select(images);
    let suffix = prop_oneof![
        "[0-9a-f]{7,40}".prop_map(|h| format!(":{h}")),
        "[0-9a-f]{12}".prop_map(|h| format!(":dev-{h}")),
        Just(format!("@sha256:{DIGEST}")),
        "[0-9a-f]{7}".prop_map(|h| format!(":{h}@sha256:{DIGEST}")),
        "[0-9a-f]{7}".prop_map(|h| format!(":{h}@sha256:abc")),
        Just(":latest".to_owned()),
        Just(":v1.2.3".to_owned()),
    ];
    let line = prop_oneof![
        3 => (prop::sample::select(vec!["image: ", "  - ", "mirror.example/", "value: \""]), image, suffix)
            .prop_map(|(pre, i, s)| format!("{pre}{i}{s}\n")),
        1 => "[a-z: #é-]{0,20}\n",
    ];
    prop::collection::vec(line, 0..8).prop_map(|v| v.concat())
}

#[test]
fn pin_is_idempotent_and_leaves_no_residue() {
    let spec = builtin("obol-stack").pin().unwrap().clone();
    let files = prop::collection::vec(
        (
            pin_text(spec.images.clone()),
            prop::sample::select(vec![0o644u32, 0o600, 0o640, 0o755]),
        ),
        4,
    );
    let strategy = (files, "[0-9a-f]{12}");
    let names = ["a.yaml", "b.yml", "sub/c.YAML", "notes.txt"];
    runner(32)
        .run(&strategy, |(files, hex)| {
            let dir = tempdir();
            for ((content, mode), name) in files.iter().zip(names) {
                let p = common::write(dir.path(), name, content);
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(*mode)).unwrap();
            }
            let before = snapshot(dir.path());
            let tag = format!("dev-{hex}");
            let pin = |check: bool| {
                let mut i = Imprint::new(dir.path()).args([
                    "pin",
                    "--policy",
                    "obol-stack",
                    "--dir",
                    ".",
                    "--tag",
                    &tag,
                ]);
                if check {
                    i = i.args(["--check"]);
                }
                i.run()
            };
            let first = pin(false);
            prop_assert_eq!(first.code, Some(0), "{:#?}", first);
            let once = snapshot(dir.path());
            // Exactly the files that were there: no temporary residue.
            prop_assert_eq!(
                once.keys().collect::<Vec<_>>(),
                before.keys().collect::<Vec<_>>()
            );
            for (name, (mode, bytes)) in &once {
                let (old_mode, old) = &before[name];
                prop_assert_eq!(mode, old_mode, "{} keeps its mode", name);
                let (Some(bytes), Some(old)) = (bytes, old) else {
                    prop_assert_eq!(bytes, old, "{} is a directory on both sides", name);
                    continue;
                };
                let expected = if name.ends_with(".txt") {
                    old.clone()
                } else {
                    imprint_core::rewrite_pins_bytes(old, &spec.images, &tag, &spec.also_tags).0
                };
                prop_assert_eq!(bytes, &expected, "{}", name);
            }
            // One line per change, and none when nothing changed.
            prop_assert_eq!(first.stdout.is_empty(), once == before);
            // Pinning twice is pinning once: nothing reported, nothing changed.
            let second = pin(false);
            prop_assert_eq!(second.code, Some(0));
            prop_assert_eq!(&second.stdout, "");
            prop_assert_eq!(snapshot(dir.path()), once.clone());
            let check = pin(true);
            prop_assert_eq!(check.code, Some(0), "{:#?}", check);
            prop_assert_eq!(snapshot(dir.path()), once);
            Ok(())
        })
        .unwrap();
}

/// A context for `policy`: each input it reads set to generated text, or
/// not.
fn context_for(policy: &Policy) -> BoxedStrategy<Value> {
    let inputs = policy.inputs();
    let opt = || prop::option::weighted(0.8, text());
    let n = inputs.env.len() + inputs.git.len() + inputs.files.len() + inputs.commands.len();
    let args: Vec<String> = policy.args().iter().map(|a| a.name.clone()).collect();
    (
        prop::collection::vec(opt(), n),
        prop::collection::vec(opt(), args.len()),
        opt(),
    )
        .prop_map(move |(vals, argv, arch)| {
            let mut vals = vals.into_iter();
            let mut take = |keys: Vec<String>, f: &dyn Fn(String) -> Value| -> Map<String, Value> {
                keys.into_iter()
                    .filter_map(|k| vals.next().flatten().map(|v| (k, f(v))))
                    .collect()
            };
            let env = take(inputs.env.clone(), &|v| v.into());
            let git = take(inputs.git.iter().map(|f| f.key()).collect(), &|v| v.into());
            let files = take(inputs.files.clone(), &|v| {
                format!("module {v}\nDYNAMO_VERSION={v}\nVLLM_VERSION={v}\n").into()
            });
            let commands = take(inputs.commands.iter().map(|a| command_key(a)).collect(), &|v| {
                json!({ "outcome": "output", "stdout": v })
            });
            let args: Map<String, Value> = args
                .iter()
                .zip(argv)
                .filter_map(|(k, v)| v.map(|v| (k.clone(), v.into())))
                .collect();
            json!({ "env": env, "git": git, "files": files, "commands": commands, "args": args, "arch": arch })
        })
        .boxed()
}

/// Fact paths (`label:…`, `env:…`, `xflag:…`, `field:…`) a policy's rules
/// and card read, found in its text; `*` in them becomes generated text.
fn fact_keys(text: &str) -> Vec<String> {
    let mut out = vec![
        "label:org.opencontainers.image.revision".to_owned(),
        "field:status.version".to_owned(),
    ];
    for prefix in ["label:", "env:", "xflag:", "field:"] {
        for (i, _) in text.match_indices(prefix) {
            let key: String = text[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "_.-/*:".contains(*c))
                .collect();
            if key.len() > prefix.len() && !out.contains(&key) {
                out.push(key);
            }
        }
    }
    out
}

/// An image reference, valid or not.
fn reference() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (
            prop::sample::select(vec!["", "ghcr.io/", "localhost:5000/", "docker.io/", "Reg.Example/", "public.ecr.aws/q9t5s3a7/"]),
            "[a-z0-9]{1,8}((\\.|_|__|-+)[a-z0-9]{1,4})?(/[a-z0-9-]{1,10}){0,2}",
            prop::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}"),
            prop::option::of(prop::sample::select(vec![DIGEST.to_owned(), "abc".to_owned(), DIGEST.to_uppercase()])),
        )
            .prop_map(|(d, p, t, g)| {
                let mut s = format!("{d}{p}");
                if let Some(t) = t {
                    s.push(':');
                    s.push_str(&t);
                }
                if let Some(g) = g {
                    s.push_str("@sha256:");
                    s.push_str(&g);
                }
                s
            }),
        1 => "[a-zA-Z0-9:/@._ -]{0,30}",
        1 => "\\PC{0,20}",
    ]
}

fn artifact(keys: Vec<String>) -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["image", "container", "binary", "object"]),
        text(),
        prop::option::of(reference()),
        prop::collection::vec((prop::sample::select(keys), text(), "[a-z.]{1,10}"), 0..8),
    )
        .prop_map(|(kind, name, reference, facts)| {
            let mut a = json!({ "kind": kind, "name": name, "reference": reference });
            for (key, value, star) in facts {
                let key = key.replace('*', &star);
                let (section, k) = match key.split_once(':') {
                    Some(("label", k)) => ("labels", k),
                    Some(("env", k)) => ("env", k),
                    Some(("xflag", k)) => ("xflags", k),
                    Some((_, k)) => ("fields", k),
                    None => continue,
                };
                if a.get(section).is_none() {
                    a[section] = json!({});
                }
                a[section][k] = value.into();
            }
            a
        })
}

#[test]
fn native_and_wasm_engines_agree_on_generated_requests() {
    let wasm = std::cell::RefCell::new(Wasm::load(&wasm_module()).unwrap());
    let compared = std::cell::Cell::new(0usize);
    let same = |request: &Value| -> Result<(), TestCaseError> {
        let text = request.to_string();
        let native = Native.run_json(&text).unwrap();
        let answer = wasm
            .borrow_mut()
            .run_json(&text)
            .map_err(|e| TestCaseError::fail(format!("wasm failed: {e}")))?;
        prop_assert_eq!(&native, &answer, "request {}", text);
        compared.set(compared.get() + 1);
        Ok(())
    };
    for name in BUILTINS {
        let policy = builtin(name);
        let text = imprint_policies::builtin(name).unwrap();
        let keys = fact_keys(text);
        let strategy = (
            context_for(&policy),
            prop::collection::vec(artifact(keys), 1..4),
            reference(),
            any::<bool>(),
        );
        runner(48)
            .run(&strategy, |(ctx, artifacts, r, derive)| {
                same(&json!({ "op": "derive", "policy": text, "context": ctx }))?;
                same(&json!({ "op": "explain", "policy": text, "context": ctx }))?;
                let context = if derive { ctx.clone() } else { Value::Null };
                same(&json!({ "op": "check", "policy": text, "artifacts": artifacts, "context": context }))?;
                let labels = artifacts[0].get("labels").cloned().unwrap_or(json!({}));
                same(&json!({ "op": "describe", "policy": text, "reference": r, "labels": labels }))?;
                same(&json!({ "op": "parse_reference", "reference": r }))
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    eprintln!("{} requests answered identically", compared.get());
}

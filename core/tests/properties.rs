//! Property tests of the engine on generated inputs: every tag imprint
//! emits is a valid OCI reference whose tag satisfies the tag grammar
//! (checked here by an independent implementation of the grammar), the
//! `tag` format and the output check accept exactly that grammar,
//! derivation is deterministic, digest pinning is idempotent, and glob
//! matching agrees with a plain dynamic-programming matcher.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a failing test panics"
)]

use imprint_core::{
    api, command_key, derive, glob_match, rewrite_pins, sanitize_tag, CommandOutcome, Context,
    Policy, Reference,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::cell::Cell;
use std::collections::BTreeMap;

const BUILTINS: [&str; 4] = ["vllm", "obol-stack", "airunway", "default"];

/// The OCI tag grammar `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, written out
/// independently of the engine's `is_valid_tag`.
fn oci_tag(s: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = s.chars();
    s.len() <= 128
        && chars.next().is_some_and(word)
        && chars.all(|c| word(c) || c == '.' || c == '-')
}

/// Text that exercises policies: plausible CI values and arbitrary text.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        5 => "[a-z0-9][a-z0-9._-]{0,12}",
        2 => "[a-z0-9._/-]{0,24}",
        2 => "v?[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,3}(-rc[0-9])?",
        2 => "[0-9a-f]{7,40}",
        2 => prop::sample::select(vec![
            "", " ", "1", "0", "true", "main", "feature/login page", "cu129",
            "cu130-ubuntu2404", "cpu", "x86_64", "aarch64", ".hidden", "-dash", "UPPER",
            "ghcr.io/me/app", "Not A Ref", "v", "vv1.0", "dynamo", "latest",
            "https://x.example/b/1?q='a b'", "a\nb", "1700000000",
        ])
        .prop_map(str::to_owned),
        2 => "\\PC{0,16}",
        1 => "(?s:.{0,12})",
    ]
    .boxed()
}

/// A dotenv file with the version keys the builtin policies read.
fn dotenv() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(vec![
                "DYNAMO_VERSION",
                "LLMD_VERSION",
                "VLLM_VERSION",
                "GAIE_VERSION",
                "OTHER",
            ]),
            text(),
        ),
        0..5,
    )
    .prop_map(|kv| {
        kv.into_iter()
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect::<String>()
    })
}

/// A context for `policy`: each input it reads is set (to generated text)
/// or not.
fn context_for(policy: &Policy) -> BoxedStrategy<Context> {
    let inputs = policy.inputs();
    let opt = || prop::option::weighted(0.8, text());
    let env = prop::collection::vec(opt(), inputs.env.len());
    let git = prop::collection::vec(opt(), inputs.git.len());
    let file = |path: &str| {
        let content = if path.ends_with("go.mod") {
            prop_oneof![
                4 => text().prop_map(|m| format!("module {m}\n\ngo 1.24\n")),
                1 => text(),
            ]
            .boxed()
        } else {
            prop_oneof![3 => dotenv(), 1 => text()].boxed()
        };
        prop::option::weighted(0.8, content)
    };
    let files: Vec<_> = inputs.files.iter().map(|p| file(p)).collect();
    let commands = prop::collection::vec(opt(), inputs.commands.len());
    let args = prop::collection::vec(opt(), policy.args().len());
    let arch = opt();
    let names: Vec<String> = policy.args().iter().map(|a| a.name.clone()).collect();
    (env, git, files, commands, args, arch)
        .prop_map(move |(env, git, files, commands, args, arch)| {
            let pick = |keys: Vec<String>, vals: Vec<Option<String>>| -> BTreeMap<_, _> {
                keys.into_iter()
                    .zip(vals)
                    .filter_map(|(k, v)| v.map(|v| (k, v)))
                    .collect()
            };
            Context {
                env: pick(inputs.env.clone(), env),
                git: pick(inputs.git.iter().map(|f| f.key()).collect(), git),
                files: pick(inputs.files.clone(), files),
                commands: inputs
                    .commands
                    .iter()
                    .zip(commands)
                    .map(|(argv, out)| {
                        let outcome = match out {
                            Some(stdout) => CommandOutcome::Output { stdout },
                            None => CommandOutcome::NotAllowed,
                        };
                        (command_key(argv), outcome)
                    })
                    .collect(),
                args: pick(names.clone(), args),
                arch,
                ..Context::default()
            }
        })
        .boxed()
}

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

/// Checks one emitted tag reference.
fn check_reference(policy: &str, t: &str) -> Result<(), TestCaseError> {
    let r = Reference::parse(t)
        .map_err(|e| TestCaseError::fail(format!("{policy}: tag `{t:?}` does not parse: {e}")))?;
    if let Some(tag) = &r.tag {
        prop_assert!(oci_tag(tag), "{policy}: tag part {tag:?} of {t:?}");
    }
    Ok(())
}

#[test]
#[allow(clippy::disallowed_macros, reason = "the test reports its coverage")]
fn every_tag_a_builtin_policy_emits_is_a_valid_reference() {
    for name in BUILTINS {
        let policy = builtin(name);
        let derived = Cell::new(0u32);
        let cases = 256;
        runner(cases)
            .run(&context_for(&policy), |ctx| {
                if let Ok(d) = derive(&policy, &ctx) {
                    derived.set(derived.get() + 1);
                    for t in &d.tags {
                        check_reference(name, t)?;
                    }
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Not vacuous: a fair share of the generated contexts derive.
        eprintln!(
            "{name}: {} of {cases} generated contexts derived",
            derived.get()
        );
        assert!(
            derived.get() >= cases / 20,
            "{name}: only {} of {cases} generated contexts derived",
            derived.get()
        );
    }
}

/// Tag text: mostly near the grammar (including too long), sometimes not.
fn tag_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9_.-]{0,140}",
        2 => "[A-Za-z0-9_][A-Za-z0-9_.-]{120,130}",
        2 => text(),
        1 => "[A-Za-z0-9_.:/@ +-]{1,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The `tag` format, the check of rendered tags and `sanitize_tag`
    /// agree with the grammar, in both directions.
    #[test]
    fn derived_tags_follow_the_grammar_exactly(t in tag_text()) {
        let policy = Policy::from_json(r#"{
          "name": "derived",
          "values": {
            "raw":       { "from": [{ "env": "T", "accept_empty": true }], "default": "" },
            "as_tag":    { "from": [{ "value": "raw" }], "format": "tag" },
            "sanitized": { "from": [{ "value": "raw", "transform": ["sanitize_tag"] }] }
          }
        }"#, "derived").unwrap();
        let output = |v: &str| Policy::from_json(&format!(r#"{{
          "name": "out",
          "values": {{ "raw": {{ "from": [{{ "env": "T" }}], "default": "" }},
                       "v": {{ "from": [{{ "value": "raw"{v} }}], "default": "" }} }},
          "outputs": {{ "tags": ["registry.example:5000/team/app:{{v}}"] }}
        }}"#), "out").unwrap();
        let mut ctx = Context::default();
        ctx.env.insert("T".into(), t.clone());

        // `format: tag` accepts exactly the grammar.
        prop_assert_eq!(derive(&policy, &ctx).is_ok(), oci_tag(&t), "format tag on {:?}", t);

        // A rendered tag passes exactly when its tag part is in the grammar.
        let plain = output("");
        let d = derive(&plain, &ctx);
        prop_assert_eq!(d.is_ok(), oci_tag(&t), "output tag on {:?}: {:?}", t, d.as_ref().err());
        if let Ok(d) = d {
            check_reference("out", &d.tags[0])?;
        }

        // sanitize_tag gives a valid tag whenever it gives anything, and
        // then the output derives.
        let s = sanitize_tag(&t);
        prop_assert!(s.is_empty() || oci_tag(&s), "sanitize_tag({:?}) = {:?}", t, s);
        prop_assert_eq!(sanitize_tag(&s), s.clone());
        let sanitized = output(r#", "transform": ["sanitize_tag"]"#);
        let d = derive(&sanitized, &ctx);
        prop_assert_eq!(d.is_ok(), !s.is_empty(), "{:?}", d.as_ref().err());
        if let Ok(d) = d {
            prop_assert_eq!(d.tags[0].as_ref(), format!("registry.example:5000/team/app:{s}"));
            check_reference("out", &d.tags[0])?;
        }
    }
}

/// The context as a JSON object whose maps list their keys in reverse.
fn reversed_json(ctx: &Context) -> serde_json::Value {
    let v = serde_json::to_value(ctx).unwrap();
    let serde_json::Value::Object(top) = v else {
        unreachable!()
    };
    let mut out = serde_json::Map::new();
    for (k, v) in top.into_iter().rev() {
        let v = match v {
            serde_json::Value::Object(m) => {
                serde_json::Value::Object(m.into_iter().rev().collect())
            }
            other => other,
        };
        out.insert(k, v);
    }
    serde_json::Value::Object(out)
}

#[test]
fn derivation_is_deterministic() {
    for name in BUILTINS {
        let text = imprint_policies::builtin(name).unwrap();
        let (p1, p2) = (builtin(name), builtin(name));
        runner(128)
            .run(&context_for(&p1), |ctx| {
                // The same context twice, against two loads of the policy.
                let a = api::derive_json(&p1, &ctx);
                prop_assert_eq!(&a, &api::derive_json(&p2, &ctx));
                prop_assert_eq!(&a, &api::derive_json(&p1, &ctx.clone()));
                // Through the JSON boundary, with every map's keys in the
                // opposite order: the same answer, byte for byte.
                let forward = serde_json::json!({ "op": "derive", "policy": text, "context": ctx });
                let backward =
                    serde_json::json!({ "op": "derive", "policy": text, "context": reversed_json(&ctx) });
                let fa = api::run_json(&forward.to_string());
                prop_assert_eq!(&fa, &api::run_json(&backward.to_string()));
                prop_assert_eq!(&fa, &a);
                let explain = |ctx: serde_json::Value| {
                    api::run_json(
                        &serde_json::json!({ "op": "explain", "policy": text, "context": ctx })
                            .to_string(),
                    )
                };
                prop_assert_eq!(
                    explain(serde_json::to_value(&ctx).unwrap()),
                    explain(reversed_json(&ctx))
                );
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

const DIGEST: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// YAML-ish text full of references to the pinned images (pinned by hex
/// tag, digest, both, earlier dev tags, `latest`, malformed pins) and
/// near misses, with arbitrary text between them.
fn pin_text(images: Vec<String>) -> impl Strategy<Value = String> {
    let image = prop::sample::select(images);
    let suffix = prop_oneof![
        "[0-9a-f]{7,40}".prop_map(|h| format!(":{h}")),
        "[0-9a-f]{6,41}".prop_map(|h| format!(":dev-{h}")),
        Just(format!("@sha256:{DIGEST}")),
        "[0-9a-f]{7}".prop_map(|h| format!(":{h}@sha256:{DIGEST}")),
        "[0-9a-f]{7}".prop_map(|h| format!(":{h}@sha256:abc")),
        Just(":latest".to_owned()),
        Just(":v1.2.3".to_owned()),
        "[0-9a-f]{7}".prop_map(|h| format!(":{h}-debug")),
        Just(String::new()),
    ];
    let piece = prop_oneof![
        4 => (prop::sample::select(vec!["", "image: ", "mirror.example/", "  - \"", "x"]), image, suffix)
            .prop_map(|(pre, i, s)| format!("{pre}{i}{s}")),
        2 => prop::sample::select(vec!["\n", " ", "\"", "/", ":", "@", "-extra", "\n# é\n"])
            .prop_map(str::to_owned),
        1 => "\\PC{0,8}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

#[test]
fn pinning_is_idempotent_and_repins_cleanly() {
    let policy = builtin("obol-stack");
    let spec = policy.pin().unwrap().clone();
    let strategy = (
        pin_text(spec.images.clone()),
        "[0-9a-f]{12}",
        "[0-9a-f]{12}",
    );
    runner(1024)
        .run(&strategy, |(text, h1, h2)| {
            let (t1, t2) = (format!("dev-{h1}"), format!("dev-{h2}"));
            let (once, changes) = rewrite_pins(&text, &spec.images, &t1, &spec.also_tags);
            // Pinning again changes nothing.
            let (twice, again) = rewrite_pins(&once, &spec.images, &t1, &spec.also_tags);
            prop_assert_eq!(&twice, &once);
            prop_assert!(again.is_empty(), "{:?}", again);
            // Each change is reported with the text it became, and
            // unchanged text means no changes.
            prop_assert_eq!(changes.is_empty(), once == text);
            for c in &changes {
                prop_assert!(c.to.ends_with(&format!(":{t1}")), "{:?}", c);
                prop_assert!(once.contains(&c.to));
            }
            // Pinning to a new dev tag gives what pinning the original would.
            let (moved, _) = rewrite_pins(&once, &spec.images, &t2, &spec.also_tags);
            let (direct, _) = rewrite_pins(&text, &spec.images, &t2, &spec.also_tags);
            prop_assert_eq!(moved, direct);
            Ok(())
        })
        .unwrap();
}

/// Glob matching by dynamic programming over characters: the reference.
fn glob_reference(p: &str, t: &str) -> bool {
    let p: Vec<char> = p.chars().collect();
    let t: Vec<char> = t.chars().collect();
    // m[j] = pattern prefix of the current length matches t[..j]
    let mut m = vec![false; t.len() + 1];
    m[0] = true;
    for &pc in &p {
        let mut next = vec![false; t.len() + 1];
        if pc == '*' {
            let mut any = false;
            for j in 0..=t.len() {
                any |= m[j];
                next[j] = any;
            }
        } else {
            for j in 1..=t.len() {
                next[j] = m[j - 1] && (pc == '?' || pc == t[j - 1]);
            }
        }
        m = next;
    }
    m[t.len()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn glob_matches_like_the_reference(p in "[ab?*é]{0,12}", t in "[abé]{0,16}") {
        prop_assert_eq!(glob_match(&p, &t), glob_reference(&p, &t), "pattern {:?} text {:?}", p, t);
    }

    #[test]
    fn glob_with_long_segments_matches_like_the_reference(
        p in "(\\*|[ab?]{60,70}){1,4}",
        t in "[ab]{0,200}",
    ) {
        prop_assert_eq!(glob_match(&p, &t), glob_reference(&p, &t), "pattern {:?} text {:?}", p, t);
    }
}

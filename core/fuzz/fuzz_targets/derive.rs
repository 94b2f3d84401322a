//! The builtin policies against arbitrary build contexts:
//! `imprint_core::derive` is deterministic (twice the same JSON answer),
//! and every tag of a derivation is a valid image reference.
//!
//! The input is text, one fact per line, so seeds are easy to write and
//! read (`seed.sh` makes them from the conformance vectors):
//!
//! ```text
//! vllm                       first line: the builtin policy (else one by length)
//! eBUILDKITE_COMMIT=def456   env       aNAME=VALUE  arg      gFACT=VALUE  git
//! fgo.mod=module x\ngo 1.24  file (`\n` is a newline)         A=VALUE      arch
//! cKEY=STDOUT                command output                   nKEY=REASON  command
//! lNAME=VALUE                loaded value                     LNAME        not loadable
//! ```
//!
//! `nKEY=` takes `not_allowed`, `not_found`, `timed_out` or else a failure
//! reason. A key `#N` is the policy's N-th input of that kind (env names,
//! args, git facts, files, commands, persisted values), so mutations reach
//! the names the policy reads.
#![no_main]

use imprint_core::{api, command_key, derive, CommandOutcome, Context, Policy, Reference};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

struct Loaded {
    name: &'static str,
    policy: Policy,
    env: Vec<String>,
    args: Vec<String>,
    git: Vec<String>,
    files: Vec<String>,
    commands: Vec<String>,
    persisted: Vec<String>,
}

fn policies() -> &'static [Loaded] {
    static POLICIES: OnceLock<Vec<Loaded>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        imprint_policies::BUILTIN
            .iter()
            .map(|(name, text)| {
                let policy = Policy::from_json(text, name).expect("builtin policies load");
                let inputs = policy.inputs();
                Loaded {
                    name,
                    env: inputs.env.clone(),
                    args: policy.args().iter().map(|a| a.name.clone()).collect(),
                    git: inputs.git.iter().map(|g| g.key()).collect(),
                    files: inputs.files.clone(),
                    commands: inputs.commands.iter().map(|c| command_key(c)).collect(),
                    persisted: policy.persisted().map(|(v, _)| v.to_owned()).collect(),
                    policy,
                }
            })
            .collect()
    })
}

/// `#N` as the N-th known name (wrapping), else the key itself.
fn key(k: &str, known: &[String]) -> String {
    match k.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
        Some(n) if !known.is_empty() => known[n % known.len()].clone(),
        _ => k.to_owned(),
    }
}

fn context(p: &Loaded, lines: std::str::Split<'_, char>) -> Context {
    let mut ctx = Context::default();
    for line in lines {
        let mut chars = line.chars();
        let Some(section) = chars.next() else {
            continue;
        };
        let rest = chars.as_str();
        let (k, v) = rest.split_once('=').unwrap_or((rest, ""));
        let v = v.replace("\\n", "\n");
        match section {
            'e' => drop(ctx.env.insert(key(k, &p.env), v)),
            'a' => drop(ctx.args.insert(key(k, &p.args), v)),
            'g' => drop(ctx.git.insert(key(k, &p.git), v)),
            'f' => drop(ctx.files.insert(key(k, &p.files), v)),
            'A' => ctx.arch = Some(v),
            'c' => drop(
                ctx.commands
                    .insert(key(k, &p.commands), CommandOutcome::Output { stdout: v }),
            ),
            'n' => {
                let outcome = match v.as_str() {
                    "not_allowed" => CommandOutcome::NotAllowed,
                    "not_found" => CommandOutcome::NotFound,
                    "timed_out" => CommandOutcome::TimedOut,
                    _ => CommandOutcome::Failed { reason: v },
                };
                ctx.commands.insert(key(k, &p.commands), outcome);
            }
            'l' => drop(ctx.loaded.insert(key(k, &p.persisted), Some(v))),
            'L' => drop(ctx.loaded.insert(key(rest, &p.persisted), None)),
            _ => {}
        }
    }
    ctx
}

fuzz_target!(|text: &str| {
    let all = policies();
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or_default();
    let p = all
        .iter()
        .find(|p| p.name == first)
        .unwrap_or(&all[first.len() % all.len()]);
    let ctx = context(p, lines);

    let a = api::derive_json(&p.policy, &ctx);
    let b = api::derive_json(&p.policy, &ctx);
    assert_eq!(a, b, "derivation is not deterministic");
    if let Ok(d) = derive(&p.policy, &ctx) {
        for tag in &d.tags {
            if let Err(e) = Reference::parse(tag) {
                panic!("policy {} emitted tag `{tag}`, not a reference: {e}", p.name);
            }
        }
        let _ = d.explain();
    }
});

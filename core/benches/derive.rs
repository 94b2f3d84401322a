//! `cargo bench -p imprint-core`: median time of one `derive` of the
//! builtin `vllm` policy from an already-loaded policy and context.
//!
//! Runs 101 batches of N calls each (N sized so a batch takes ~10 ms) and
//! prints the median per-call time, with the min and max batch for spread.

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

use imprint_core::{derive, Context, Policy};
use std::hint::black_box;

mod common;
use common::{measure, VLLM_RELEASE_ENV, VLLM_RELEASE_VARIANT};

fn main() {
    let vllm = Policy::from_json(imprint_policies::builtin("vllm").unwrap(), "vllm").unwrap();
    let mut release = Context::default();
    for (k, v) in VLLM_RELEASE_ENV {
        release.env.insert((*k).into(), (*v).into());
    }
    release
        .args
        .insert("variant".into(), VLLM_RELEASE_VARIANT.into());
    release.arch = Some("x86_64".into());
    let mut nightly = release.clone();
    nightly.env.insert("NIGHTLY".into(), "1".into());
    let local = Context::default();

    measure(
        "native.derive.release",
        "derive vllm (release, cu130-ubuntu2404)",
        &mut || {
            black_box(derive(black_box(&vllm), black_box(&release)).unwrap());
        },
    );
    measure(
        "native.derive.nightly",
        "derive vllm (nightly, cu130-ubuntu2404)",
        &mut || {
            black_box(derive(black_box(&vllm), black_box(&nightly)).unwrap());
        },
    );
    measure(
        "native.derive.local",
        "derive vllm (local, empty context)",
        &mut || {
            black_box(derive(black_box(&vllm), black_box(&local)).unwrap());
        },
    );
    // The same operation the npm package measures in Node (wasm/bench.mjs):
    // a loaded policy, a JSON context in, the JSON answer out.
    let ctx_json = serde_json::to_string(&release).unwrap();
    measure(
        "native.derive.json",
        "derive vllm, JSON context in, JSON answer out",
        &mut || {
            let ctx: Context = serde_json::from_str(black_box(&ctx_json)).unwrap();
            black_box(imprint_core::api::derive_json(black_box(&vllm), &ctx));
        },
    );
    let text = imprint_policies::builtin("vllm").unwrap();
    measure(
        "native.policy.load",
        "load vllm policy (parse + validate)",
        &mut || {
            black_box(Policy::from_json(black_box(text), "vllm").unwrap());
        },
    );
    // The other builtins, from text each time as well (`default` has the
    // most regexes).
    for name in imprint_policies::names().filter(|n| *n != "vllm") {
        let text = imprint_policies::builtin(name).unwrap();
        measure(
            &format!("native.policy.load.{name}"),
            &format!("load {name} policy (parse + validate)"),
            &mut || {
                black_box(Policy::from_json(black_box(text), name).unwrap());
            },
        );
    }
}

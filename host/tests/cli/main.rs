//! The integration tests of the `imprint` CLI, as one test binary (one link
//! of the host and wasmtime instead of one per file). Each module is one
//! area; `common` holds the shared helpers (a hermetic environment,
//! temporary git repositories, a runner for the built binary). Run one area
//! with `cargo test --release -p imprint-host --test cli -- <module>::`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a failing test panics"
)]

mod common;

mod check_cli;
mod check_inputs;
mod established;
mod faults;
mod general;
mod git_reading;
mod git_repos;
mod go_binary;
mod hostile;
mod kube_yaml;
mod metadata_cli;
mod module_cache;
mod output_escaping;
mod parity;
mod pin;
mod properties;
mod provenance;
mod read_inputs;
mod readme;
mod shell_roundtrip;
mod streams;
mod vllm_upstream;
mod wasm_engine;

//! Where policies are evaluated: natively (the linked `imprint-core`), or
//! in the engine's WebAssembly module under wasmtime — the very `.wasm`
//! the npm package ships — so CI can prove both give the same answer.
//!
//! Both speak `imprint_core::api`'s JSON: one request in, one answer out.
//! Under wasmtime the module is compiled once per process, and the compiled
//! form is kept in `~/.cache/imprint` so later runs map it instead of
//! compiling (an entry is used only when it is the user's own: see
//! `engine/cache.rs`); each request gets a fresh store with fuel and a
//! memory limit that grow with the request's size ([`limits_for`]), and
//! running out of either is an error naming the limit, never a hang.
//!
//! The wasmtime engine is the default-on cargo feature `wasm-engine`;
//! `cargo install --path host --no-default-features` builds the CLI
//! without it (a third of the crates), and `--engine wasm` then says how to
//! get it ([`no_wasm_engine`]).

#[cfg(feature = "wasm-engine")]
mod cache;
#[cfg(feature = "wasm-engine")]
mod wasm;

#[cfg(feature = "wasm-engine")]
pub use wasm::Wasm;

use crate::error::HostError;
use std::path::{Path, PathBuf};

pub use imprint_core::cli::EngineKind;

/// Fuel every request gets, whatever its size: far more than any real
/// policy needs on a small input (a vllm derive uses well under a
/// million), small enough to stop a runaway in seconds.
pub const BASE_FUEL: u64 = 2_000_000_000;

/// Fuel added for each byte of the request (policy, context and inputs),
/// so that a large input, whose work grows with its size, gets the same
/// answer as from the native engine. Measured on `check -p vllm` of
/// `docker inspect` arrays: 170 units a byte for 30k vllm images (27 MB
/// request), 355 for images with 200 labels each, 950 for 200k images of
/// one tag each (the most work per byte seen; it grows with the number of
/// images). About five times that.
pub const FUEL_PER_BYTE: usize = 5_000;

/// Linear memory every request may use, whatever its size.
pub const BASE_MEMORY: usize = 256 << 20;

/// Linear memory added for each byte of the request: parsed, an input
/// takes several times its size, and the answer may be larger than the
/// request. Measured as above: 6.5 bytes a byte for the 30k vllm images,
/// 87 for the 200k images of one tag.
pub const MEMORY_PER_BYTE: usize = 128;

/// The most linear memory any request may use: all a 32-bit WebAssembly
/// memory can address.
pub const MAX_MEMORY: usize = (2usize << 30).saturating_mul(2);

/// The limits of one request of `len` bytes: [`BASE_FUEL`] plus
/// [`FUEL_PER_BYTE`] per byte, and [`BASE_MEMORY`] plus
/// [`MEMORY_PER_BYTE`] per byte up to [`MAX_MEMORY`]. Both grow linearly
/// with the request, so a hostile policy stays bounded in time and memory
/// by the size of what it is given.
pub fn limits_for(len: usize) -> (u64, usize) {
    let fuel = BASE_FUEL.saturating_add((FUEL_PER_BYTE.saturating_mul(len)) as u64);
    let memory = BASE_MEMORY
        .saturating_add(MEMORY_PER_BYTE.saturating_mul(len))
        .min(MAX_MEMORY);
    (fuel, memory)
}

/// Environment variable naming the engine module.
pub const MODULE_ENV: &str = "IMPRINT_WASM_MODULE";

/// Something that answers JSON requests.
pub trait Engine {
    /// Answers one request.
    fn run_json(&mut self, request: &str) -> Result<String, HostError>;
}

/// The linked engine.
#[derive(Debug, Default)]
pub struct Native;

impl Engine for Native {
    fn run_json(&mut self, request: &str) -> Result<String, HostError> {
        Ok(imprint_core::api::run_json(request))
    }
}

/// Where the engine module is: `--wasm-module`, else `$IMPRINT_WASM_MODULE`,
/// else beside the executable, else `wasm/pkg/imprint_bg.wasm` under the
/// current directory (a checkout after `wasm/build.sh`).
pub fn module_path(given: Option<&Path>) -> Result<PathBuf, HostError> {
    if let Some(p) = given {
        return Ok(p.to_owned());
    }
    if let Some(p) = std::env::var_os(MODULE_ENV) {
        return Ok(PathBuf::from(p));
    }
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_owned))
    {
        candidates.push(dir.join("imprint_bg.wasm"));
    }
    candidates.push(PathBuf::from("wasm/pkg/imprint_bg.wasm"));
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| {
            HostError::Engine(format!(
                "no engine module: build it with wasm/build.sh, or pass --wasm-module FILE (or set {MODULE_ENV}); looked in {}",
                candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            ))
        })
}

/// The error for `--engine wasm` in a build without the wasmtime engine.
pub fn no_wasm_engine() -> HostError {
    HostError::Usage(
        "this imprint was built without the WebAssembly engine (cargo feature `wasm-engine`): \
         use the native engine (the default), or install the full CLI with \
         `cargo install --path host` (default features)"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_grow_with_the_request_up_to_what_wasm32_addresses() {
        assert_eq!(limits_for(0), (BASE_FUEL, BASE_MEMORY));
        let (fuel, memory) = limits_for(10 << 20);
        assert_eq!(fuel, BASE_FUEL + 5_000 * (10 << 20));
        assert_eq!(memory, BASE_MEMORY + 128 * (10 << 20));
        assert_eq!(limits_for(usize::MAX).1, MAX_MEMORY);
        assert_eq!(MAX_MEMORY as u64, 4 << 30);
    }
}

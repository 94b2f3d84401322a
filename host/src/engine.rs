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

mod cache;

use crate::error::HostError;
use std::path::{Path, PathBuf};
use wasmtime::{
    Config, Engine as Wasmtime, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, Trap,
};

/// Which engine evaluates policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum EngineKind {
    /// The engine linked into this binary.
    #[default]
    Native,
    /// The engine's WebAssembly module, run under wasmtime.
    Wasm,
}

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

struct State {
    limits: StoreLimits,
}

/// The WebAssembly engine under wasmtime.
pub struct Wasm {
    engine: Wasmtime,
    module: Module,
    linker: Linker<State>,
    /// A fixed budget instead of [`limits_for`]'s (tests).
    fuel: Option<u64>,
    memory: Option<usize>,
}

/// The limits one request ran with, for its error message.
#[derive(Debug, Clone, Copy)]
struct Budget {
    len: usize,
    fuel: u64,
    memory: usize,
    fuel_scaled: bool,
    memory_scaled: bool,
}

impl std::fmt::Debug for Wasm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wasm")
            .field("fuel", &self.fuel)
            .field("memory", &self.memory)
            .finish_non_exhaustive()
    }
}

fn engine_error(path: &Path, e: impl std::fmt::Display) -> HostError {
    HostError::Engine(format!("{}: {e}", path.display()))
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

impl Wasm {
    /// Compiles (or loads from the cache) the module at `path`.
    pub fn load(path: &Path) -> Result<Self, HostError> {
        let mut config = Config::new();
        config.consume_fuel(true);
        // Errors are one line for people, not a wasm backtrace.
        config.wasm_backtrace_max_frames(None);
        let engine = Wasmtime::new(&config).map_err(|e| engine_error(path, e))?;
        let bytes = std::fs::read(path).map_err(|e| HostError::io(path, e))?;
        let module = cache::cached_module(&engine, &bytes).map_err(|e| engine_error(path, e))?;
        for export in ["memory", "imprint_alloc", "imprint_run"] {
            if module.get_export(export).is_none() {
                return Err(engine_error(
                    path,
                    format!("not an imprint engine module (no `{export}` export)"),
                ));
            }
        }
        let mut linker = Linker::new(&engine);
        // wasm-bindgen's start-up hook fills the externref table for JS; the
        // raw ABI never touches it. Every other import (JSON.parse …) is JS
        // glue the raw ABI never calls: link it as a trap.
        for import in module.imports() {
            if import.name() == "__wbindgen_init_externref_table" {
                linker
                    .func_wrap(import.module(), import.name(), || {})
                    .map_err(|e| engine_error(path, e))?;
            }
        }
        linker
            .define_unknown_imports_as_traps(&module)
            .map_err(|e| engine_error(path, e))?;
        Ok(Self {
            engine,
            module,
            linker,
            fuel: None,
            memory: None,
        })
    }

    /// Gives every request `fuel`, whatever its size (instead of
    /// [`limits_for`]).
    pub fn with_fuel(mut self, fuel: u64) -> Self {
        self.fuel = Some(fuel);
        self
    }

    /// Gives every request `bytes` of linear memory, whatever its size
    /// (instead of [`limits_for`]).
    pub fn with_memory(mut self, bytes: usize) -> Self {
        self.memory = Some(bytes);
        self
    }

    fn budget(&self, len: usize) -> Budget {
        let (fuel, memory) = limits_for(len);
        Budget {
            len,
            fuel: self.fuel.unwrap_or(fuel),
            memory: self.memory.unwrap_or(memory),
            fuel_scaled: self.fuel.is_none(),
            memory_scaled: self.memory.is_none(),
        }
    }

    fn call(&self, request: &str, budget: Budget) -> wasmtime::Result<String> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(budget.memory)
            .instances(1)
            .trap_on_grow_failure(true)
            .build();
        let mut store = Store::new(&self.engine, State { limits });
        store.limiter(|s| &mut s.limits);
        store.set_fuel(budget.fuel)?;
        let instance = self.linker.instantiate(&mut store, &self.module)?;
        if let Ok(start) = instance.get_typed_func::<(), ()>(&mut store, "__wbindgen_start") {
            start.call(&mut store, ())?;
        }
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| wasmtime::format_err!("no memory export"))?;
        let alloc = instance.get_typed_func::<u32, u32>(&mut store, "imprint_alloc")?;
        let run = instance.get_typed_func::<(u32, u32), u64>(&mut store, "imprint_run")?;
        let len =
            u32::try_from(request.len()).map_err(|_| wasmtime::format_err!("request too large"))?;
        let ptr = alloc.call(&mut store, len)?;
        memory.write(&mut store, ptr as usize, request.as_bytes())?;
        let packed = run.call(&mut store, (ptr, len))?;
        let (at, n) = ((packed >> 32) as usize, (packed & 0xffff_ffff) as usize);
        let mut out = vec![0u8; n];
        memory.read(&store, at, &mut out)?;
        Ok(String::from_utf8(out)?)
    }
}

impl Engine for Wasm {
    fn run_json(&mut self, request: &str) -> Result<String, HostError> {
        let budget = self.budget(request.len());
        self.call(request, budget)
            .map_err(|e| HostError::Engine(format!("wasm engine: {}", why(&e, budget))))
    }
}

/// One line on why a request stopped, naming the limit that ran out, how
/// large it was and how it is computed (it grows with the request, so a
/// large input alone does not exhaust it).
fn why(e: &wasmtime::Error, b: Budget) -> String {
    let rule = |scaled: bool, base: String, per: usize| {
        if scaled {
            format!("{base} plus {per} per byte of request")
        } else {
            "a fixed budget".to_owned()
        }
    };
    let request = format!(
        "this request of {} bytes (policy, context and inputs)",
        b.len
    );
    let native = "the native engine (--engine native) has no such limit";
    let memory = || {
        format!(
            "out of memory: {request} needed more than its memory limit of {} bytes ({}); {native}",
            b.memory,
            rule(b.memory_scaled, BASE_MEMORY.to_string(), MEMORY_PER_BYTE)
        )
    };
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => format!(
            "ran out of fuel: {request} needed more than its {} units ({}); {native}",
            b.fuel,
            rule(b.fuel_scaled, BASE_FUEL.to_string(), FUEL_PER_BYTE)
        ),
        Some(Trap::AllocationTooLarge) => memory(),
        Some(Trap::UnreachableCodeReached) => format!(
            "the engine stopped (out of its memory limit of {} bytes for {request}, or an internal error): {e}",
            b.memory
        ),
        _ if e.root_cause().to_string().contains("growing memory") => memory(),
        _ => e.root_cause().to_string(),
    }
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

//! Where policies are evaluated: natively (the linked `imprint-core`), or
//! in the engine's WebAssembly module under wasmtime — the very `.wasm`
//! the npm package ships — so CI can prove both give the same answer.
//!
//! Both speak `imprint_core::api`'s JSON: one request in, one answer out.
//! Under wasmtime the module is compiled once per process, and the compiled
//! form is kept in `~/.cache/imprint` so later runs map it instead of
//! compiling (an entry is used only when it is the user's own: see
//! `engine/cache.rs`); each request gets a fresh store with fuel and a
//! memory limit, and running out of either is an error, never a hang.

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

/// Fuel for one request: far more than any real policy needs (a vllm
/// derive uses well under a million), small enough to stop a runaway in
/// seconds.
pub const FUEL: u64 = 2_000_000_000;

/// Linear memory one request may use.
pub const MEMORY_LIMIT: usize = 256 << 20;

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
    fuel: u64,
}

impl std::fmt::Debug for Wasm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wasm")
            .field("fuel", &self.fuel)
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
            fuel: FUEL,
        })
    }

    /// Sets the fuel each request gets.
    pub fn with_fuel(mut self, fuel: u64) -> Self {
        self.fuel = fuel;
        self
    }

    fn call(&self, request: &str) -> wasmtime::Result<String> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(MEMORY_LIMIT)
            .instances(1)
            .trap_on_grow_failure(true)
            .build();
        let mut store = Store::new(&self.engine, State { limits });
        store.limiter(|s| &mut s.limits);
        store.set_fuel(self.fuel)?;
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
        self.call(request).map_err(|e| {
            let why = match e.downcast_ref::<Trap>() {
                Some(Trap::OutOfFuel) => format!("the policy ran out of fuel ({} units): it does too much work", self.fuel),
                Some(Trap::UnreachableCodeReached) | Some(Trap::AllocationTooLarge) => {
                    format!("the engine stopped (out of its {MEMORY_LIMIT}-byte memory limit or an internal error): {e}")
                }
                _ if e.root_cause().to_string().contains("growing memory") => {
                    format!("the request needs more than the {MEMORY_LIMIT}-byte memory limit")
                }
                _ => e.root_cause().to_string(),
            };
            HostError::Engine(format!("wasm engine: {why}"))
        })
    }
}

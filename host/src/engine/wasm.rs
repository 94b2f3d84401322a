//! The engine's WebAssembly module under wasmtime (feature `wasm-engine`).

use super::{cache, limits_for, Engine, BASE_FUEL, BASE_MEMORY, FUEL_PER_BYTE, MEMORY_PER_BYTE};
use crate::error::HostError;
use std::path::Path;
use wasmtime::{
    Config, Engine as Wasmtime, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, Trap,
};

fn engine_error(path: &Path, e: impl std::fmt::Display) -> HostError {
    HostError::Engine(format!("{}: {e}", path.display()))
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

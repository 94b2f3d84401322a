//! A waPC host on the workspace's wasmtime: what Kubewarden's
//! policy-server does with a policy module (through `wapc` and
//! `wasmtime-provider`), without a cluster.
//!
//! - The host functions are the waPC protocol's, module `wapc`:
//!   `__guest_request(op_ptr, ptr)`, `__guest_response(ptr, len)`,
//!   `__guest_error(ptr, len)`, `__host_call(bd_ptr, bd_len, ns_ptr, ns_len,
//!   op_ptr, op_len, ptr, len) -> i32`, `__host_response(ptr)`,
//!   `__host_response_len() -> i32`, `__host_error(ptr)`,
//!   `__host_error_len() -> i32`, `__console_log(ptr, len)`.
//! - After instantiating, `_start` (when exported) then `wapc_init` run once.
//! - A call clears the guest and host responses and errors, stores the
//!   operation and payload, calls `__guest_call(op_len, payload_len)`, and
//!   answers the guest response when it returns 1, the guest error when 0
//!   (or when no response was set).
//! - A host call clears the host response and error and asks the host
//!   capability callback: its answer becomes the host response (1), its
//!   error the host error (0).
//!
//! Fuel and a memory limit bound each call, as the project's own engine
//! does (policy-server uses epoch deadlines instead).

use std::path::{Path, PathBuf};
use wasmtime::{
    Caller, Config, Engine, Extern, Instance, Linker, Module, Store, StoreLimits,
    StoreLimitsBuilder, TypedFunc,
};

/// A host capability: binding, namespace, operation, payload → answer or error.
pub type Capability = Box<dyn FnMut(&str, &str, &str, &[u8]) -> Result<Vec<u8>, String>>;

/// The waPC conversation's state.
struct State {
    limits: StoreLimits,
    request: Option<(Vec<u8>, Vec<u8>)>,
    guest_response: Option<Vec<u8>>,
    guest_error: Option<String>,
    host_response: Option<Vec<u8>>,
    host_error: Option<String>,
    capability: Capability,
    /// `(binding, namespace, operation, payload)` of every host call.
    calls: Vec<(String, String, String, Vec<u8>)>,
    logs: Vec<String>,
}

/// The built policy module (kubewarden/build.sh).
pub fn module_path() -> PathBuf {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/kubewarden/imprint_kubewarden.wasm");
    assert!(
        p.is_file(),
        "{} is missing: build the policy module with `bash kubewarden/build.sh` first (.ci/run does)",
        p.display()
    );
    p
}

/// A compiled policy module.
pub struct PolicyModule {
    engine: Engine,
    module: Module,
}

impl PolicyModule {
    /// Compiles the module at `path`.
    pub fn load(path: &Path) -> Self {
        let mut config = Config::new();
        config.consume_fuel(true);
        let engine = Engine::new(&config).unwrap();
        let module = Module::from_file(&engine, path).unwrap();
        Self { engine, module }
    }

    /// The module's imports, as `module.name`.
    pub fn imports(&self) -> Vec<String> {
        self.module
            .imports()
            .map(|i| format!("{}.{}", i.module(), i.name()))
            .collect()
    }

    /// Instantiates the module and runs its start functions, with
    /// `capability` answering its host calls.
    pub fn instantiate(&self, capability: Capability) -> Result<WapcHost, String> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(256 << 20)
            .instances(1)
            .trap_on_grow_failure(true)
            .build();
        let state = State {
            limits,
            request: None,
            guest_response: None,
            guest_error: None,
            host_response: None,
            host_error: None,
            capability,
            calls: Vec::new(),
            logs: Vec::new(),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        store.set_fuel(FUEL).map_err(|e| e.to_string())?;
        let mut linker = Linker::new(&self.engine);
        add_to_linker(&mut linker).map_err(|e| e.to_string())?;
        let instance = linker
            .instantiate(&mut store, &self.module)
            .map_err(|e| e.to_string())?;
        for start in ["_start", "wapc_init"] {
            if let Ok(f) = instance.get_typed_func::<(), ()>(&mut store, start) {
                f.call(&mut store, ())
                    .map_err(|e| format!("{start}: {e}"))?;
            }
        }
        let guest_call = instance
            .get_typed_func::<(i32, i32), i32>(&mut store, "__guest_call")
            .map_err(|e| format!("no __guest_call export: {e}"))?;
        Ok(WapcHost {
            store,
            _instance: instance,
            guest_call,
        })
    }
}

/// Fuel for one call: far more than any admission needs, bounded.
const FUEL: u64 = 20_000_000_000;

/// One instance of the policy, called as policy-server calls it.
pub struct WapcHost {
    store: Store<State>,
    _instance: Instance,
    guest_call: TypedFunc<(i32, i32), i32>,
}

impl WapcHost {
    /// Calls the guest function `op` with `payload`.
    pub fn call(&mut self, op: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
        {
            let s = self.store.data_mut();
            s.guest_response = None;
            s.guest_error = None;
            s.host_response = None;
            s.host_error = None;
            s.request = Some((op.as_bytes().to_vec(), payload.to_vec()));
        }
        self.store.set_fuel(FUEL).map_err(|e| e.to_string())?;
        let op_len = i32::try_from(op.len()).map_err(|e| e.to_string())?;
        let len = i32::try_from(payload.len()).map_err(|e| e.to_string())?;
        let result = self
            .guest_call
            .call(&mut self.store, (op_len, len))
            .map_err(|e| format!("guest trapped: {e}"))?;
        let s = self.store.data();
        if result == 0 {
            return Err(s
                .guest_error
                .clone()
                .unwrap_or_else(|| "No error message set for call failure".to_owned()));
        }
        match (&s.guest_response, &s.guest_error) {
            (Some(r), _) => Ok(r.clone()),
            (None, Some(e)) => Err(e.clone()),
            (None, None) => Err("No error message OR response set for call success".to_owned()),
        }
    }

    /// The host calls the guest made so far.
    pub fn calls(&self) -> &[(String, String, String, Vec<u8>)] {
        &self.store.data().calls
    }

    /// What the guest logged.
    pub fn logs(&self) -> &[String] {
        &self.store.data().logs
    }
}

fn memory(caller: &mut Caller<'_, State>) -> wasmtime::Result<wasmtime::Memory> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Ok(m),
        _ => Err(wasmtime::format_err!("the guest exports no `memory`")),
    }
}

fn read(caller: &mut Caller<'_, State>, ptr: i32, len: i32) -> wasmtime::Result<Vec<u8>> {
    let m = memory(caller)?;
    let mut out = vec![0u8; usize::try_from(len)?];
    m.read(&*caller, usize::try_from(ptr)?, &mut out)?;
    Ok(out)
}

fn write(caller: &mut Caller<'_, State>, ptr: i32, bytes: &[u8]) -> wasmtime::Result<()> {
    let m = memory(caller)?;
    m.write(&mut *caller, usize::try_from(ptr)?, bytes)?;
    Ok(())
}

fn text(bytes: Vec<u8>, what: &str) -> wasmtime::Result<String> {
    String::from_utf8(bytes).map_err(|_| wasmtime::format_err!("{what} is not UTF-8"))
}

fn len_i32(n: usize) -> wasmtime::Result<i32> {
    Ok(i32::try_from(n)?)
}

fn add_to_linker(linker: &mut Linker<State>) -> wasmtime::Result<()> {
    const NS: &str = "wapc";
    linker.func_wrap(
        NS,
        "__guest_request",
        |mut c: Caller<'_, State>, op_ptr: i32, ptr: i32| {
            if let Some((op, msg)) = c.data().request.clone() {
                write(&mut c, ptr, &msg)?;
                write(&mut c, op_ptr, &op)?;
            }
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "__guest_response",
        |mut c: Caller<'_, State>, ptr: i32, len: i32| {
            let v = read(&mut c, ptr, len)?;
            c.data_mut().guest_response = Some(v);
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "__guest_error",
        |mut c: Caller<'_, State>, ptr: i32, len: i32| {
            let v = text(read(&mut c, ptr, len)?, "the guest error")?;
            c.data_mut().guest_error = Some(v);
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "__host_call",
        |mut c: Caller<'_, State>,
         bd_ptr: i32,
         bd_len: i32,
         ns_ptr: i32,
         ns_len: i32,
         op_ptr: i32,
         op_len: i32,
         ptr: i32,
         len: i32| {
            let payload = read(&mut c, ptr, len)?;
            let binding = text(read(&mut c, bd_ptr, bd_len)?, "the binding")?;
            let namespace = text(read(&mut c, ns_ptr, ns_len)?, "the namespace")?;
            let operation = text(read(&mut c, op_ptr, op_len)?, "the operation")?;
            let s = c.data_mut();
            s.host_response = None;
            s.host_error = None;
            s.calls.push((
                binding.clone(),
                namespace.clone(),
                operation.clone(),
                payload.clone(),
            ));
            match (s.capability)(&binding, &namespace, &operation, &payload) {
                Ok(answer) => {
                    s.host_response = Some(answer);
                    Ok(1i32)
                }
                Err(e) => {
                    s.host_error = Some(e);
                    Ok(0i32)
                }
            }
        },
    )?;
    linker.func_wrap(
        NS,
        "__host_response",
        |mut c: Caller<'_, State>, ptr: i32| {
            if let Some(r) = c.data().host_response.clone() {
                write(&mut c, ptr, &r)?;
            }
            Ok(())
        },
    )?;
    linker.func_wrap(NS, "__host_response_len", |c: Caller<'_, State>| {
        len_i32(c.data().host_response.as_ref().map_or(0, Vec::len))
    })?;
    linker.func_wrap(NS, "__host_error", |mut c: Caller<'_, State>, ptr: i32| {
        if let Some(e) = c.data().host_error.clone() {
            write(&mut c, ptr, e.as_bytes())?;
        }
        Ok(())
    })?;
    linker.func_wrap(NS, "__host_error_len", |c: Caller<'_, State>| {
        len_i32(c.data().host_error.as_ref().map_or(0, String::len))
    })?;
    linker.func_wrap(
        NS,
        "__console_log",
        |mut c: Caller<'_, State>, ptr: i32, len: i32| {
            let v = text(read(&mut c, ptr, len)?, "a console log line")?;
            c.data_mut().logs.push(v);
            Ok(())
        },
    )?;
    Ok(())
}

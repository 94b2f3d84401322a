//! The waPC glue (wasm32 only): `wapc_init` registers the policy's
//! functions with `wapc-guest`, and the registry lookup goes to the host's
//! `kubewarden/oci/v1/oci_manifest_config` capability, the call
//! kubewarden-policy-sdk's `host_capabilities::oci::get_manifest_and_config`
//! makes: binding `kubewarden`, namespace `oci`, operation
//! `v1/oci_manifest_config`, the image reference as a JSON string.

#![allow(
    unsafe_code,
    reason = "`#[no_mangle]` on `wapc_init`, the export every waPC host calls first"
)]

use wapc_guest::{host_call, register_function, CallResult};

/// Registers the policy's functions; the waPC host calls it once, after
/// instantiating the module.
#[no_mangle]
pub extern "C" fn wapc_init() {
    register_function("validate", validate);
    register_function("validate_settings", validate_settings);
    register_function("protocol_version", protocol_version);
    register_function("imprint_run", run);
}

fn manifest_and_config(image: &str) -> Result<Vec<u8>, String> {
    let msg = serde_json::to_vec(image).map_err(|e| e.to_string())?;
    host_call("kubewarden", "oci", "v1/oci_manifest_config", &msg).map_err(|e| e.to_string())
}

fn validate(payload: &[u8]) -> CallResult {
    Ok(crate::validate(payload, &mut manifest_and_config))
}

fn validate_settings(payload: &[u8]) -> CallResult {
    Ok(crate::validate_settings(payload))
}

fn protocol_version(_: &[u8]) -> CallResult {
    Ok(crate::protocol_version())
}

fn run(payload: &[u8]) -> CallResult {
    Ok(crate::run(payload))
}

//! `imprint-kubewarden-metadata METADATA_YML IN_WASM OUT_WASM`: writes
//! `IN_WASM` with the `io.kubewarden.metadata` custom section built from
//! `METADATA_YML` to `OUT_WASM` (kubewarden/build.sh runs it). Exit 2 with
//! a message on any error; `OUT_WASM` is written whole or not at all.

use imprint_kubewarden::metadata::{append_custom_section, metadata_json, yaml_to_json, SECTION};
use std::path::Path;
use std::process::ExitCode;

fn run(args: &[String]) -> Result<(), String> {
    let [yml, input, output] = args else {
        return Err("usage: imprint-kubewarden-metadata METADATA_YML IN_WASM OUT_WASM".to_owned());
    };
    let text = std::fs::read_to_string(yml).map_err(|e| format!("{yml}: {e}"))?;
    let json = metadata_json(&yaml_to_json(&text).map_err(|e| format!("{yml}: {e}"))?)?;
    let wasm = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
    let out = append_custom_section(&wasm, SECTION, json.as_bytes())
        .map_err(|e| format!("{input}: {e}"))?;
    // Written beside the output and renamed: never a half-written module.
    let tmp = Path::new(output).with_extension("wasm.partial");
    std::fs::write(&tmp, out).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, output).map_err(|e| format!("{output}: {e}"))?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("imprint-kubewarden-metadata: {e}");
            ExitCode::from(2)
        }
    }
}

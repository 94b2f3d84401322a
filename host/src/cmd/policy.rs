//! `--policy`: a builtin name or a policy file, read boundedly and loaded
//! natively (the host needs the policy to know what to gather).

use super::*;

pub(super) fn unknown_builtin(name: &str) -> HostError {
    let names: Vec<&str> = imprint_policies::names().collect();
    HostError::Usage(format!(
        "--policy `{name}`: no such file and no builtin policy of that name (builtins: {})",
        names.join(", ")
    ))
}

/// A policy loaded natively (the host needs it to gather the context),
/// with its text and origin for the engine.
#[derive(Debug)]
pub struct Loaded {
    /// The policy.
    pub policy: Policy,
    /// Its JSON text.
    pub text: String,
    /// Where it came from (file path or `builtin:NAME`).
    pub origin: String,
}

/// Loads a policy from a file path or a builtin name, keeping its text.
pub fn load_policy_text(spec: &str) -> Result<Loaded, HostError> {
    let looks_like_path = spec.contains(['/', '\\']) || spec.ends_with(".json");
    if !looks_like_path {
        if let Some(text) = imprint_policies::builtin(spec) {
            let origin = format!("builtin:{spec}");
            return Ok(Loaded {
                policy: Policy::from_json(text, &origin)?,
                text: text.to_owned(),
                origin,
            });
        }
    }
    let path = Path::new(spec);
    if !path.exists() {
        return Err(if looks_like_path {
            HostError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "policy file not found"),
            )
        } else {
            unknown_builtin(spec)
        });
    }
    let text = read_policy_file(path, spec)?;
    Ok(Loaded {
        policy: Policy::from_json(&text, spec)?,
        text,
        origin: spec.to_owned(),
    })
}

/// Reads a policy file, at most one byte past the policy size limit, so a
/// huge file is refused without reading it; a FIFO, device or socket is
/// refused without opening it for a blocking read.
fn read_policy_file(path: &Path, spec: &str) -> Result<String, HostError> {
    use std::io::Read;
    let limit = imprint_core::Limits::default().policy_bytes;
    let file = crate::check_inputs::open_regular(path)?;
    let mut bytes = Vec::new();
    (&file)
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| HostError::io(path, e))?;
    if bytes.len() > limit {
        let size = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        return Err(HostError::Policy(imprint_core::PolicyError::too_large(
            spec, size, limit,
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        HostError::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, "policy is not UTF-8"),
        )
    })
}

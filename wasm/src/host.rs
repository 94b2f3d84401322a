//! What a JavaScript host of the `imprint` command line (the npm CLI)
//! needs from the engine beyond the JSON boundary, behind the `cli`
//! feature: the command line itself ([`imprint_core::cli::parse`]), the
//! reading of `check` inputs from bytes, digest-pin rewriting, and the
//! wording of the engine's errors, so that it prints what the native CLI
//! prints, byte for byte. Each function takes and gives JSON text or
//! bytes; none does I/O.

use imprint_core::api::Answer;
use imprint_core::cli::InputKind;
use imprint_core::read::input::{self, Seen};
use imprint_core::Policy;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

fn to_text(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| json!({ "error": e.to_string() }).to_string())
}

fn kind(name: &str) -> Result<InputKind, String> {
    serde_json::from_value(Value::String(name.to_owned())).map_err(|e| e.to_string())
}

/// Parses a command line (`argv`, the program's name first): JSON of
/// `{"run": Cli}` or `{"exit": {code, stdout, stderr}}`.
#[wasm_bindgen(js_name = cliParse)]
pub fn cli_parse(argv: Vec<String>, width: Option<usize>, ansi: bool) -> String {
    to_text(&imprint_core::cli::parse(argv, width, ansi))
}

/// Reads one input's bytes (`read::input::read`): JSON of
/// `{"artifacts": […], "seen": Seen}` or `{"error": message, "seen": Seen}`.
/// `seen`: the JSON of what the input held so far.
#[wasm_bindgen(js_name = readInput)]
pub fn read_input(name: &str, bytes: &[u8], kind_name: &str, lenient: bool, seen: &str) -> String {
    let mut seen: Seen = serde_json::from_str(seen).unwrap_or_default();
    let read = kind(kind_name).and_then(|k| input::read(name, bytes, k, lenient, &mut seen));
    match read {
        Ok(artifacts) => to_text(&json!({ "artifacts": artifacts, "seen": seen })),
        Err(e) => to_text(&json!({ "error": e, "seen": seen })),
    }
}

/// What a directory walk does with the file `name`: `structured`,
/// `go-version-text`, `go-binary` or `skip`.
#[wasm_bindgen(js_name = inputWalked)]
pub fn input_walked(name: &str, kind_name: &str, executable: bool) -> String {
    kind(kind_name).map_or_else(
        |_| "skip".to_owned(),
        |k| {
            to_text(&input::walked(name, k, executable))
                .trim_matches('"')
                .to_owned()
        },
    )
}

/// A walked `.txt` file: JSON of `{"artifacts": […]}` or `{"error": …}`.
#[wasm_bindgen(js_name = readWalkedText)]
pub fn read_walked_text(name: &str, bytes: &[u8]) -> String {
    match input::read_walked_text(name, bytes) {
        Ok(artifacts) => to_text(&json!({ "artifacts": artifacts })),
        Err(e) => to_text(&json!({ "error": e })),
    }
}

/// A Go binary: JSON of `{"artifacts": […]}` or `{"error": …}`.
#[wasm_bindgen(js_name = readGoBinary)]
pub fn read_go_binary(name: &str, bytes: &[u8]) -> String {
    match input::read_go_binary(name, bytes) {
        Ok(artifacts) => to_text(&json!({ "artifacts": artifacts })),
        Err(e) => to_text(&json!({ "error": e })),
    }
}

/// Whether a file's first bytes are a Go binary (not UTF-8, with build info).
#[wasm_bindgen(js_name = isGoBinary)]
pub fn is_go_binary(bytes: &[u8]) -> bool {
    input::is_go_binary(bytes)
}

/// Whether bytes hold Go build info anywhere.
#[wasm_bindgen(js_name = hasGoBuildinfo)]
pub fn has_go_buildinfo(bytes: &[u8]) -> bool {
    input::has_go_buildinfo(bytes)
}

/// Whether a file's first bytes start like an executable (ELF, PE, Mach-O).
#[wasm_bindgen(js_name = isExecutableFormat)]
pub fn is_executable_format(head: &[u8]) -> bool {
    input::is_executable_format(head)
}

/// The error for an input that gave no artifact.
#[wasm_bindgen(js_name = nothingFound)]
pub fn nothing_found(
    name: &str,
    kind_name: &str,
    is_dir: bool,
    seen: &str,
    unexecutable: Vec<String>,
) -> String {
    let seen: Seen = serde_json::from_str(seen).unwrap_or_default();
    let k = kind(kind_name).unwrap_or_default();
    input::nothing_found(name, k, is_dir, &seen, &unexecutable)
}

/// A policy as the command line needs it before asking the engine: JSON
/// of `{"policy": {name, description, args, persisted, pin, pin_tag_value,
/// metadata_action}}`, or `{"error": text}` worded as the CLI prints it.
#[wasm_bindgen(js_name = policyInfo)]
pub fn policy_info(text: &str, origin: &str) -> String {
    match Policy::from_json(text, origin) {
        Ok(p) => to_text(&json!({ "policy": {
            "name": p.name(),
            "description": p.description(),
            "args": p.args().iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            "persisted": p.persisted().collect::<Vec<_>>(),
            "pin": p.pin().map(|s| json!({
                "images": s.images, "also_tags": s.also_tags, "extensions": s.extensions,
            })),
            "pin_tag_value": p.pin_tag_value(),
            "metadata_action": p.metadata_action().is_some(),
        }})),
        Err(e) => to_text(&json!({ "error": e.to_string() })),
    }
}

/// The builtin policies' names, in the order the CLI lists them.
#[wasm_bindgen(js_name = builtinNames)]
pub fn builtin_names() -> Vec<String> {
    imprint_policies::BUILTIN
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect()
}

/// The text an engine answer's error prints as (`imprint: error: TEXT`):
/// a derive error, or a policy error attributed to `origin`; `undefined`
/// for an answer that is not an error of those kinds.
#[wasm_bindgen(js_name = errorText)]
pub fn error_text(answer: &str, origin: &str) -> Option<String> {
    match serde_json::from_str::<Answer>(answer).ok()? {
        Answer::DeriveError(e) => Some(e.to_string()),
        Answer::PolicyError(mut e) => {
            origin.clone_into(&mut e.origin);
            Some(e.to_string())
        }
        _ => None,
    }
}

/// A policy-size error as the CLI words it
/// ([`imprint_core::PolicyError::too_large`]); `size`: the file's size when known.
#[wasm_bindgen(js_name = policyTooLarge)]
pub fn policy_too_large(origin: &str, size: Option<f64>) -> String {
    // A file size reaches JavaScript as a double; sizes are whole numbers.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a file size"
    )]
    let size = size.map(|n| n as u64);
    imprint_core::PolicyError::too_large(origin, size, policy_limit()).to_string()
}

/// The largest policy, in bytes.
#[wasm_bindgen(js_name = policyLimit)]
pub fn policy_limit() -> usize {
    imprint_core::Limits::default().policy_bytes
}

/// Rewrites digest pins in a file's bytes: `{bytes, changes}` where
/// `changes` is the JSON of `[{line, from, to}]`.
#[wasm_bindgen(js_name = rewritePins)]
pub fn rewrite_pins(bytes: &[u8], images: Vec<String>, tag: &str, also: Vec<String>) -> PinRewrite {
    let (bytes, changes) = imprint_core::rewrite_pins_bytes(bytes, &images, tag, &also);
    let changes = changes
        .iter()
        .map(|c| json!({ "line": c.line, "from": c.from, "to": c.to }))
        .collect::<Vec<_>>();
    PinRewrite {
        bytes,
        changes: to_text(&changes),
    }
}

/// The result of [`rewrite_pins`].
#[wasm_bindgen(getter_with_clone)]
pub struct PinRewrite {
    /// The rewritten file.
    pub bytes: Vec<u8>,
    /// JSON of the changes.
    pub changes: String,
}

/// Whether `pin` rewrites a file of this name (by its extension).
#[wasm_bindgen(js_name = pinFileMatches)]
pub fn pin_file_matches(name: &str, extensions: Vec<String>) -> bool {
    imprint_core::pin_file_matches(name, &extensions)
}

/// Whether `tag` is a valid OCI tag.
#[wasm_bindgen(js_name = isValidTag)]
pub fn is_valid_tag(tag: &str) -> bool {
    imprint_core::is_valid_tag(tag)
}

/// `s` as Rust's `str::escape_debug` writes it (messages quote user text so).
#[wasm_bindgen(js_name = escapeDebug)]
pub fn escape_debug(s: &str) -> String {
    s.escape_debug().to_string()
}

/// `s` with control characters escaped, as messages show file names.
#[wasm_bindgen]
pub fn visible(s: &str) -> String {
    imprint_core::visible(s).into_owned()
}

/// Seconds since 1970 as RFC 3339 (UTC), or `undefined`.
#[wasm_bindgen(js_name = epochToRfc3339)]
pub fn epoch_to_rfc3339(secs: &str) -> Option<String> {
    imprint_core::epoch_to_rfc3339(secs)
}

/// The engine's key for a command's outcome in a context.
#[wasm_bindgen(js_name = commandKey)]
pub fn command_key(argv: Vec<String>) -> String {
    imprint_core::command_key(&argv)
}

/// `describe --labels-from PATH`, from its bytes: JSON of `{"labels":
/// {…}, "env": {…}, "fields": {…}}` or `{"error": message}`.
#[wasm_bindgen(js_name = labelsFrom)]
pub fn labels_from(path: &str, bytes: &[u8]) -> String {
    match input::labels_from(path, bytes) {
        Ok(a) => to_text(&json!({ "labels": a.labels, "env": a.env, "fields": a.fields })),
        Err(e) => to_text(&json!({ "error": e })),
    }
}

/// How serde_json words why `bytes` are not JSON (`undefined` when it is),
/// as the CLI's messages quote it.
#[wasm_bindgen(js_name = jsonError)]
pub fn json_error(bytes: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .err()
        .map(|e| e.to_string())
}

//! # imprint-wasm
//!
//! The imprint engine for WebAssembly. Two faces over the same code:
//!
//! - **JavaScript** (wasm-bindgen): `derive`, `check`, `describe`, `cards`,
//!   `explain`, `validate`, `read`, `policies`, `policyText`, `version`,
//!   and `run` (the raw JSON boundary). Every answer is a plain object with
//!   a `type` field (`derivation`, `report`, `card`, `policy_error`,
//!   `derive_error`, …): domain failures are data, never exceptions, with
//!   the same codes and JSON paths as the CLI.
//! - **Any other host** (wasmtime): the raw ABI in [`abi`]:
//!   `imprint_alloc`, `imprint_free`, `imprint_run`, JSON in, JSON out.
//!
//! A `policy` argument is a policy's JSON text, or the name of a builtin
//! policy (`vllm`, `obol-stack`, `airunway`, `default`).

#![deny(missing_docs)]

// Documented natively too (`cargo doc`), built only for wasm32.
#[cfg(any(target_arch = "wasm32", doc))]
pub mod abi;
#[cfg(feature = "cli")]
pub mod host;
mod text;

use imprint_core::api;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("../types.d.ts");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify)]
    fn json_stringify(value: &JsValue) -> JsValue;
}

/// The policy text for `policy`: a builtin's text when it names one.
fn policy_text(policy: &str) -> String {
    match imprint_policies::builtin(policy.trim()) {
        Some(t) if !policy.trim_start().starts_with('{') => t.to_owned(),
        _ => policy.to_owned(),
    }
}

/// The argument `name` read as a `T` through its JSON form, `None` when
/// it is `undefined` or `null`; or the `bad_request` answer text when it is
/// not a `T` or JSON cannot carry it (a lone surrogate in a string, say).
fn from_js<T: serde::de::DeserializeOwned>(name: &str, v: &JsValue) -> Result<Option<T>, String> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let text = text::string(&json_stringify(v))
        .ok_or_else(|| bad_request(format!("`{name}` cannot be written as JSON")))?;
    parse(name, &text).map(Some)
}

/// [`from_js`] of a required argument: `undefined` and `null` are a
/// `bad_request` saying it is missing.
fn required_from_js<T: serde::de::DeserializeOwned>(name: &str, v: &JsValue) -> Result<T, String> {
    from_js(name, v)?.ok_or_else(|| bad_request(format!("`{name}` is missing")))
}

/// [`from_js`], with `T`'s default for `undefined` and `null` (an
/// optional argument).
fn from_js_or_default<T: serde::de::DeserializeOwned + Default>(
    name: &str,
    v: &JsValue,
) -> Result<T, String> {
    Ok(from_js(name, v)?.unwrap_or_default())
}

/// Answers a request and returns the answer as a plain JS object.
fn answer(request: api::Request) -> JsValue {
    json_parse(&api::answer_json(request))
}

/// The string argument `name`, or the `bad_request` answer text saying
/// it is not a string. Documents and policies cross with
/// `TextEncoder.encodeInto` ([`text`]), not wasm-bindgen's per-character copy.
fn string_arg(name: &str, value: &JsValue) -> Result<String, String> {
    text::string(value).ok_or_else(|| bad_request(format!("`{name}` is not a string")))
}

/// [`answer`] for a request that needs a policy text argument: `request`
/// builds it from the policy text, or fails with a `bad_request` answer text.
fn answer_with_policy(
    policy: &JsValue,
    request: impl FnOnce(String) -> Result<api::Request, String>,
) -> JsValue {
    match string_arg("policy", policy).and_then(|p| request(policy_text(&p))) {
        Ok(r) => answer(r),
        Err(e) => json_parse(&e),
    }
}

/// The engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The builtin policies: `[{ name, description }]`.
#[wasm_bindgen(unchecked_return_type = "PolicyInfo[]")]
pub fn policies() -> JsValue {
    let list: Vec<Value> = imprint_policies::BUILTIN
        .iter()
        .map(|(name, text)| {
            let description = imprint_core::Policy::from_json(text, name)
                .map(|p| p.description().to_owned())
                .unwrap_or_default();
            json!({ "name": name, "description": description })
        })
        .collect();
    json_parse(&Value::Array(list).to_string())
}

/// The JSON text of a builtin policy, or `undefined`.
#[wasm_bindgen(js_name = policyText)]
pub fn policy_text_of(name: &str) -> Option<String> {
    imprint_policies::builtin(name).map(str::to_owned)
}

/// The lines of `tags` (tag names, one per line, as `git tag` prints them)
/// whose names match `pattern` as `git tag --list <pattern>` matches them:
/// a JavaScript host lists the tags on `HEAD` once and picks each
/// pattern's tags with this, as the native host does.
#[wasm_bindgen(js_name = tagsMatching)]
pub fn tags_matching(tags: &str, pattern: &str) -> String {
    imprint_core::tags_matching(tags, pattern)
}

/// Loads a policy: `{ type: "policy", … }` or `{ type: "policy_error", problems }`.
#[wasm_bindgen(unchecked_return_type = "Answer")]
pub fn validate(#[wasm_bindgen(unchecked_param_type = "string")] policy: JsValue) -> JsValue {
    answer_with_policy(&policy, |policy| Ok(api::Request::Validate { policy }))
}

/// Derives values, tags, build args, labels, env and linker flags.
#[wasm_bindgen(unchecked_return_type = "Answer")]
pub fn derive(
    #[wasm_bindgen(unchecked_param_type = "string")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Context>")] context: JsValue,
) -> JsValue {
    answer_with_policy(&policy, |policy| {
        let context = from_js_or_default("context", &context)?;
        Ok(api::Request::Derive {
            policy,
            context,
            format: None,
        })
    })
}

/// Derives and renders one output format (`shell`, `shell-quoted`, `json`,
/// `github`, `dotenv`, `bake`, `ldflags`): `{ type: "rendered", text,
/// persist }`, byte for byte what `imprint derive --format` prints, or the
/// `derive_error` (`unrenderable` when the format cannot carry a value).
#[wasm_bindgen(js_name = deriveFormatted, unchecked_return_type = "Answer")]
pub fn derive_formatted(
    #[wasm_bindgen(unchecked_param_type = "string")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Context>")] context: JsValue,
    #[wasm_bindgen(unchecked_param_type = "OutputFormat")] format: JsValue,
) -> JsValue {
    answer_with_policy(&policy, |policy| {
        let context = from_js_or_default("context", &context)?;
        let format = required_from_js("format", &format)?;
        Ok(api::Request::Derive {
            policy,
            context,
            format: Some(format),
        })
    })
}

/// The trace for people, as `imprint explain` prints it.
#[wasm_bindgen(unchecked_return_type = "Answer")]
pub fn explain(
    #[wasm_bindgen(unchecked_param_type = "string")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Context>")] context: JsValue,
) -> JsValue {
    answer_with_policy(&policy, |policy| {
        let context = from_js_or_default("context", &context)?;
        Ok(api::Request::Explain { policy, context })
    })
}

/// Reads artifacts from input text (`docker inspect`, OCI, Kubernetes JSON).
#[wasm_bindgen(unchecked_return_type = "Answer")]
pub fn read(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    file: Option<String>,
) -> JsValue {
    match string_arg("text", &text) {
        Ok(text) => answer(api::Request::Read { text, file }),
        Err(e) => json_parse(&e),
    }
}

/// Checks artifacts against the policy's rules. With a context, rules may
/// compare with derived values; with a format (`human`, `json`, `github`,
/// `sarif`), the answer is `{ type: "rendered_report", text, errors,
/// warnings }`, what `imprint check --format` prints.
#[wasm_bindgen(unchecked_return_type = "Answer")]
pub fn check(
    #[wasm_bindgen(unchecked_param_type = "string")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Artifact>[]")] artifacts: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Context> | undefined")] context: JsValue,
    format: Option<String>,
) -> JsValue {
    answer_with_policy(&policy, |policy| {
        Ok(api::Request::Check {
            policy,
            artifacts: required_from_js("artifacts", &artifacts)?,
            context: from_js("context", &context)?,
            format: format
                .map(|f| imprint_core::ReportFormat::from_name(&f))
                .transpose()
                .map_err(|e| bad_request(format!("`format`: {e}")))?,
        })
    })
}

/// The provenance card of one image; with a format (`human`, `json`), the
/// answer is `{ type: "rendered_card", text }`, what `imprint describe
/// --format` prints.
#[wasm_bindgen(unchecked_return_type = "Answer")]
pub fn describe(
    #[wasm_bindgen(unchecked_param_type = "string")] policy: JsValue,
    reference: &str,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string> | undefined")] labels: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string> | undefined")] env: JsValue,
    format: Option<String>,
) -> JsValue {
    answer_with_policy(&policy, |policy| {
        Ok(api::Request::Describe {
            policy,
            reference: reference.to_owned(),
            labels: from_js_or_default("labels", &labels)?,
            env: from_js_or_default("env", &env)?,
            // Artifacts with other facts (provenance) take `cards`.
            fields: Default::default(),
            context: None,
            format: format
                .map(|f| imprint_core::CardFormat::from_name(&f))
                .transpose()
                .map_err(|e| bad_request(format!("`format`: {e}")))?,
        })
    })
}

/// The provenance cards of many artifacts: `{ type: "cards", cards }`.
#[wasm_bindgen(unchecked_return_type = "Answer")]
pub fn cards(
    #[wasm_bindgen(unchecked_param_type = "string")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Artifact>[]")] artifacts: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Context> | undefined")] context: JsValue,
) -> JsValue {
    answer_with_policy(&policy, |policy| {
        Ok(api::Request::Cards {
            policy,
            artifacts: required_from_js("artifacts", &artifacts)?,
            context: from_js("context", &context)?,
        })
    })
}

/// A policy loaded once, for many evaluations (loading validates and
/// compiles it; each call then only evaluates).
#[wasm_bindgen]
pub struct LoadedPolicy {
    policy: imprint_core::Policy,
}

/// Loads a policy: a [`LoadedPolicy`], or the `policy_error` answer.
#[wasm_bindgen(unchecked_return_type = "LoadedPolicy | Answer")]
pub fn load(#[wasm_bindgen(unchecked_param_type = "string")] policy: JsValue) -> JsValue {
    let policy = match string_arg("policy", &policy) {
        Ok(p) => p,
        Err(e) => return json_parse(&e),
    };
    match imprint_core::Policy::from_json(&policy_text(&policy), "policy") {
        Ok(policy) => JsValue::from(LoadedPolicy { policy }),
        Err(e) => json_parse(&api::Answer::PolicyError(e).to_json()),
    }
}

/// A `bad_request` answer as JSON text.
fn bad_request(message: String) -> String {
    api::Answer::BadRequest { message }.to_json()
}

/// `text` parsed as a `what` (`context`, `artifacts`), or the
/// `bad_request` answer text saying why not.
fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| bad_request(format!("malformed {what}: {e}")))
}

/// The string argument `name` holding JSON, parsed as a `T`; or the
/// `bad_request` answer text.
fn json_arg<T: serde::de::DeserializeOwned>(name: &str, value: &JsValue) -> Result<T, String> {
    parse(name, &string_arg(name, value)?)
}

#[wasm_bindgen]
impl LoadedPolicy {
    /// The policy's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.policy.name().to_owned()
    }

    /// Derives; the answer as a plain object.
    #[wasm_bindgen(unchecked_return_type = "Answer")]
    pub fn derive(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Partial<Context>")] context: JsValue,
    ) -> JsValue {
        let text = json_stringify(&context);
        let text = if text.is_string() {
            text
        } else {
            JsValue::from_str("{}")
        };
        json_parse(&self.derive_json(text))
    }

    /// Derives from a context given as JSON text; the answer as JSON text
    /// (no object conversion on either side).
    #[wasm_bindgen(js_name = deriveJson)]
    pub fn derive_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] context: JsValue,
    ) -> String {
        json_arg("context", &context)
            .map(|ctx| api::derive_json(&self.policy, &ctx))
            .unwrap_or_else(|e| e)
    }

    /// The cards of artifacts given as JSON text (and, for rules that use
    /// derived values, a context as JSON text); the answer as JSON text.
    #[wasm_bindgen(js_name = cardsJson)]
    pub fn cards_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] artifacts: JsValue,
        context: Option<String>,
    ) -> String {
        let answer = || -> Result<String, String> {
            let artifacts: Vec<imprint_core::Artifact> = json_arg("artifacts", &artifacts)?;
            let context: Option<imprint_core::Context> = context
                .as_deref()
                .map(|c| parse("context", c))
                .transpose()?;
            Ok(api::cards_json(&self.policy, &artifacts, context.as_ref()))
        };
        answer().unwrap_or_else(|e| e)
    }

    /// Checks artifacts given as JSON text; the answer as JSON text.
    #[wasm_bindgen(js_name = checkJson)]
    pub fn check_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] artifacts: JsValue,
    ) -> String {
        json_arg("artifacts", &artifacts)
            .map(|a: Vec<imprint_core::Artifact>| api::check_json(&self.policy, &a, None))
            .unwrap_or_else(|e| e)
    }
}

/// The raw JSON boundary: one request text in, one answer text out.
#[wasm_bindgen]
pub fn run(#[wasm_bindgen(unchecked_param_type = "string")] request: JsValue) -> String {
    string_arg("request", &request)
        .map(|r| api::run_json(&r))
        .unwrap_or_else(|e| e)
}

//! The policy's settings, as a `ClusterAdmissionPolicy`'s `spec.settings`
//! gives them, and their validation (`validate_settings`).
//!
//! ```yaml
//! settings:
//!   policy: default            # a builtin policy's name, a policy's JSON text, or the policy object
//!   deny: [no-shared-latest]   # rules whose warnings refuse the object too
//!   warn: [revision-is-a-commit] # rules whose errors only warn
//!   registry_unreachable: reject  # or `accept` (with a warning); default `reject`
//! ```
//!
//! Nothing has a silent default that could pass an image unchecked: the
//! policy must be named, and an image whose labels the host could not
//! read refuses the object unless `registry_unreachable: accept` says
//! otherwise.

use imprint_core::Policy;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// What to do with an image whose manifest and config the host could not
/// read from its registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistryUnreachable {
    /// Refuse the object (the default: fail closed).
    Reject,
    /// Admit it with a warning naming the image and the host's error.
    Accept,
}

/// The settings exactly as given.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    policy: Option<Value>,
    #[serde(default)]
    deny: Vec<String>,
    #[serde(default)]
    warn: Vec<String>,
    registry_unreachable: Option<RegistryUnreachable>,
}

/// Valid settings: the policy loaded and the rule lists checked against it.
#[derive(Debug)]
pub struct Settings {
    /// The imprint policy.
    pub policy: Policy,
    /// Rules whose findings refuse the object whatever their severity.
    pub deny: BTreeSet<String>,
    /// Rules whose findings only warn whatever their severity.
    pub warn: BTreeSet<String>,
    /// What an unreadable image does.
    pub registry_unreachable: RegistryUnreachable,
}

/// Names of the builtin policies, for messages.
fn builtin_names() -> String {
    imprint_policies::BUILTIN
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The policy text the `policy` setting names.
fn policy_text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) if s.trim_start().starts_with('{') => Ok(s.clone()),
        Value::String(s) => imprint_policies::builtin(s.trim())
            .map(str::to_owned)
            .ok_or_else(|| {
                format!(
                    "`policy`: `{}` is neither a builtin policy ({}) nor a policy's JSON text",
                    s.escape_debug(),
                    builtin_names()
                )
            }),
        Value::Object(_) => serde_json::to_string(v).map_err(|e| format!("`policy`: {e}")),
        other => Err(format!(
            "`policy` must be a builtin policy's name ({}), a policy's JSON text or a policy object, not {}",
            builtin_names(),
            imprint_core::json_type(other)
        )),
    }
}

impl Settings {
    /// Reads and checks settings given as a JSON value.
    pub fn from_value(v: Value) -> Result<Self, String> {
        let raw: Raw =
            serde_json::from_value(v).map_err(|e| format!("settings are not valid: {e}"))?;
        let policy = raw.policy.as_ref().ok_or_else(|| {
            format!(
                "settings have no `policy`: name a builtin policy ({}), or give a policy's JSON",
                builtin_names()
            )
        })?;
        let text = policy_text(policy)?;
        let policy = Policy::from_json(&text, "policy").map_err(|e| e.to_string())?;
        let ids: BTreeSet<&str> = policy.rules().map(|(id, _)| id).collect();
        for (list, name) in [(&raw.deny, "deny"), (&raw.warn, "warn")] {
            let unknown: Vec<&str> = list
                .iter()
                .map(String::as_str)
                .filter(|id| !ids.contains(id))
                .collect();
            if !unknown.is_empty() {
                return Err(format!(
                    "`{name}` names rules that policy `{}` does not have: {} (its rules: {})",
                    policy.name(),
                    unknown.join(", "),
                    ids.iter().copied().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        let deny: BTreeSet<String> = raw.deny.into_iter().collect();
        let warn: BTreeSet<String> = raw.warn.into_iter().collect();
        if let Some(both) = deny.intersection(&warn).next() {
            return Err(format!(
                "rule `{both}` is in both `deny` and `warn`: name it in one"
            ));
        }
        Ok(Self {
            policy,
            deny,
            warn,
            registry_unreachable: raw
                .registry_unreachable
                .unwrap_or(RegistryUnreachable::Reject),
        })
    }

    /// Whether a finding of `rule` with this severity refuses the object.
    pub fn denies(&self, rule: &str, severity: imprint_core::check::Severity) -> bool {
        if self.deny.contains(rule) {
            return true;
        }
        if self.warn.contains(rule) {
            return false;
        }
        severity == imprint_core::check::Severity::Error
    }
}

/// `validate_settings`: the settings JSON in, Kubewarden's
/// `SettingsValidationResponse` (`{"valid": …, "message": …}`) out.
pub fn validate_settings(payload: &[u8]) -> Vec<u8> {
    let outcome = serde_json::from_slice::<Value>(payload)
        .map_err(|e| format!("settings are not JSON: {e}"))
        .and_then(Settings::from_value);
    let v = match outcome {
        Ok(_) => serde_json::json!({ "valid": true, "message": null }),
        Err(message) => serde_json::json!({ "valid": false, "message": message }),
    };
    v.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(v: Value) -> Value {
        serde_json::from_slice(&validate_settings(v.to_string().as_bytes())).unwrap()
    }

    #[test]
    fn builtin_inline_and_object_policies_are_valid() {
        let inline = imprint_policies::builtin("default").unwrap();
        let object: Value = serde_json::from_str(inline).unwrap();
        for policy in [json!("default"), json!(inline), object] {
            assert_eq!(
                answer(json!({ "policy": policy })),
                json!({ "valid": true, "message": null })
            );
        }
    }

    #[test]
    fn invalid_settings_say_what_is_wrong() {
        let cases = [
            (json!({}), "settings have no `policy`"),
            (
                json!({ "policy": "nope" }),
                "`nope` is neither a builtin policy",
            ),
            (json!({ "policy": 3 }), "not a number"),
            (
                json!({ "policy": "{\"name\": 1}" }),
                "invalid policy `policy`",
            ),
            (
                json!({ "policy": "default", "warn": ["no-such-rule"] }),
                "`warn` names rules that policy `default` does not have: no-such-rule",
            ),
            (
                json!({ "policy": "default", "deny": ["no-shared-latest"], "warn": ["no-shared-latest"] }),
                "rule `no-shared-latest` is in both `deny` and `warn`",
            ),
            (
                json!({ "policy": "default", "registry_unreachable": "maybe" }),
                "unknown variant `maybe`",
            ),
            (
                json!({ "policy": "default", "polcy": 1 }),
                "unknown field `polcy`",
            ),
        ];
        for (settings, want) in cases {
            let a = answer(settings.clone());
            assert_eq!(a["valid"], false, "{settings}");
            let msg = a["message"].as_str().unwrap();
            assert!(msg.contains(want), "{settings}: {msg}");
        }
        let not_json: Value = serde_json::from_slice(&validate_settings(b"{")).unwrap();
        assert_eq!(not_json["valid"], false);
    }

    #[test]
    fn deny_and_warn_override_severity() {
        use imprint_core::check::Severity;
        let s = Settings::from_value(json!({
            "policy": "default", "deny": ["no-shared-latest"], "warn": ["oci-labels-present"]
        }))
        .unwrap();
        assert!(s.denies("no-shared-latest", Severity::Warning));
        assert!(!s.denies("oci-labels-present", Severity::Error));
        assert!(s.denies("oci-version-is-tag", Severity::Error));
        assert!(!s.denies("revision-is-a-commit", Severity::Warning));
        assert_eq!(s.registry_unreachable, RegistryUnreachable::Reject);
    }
}

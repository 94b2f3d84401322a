//! Kubernetes objects and lists: every container and init container image
//! of Pods, Deployments, StatefulSets, DaemonSets, Jobs and CronJobs, and
//! `status.version` of `InferenceProviderConfig` objects.
//!
//! | kind | pod spec at |
//! |---|---|
//! | `Pod` | `spec` |
//! | `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `ReplicationController`, `Job` | `spec.template.spec` |
//! | `PodTemplate` | `template.spec` |
//! | `CronJob` | `spec.jobTemplate.spec.template.spec` |
//!
//! Each container, init container and ephemeral container is one artifact
//! of kind `container`, named like `Deployment/obol/x402-buyer container
//! buyer` (`init container …`, `ephemeral container …`; without the
//! namespace when there is none), with the `image` as reference, the
//! literal `env` entries (not `valueFrom`), and the fields `k8s.kind`,
//! `k8s.name`, `k8s.namespace`, `k8s.label.<key>` (the object's labels),
//! `container.name`, `container.init` (`true` or `false`),
//! `container.ephemeral` (`true`, ephemeral containers only), and for Pods
//! `image_id` (the matching `status.*containerStatuses[].imageID`).
//!
//! An `InferenceProviderConfig` is one artifact of kind `object`, named
//! `InferenceProviderConfig/<name>`, with the fields `k8s.*` and every scalar
//! under `status` and `spec` by dotted path (`status.version`,
//! `spec.capabilities.gpuSupport` …; an array of scalars is one field,
//! one entry per line).
//!
//! A `List` (or any `…List` with `items`) is read item by item. Other
//! kinds give no artifacts.

use super::{index_path, key_path, opt_obj, opt_str, str_map, wrong_type, ReadError};
use crate::artifact::Artifact;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Most fields one object's `spec` and `status` may add, and how deep they
/// are followed: enough for any real provider config, bounded for any input.
const MAX_OBJECT_FIELDS: usize = 256;
const MAX_OBJECT_DEPTH: usize = 8;

/// Whether `value` looks like a Kubernetes object or list (`apiVersion` and `kind`).
pub fn is_kube(value: &Value) -> bool {
    value.get("apiVersion").is_some() && value.get("kind").is_some()
}

/// Reads a Kubernetes object or list.
pub fn read_value(value: &Value, file: Option<&str>) -> Result<Vec<Artifact>, ReadError> {
    let mut out = Vec::new();
    if !value.is_object() {
        return Err(wrong_type("", "a Kubernetes object", value));
    }
    if value.get("kind").is_none() {
        return Err(ReadError::new(
            "not a Kubernetes object: it has no `kind` (expected `apiVersion` and `kind`)",
        ));
    }
    read_object(value, "", None, file, &mut out)?;
    Ok(out)
}

struct Ctx<'a> {
    file: Option<&'a str>,
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
    labels: BTreeMap<String, String>,
}

impl Ctx<'_> {
    fn display(&self) -> String {
        match self.namespace {
            Some(ns) => format!("{}/{ns}/{}", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }

    fn artifact(&self, kind: &str, name: String) -> Artifact {
        let mut fields = BTreeMap::new();
        fields.insert("k8s.kind".to_owned(), self.kind.to_owned());
        fields.insert("k8s.name".to_owned(), self.name.to_owned());
        if let Some(ns) = self.namespace {
            fields.insert("k8s.namespace".to_owned(), ns.to_owned());
        }
        for (k, v) in &self.labels {
            fields.insert(format!("k8s.label.{k}"), v.clone());
        }
        Artifact {
            kind: kind.to_owned(),
            name,
            fields,
            file: self.file.map(str::to_owned),
            ..Artifact::default()
        }
    }
}

fn read_object(
    value: &Value,
    path: &str,
    default_kind: Option<&str>,
    file: Option<&str>,
    out: &mut Vec<Artifact>,
) -> Result<(), ReadError> {
    let o = value
        .as_object()
        .ok_or_else(|| wrong_type(path, "an object", value))?;
    let Some(kind) = opt_str(o, "kind", path)?.or(default_kind) else {
        return Err(ReadError::new(format!("`{path}` has no `kind`")));
    };

    if kind == "List" || (kind.ends_with("List") && o.contains_key("items")) {
        // Items of a typed list (`PodList`) may omit their kind.
        let item_kind = kind.strip_suffix("List").filter(|k| !k.is_empty());
        let items_path = key_path(path, "items");
        match o.get("items") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    read_object(item, &index_path(&items_path, i), item_kind, file, out)?;
                }
            }
            Some(other) => return Err(wrong_type(&items_path, "an array", other)),
        }
        return Ok(());
    }

    let pod_spec_path: &[&str] = match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template", "spec"],
        "PodTemplate" => &["template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "InferenceProviderConfig" => &[],
        _ => return Ok(()),
    };

    let metadata_path = key_path(path, "metadata");
    let metadata = opt_obj(o, "metadata", path)?;
    let (name, namespace, labels) = match metadata {
        Some(m) => (
            opt_str(m, "name", &metadata_path)?
                .or(opt_str(m, "generateName", &metadata_path)?)
                .unwrap_or(""),
            opt_str(m, "namespace", &metadata_path)?.filter(|s| !s.is_empty()),
            str_map(m.get("labels"), &key_path(&metadata_path, "labels"))?,
        ),
        None => ("", None, BTreeMap::new()),
    };
    let ctx = Ctx {
        file,
        kind,
        name,
        namespace,
        labels,
    };

    if kind == "InferenceProviderConfig" {
        out.push(provider_config(o, path, &ctx)?);
        return Ok(());
    }

    // Walk to the pod spec; a missing step means no containers.
    let mut spec = o;
    let mut spec_path = path.to_owned();
    for step in pod_spec_path {
        match opt_obj(spec, step, &spec_path)? {
            Some(next) => {
                spec = next;
                spec_path = key_path(&spec_path, step);
            }
            None => return Ok(()),
        }
    }

    let statuses = if kind == "Pod" {
        image_ids(o, path)?
    } else {
        BTreeMap::new()
    };
    for (list, role) in [
        ("initContainers", Role::Init),
        ("containers", Role::Main),
        ("ephemeralContainers", Role::Ephemeral),
    ] {
        let list_path = key_path(&spec_path, list);
        let items = match spec.get(list) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(items)) => items,
            Some(other) => return Err(wrong_type(&list_path, "an array", other)),
        };
        for (i, c) in items.iter().enumerate() {
            let c_path = index_path(&list_path, i);
            let c = c
                .as_object()
                .ok_or_else(|| wrong_type(&c_path, "an object", c))?;
            let Some(cname) = opt_str(c, "name", &c_path)? else {
                return Err(ReadError::new(format!("`{c_path}` has no `name`")));
            };
            let mut a = ctx.artifact(
                "container",
                format!("{} {} {cname}", ctx.display(), role.word()),
            );
            a.reference = opt_str(c, "image", &c_path)?.map(str::to_owned);
            a.env = env(c.get("env"), &key_path(&c_path, "env"))?;
            a.fields
                .insert("container.name".to_owned(), cname.to_owned());
            a.fields.insert(
                "container.init".to_owned(),
                (role == Role::Init).to_string(),
            );
            if role == Role::Ephemeral {
                a.fields
                    .insert("container.ephemeral".to_owned(), "true".to_owned());
            }
            if let Some(id) = statuses.get(&(role, cname.to_owned())) {
                a.fields.insert("image_id".to_owned(), id.clone());
            }
            out.push(a);
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Init,
    Main,
    Ephemeral,
}

impl Role {
    fn word(self) -> &'static str {
        match self {
            Role::Init => "init container",
            Role::Main => "container",
            Role::Ephemeral => "ephemeral container",
        }
    }
}

/// A Pod's `status.*ContainerStatuses[].imageID`, by role and container name.
fn image_ids(
    o: &Map<String, Value>,
    path: &str,
) -> Result<BTreeMap<(Role, String), String>, ReadError> {
    let mut ids = BTreeMap::new();
    let status_path = key_path(path, "status");
    let Some(status) = opt_obj(o, "status", path)? else {
        return Ok(ids);
    };
    for (list, role) in [
        ("initContainerStatuses", Role::Init),
        ("containerStatuses", Role::Main),
        ("ephemeralContainerStatuses", Role::Ephemeral),
    ] {
        let list_path = key_path(&status_path, list);
        let items = match status.get(list) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(items)) => items,
            Some(other) => return Err(wrong_type(&list_path, "an array", other)),
        };
        for (i, s) in items.iter().enumerate() {
            let s_path = index_path(&list_path, i);
            let s = s
                .as_object()
                .ok_or_else(|| wrong_type(&s_path, "an object", s))?;
            let name = opt_str(s, "name", &s_path)?;
            let id = opt_str(s, "imageID", &s_path)?.filter(|id| !id.is_empty());
            if let (Some(name), Some(id)) = (name, id) {
                ids.insert((role, name.to_owned()), id.to_owned());
            }
        }
    }
    Ok(ids)
}

/// Literal `env` entries; `valueFrom` entries are skipped (their value is
/// not in the manifest), and a missing `value` is empty, as Kubernetes has it.
fn env(v: Option<&Value>, path: &str) -> Result<BTreeMap<String, String>, ReadError> {
    let mut env = BTreeMap::new();
    let items = match v {
        None | Some(Value::Null) => return Ok(env),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(wrong_type(path, "an array", other)),
    };
    for (i, e) in items.iter().enumerate() {
        let e_path = index_path(path, i);
        let e = e
            .as_object()
            .ok_or_else(|| wrong_type(&e_path, "an object", e))?;
        let Some(name) = opt_str(e, "name", &e_path)? else {
            return Err(ReadError::new(format!("`{e_path}` has no `name`")));
        };
        if e.get("valueFrom").is_some_and(|v| !v.is_null()) {
            continue;
        }
        let value = opt_str(e, "value", &e_path)?.unwrap_or("");
        env.insert(name.to_owned(), value.to_owned());
    }
    Ok(env)
}

fn provider_config(
    o: &Map<String, Value>,
    path: &str,
    ctx: &Ctx<'_>,
) -> Result<Artifact, ReadError> {
    let mut a = ctx.artifact("object", ctx.display());
    let mut budget = MAX_OBJECT_FIELDS;
    for key in ["status", "spec"] {
        match o.get(key) {
            None | Some(Value::Null) => {}
            Some(v @ Value::Object(_)) => flatten(v, key, 0, &mut budget, &mut a.fields),
            Some(other) => return Err(wrong_type(&key_path(path, key), "an object", other)),
        }
    }
    Ok(a)
}

/// Every scalar under `v` as a field at its dotted path; an array of
/// scalars is one field, one entry per line.
fn flatten(
    v: &Value,
    path: &str,
    depth: usize,
    budget: &mut usize,
    out: &mut BTreeMap<String, String>,
) {
    if *budget == 0 || depth > MAX_OBJECT_DEPTH {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, item) in m {
                flatten(item, &format!("{path}.{k}"), depth + 1, budget, out);
            }
        }
        Value::Array(items) => {
            let scalars: Option<Vec<String>> = items.iter().map(scalar).collect();
            match scalars {
                Some(s) if !s.is_empty() => {
                    *budget -= 1;
                    out.insert(path.to_owned(), s.join("\n"));
                }
                Some(_) => {}
                None => {
                    for (i, item) in items.iter().enumerate() {
                        flatten(item, &index_path(path, i), depth + 1, budget, out);
                    }
                }
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                *budget -= 1;
                out.insert(path.to_owned(), s);
            }
        }
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> Vec<Artifact> {
        read_value(&v, Some("k.yaml")).unwrap()
    }

    #[test]
    fn deployment_containers_and_init_containers() {
        let all = read(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x402-buyer", "namespace": "obol", "labels": {"app": "buyer"}},
            "spec": {"template": {"spec": {
                "initContainers": [{"name": "wait", "image": "busybox:1.36"}],
                "containers": [{
                    "name": "buyer",
                    "image": "ghcr.io/obolnetwork/x402-buyer:dev-0123456789ab",
                    "env": [
                        {"name": "MODE", "value": "dev"},
                        {"name": "EMPTY"},
                        {"name": "SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}
                    ]
                }]
            }}}
        }));
        assert_eq!(all.len(), 2);
        let (init, main) = (&all[0], &all[1]);
        assert_eq!(init.name, "Deployment/obol/x402-buyer init container wait");
        assert_eq!(init.fields["container.init"], "true");
        assert_eq!(init.reference.as_deref(), Some("busybox:1.36"));
        assert_eq!(main.kind, "container");
        assert_eq!(main.name, "Deployment/obol/x402-buyer container buyer");
        assert_eq!(
            main.reference.as_deref(),
            Some("ghcr.io/obolnetwork/x402-buyer:dev-0123456789ab")
        );
        assert_eq!(main.fields["container.init"], "false");
        assert_eq!(main.fields["container.name"], "buyer");
        assert_eq!(main.fields["k8s.kind"], "Deployment");
        assert_eq!(main.fields["k8s.name"], "x402-buyer");
        assert_eq!(main.fields["k8s.namespace"], "obol");
        assert_eq!(main.fields["k8s.label.app"], "buyer");
        assert_eq!(main.env.len(), 2);
        assert_eq!(main.env["MODE"], "dev");
        assert_eq!(main.env["EMPTY"], "");
        assert_eq!(main.file.as_deref(), Some("k.yaml"));
    }

    #[test]
    fn cronjob_without_namespace() {
        let all = read(json!({
            "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "sweep"},
            "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [{"name": "sweep", "image": "ghcr.io/o/sweep:v1"}]}}}}}
        }));
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].name, "CronJob/sweep container sweep");
        assert!(!all[0].fields.contains_key("k8s.namespace"));
    }

    #[test]
    fn pod_list_with_statuses() {
        let all = read(json!({
            "apiVersion": "v1", "kind": "PodList",
            "items": [{
                "metadata": {"name": "p", "namespace": "default"},
                "spec": {"containers": [{"name": "a", "image": "nginx:1.27"}],
                         "ephemeralContainers": [{"name": "debug", "image": "busybox"}]},
                "status": {"containerStatuses": [
                    {"name": "a", "image": "docker.io/library/nginx:1.27",
                     "imageID": "docker.io/library/nginx@sha256:01"}]}
            }]
        }));
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].name, "Pod/default/p container a");
        assert_eq!(
            all[0].fields["image_id"],
            "docker.io/library/nginx@sha256:01"
        );
        assert_eq!(all[1].name, "Pod/default/p ephemeral container debug");
        assert_eq!(all[1].fields["container.ephemeral"], "true");
        assert!(!all[1].fields.contains_key("image_id"));
    }

    #[test]
    fn inference_provider_config() {
        let all = read(json!({
            "apiVersion": "airunway.ai/v1alpha1", "kind": "InferenceProviderConfig",
            "metadata": {"name": "vllm"},
            "spec": {"capabilities": {"engines": ["vllm"], "gpuSupport": true},
                     "selectionRules": [{"condition": "x", "priority": 10}]},
            "status": {"ready": true, "version": "vllm-provider:v0.3.0", "conditions": null}
        }));
        assert_eq!(all.len(), 1);
        let a = &all[0];
        assert_eq!(a.kind, "object");
        assert_eq!(a.name, "InferenceProviderConfig/vllm");
        assert_eq!(
            a.fact("field:status.version").as_deref(),
            Some("vllm-provider:v0.3.0")
        );
        assert_eq!(a.fields["status.ready"], "true");
        assert_eq!(a.fields["spec.capabilities.engines"], "vllm");
        assert_eq!(a.fields["spec.capabilities.gpuSupport"], "true");
        assert_eq!(a.fields["spec.selectionRules[0].priority"], "10");
        assert_eq!(a.fields["k8s.kind"], "InferenceProviderConfig");
        assert_eq!(a.reference, None);
    }

    #[test]
    fn other_kinds_and_lists_of_them_give_nothing() {
        assert!(
            read(json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"}})).is_empty()
        );
        assert!(read(json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}]}))
        .is_empty());
        assert!(read(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}})
        )
        .is_empty());
    }

    #[test]
    fn wrong_types_name_the_field() {
        let err = |v: Value| read_value(&v, None).unwrap_err().message;
        assert_eq!(
            err(
                json!({"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod",
                "spec": {"containers": [{"name": "a", "image": 5}]}}]})
            ),
            "`items[0].spec.containers[0].image` is not a string (it is a number)"
        );
        assert_eq!(
            err(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "P", "value": 8080}]}]}}}})),
            "`spec.template.spec.containers[0].env[0].value` is not a string (it is a number)"
        );
        assert_eq!(
            err(
                json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"image": "x"}]}})
            ),
            "`spec.containers[0]` has no `name`"
        );
        assert_eq!(
            err(json!({"apiVersion": "v1", "kind": "List", "items": [{"metadata": {}}]})),
            "`items[0]` has no `kind`"
        );
        assert_eq!(
            err(json!([1])),
            "the input is not a Kubernetes object (it is an array)"
        );
    }
}

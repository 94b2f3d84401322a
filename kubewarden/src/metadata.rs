//! The metadata Kubewarden reads from the module's `io.kubewarden.metadata`
//! custom section: `kubewarden/metadata.yml` (the file `kwctl annotate -m`
//! takes) written as policy-evaluator's `Metadata` JSON, camelCase, with
//! its defaults filled in (`protocolVersion` "v1", `backgroundAudit` true,
//! `executionMode` "kubewarden-wapc", `policyType` "kubernetes",
//! `contextAwareResources` []), in that struct's field order.
//!
//! `kubewarden/build.sh` appends the section with the
//! `imprint-kubewarden-metadata` step ([`append_custom_section`]), so the
//! module it builds is already what `kwctl annotate` would write (but for
//! kwctl's own `io.kubewarden.kwctl` version annotation).

use serde_json::{Map, Value};

/// The custom section's name (policy-evaluator's
/// `KUBEWARDEN_CUSTOM_SECTION_METADATA`).
pub const SECTION: &str = "io.kubewarden.metadata";

/// The fields of policy-evaluator's `Metadata`, in its order, with the
/// default of each that has one.
const FIELDS: [(&str, Option<&str>); 10] = [
    ("protocolVersion", Some(r#""v1""#)),
    ("rules", None),
    ("annotations", None),
    ("mutating", None),
    ("backgroundAudit", Some("true")),
    ("executionMode", Some(r#""kubewarden-wapc""#)),
    ("policyType", Some(r#""kubernetes""#)),
    ("contextAwareResources", Some("[]")),
    ("hostCapabilities", None),
    ("minimumKubewardenVersion", None),
];

/// The section's JSON from the metadata file's value: every field known,
/// `rules` and `mutating` present, defaults filled, `protocolVersion`
/// "v1" (the module's `protocol_version` answer; kwctl asks the module).
pub fn metadata_json(v: &Value) -> Result<String, String> {
    let o = v
        .as_object()
        .ok_or("metadata.yml: the document is not a mapping")?;
    if let Some(k) = o.keys().find(|k| !FIELDS.iter().any(|(f, _)| f == k)) {
        return Err(format!("metadata.yml: unknown field `{k}`"));
    }
    let mut out = Map::new();
    for (field, default) in FIELDS {
        let value = match (o.get(field), default) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => serde_json::from_str(d).map_err(|e| e.to_string())?,
            (None, None) if matches!(field, "rules" | "mutating") => {
                return Err(format!("metadata.yml: `{field}` is missing"));
            }
            (None, None) => continue,
        };
        out.insert(field.to_owned(), value);
    }
    if out.get("protocolVersion") != Some(&Value::from("v1")) {
        return Err("metadata.yml: `protocolVersion` must be v1 (what the module answers)".into());
    }
    if out.get("mutating") != Some(&Value::Bool(false)) {
        return Err("metadata.yml: `mutating` must be false: the policy only validates".into());
    }
    serde_json::to_string(&Value::Object(out)).map_err(|e| e.to_string())
}

/// The bytes of a `u32` in unsigned LEB128, as WebAssembly writes sizes.
fn leb128(mut n: u32, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads an unsigned LEB128 `u32` at `*at`, advancing it.
fn read_leb128(bytes: &[u8], at: &mut usize) -> Result<u32, String> {
    let mut n: u64 = 0;
    for shift in (0..35).step_by(7) {
        let b = *bytes
            .get(*at)
            .ok_or("truncated module (a size runs past its end)")?;
        *at += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return u32::try_from(n).map_err(|_| "a size does not fit 32 bits".to_owned());
        }
    }
    Err("a size is longer than 5 bytes".to_owned())
}

const HEADER: [u8; 8] = *b"\0asm\x01\0\0\0";

/// The custom sections of a WebAssembly module: `(name, data)`, in order.
pub fn custom_sections(wasm: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    if wasm.get(..8) != Some(&HEADER[..]) {
        return Err("not a WebAssembly module (version 1)".to_owned());
    }
    let mut at = 8;
    let mut out = Vec::new();
    while at < wasm.len() {
        let id = wasm.get(at).copied().ok_or("truncated module")?;
        at += 1;
        let size = read_leb128(wasm, &mut at)? as usize;
        let end = at
            .checked_add(size)
            .filter(|e| *e <= wasm.len())
            .ok_or("truncated module (a section runs past its end)")?;
        if id == 0 {
            let mut p = at;
            let n = read_leb128(wasm, &mut p)? as usize;
            let name_end = p
                .checked_add(n)
                .filter(|e| *e <= end)
                .ok_or("a custom section's name runs past it")?;
            let name = wasm.get(p..name_end).ok_or("truncated module")?;
            let name = String::from_utf8(name.to_vec())
                .map_err(|_| "a custom section's name is not UTF-8".to_owned())?;
            let data = wasm.get(name_end..end).ok_or("truncated module")?;
            out.push((name, data.to_vec()));
        }
        at = end;
    }
    Ok(out)
}

/// `wasm` with a custom section `name` holding `data` appended; an error
/// when it is not a module or already has a section of that name.
pub fn append_custom_section(wasm: &[u8], name: &str, data: &[u8]) -> Result<Vec<u8>, String> {
    if custom_sections(wasm)?.iter().any(|(n, _)| n == name) {
        return Err(format!("the module already has a `{name}` section"));
    }
    let too_big = || format!("the `{name}` section is too large");
    let mut payload = Vec::new();
    leb128(
        u32::try_from(name.len()).map_err(|_| too_big())?,
        &mut payload,
    );
    payload.extend_from_slice(name.as_bytes());
    payload.extend_from_slice(data);
    let mut out = wasm.to_vec();
    out.push(0);
    leb128(
        u32::try_from(payload.len()).map_err(|_| too_big())?,
        &mut out,
    );
    out.extend_from_slice(&payload);
    Ok(out)
}

/// YAML text (one document) as a JSON value, for `metadata.yml` and
/// kwctl's session files. A node with a local tag (`!Name value`) becomes
/// `{"Name": value}`, serde's JSON for the enum variant it stands for.
#[cfg(not(target_arch = "wasm32"))]
pub fn yaml_to_json(text: &str) -> Result<Value, String> {
    use saphyr::{LoadableYamlNode, Yaml};
    let docs = Yaml::load_from_str(text).map_err(|e| e.to_string())?;
    let [doc] = docs.as_slice() else {
        return Err(format!("expected one YAML document, found {}", docs.len()));
    };
    convert(doc, 0)
}

#[cfg(not(target_arch = "wasm32"))]
fn convert(y: &saphyr::Yaml<'_>, depth: usize) -> Result<Value, String> {
    use saphyr::{Scalar, Yaml};
    if depth > 64 {
        return Err("YAML nested more than 64 levels".to_owned());
    }
    Ok(match y {
        Yaml::Representation(s, _, _) => Value::from(s.as_ref()),
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
        Yaml::Value(Scalar::FloatingPoint(f)) => Value::from(f.into_inner()),
        Yaml::Value(Scalar::String(s)) => Value::from(s.as_ref()),
        Yaml::Sequence(items) => Value::Array(
            items
                .iter()
                .map(|i| convert(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(m) => {
            let mut o = Map::new();
            for (k, v) in m {
                let key = match convert(k, depth + 1)? {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                o.insert(key, convert(v, depth + 1)?);
            }
            Value::Object(o)
        }
        Yaml::Tagged(tag, inner) if tag.handle == "!!" => convert(inner, depth + 1)?,
        Yaml::Tagged(tag, inner) => {
            let mut o = Map::new();
            o.insert(tag.suffix.clone(), convert(inner, depth + 1)?);
            Value::Object(o)
        }
        Yaml::Alias(_) => return Err("YAML aliases are not read".to_owned()),
        Yaml::BadValue => return Err("a YAML value could not be read".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EMPTY: &[u8] = b"\0asm\x01\0\0\0";

    #[test]
    fn appended_section_reads_back_and_is_not_doubled() {
        let data = vec![b'x'; 300]; // a size over 127: two LEB128 bytes
        let m = append_custom_section(EMPTY, SECTION, &data).unwrap();
        assert_eq!(
            custom_sections(&m).unwrap(),
            vec![(SECTION.to_owned(), data)]
        );
        assert!(append_custom_section(&m, SECTION, b"{}")
            .unwrap_err()
            .contains("already has"));
        assert!(custom_sections(b"\0asm\x02\0\0\0").is_err());
        let mut cut = m.clone();
        cut.truncate(m.len() - 1);
        assert!(custom_sections(&cut).unwrap_err().contains("truncated"));
    }

    #[test]
    fn metadata_gets_kwctl_defaults_in_order() {
        let yml = "rules:\n- apiGroups: [\"\"]\n  apiVersions: [v1]\n  resources: [pods]\n  operations: [CREATE]\nmutating: false\nhostCapabilities: [oci/v1/oci_manifest_config]\n";
        let v = yaml_to_json(yml).unwrap();
        let text = metadata_json(&v).unwrap();
        assert_eq!(
            text,
            json!({
                "protocolVersion": "v1",
                "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}],
                "mutating": false,
                "backgroundAudit": true,
                "executionMode": "kubewarden-wapc",
                "policyType": "kubernetes",
                "contextAwareResources": [],
                "hostCapabilities": ["oci/v1/oci_manifest_config"]
            })
            .to_string()
        );
        assert!(metadata_json(&json!({"rules": [], "mutating": true}))
            .unwrap_err()
            .contains("mutating"));
        assert!(metadata_json(&json!({"rules": []}))
            .unwrap_err()
            .contains("`mutating` is missing"));
        assert!(
            metadata_json(&json!({"rules": [], "mutating": false, "rulez": 1}))
                .unwrap_err()
                .contains("unknown field `rulez`")
        );
    }

    #[test]
    fn tagged_yaml_reads_as_an_enum_variant() {
        let v = yaml_to_json("!OciManifestAndConfig\nimage: ghcr.io/o/a:v1\n").unwrap();
        assert_eq!(
            v,
            json!({"OciManifestAndConfig": {"image": "ghcr.io/o/a:v1"}})
        );
    }
}

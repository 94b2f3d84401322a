//! SLSA provenance attestations written by BuildKit (`docker buildx build
//! --provenance`): the git source the builder saw, whether the builder
//! verified it, and the build args it received, as `provenance.*` fields
//! (policies/README.md, "Provenance attestations", is the specification).
//!
//! | input | artifacts |
//! |---|---|
//! | `imagetools inspect --format '{{json .Provenance}}'`: `{"SLSA": P}`, or `{"PLATFORM": {"SLSA": P}, …}` | one `provenance` per platform |
//! | an in-toto statement with a SLSA v0.2 or v1 predicate | one `provenance` |
//! | a bare v0.2 or v1 predicate | one `provenance` |
//! | the combined document `{"name", "config", "provenance"}` | one `image` per platform, with its config's labels and env |
//!
//! Where BuildKit records the source: v0.2 `invocation.configSource` and
//! `metadata["https://mobyproject.org/buildkit@v1#metadata"].vcs`; v1
//! `buildDefinition.externalParameters.configSource` and
//! `runDetails.metadata.buildkit_metadata.vcs`. `configSource` of a remote
//! git context is fetched by BuildKit itself (verified); `vcs` is what the
//! client sent (a hint).

use super::container::config_image;
use super::{index_path, key_path, opt_obj, opt_str, wrong_type, ReadError};
use crate::artifact::Artifact;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Longest text a `provenance.*` fact may have.
pub const MAX_FACT_BYTES: usize = 64 << 10;
/// Most `build-arg:` entries one predicate may have.
pub const MAX_BUILD_ARGS: usize = 1000;
/// Most platforms one document may have.
pub const MAX_PLATFORMS: usize = 256;

const PREDICATE_V02: &str = "https://slsa.dev/provenance/v0.2";
const PREDICATE_V1: &str = "https://slsa.dev/provenance/v1";
const STATEMENT_PREFIX: &str = "https://in-toto.io/Statement/";
const BUILDKIT_METADATA: &str = "https://mobyproject.org/buildkit@v1#metadata";
const COMBINED_KEYS: [&str; 3] = ["name", "config", "provenance"];
/// Keys of one OCI image config (the others are platform names).
const CONFIG_KEYS: [&str; 7] = [
    "architecture",
    "os",
    "config",
    "rootfs",
    "created",
    "history",
    "variant",
];

type Obj = Map<String, Value>;

/// One platform's predicate: its platform (none for buildx's one-platform
/// form), the predicate (none when the platform has none), its path.
type PlatformRecord<'v> = (Option<&'v str>, Option<&'v Obj>, String);

/// A statement's `pkg:docker/…` subject: name, `sha256` digest, platform.
type Subject<'v> = (&'v str, Option<&'v str>, Option<String>);

/// The provenance shapes this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `docker buildx imagetools inspect --format '{{json .Provenance}}'`.
    Imagetools,
    /// An in-toto statement.
    Statement,
    /// A bare SLSA predicate.
    Predicate,
    /// `{"name", "config", "provenance"}`: an image with its provenance.
    Combined,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V02,
    V1,
}

impl Version {
    fn name(self) -> &'static str {
        match self {
            Self::V02 => "v0.2",
            Self::V1 => "v1",
        }
    }
}

/// Which provenance shape `value` has, judged by its keys only, or `None`.
pub fn detect(value: &Value) -> Option<Shape> {
    let o = value.as_object()?;
    let statement = o
        .get("_type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with(STATEMENT_PREFIX));
    if statement && o.contains_key("predicate") {
        Some(Shape::Statement)
    } else if o.contains_key("name")
        && o.contains_key("provenance")
        && o.keys().all(|k| COMBINED_KEYS.contains(&k.as_str()))
    {
        Some(Shape::Combined)
    } else if predicate_version(o).is_some() {
        Some(Shape::Predicate)
    } else if is_stub(o)
        || (!o.is_empty() && o.values().all(|v| v.as_object().is_some_and(is_stub)))
    {
        Some(Shape::Imagetools)
    } else {
        None
    }
}

/// buildx's `{"SLSA": PREDICATE}`.
fn is_stub(o: &Obj) -> bool {
    o.len() == 1 && o.contains_key("SLSA")
}

fn predicate_version(o: &Obj) -> Option<Version> {
    if o.contains_key("buildDefinition") && o.contains_key("runDetails") {
        Some(Version::V1)
    } else if o.contains_key("buildType")
        && ["invocation", "builder", "metadata"]
            .iter()
            .any(|k| o.contains_key(*k))
    {
        Some(Version::V02)
    } else {
        None
    }
}

/// Reads a provenance document of any shape this module reads.
pub fn read_value(value: &Value, file: Option<&str>) -> Result<Vec<Artifact>, ReadError> {
    let shape = detect(value);
    let Some((o, shape)) = value.as_object().zip(shape) else {
        return Err(ReadError::new(
            "not a SLSA provenance document: expected `docker buildx imagetools inspect \
             --format '{{json .Provenance}}'` output (`SLSA`), an in-toto statement (`_type`, \
             `predicateType`, `predicate`), a predicate (`buildType` and `invocation`, or \
             `buildDefinition` and `runDetails`), or a combined document (`name`, `config`, \
             `provenance`)",
        ));
    };
    let fallback = file.unwrap_or("provenance");
    match shape {
        Shape::Statement => statement(o, file).map(|a| vec![a]),
        Shape::Predicate => {
            let mut a = record(fallback.to_owned(), file);
            predicate(&mut a.fields, o, "", None)?;
            Ok(vec![a])
        }
        Shape::Imagetools => platforms(o, "")?
            .into_iter()
            .map(|(platform, p, at)| {
                let name = match platform {
                    Some(pl) => format!("{fallback} ({pl})"),
                    None => fallback.to_owned(),
                };
                let mut a = record(name, file);
                if let Some(pl) = platform {
                    a.fields.insert("platform".to_owned(), pl.to_owned());
                }
                if let Some(p) = p {
                    predicate(&mut a.fields, p, &at, None)?;
                }
                Ok(a)
            })
            .collect(),
        Shape::Combined => combined(o, file),
    }
}

/// An artifact of kind `provenance`.
fn record(name: String, file: Option<&str>) -> Artifact {
    Artifact {
        kind: "provenance".to_owned(),
        name,
        file: file.map(str::to_owned),
        ..Artifact::default()
    }
}

/// The predicates of buildx's `.Provenance`: one without a platform, or
/// one per platform (`None` for a platform without one), each with its path.
fn platforms<'v>(o: &'v Obj, path: &str) -> Result<Vec<PlatformRecord<'v>>, ReadError> {
    if o.contains_key("SLSA") {
        let at = key_path(path, "SLSA");
        return Ok(vec![(None, opt_obj(o, "SLSA", path)?, at)]);
    }
    if o.len() > MAX_PLATFORMS {
        return Err(ReadError::new(format!(
            "`{}` has {} platforms, more than {MAX_PLATFORMS}",
            shown_path(path),
            o.len()
        )));
    }
    o.iter()
        .map(|(platform, stub)| {
            let at = key_path(path, platform);
            let stub = stub
                .as_object()
                .ok_or_else(|| wrong_type(&at, "an object", stub))?;
            Ok((
                Some(platform.as_str()),
                opt_obj(stub, "SLSA", &at)?,
                key_path(&at, "SLSA"),
            ))
        })
        .collect()
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() {
        "the input"
    } else {
        path
    }
}

/// An in-toto statement: its predicate, and the first `pkg:docker/…`
/// subject as the fields `subject`, `subject_digest` and `platform`.
fn statement(o: &Obj, file: Option<&str>) -> Result<Artifact, ReadError> {
    let version = match opt_str(o, "predicateType", "")? {
        Some(PREDICATE_V02) => Version::V02,
        Some(PREDICATE_V1) => Version::V1,
        Some(other) => {
            return Err(ReadError::new(format!(
                "`predicateType` is `{}`, not SLSA provenance (`{PREDICATE_V02}` or \
                 `{PREDICATE_V1}`)",
                other.escape_debug()
            )))
        }
        None => return Err(ReadError::new("`predicateType` is missing")),
    };
    let p = opt_obj(o, "predicate", "")?.ok_or_else(|| ReadError::new("`predicate` is missing"))?;
    let mut a = record(file.unwrap_or("provenance").to_owned(), file);
    if let Some((name, digest, platform)) = subject(o)? {
        a.name = name.to_owned();
        a.fields.insert("subject".to_owned(), name.to_owned());
        if let Some(d) = digest {
            a.fields
                .insert("subject_digest".to_owned(), format!("sha256:{d}"));
        }
        if let Some(pl) = platform {
            a.fields.insert("platform".to_owned(), pl);
        }
    }
    predicate(&mut a.fields, p, "predicate", Some(version))?;
    Ok(a)
}

/// The first subject named `pkg:docker/…`: its name, `sha256` digest and
/// `platform` qualifier (`%2F` read as `/`).
fn subject(o: &Obj) -> Result<Option<Subject<'_>>, ReadError> {
    let items = match o.get("subject") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(wrong_type("subject", "an array", other)),
    };
    for (i, item) in items.iter().enumerate() {
        let at = index_path("subject", i);
        let s = item
            .as_object()
            .ok_or_else(|| wrong_type(&at, "an object", item))?;
        let Some(name) = opt_str(s, "name", &at)?.filter(|n| n.starts_with("pkg:docker/")) else {
            continue;
        };
        check_len(name, &key_path(&at, "name"))?;
        let digest = match opt_obj(s, "digest", &at)? {
            Some(d) => opt_str(d, "sha256", &key_path(&at, "digest"))?,
            None => None,
        };
        let platform = name
            .split_once('?')
            .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("platform=")))
            .map(|p| p.replace("%2F", "/").replace("%2f", "/"));
        return Ok(Some((name, digest, platform)));
    }
    Ok(None)
}

fn check_len(text: &str, at: &str) -> Result<(), ReadError> {
    if text.len() > MAX_FACT_BYTES {
        return Err(ReadError::new(format!(
            "`{at}` is longer than {} KiB",
            MAX_FACT_BYTES >> 10
        )));
    }
    Ok(())
}

/// The object at `keys` under `root` (at `path`), with its path; `None`
/// when a key on the way is missing or null.
fn obj_at<'v>(
    root: &'v Obj,
    path: &str,
    keys: &[&str],
) -> Result<Option<(&'v Obj, String)>, ReadError> {
    let mut cur = root;
    let mut at = path.to_owned();
    for k in keys {
        match opt_obj(cur, k, &at)? {
            Some(next) => {
                at = key_path(&at, k);
                cur = next;
            }
            None => return Ok(None),
        }
    }
    Ok(Some((cur, at)))
}

/// A non-blank string at `o[key]`, no longer than [`MAX_FACT_BYTES`].
fn fact<'v>(o: &'v Obj, key: &str, path: &str) -> Result<Option<&'v str>, ReadError> {
    let v = opt_str(o, key, path)?.filter(|s| !s.trim().is_empty());
    if let Some(s) = v {
        check_len(s, &key_path(path, key))?;
    }
    Ok(v)
}

/// A git commit: 40 (SHA-1) or 64 (SHA-256) hex digits.
fn is_commit(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A source URL as a fact: without its `#ref` fragment and credentials.
fn source_fact(uri: &str) -> String {
    let uri = uri.split_once('#').map_or(uri, |(u, _)| u);
    crate::url::strip_url_credentials(uri).into_owned()
}

/// Adds the `provenance.*` fields of the predicate `p` (at `path`).
/// `stated` is the version the statement's `predicateType` names.
fn predicate(
    fields: &mut BTreeMap<String, String>,
    p: &Obj,
    path: &str,
    stated: Option<Version>,
) -> Result<(), ReadError> {
    let shape = predicate_version(p);
    let version = match (stated, shape) {
        (Some(s), Some(found)) if s != found => {
            return Err(ReadError::new(format!(
                "`{}` has the shape of a SLSA {} predicate, but `predicateType` says {}",
                shown_path(path),
                found.name(),
                s.name()
            )))
        }
        (Some(v), _) | (None, Some(v)) => v,
        (None, None) => {
            return Err(ReadError::new(format!(
                "`{}`: the SLSA provenance version cannot be told: expected `buildDefinition` \
                 and `runDetails` (v1), or `buildType` with `invocation` (v0.2)",
                shown_path(path)
            )))
        }
    };
    let (source, args, vcs, builder): (&[&str], &[&str], &[&str], &[&str]) = match version {
        Version::V02 => (
            &["invocation", "configSource"],
            &["invocation", "parameters", "args"],
            &["metadata", BUILDKIT_METADATA, "vcs"],
            &["builder"],
        ),
        Version::V1 => (
            &["buildDefinition", "externalParameters", "configSource"],
            &["buildDefinition", "externalParameters", "request", "args"],
            &["runDetails", "metadata", "buildkit_metadata", "vcs"],
            &["runDetails", "builder"],
        ),
    };
    fields.insert("provenance.slsa".to_owned(), version.name().to_owned());
    if let Some((b, at)) = obj_at(p, path, builder)? {
        if let Some(id) = fact(b, "id", &at)? {
            fields.insert("provenance.builder".to_owned(), id.to_owned());
        }
    }
    let mut verified = None;
    if let Some((cs, at)) = obj_at(p, path, source)? {
        let uri = fact(cs, "uri", &at)?;
        let sha1 = match obj_at(cs, &at, &["digest"])? {
            Some((d, dat)) => fact(d, "sha1", &dat)?,
            None => None,
        };
        if let (Some(uri), Some(sha1)) = (uri, sha1.filter(|s| is_commit(s))) {
            verified = Some((sha1.to_owned(), source_fact(uri)));
        }
    }
    let mut hint = (None, None);
    if let Some((v, at)) = obj_at(p, path, vcs)? {
        hint = (
            fact(v, "revision", &at)?.map(str::to_owned),
            fact(v, "source", &at)?.map(source_fact),
        );
    }
    let mut put = |key: &str, value: &str| {
        fields.insert(format!("provenance.{key}"), value.to_owned());
    };
    if let Some((rev, src)) = &verified {
        put("verified.revision", rev);
        put("verified.source", src);
    }
    if let Some(rev) = &hint.0 {
        put("hint.revision", rev);
    }
    if let Some(src) = &hint.1 {
        put("hint.source", src);
    }
    for (fact_name, v, h) in [
        ("revision", verified.as_ref().map(|v| &v.0), hint.0.as_ref()),
        ("source", verified.as_ref().map(|v| &v.1), hint.1.as_ref()),
    ] {
        let (value, trust) = match (v, h) {
            (Some(v), _) => (v, "verified"),
            (None, Some(h)) => (h, "hint"),
            (None, None) => continue,
        };
        put(fact_name, value);
        put(&format!("{fact_name}_trust"), trust);
    }
    if let Some((a, at)) = obj_at(p, path, args)? {
        let mut count = 0usize;
        for (k, v) in a {
            let Some(name) = k.strip_prefix("build-arg:") else {
                continue;
            };
            count += 1;
            if count > MAX_BUILD_ARGS {
                return Err(ReadError::new(format!(
                    "`{at}` has more than {MAX_BUILD_ARGS} build args"
                )));
            }
            let kat = key_path(&at, k);
            let s = v.as_str().ok_or_else(|| wrong_type(&kat, "a string", v))?;
            check_len(s, &kat)?;
            fields.insert(format!("provenance.build_arg:{name}"), s.to_owned());
        }
    }
    Ok(())
}

/// The combined document: `name`, `config` (one OCI config, or one per
/// platform) and `provenance` (buildx's `.Provenance`).
fn combined(o: &Obj, file: Option<&str>) -> Result<Vec<Artifact>, ReadError> {
    let name = match o.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.as_str(),
        Some(Value::String(_)) => return Err(ReadError::new("`name` is empty")),
        None | Some(Value::Null) => {
            return Err(ReadError::new(
                "`name` is missing: the combined document names its image (`{{json .Name}}`)",
            ))
        }
        Some(other) => return Err(wrong_type("name", "a string", other)),
    };
    check_len(name, "name")?;
    let config = match o.get("config") {
        Some(Value::Object(c)) => c,
        None | Some(Value::Null) => {
            return Err(ReadError::new(
                "`config` is missing: the combined document carries the image's config \
                 (`{{json .Image}}`), where its labels are",
            ))
        }
        Some(other) => return Err(wrong_type("config", "an object", other)),
    };
    let provenance = opt_obj(o, "provenance", "")?.filter(|p| !p.is_empty());
    let per_platform = !config.is_empty()
        && !CONFIG_KEYS.iter().any(|k| config.contains_key(*k))
        && config.values().all(Value::is_object);
    let image = |c: &Obj, at: &str, shown: String| -> Result<Artifact, ReadError> {
        let mut a = config_image(c, at, shown, file)?;
        a.reference = Some(name.to_owned());
        Ok(a)
    };
    if !per_platform {
        let mut a = image(config, "config", name.to_owned())?;
        if let Some(p) = provenance {
            if !p.contains_key("SLSA") {
                return Err(ReadError::new(
                    "`provenance` is per platform, but `config` is one image's config",
                ));
            }
            if let Some(pred) = opt_obj(p, "SLSA", "provenance")? {
                predicate(&mut a.fields, pred, "provenance.SLSA", None)?;
            }
        }
        return Ok(vec![a]);
    }
    if config.len() > MAX_PLATFORMS {
        return Err(ReadError::new(format!(
            "`config` has {} platforms, more than {MAX_PLATFORMS}",
            config.len()
        )));
    }
    let mut records: BTreeMap<&str, (Option<&Obj>, String)> = BTreeMap::new();
    if let Some(p) = provenance {
        for (platform, pred, at) in platforms(p, "provenance")? {
            let Some(platform) = platform else {
                return Err(ReadError::new(
                    "`provenance` is one platform's (`SLSA`), but `config` has several platforms",
                ));
            };
            if !config.contains_key(platform) {
                return Err(ReadError::new(format!(
                    "`{}` is provenance for a platform that `config` does not have",
                    key_path("provenance", platform)
                )));
            }
            records.insert(platform, (pred, at));
        }
    }
    config
        .iter()
        .map(|(platform, c)| {
            let at = key_path("config", platform);
            let c = c
                .as_object()
                .ok_or_else(|| wrong_type(&at, "an object", c))?;
            let mut a = image(c, &at, format!("{name} ({platform})"))?;
            a.fields.insert("platform".to_owned(), platform.clone());
            if let Some((Some(pred), pat)) = records.get(platform.as_str()) {
                predicate(&mut a.fields, pred, pat, None)?;
            }
            Ok(a)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v02(config_source: Value, vcs: Value) -> Value {
        json!({
            "buildType": "https://mobyproject.org/buildkit@v1",
            "builder": {"id": ""},
            "invocation": {
                "configSource": config_source,
                "parameters": {"frontend": "dockerfile.v0",
                               "args": {"build-arg:VERSION": "1.2.0", "label:x": "y"}}
            },
            "metadata": {BUILDKIT_METADATA: {"vcs": vcs}}
        })
    }

    fn fields(v: &Value) -> BTreeMap<String, String> {
        let mut all = read_value(v, Some("p.json")).unwrap();
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0).fields
    }

    const C1: &str = "4fd60a300d9b30291020e757c306dfa0b5419f08";
    const C2: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn a_local_context_gives_hints_only() {
        let f = fields(&v02(
            json!({"entryPoint": "Dockerfile"}),
            json!({"revision": C1, "source": "https://github.com/o/app"}),
        ));
        assert_eq!(f["provenance.revision"], C1);
        assert_eq!(f["provenance.revision_trust"], "hint");
        assert_eq!(f["provenance.hint.source"], "https://github.com/o/app");
        assert_eq!(f["provenance.source_trust"], "hint");
        assert_eq!(f["provenance.build_arg:VERSION"], "1.2.0");
        assert_eq!(f["provenance.slsa"], "v0.2");
        assert!(!f.contains_key("provenance.verified.revision"));
        assert!(!f.contains_key("provenance.builder"));
        assert!(!f.contains_key("provenance.build_arg:x"));
    }

    #[test]
    fn a_remote_git_context_is_verified_and_wins() {
        let f = fields(&v02(
            json!({"uri": "https://u:t@github.com/o/app.git#refs/tags/v1", "digest": {"sha1": C2}}),
            json!({"revision": C1, "source": "https://github.com/o/app"}),
        ));
        assert_eq!(f["provenance.revision"], C2);
        assert_eq!(f["provenance.revision_trust"], "verified");
        assert_eq!(
            f["provenance.verified.source"],
            "https://github.com/o/app.git"
        );
        assert_eq!(f["provenance.source"], "https://github.com/o/app.git");
        assert_eq!(f["provenance.hint.revision"], C1);
        // An HTTP context's digest is not a git commit: not verified.
        let f = fields(&v02(
            json!({"uri": "https://example.com/ctx.tar", "digest": {"sha256": C2}}),
            json!(null),
        ));
        assert!(!f.contains_key("provenance.revision"), "{f:?}");
    }

    #[test]
    fn v1_paths() {
        let f = fields(&json!({
            "buildDefinition": {
                "buildType": "https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md",
                "externalParameters": {
                    "configSource": {"uri": "https://github.com/o/app.git#main", "digest": {"sha1": C2}},
                    "request": {"args": {"build-arg:REVISION": C2}}
                }
            },
            "runDetails": {"builder": {"id": "https://ci/run/1"},
                           "metadata": {"buildkit_metadata": {"vcs": {"revision": C1}}}}
        }));
        assert_eq!(f["provenance.slsa"], "v1");
        assert_eq!(f["provenance.verified.revision"], C2);
        assert_eq!(f["provenance.hint.revision"], C1);
        assert_eq!(f["provenance.build_arg:REVISION"], C2);
        assert_eq!(f["provenance.builder"], "https://ci/run/1");
    }

    #[test]
    fn statements_imagetools_and_combined() {
        let pred = v02(json!({}), json!({"revision": C1}));
        let st = json!({"_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": PREDICATE_V02,
            "subject": [{"name": "pkg:docker/ghcr.io/o/app@1.2.0?platform=linux%2Famd64",
                         "digest": {"sha256": "ab"}}],
            "predicate": pred});
        let a = &read_value(&st, None).unwrap()[0];
        assert_eq!(a.kind, "provenance");
        assert_eq!(a.fields["platform"], "linux/amd64");
        assert_eq!(a.fields["subject_digest"], "sha256:ab");
        assert_eq!(a.fields["provenance.revision"], C1);
        let multi = json!({"linux/amd64": {"SLSA": pred}, "linux/arm64": {"SLSA": pred}});
        let all = read_value(&multi, Some("p.json")).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].name, "p.json (linux/arm64)");
        let combined = json!({"name": "ghcr.io/o/app:1.2.0",
            "config": {"linux/amd64": {"os": "linux", "architecture": "amd64",
                                       "config": {"Labels": {"org.opencontainers.image.revision": C1}}},
                       "linux/arm64": {"os": "linux", "architecture": "arm64"}},
            "provenance": {"linux/amd64": {"SLSA": pred}}});
        let all = read_value(&combined, None).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].kind, "image");
        assert_eq!(all[0].name, "ghcr.io/o/app:1.2.0 (linux/amd64)");
        assert_eq!(all[0].reference.as_deref(), Some("ghcr.io/o/app:1.2.0"));
        assert_eq!(all[0].labels["org.opencontainers.image.revision"], C1);
        assert_eq!(all[0].fields["provenance.revision"], C1);
        assert!(!all[1].fields.contains_key("provenance.slsa"));
    }

    #[test]
    fn bad_documents_name_the_path() {
        let err = |v: Value| read_value(&v, None).unwrap_err().message;
        assert_eq!(
            err(json!({"SLSA": {"buildType": "b", "invocation": {"configSource": {"uri": 7}}}})),
            "`SLSA.invocation.configSource.uri` is not a string (it is a number)"
        );
        assert_eq!(
            err(json!({"linux/amd64": {"SLSA": {"buildType": "b", "metadata": {BUILDKIT_METADATA: {"vcs": []}}}}})),
            "`[\"linux/amd64\"].SLSA.metadata[\"https://mobyproject.org/buildkit@v1#metadata\"].vcs` is not an object (it is an array)"
        );
        assert!(err(json!({"SLSA": {"x": 1}})).contains("version cannot be told"));
        assert!(err(json!({"_type": "https://in-toto.io/Statement/v1",
            "predicateType": "https://spdx.dev/Document", "predicate": {}}))
        .contains("not SLSA provenance"));
        assert!(err(
            json!({"name": "a", "config": {}, "provenance": {"linux/amd64": {"SLSA": {}}}})
        )
        .contains("per platform"));
        let long = "a".repeat(MAX_FACT_BYTES + 1);
        assert!(err(json!({"SLSA": {"buildType": "b", "metadata": {BUILDKIT_METADATA: {"vcs": {"revision": long}}}}}))
            .contains("longer than 64 KiB"));
        let args: Map<String, Value> = (0..=MAX_BUILD_ARGS)
            .map(|i| (format!("build-arg:A{i}"), json!("x")))
            .collect();
        assert!(err(
            json!({"SLSA": {"buildType": "b", "invocation": {"parameters": {"args": args}}}})
        )
        .contains("more than 1000 build args"));
    }
}

//! One function per subcommand.

use crate::cli::{CheckArgs, Cmd, ContextArgs, DeriveArgs, DescribeArgs, PinArgs};
use crate::engine::Engine;
use crate::error::{HostError, Status};
use crate::gather::{gather, GatherOptions};
use crate::output::Format;
use crate::persist::{read_original, replace, replaceable, write_atomic};
use imprint_core::api::Answer;
use imprint_core::{
    is_valid_tag, pin_file_matches, rewrite_pins_bytes, Context, Derivation, OutputFormat, Policy,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Sends one request to the engine and reads its typed [`Answer`]; a
/// derive error, a policy error (attributed to `origin`) or a refused
/// request is an error.
fn ask(engine: &mut dyn Engine, request: &Value, origin: &str) -> Result<Answer, HostError> {
    let text = engine.run_json(&request.to_string())?;
    let answer: Answer = serde_json::from_str(&text)
        .map_err(|e| HostError::Engine(format!("cannot decode the engine's answer: {e}")))?;
    match answer {
        Answer::DeriveError(e) => Err(HostError::Derive(e)),
        Answer::PolicyError(mut e) => {
            origin.clone_into(&mut e.origin);
            Err(HostError::Policy(e))
        }
        Answer::BadRequest { message } => Err(HostError::Engine(format!(
            "the engine refused the request: {message}"
        ))),
        a => Ok(a),
    }
}

/// An answer of another kind than the request asks for.
fn unexpected(op: &str) -> HostError {
    HostError::Engine(format!(
        "the engine answered a `{op}` request with an answer of another kind"
    ))
}

/// Runs a subcommand with `engine`, writing its output to `out`.
pub fn run(cmd: Cmd, engine: &mut dyn Engine, out: &mut impl Write) -> Result<Status, HostError> {
    match cmd {
        Cmd::Derive(a) => derive_cmd(&a, engine, out),
        Cmd::Explain(c) => {
            let (p, ctx) = gathered(&c)?;
            let req = json!({ "op": "explain", "policy": p.text, "context": ctx });
            match ask(engine, &req, &p.origin)? {
                Answer::Explanation { text } => write_out(out, &text),
                _ => Err(unexpected("explain")),
            }
        }
        Cmd::Pin(a) => pin_cmd(&a, engine, out),
        Cmd::Check(a) => check_cmd(&a, engine, out),
        Cmd::Describe(a) => describe_cmd(&a, engine, out),
        Cmd::Validate(p) => {
            let loaded = load_policy_text(&p.policy)?;
            let req = json!({ "op": "validate", "policy": loaded.text });
            match ask(engine, &req, &loaded.origin)? {
                Answer::Policy { name, .. } => {
                    write_out(out, &format!("policy `{name}` is valid\n"))
                }
                _ => Err(unexpected("validate")),
            }
        }
        Cmd::Policies { name: None } => {
            let mut s = String::new();
            for (name, text) in imprint_policies::BUILTIN {
                let desc = Policy::from_json(text, name)
                    .map(|p| p.description().to_owned())
                    .unwrap_or_default();
                s.push_str(&format!("{name:<12} {}\n", first_sentence(&desc)));
            }
            write_out(out, &s)
        }
        Cmd::Policies { name: Some(n) } => match imprint_policies::builtin(&n) {
            Some(t) => write_out(out, t),
            None => Err(unknown_builtin(&n)),
        },
    }
}

fn first_sentence(s: &str) -> &str {
    s.split(": ").next().unwrap_or(s)
}

fn write_out(out: &mut impl Write, s: &str) -> Result<Status, HostError> {
    out.write_all(s.as_bytes())
        .and_then(|()| out.flush())
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(e)
            }
        })
        .map_err(|e| HostError::io("<stdout>", e))?;
    Ok(Status::Ok)
}

fn unknown_builtin(name: &str) -> HostError {
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
    let file = crate::read::open_regular(path)?;
    let mut bytes = Vec::new();
    (&file)
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| HostError::io(path, e))?;
    if bytes.len() > limit {
        let message = match file.metadata() {
            Ok(m) if m.is_file() => {
                format!(
                    "policy is {} bytes, more than the limit of {limit}",
                    m.len()
                )
            }
            _ => format!("policy is longer than the limit of {limit} bytes"),
        };
        return Err(HostError::Policy(imprint_core::PolicyError {
            origin: spec.to_owned(),
            problems: vec![imprint_core::Problem {
                code: "too-large".into(),
                path: "$".into(),
                line: 0,
                column: 0,
                message,
            }],
        }));
    }
    String::from_utf8(bytes).map_err(|_| {
        HostError::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, "policy is not UTF-8"),
        )
    })
}

fn parse_args(raw: &[String]) -> Result<BTreeMap<String, String>, HostError> {
    let mut args = BTreeMap::new();
    for a in raw {
        let Some((k, v)) = a.split_once('=') else {
            return Err(HostError::Usage(format!(
                "--arg `{a}`: expected NAME=VALUE"
            )));
        };
        if args.insert(k.to_owned(), v.to_owned()).is_some() {
            return Err(HostError::Usage(format!("--arg `{k}` is given twice")));
        }
    }
    Ok(args)
}

fn options(c: &ContextArgs) -> Result<GatherOptions, HostError> {
    for (flag, seconds) in [
        ("--command-timeout", c.command_timeout),
        ("--git-timeout", c.git_timeout),
    ] {
        if !(seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0) {
            return Err(HostError::Usage(format!(
                "{flag} {seconds}: expected seconds between 0 and 3600"
            )));
        }
    }
    if !c.repo.is_dir() {
        return Err(HostError::io(
            &c.repo,
            std::io::Error::new(std::io::ErrorKind::NotFound, "--repo is not a directory"),
        ));
    }
    Ok(GatherOptions {
        repo: c.repo.clone(),
        args: parse_args(&c.args)?,
        allow_commands: c.allow_commands.clone(),
        command_timeout: Duration::from_secs_f64(c.command_timeout),
        git_timeout: Duration::from_secs_f64(c.git_timeout),
        arch: c.arch.clone(),
        load: c.load.clone(),
        root: c.root.clone(),
    })
}

/// Loads the policy and gathers its context (always natively: this is I/O).
fn gathered(c: &ContextArgs) -> Result<(Loaded, Context), HostError> {
    let loaded = load_policy_text(&c.policy.policy)?;
    let opts = options(c)?;
    let ctx = gather(&loaded.policy, &opts)?;
    Ok((loaded, ctx))
}

/// Gathers the context of an already loaded policy and derives.
fn derive_loaded(
    loaded: &Loaded,
    c: &ContextArgs,
    engine: &mut dyn Engine,
) -> Result<Derivation<'static>, HostError> {
    let ctx = gather(&loaded.policy, &options(c)?)?;
    let req = json!({ "op": "derive", "policy": loaded.text, "context": ctx });
    match ask(engine, &req, &loaded.origin)? {
        Answer::Derivation(d) => Ok(d),
        _ => Err(unexpected("derive")),
    }
}

fn derive_cmd(
    a: &DeriveArgs,
    engine: &mut dyn Engine,
    out: &mut impl Write,
) -> Result<Status, HostError> {
    let loaded = load_policy_text(&a.context.policy.policy)?;
    let ctx = gather(&loaded.policy, &options(&a.context)?)?;
    let format = OutputFormat::from(a.format);
    let req = json!({ "op": "derive", "policy": loaded.text, "context": ctx, "format": format });
    let Answer::Rendered {
        mut text, persist, ..
    } = ask(engine, &req, &loaded.origin)?
    else {
        return Err(unexpected("derive"));
    };
    if let Some(dir) = &a.save {
        if !dir.is_dir() {
            return Err(HostError::io(
                dir,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "--save directory does not exist",
                ),
            ));
        }
        for p in &persist {
            write_atomic(&dir.join(&*p.file), p.content.as_bytes(), 0o600)?;
        }
    }
    if matches!(a.format, Format::Shell | Format::ShellQuoted) && std::io::stdout().is_terminal() {
        text.push('\n');
    }
    write_out(out, &text)
}

fn yaml_files(dir: &Path, exts: &[String], out: &mut Vec<PathBuf>) -> Result<(), HostError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| HostError::io(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| HostError::io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ft = e.file_type().map_err(|err| HostError::io(&path, err))?;
        if ft.is_dir() {
            yaml_files(&path, exts, out)?;
        } else if ft.is_file() && pin_file_matches(&e.file_name().to_string_lossy(), exts) {
            out.push(path);
        }
    }
    Ok(())
}

fn pin_cmd(
    a: &PinArgs,
    engine: &mut dyn Engine,
    out: &mut impl Write,
) -> Result<Status, HostError> {
    let loaded = load_policy_text(&a.context.policy.policy)?;
    let policy = &loaded.policy;
    let Some(spec) = policy.pin() else {
        return Err(HostError::Usage(format!(
            "--policy `{}`: the policy declares no `pin` section",
            policy.name()
        )));
    };
    let tag = match &a.tag {
        Some(t) => {
            if !is_valid_tag(t) {
                return Err(HostError::Usage(format!(
                    "--tag `{}` is not a valid OCI tag",
                    t.escape_debug()
                )));
            }
            t.clone()
        }
        None => {
            let d = derive_loaded(&loaded, &a.context, engine)?;
            let name = policy.pin_tag_value().unwrap_or_default();
            let tag = d.value(name).unwrap_or_default().to_owned();
            if !is_valid_tag(&tag) {
                return Err(HostError::Usage(format!(
                    "value `{name}` = `{}` is not a valid OCI tag to pin to",
                    tag.escape_debug()
                )));
            }
            tag
        }
    };
    if tag == "latest" {
        crate::diag::warn("pinning to the shared tag `latest` (no usable git checkout?)");
    }
    std::fs::symlink_metadata(&a.dir).map_err(|e| HostError::io(&a.dir, e))?;
    let mut files = Vec::new();
    yaml_files(&a.dir, &spec.extensions, &mut files)?;
    // Read and rewrite everything in memory first, so an unreadable file
    // fails the command before any file has been changed.
    let mut report = String::new();
    let mut needed = 0usize;
    let mut writes = Vec::new();
    for path in files {
        let original = read_original(&path)?;
        let (new, changes) =
            rewrite_pins_bytes(&original.bytes, &spec.images, &tag, &spec.also_tags);
        if changes.is_empty() {
            continue;
        }
        needed += changes.len();
        for c in &changes {
            report.push_str(&format!(
                "{}:{}: {} -> {}\n",
                path.display(),
                c.line,
                c.from,
                c.to
            ));
        }
        writes.push((path, original, new));
    }
    if !a.check {
        // What cannot be rewritten keeping it as it is (hard links, an
        // owner that cannot be kept) is refused before any file changes.
        for (path, original, _) in &writes {
            replaceable(path, original)?;
        }
        for (path, original, new) in &writes {
            replace(path, original, new)?;
        }
    }
    write_out(out, &report)?;
    Ok(if a.check && needed > 0 {
        Status::CheckFailed
    } else {
        Status::Ok
    })
}

fn check_cmd(
    a: &CheckArgs,
    engine: &mut dyn Engine,
    out: &mut impl Write,
) -> Result<Status, HostError> {
    let artifacts = crate::read::read_inputs(&a.inputs, a.kind)?;
    let (loaded, context) = if a.derive {
        let (l, ctx) = gathered(&a.context)?;
        (l, Some(ctx))
    } else {
        (load_policy_text(&a.context.policy.policy)?, None)
    };
    let format = imprint_core::ReportFormat::from(a.format);
    let req = json!({ "op": "check", "policy": loaded.text, "artifacts": artifacts,
                      "context": context, "format": format });
    let Answer::RenderedReport { text, errors, .. } = ask(engine, &req, &loaded.origin)? else {
        return Err(unexpected("check"));
    };
    write_out(out, &text)?;
    Ok(if errors > 0 {
        Status::CheckFailed
    } else {
        Status::Ok
    })
}

/// Labels and env for `describe --labels-from`.
fn labels_from(path: &str) -> Result<imprint_core::Artifact, HostError> {
    let bytes = if path == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::io::stdin(), crate::read::INPUT_LIMIT + 1),
            &mut b,
        )
        .map_err(|e| HostError::io("<stdin>", e))?;
        if b.len() as u64 > crate::read::INPUT_LIMIT {
            return Err(HostError::io("<stdin>", crate::read::too_large()));
        }
        b
    } else {
        crate::read::read_file(Path::new(path))?
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| HostError::Usage(format!("--labels-from `{path}`: not UTF-8")))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| HostError::Usage(format!("--labels-from `{path}`: not valid JSON: {e}")))?;
    // A flat object of strings is a label map.
    if let Some(m) = value.as_object() {
        if !m.is_empty() && m.values().all(serde_json::Value::is_string) {
            let labels = m
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            return Ok(imprint_core::Artifact {
                labels,
                ..imprint_core::Artifact::default()
            });
        }
    }
    let mut found = imprint_core::read::read_json_value(&value, Some(path))
        .map_err(|e| HostError::Usage(format!("--labels-from `{path}`: {e}")))?;
    if found.is_empty() {
        let why = if value.as_array().is_some_and(Vec::is_empty) {
            ": docker inspect printed [] (the image does not exist?)"
        } else {
            ""
        };
        return Err(HostError::Usage(format!(
            "--labels-from `{path}`: no image in it{why}"
        )));
    }
    Ok(found.swap_remove(0))
}

fn describe_cmd(
    a: &DescribeArgs,
    engine: &mut dyn Engine,
    out: &mut impl Write,
) -> Result<Status, HostError> {
    let loaded = load_policy_text(&a.policy)?;
    let (labels, env) = match &a.labels_from {
        Some(p) => {
            let art = labels_from(p)?;
            (art.labels, art.env)
        }
        None => Default::default(),
    };
    let req = json!({
        "op": "describe",
        "policy": loaded.text,
        "reference": a.reference,
        "labels": labels,
        "env": env,
        "format": imprint_core::CardFormat::from(a.format),
    });
    let Answer::RenderedCard { text, .. } = ask(engine, &req, &loaded.origin)? else {
        return Err(unexpected("describe"));
    };
    write_out(out, &text)?;
    Ok(Status::Ok)
}

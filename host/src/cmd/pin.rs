//! `imprint pin`: rewrite digest pins in YAML files, each replaced safely.

use super::*;

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

pub(super) fn pin_cmd(
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

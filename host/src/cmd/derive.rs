//! `imprint derive`: gather, ask the engine for the rendered format, save
//! persisted values.

use super::*;

/// Gathers the context of an already loaded policy and derives.
pub(super) fn derive_loaded(
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

pub(super) fn derive_cmd(
    a: &DeriveArgs,
    engine: &mut dyn Engine,
    out: &mut impl Write,
) -> Result<Status, HostError> {
    let loaded = load_policy_text(&a.context.policy.policy)?;
    let ctx = gather(&loaded.policy, &options(&a.context)?)?;
    let req = json!({ "op": "derive", "policy": loaded.text, "context": ctx, "format": a.format });
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
    if matches!(a.format, OutputFormat::Shell | OutputFormat::ShellQuoted)
        && std::io::stdout().is_terminal()
    {
        text.push('\n');
    }
    write_out(out, &text)
}

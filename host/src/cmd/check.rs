//! `imprint check` and `imprint describe`: read artifacts, ask the engine
//! for the rendered report or card.

use super::*;

pub(super) fn check_cmd(
    a: &CheckArgs,
    engine: &mut dyn Engine,
    out: &mut impl Write,
) -> Result<Status, HostError> {
    let artifacts = crate::check_inputs::read_inputs(&a.inputs, a.kind)?;
    let (loaded, context) = if a.derive {
        let (l, ctx) = gathered(&a.context)?;
        (l, Some(ctx))
    } else {
        (load_policy_text(&a.context.policy.policy)?, None)
    };
    let req = json!({ "op": "check", "policy": loaded.text, "artifacts": artifacts,
                      "context": context, "format": a.format });
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
            &mut std::io::Read::take(std::io::stdin(), crate::check_inputs::INPUT_LIMIT + 1),
            &mut b,
        )
        .map_err(|e| HostError::io("<stdin>", e))?;
        if b.len() as u64 > crate::check_inputs::INPUT_LIMIT {
            return Err(HostError::io("<stdin>", crate::check_inputs::too_large()));
        }
        b
    } else {
        crate::check_inputs::read_file(Path::new(path))?
    };
    imprint_core::read::input::labels_from(path, &bytes).map_err(HostError::Usage)
}

pub(super) fn describe_cmd(
    a: &DescribeArgs,
    engine: &mut dyn Engine,
    out: &mut impl Write,
) -> Result<Status, HostError> {
    let loaded = load_policy_text(&a.policy)?;
    let (labels, env, fields) = match &a.labels_from {
        Some(p) => {
            let art = labels_from(p)?;
            (art.labels, art.env, art.fields)
        }
        None => Default::default(),
    };
    let req = json!({
        "op": "describe",
        "policy": loaded.text,
        "reference": a.reference,
        "labels": labels,
        "env": env,
        "fields": fields,
        "format": a.format,
    });
    let Answer::RenderedCard { text, .. } = ask(engine, &req, &loaded.origin)? else {
        return Err(unexpected("describe"));
    };
    write_out(out, &text)?;
    Ok(Status::Ok)
}

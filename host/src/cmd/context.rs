//! The context options (`--arg`, `--repo`, timeouts …) turned into
//! [`GatherOptions`], and the context gathered for a policy.

use super::*;

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

pub(super) fn options(c: &ContextArgs) -> Result<GatherOptions, HostError> {
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
pub(super) fn gathered(c: &ContextArgs) -> Result<(Loaded, Context), HostError> {
    let loaded = load_policy_text(&c.policy.policy)?;
    let opts = options(c)?;
    let ctx = gather(&loaded.policy, &opts)?;
    Ok((loaded, ctx))
}

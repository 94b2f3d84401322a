//! Evaluating a policy's values and outputs against a context: sources,
//! transforms, conditions, formats, limits, and the checks of facts that
//! could not be established or that contradict git.

use super::*;

pub(super) struct Eval<'a> {
    policy: &'a Policy,
    ctx: &'a Context,
    vals: Vec<Str<'a>>,
    winners: Vec<Option<usize>>,
    origins: Vec<Origin<'a>>,
    trace: Trace<'a>,
    pub(super) pending: Vec<Vec<String>>,
    /// Bytes of values computed so far (borrowed ones cost nothing).
    computed: usize,
}

fn escape(s: &str) -> String {
    s.escape_debug().to_string()
}

impl<'a> Eval<'a> {
    pub(super) fn new(policy: &'a Policy, ctx: &'a Context) -> Self {
        let n = policy.values.len();
        Self {
            policy,
            ctx,
            vals: vec![Cow::Borrowed(""); n],
            winners: vec![None; n],
            origins: vec![Origin::Empty; n],
            trace: Trace {
                entries: Vec::with_capacity(n),
                skips: Vec::with_capacity(2 * n),
            },
            pending: Vec::new(),
            computed: 0,
        }
    }

    pub(super) fn values(&mut self, strict: bool) -> Result<(), DeriveError> {
        let policy = self.policy;
        for &i in &policy.order {
            let Some(def) = policy.values.get(i) else {
                continue;
            };
            let start = self.trace.skips.len();
            let (val, origin, winner) = self.value(def)?;
            if let Some(slot) = self.winners.get_mut(i) {
                *slot = winner;
            }
            if let Some(slot) = self.origins.get_mut(i) {
                *slot = origin.clone();
            }
            if let Cow::Owned(o) = &val {
                self.computed += o.len();
                if self.computed > policy.total_limit {
                    return Err(DeriveError {
                        code: DeriveErrorCode::ValueTooLong,
                        subject: def.name.clone(),
                        inputs: Vec::new(),
                        message: format!(
                            "derivation computed more than {} bytes in all (at value `{}`)",
                            policy.total_limit, def.name
                        ),
                    });
                }
            }
            if strict {
                self.check(def, i, &val, start)?;
            }
            if let Some(slot) = self.vals.get_mut(i) {
                *slot = val;
            }
            let a = u32::try_from(start).unwrap_or(u32::MAX);
            let b = u32::try_from(self.trace.skips.len()).unwrap_or(u32::MAX);
            self.trace
                .entries
                .push((Cow::Borrowed(&def.name), origin, a, b));
        }
        Ok(())
    }

    fn value(
        &mut self,
        def: &'a ValueDef,
    ) -> Result<(Str<'a>, Origin<'a>, Option<usize>), DeriveError> {
        let ctx = self.ctx;
        if let (Some(p), Some(loaded)) = (&def.persist, ctx.loaded.get(&def.name)) {
            let file = Cow::Borrowed(p.file.as_str());
            match loaded.as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => {
                    return Ok((Cow::Borrowed(t), Origin::Loaded { file }, None));
                }
                _ => {
                    if let Some(m) = &p.missing {
                        return Ok((Cow::Borrowed(m), Origin::LoadFallback { file }, None));
                    }
                }
            }
        }
        for (ci, cand) in def.candidates.iter().enumerate() {
            let index = u32::try_from(ci).unwrap_or(u32::MAX);
            if let Some(w) = &cand.when {
                if !w.eval(&self.vals) {
                    self.skip(index, cand, SkipReason::ConditionFalse);
                    continue;
                }
            }
            match self.resolve(cand, &def.name)? {
                Ok(v) => {
                    let origin = Origin::Source {
                        index,
                        source: Cow::Borrowed(&cand.label),
                    };
                    return Ok((v, origin, Some(ci)));
                }
                Err(reason) => self.skip(index, cand, reason),
            }
        }
        Ok(match &def.default {
            Some(d) => (Cow::Borrowed(d), Origin::Default, None),
            None => (Cow::Borrowed(""), Origin::Empty, None),
        })
    }

    fn skip(&mut self, index: u32, cand: &'a Candidate, reason: SkipReason) {
        self.trace.skips.push(Skip {
            index,
            source: Cow::Borrowed(&cand.label),
            reason,
        });
    }

    /// The candidate's text, or why it does not count.
    fn resolve(
        &mut self,
        cand: &'a Candidate,
        name: &str,
    ) -> Result<Result<Str<'a>, SkipReason>, DeriveError> {
        let ctx = self.ctx;
        let raw: Str<'a> = match &cand.source {
            Source::Env(n) => match ctx.env.get(n) {
                Some(v) => Cow::Borrowed(v),
                None => return Ok(Err(SkipReason::Unset)),
            },
            Source::Arg(n) => match ctx.args.get(n) {
                Some(v) => Cow::Borrowed(v),
                None => return Ok(Err(SkipReason::Unset)),
            },
            Source::Git { key, fact } => {
                if let Some(why) = ctx.failed.git.get(key) {
                    return Err(self.unavailable(name, cand, why));
                }
                match ctx.git.get(key) {
                    // The host lists every matching tag on HEAD.
                    Some(v) if matches!(fact, GitFact::Tag(_)) => match highest_tag(v) {
                        Some(t) => Cow::Borrowed(t),
                        None => return Ok(Err(SkipReason::Empty)),
                    },
                    // Credentials in a remote URL are secrets, never a fact.
                    Some(v) if *fact == GitFact::RemoteUrl => strip_url_credentials(v),
                    Some(v) => Cow::Borrowed(v),
                    None => return Ok(Err(SkipReason::Unset)),
                }
            }
            Source::Arch => match &ctx.arch {
                Some(v) => Cow::Borrowed(v),
                None => return Ok(Err(SkipReason::Unset)),
            },
            Source::File { path, read } => {
                if let Some(why) = ctx.failed.files.get(path) {
                    return Err(self.unavailable(name, cand, why));
                }
                let Some(text) = ctx.files.get(path) else {
                    return Ok(Err(SkipReason::FileMissing));
                };
                Cow::Borrowed(match read {
                    FileRead::Raw => text.as_str(),
                    FileRead::Trim => text.trim(),
                    FileRead::Dotenv(k) => match dotenv_value(text, k) {
                        Some(v) => v,
                        None => return Ok(Err(SkipReason::KeyMissing)),
                    },
                })
            }
            Source::GoModule { path } => {
                if let Some(why) = ctx.failed.files.get(path) {
                    return Err(self.unavailable(name, cand, why));
                }
                let Some(text) = ctx.files.get(path) else {
                    return Ok(Err(SkipReason::FileMissing));
                };
                match go_module_path(text) {
                    Some(m) => Cow::Borrowed(m),
                    None => return Ok(Err(SkipReason::NoModule)),
                }
            }
            Source::Command { argv, key } => match ctx.commands.get(key) {
                Some(CommandOutcome::Output { stdout }) => Cow::Borrowed(stdout),
                Some(CommandOutcome::NotAllowed) => return Ok(Err(SkipReason::NotAllowed)),
                Some(CommandOutcome::NotFound) => return Ok(Err(SkipReason::NotFound)),
                // Allowed and found, but no answer: guessing would misstate.
                Some(CommandOutcome::TimedOut) => {
                    return Err(self.command_failed(name, cand, "did not finish in time (it was killed; raise --command-timeout if it is only slow)"))
                }
                Some(CommandOutcome::Failed { reason }) => {
                    return Err(self.command_failed(name, cand, reason))
                }
                None => {
                    if !self.pending.contains(argv) {
                        self.pending.push(argv.clone());
                    }
                    return Ok(Err(SkipReason::NotRun));
                }
            },
            Source::Value(i) => self.vals.get(*i).cloned().unwrap_or_default(),
            Source::Template(t) => match t.render(&self.vals, self.policy.value_limit) {
                Ok(s) => s,
                Err(len) => return Err(self.too_long_from(name, len, cand)),
            },
            Source::Literal(s) => Cow::Borrowed(s),
        };
        let mut v = raw;
        let limit = self.policy.value_limit;
        for (ti, t) in cand.transforms.iter().enumerate() {
            v = t.apply(v, limit).map_err(|len| DeriveError {
                code: DeriveErrorCode::ValueTooLong,
                subject: name.to_owned(),
                inputs: vec![cand.label.clone()],
                message: format!(
                    "value `{name}`: transform [{ti}] of `{}` would make it {len} bytes or more, more than the limit of {limit}",
                    cand.label
                ),
            })?;
        }
        if v.len() > self.policy.value_limit {
            return Err(self.too_long_from(name, v.len(), cand));
        }
        if v.is_empty() && !cand.accept_empty {
            return Ok(Err(SkipReason::Empty));
        }
        if let Some(check) = cand.verify {
            // The text as the variable holds it, before transforms.
            let text = match &cand.source {
                Source::Env(n) => ctx.env.get(n),
                Source::Arg(n) => ctx.args.get(n),
                _ => None,
            };
            if let Some(text) = text {
                self.verify(check, text, name, cand)?;
            }
        }
        Ok(Ok(v))
    }

    /// A fact the host could not establish was reached.
    fn unavailable(&self, name: &str, cand: &Candidate, why: &str) -> DeriveError {
        DeriveError {
            code: DeriveErrorCode::FactUnavailable,
            subject: name.to_owned(),
            inputs: vec![cand.label.clone()],
            message: format!(
                "value `{name}`: {} could not be established: {why}",
                cand.label
            ),
        }
    }

    /// An allowed command was reached and gave no answer.
    fn command_failed(&self, name: &str, cand: &Candidate, why: &str) -> DeriveError {
        DeriveError {
            code: DeriveErrorCode::CommandFailed,
            subject: name.to_owned(),
            inputs: vec![cand.label.clone()],
            message: format!("value `{name}`: {} {why}", cand.label),
        }
    }

    /// Checks a CI variable's text against the checkout's git facts. Outside
    /// a checkout (no git facts at all) there is nothing to contradict it.
    fn verify(
        &self,
        check: Verify,
        text: &str,
        name: &str,
        cand: &Candidate,
    ) -> Result<(), DeriveError> {
        let git = &self.ctx.git;
        for fact in Verify::FACTS {
            if let Some(why) = self.ctx.failed.git.get(&fact.key()) {
                let what = format!("git {} (to verify {})", fact.key(), cand.label);
                return Err(DeriveError {
                    code: DeriveErrorCode::FactUnavailable,
                    subject: name.to_owned(),
                    inputs: vec![cand.label.clone()],
                    message: format!("value `{name}`: {what} could not be established: {why}"),
                });
            }
        }
        let sha = git.get("sha").map(String::as_str);
        let in_checkout = git.get("is_repo").is_some_and(|r| r == "true") || sha.is_some();
        if !in_checkout {
            return Ok(());
        }
        let head = sha.unwrap_or("(no commit yet)");
        let (agrees, claim, fix) = match check {
            Verify::GitTag => {
                let tags = git.get("tags").map_or("", String::as_str);
                let on_head: Vec<&str> = tags
                    .lines()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .collect();
                let listed = if on_head.is_empty() {
                    "none".to_owned()
                } else {
                    format!("`{}`", on_head.join("`, `"))
                };
                (
                    lists_tag(tags, text),
                    format!("names tag `{}`, which does not point at HEAD `{head}` (tags on HEAD: {listed})", escape(text)),
                    "build the tagged commit, or fetch the tag into this checkout (`git fetch --tags`; a shallow clone may lack it)",
                )
            }
            Verify::GitCommit => {
                let t = text.trim();
                let abbrev_ok = t.len() >= 7 && t.bytes().all(|b| b.is_ascii_hexdigit());
                let agrees =
                    sha.is_some_and(|s| abbrev_ok && s.starts_with(&t.to_ascii_lowercase()));
                (
                    agrees,
                    format!("is commit `{}`, but HEAD is `{head}`", escape(text)),
                    "build the commit the pipeline was started for (check out that commit)",
                )
            }
        };
        if agrees {
            return Ok(());
        }
        Err(DeriveError {
            code: DeriveErrorCode::ContradictsGit,
            subject: name.to_owned(),
            inputs: vec![cand.label.clone(), "git HEAD".to_owned()],
            message: format!(
                "value `{name}`: {} {claim}; the CI variable contradicts the checkout: {fix}",
                cand.label
            ),
        })
    }

    /// [`Self::too_long`] for a value that came from `cand`, naming it.
    fn too_long_from(&self, subject: &str, len: usize, cand: &Candidate) -> DeriveError {
        let mut e = self.too_long(subject, len);
        e.message = format!(
            "value `{subject}` from `{}` would be {len} bytes, more than the limit of {}",
            cand.label, self.policy.value_limit
        );
        e.inputs = vec![cand.label.clone()];
        e
    }

    fn too_long(&self, subject: &str, len: usize) -> DeriveError {
        DeriveError {
            code: DeriveErrorCode::ValueTooLong,
            subject: subject.to_owned(),
            inputs: Vec::new(),
            message: format!(
                "value `{subject}` would be {len} bytes, more than the limit of {}",
                self.policy.value_limit
            ),
        }
    }

    /// Checks value `i` against `required` and `format`; its own skipped
    /// candidates are the trace's skips from `skips` on.
    fn check(&self, def: &ValueDef, i: usize, val: &str, skips: usize) -> Result<(), DeriveError> {
        let inputs = || {
            let mut out = Vec::new();
            self.origin_of(i, &mut out, &mut vec![false; self.vals.len()]);
            out
        };
        if def.required && val.trim().is_empty() {
            let inputs = inputs();
            // Say why each candidate was passed over: a command that was
            // not allowed or timed out is the usual reason in CI.
            let skipped: Vec<String> = self
                .trace
                .skips
                .get(skips..)
                .unwrap_or(&[])
                .iter()
                .map(|s| format!("[{}] {}: {}", s.index, s.source, s.reason.describe()))
                .collect();
            return Err(DeriveError {
                code: DeriveErrorCode::RequiredEmpty,
                subject: def.name.clone(),
                message: format!(
                    "value `{}` is required but {} (from {}){}",
                    def.name,
                    if val.is_empty() { "empty" } else { "blank" },
                    inputs.join(", "),
                    if skipped.is_empty() {
                        String::new()
                    } else {
                        format!("; skipped {}", skipped.join("; "))
                    }
                ),
                inputs,
            });
        }
        let problem = match def.format {
            Some(Format::Tag) if !is_valid_tag(val) => {
                Some("not a valid OCI tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})".to_owned())
            }
            Some(Format::Reference) => Reference::validate(val)
                .err()
                .map(|e| format!("not a valid OCI reference: {e}")),
            _ => None,
        };
        if let Some(p) = problem {
            let inputs = inputs();
            return Err(DeriveError {
                code: DeriveErrorCode::InvalidFormat,
                subject: def.name.clone(),
                message: format!(
                    "value `{}` = `{}` is {p} (from {})",
                    def.name,
                    escape(val),
                    inputs.join(", ")
                ),
                inputs,
            });
        }
        Ok(())
    }

    /// Collects the external inputs that flowed into value `i`.
    fn origin_of(&self, i: usize, out: &mut Vec<String>, seen: &mut Vec<bool>) {
        if let Some(s) = seen.get_mut(i) {
            if *s {
                return;
            }
            *s = true;
        }
        let Some(def) = self.policy.values.get(i) else {
            return;
        };
        let push = |out: &mut Vec<String>, s: String| {
            if !out.contains(&s) {
                out.push(s);
            }
        };
        let winner = self.winners.get(i).copied().flatten();
        let origin = self.origins.get(i).unwrap_or(&Origin::Empty);
        match (origin, winner.and_then(|w| def.candidates.get(w))) {
            (Origin::Loaded { file } | Origin::LoadFallback { file }, _) => {
                push(out, format!("persisted file {file}"))
            }
            (_, Some(c)) => match &c.source {
                Source::Value(j) => self.origin_of(*j, out, seen),
                Source::Template(t) => {
                    for j in t.refs() {
                        self.origin_of(j, out, seen);
                    }
                }
                Source::Literal(_) => push(out, format!("a literal of `{}`", def.name)),
                _ => push(out, c.label.clone()),
            },
            (Origin::Default, None) => push(out, format!("the default of `{}`", def.name)),
            _ => push(out, format!("no source of `{}`", def.name)),
        }
    }

    fn entry_value(&self, e: &'a Entry) -> Result<Option<Str<'a>>, DeriveError> {
        if let Some(w) = &e.when {
            if !w.eval(&self.vals) {
                return Ok(None);
            }
        }
        e.value
            .render(&self.vals, self.policy.value_limit)
            .map(Some)
            .map_err(|len| self.too_long(&e.path(), len))
    }

    pub(super) fn finish(self) -> Result<Derivation<'a>, DeriveError> {
        let policy = self.policy;
        let out = &policy.outputs;
        let mut tags = Vec::with_capacity(out.tags.len());
        for e in &out.tags {
            let Some(t) = self.entry_value(e)? else {
                continue;
            };
            // A tag that is exactly one reference-formatted value was checked already.
            let checked = e
                .value
                .single_value()
                .and_then(|i| policy.values.get(i))
                .is_some_and(|d| d.format == Some(Format::Reference));
            if checked {
                tags.push(t);
                continue;
            }
            if let Err(err) = Reference::validate(&t) {
                let mut inputs = Vec::new();
                let mut seen = vec![false; self.vals.len()];
                for j in e.value.refs() {
                    self.origin_of(j, &mut inputs, &mut seen);
                }
                return Err(DeriveError {
                    code: DeriveErrorCode::InvalidFormat,
                    subject: e.path(),
                    message: format!(
                        "tag `{}` ({}) is not a valid OCI reference: {err} (from {})",
                        escape(&t),
                        e.path(),
                        inputs.join(", ")
                    ),
                    inputs,
                });
            }
            tags.push(t);
        }
        let mut build_args = Vec::with_capacity(out.build_args.len());
        for e in &out.build_args {
            if let Some(value) = self.entry_value(e)? {
                build_args.push(BuildArg {
                    name: Cow::Borrowed(&e.name),
                    value,
                });
            }
        }
        let pairs = |entries: &'a [Entry]| -> Result<Pairs<'a>, DeriveError> {
            let mut v = Vec::with_capacity(entries.len());
            for e in entries {
                if let Some(val) = self.entry_value(e)? {
                    v.push((Cow::Borrowed(e.name.as_str()), val));
                }
            }
            Ok(Pairs(v))
        };
        let labels = pairs(&out.labels)?;
        let env = pairs(&out.env)?;
        let mut ldflags = Vec::with_capacity(out.ldflags.len());
        for f in &out.ldflags {
            if let Some(w) = &f.when {
                if !w.eval(&self.vals) {
                    continue;
                }
            }
            let limit = policy.value_limit;
            let symbol = f
                .symbol
                .render(&self.vals, limit)
                .map_err(|l| self.too_long(&f.path(), l))?;
            let value = f
                .value
                .render(&self.vals, limit)
                .map_err(|l| self.too_long(&f.path(), l))?;
            ldflags.push(LdFlag { symbol, value });
        }
        let mut persist = Vec::new();
        for (i, def) in policy.values.iter().enumerate() {
            if let Some(p) = &def.persist {
                persist.push(Persisted {
                    value: Cow::Borrowed(&def.name),
                    file: Cow::Borrowed(&p.file),
                    content: self.vals.get(i).cloned().unwrap_or_default(),
                });
            }
        }
        let values = Pairs(
            policy
                .values
                .iter()
                .zip(self.vals)
                .map(|(d, v)| (Cow::Borrowed(d.name.as_str()), v))
                .collect(),
        );
        Ok(Derivation {
            policy: Cow::Borrowed(&policy.name),
            values,
            tags,
            build_args,
            labels,
            env,
            ldflags,
            persist,
            trace: self.trace,
            bake_target: Cow::Borrowed(&out.bake_target),
        })
    }
}

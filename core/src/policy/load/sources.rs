//! Loading the candidate sources of a value (`from`): env, arg, git,
//! machine, file, gomod, command, value, template, literal, with their
//! `when`, `transform` and `accept_empty`.

use super::*;

impl Loader<'_, '_> {
    pub(super) fn candidate(&mut self, v: &Value, path: &Path<'_>) -> Option<Candidate> {
        let m = self.object(v, path)?;
        let mut present = m.keys_among(SOURCE_KEYS);
        let kind = match (present.next(), present.next()) {
            (Some(one), None) => one,
            (None, _) => {
                let hint = m
                    .keys()
                    .find(|k| !["when", "transform", "accept_empty", "verify"].contains(k))
                    .map(|k| suggest(k, SOURCE_KEYS.iter().copied()))
                    .unwrap_or_default();
                self.problem(
                    ProblemCode::MissingSource,
                    path,
                    format!("a source needs one of `{}`{hint}", SOURCE_KEYS.join("`, `")),
                );
                return None;
            }
            (Some(first), Some(second)) => {
                let many: Vec<&str> = [first, second].into_iter().chain(present).collect();
                self.problem(
                    ProblemCode::AmbiguousSource,
                    path,
                    format!("a source takes exactly one of `{}`", many.join("`, `")),
                );
                return None;
            }
        };
        let extra: &[&str] = match kind {
            "git" => &["length", "pattern"],
            "file" => &["read", "key"],
            _ => &[],
        };
        self.check_keys_among(
            m,
            path,
            &[
                &[kind, "when", "transform", "accept_empty", "verify"],
                extra,
            ],
        );
        let kpath = path.raw(kind);
        let raw = m.get(kind)?;
        // Labels are concatenated, not formatted: a policy has many.
        let (source, label): (Source, String) = match kind {
            "env" => {
                let n = self.string(raw, &kpath)?;
                (Source::Env(n.to_owned()), ["env ", n].concat())
            }
            "arg" => {
                let n = self.string(raw, &kpath)?;
                if !self.args.contains(&n) {
                    let hint = suggest(n, self.args.iter().copied());
                    self.problem(
                        ProblemCode::UnknownArgument,
                        &kpath,
                        format!("argument `{n}` is not declared under `args`{hint}"),
                    );
                    return None;
                }
                (Source::Arg(n.to_owned()), ["arg ", n].concat())
            }
            "git" => {
                let fact = self.string(raw, &kpath)?;
                let f = match fact {
                    "sha" => GitFact::Sha,
                    "short" => match m.get("length") {
                        Some(l) => match l.as_u64() {
                            Some(n @ 4..=64) => GitFact::Short(u8::try_from(n).ok()),
                            _ => {
                                self.problem(
                                    ProblemCode::OutOfRange,
                                    &path.raw("length"),
                                    format!(
                                        "length must be a whole number from 4 to 64, found {l}"
                                    ),
                                );
                                return None;
                            }
                        },
                        None => GitFact::Short(None),
                    },
                    "dirty" => GitFact::Dirty,
                    "tag" => {
                        let p = match m.get("pattern") {
                            Some(p) => self.string(p, &path.raw("pattern"))?,
                            None => "*",
                        };
                        if p.is_empty() || p.starts_with('-') {
                            self.problem(
                                ProblemCode::InvalidPattern,
                                &path.raw("pattern"),
                                format!(
                                    "tag pattern `{p}` must be non-empty and not start with `-`"
                                ),
                            );
                            return None;
                        }
                        if p.contains('\0') {
                            self.problem(
                                ProblemCode::InvalidPattern,
                                &path.raw("pattern"),
                                "a tag pattern cannot hold a NUL character (git takes none)".into(),
                            );
                            return None;
                        }
                        GitFact::Tag(p.to_owned())
                    }
                    "branch" => GitFact::Branch,
                    "is_repo" => GitFact::IsRepo,
                    "name" => GitFact::Name,
                    "remote_url" => GitFact::RemoteUrl,
                    "commit_time" => GitFact::CommitTime,
                    other => {
                        let hint = suggest(other, GIT_FACTS.iter().copied());
                        self.problem(
                            ProblemCode::UnknownGitFact,
                            &kpath,
                            format!(
                                "unknown git fact `{other}` (one of `{}`){hint}",
                                GIT_FACTS.join("`, `")
                            ),
                        );
                        return None;
                    }
                };
                if m.contains_key("length") && fact != "short" {
                    self.problem(
                        ProblemCode::UnknownKey,
                        &path.raw("length"),
                        "`length` goes with `\"git\": \"short\"`".into(),
                    );
                }
                if m.contains_key("pattern") && fact != "tag" {
                    self.problem(
                        ProblemCode::UnknownKey,
                        &path.raw("pattern"),
                        "`pattern` goes with `\"git\": \"tag\"`".into(),
                    );
                }
                let key = f.key();
                let label = ["git ", &key].concat();
                (Source::Git { fact: f, key }, label)
            }
            "machine" => match self.string(raw, &kpath)? {
                "arch" => (Source::Arch, "machine arch".to_owned()),
                other => {
                    self.problem(
                        ProblemCode::UnknownMachineFact,
                        &kpath,
                        format!("unknown machine fact `{other}` (expected `arch`)"),
                    );
                    return None;
                }
            },
            "file" => {
                let p = self.string(raw, &kpath)?.to_owned();
                if !self.relative_path(&p, &kpath) {
                    return None;
                }
                let read = match m.get("read").map(|r| self.string(r, &path.raw("read"))) {
                    None | Some(Some("raw")) => FileRead::Raw,
                    Some(Some("trim")) => FileRead::Trim,
                    Some(Some("dotenv")) => {
                        let Some(k) = m.get("key") else {
                            self.problem(
                                ProblemCode::MissingKey,
                                path,
                                "`\"read\": \"dotenv\"` needs `key`".into(),
                            );
                            return None;
                        };
                        FileRead::Dotenv(self.string(k, &path.raw("key"))?.to_owned())
                    }
                    Some(Some(other)) => {
                        self.problem(
                            ProblemCode::UnknownReadMode,
                            &path.raw("read"),
                            format!("unknown read mode `{other}` (one of `raw`, `trim`, `dotenv`)"),
                        );
                        return None;
                    }
                    Some(None) => return None,
                };
                if m.contains_key("key") && !matches!(read, FileRead::Dotenv(_)) {
                    self.problem(
                        ProblemCode::UnknownKey,
                        &path.raw("key"),
                        "`key` goes with `\"read\": \"dotenv\"`".into(),
                    );
                }
                let label = match &read {
                    FileRead::Dotenv(k) => ["file ", &p, " key ", k].concat(),
                    _ => ["file ", &p].concat(),
                };
                (Source::File { path: p, read }, label)
            }
            "gomod" => {
                let p = self.string(raw, &kpath)?.to_owned();
                if !self.relative_path(&p, &kpath) {
                    return None;
                }
                let label = ["module of ", &p].concat();
                (Source::GoModule { path: p }, label)
            }
            "command" => {
                let list = self.array(raw, &kpath)?;
                let mut argv = Vec::with_capacity(list.len());
                for (i, a) in list.iter().enumerate() {
                    argv.push(self.string(a, &kpath.index(i))?.to_owned());
                }
                let bad =
                    |p: &String| p.is_empty() || p.contains('/') || p.contains(char::is_whitespace);
                if argv.first().is_none_or(bad) {
                    self.problem(
                        ProblemCode::InvalidCommand,
                        &kpath,
                        "a command is a non-empty argv whose program is a bare name looked up on PATH".into(),
                    );
                    return None;
                }
                let key = crate::context::command_key(&argv);
                let label = ["command ", &key].concat();
                (Source::Command { argv, key }, label)
            }
            "value" => {
                let n = self.string(raw, &kpath)?;
                let i = self.value_ref(n, &kpath)?;
                (Source::Value(i), ["value ", n].concat())
            }
            "template" => {
                let t = self.string(raw, &kpath)?;
                let label = ["template ", t].concat();
                (Source::Template(self.template(t, &kpath)?), label)
            }
            _ => {
                let s = self.string(raw, &kpath)?;
                (Source::Literal(s.to_owned()), ["literal ", s].concat())
            }
        };
        let when = match m.get("when") {
            Some(w) => Some(self.condition(w, &path.raw("when"), 0)?),
            None => None,
        };
        let transforms = match m.get("transform") {
            Some(t) => self.transforms(t, &path.raw("transform"))?,
            None => Vec::new(),
        };
        let accept_empty = match m.get("accept_empty") {
            Some(a) => {
                let b = self.boolean(a, &path.raw("accept_empty"))?;
                if b && !matches!(source, Source::Env(_) | Source::Arg(_)) {
                    self.problem(
                        ProblemCode::InvalidOption,
                        &path.raw("accept_empty"),
                        "`accept_empty` only applies to `env` and `arg` sources".into(),
                    );
                }
                b
            }
            None => false,
        };
        let verify = match m.get("verify") {
            Some(v) => {
                let vpath = path.raw("verify");
                let verify = match self.string(v, &vpath)? {
                    "git_tag" => Verify::GitTag,
                    "git_commit" => Verify::GitCommit,
                    other => {
                        let hint = suggest(other, ["git_tag", "git_commit"]);
                        self.problem(
                            ProblemCode::UnknownVerify,
                            &vpath,
                            format!(
                                "unknown check `{other}` (one of `git_tag`, `git_commit`){hint}"
                            ),
                        );
                        return None;
                    }
                };
                if !matches!(source, Source::Env(_) | Source::Arg(_)) {
                    self.problem(
                        ProblemCode::InvalidOption,
                        &vpath,
                        "`verify` only applies to `env` and `arg` sources".into(),
                    );
                }
                Some(verify)
            }
            None => None,
        };
        Some(Candidate {
            source,
            label,
            when,
            transforms,
            accept_empty,
            verify,
        })
    }
}

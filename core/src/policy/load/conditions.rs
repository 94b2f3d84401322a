//! Loading conditions (`when`, over values or facts) and transforms.

use super::*;

impl Loader<'_, '_> {
    pub(super) fn condition(
        &mut self,
        v: &Value,
        path: &Path<'_>,
        depth: usize,
    ) -> Option<Condition> {
        self.condition_of(
            v,
            path,
            depth,
            "value",
            &mut |l: &mut Self, name: &str, at: &Path<'_>| l.value_ref(name, at),
        )
    }

    /// Parses a condition whose tests name their subject under `key`
    /// (`value` in derivations, `fact` in rules); `subject` resolves it.
    pub(super) fn condition_of<S>(
        &mut self,
        v: &Value,
        path: &Path<'_>,
        depth: usize,
        key: &str,
        subject: &mut dyn FnMut(&mut Self, &str, &Path<'_>) -> Option<S>,
    ) -> Option<Condition<S>> {
        if depth >= self.limits.condition_depth {
            self.problem(
                ProblemCode::TooDeep,
                path,
                format!(
                    "conditions nest deeper than {}",
                    self.limits.condition_depth
                ),
            );
            return None;
        }
        let m = self.object(v, path)?;
        for comb in ["all", "any"] {
            if let Some(list) = m.get(comb) {
                self.check_keys(m, path, &[comb]);
                let lpath = path.raw(comb);
                let items = self.array(list, &lpath)?;
                let mut cs = Vec::with_capacity(items.len());
                for (i, c) in items.iter().enumerate() {
                    cs.push(self.condition_of(c, &lpath.index(i), depth + 1, key, subject));
                }
                let cs: Vec<Condition<S>> = cs.into_iter().collect::<Option<_>>()?;
                return Some(if comb == "all" {
                    Condition::All(cs)
                } else {
                    Condition::Any(cs)
                });
            }
        }
        if let Some(inner) = m.get("not") {
            self.check_keys(m, path, &["not"]);
            let c = self.condition_of(inner, &path.raw("not"), depth + 1, key, subject)?;
            return Some(Condition::Not(Box::new(c)));
        }
        let Some(name) = m.get(key) else {
            self.problem(
                ProblemCode::InvalidCondition,
                path,
                format!("a condition needs `all`, `any`, `not`, or `{key}` with a test"),
            );
            return None;
        };
        self.check_keys_among(m, path, &[&[key], TESTS]);
        let name = self.string(name, &path.raw(key))?;
        let subj = subject(self, name, &path.raw(key))?;
        let test = self.test(m, path, key)?;
        Some(Condition::Test {
            subject: subj,
            test,
        })
    }

    /// The one test of a condition object.
    pub(super) fn test(&mut self, m: &Map, path: &Path<'_>, key: &str) -> Option<Test> {
        let Some(t) = m.only_one_of(TESTS) else {
            self.problem(
                ProblemCode::InvalidCondition,
                path,
                format!(
                    "a `{key}` condition takes exactly one test of `{}`",
                    TESTS.join("`, `")
                ),
            );
            return None;
        };
        let tpath = path.raw(t);
        let arg = m.get(t)?;
        let test = match t {
            "nonempty" | "empty" => {
                if arg != &Value::Bool(true) {
                    self.problem(
                        ProblemCode::WrongType,
                        &tpath,
                        format!("`{t}` takes `true`"),
                    );
                    return None;
                }
                if t == "empty" {
                    Test::Empty
                } else {
                    Test::NonEmpty
                }
            }
            "equals" => Test::Equals(self.string(arg, &tpath)?.to_owned()),
            "one_of" => {
                let list = self.array(arg, &tpath)?;
                let mut out = Vec::new();
                for (i, s) in list.iter().enumerate() {
                    out.push(self.string(s, &tpath.index(i))?.to_owned());
                }
                Test::OneOf(out)
            }
            "prefix" => Test::Prefix(self.string(arg, &tpath)?.to_owned()),
            "glob" => {
                let g = self.string(arg, &tpath)?;
                if g.len() > self.limits.regex_pattern {
                    self.problem(
                        ProblemCode::TooLarge,
                        &tpath,
                        format!(
                            "glob is {} bytes, more than the limit of {}",
                            g.len(),
                            self.limits.regex_pattern
                        ),
                    );
                    return None;
                }
                Test::Glob(g.to_owned())
            }
            _ => {
                let p = self.string(arg, &tpath)?;
                Test::Matches(self.regex(p, &tpath)?)
            }
        };
        Some(test)
    }

    pub(super) fn transforms(&mut self, v: &Value, path: &Path<'_>) -> Option<Vec<Transform>> {
        let list = self.array(v, path)?;
        let mut out = Vec::with_capacity(list.len());
        for (i, t) in list.iter().enumerate() {
            out.push(self.transform(t, &path.index(i)));
        }
        out.into_iter().collect()
    }

    pub(super) fn transform(&mut self, v: &Value, path: &Path<'_>) -> Option<Transform> {
        if let Value::String(s) = v {
            return match &**s {
                "trim" => Some(Transform::Trim),
                "lowercase" => Some(Transform::Lowercase),
                "uppercase" => Some(Transform::Uppercase),
                "sanitize_tag" => Some(Transform::SanitizeTag),
                "epoch_to_rfc3339" => Some(Transform::EpochToRfc3339),
                "first_line" => Some(Transform::FirstLine),
                other => {
                    let all = SIMPLE_TRANSFORMS.iter().chain(OBJECT_TRANSFORMS).copied();
                    let hint = suggest(other, all);
                    self.problem(
                        ProblemCode::UnknownTransform,
                        path,
                        format!("unknown transform `{other}`{hint}"),
                    );
                    None
                }
            };
        }
        let m = self.object(v, path)?;
        let Some(kind) = m.only_one_of(OBJECT_TRANSFORMS) else {
            self.problem(
                ProblemCode::InvalidTransform,
                path,
                format!(
                    "a transform object takes exactly one of `{}`",
                    OBJECT_TRANSFORMS.join("`, `")
                ),
            );
            return None;
        };
        let extra: &[&str] = match kind {
            "capture" => &["group"],
            "replace" => &["with"],
            "split" => &["keep"],
            _ => &[],
        };
        self.check_keys_among(m, path, &[&[kind], extra]);
        let kpath = path.raw(kind);
        let arg = m.get(kind)?;
        Some(match kind {
            "strip_prefix" => Transform::StripPrefix(self.string(arg, &kpath)?.to_owned()),
            "strip_suffix" => Transform::StripSuffix(self.string(arg, &kpath)?.to_owned()),
            "truncate" => match arg.as_u64().and_then(|n| usize::try_from(n).ok()) {
                Some(n) => Transform::Truncate(n),
                None => {
                    self.problem(
                        ProblemCode::WrongType,
                        &kpath,
                        format!("expected a whole number, found {arg}"),
                    );
                    return None;
                }
            },
            "match" => {
                let p = self.string(arg, &kpath)?;
                Transform::Match(self.regex(p, &kpath)?)
            }
            "capture" => {
                let p = self.string(arg, &kpath)?;
                let re = self.regex(p, &kpath)?;
                let group = match m.get("group") {
                    Some(g) => match g.as_u64().and_then(|n| usize::try_from(n).ok()) {
                        Some(n) if n < re.captures_len() => n,
                        _ => {
                            self.problem(
                                ProblemCode::OutOfRange,
                                &path.raw("group"),
                                format!("group {g} does not exist in the regex"),
                            );
                            return None;
                        }
                    },
                    None => usize::from(re.captures_len() > 1),
                };
                Transform::Capture(re, group)
            }
            "replace" => {
                let p = self.string(arg, &kpath)?;
                let re = self.regex(p, &kpath)?;
                let with = match m.get("with") {
                    Some(w) => self.string(w, &path.raw("with"))?,
                    None => "",
                };
                match Replacement::parse(with, &re) {
                    Ok(r) => Transform::Replace(re, r),
                    Err(n) => {
                        self.problem(
                            ProblemCode::TooMany,
                            &path.raw("with"),
                            format!(
                                "`with` refers to groups {n} times, more than the limit of {MAX_REPLACEMENT_REFS}"
                            ),
                        );
                        return None;
                    }
                }
            }
            _ => {
                let sep = self.string(arg, &kpath)?.to_owned();
                if sep.is_empty() {
                    self.problem(
                        ProblemCode::InvalidTransform,
                        &kpath,
                        "separator must not be empty".into(),
                    );
                    return None;
                }
                let keep_tail = match m.get("keep").map(|k| self.string(k, &path.raw("keep"))) {
                    None | Some(Some("head")) => false,
                    Some(Some("tail")) => true,
                    Some(Some(other)) => {
                        self.problem(
                            ProblemCode::InvalidTransform,
                            &path.raw("keep"),
                            format!("`keep` is `head` or `tail`, not `{other}`"),
                        );
                        return None;
                    }
                    Some(None) => return None,
                };
                Transform::Split { sep, keep_tail }
            }
        })
    }
}

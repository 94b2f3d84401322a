//! Loading the policy document itself: top-level keys, `args`, each value
//! (`from`, `default`, `required`, `format`, `persist`) and the order the
//! values are evaluated in (a DAG of references, cycles refused).

use super::*;

impl<'t> Loader<'_, 't> {
    pub(super) fn policy(&mut self, root: &Value<'t>) -> Option<Policy> {
        let m = self.object(root, &Path::Text("$"))?;
        self.check_keys(m, &Path::Text("$"), super::TOP_LEVEL_KEYS);
        if let Some(v) = m.get("$schema") {
            self.string(v, &Path::Text("$.$schema"));
        }
        if let Some(v) = m.get("imprint") {
            match v.as_u64() {
                Some(n) if (1..=FORMAT_VERSION).contains(&n) => {}
                _ => self.problem(
                    ProblemCode::UnsupportedVersion,
                    &Path::Text("$.imprint"),
                    format!("format version {v} is not supported (this engine reads 1 to {FORMAT_VERSION})"),
                ),
            }
        }
        let name = match self.require(m, "name", &Path::Text("$")) {
            Some(v) => self
                .string(v, &Path::Text("$.name"))
                .unwrap_or("")
                .to_owned(),
            None => String::new(),
        };
        let description = match m.get("description") {
            Some(v) => self
                .string(v, &Path::Text("$.description"))
                .unwrap_or("")
                .to_owned(),
            None => String::new(),
        };
        let args = match m.get("args") {
            Some(v) => self.args(v),
            None => Vec::new(),
        };

        // Pass 1: value names, so references can point forwards.
        let empty = Map::new();
        let values_map = match self.require(m, "values", &Path::Text("$")) {
            Some(v) => self.object(v, &Path::Text("$.values")).unwrap_or(&empty),
            None => &empty,
        };
        if values_map.len() > self.limits.values {
            self.problem(
                ProblemCode::TooMany,
                &Path::Text("$.values"),
                format!(
                    "{} values, more than the limit of {}",
                    values_map.len(),
                    self.limits.values
                ),
            );
            return None;
        }
        self.names.reserve(values_map.len());
        for (i, k) in values_map.keys().enumerate() {
            if template::is_name(k) {
                self.names.push((k, i));
            } else {
                self.problem(
                    ProblemCode::InvalidName,
                    &Path::Key(&Path::Text("$.values"), k),
                    format!("value name `{k}` must match [A-Za-z_][A-Za-z0-9_]*"),
                );
            }
        }
        self.names.sort_unstable();
        // Pass 2: definitions.
        let mut values = Vec::with_capacity(values_map.len());
        for (k, v) in values_map {
            let path = Path::Key(&Path::Text("$.values"), k);
            values.push(self.value_def(k, v, &path));
        }
        let outputs = match m.get("outputs") {
            Some(v) => self.outputs(v),
            None => Outputs {
                bake_target: "default".into(),
                ..Outputs::default()
            },
        };
        let pin = m.get("pin").and_then(|v| self.pin(v));
        let rules = m.get("rules").map(|v| self.rules(v)).unwrap_or_default();
        let card = self.card(m.get("card"));
        let metadata_action = m
            .get("metadata_action")
            .and_then(|v| self.metadata_action(v));
        let values: Vec<ValueDef> = values.into_iter().collect::<Option<_>>()?;
        let order = self.order(&values)?;
        Some(Policy {
            name,
            description,
            args,
            values,
            order,
            outputs,
            pin,
            rules,
            card,
            metadata_action,
            value_limit: self.limits.value_bytes,
            total_limit: self.limits.derivation_bytes,
        })
    }

    fn args(&mut self, v: &Value<'t>) -> Vec<ArgDecl> {
        let Some(m) = self.bounded_object(v, &Path::Text("$.args")) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in m {
            let path = Path::Key(&Path::Text("$.args"), k);
            if !template::is_name(k) {
                self.problem(
                    ProblemCode::InvalidName,
                    &path,
                    format!("argument name `{k}` must match [A-Za-z_][A-Za-z0-9_]*"),
                );
            }
            let Some(am) = self.object(v, &path) else {
                continue;
            };
            self.check_keys(am, &path, &["description"]);
            let description = match am.get("description") {
                Some(d) => self
                    .string(d, &path.raw("description"))
                    .unwrap_or("")
                    .to_owned(),
                None => String::new(),
            };
            self.args.push(k);
            out.push(ArgDecl {
                name: k.to_owned(),
                description,
            });
        }
        out
    }

    fn value_def(&mut self, name: &str, v: &Value, path: &Path<'_>) -> Option<ValueDef> {
        let m = self.object(v, path)?;
        self.check_keys(
            m,
            path,
            &[
                "description",
                "from",
                "default",
                "required",
                "format",
                "persist",
            ],
        );
        if let Some(d) = m.get("description") {
            self.string(d, &path.raw("description"));
        }
        let mut candidates = Vec::new();
        let mut ok = true;
        if let Some(from) = m.get("from") {
            let fpath = path.raw("from");
            if let Some(list) = self.array(from, &fpath) {
                for (i, c) in list.iter().enumerate() {
                    match self.candidate(c, &fpath.index(i)) {
                        Some(c) => candidates.push(c),
                        None => ok = false,
                    }
                }
            }
        }
        let default = match m.get("default") {
            Some(d) => self.string(d, &path.raw("default")).map(str::to_owned),
            None => None,
        };
        if candidates.is_empty() && default.is_none() && m.get("from").is_none() {
            self.problem(
                ProblemCode::MissingKey,
                path,
                format!("value `{name}` needs `from` or `default`"),
            );
        }
        let required = match m.get("required") {
            Some(r) => self.boolean(r, &path.raw("required")).unwrap_or(false),
            None => false,
        };
        let format = match m.get("format") {
            Some(f) => match self.string(f, &path.raw("format")) {
                Some("tag") => Some(Format::Tag),
                Some("reference") => Some(Format::Reference),
                Some(other) => {
                    self.problem(
                        ProblemCode::UnknownFormat,
                        &path.raw("format"),
                        format!("unknown format `{other}` (expected `tag` or `reference`)"),
                    );
                    None
                }
                None => None,
            },
            None => None,
        };
        let persist = m
            .get("persist")
            .and_then(|p| self.persist(p, &path.raw("persist")));
        let persist_path = path.raw("persist");
        let fixed = [
            (default.as_deref(), path.raw("default")),
            (
                persist.as_ref().and_then(|p| p.missing.as_deref()),
                persist_path.raw("missing"),
            ),
        ];
        for (text, at) in fixed {
            let bad = match (format, text) {
                (Some(Format::Tag), Some(t)) => !crate::is_valid_tag(t),
                (Some(Format::Reference), Some(t)) => crate::Reference::validate(t).is_err(),
                _ => false,
            };
            if bad {
                self.problem(
                    ProblemCode::InvalidFormat,
                    &at,
                    format!(
                        "`{}` does not satisfy the value's format",
                        text.unwrap_or("")
                    ),
                );
            }
        }
        ok.then(|| ValueDef {
            name: name.to_owned(),
            candidates,
            default,
            required,
            format,
            persist,
        })
    }

    fn persist(&mut self, v: &Value, path: &Path<'_>) -> Option<Persist> {
        let m = self.object(v, path)?;
        self.check_keys(m, path, &["file", "missing"]);
        let file = self.require(m, "file", path)?;
        let file = self.string(file, &path.raw("file"))?.to_owned();
        let bad =
            file.is_empty() || file == "." || file == ".." || file.contains(['/', '\\', '\0']);
        if bad {
            self.problem(
                ProblemCode::InvalidFileName,
                &path.raw("file"),
                format!("persist file `{file}` must be a plain file name (no directories)"),
            );
            return None;
        }
        let missing = match m.get("missing") {
            Some(v) => Some(self.string(v, &path.raw("missing"))?.to_owned()),
            None => None,
        };
        Some(Persist { file, missing })
    }

    /// Dependency order of values; reports every cycle found.
    fn order(&mut self, values: &[ValueDef]) -> Option<Vec<usize>> {
        // Each value's references, one list after another: value `i`'s are
        // `refs[ends[i - 1]..ends[i]]`.
        let mut refs = Vec::new();
        let mut ends = Vec::with_capacity(values.len());
        for v in values {
            for c in &v.candidates {
                match &c.source {
                    Source::Value(i) => refs.push(*i),
                    Source::Template(t) => refs.extend(t.refs()),
                    _ => {}
                }
                if let Some(w) = &c.when {
                    w.refs(&mut refs);
                }
            }
            ends.push(refs.len());
        }
        let dep = |node: usize, n: usize| {
            let start = node.checked_sub(1).and_then(|p| ends.get(p)).copied();
            let end = ends.get(node).copied().unwrap_or(0);
            refs.get(start.unwrap_or(0)..end)
                .and_then(|d| d.get(n))
                .copied()
        };
        // 0 = unvisited, 1 = on stack, 2 = done
        let mut state = vec![0u8; values.len()];
        let mut order = Vec::with_capacity(values.len());
        let mut ok = true;
        // iterative DFS: (node, next dep index)
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for start in 0..values.len() {
            if state.get(start) != Some(&0) {
                continue;
            }
            stack.push((start, 0));
            if let Some(s) = state.get_mut(start) {
                *s = 1;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let d = dep(node, *next);
                *next += 1;
                match d {
                    Some(d) => match state.get(d) {
                        Some(0) => {
                            if let Some(s) = state.get_mut(d) {
                                *s = 1;
                            }
                            stack.push((d, 0));
                        }
                        Some(1) => {
                            let pos = stack.iter().position(|&(n, _)| n == d).unwrap_or(0);
                            let mut names: Vec<&str> = stack
                                .get(pos..)
                                .unwrap_or(&[])
                                .iter()
                                .filter_map(|&(n, _)| values.get(n).map(|v| &*v.name))
                                .collect();
                            names.push(values.get(d).map_or("?", |v| &*v.name));
                            let first = names.first().copied().unwrap_or("?");
                            self.problem(
                                ProblemCode::Cycle,
                                &Path::Key(&Path::Text("$.values"), first),
                                format!(
                                    "values refer to each other in a cycle: {}",
                                    names.join(" -> ")
                                ),
                            );
                            ok = false;
                        }
                        _ => {}
                    },
                    None => {
                        if let Some(s) = state.get_mut(node) {
                            *s = 2;
                        }
                        order.push(node);
                        stack.pop();
                    }
                }
            }
        }
        ok.then_some(order)
    }
}

//! Loading `outputs` (build args, tags, labels, env, ldflags) and `pin`.

use super::*;

impl EntryAt {
    /// Calls `f` with the JSON path of the entry called `name` here, as the
    /// loader writes paths.
    fn on_path<R>(self, name: &str, f: impl FnOnce(&Path<'_>) -> R) -> R {
        match self {
            EntryAt::Item(list, i) => f(&Path::Index(&Path::Text(list), i)),
            EntryAt::Key(object) => f(&Path::Key(&Path::Text(object), name)),
        }
    }
}

impl Entry {
    /// The entry's JSON path in the policy.
    pub(crate) fn path(&self) -> String {
        self.at.on_path(&self.name, |p| p.to_string())
    }
}

impl LdFlagDef {
    /// The flag's JSON path in the policy.
    pub(crate) fn path(&self) -> String {
        EntryAt::Item(LDFLAGS, self.index).on_path("", |p| p.to_string())
    }
}

const BUILD_ARGS: &str = "$.outputs.build_args";
const TAGS: &str = "$.outputs.tags";
const LDFLAGS: &str = "$.outputs.ldflags";

impl Loader<'_, '_> {
    /// One output entry at `at`: a template, or an object with `value` and
    /// `when`.
    pub(super) fn entry(&mut self, name: String, v: &Value, at: EntryAt) -> Option<Entry> {
        let (value, when) = at.on_path(&name, |path| {
            if let Value::Object(m) = v {
                self.check_keys(m, path, &["value", "when"]);
            }
            self.template_and_when(v, path)
        })?;
        Some(Entry {
            name,
            at,
            value,
            when,
        })
    }

    /// An entry's template and condition (its keys checked by the caller).
    fn template_and_when(
        &mut self,
        v: &Value,
        path: &Path<'_>,
    ) -> Option<(Template, Option<Condition>)> {
        let (text, when) = match v {
            Value::String(s) => (*s, None),
            Value::Object(m) => {
                let t = self.require(m, "value", path)?;
                let t = self.string(t, &path.raw("value"))?;
                let when = match m.get("when") {
                    Some(w) => Some(self.condition(w, &path.raw("when"), 0)?),
                    None => None,
                };
                (t, when)
            }
            other => {
                self.problem(
                    ProblemCode::WrongType,
                    path,
                    format!(
                        "expected a template string or an object, found {}",
                        other.kind()
                    ),
                );
                return None;
            }
        };
        Some((self.template(text, path)?, when))
    }

    pub(super) fn outputs(&mut self, v: &Value) -> Outputs {
        let mut out = Outputs {
            bake_target: "default".into(),
            ..Outputs::default()
        };
        let Some(m) = self.object(v, &Path::Text("$.outputs")) else {
            return out;
        };
        self.check_keys(
            m,
            &Path::Text("$.outputs"),
            &[
                "build_args",
                "tags",
                "labels",
                "env",
                "ldflags",
                "bake_target",
            ],
        );
        if let Some(list) = m.get("build_args") {
            if let Some(items) = self.array(list, &Path::Text(BUILD_ARGS)) {
                for (i, item) in items.iter().enumerate() {
                    let path = Path::Index(&Path::Text(BUILD_ARGS), i);
                    let Some(im) = self.object(item, &path) else {
                        continue;
                    };
                    self.check_keys(im, &path, &["name", "value", "when"]);
                    let Some(n) = self.require(im, "name", &path) else {
                        continue;
                    };
                    let Some(n) = self.string(n, &path.raw("name")) else {
                        continue;
                    };
                    if n.is_empty() || n.contains(['=', ' ', '\n']) {
                        self.problem(
                            ProblemCode::InvalidName,
                            &path.raw("name"),
                            format!("build arg name `{n}` must be non-empty without `=` or spaces"),
                        );
                    }
                    if out.build_args.iter().any(|e| e.name == n) {
                        self.problem(
                            ProblemCode::Duplicate,
                            &path.raw("name"),
                            format!("build arg `{n}` is declared twice"),
                        );
                    }
                    if let Some((value, when)) = self.template_and_when(item, &path) {
                        out.build_args.push(Entry {
                            name: n.to_owned(),
                            at: EntryAt::Item(BUILD_ARGS, i),
                            value,
                            when,
                        });
                    }
                }
            }
        }
        if let Some(list) = m.get("tags") {
            if let Some(items) = self.array(list, &Path::Text(TAGS)) {
                for (i, item) in items.iter().enumerate() {
                    if let Some(e) = self.entry(String::new(), item, EntryAt::Item(TAGS, i)) {
                        out.tags.push(e);
                    }
                }
            }
        }
        for (key, object, dest) in [
            ("labels", "$.outputs.labels", &mut out.labels),
            ("env", "$.outputs.env", &mut out.env),
        ] {
            let Some(map) = m.get(key) else { continue };
            let opath = Path::Text(object);
            let Some(map) = self.bounded_object(map, &opath) else {
                continue;
            };
            for (k, item) in map {
                let path = opath.key(k);
                if k.is_empty() || k.contains(['=', '\n']) {
                    self.problem(
                        ProblemCode::InvalidName,
                        &path,
                        format!("name `{k}` must be non-empty without `=` or newlines"),
                    );
                }
                if let Some(e) = self.entry(k.to_owned(), item, EntryAt::Key(object)) {
                    dest.push(e);
                }
            }
        }
        if let Some(list) = m.get("ldflags") {
            if let Some(items) = self.array(list, &Path::Text(LDFLAGS)) {
                for (i, item) in items.iter().enumerate() {
                    let path = Path::Index(&Path::Text(LDFLAGS), i);
                    let Some(im) = self.object(item, &path) else {
                        continue;
                    };
                    self.check_keys(im, &path, &["symbol", "value", "when"]);
                    let sym = self
                        .require(im, "symbol", &path)
                        .and_then(|s| self.string(s, &path.raw("symbol")));
                    let val = self
                        .require(im, "value", &path)
                        .and_then(|s| self.string(s, &path.raw("value")));
                    let (Some(sym), Some(val)) = (sym, val) else {
                        continue;
                    };
                    let symbol = self.template(sym, &path.raw("symbol"));
                    let value = self.template(val, &path.raw("value"));
                    let when = match im.get("when") {
                        Some(w) => self.condition(w, &path.raw("when"), 0),
                        None => None,
                    };
                    if let (Some(symbol), Some(value)) = (symbol, value) {
                        out.ldflags.push(LdFlagDef {
                            symbol,
                            value,
                            index: i,
                            when,
                        });
                    }
                }
            }
        }
        if let Some(t) = m.get("bake_target") {
            if let Some(t) = self.string(t, &Path::Text("$.outputs.bake_target")) {
                out.bake_target = t.to_owned();
            }
        }
        out
    }

    pub(super) fn pin(&mut self, v: &Value) -> Option<PinSpec> {
        let m = self.object(v, &Path::Text("$.pin"))?;
        self.check_keys(
            m,
            &Path::Text("$.pin"),
            &["images", "tag", "also_tags", "extensions"],
        );
        let mut images = Vec::new();
        if let Some(list) = self.require(m, "images", &Path::Text("$.pin")) {
            for (i, img) in self
                .array(list, &Path::Text("$.pin.images"))?
                .iter()
                .enumerate()
            {
                let path = Path::Index(&Path::Text("$.pin.images"), i);
                let Some(s) = self.string(img, &path) else {
                    continue;
                };
                match crate::Reference::parse(s) {
                    Ok(r) if r.tag.is_none() && r.digest.is_none() => images.push(s.to_owned()),
                    Ok(_) => self.problem(
                        ProblemCode::InvalidReference,
                        &path,
                        format!("image base `{s}` must have no tag or digest"),
                    ),
                    Err(e) => self.problem(
                        ProblemCode::InvalidReference,
                        &path,
                        format!("image base `{s}` is not a valid repository name: {e}"),
                    ),
                }
            }
        }
        let tag = self.require(m, "tag", &Path::Text("$.pin"))?;
        let tag = self.string(tag, &Path::Text("$.pin.tag"))?;
        let tag_value = self.value_ref(tag, &Path::Text("$.pin.tag"))?;
        let mut also_tags = Vec::new();
        if let Some(list) = m.get("also_tags") {
            for (i, t) in self
                .array(list, &Path::Text("$.pin.also_tags"))?
                .iter()
                .enumerate()
            {
                let path = Path::Index(&Path::Text("$.pin.also_tags"), i);
                if let Some(s) = self.string(t, &path) {
                    if crate::is_valid_tag(s) {
                        also_tags.push(s.to_owned());
                    } else {
                        self.problem(
                            ProblemCode::InvalidTag,
                            &path,
                            format!("`{s}` is not a valid OCI tag"),
                        );
                    }
                }
            }
        }
        let mut extensions = Vec::new();
        match m.get("extensions") {
            Some(list) => {
                for (i, e) in self
                    .array(list, &Path::Text("$.pin.extensions"))?
                    .iter()
                    .enumerate()
                {
                    if let Some(s) =
                        self.string(e, &Path::Index(&Path::Text("$.pin.extensions"), i))
                    {
                        extensions.push(s.trim_start_matches('.').to_ascii_lowercase());
                    }
                }
            }
            None => extensions = vec!["yaml".into(), "yml".into()],
        }
        Some(PinSpec {
            images,
            tag_value,
            also_tags,
            extensions,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;

    /// Each output entry is named by its JSON path as load problems write
    /// paths (`.key`, `["odd.key"]`, `[i]`), in derive errors too.
    #[test]
    fn entries_are_named_by_their_json_paths() {
        let text = r#"{"name": "p",
          "values": {"v": {"from": [{"env": "V"}]}},
          "outputs": {
            "build_args": [{"name": "B0", "value": "{v}"}, {"name": "B1", "value": "{v}"}],
            "tags": ["x:{v}", "y:{v}"],
            "labels": {"plain": "{v}", "org.opencontainers.image.version": "{v}"},
            "env": {"E-1": "{v}", "": "{v}"},
            "ldflags": [{"symbol": "main.a", "value": "{v}"}, {"symbol": "main.b", "value": "{v}"}]
          }}"#;
        // Only to read the paths: the empty env name is a load problem.
        let loaded = |text: &str, limits: &Limits| Policy::from_json_with_limits(text, "p", limits);
        let text_ok = text.replace(r#", "": "{v}""#, "");
        let p = loaded(&text_ok, &Limits::default()).unwrap();
        let o = &p.outputs;
        let paths: Vec<String> = [&o.build_args, &o.tags, &o.labels, &o.env]
            .into_iter()
            .flatten()
            .map(Entry::path)
            .chain(o.ldflags.iter().map(LdFlagDef::path))
            .collect();
        assert_eq!(
            paths,
            [
                "$.outputs.build_args[0]",
                "$.outputs.build_args[1]",
                "$.outputs.tags[0]",
                "$.outputs.tags[1]",
                "$.outputs.labels.plain",
                r#"$.outputs.labels["org.opencontainers.image.version"]"#,
                "$.outputs.env.E-1",
                "$.outputs.ldflags[0]",
                "$.outputs.ldflags[1]",
            ]
        );
        // The same paths as the loader's own problems at those places.
        let e = loaded(text, &Limits::default()).unwrap_err();
        assert_eq!(e.problems[0].path, r#"$.outputs.env[""]"#);
        // A rendering past the value limit names the entry.
        let tight = Limits {
            value_bytes: 8,
            ..Limits::default()
        };
        let p = loaded(&text_ok.replace(r#""{v}"}"#, r#""{v}{v}"}"#), &tight).unwrap();
        let mut ctx = crate::Context::default();
        ctx.env.insert("V".into(), "12345".into());
        let err = crate::derive(&p, &ctx).unwrap_err();
        assert_eq!(err.code, crate::DeriveErrorCode::ValueTooLong);
        assert_eq!(err.subject, "$.outputs.build_args[0]", "{err}");
    }
}

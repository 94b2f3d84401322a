//! Loading `outputs` (build args, tags, labels, env, ldflags) and `pin`.

use super::*;

impl Loader<'_> {
    /// One output entry: a template, or an object with `value` and `when`.
    pub(super) fn entry(&mut self, name: String, v: &Value, path: &Path<'_>) -> Option<Entry> {
        if let Value::Object(m) = v {
            self.check_keys(m, path, &["value", "when"]);
        }
        self.entry_fields(name, v, path)
    }

    /// [`Self::entry`] of an object whose keys the caller has checked.
    fn entry_fields(&mut self, name: String, v: &Value, path: &Path<'_>) -> Option<Entry> {
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
        let value = self.template(text, path)?;
        Some(Entry {
            name,
            path: path.to_string(),
            value,
            when,
        })
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
            if let Some(items) = self.array(list, &Path::Text("$.outputs.build_args")) {
                for (i, item) in items.iter().enumerate() {
                    let path = Path::Index(&Path::Text("$.outputs.build_args"), i);
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
                    if let Some(e) = self.entry_fields(n.to_owned(), item, &path) {
                        out.build_args.push(e);
                    }
                }
            }
        }
        if let Some(list) = m.get("tags") {
            if let Some(items) = self.array(list, &Path::Text("$.outputs.tags")) {
                for (i, item) in items.iter().enumerate() {
                    if let Some(e) = self.entry(
                        String::new(),
                        item,
                        &Path::Index(&Path::Text("$.outputs.tags"), i),
                    ) {
                        out.tags.push(e);
                    }
                }
            }
        }
        for (key, dest) in [("labels", &mut out.labels), ("env", &mut out.env)] {
            let Some(map) = m.get(key) else { continue };
            let opath = Path::Raw(&Path::Text("$.outputs"), key);
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
                if let Some(e) = self.entry(k.to_owned(), item, &path) {
                    dest.push(e);
                }
            }
        }
        if let Some(list) = m.get("ldflags") {
            if let Some(items) = self.array(list, &Path::Text("$.outputs.ldflags")) {
                for (i, item) in items.iter().enumerate() {
                    let path = Path::Index(&Path::Text("$.outputs.ldflags"), i);
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
                            path: path.to_string(),
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

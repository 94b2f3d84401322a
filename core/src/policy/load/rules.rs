//! Loading `rules` and `card`: part of the loader, reporting problems with
//! their JSON paths like everything else.

use super::tree::{Map, Value};
use super::{Loader, Path};
use crate::error::ProblemCode;
use crate::rule::expr::{is_fact_path, pieces, Expr, ExprPart, FactPath, PathPart, Piece};
use crate::rule::{CardSpec, Compare, Rule, RuleKind, Severity, CARD_FIELDS, DEFAULT_CARD};
use std::borrow::Cow;

const RULE_KINDS: &[&str] = &["classify", "require", "agree", "forbid", "match"];

impl Loader<'_, '_> {
    /// The literal and `{…}` pieces of `text`, reporting a malformed one.
    fn pieces<'t>(&mut self, text: &'t str, path: &Path<'_>) -> Option<Vec<Piece<'t>>> {
        match pieces(text) {
            Ok(p) => Some(p),
            Err(m) => {
                self.problem(ProblemCode::InvalidFact, path, m);
                None
            }
        }
    }

    /// A fact path: literal text with optional `{value:NAME}` pieces.
    pub(super) fn fact_path(&mut self, text: &str, path: &Path<'_>) -> Option<FactPath> {
        let ps = self.pieces(text, path)?;
        // The path with `x` for each value, to check its form.
        let shape: Cow<'_, str> = match ps.as_slice() {
            [Piece::Lit(s)] => Cow::Borrowed(s),
            _ => ps
                .iter()
                .map(|p| match p {
                    Piece::Lit(s) => s,
                    Piece::Field(_) => "x",
                })
                .collect(),
        };
        let mut parts = Vec::with_capacity(ps.len());
        for p in &ps {
            parts.push(match p {
                Piece::Lit(s) => PathPart::Lit(s.to_string()),
                Piece::Field(s) => {
                    let Some(name) = s.strip_prefix("value:") else {
                        self.problem(
                            ProblemCode::InvalidFact,
                            path,
                            format!("`{{{s}}}` in a fact path must be `{{value:NAME}}`"),
                        );
                        return None;
                    };
                    PathPart::Value(self.value_ref(name, path)?)
                }
            });
        }
        if !is_fact_path(&shape) {
            self.problem(
                ProblemCode::InvalidFact,
                path,
                format!(
                    "`{text}` is not a fact path (`label:K`, `env:K`, `xflag:SYMBOL`, `field:K`, `ref`, `ref.tag`, `ref.digest`, `ref.name`, `ref.domain`, `ref.path`, `kind`, `name`, `channel`)"
                ),
            );
            return None;
        }
        Some(FactPath {
            parts,
            text: text.to_owned(),
        })
    }

    /// An expression: a bare fact path, or a template of `{fact}` and
    /// `{value:NAME}` pieces.
    fn expr(&mut self, text: &str, path: &Path<'_>) -> Option<Expr> {
        if !text.contains(['{', '}']) {
            if !is_fact_path(text) {
                self.problem(
                    ProblemCode::InvalidFact,
                    path,
                    format!("`{text}` is not a fact path (write `{{fact}}` pieces for a template)"),
                );
                return None;
            }
            return Some(Expr {
                parts: vec![ExprPart::Fact(text.to_owned())],
                text: text.to_owned(),
            });
        }
        let ps = self.pieces(text, path)?;
        let mut parts = Vec::with_capacity(ps.len());
        for p in ps {
            parts.push(match p {
                Piece::Lit(s) => ExprPart::Lit(s.into_owned()),
                Piece::Field(s) => match s.strip_prefix("value:") {
                    Some(name) => ExprPart::Value(self.value_ref(name, path)?),
                    None if is_fact_path(s) => ExprPart::Fact(s.to_owned()),
                    None => {
                        self.problem(
                            ProblemCode::InvalidFact,
                            path,
                            format!("`{{{s}}}` is not a fact path"),
                        );
                        return None;
                    }
                },
            });
        }
        Some(Expr {
            parts,
            text: text.to_owned(),
        })
    }

    fn fact_of(&mut self, m: &Map, path: &Path<'_>) -> Option<FactPath> {
        let f = self.require(m, "fact", path)?;
        let f = self.string(f, &path.raw("fact"))?;
        self.fact_path(f, &path.raw("fact"))
    }

    /// The `rules` list.
    pub(super) fn rules(&mut self, v: &Value) -> Vec<Rule> {
        let Some(list) = self.array(v, &Path::Text("$.rules")) else {
            return Vec::new();
        };
        let mut out: Vec<Rule> = Vec::with_capacity(list.len());
        for (i, r) in list.iter().enumerate() {
            let path = Path::Index(&Path::Text("$.rules"), i);
            if let Some(rule) = self.rule(r, &path) {
                if out.iter().any(|o| o.id == rule.id) {
                    self.problem(
                        ProblemCode::Duplicate,
                        &path.raw("id"),
                        format!("rule id `{}` is used twice", rule.id),
                    );
                }
                out.push(rule);
            }
        }
        out
    }

    fn rule(&mut self, v: &Value, path: &Path<'_>) -> Option<Rule> {
        let m = self.object(v, path)?;
        let kind = m.only_one_of(RULE_KINDS);
        self.check_keys_among(
            m,
            path,
            &[
                &[
                    "id",
                    "description",
                    "severity",
                    "applies_to",
                    "when",
                    "message",
                    "compare",
                ],
                RULE_KINDS,
            ],
        );
        let id = self
            .require(m, "id", path)
            .and_then(|i| self.string(i, &path.raw("id")));
        let id = match id {
            Some("invalid-reference") => {
                self.problem(
                    ProblemCode::InvalidName,
                    &path.raw("id"),
                    "rule id `invalid-reference` is reserved for the engine's own reference check"
                        .into(),
                );
                return None;
            }
            Some(i) if !i.is_empty() && !i.contains(char::is_whitespace) => i.to_owned(),
            Some(i) => {
                self.problem(
                    ProblemCode::InvalidName,
                    &path.raw("id"),
                    format!("rule id `{i}` must be non-empty without spaces"),
                );
                return None;
            }
            None => return None,
        };
        let description = match m.get("description") {
            Some(d) => self
                .string(d, &path.raw("description"))
                .unwrap_or("")
                .to_owned(),
            None => String::new(),
        };
        let Some(kind) = kind else {
            self.problem(
                ProblemCode::InvalidRule,
                path,
                format!("a rule takes exactly one of `{}`", RULE_KINDS.join("`, `")),
            );
            return None;
        };
        let severity = match m
            .get("severity")
            .map(|s| self.string(s, &path.raw("severity")))
        {
            None => {
                if kind == "classify" {
                    Severity::Warning
                } else {
                    Severity::Error
                }
            }
            Some(Some("error")) => Severity::Error,
            Some(Some("warning")) => Severity::Warning,
            Some(Some(other)) => {
                self.problem(
                    ProblemCode::InvalidRule,
                    &path.raw("severity"),
                    format!("severity is `error` or `warning`, not `{other}`"),
                );
                return None;
            }
            Some(None) => return None,
        };
        let mut applies_to = Vec::new();
        if let Some(list) = m.get("applies_to") {
            for (i, k) in self
                .array(list, &path.raw("applies_to"))?
                .iter()
                .enumerate()
            {
                applies_to.push(self.string(k, &path.raw("applies_to").index(i))?.to_owned());
            }
        }
        let when = match m.get("when") {
            Some(w) => Some(self.condition_of(
                w,
                &path.raw("when"),
                0,
                "fact",
                &mut |l: &mut Self, f: &str, at: &Path<'_>| l.fact_path(f, at),
            )?),
            None => None,
        };
        let message = match m.get("message") {
            Some(x) => Some(self.string(x, &path.raw("message"))?.to_owned()),
            None => None,
        };
        let compare = match m
            .get("compare")
            .map(|c| self.string(c, &path.raw("compare")))
        {
            None | Some(Some("text")) => Compare::Text,
            Some(Some("reference")) if kind == "agree" => Compare::Reference,
            Some(Some("source")) if kind == "agree" => Compare::Source,
            Some(Some(other)) => {
                self.problem(
                    ProblemCode::InvalidRule,
                    &path.raw("compare"),
                    format!(
                        "`compare` is `text`, or `reference` or `source` (with `agree`), not `{other}`"
                    ),
                );
                return None;
            }
            Some(None) => return None,
        };
        let kpath = path.raw(kind);
        let arg = m.get(kind)?;
        let kind = match kind {
            "classify" => {
                let cm = self.object(arg, &kpath)?;
                self.check_keys(cm, &kpath, &["fact", "channels"]);
                let fact = self.fact_of(cm, &kpath)?;
                let chs = self.require(cm, "channels", &kpath)?;
                let cpath = kpath.raw("channels");
                let mut channels = Vec::new();
                for (i, c) in self.array(chs, &cpath)?.iter().enumerate() {
                    let at = cpath.index(i);
                    let Some(co) = self.object(c, &at) else {
                        continue;
                    };
                    self.check_keys(co, &at, &["name", "pattern"]);
                    let name = self
                        .require(co, "name", &at)
                        .and_then(|n| self.string(n, &at.raw("name")));
                    let pat = self
                        .require(co, "pattern", &at)
                        .and_then(|p| self.string(p, &at.raw("pattern")));
                    if let (Some(name), Some(pat)) = (name, pat) {
                        if let Some(re) = self.regex(pat, &at.raw("pattern")) {
                            channels.push((name.to_owned(), re));
                        }
                    }
                }
                RuleKind::Classify { fact, channels }
            }
            "require" => {
                let mut facts = Vec::new();
                for (i, f) in self.array(arg, &kpath)?.iter().enumerate() {
                    let at = kpath.index(i);
                    let Some(s) = self.string(f, &at) else {
                        continue;
                    };
                    if let Some(fp) = self.fact_path(s, &at) {
                        facts.push(fp);
                    }
                }
                RuleKind::Require(facts)
            }
            "agree" => {
                let list = self.array(arg, &kpath)?;
                if list.len() < 2 {
                    self.problem(
                        ProblemCode::InvalidRule,
                        &kpath,
                        "`agree` needs at least two expressions".into(),
                    );
                    return None;
                }
                let mut items = Vec::new();
                for (i, e) in list.iter().enumerate() {
                    let at = kpath.index(i);
                    let Some(s) = self.string(e, &at) else {
                        continue;
                    };
                    if let Some(x) = self.expr(s, &at) {
                        items.push(x);
                    }
                }
                RuleKind::Agree { items, compare }
            }
            "forbid" => {
                let fm = self.object(arg, &kpath)?;
                let fact = self.fact_of(fm, &kpath)?;
                let test_keys: Vec<String> = fm
                    .keys()
                    .filter(|k| *k != "fact")
                    .map(str::to_owned)
                    .collect();
                let mut allowed = vec!["fact"];
                allowed.extend_from_slice(super::TESTS);
                self.check_keys(fm, &kpath, &allowed);
                let test = self.test(fm, &kpath, "fact")?;
                let test_text = test_keys
                    .first()
                    .map(|k| {
                        format!(
                            "{k} {}",
                            fm.get(k).map(Value::to_string).unwrap_or_default()
                        )
                    })
                    .unwrap_or_default();
                RuleKind::Forbid {
                    fact,
                    test,
                    test_text,
                }
            }
            _ => {
                let mm = self.object(arg, &kpath)?;
                self.check_keys(mm, &kpath, &["fact", "pattern"]);
                let fact = self.fact_of(mm, &kpath)?;
                let p = self.require(mm, "pattern", &kpath)?;
                let p = self.string(p, &kpath.raw("pattern"))?;
                let pattern = self.regex(p, &kpath.raw("pattern"))?;
                RuleKind::Match { fact, pattern }
            }
        };
        Some(Rule {
            id,
            description,
            severity,
            applies_to,
            when,
            message,
            kind,
        })
    }

    /// The `card` mapping, with the OCI defaults for fields not given.
    pub(super) fn card(&mut self, v: Option<&Value>) -> CardSpec {
        let mut spec: CardSpec = Vec::new();
        if let Some(v) = v {
            if let Some(m) = self.object(v, &Path::Text("$.card")) {
                self.check_keys(m, &Path::Text("$.card"), CARD_FIELDS);
                for (k, item) in m {
                    let at = Path::Raw(&Path::Text("$.card"), k);
                    let texts: Vec<(String, Path<'_>)> = match item {
                        Value::String(s) => vec![(s.to_string(), at)],
                        Value::Array(a) => a
                            .iter()
                            .enumerate()
                            .filter_map(|(i, x)| {
                                let p = at.index(i);
                                self.string(x, &p).map(|s| (s.to_owned(), p))
                            })
                            .collect(),
                        other => {
                            self.problem(
                                ProblemCode::WrongType,
                                &at,
                                format!(
                                    "expected an expression or a list of them, found {}",
                                    other.kind()
                                ),
                            );
                            continue;
                        }
                    };
                    let exprs = texts.iter().filter_map(|(t, p)| self.expr(t, p)).collect();
                    spec.push((k.to_owned(), exprs));
                }
            }
        }
        for (field, defaults) in DEFAULT_CARD {
            if !spec.iter().any(|(k, _)| k == field) {
                let exprs = defaults
                    .iter()
                    .filter_map(|t| self.expr(t, &Path::Text("$.card")))
                    .collect();
                spec.push(((*field).to_owned(), exprs));
            }
        }
        spec
    }
}

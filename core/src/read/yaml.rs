//! YAML trees for the readers: merge keys resolved as kubectl resolves
//! them, conversion to JSON values, and a [`Locator`] that finds the line
//! each artifact came from in one pass over the tree.
//!
//! Merge keys (YAML 1.1 `<<`, which kubectl's YAML decoder honours) are
//! resolved before anything else looks at a document: `<<: MAP` or
//! `<<: [MAP, …]` (maps usually given as aliases `*anchor`) adds the keys of
//! the maps that the mapping does not set itself; explicit keys win, and in
//! a list an earlier map wins over a later one. Merged nodes keep their
//! positions (in the anchor they came from). A `<<` whose value is not a
//! mapping or a list of mappings is an error, as in kubectl. A quoted
//! `"<<"` is a plain key, as in kubectl.

use crate::artifact::Artifact;
use saphyr::{AnnotatedMapping, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};
use std::collections::{HashMap, HashSet};

/// How deeply YAML collections may nest (as `serde_json`'s own limit).
pub(crate) const MAX_DEPTH: usize = 128;

/// A problem in a YAML document: its 1-based line and what is wrong.
pub(crate) type YamlError = (usize, String);

type Mapping<'a> = AnnotatedMapping<'a, MarkedYaml<'a>>;

fn too_deep(line: usize) -> YamlError {
    (line, format!("nested deeper than {MAX_DEPTH} levels"))
}

/// `node` with every merge key (`<<`) resolved (see the module docs).
pub(crate) fn resolve_merges(node: MarkedYaml<'_>) -> Result<MarkedYaml<'_>, YamlError> {
    resolve(node, 0)
}

fn resolve(node: MarkedYaml<'_>, depth: usize) -> Result<MarkedYaml<'_>, YamlError> {
    if depth > MAX_DEPTH {
        return Err(too_deep(node.span.start.line()));
    }
    let MarkedYaml { span, data } = node;
    let data = match data {
        YamlData::Sequence(items) => YamlData::Sequence(
            items
                .into_iter()
                .map(|item| resolve(item, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(m) => YamlData::Mapping(merge(m, depth)?),
        YamlData::Tagged(tag, inner) => {
            YamlData::Tagged(tag, Box::new(resolve(*inner, depth + 1)?))
        }
        other => other,
    };
    Ok(MarkedYaml { span, data })
}

/// A plain `<<` key. The parser keeps no scalar styles, but a quoted
/// `"<<"` (a plain key to kubectl) spans its quotes too: a plain one spans
/// exactly its two characters.
fn is_merge_key(k: &MarkedYaml<'_>) -> bool {
    let plain = k.span.end.index().checked_sub(k.span.start.index()) == Some(2);
    plain
        && match &k.data {
            YamlData::Value(Scalar::String(s)) | YamlData::Representation(s, _, _) => s == "<<",
            _ => false,
        }
}

/// A mapping with its values resolved and its merge key applied.
fn merge<'a>(m: Mapping<'a>, depth: usize) -> Result<Mapping<'a>, YamlError> {
    if !m.keys().any(is_merge_key) {
        return m
            .into_iter()
            .map(|(k, v)| Ok((k, resolve(v, depth + 1)?)))
            .collect();
    }
    let explicit: HashSet<MarkedYaml<'a>> =
        m.keys().filter(|k| !is_merge_key(k)).cloned().collect();
    let mut out = Mapping::new();
    for (k, v) in m {
        let v = resolve(v, depth + 1)?;
        if !is_merge_key(&k) {
            out.insert(k, v);
            continue;
        }
        for (mk, mv) in merge_sources(v, k.span.start.line())? {
            if !explicit.contains(&mk) && !out.contains_key(&mk) {
                out.insert(mk, mv);
            }
        }
    }
    Ok(out)
}

/// The entries a merge key's (resolved) value brings, earliest map first.
fn merge_sources(
    v: MarkedYaml<'_>,
    line: usize,
) -> Result<Vec<(MarkedYaml<'_>, MarkedYaml<'_>)>, YamlError> {
    let bad = || {
        (
            line,
            "the merge key `<<` needs a mapping or a list of mappings as its value".to_owned(),
        )
    };
    match v.data {
        YamlData::Mapping(m) => Ok(m.into_iter().collect()),
        YamlData::Sequence(items) => {
            let mut entries = Vec::new();
            for item in items {
                match item.data {
                    YamlData::Mapping(m) => entries.extend(m),
                    _ => return Err(bad()),
                }
            }
            Ok(entries)
        }
        YamlData::Tagged(_, inner) => merge_sources(*inner, line),
        _ => Err(bad()),
    }
}

/// A YAML node (merge keys resolved) as a JSON value. Errors carry the
/// node's line.
pub(crate) fn to_json(node: &MarkedYaml<'_>, depth: usize) -> Result<Value, YamlError> {
    let line = node.span.start.line();
    if depth > MAX_DEPTH {
        return Err(too_deep(line));
    }
    Ok(match &node.data {
        YamlData::Value(s) => scalar_json(s),
        YamlData::Representation(s, _, _) => Value::String(s.to_string()),
        YamlData::Sequence(items) => Value::Array(
            items
                .iter()
                .map(|item| to_json(item, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(m) => {
            let mut obj = Map::new();
            for (k, v) in m {
                let key = match &k.data {
                    YamlData::Value(s) => match scalar_json(s) {
                        Value::String(s) => s,
                        Value::Null => "null".to_owned(),
                        other => other.to_string(),
                    },
                    YamlData::Representation(s, _, _) => s.to_string(),
                    YamlData::Tagged(_, inner) => match &inner.data {
                        YamlData::Value(Scalar::String(s)) => s.to_string(),
                        _ => return Err((k.span.start.line(), "unsupported mapping key".into())),
                    },
                    _ => {
                        return Err((
                            k.span.start.line(),
                            "a mapping key must be a scalar".to_owned(),
                        ))
                    }
                };
                obj.insert(key, to_json(v, depth + 1)?);
            }
            Value::Object(obj)
        }
        YamlData::Tagged(_, inner) => to_json(inner, depth + 1)?,
        YamlData::Alias(_) | YamlData::BadValue => {
            return Err((line, "an alias that cannot be resolved".to_owned()))
        }
    })
}

fn scalar_json(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner())
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

/// A scalar node's text.
fn text_of<'n>(node: &'n MarkedYaml<'_>) -> Option<&'n str> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) | YamlData::Representation(s, _, _) => Some(s),
        YamlData::Tagged(_, inner) => text_of(inner),
        _ => None,
    }
}

/// The value of `key` in a mapping node.
fn get<'n, 'a>(node: &'n MarkedYaml<'a>, key: &str) -> Option<&'n MarkedYaml<'a>> {
    match &node.data {
        YamlData::Mapping(m) => m
            .iter()
            .find(|(k, _)| text_of(k) == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn line_of(node: &MarkedYaml<'_>) -> u32 {
    u32::try_from(node.span.start.line()).unwrap_or(u32::MAX)
}

/// A node's identity while the tree is borrowed.
fn id(node: &MarkedYaml<'_>) -> usize {
    std::ptr::from_ref(node) as usize
}

/// A Kubernetes object as its artifacts name it: `metadata.name` (or
/// `generateName`), `kind` (absent for items of a typed list) and
/// `metadata.namespace` (absent or empty: none).
type ObjectKey<'n> = (&'n str, Option<&'n str>, Option<&'n str>);

/// Candidate nodes in document order: `(order, node id, line)`, with a
/// cursor past those used, so taking the first unused one is amortised
/// constant time.
#[derive(Default)]
struct Queue {
    items: Vec<(usize, usize, u32)>,
    next: usize,
}

impl Queue {
    fn first_unused(&mut self, used: &HashSet<usize>) -> Option<(usize, usize, u32)> {
        while let Some(&item) = self.items.get(self.next) {
            if !used.contains(&item.1) {
                return Some(item);
            }
            self.next += 1;
        }
        None
    }
}

/// Finds where in a document each artifact came from. One pass indexes
/// the objects (by name, kind and namespace), the containers (by
/// container name and image, for the whole document and for each object
/// they are in) and the mappings with an `Id` or a `digest`; each lookup
/// then takes the first candidate not yet given to an artifact, so
/// locating every artifact of a document takes linear time.
pub(crate) struct Locator<'n> {
    /// Every candidate list; the maps below hold indexes into it.
    queues: Vec<Queue>,
    objects: HashMap<ObjectKey<'n>, usize>,
    containers: HashMap<ContainerKey<'n>, usize>,
    keyed: HashMap<(&'static str, &'n str), usize>,
    /// Nodes already given to an artifact (by [`id`]).
    used: HashSet<usize>,
}

/// A container: the object it is in (none: anywhere in the document),
/// its name and its image.
type ContainerKey<'n> = (Option<ObjectKey<'n>>, &'n str, &'n str);

enum Visit<'n, 'a> {
    /// A node, and whether it is under a `status` key.
    Enter(&'n MarkedYaml<'a>, bool),
    /// The end of an object's subtree.
    Leave,
}

/// Appends `entry` to the queue of `key` in `index`, creating it.
fn push<K: std::hash::Hash + Eq>(
    queues: &mut Vec<Queue>,
    index: &mut HashMap<K, usize>,
    key: K,
    entry: (usize, usize, u32),
) {
    let at = *index.entry(key).or_insert_with(|| {
        queues.push(Queue::default());
        queues.len() - 1
    });
    if let Some(q) = queues.get_mut(at) {
        q.items.push(entry);
    }
}

impl<'n> Locator<'n> {
    /// Indexes `doc` (merge keys resolved) in one depth-first pass in
    /// document order.
    pub(crate) fn new(doc: &'n MarkedYaml<'_>) -> Self {
        let mut l = Locator {
            queues: Vec::new(),
            objects: HashMap::new(),
            containers: HashMap::new(),
            keyed: HashMap::new(),
            used: HashSet::new(),
        };
        // The objects enclosing the node being visited.
        let mut enclosing: Vec<ObjectKey<'n>> = Vec::new();
        let mut stack = vec![Visit::Enter(doc, false)];
        let mut order = 0usize;
        while let Some(visit) = stack.pop() {
            let (n, in_status) = match visit {
                Visit::Enter(n, s) => (n, s),
                Visit::Leave => {
                    enclosing.pop();
                    continue;
                }
            };
            order += 1;
            if let Some(key) = object_key(n) {
                push(
                    &mut l.queues,
                    &mut l.objects,
                    key,
                    (order, id(n), line_of(n)),
                );
                enclosing.push(key);
                stack.push(Visit::Leave);
            }
            for key in ["Id", "digest"] {
                if let Some(v) = get(n, key).and_then(text_of) {
                    let entry = (order, id(n), line_of(n));
                    push(&mut l.queues, &mut l.keyed, (key, v), entry);
                }
            }
            // A platform's provenance (`"linux/amd64": {"SLSA": …}`), at its key.
            if let YamlData::Mapping(m) = &n.data {
                for (k, v) in m.iter() {
                    if let (Some(platform), Some(_)) = (text_of(k), get(v, "SLSA")) {
                        let entry = (order, id(v), line_of(k));
                        push(&mut l.queues, &mut l.keyed, ("SLSA", platform), entry);
                    }
                }
            }
            if !in_status {
                l.index_container(n, order, &enclosing);
            }
            let before = stack.len();
            match &n.data {
                YamlData::Mapping(m) => stack.extend(
                    m.iter()
                        .map(|(k, v)| Visit::Enter(v, in_status || text_of(k) == Some("status"))),
                ),
                YamlData::Sequence(items) => {
                    stack.extend(items.iter().map(|v| Visit::Enter(v, in_status)));
                }
                YamlData::Tagged(_, inner) => stack.push(Visit::Enter(inner, in_status)),
                _ => {}
            }
            if let Some(children) = stack.get_mut(before..) {
                children.reverse();
            }
        }
        l
    }

    /// Indexes `n` when it is a container (a mapping with a `name` and an
    /// `image`), at the image's line, or at the container's own when the
    /// image was merged in from elsewhere.
    fn index_container(
        &mut self,
        n: &'n MarkedYaml<'_>,
        order: usize,
        enclosing: &[ObjectKey<'n>],
    ) {
        let (Some(cname), Some(image_node)) = (get(n, "name").and_then(text_of), get(n, "image"))
        else {
            return;
        };
        let Some(image) = text_of(image_node) else {
            return;
        };
        let at = image_node.span.start.index();
        let inside = n.span.start.index() <= at && at <= n.span.end.index();
        let line = if inside {
            line_of(image_node)
        } else {
            line_of(n)
        };
        let entry = (order, id(image_node), line);
        for scope in std::iter::once(None).chain(enclosing.iter().copied().map(Some)) {
            push(
                &mut self.queues,
                &mut self.containers,
                (scope, cname, image),
                entry,
            );
        }
    }

    /// Where `a` came from: its container's `image` line (each used once,
    /// so same-image containers get their own lines), the start of an
    /// inspect record (found by `Id`) or index entry (by `digest`), a
    /// platform's provenance (by `platform`, at its key), else the start of
    /// its Kubernetes object.
    pub(crate) fn locate(&mut self, a: &Artifact) -> Option<u32> {
        let field = |k: &str| a.fields.get(k).map(String::as_str);
        // The maps, with keys that live as long as `a` (they are covariant).
        let objects: &HashMap<ObjectKey<'_>, usize> = &self.objects;
        let containers: &HashMap<ContainerKey<'_>, usize> = &self.containers;
        let keyed: &HashMap<(&'static str, &str), usize> = &self.keyed;
        let scopes: Vec<usize> = match field("k8s.name") {
            Some(name) => {
                let ns = field("k8s.namespace").filter(|ns| !ns.is_empty());
                let kind = field("k8s.kind");
                [(name, kind, ns), (name, None, ns)]
                    .iter()
                    .filter_map(|k| objects.get(k).copied())
                    .collect()
            }
            None => Vec::new(),
        };
        if let (Some(cname), Some(image)) = (field("container.name"), a.reference.as_deref()) {
            let found: Vec<usize> = if scopes.is_empty() {
                containers
                    .get(&(None, cname, image))
                    .copied()
                    .into_iter()
                    .collect()
            } else {
                let ns = field("k8s.namespace").filter(|ns| !ns.is_empty());
                let name = field("k8s.name").unwrap_or_default();
                [(name, field("k8s.kind"), ns), (name, None, ns)]
                    .into_iter()
                    .filter_map(|k| containers.get(&(Some(k), cname, image)).copied())
                    .collect()
            };
            if let Some(line) = take_first_unused(&mut self.queues, &mut self.used, &found) {
                return Some(line);
            }
        }
        for (field_name, key) in [("id", "Id"), ("digest", "digest"), ("platform", "SLSA")] {
            let Some(want) = field(field_name) else {
                continue;
            };
            let found: Vec<usize> = keyed.get(&(key, want)).copied().into_iter().collect();
            if let Some(line) = take_first_unused(&mut self.queues, &mut self.used, &found) {
                return Some(line);
            }
        }
        if field("container.name").is_none() {
            // One artifact per object: each gets its own object.
            if let Some(line) = take_first_unused(&mut self.queues, &mut self.used, &scopes) {
                return Some(line);
            }
        }
        scopes
            .iter()
            .filter_map(|&q| self.queues.get(q).and_then(|q| q.items.first()))
            .min()
            .map(|&(_, _, line)| line)
    }
}

/// The line of the earliest candidate not yet used among the queues
/// `which`, marking it used.
fn take_first_unused(
    queues: &mut [Queue],
    used: &mut HashSet<usize>,
    which: &[usize],
) -> Option<u32> {
    let mut best: Option<(usize, usize, u32)> = None;
    for &q in which {
        let Some(queue) = queues.get_mut(q) else {
            continue;
        };
        if let Some(item) = queue.first_unused(used) {
            best = Some(best.map_or(item, |b| b.min(item)));
        }
    }
    let (_, node, line) = best?;
    used.insert(node);
    Some(line)
}

/// The key of an object: a node with `metadata.name` or
/// `metadata.generateName`.
fn object_key<'n>(n: &'n MarkedYaml<'_>) -> Option<ObjectKey<'n>> {
    let meta = get(n, "metadata")?;
    let name = get(meta, "name")
        .or_else(|| get(meta, "generateName"))
        .and_then(text_of)?;
    let kind = get(n, "kind").and_then(text_of);
    let ns = get(meta, "namespace")
        .and_then(text_of)
        .filter(|ns| !ns.is_empty());
    Some((name, kind, ns))
}

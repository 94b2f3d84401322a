//! Requests, and how they are read: one flat object per request, checked
//! against its op (see `wire`).

use super::*;

/// A request: an object whose `op` names the variant, with the variant's
/// fields beside it (`{"op": "derive", "policy": "…", "context": {…}}`).
#[derive(Debug, Clone)]
pub enum Request {
    /// Load `policy` (JSON text) and derive with `context`; with `format`,
    /// answer the text of that output format ([`Answer::Rendered`]).
    Derive {
        /// The policy's JSON text.
        policy: String,
        /// The build context (absent: empty).
        context: Context,
        /// The output format to render (absent: the derivation as data).
        format: Option<OutputFormat>,
    },
    /// Load `policy`, derive with `context`, and explain how each value was derived.
    Explain {
        /// The policy's JSON text.
        policy: String,
        /// The build context (absent: empty).
        context: Context,
    },
    /// Load `policy` and report its problems, or its summary.
    Validate {
        /// The policy's JSON text.
        policy: String,
    },
    /// Load `policy` and say what a host must gather for it
    /// ([`Answer::Inputs`]); with `context`, also which allowed commands
    /// the derivation reaches that the context has no outcome for yet.
    Inputs {
        /// The policy's JSON text.
        policy: String,
        /// The context gathered so far.
        context: Option<Context>,
    },
    /// Rewrite digest pins in `text`.
    Pin {
        /// The file's text.
        text: String,
        /// Image bases to rewrite.
        images: Vec<String>,
        /// The tag to point them at.
        tag: String,
        /// Extra literal tags to re-point (absent: none).
        also_tags: Vec<String>,
    },
    /// Parse an image reference.
    ParseReference {
        /// The reference text.
        reference: String,
    },
    /// Check artifacts against the policy's rules. With `context`, the
    /// policy is derived first so rules can compare with derived values;
    /// with `format`, answer the report's text ([`Answer::RenderedReport`]).
    Check {
        /// The policy's JSON text.
        policy: String,
        /// The artifacts.
        artifacts: Vec<Artifact>,
        /// Build context for rules that use `{value:NAME}`.
        context: Option<Context>,
        /// The output format to render (absent: the report as data).
        format: Option<ReportFormat>,
    },
    /// The provenance card of one image.
    Describe {
        /// The policy's JSON text.
        policy: String,
        /// The image reference.
        reference: String,
        /// Its labels (absent: none).
        labels: BTreeMap<String, String>,
        /// Its environment (absent: none).
        env: BTreeMap<String, String>,
        /// Its other facts, such as a combined document's `provenance.*`
        /// (absent: none).
        fields: BTreeMap<String, String>,
        /// Build context for rules that use `{value:NAME}`.
        context: Option<Context>,
        /// The output format to render (absent: the card as data).
        format: Option<CardFormat>,
    },
    /// The provenance cards of many artifacts (one policy load, one
    /// derivation when `context` is given).
    Cards {
        /// The policy's JSON text.
        policy: String,
        /// The artifacts.
        artifacts: Vec<Artifact>,
        /// Build context for rules that use `{value:NAME}`.
        context: Option<Context>,
    },
    /// What docker/metadata-action would output for its inputs and a
    /// GitHub context ([`crate::metadata`]).
    Metadata {
        /// What to compute.
        request: Box<crate::metadata::MetaRequest>,
        /// The format to render (absent: the outputs as data).
        format: Option<crate::metadata::MetaFormat>,
    },
    /// A GitHub workflow's docker/metadata-action step as a policy
    /// ([`crate::metadata::import_workflow`]).
    ImportMetadataAction {
        /// The workflow's YAML text.
        text: String,
        /// Its file name, for the policy's name and messages.
        file: Option<String>,
        /// The step's `id` or `JOB.N`, when the workflow has several.
        step: Option<String>,
        /// Values of the `${{ … }}` expressions its inputs use.
        set: BTreeMap<String, String>,
    },
    /// Read artifacts from JSON or YAML input text (`docker inspect`, OCI
    /// config or index, Kubernetes objects or lists, multi-document YAML),
    /// each with `file` and the line it came from.
    Read {
        /// The input text.
        text: String,
        /// Its file name, recorded in the artifacts.
        file: Option<String>,
    },
}

mod wire {
    //! [`Request`](super::Request) as it is written: one flat object. A
    //! field name means the same type in every op, so the object is read in
    //! one pass and checked against its op afterwards.

    use crate::context::present;
    use crate::{Artifact, Context};
    use serde::Deserialize;
    use std::collections::BTreeMap;

    /// The `op` tag.
    #[derive(Deserialize, Clone, Copy)]
    #[serde(rename_all = "snake_case")]
    pub(super) enum Op {
        Derive,
        Explain,
        Validate,
        Inputs,
        Pin,
        ParseReference,
        Check,
        Describe,
        Cards,
        Read,
        Metadata,
        ImportMetadataAction,
    }

    /// Every field any op has; `Some` when the request wrote it. `null` is
    /// refused like any other wrong type, except where it means "none"
    /// (`context`, `file`: an `Option` inside).
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Request {
        pub op: Op,
        #[serde(default, deserialize_with = "present")]
        pub policy: Option<String>,
        #[serde(default, deserialize_with = "present")]
        pub context: Option<Option<Context>>,
        #[serde(default, deserialize_with = "present")]
        pub text: Option<String>,
        #[serde(default, deserialize_with = "present")]
        pub images: Option<Vec<String>>,
        #[serde(default, deserialize_with = "present")]
        pub tag: Option<String>,
        #[serde(default, deserialize_with = "present")]
        pub also_tags: Option<Vec<String>>,
        #[serde(default, deserialize_with = "present")]
        pub reference: Option<String>,
        #[serde(default, deserialize_with = "present")]
        pub artifacts: Option<Vec<Artifact>>,
        #[serde(default, deserialize_with = "present")]
        pub labels: Option<BTreeMap<String, String>>,
        #[serde(default, deserialize_with = "present")]
        pub env: Option<BTreeMap<String, String>>,
        #[serde(default, deserialize_with = "present")]
        pub fields: Option<BTreeMap<String, String>>,
        #[serde(default, deserialize_with = "present")]
        pub file: Option<Option<String>>,
        /// An output format's name, read as the op's format type.
        #[serde(default, deserialize_with = "present")]
        pub format: Option<String>,
        #[serde(default, deserialize_with = "present")]
        pub inputs: Option<crate::metadata::MetaInputs>,
        #[serde(default, deserialize_with = "present")]
        pub ci: Option<crate::metadata::CiFacts>,
        #[serde(default, deserialize_with = "present")]
        pub step: Option<String>,
        #[serde(default, deserialize_with = "present")]
        pub set: Option<BTreeMap<String, String>>,
        #[serde(default, deserialize_with = "present")]
        pub github: Option<crate::metadata::GitHubContext>,
        #[serde(default, deserialize_with = "present")]
        pub repo: Option<Option<serde_json::Value>>,
        #[serde(default, deserialize_with = "present")]
        pub now: Option<String>,
        #[serde(default, deserialize_with = "present")]
        pub commit_date: Option<Option<String>>,
        #[serde(default, deserialize_with = "present")]
        pub zones: Option<BTreeMap<String, crate::metadata::ZoneOffsets>>,
    }

    impl Request {
        /// The names of the fields the request wrote.
        pub(super) fn written(&self) -> impl Iterator<Item = &'static str> + '_ {
            [
                ("policy", self.policy.is_some()),
                ("context", self.context.is_some()),
                ("text", self.text.is_some()),
                ("images", self.images.is_some()),
                ("tag", self.tag.is_some()),
                ("also_tags", self.also_tags.is_some()),
                ("reference", self.reference.is_some()),
                ("artifacts", self.artifacts.is_some()),
                ("labels", self.labels.is_some()),
                ("env", self.env.is_some()),
                ("fields", self.fields.is_some()),
                ("file", self.file.is_some()),
                ("format", self.format.is_some()),
                ("inputs", self.inputs.is_some()),
                ("ci", self.ci.is_some()),
                ("step", self.step.is_some()),
                ("set", self.set.is_some()),
                ("github", self.github.is_some()),
                ("repo", self.repo.is_some()),
                ("now", self.now.is_some()),
                ("commit_date", self.commit_date.is_some()),
                ("zones", self.zones.is_some()),
            ]
            .into_iter()
            .filter_map(|(name, written)| written.then_some(name))
        }
    }
}

/// Read in one pass through the flat form in `wire`: serde buffers an
/// internally tagged enum before it can dispatch, which doubles the
/// deserializing code (and the WebAssembly module) and is slower.
impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::Request::deserialize(d)?
            .try_into()
            .map_err(serde::de::Error::custom)
    }
}

impl TryFrom<wire::Request> for Request {
    type Error = String;

    fn try_from(mut w: wire::Request) -> Result<Self, String> {
        use wire::Op;
        let (op, fields): (&str, &[&str]) = match w.op {
            Op::Derive => ("derive", &["policy", "context", "format"]),
            Op::Explain => ("explain", &["policy", "context"]),
            Op::Validate => ("validate", &["policy"]),
            Op::Inputs => ("inputs", &["policy", "context"]),
            Op::Pin => ("pin", &["text", "images", "tag", "also_tags"]),
            Op::ParseReference => ("parse_reference", &["reference"]),
            Op::Check => ("check", &["policy", "artifacts", "context", "format"]),
            Op::Describe => (
                "describe",
                &[
                    "policy",
                    "reference",
                    "labels",
                    "env",
                    "fields",
                    "context",
                    "format",
                ],
            ),
            Op::Cards => ("cards", &["policy", "artifacts", "context"]),
            Op::Read => ("read", &["text", "file"]),
            Op::ImportMetadataAction => {
                ("import_metadata_action", &["text", "file", "step", "set"])
            }
            Op::Metadata => (
                "metadata",
                &[
                    "inputs",
                    "policy",
                    "github",
                    "ci",
                    "repo",
                    "env",
                    "now",
                    "commit_date",
                    "zones",
                    "format",
                ],
            ),
        };
        if let Some(f) = w.written().find(|f| !fields.contains(f)) {
            return Err(format!("unknown field `{f}` for op `{op}`"));
        }
        fn required<T>(v: Option<T>, field: &str, op: &str) -> Result<T, String> {
            v.ok_or_else(|| format!("missing field `{field}` for op `{op}`"))
        }
        let mut policy = || required(w.policy.take(), "policy", op);
        let format = w.format.take();
        fn format_of<T>(
            name: Option<String>,
            parse: fn(&str) -> Result<T, String>,
        ) -> Result<Option<T>, String> {
            name.map(|n| parse(&n).map_err(|e| format!("`format`: {e}")))
                .transpose()
        }
        Ok(match w.op {
            Op::Derive | Op::Explain => {
                let policy = policy()?;
                let context = match w.context {
                    None => Context::default(),
                    Some(Some(c)) => c,
                    Some(None) => return Err(format!("`context` of op `{op}` is null")),
                };
                if matches!(w.op, Op::Derive) {
                    Request::Derive {
                        policy,
                        context,
                        format: format_of(format, OutputFormat::from_name)?,
                    }
                } else {
                    Request::Explain { policy, context }
                }
            }
            Op::Validate => Request::Validate { policy: policy()? },
            Op::Inputs => Request::Inputs {
                policy: policy()?,
                context: w.context.flatten(),
            },
            Op::Check => Request::Check {
                policy: policy()?,
                artifacts: required(w.artifacts, "artifacts", op)?,
                context: w.context.flatten(),
                format: format_of(format, ReportFormat::from_name)?,
            },
            Op::Cards => Request::Cards {
                policy: policy()?,
                artifacts: required(w.artifacts, "artifacts", op)?,
                context: w.context.flatten(),
            },
            Op::Describe => Request::Describe {
                policy: policy()?,
                reference: required(w.reference, "reference", op)?,
                labels: w.labels.unwrap_or_default(),
                env: w.env.unwrap_or_default(),
                fields: w.fields.unwrap_or_default(),
                context: w.context.flatten(),
                format: format_of(format, CardFormat::from_name)?,
            },
            Op::Pin => Request::Pin {
                text: required(w.text, "text", op)?,
                images: required(w.images, "images", op)?,
                tag: required(w.tag, "tag", op)?,
                also_tags: w.also_tags.unwrap_or_default(),
            },
            Op::ParseReference => Request::ParseReference {
                reference: required(w.reference, "reference", op)?,
            },
            Op::Read => Request::Read {
                text: required(w.text, "text", op)?,
                file: w.file.flatten(),
            },
            Op::ImportMetadataAction => Request::ImportMetadataAction {
                text: required(w.text, "text", op)?,
                file: w.file.flatten(),
                step: w.step,
                set: w.set.unwrap_or_default(),
            },
            Op::Metadata => Request::Metadata {
                format: format_of(format, crate::metadata::MetaFormat::from_name)?,
                request: Box::new(crate::metadata::MetaRequest {
                    inputs: w.inputs,
                    policy: w.policy,
                    github: w.github.unwrap_or_default(),
                    ci: w.ci,
                    repo: w.repo.flatten(),
                    env: w.env.unwrap_or_default(),
                    now: required(w.now, "now", op)?,
                    commit_date: w.commit_date.flatten(),
                    zones: w.zones.unwrap_or_default(),
                }),
            },
        })
    }
}

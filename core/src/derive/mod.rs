//! Derivation: policy × context → values, outputs and a trace.
//!
//! Values are evaluated once each, in dependency order. For each value the
//! candidates are tried in order: a candidate whose `when` is false is
//! skipped, a source that is unset (or empty, unless `accept_empty`) falls
//! through, and the first non-empty one wins. Nothing wins → the `default`,
//! or the empty string. Every step is recorded in the trace.
//!
//! A [`Derivation`] borrows from the policy and the context it came from:
//! names, literals and unchanged inputs are not copied, so a derivation
//! allocates only the strings it computes. [`Derivation::into_owned`]
//! detaches it; deserializing one yields an owned `Derivation<'static>`.

use crate::context::{CommandOutcome, Context};
use crate::error::{DeriveError, DeriveErrorCode};
use crate::file_values::{dotenv_value, go_module_path};
use crate::policy::{
    Candidate, Entry, FileRead, Format, GitFact, Policy, Source, ValueDef, Verify,
};
use crate::reference::{is_valid_tag, Reference};
use crate::semver::{highest_tag, lists_tag};
use crate::strs::owned;
pub use crate::strs::{Pairs, Str};
use crate::url::strip_url_credentials;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;

mod derivation;
mod eval;
mod trace;

pub use derivation::{BuildArg, Derivation, LdFlag, Persisted};
use eval::Eval;
pub use trace::{Origin, Skip, SkipReason, Trace, TraceEntry, ValueTrace};

/// Derives everything the policy declares from the context.
///
/// Pure and deterministic: the same policy and context always give the same
/// result. Fails when a `required` value is empty or blank, when a value or
/// tag violates its format, or when a value outgrows the size limit; the
/// error names the value and the inputs it came from.
///
/// ```
/// use imprint_core::{derive, Context, Policy};
/// let policy = Policy::from_json(r#"{
///   "name": "demo",
///   "values": {
///     "commit": { "from": [{ "env": "CI_COMMIT" }, { "git": "short", "length": 12 }], "default": "unknown" },
///     "tag":    { "from": [{ "template": "dev-{commit}" }], "format": "tag" }
///   },
///   "outputs": { "tags": ["example/app:{tag}"] }
/// }"#, "demo").unwrap();
/// let mut ctx = Context::default();
/// ctx.git.insert("short=12".into(), "c393ae4b2f1a".into());
/// let d = derive(&policy, &ctx).unwrap();
/// assert_eq!(d.tags, ["example/app:dev-c393ae4b2f1a"]);
/// ```
pub fn derive<'a>(policy: &'a Policy, ctx: &'a Context) -> Result<Derivation<'a>, DeriveError> {
    if let Some(name) = ctx
        .args
        .keys()
        .find(|n| !policy.args.iter().any(|a| &a.name == *n))
    {
        let known: Vec<&str> = policy.args.iter().map(|a| a.name.as_str()).collect();
        return Err(DeriveError {
            code: DeriveErrorCode::UnknownArgument,
            subject: name.clone(),
            inputs: vec![format!("arg {name}")],
            message: format!(
                "policy `{}` has no argument `{name}` ({})",
                policy.name,
                if known.is_empty() {
                    "it takes none".to_owned()
                } else {
                    format!("it takes: {}", known.join(", "))
                }
            ),
        });
    }
    let mut ev = Eval::new(policy, ctx);
    ev.values(true)?;
    ev.finish()
}

impl Policy {
    /// Commands the derivation would run with this context that the context
    /// has no result for yet. The host runs (or refuses) them, records the
    /// outcomes in [`Context::commands`], and asks again until none is left;
    /// so a command is only run when the policy actually reaches it.
    pub fn pending_commands(&self, ctx: &Context) -> Vec<Vec<String>> {
        let mut ev = Eval::new(self, ctx);
        // Errors are irrelevant here; only which commands were reached.
        let _ = ev.values(false);
        ev.pending
    }
}

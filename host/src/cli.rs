//! Command-line definition (clap).

use crate::output::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  imprint derive --policy default
  imprint derive --policy vllm --arg variant=cu129 --allow-command buildkite-agent
  docker build $(imprint derive --policy vllm --arg variant=cu129) .
  eval \"set -- $(imprint derive --policy vllm)\"; docker build \"$@\" .
  imprint derive --policy airunway --arg provider=dynamo --repo providers/dynamo --format ldflags
  imprint derive --policy obol-stack --save ~/.config/obol
  imprint explain --policy vllm
  imprint pin --policy obol-stack --dir ~/.config/obol/defaults --check

Exit status: 0 ok, 1 a check failed, 2 error.";

/// imprint: derive and enforce build provenance from a declarative policy.
#[derive(Debug, Parser)]
#[command(
    name = "imprint",
    version,
    about = "Derive and enforce build provenance (versions, tags, build args, labels, linker flags) from a declarative policy",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Cmd,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Derive versions, tags, build args, labels and linker flags.
    Derive(DeriveArgs),
    /// Show how each value was derived: the source that won and the ones skipped.
    Explain(ContextArgs),
    /// Rewrite digest pins of the policy's locally built images to the dev tag.
    Pin(PinArgs),
    /// Load a policy and report every problem in it.
    Validate(PolicyArg),
    /// List the builtin policies, or print one.
    Policies {
        /// Print this builtin policy's JSON.
        name: Option<String>,
    },
}

/// `--policy`.
#[derive(Debug, Args)]
pub struct PolicyArg {
    /// A policy file, or a builtin name (default, vllm, obol-stack, airunway).
    #[arg(long, short = 'p', value_name = "FILE|NAME")]
    pub policy: String,
}

/// Everything that shapes the build context.
#[derive(Debug, Args)]
pub struct ContextArgs {
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArg,
    /// Set a policy argument; repeatable.
    #[arg(long = "arg", short = 'a', value_name = "NAME=VALUE")]
    pub args: Vec<String>,
    /// Directory git runs in and files are read from.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Allow the policy to run this program (no shell); repeatable.
    #[arg(long = "allow-command", value_name = "PROGRAM")]
    pub allow_commands: Vec<String>,
    /// Seconds an allowed command may run before it is killed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub command_timeout: f64,
    /// Report this machine architecture instead of `uname -m`.
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<String>,
    /// Take persisted values from files in DIR instead of deriving them.
    #[arg(long, value_name = "DIR")]
    pub load: Option<PathBuf>,
}

/// `imprint derive`.
#[derive(Debug, Args)]
pub struct DeriveArgs {
    /// Context options.
    #[command(flatten)]
    pub context: ContextArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Shell)]
    pub format: Format,
    /// Write each persisted value to its file in DIR (mode 0600, atomically).
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,
}

/// `imprint pin`.
#[derive(Debug, Args)]
pub struct PinArgs {
    /// Context options (used to derive the tag when --tag is not given).
    #[command(flatten)]
    pub context: ContextArgs,
    /// Directory whose .yaml/.yml files are rewritten (recursively).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Pin to this tag instead of the derived one.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Change nothing; exit 1 when a rewrite is needed.
    #[arg(long)]
    pub check: bool,
}

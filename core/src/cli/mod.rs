//! The `imprint` command line, as data (clap): its commands, options,
//! help and usage errors. Pure, behind the `cli` feature, so the native
//! CLI and the npm CLI (through the WebAssembly module, [`parse`]) accept
//! the same arguments and print the same help and errors, byte for byte.

mod formats;
mod parse;

pub use crate::read::input::InputKind;
pub use formats::EngineKind;

use crate::metadata::MetaFormat;
use crate::{CardFormat, OutputFormat, ReportFormat};
pub use parse::{parse, Parsed};

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
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
  docker inspect vllm/vllm-openai:v0.20.0 | imprint check --policy vllm -
  imprint check --policy obol-stack --format github deploy/
  imprint check --policy airunway --derive --arg provider=dynamo bin/provider
  imprint describe vllm/vllm-openai:v0.20.0 --policy vllm --labels-from inspect.json
  imprint metadata --policy image.json --format dotenv
  imprint import metadata-action .github/workflows/docker.yml > image.json

Exit status: 0 ok, 1 a check failed, 2 error.";

/// imprint: derive and enforce build provenance from a declarative policy.
#[derive(Debug, Parser, Serialize)]
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
    /// Evaluate policies natively, or in the engine's WebAssembly module
    /// under wasmtime (the same .wasm the npm package ships).
    #[arg(long, global = true, value_enum, default_value_t = EngineKind::Native)]
    pub engine: EngineKind,
    /// The engine module for --engine wasm (default: $IMPRINT_WASM_MODULE,
    /// beside the executable, or wasm/pkg/imprint_bg.wasm).
    #[arg(long, global = true, value_name = "FILE")]
    pub wasm_module: Option<PathBuf>,
}

/// Subcommands.
#[derive(Debug, Subcommand, Serialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum Cmd {
    /// Derive versions, tags, build args, labels and linker flags.
    Derive(DeriveArgs),
    /// Show how each value was derived: the source that won and the ones skipped.
    Explain(ContextArgs),
    /// Rewrite digest pins of the policy's locally built images to the dev tag.
    Pin(PinArgs),
    /// Check what built artifacts say (images, manifests, Go binaries) against the policy's rules.
    Check(CheckArgs),
    /// Print the provenance card of one image.
    Describe(DescribeArgs),
    /// Image tags, labels and annotations as docker/metadata-action computes
    /// them, from a policy's `metadata_action` (or its inputs given here),
    /// in GitHub Actions, GitLab CI, Buildkite or a plain checkout.
    Metadata(MetadataArgs),
    /// Turn each docker/metadata-action step of a GitHub workflow into a policy.
    Import(ImportArgs),
    /// Load policies and report every problem in them.
    Validate(ValidateArgs),
    /// List the builtin policies, or print one.
    Policies {
        /// Print this builtin policy's JSON.
        name: Option<String>,
    },
}

/// `imprint metadata`.
#[derive(Debug, Args, Serialize)]
pub struct MetadataArgs {
    /// A policy with `metadata_action` (a file or a builtin name); or give
    /// metadata-action's inputs with the options below.
    #[arg(long, short = 'p', value_name = "FILE|NAME")]
    pub policy: Option<String>,
    /// metadata-action's `images` input (its text, as in a workflow).
    #[arg(long, value_name = "TEXT")]
    pub images: Option<String>,
    /// metadata-action's `tags` input.
    #[arg(long, value_name = "TEXT")]
    pub tags: Option<String>,
    /// metadata-action's `flavor` input.
    #[arg(long, value_name = "TEXT")]
    pub flavor: Option<String>,
    /// metadata-action's `labels` input.
    #[arg(long, value_name = "TEXT")]
    pub labels: Option<String>,
    /// metadata-action's `annotations` input.
    #[arg(long, value_name = "TEXT")]
    pub annotations: Option<String>,
    /// The checkout to read git facts from.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub repo: PathBuf,
    /// What to print.
    #[arg(long, short = 'f', value_enum, default_value_t = MetaFormat::Tags)]
    pub format: MetaFormat,
}

/// `imprint import`.
#[derive(Debug, Args, Serialize)]
pub struct ImportArgs {
    /// What to import from: `metadata-action` (docker/metadata-action steps).
    #[arg(value_name = "FROM")]
    pub from: String,
    /// The GitHub workflow file (`-` for standard input).
    #[arg(value_name = "WORKFLOW.yml")]
    pub workflow: String,
    /// Which step, when the workflow has several: its `id`, or `JOB.N`
    /// (the N-th step of job JOB, from 1).
    #[arg(long, value_name = "ID")]
    pub step: Option<String>,
    /// The value of a `${{ EXPR }}` the step's inputs use, which only GitHub
    /// evaluates (`--set env.REGISTRY=ghcr.io`).
    #[arg(long = "set", value_name = "EXPR=VALUE")]
    pub set: Vec<String>,
}

/// `imprint validate`.
#[derive(Debug, Args, Serialize)]
pub struct ValidateArgs {
    /// A policy file, or a builtin name (default, vllm, obol-stack, airunway).
    #[arg(long, short = 'p', value_name = "FILE|NAME")]
    pub policy: Option<String>,
    /// More policy files (as pre-commit passes them); each is checked, and
    /// the exit status is 2 when any has a problem.
    #[arg(value_name = "FILE", required_unless_present = "policy")]
    pub files: Vec<String>,
}

/// `--policy`.
#[derive(Debug, Args, Serialize)]
pub struct PolicyArg {
    /// A policy file, or a builtin name (default, vllm, obol-stack, airunway).
    #[arg(long, short = 'p', value_name = "FILE|NAME")]
    pub policy: String,
}

/// Everything that shapes the build context.
#[derive(Debug, Args, Serialize)]
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
    /// Seconds an allowed command may run (and take to close its output)
    /// before it is killed, with every process it started.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub command_timeout: f64,
    /// Seconds one `git` call may run; a git that does not answer in time
    /// fails the derivation (imprint does not guess git facts).
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub git_timeout: f64,
    /// Report this machine architecture instead of `uname -m`.
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<String>,
    /// Take persisted values from files in DIR instead of deriving them.
    #[arg(long, value_name = "DIR")]
    pub load: Option<PathBuf>,
    /// Directory the files a policy reads must stay inside (default: the
    /// git checkout's top level, else --repo); a file that leads outside
    /// it, through `..` or a symbolic link, fails the derivation.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// `imprint derive`.
#[derive(Debug, Args, Serialize)]
pub struct DeriveArgs {
    /// Context options.
    #[command(flatten)]
    pub context: ContextArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Shell)]
    pub format: OutputFormat,
    /// Write each persisted value to its file in DIR (mode 0600, atomically).
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,
}

/// `imprint pin`.
#[derive(Debug, Args, Serialize)]
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

/// `imprint check`.
#[derive(Debug, Args, Serialize)]
pub struct CheckArgs {
    /// Context options (used with --derive).
    #[command(flatten)]
    pub context: ContextArgs,
    /// Files, directories, or `-` for standard input. Each must give at
    /// least one artifact (checking nothing is an error); FIFOs and
    /// devices are refused.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// What the inputs are.
    #[arg(long, value_enum, default_value_t = InputKind::Auto)]
    pub kind: InputKind,
    /// Also derive the policy from this checkout, so rules can compare
    /// artifacts with the derived values (`{value:NAME}`).
    #[arg(long)]
    pub derive: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// `imprint describe`.
#[derive(Debug, Args, Serialize)]
pub struct DescribeArgs {
    /// The image reference.
    #[arg(value_name = "REFERENCE")]
    pub reference: String,
    /// A policy file, or a builtin name.
    #[arg(long, short = 'p', value_name = "FILE|NAME", default_value = "default")]
    pub policy: String,
    /// Labels and env: `docker inspect` output, an OCI config, or a JSON object of labels.
    #[arg(long, value_name = "FILE")]
    pub labels_from: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = CardFormat::Human)]
    pub format: CardFormat,
}

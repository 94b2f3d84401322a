// Generated from the Rust types of imprint-core by ts-rs
// (cargo test -p imprint-core --features ts). Do not edit.

/** A builtin policy. */
export type PolicyInfo = { name: string, description: string };

export type Answer = { "type": "derivation" } & Derivation | { "type": "rendered", 
/**
 * The format.
 */
format: OutputFormat, 
/**
 * The exact text a host prints.
 */
text: string, 
/**
 * Values to persist with `--save` (the host writes them).
 */
persist: Array<Persisted>, } | { "type": "rendered_report", 
/**
 * The format.
 */
format: ReportFormat, 
/**
 * The exact text a host prints.
 */
text: string, 
/**
 * Number of error findings (a host exits 1 when there are any).
 */
errors: number, 
/**
 * Number of warning findings.
 */
warnings: number, } | { "type": "rendered_card", 
/**
 * The format.
 */
format: CardFormat, 
/**
 * The exact text a host prints.
 */
text: string, } | { "type": "derive_error" } & DeriveError | { "type": "policy_error" } & PolicyError | { "type": "inputs", 
/**
 * Environment variable names.
 */
env: Array<string>, 
/**
 * Git facts, by the keys of `Context::git` (`sha`, `short=12`,
 * `dirty`, `tag=v*`, `tags`, `branch`, `is_repo`, `name`,
 * `remote_url`).
 */
git: Array<string>, 
/**
 * Whether the machine architecture is read.
 */
arch: boolean, 
/**
 * Files, by paths relative to the repository directory.
 */
files: Array<string>, 
/**
 * Commands (argv) the policy may ask for, when the caller allows
 * their program. Run only those in `pending_commands`.
 */
commands: Array<Array<string>>, 
/**
 * With a context: the commands the derivation reaches that the
 * context has no outcome for yet. A host runs (or refuses) them,
 * records the outcomes in the context's `commands`, and asks
 * again until none is left, so a command runs only when reached.
 */
pending_commands: Array<Array<string>>, 
/**
 * Declared `--arg` names.
 */
args: Array<string>, 
/**
 * Persisted values: value name and file name (`--save`, `--load`).
 */
persisted: Array<[string, string]>, } | { "type": "policy", 
/**
 * Its name.
 */
name: string, 
/**
 * Its description.
 */
description: string, 
/**
 * Declared argument names.
 */
args: Array<string>, 
/**
 * Value names in declaration order.
 */
values: Array<string>, } | { "type": "pinned", 
/**
 * The new text.
 */
text: string, 
/**
 * What changed.
 */
changes: Array<PinChange>, } | { "type": "reference", 
/**
 * The reference as parsed.
 */
reference: Reference, 
/**
 * With docker's defaults applied.
 */
normalized: string, } | { "type": "invalid_reference", 
/**
 * Why.
 */
message: string, } | { "type": "report" } & CheckReport | { "type": "explanation", 
/**
 * The text `imprint explain` prints.
 */
text: string, } | { "type": "card" } & Card | { "type": "cards", 
/**
 * The cards.
 */
cards: Array<ArtifactCard>, } | { "type": "metadata" } & Metadata | { "type": "rendered_metadata", 
/**
 * The format.
 */
format: MetaFormat, 
/**
 * The exact text a host prints.
 */
text: string, 
/**
 * metadata-action's warnings (a host prints them on stderr).
 */
warnings: Array<string>, } | { "type": "imported", 
/**
 * The policy's JSON text.
 */
policy: string, } | { "type": "import_error", 
/**
 * Why, naming the step and input.
 */
message: string, } | { "type": "metadata_error", 
/**
 * What failed, naming the input line or fact.
 */
message: string, 
/**
 * UTC offsets the request must give (ask again with them in
 * `zones`).
 */
missing_offsets?: Array<ZoneNeed>, 
/**
 * Whether the request must give `commit_date` (ask again with it).
 */
missing_commit_date?: boolean, } | { "type": "artifacts", 
/**
 * The artifacts.
 */
artifacts: Array<Artifact>, } | { "type": "read_error", 
/**
 * Why.
 */
message: string, 
/**
 * Line, when known.
 */
line: number | null, 
/**
 * Column in that line, when known (syntax errors).
 */
column: number | null, } | { "type": "bad_request", 
/**
 * Why.
 */
message: string, };

export type Context = { 
/**
 * Environment variables. A variable set to `""` is present here, so a
 * source with `accept_empty` can tell it from an unset one.
 */
env: { [key in string]: string }, 
/**
 * `--arg NAME=VALUE` arguments.
 */
args: { [key in string]: string }, 
/**
 * Git facts by [`crate::GitFact::key`]; a missing key means the fact
 * does not exist here (not a checkout, unborn branch, no such remote).
 * A fact git could not establish in a checkout is in [`Context::failed`]
 * instead. `tag=PATTERN` lists every matching tag on `HEAD`, one per
 * line; the engine picks the highest by semver precedence.
 */
git: { [key in string]: string }, 
/**
 * The machine architecture as `uname -m` prints it.
 */
arch: string | null, 
/**
 * File contents by path relative to the repository directory; a
 * missing key means the file does not exist (one that exists but could
 * not be read is in [`Context::failed`]).
 */
files: { [key in string]: string }, 
/**
 * Results of commands the policy asked for, keyed by argv joined with
 * spaces. A command the derivation reaches but finds no entry for is
 * reported in [`crate::Policy::pending_commands`].
 */
commands: { [key in string]: CommandOutcome }, 
/**
 * Persisted values read back with `--load`, by value name; `None`
 * means the file is missing (a host fails on one it cannot read). A
 * value with no entry is derived as usual.
 */
loaded: { [key in string]: string | null }, 
/**
 * Facts that exist but that the host could not establish, with why: a
 * derivation that reaches one fails (`fact-unavailable`) instead of
 * falling back, so a refused checkout never reads as a clean one.
 */
failed: Failed, };

export type Failed = { 
/**
 * Git facts by [`crate::GitFact::key`] (git refused the checkout, a git
 * command failed, git is missing where a `.git` exists).
 */
git: { [key in string]: string }, 
/**
 * Files by path (unreadable, not a regular file, too large, not UTF-8).
 */
files: { [key in string]: string }, };

export type CommandOutcome = { "outcome": "output", 
/**
 * Standard output.
 */
stdout: string, } | { "outcome": "not_allowed" } | { "outcome": "not_found" } | { "outcome": "timed_out" } | { "outcome": "failed", 
/**
 * Why.
 */
reason: string, };

export type Derivation = { 
/**
 * The policy's name.
 */
policy: string, 
/**
 * Every value, in declaration order.
 */
values: Record<string, string>, 
/**
 * Image references to tag the build with, in order.
 */
tags: Array<string>, 
/**
 * Docker build arguments, in order.
 */
build_args: Array<BuildArg>, 
/**
 * Image labels.
 */
labels: Record<string, string>, 
/**
 * Environment entries.
 */
env: Record<string, string>, 
/**
 * Go `-X` linker flags, in order.
 */
ldflags: Array<LdFlag>, 
/**
 * Values to persist with `--save`.
 */
persist: Array<Persisted>, 
/**
 * How each value was derived, in evaluation order.
 */
trace: Array<ValueTrace>, 
/**
 * Bake target name for the `bake` format.
 */
bake_target: string, };

export type OutputFormat = "shell" | "shell-quoted" | "json" | "github" | "dotenv" | "bake" | "ldflags" | "gitlab-dotenv";

export type ReportFormat = "human" | "json" | "github" | "sarif" | "markdown" | "codequality";

export type CardFormat = "human" | "json";

export type BuildArg = { 
/**
 * Argument name.
 */
name: string, 
/**
 * Argument value.
 */
value: string, };

export type LdFlag = { 
/**
 * Fully qualified symbol, such as `example.com/m.version`.
 */
symbol: string, 
/**
 * The string it is set to.
 */
value: string, };

export type Persisted = { 
/**
 * The value's name.
 */
value: string, 
/**
 * File name inside the save directory.
 */
file: string, 
/**
 * Exact file content.
 */
content: string, };

export type ValueTrace = { 
/**
 * The value's name.
 */
value: string, 
/**
 * What produced it.
 */
origin: Origin, 
/**
 * Candidates tried before the winner, and why each was passed over.
 */
skipped?: Array<Skip>, };

export type Origin = { "kind": "source", 
/**
 * Position in the value's `from` list.
 */
index: number, 
/**
 * The source, such as `env BUILDKITE_COMMIT`.
 */
source: string, } | { "kind": "default" } | { "kind": "empty" } | { "kind": "loaded", 
/**
 * The file name.
 */
file: string, } | { "kind": "load_fallback", 
/**
 * The file name.
 */
file: string, };

export type Skip = { 
/**
 * Position in the value's `from` list.
 */
index: number, 
/**
 * The source, such as `env BUILDKITE_COMMIT`.
 */
source: string, 
/**
 * Why it did not win.
 */
reason: SkipReason, };

export type SkipReason = "condition_false" | "unset" | "empty" | "file_missing" | "key_missing" | "no_module" | "not_allowed" | "not_found" | "not_run";

export type DeriveError = { 
/**
 * What went wrong.
 */
code: DeriveErrorCode, 
/**
 * The value (or output, as `$.outputs.tags[0]`) the error is about.
 */
subject: string, 
/**
 * The inputs the offending value came from, such as `env RELEASE_VERSION`.
 */
inputs: Array<string>, 
/**
 * Full message, naming the subject, the offending text and its inputs.
 */
message: string, };

export type DeriveErrorCode = "required-empty" | "invalid-format" | "value-too-long" | "unknown-argument" | "fact-unavailable" | "contradicts-git" | "command-failed" | "unrenderable";

export type PolicyError = { 
/**
 * Where the policy came from (a file path or `builtin:<name>`).
 */
origin: string, 
/**
 * All problems, in document order.
 */
problems: Array<Problem>, };

export type Problem = { 
/**
 * Stable machine-readable code, such as `unknown-key` or `cycle`.
 */
code: ProblemCode, 
/**
 * JSON path of the offending node, such as `$.values.tag.from[1].env`.
 */
path: string, 
/**
 * 1-based line in the policy text, 0 when unknown.
 */
line: number, 
/**
 * 1-based column in the policy text, 0 when unknown.
 */
column: number, 
/**
 * Human-readable message.
 */
message: string, };

export type ProblemCode = "json-syntax" | "too-large" | "wrong-type" | "unknown-key" | "missing-key" | "unsupported-version" | "invalid-name" | "too-many" | "missing-source" | "ambiguous-source" | "unknown-argument" | "invalid-pattern" | "unknown-git-fact" | "unknown-machine-fact" | "unknown-read-mode" | "unknown-format" | "unknown-transform" | "unknown-value" | "out-of-range" | "invalid-command" | "invalid-path" | "invalid-format" | "invalid-template" | "invalid-option" | "unknown-verify" | "invalid-condition" | "too-deep" | "invalid-transform" | "invalid-regex" | "regex-too-large" | "invalid-metadata-action" | "invalid-file-name" | "duplicate" | "invalid-reference" | "invalid-tag" | "cycle" | "invalid-fact" | "invalid-rule";

export type PinChange = { 
/**
 * 1-based line of the reference.
 */
line: number, 
/**
 * The reference before.
 */
from: string, 
/**
 * The reference after.
 */
to: string, };

export type Reference = { 
/**
 * Registry host with optional port, as written (`None` when absent).
 */
domain: string | null, 
/**
 * Repository path, such as `vllm/vllm-openai`.
 */
path: string, 
/**
 * Tag, if any.
 */
tag: string | null, 
/**
 * Digest (`sha256:…`), if any.
 */
digest: string | null, };

export type Artifact = { 
/**
 * What it is: `image`, `container`, `binary`, `object` …
 */
kind: string, 
/**
 * How findings name it, such as `Deployment/buyer container buyer`.
 */
name: string, 
/**
 * The image reference, as written (it may be invalid).
 */
reference: string | null, 
/**
 * Image labels or OCI annotations.
 */
labels: { [key in string]: string }, 
/**
 * Environment entries.
 */
env: { [key in string]: string }, 
/**
 * Go `-X symbol=value` linker flags found in a binary's build settings.
 */
xflags: { [key in string]: string }, 
/**
 * Other facts by path, such as `status.version`.
 */
fields: { [key in string]: string }, 
/**
 * File the artifact was read from.
 */
file: string | null, 
/**
 * 1-based line in that file, when known.
 */
line: number | null, };

export type CheckReport = { 
/**
 * The policy's name.
 */
policy: string, 
/**
 * One report per artifact, in input order.
 */
artifacts: Array<ArtifactReport>, 
/**
 * Number of error findings.
 */
errors: number, 
/**
 * Number of warning findings.
 */
warnings: number, 
/**
 * Ids of rules skipped because they need derived values and none were given.
 */
skipped_rules?: Array<string>, };

export type ArtifactReport = { 
/**
 * The artifact's display name.
 */
name: string, 
/**
 * Its kind.
 */
kind: string, 
/**
 * Its reference, if any.
 */
reference: string | null, 
/**
 * The channel a `classify` rule assigned.
 */
channel: string | null, 
/**
 * File it was read from.
 */
file: string | null, 
/**
 * Line in that file.
 */
line: number | null, 
/**
 * Findings, errors first, in rule order.
 */
findings: Array<Finding>, };

export type Finding = { 
/**
 * The rule's id.
 */
rule: string, 
/**
 * How bad it is.
 */
severity: Severity, 
/**
 * What is wrong.
 */
message: string, 
/**
 * The artifact's display name.
 */
artifact: string, 
/**
 * The fact or expression concerned, such as `label:ai.vllm.build.commit`.
 */
field: string | null, 
/**
 * File the artifact was read from.
 */
file: string | null, 
/**
 * Line in that file.
 */
line: number | null, };

export type Severity = "error" | "warning";

export type Card = { 
/**
 * The reference as given.
 */
reference: string, 
/**
 * Whether it is a valid OCI reference.
 */
valid: boolean, 
/**
 * Repository name with docker's defaults (`docker.io/library/…`).
 */
name: string | null, 
/**
 * Tag, if any.
 */
tag: string | null, 
/**
 * Digest, if any.
 */
digest: string | null, 
/**
 * Channel assigned by the policy's `classify` rule (`unknown` when none matches).
 */
channel: string | null, 
/**
 * Version the image claims.
 */
version: string | null, 
/**
 * Source commit.
 */
commit: string | null, 
/**
 * Link to the commit, when the source repository is an https URL.
 */
commit_url: string | null, 
/**
 * CI pipeline that built it.
 */
pipeline: string | null, 
/**
 * CI build URL.
 */
build_url: string | null, 
/**
 * Image variant (CUDA version, distribution …).
 */
variant: string | null, 
/**
 * Source repository URL.
 */
source: string | null, 
/**
 * What a SLSA provenance attestation records, and whether the card's
 * commit and source agree with it (artifacts with `provenance.*` facts).
 */
provenance?: CardProvenance | null, 
/**
 * Findings of the policy's rules, errors first.
 */
findings: Array<Finding>, };

export type ArtifactCard = { 
/**
 * The artifact's display name, such as `Pod/web container app`.
 */
artifact: string, 
/**
 * Its kind (`image`, `container`, `object` …).
 */
kind: string, 
/**
 * File it was read from.
 */
file: string | null, 
/**
 * Line in that file.
 */
line: number | null, 
/**
 * The artifact's fields (`container.name`, `container.init`,
 * `k8s.namespace` …), so a viewer need not parse the display name.
 */
fields?: { [key in string]: string }, 
/**
 * The reference as given.
 */
reference: string, 
/**
 * Whether it is a valid OCI reference.
 */
valid: boolean, 
/**
 * Repository name with docker's defaults (`docker.io/library/…`).
 */
name: string | null, 
/**
 * Tag, if any.
 */
tag: string | null, 
/**
 * Digest, if any.
 */
digest: string | null, 
/**
 * Channel assigned by the policy's `classify` rule (`unknown` when none matches).
 */
channel: string | null, 
/**
 * Version the image claims.
 */
version: string | null, 
/**
 * Source commit.
 */
commit: string | null, 
/**
 * Link to the commit, when the source repository is an https URL.
 */
commit_url: string | null, 
/**
 * CI pipeline that built it.
 */
pipeline: string | null, 
/**
 * CI build URL.
 */
build_url: string | null, 
/**
 * Image variant (CUDA version, distribution …).
 */
variant: string | null, 
/**
 * Source repository URL.
 */
source: string | null, 
/**
 * What a SLSA provenance attestation records, and whether the card's
 * commit and source agree with it (artifacts with `provenance.*` facts).
 */
provenance?: CardProvenance | null, 
/**
 * Findings of the policy's rules, errors first.
 */
findings: Array<Finding>, };

export type CardProvenance = { 
/**
 * The commit (`provenance.revision`).
 */
revision: string | null, 
/**
 * `verified` (BuildKit fetched it) or `hint` (the client said so).
 */
revision_trust: string | null, 
/**
 * Whether the card's `commit` is `revision`; absent when either is.
 */
revision_agrees: boolean | null, 
/**
 * The repository URL (`provenance.source`).
 */
source: string | null, 
/**
 * `verified` or `hint`, as for the revision.
 */
source_trust: string | null, 
/**
 * Whether the card's `source` names the same repository as `source`
 * (compared as `"compare": "source"` does); absent when either is.
 */
source_agrees: boolean | null, };

export type Metadata = { 
/**
 * The version.
 */
version: MetaVersion, 
/**
 * Every tag: each enabled image with each version (bare tag names
 * without images).
 */
tags: Array<string>, 
/**
 * The tags without images.
 */
tag_names: Array<string>, 
/**
 * `key=value` labels, sorted.
 */
labels: Array<string>, 
/**
 * `key=value` annotations, sorted (without their levels).
 */
annotations: Array<string>, 
/**
 * The `json` output as a value.
 */
json: Record<string, unknown>, 
/**
 * The bake files as values.
 */
bake: { tags: Record<string, unknown>, labels: Record<string, unknown>, annotations: Record<string, unknown>, all: Record<string, unknown> }, 
/**
 * Each output as the action writes it (`tags` joined with `sep-tags`,
 * `json` compact, bake files as their text).
 */
outputs: MetaOutputs, 
/**
 * What each tag rule produced, or why it produced nothing.
 */
rules: Array<RuleOutcome>, 
/**
 * metadata-action's warnings.
 */
warnings: Array<string>, 
/**
 * Where the facts came from: `github` (a workflow context), or with
 * `ci`, `github`, `gitlab`, `buildkite` or `git`.
 */
ci: string, };

export type MetaVersion = { 
/**
 * The first value produced (none: no tags at all).
 */
main: string | null, 
/**
 * The other values, without repeats.
 */
partial: Array<string>, 
/**
 * Whether `latest` is tagged (decided by the first value; no value:
 * false). Always set in answers.
 */
latest: boolean | null, };

export type MetaOutputs = { 
/**
 * The main version, or empty.
 */
version: string, 
/**
 * The tags joined with `sep-tags`.
 */
tags: string, 
/**
 * The tags without images joined with `sep-tags`.
 */
"tag-names": string, 
/**
 * The labels joined with `sep-labels`.
 */
labels: string, 
/**
 * The annotations, each at each level, joined with `sep-annotations`.
 */
annotations: string, 
/**
 * The `json` output, compact.
 */
json: string, 
/**
 * The bake files' text (JSON, two-space indentation).
 */
bake: { tags: string, labels: string, annotations: string, all: string }, };

export type RuleOutcome = { 
/**
 * The rule as written.
 */
rule: string, 
/**
 * The value it produced (sanitized), if any.
 */
value: string | null, 
/**
 * Why it produced nothing, when it did not.
 */
skipped: string | null, };

export type MetaFormat = "tags" | "labels" | "json" | "github" | "dotenv" | "bake" | "explain";

export type MetaRequest = { 
/**
 * The action's inputs (or give `policy`).
 */
inputs: MetaInputs | null, 
/**
 * A policy's JSON text whose `metadata_action` gives the inputs.
 */
policy: string | null, 
/**
 * The workflow context (or give `ci`).
 */
github: GitHubContext, 
/**
 * A build's facts in any CI, turned into the workflow context, the
 * repository's data and the commit date where those are not given
 * ([`ci::github_context`]).
 */
ci: CiFacts | null, 
/**
 * The repository as the GitHub API gives it (`name`, `description`,
 * `html_url`, `license.spdx_id`, `default_branch`).
 */
repo: Record<string, unknown> | null, 
/**
 * `DOCKER_METADATA_*` settings: `DOCKER_METADATA_SHORT_SHA_LENGTH`,
 * `DOCKER_METADATA_ANNOTATIONS_LEVELS`, `DOCKER_METADATA_PR_HEAD_SHA`.
 */
env: { [key in string]: string }, 
/**
 * The build time, ISO 8601 (`SOURCE_DATE_EPOCH` or the clock).
 */
now: string, 
/**
 * The commit's date when the payload does not hold it (from the API
 * or git), ISO 8601.
 */
commit_date: string | null, 
/**
 * Offsets of the time zones date expressions name (`UTC` needs none).
 */
zones: { [key in string]: ZoneOffsets }, };

export type MetaInputs = { 
/**
 * Images to tag.
 */
images: ListInput, 
/**
 * Tag rules (empty: branch, tag, pull request and schedule tags).
 */
tags: ListInput, 
/**
 * `latest`, `prefix`, `suffix`, `onlatest`.
 */
flavor: ListInput, 
/**
 * Labels added to (or overriding) the generated ones.
 */
labels: ListInput, 
/**
 * Annotations added to (or overriding) the generated ones.
 */
annotations: ListInput, 
/**
 * Separator of the `tags` and `tag-names` outputs (default newline).
 */
"sep-tags"?: string | null, 
/**
 * Separator of the `labels` output.
 */
"sep-labels"?: string | null, 
/**
 * Separator of the `annotations` output.
 */
"sep-annotations"?: string | null, 
/**
 * The bake files' target (default `docker-metadata-action`).
 */
"bake-target"?: string | null, };

export type ListInput = string | Array<string>;

export type GitHubContext = { 
/**
 * The event's name (`push`, `pull_request`, `schedule` …).
 */
event_name: string | null, 
/**
 * The commit.
 */
sha: string | null, 
/**
 * The ref (`refs/heads/main`, `refs/tags/v1.0.0`, `refs/pull/15/merge`).
 */
ref: string | null, 
/**
 * The event payload (the JSON at `GITHUB_EVENT_PATH`).
 */
payload: Record<string, unknown>, };

export type CiFacts = { 
/**
 * The CI's environment variables (those named in the module docs of
 * each CI; others are ignored).
 */
env: { [key in string]: string }, 
/**
 * Git facts of the checkout: `sha`, `branch` (empty when detached),
 * `tags` (the tags on `HEAD`, one per line), `commit_date` (ISO 8601),
 * `remote_url` (credentials stripped), `name` (the top-level
 * directory's name), `default_branch` (what `origin/HEAD` names).
 */
git: { [key in string]: string }, 
/**
 * GitHub's event payload (the JSON at `GITHUB_EVENT_PATH`).
 */
payload: Record<string, unknown> | null, };

export type ZoneOffsets = { 
/**
 * At `now`.
 */
now: number, 
/**
 * At the commit date, when one is known.
 */
commit_date: number | null, };

export type ZoneNeed = { 
/**
 * The zone's name.
 */
zone: string, 
/**
 * The instant.
 */
at: string, 
/**
 * Which field of [`ZoneOffsets`] it goes in: `now` or `commit_date`.
 */
of: string, };

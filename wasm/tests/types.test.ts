// Compiled (not run) by `npm run typecheck`: the generated declarations
// describe the API, and answers narrow on their `type`.
import { check, derive, describe, load, policies, read, validate, LoadedPolicy, type Answer } from "../pkg/web/imprint.js";

const a: Answer = derive("vllm", { env: { BUILDKITE: "1" }, args: { variant: "cu129" }, arch: "x86_64" });
if (a.type === "derivation") {
  const tags: string[] = a.tags;
  const tag: string | undefined = a.values["image_tag"];
  const flags: { symbol: string; value: string }[] = a.ldflags;
  void [tags, tag, flags];
} else if (a.type === "derive_error") {
  const code: string = a.code;
  const inputs: string[] = a.inputs;
  void [code, inputs];
} else if (a.type === "policy_error") {
  for (const p of a.problems) void [p.path, p.line, p.column, p.code];
}

const r = read("[]", "inspect.json");
if (r.type === "artifacts") {
  const report = check("obol-stack", r.artifacts, undefined);
  if (report.type === "report") void [report.errors, report.artifacts.map((x) => x.findings.map((f) => f.severity))];
}
const card = describe("default", "ghcr.io/o/app:1.0.0", { "org.opencontainers.image.version": "1.0.0" }, undefined);
if (card.type === "card") void [card.channel, card.commit_url, card.valid];
const v = validate("{}");
void v.type;
const names: string[] = policies().map((p) => p.name);
const loaded = load("vllm");
if (loaded instanceof LoadedPolicy) {
  const n: string = loaded.name;
  const d: Answer = loaded.derive({});
  const j: string = loaded.deriveJson("{}");
  void [n, d, j, names];
}

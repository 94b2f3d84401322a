// The shared conformance vectors (tests/vectors/*.json), run against the
// built npm package in Node: the same requests and the same comparison
// rules as the Rust runner (tests/src/lib.rs). Run: node --test wasm/tests/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const engine = createRequire(import.meta.url)(join(here, "../pkg/node/imprint.cjs"));
const vectors = join(here, "../../tests/vectors");
const testsDir = join(here, "../../tests");

function policyText(v) {
  if (typeof v === "string") {
    const t = engine.policyText(v);
    if (t === undefined) throw new Error(`no builtin policy \`${v}\``);
    return t;
  }
  return JSON.stringify(v, null, 2);
}

// A field whose value names an entry of the file's `fixtures` for that
// field gets the entry (as in the Rust runner).
function request(op, defaults, kase, fixtures = {}) {
  const req = { op };
  for (const [k, v] of [...Object.entries(defaults), ...Object.entries(kase)]) {
    if (k === "name" || k === "source" || k === "expect") continue;
    if (k === "policy") req.policy = policyText(v);
    else if (k === "policy_text") req.policy = v;
    // A file under tests/ whose text is the request's `text` (as in the Rust runner).
    else if (k === "text_file") req.text = readFileSync(join(testsDir, v), "utf8");
    else req[k] = typeof v === "string" && fixtures[k] && Object.hasOwn(fixtures[k], v) ? fixtures[k][v] : v;
  }
  return req;
}

const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function compare(expect, got) {
  for (const [k, w] of Object.entries(expect)) {
    const g = got[k] ?? null;
    if (k === "values" || k === "bake" || k === "outputs") {
      for (const [name, wv] of Object.entries(w)) {
        const gv = g?.[name] ?? null;
        if (!eq(gv, wv)) return `${k}.${name}: expected ${JSON.stringify(wv)}, got ${JSON.stringify(gv)}`;
      }
    } else if (k === "message_contains") {
      if (!String(got.message ?? "").includes(w)) return `message ${JSON.stringify(got.message)} lacks ${JSON.stringify(w)}`;
    } else if (k === "problems" || k === "findings") {
      const all = k === "problems" ? (g ?? []) :
        got.artifacts ? got.artifacts.flatMap((a) => a.findings) : (got.findings ?? []);
      if (all.length !== w.length) return `expected ${w.length} ${k}, got ${all.length}: ${JSON.stringify(all)}`;
      for (let i = 0; i < w.length; i++) {
        for (const [pk, pv] of Object.entries(w[i])) {
          if (!eq(all[i][pk], pv)) return `${k}[${i}].${pk}: expected ${JSON.stringify(pv)}, got ${JSON.stringify(all[i])}`;
        }
      }
    } else if (k === "cards") {
      if (!Array.isArray(g) || g.length !== w.length) return `expected ${w.length} cards, got ${JSON.stringify(g)}`;
      for (let i = 0; i < w.length; i++) {
        const why = compare(w[i], g[i]);
        if (why) return `cards[${i}]: ${why}`;
      }
    } else if (k === "channels") {
      const gs = (got.artifacts ?? []).map((a) => a.channel ?? null);
      if (!eq(gs, w)) return `channels: expected ${JSON.stringify(w)}, got ${JSON.stringify(gs)}`;
    } else if (!eq(g, w)) {
      return `${k}: expected ${JSON.stringify(w)}, got ${JSON.stringify(g)}`;
    }
  }
  return null;
}

const files = readdirSync(vectors).filter((f) => f.endsWith(".json")).sort();
let total = 0;
for (const file of files) {
  const doc = JSON.parse(readFileSync(join(vectors, file), "utf8"));
  test(file, () => {
    const failures = [];
    for (const kase of doc.cases) {
      total++;
      const req = request(doc.op ?? "derive", doc.defaults ?? {}, kase, doc.fixtures ?? {});
      const got = JSON.parse(engine.run(JSON.stringify(req)));
      const why = compare(kase.expect, got);
      if (why) failures.push(`${kase.name}: ${why}`);
    }
    assert.ok(doc.cases.length > 0, "no cases");
    assert.deepEqual(failures, []);
  });
}

test("the JavaScript API answers like the JSON boundary", () => {
  const ctx = { env: { BUILDKITE: "1", BUILDKITE_COMMIT: "abc123", RELEASE_VERSION: "v0.20.0" }, args: { variant: "cu129" }, arch: "x86_64" };
  const viaApi = engine.derive("vllm", ctx);
  const viaRun = JSON.parse(engine.run(JSON.stringify({ op: "derive", policy: engine.policyText("vllm"), context: ctx })));
  assert.deepEqual(viaApi, viaRun);
  assert.equal(viaApi.type, "derivation");
  // Plain objects, not Maps.
  assert.equal(Object.getPrototypeOf(viaApi.values), Object.prototype);
  assert.equal(viaApi.values.image_tag, "vllm/vllm-openai:v0.20.0-cu129");
  // Domain failures are answers, not exceptions.
  const bad = engine.validate('{"name": "x", "values": {"v": {"form": []}}}');
  assert.equal(bad.type, "policy_error");
  assert.equal(bad.problems[0].path, "$.values.v.form");
  assert.equal(bad.problems[0].code, "unknown-key");
  const err = engine.derive("vllm", { env: { VLLM_IMAGE_TAG: "Not A Ref" } });
  assert.equal(err.type, "derive_error");
  assert.equal(err.code, "invalid-format");
  assert.deepEqual(engine.policies().map((p) => p.name).sort(), ["airunway", "default", "obol-stack", "vllm"]);
});

test("a loaded policy evaluates like the JSON boundary", () => {
  const loaded = engine.load("vllm");
  assert.equal(loaded.name, "vllm");
  const ctx = { env: { BUILDKITE: "1", BUILDKITE_COMMIT: "abc123", NIGHTLY: "1" }, args: { variant: "cu129-ubuntu2404" }, arch: "aarch64" };
  const once = JSON.parse(engine.run(JSON.stringify({ op: "derive", policy: engine.policyText("vllm"), context: ctx })));
  assert.deepEqual(loaded.derive(ctx), once);
  assert.deepEqual(JSON.parse(loaded.deriveJson(JSON.stringify(ctx))), once);
  assert.equal(once.values.image_tag, "vllm/vllm-openai:cu129-nightly-abc123-ubuntu2404");
  const bad = engine.load('{"name": "x", "values": {"a": {"from": [{"value": "b"}]}, "b": {"from": [{"value": "a"}]}}}');
  assert.equal(bad.type, "policy_error");
  assert.equal(bad.problems[0].code, "cycle");
  assert.equal(JSON.parse(loaded.deriveJson("{not json")).type, "bad_request");
  // cardsJson answers like the `cards` op; malformed arguments are named.
  const artifacts = [{ kind: "image", name: "a", reference: "vllm/vllm-openai:v0.20.0" }];
  const cards = JSON.parse(engine.run(JSON.stringify({ op: "cards", policy: engine.policyText("vllm"), artifacts })));
  assert.equal(cards.type, "cards");
  assert.deepEqual(JSON.parse(loaded.cardsJson(JSON.stringify(artifacts))), cards);
  assert.match(JSON.parse(loaded.cardsJson("[{")).message, /^malformed artifacts: /);
  assert.match(JSON.parse(loaded.cardsJson("[]", "{")).message, /^malformed context: /);
  assert.match(JSON.parse(loaded.checkJson("{")).message, /^malformed artifacts: /);
});

test("strings cross the boundary whole: non-ASCII, lone surrogates, sizes; non-strings are bad requests", () => {
  const echo = (value) => {
    const d = engine.derive(JSON.stringify({ name: "p", values: { v: { from: [{ env: "V" }], default: "" } } }), { env: { V: value } });
    assert.equal(d.type, "derivation", JSON.stringify(d));
    return d.values.v;
  };
  // ASCII, then text that needs 2, 3 and 4 UTF-8 bytes per character, at
  // the start, the middle and the end (the first copy assumes one byte per
  // UTF-16 unit and is redone when that does not fit).
  for (const s of ["", "a", "plain ascii", "é", "xé", "éx", "日本語のタグ", "x🦀y", "🦀", "a".repeat(5000) + "é"]) {
    assert.equal(echo(s), s);
  }
  // A lone surrogate is not valid UTF-8: in a string argument it becomes
  // U+FFFD, as wasm-bindgen's own copy does; in an object argument (which
  // crosses as JSON) it is a bad request naming the argument, not a silently
  // empty context.
  const policy = JSON.stringify({ name: "p", values: { v: { default: "" } } }).replace('"p"', '"p", "description": "a\uD800b"');
  assert.equal(engine.validate(policy).description, "a\uFFFDb");
  assert.match(engine.derive(policy, { env: { V: "a\uD800b" } }).message, /^malformed context: /);
  assert.match(engine.check(policy, [{ kind: "image", name: "\uDC00" }]).message, /^malformed artifacts: /);
  // The same text through every string argument that takes documents.
  const loaded = engine.load(JSON.stringify({ name: "p", values: { v: { from: [{ env: "V" }], default: "" } } }));
  assert.equal(JSON.parse(loaded.deriveJson(JSON.stringify({ env: { V: "é🦀" } }))).values.v, "é🦀");
  assert.equal(engine.read(JSON.stringify({ kind: "Pod", apiVersion: "v1", metadata: { name: "pé" },
    spec: { containers: [{ name: "c", image: "ghcr.io/o/a:v1" }] } }), "x.json").artifacts[0].name.includes("pé"), true);
  // Not a string: a bad_request answer naming the argument, never an exception.
  assert.match(JSON.parse(engine.run(42)).message, /`request` is not a string/);
  assert.match(JSON.parse(loaded.checkJson(undefined)).message, /`artifacts` is not a string/);
  assert.match(JSON.parse(loaded.deriveJson({})).message, /`context` is not a string/);
  assert.match(engine.validate(null).message, /`policy` is not a string/);
  assert.match(engine.load(7).message, /`policy` is not a string/);
  assert.match(engine.read([]).message, /`text` is not a string/);
  // Object arguments are read as their types, and named when they are not.
  assert.match(engine.check("vllm", undefined).message, /`artifacts` is missing/);
  assert.match(engine.cards("vllm", [{ kind: 3 }]).message, /^malformed artifacts: invalid type: integer `3`/);
  assert.match(engine.derive("vllm", 42).message, /^malformed context: /);
  assert.match(engine.describe("vllm", "a:b", { k: 1 }).message, /^malformed labels: /);
  assert.equal(engine.derive("vllm", undefined).type, "derivation");
});

test("deriveFormatted renders what `imprint derive --format` prints", () => {
  const ctx = { env: { BUILDKITE: "1", BUILDKITE_COMMIT: "abc123", RELEASE_VERSION: "v0.20.0" },
    args: { variant: "cu129" }, arch: "x86_64" };
  const shell = engine.deriveFormatted("vllm", ctx, "shell");
  assert.equal(shell.type, "rendered");
  // policies/BEHAVIOUR.md#vllm-invocation: four build args, then the staging tag, each word followed by a space.
  assert.equal(shell.text,
    "--build-arg VLLM_BUILD_COMMIT=abc123 --build-arg VLLM_BUILD_PIPELINE=local --build-arg VLLM_BUILD_URL= " +
    "--build-arg VLLM_IMAGE_TAG=vllm/vllm-openai:v0.20.0-cu129 " +
    "--tag public.ecr.aws/q9t5s3a7/vllm-release-repo:abc123-x86_64-cu129 ");
  // A value the unquoted form would split is refused, and named.
  const split = engine.deriveFormatted("vllm", { ...ctx, env: { ...ctx.env, VLLM_BUILD_URL: "a b" } }, "shell");
  assert.equal(split.type, "derive_error");
  assert.equal(split.code, "unrenderable");
  assert.equal(split.subject, "VLLM_BUILD_URL");
  // An unknown format is a bad request naming the argument.
  assert.match(engine.deriveFormatted("vllm", ctx, "yaml").message, /^malformed format: unknown variant `yaml`/);
});

// node wasm/bench.mjs — per-call times of the npm package in Node (after
// wasm/build.sh), for comparison with `cargo bench -p imprint-core`.
// Medians of 101 batches, like the Rust benches.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = dirname(fileURLToPath(import.meta.url));

function measure(key, name, f) {
  // Steady state, as the Rust benches measure: V8 runs wasm first with its
  // baseline compiler and tiers hot functions up in the background, so the
  // first ~100 ms of calls would measure the baseline code.
  for (const t = performance.now(); performance.now() - t < 300; ) f();
  let batch = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) f();
    if (performance.now() - t > 10 || batch > 1 << 24) break;
    batch *= 2;
  }
  const samples = [];
  for (let s = 0; s < 101; s++) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) f();
    samples.push(((performance.now() - t) * 1000) / batch);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name.padEnd(56)} median ${samples[50].toFixed(3).padStart(10)} µs   (min ${samples[0].toFixed(3)}, max ${samples[100].toFixed(3)}; ${batch} calls x 101 batches)`);
  console.log(`result ${key} ${samples[50].toFixed(3)}`);
  return samples[50];
}

// Module load + instantiate: compile the bytes and instantiate, as the web
// glue does. Only the first time in a process is cold (V8 caches compiled
// modules), so each sample is a fresh `node` process; the median of 21.
const bytes = readFileSync(join(here, "pkg/imprint_bg.wasm"));
const web = await import(join(here, "pkg/web/imprint.js"));
if (process.argv[2] === "--instantiate-once") {
  const t0 = performance.now();
  web.initSync({ module: bytes });
  console.log(performance.now() - t0);
  process.exit(0);
}
const cold = [];
for (let i = 0; i < 21; i++) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--instantiate-once"], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`instantiate run failed: ${run.stderr}`);
  cold.push(Number(run.stdout));
}
cold.sort((a, b) => a - b);
console.log(`load + instantiate (initSync, ${bytes.length} bytes)`.padEnd(56),
  `      ${cold[10].toFixed(2)} ms (cold, median of 21 processes; min ${cold[0].toFixed(2)}, max ${cold[20].toFixed(2)})`);
console.log(`result node.instantiate ${(cold[10] * 1000).toFixed(3)}`);

const engine = createRequire(import.meta.url)(join(here, "pkg/node/imprint.cjs"));
const policy = engine.policyText("vllm");
const release = {
  env: { BUILDKITE: "1", BUILDKITE_COMMIT: "abc123", BUILDKITE_PIPELINE_ID: "pipe-uuid", BUILDKITE_PIPELINE_SLUG: "release",
         BUILDKITE_BUILD_URL: "https://buildkite.example/vllm/builds/1", RELEASE_VERSION: "v0.20.0" },
  args: { variant: "cu130-ubuntu2404" }, arch: "x86_64",
};
const deriveReq = JSON.stringify({ op: "derive", policy, context: release });
measure("node.run.derive", "derive vllm via run() (loads the policy each call)", () => engine.run(deriveReq));
measure("node.derive.fn", "derive vllm via derive() (objects in and out)", () => engine.derive("vllm", release));
const inspect = readFileSync(join(here, "../tests/data/docker-inspect-vllm.json"), "utf8");
const artifacts = engine.read(inspect, "inspect.json").artifacts;
const checkReq = JSON.stringify({ op: "check", policy, artifacts });
measure("node.run.check", "check one docker inspect record via run() (loads the policy)", () => engine.run(checkReq));

// The operations cargo bench measures natively: a loaded policy, JSON in, JSON answer out.
const loaded = engine.load("vllm");
const ctxJson = JSON.stringify(release);
const artsJson = JSON.stringify(artifacts);
if (JSON.parse(loaded.deriveJson(ctxJson)).type !== "derivation") throw new Error("derive failed");
measure("node.derive.json", "derive vllm, JSON context in, JSON answer out", () => loaded.deriveJson(ctxJson));
measure("node.derive.objects", "derive vllm, objects in and out (LoadedPolicy.derive)", () => loaded.derive(release));
measure("node.check.json", "check one inspect record, JSON in, JSON answer out", () => loaded.checkJson(artsJson));

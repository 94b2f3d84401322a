// Wall time of the action against docker/metadata-action's own bundle on
// the same event, side by side (.ci/bench runs it): each run is a fresh
// `node dist/index.cjs` as a runner starts it, with the same inputs, event
// payload and a loopback GitHub API, the two interleaved; medians.
//
//   node action/bench.mjs [runs]   # METADATA_ACTION_DIST=…/dist/index.cjs
//
// metadata-action's bundle is not in this repository: point
// METADATA_ACTION_DIST at a checkout's dist/index.cjs (v6.2.0 was measured).
// Without it only imprint's action is timed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.argv[2] ?? 25);
const doc = JSON.parse(readFileSync(join(here, '..', 'tests', 'vectors', 'metadata-action-outputs.json'), 'utf8'));
const github = doc.fixtures.github.event_push_dev;
const repo = doc.fixtures.repo.octocat;

const server = createServer((req, res) => {
  res.writeHead(/^\/repos\/[^/]+\/[^/]+$/.test(req.url) ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify(/^\/repos\/[^/]+\/[^/]+$/.test(req.url) ? repo : { message: 'Not Found' }));
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const api = `http://127.0.0.1:${server.address().port}`;

const dir = mkdtempSync(join(tmpdir(), 'imprint-action-bench-'));
writeFileSync(join(dir, 'event.json'), JSON.stringify(github.payload));
const env = {
  PATH: process.env.PATH,
  GITHUB_REPOSITORY: 'docker/repo',
  GITHUB_EVENT_NAME: github.event_name,
  GITHUB_SHA: github.sha,
  GITHUB_REF: github.ref,
  GITHUB_EVENT_PATH: join(dir, 'event.json'),
  GITHUB_API_URL: api,
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_ENV: join(dir, 'env'),
  RUNNER_TEMP: dir,
  INPUT_CONTEXT: 'workflow',
  INPUT_IMAGES: 'ghcr.io/example/app',
  INPUT_TAGS: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=sha',
  'INPUT_BAKE-TARGET': 'docker-metadata-action',
  'INPUT_GITHUB-TOKEN': 'bench-token',
};

/** One run's wall time in microseconds (and its tags output). The child
 * runs asynchronously: the loopback API answers on this event loop. */
async function once(bundle) {
  writeFileSync(env.GITHUB_OUTPUT, '');
  writeFileSync(env.GITHUB_ENV, '');
  const t = process.hrtime.bigint();
  const { code, output } = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    child.on('error', reject);
    child.on('close', code => resolve({ code, output }));
  });
  const us = Number(process.hrtime.bigint() - t) / 1000;
  if (code !== 0) throw new Error(`${bundle} failed: ${output}`);
  const tags = /tags<<(\S+)\n([\s\S]*?)\n\1/.exec(readFileSync(env.GITHUB_OUTPUT, 'utf8'))?.[2];
  return { us, tags };
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bundles = { 'action.imprint': join(here, 'dist', 'index.cjs') };
if (process.env.METADATA_ACTION_DIST) bundles['action.metadata-action'] = process.env.METADATA_ACTION_DIST;
const times = Object.fromEntries(Object.keys(bundles).map(k => [k, []]));
const outputs = {};
for (let i = 0; i < runs + 2; i++) {
  for (const [key, bundle] of Object.entries(bundles)) {
    const { us, tags } = await once(bundle);
    outputs[key] = tags;
    if (i >= 2) times[key].push(us); // two warm-up runs
  }
}
server.close();
if (outputs['action.metadata-action'] !== undefined && outputs['action.metadata-action'] !== outputs['action.imprint']) {
  throw new Error(`the two actions disagree: ${JSON.stringify(outputs)}`);
}
for (const [key, xs] of Object.entries(times)) console.log(`result ${key} ${median(xs).toFixed(0)}`);

// The action run the way a runner runs it: `node action/dist/index.cjs`
// (the committed bundle) with INPUT_* variables, GITHUB_* variables, an
// event payload at GITHUB_EVENT_PATH, GITHUB_OUTPUT/GITHUB_ENV files and
// RUNNER_TEMP, the GitHub API played by a loopback server. Every case of
// the metadata-action vectors (tests/vectors/metadata-action*.json) runs
// through it, and its outputs are read back from GITHUB_OUTPUT.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bundle = join(root, 'action', 'dist', 'index.cjs');
const vectors = join(root, 'tests', 'vectors');

/** Reads a GITHUB_OUTPUT/GITHUB_ENV file: `name<<delimiter` … `delimiter`. */
export function readRunnerFile(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(ghadelimiter_[0-9a-f-]+)$/.exec(lines[i]);
    if (!m) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    assert.ok(i < lines.length, `unterminated ${m[1]}`);
    out[m[1]] = value.join('\n');
  }
  return out;
}

/** An action input that reaches the action's list parser as these items. */
function listInput(v) {
  if (typeof v === 'string') return v;
  return v.map(item => `"${item.replace(/"/g, '""')}"`).join('\n');
}

/** The loopback GitHub API: the case's repository and commit date. */
async function apiServer() {
  const state = { repo: null, commitDate: null, requests: [] };
  const server = createServer((req, res) => {
    state.requests.push(req.url);
    const json = (code, body) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (/^\/repos\/[^/]+\/[^/]+$/.test(req.url) && state.repo) return json(200, state.repo);
    if (/^\/repos\/[^/]+\/[^/]+\/commits\//.test(req.url) && state.commitDate) {
      return json(200, { commit: { committer: { date: state.commitDate } } });
    }
    return json(404, { message: 'Not Found' });
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  return { server, state, url: `http://127.0.0.1:${server.address().port}` };
}

/** Runs the bundle with `env`; its exit code, stdout and files. */
function runAction(env, dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

/** The environment a runner gives for one vector case. */
function caseEnv(doc, kase, api, dir) {
  const pick = (k, v) => (typeof v === 'string' && doc.fixtures?.[k]?.[v] !== undefined ? doc.fixtures[k][v] : v);
  const merged = { ...(doc.defaults ?? {}), ...kase };
  const github = pick('github', merged.github) ?? {};
  const payloadPath = join(dir, 'event.json');
  // A consistent world: upstream's fixtures pair event payloads of one
  // repository with API data of another (repo.json); the action reads the
  // payload's repository first, so it is given the API's description of
  // the repository (both name the same default branch, `master`).
  const payload = structuredClone(github.payload ?? {});
  const repoData = pick('repo', merged.repo);
  if (payload.repository && repoData) {
    for (const k of ['name', 'description', 'html_url', 'license']) payload.repository[k] = repoData[k];
  }
  writeFileSync(payloadPath, JSON.stringify(payload));
  const env = {
    PATH: process.env.PATH,
    GITHUB_REPOSITORY: 'docker/repo',
    GITHUB_EVENT_PATH: payloadPath,
    GITHUB_API_URL: api.url,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    RUNNER_TEMP: dir,
    'INPUT_GITHUB-TOKEN': 'test-token',
    SOURCE_DATE_EPOCH: String(Date.parse(merged.now) / 1000),
    ...(merged.env ?? {}),
  };
  if (github.event_name != null) env.GITHUB_EVENT_NAME = github.event_name;
  if (github.sha != null) env.GITHUB_SHA = github.sha;
  if (github.ref != null) env.GITHUB_REF = github.ref;
  for (const [name, v] of Object.entries(merged.inputs ?? {})) {
    env[`INPUT_${name.toUpperCase()}`] = name.startsWith('sep-') || name === 'bake-target' ? v : listInput(v);
  }
  api.state.repo = repoData;
  api.state.commitDate = merged.commit_date ?? null;
  writeFileSync(env.GITHUB_OUTPUT, '');
  writeFileSync(env.GITHUB_ENV, '');
  return env;
}

/** What the outputs must be for a case's expectation; a list of mismatches. */
function check(kase, env, outputs) {
  const e = kase.expect;
  const why = [];
  const eq = (name, got, want) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) why.push(`${name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  const sep = s => kase.inputs?.[s] || '\n';
  const levels = (env.DOCKER_METADATA_ANNOTATIONS_LEVELS || 'manifest').split(',');
  if (e.version) eq('version', outputs.version, e.version.main ?? '');
  if (e.tags) eq('tags', outputs.tags, e.tags.join(sep('sep-tags')));
  if (e.labels) eq('labels', outputs.labels, e.labels.join(sep('sep-labels')));
  if (e.annotations) {
    eq('annotations', outputs.annotations, levels.flatMap(l => e.annotations.map(a => `${l}:${a}`)).join(sep('sep-annotations')));
  }
  if (e.json) eq('json', JSON.parse(outputs.json), e.json);
  const bakeFiles = { tags: 'bake-file-tags', labels: 'bake-file-labels', annotations: 'bake-file-annotations', all: 'bake-file' };
  for (const [k, want] of Object.entries(e.bake ?? {})) eq(`bake.${k}`, JSON.parse(readFileSync(outputs[bakeFiles[k]], 'utf8')), want);
  for (const [k, want] of Object.entries(e.outputs ?? {})) {
    if (k === 'bake') {
      for (const [b, text] of Object.entries(want)) eq(`outputs.bake.${b}`, readFileSync(outputs[bakeFiles[b]], 'utf8'), text);
    } else eq(`outputs.${k}`, outputs[k], want);
  }
  return why;
}

const files = readdirSync(vectors).filter(f => f.startsWith('metadata-action') && f.endsWith('.json'));

for (const file of files) {
  test(`the action over ${file}`, async () => {
    const doc = JSON.parse(readFileSync(join(vectors, file), 'utf8'));
    const api = await apiServer();
    const failures = [];
    try {
      for (const kase of doc.cases) {
        const dir = mkdtempSync(join(tmpdir(), 'imprint-action-'));
        const env = caseEnv(doc, kase, api, dir);
        const r = await runAction(env, dir);
        if (kase.expect.type === 'metadata_error') {
          if (r.code !== 1 || !r.stdout.includes('::error::')) failures.push(`${kase.name}: expected a failed step, got ${r.code}`);
          continue;
        }
        if (r.code !== 0) {
          failures.push(`${kase.name}: exit ${r.code}: ${r.stdout.split('\n').filter(l => l.startsWith('::error')).join(' ')}${r.stderr}`);
          continue;
        }
        const outputs = readRunnerFile(readFileSync(env.GITHUB_OUTPUT, 'utf8'));
        const exported = readRunnerFile(readFileSync(env.GITHUB_ENV, 'utf8'));
        assert.equal(exported.DOCKER_METADATA_OUTPUT_TAGS, outputs.tags, `${kase.name}: exported tags`);
        for (const w of check(kase, env, outputs)) failures.push(`${kase.name}: ${w}`);
      }
    } finally {
      api.server.close();
    }
    assert.deepEqual(failures, []);
  });
}

test('hostile values survive the runner file format', async () => {
  const api = await apiServer();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-action-'));
    const doc = { fixtures: {}, defaults: {} };
    const kase = {
      now: '2020-01-10T00:30:00.000Z',
      github: { event_name: 'push', sha: 'abc1234def', ref: 'refs/heads/main', payload: {} },
      // A label whose value spans lines and holds `<<`, a delimiter-like
      // word and a line that looks like an entry of the file.
      inputs: { tags: ['type=raw,value=x'], labels: ['evil=a<<EOF\nghadelimiter_0\nversion<<ghadelimiter_1\nEOF'] },
      expect: {},
    };
    const env = caseEnv(doc, kase, api, dir);
    const r = await runAction(env, dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outputs = readRunnerFile(readFileSync(env.GITHUB_OUTPUT, 'utf8'));
    assert.equal(outputs.version, 'x');
    assert.ok(outputs.labels.includes('evil=a<<EOF\nghadelimiter_0\nversion<<ghadelimiter_1\nEOF'), outputs.labels);
    assert.deepEqual(Object.keys(outputs).slice(0, 3), ['version', 'tags', 'tag-names']);
  } finally {
    api.server.close();
  }
});

test('a failing computation fails the step with the message', async () => {
  const api = await apiServer();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-action-'));
    const kase = {
      now: '2020-01-10T00:30:00.000Z',
      github: { event_name: 'push', sha: 'abc1234def', ref: 'refs/heads/main', payload: {} },
      inputs: { tags: ['type=semver'] },
      expect: {},
    };
    const env = caseEnv({ fixtures: {}, defaults: {} }, kase, api, dir);
    const r = await runAction(env, dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::error::Missing pattern attribute for type=semver$/m);
    assert.equal(readFileSync(env.GITHUB_OUTPUT, 'utf8'), '');
  } finally {
    api.server.close();
  }
});

test('a GitHub API that never answers does not hang the step, and says what it could not learn', async () => {
  const sockets = new Set();
  const silent = createServer(() => {}); // accepts, never answers
  silent.on('connection', s => sockets.add(s));
  await new Promise(r => silent.listen(0, '127.0.0.1', r));
  try {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-action-'));
    const api = { url: `http://127.0.0.1:${silent.address().port}`, state: {} };
    const kase = {
      now: '2020-01-10T00:30:00.000Z',
      // A release event: its payload holds no repository, so the API is asked.
      github: { event_name: 'release', sha: 'abc1234def', ref: 'refs/tags/v1.0.0', payload: {} },
      inputs: { tags: ['type=ref,event=tag'] },
      expect: {},
    };
    const env = { ...caseEnv({ fixtures: {}, defaults: {} }, kase, api, dir), IMPRINT_API_TIMEOUT_MS: '300' };
    const t = Date.now();
    const r = await runAction(env, dir);
    assert.ok(Date.now() - t < 5000, 'bounded');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^::warning::the repository's data could not be read from the GitHub API \(GET .*no answer within 0\.3 s\)$/m);
    assert.match(r.stdout, /^::warning::no repository data/m);
    const outputs = readRunnerFile(readFileSync(env.GITHUB_OUTPUT, 'utf8'));
    assert.equal(outputs.tags, 'v1.0.0\nlatest');
    assert.match(outputs.labels, /^org\.opencontainers\.image\.title=$/m);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('given a policy, the action sets each value the CLI derives', async t => {
  const cli = join(root, 'target', 'release', 'imprint');
  try {
    readFileSync(cli);
  } catch {
    t.skip('target/release/imprint is not built (cargo build --release)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'imprint-action-policy-'));
  const git = (...args) =>
    spawn('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: dir });
  for (const args of [['init', '-q'], ['commit', '-q', '--allow-empty', '-m', 'one'], ['tag', 'v1.4.0']]) {
    await new Promise((resolve, reject) => git(...args).on('close', c => (c === 0 ? resolve() : reject(new Error(`git ${args}`)))));
  }
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    // Outside the checkout: an untracked file would make the tree dirty.
    GITHUB_OUTPUT: join(mkdtempSync(join(tmpdir(), 'imprint-action-out-')), 'output'),
    INPUT_POLICY: 'default',
    INPUT_ARGS: 'image=ghcr.io/example/app',
    'INPUT_WORKING-DIRECTORY': dir,
    SOURCE_DATE_EPOCH: '1578616200',
  };
  writeFileSync(env.GITHUB_OUTPUT, '');
  const r = await runAction(env, dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const outputs = readRunnerFile(readFileSync(env.GITHUB_OUTPUT, 'utf8'));
  const derived = await new Promise((resolve, reject) => {
    const child = spawn(cli, ['derive', '--policy', 'default', '--arg', 'image=ghcr.io/example/app', '--repo', dir, '--format', 'json'], {
      env: { PATH: env.PATH, HOME: dir, SOURCE_DATE_EPOCH: env.SOURCE_DATE_EPOCH },
    });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.on('error', reject);
    child.on('close', code => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`imprint derive exited ${code}`))));
  });
  assert.deepEqual(outputs, derived.values);
  assert.equal(outputs.version, '1.4.0');
});

test('context: git takes the ref and sha from the checkout', async () => {
  const api = await apiServer();
  const dir = mkdtempSync(join(tmpdir(), 'imprint-action-git-'));
  const run = args =>
    new Promise((resolve, reject) => {
      const child = spawn('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let out = '';
      child.stdout.on('data', d => (out += d));
      child.on('close', c => (c === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(' ')}`))));
    });
  try {
    await run(['init', '-q']);
    await run(['commit', '-q', '--allow-empty', '-m', 'one']);
    await run(['checkout', '-q', '-b', 'feature/x']);
    const sha = await run(['rev-parse', 'HEAD']);
    const out = mkdtempSync(join(tmpdir(), 'imprint-action-out-'));
    const kase = {
      now: '2020-01-10T00:30:00.000Z',
      // The workflow context says main; context: git reads the checkout.
      github: { event_name: 'push', sha: '0'.repeat(40), ref: 'refs/heads/main', payload: {} },
      inputs: { tags: ['type=ref,event=branch', 'type=ref,event=tag', 'type=sha'] },
      expect: {},
    };
    const env = { ...caseEnv({ fixtures: {}, defaults: {} }, kase, api, out), INPUT_CONTEXT: 'git', 'INPUT_WORKING-DIRECTORY': dir };
    let r = await runAction(env, out);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readRunnerFile(readFileSync(env.GITHUB_OUTPUT, 'utf8')).tags, `feature-x\nsha-${sha.slice(0, 7)}`);
    // Detached at a tag: the tag's ref.
    await run(['tag', 'v2.0.0']);
    await run(['checkout', '-q', '--detach', 'v2.0.0']);
    writeFileSync(env.GITHUB_OUTPUT, '');
    r = await runAction(env, out);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readRunnerFile(readFileSync(env.GITHUB_OUTPUT, 'utf8')).tags, `v2.0.0\nsha-${sha.slice(0, 7)}\nlatest`);
    // Detached at neither: an error, as in metadata-action.
    await run(['commit', '-q', '--allow-empty', '-m', 'two']);
    writeFileSync(env.GITHUB_OUTPUT, '');
    r = await runAction(env, out);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::error::Cannot infer ref from detached HEAD/m);
    // An unknown context source is metadata-action's error.
    r = await runAction({ ...env, INPUT_CONTEXT: 'svn' }, out);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::error::Invalid context source: svn$/m);
  } finally {
    api.server.close();
  }
});

test("given a policy with metadata_action, the action sets its values and metadata-action's outputs", async () => {
  const api = await apiServer();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-action-'));
    const policy = {
      name: 'image',
      args: { image: { description: 'the image' } },
      values: { image: { from: [{ arg: 'image' }] } },
      metadata_action: { images: ['ghcr.io/example/app'], tags: [{ type: 'ref', event: 'branch' }, { type: 'sha' }] },
    };
    writeFileSync(join(dir, 'image.json'), JSON.stringify(policy));
    const kase = {
      now: '2020-01-10T00:30:00.000Z',
      github: { event_name: 'push', sha: 'abc1234def', ref: 'refs/heads/main', payload: {} },
      inputs: {},
      expect: {},
    };
    const env = {
      ...caseEnv({ fixtures: {}, defaults: {} }, kase, api, dir),
      INPUT_POLICY: 'image.json',
      INPUT_ARGS: 'image=ghcr.io/example/app',
      'INPUT_WORKING-DIRECTORY': dir,
    };
    const r = await runAction(env, dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outputs = readRunnerFile(readFileSync(env.GITHUB_OUTPUT, 'utf8'));
    assert.equal(outputs.image, 'ghcr.io/example/app');
    assert.equal(outputs.tags, 'ghcr.io/example/app:main\nghcr.io/example/app:sha-abc1234');
    assert.equal(outputs.version, 'main');
  } finally {
    api.server.close();
  }
});

test('given a policy, a file that is not UTF-8 fails the step as it fails the CLI', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'imprint-action-utf8-'));
  writeFileSync(join(dir, 'v.txt'), Buffer.from([0x61, 0xff, 0x62]));
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ name: 'f', values: { v: { from: [{ file: 'v.txt' }], default: 'x' } } }));
  const out = mkdtempSync(join(tmpdir(), 'imprint-action-out-'));
  const env = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: join(out, 'output'),
    INPUT_POLICY: 'p.json',
    'INPUT_WORKING-DIRECTORY': dir,
  };
  writeFileSync(env.GITHUB_OUTPUT, '');
  const r = await runAction(env, dir);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^::error::.*v\.txt.*not UTF-8 text/m);
  assert.equal(readFileSync(env.GITHUB_OUTPUT, 'utf8'), '');
});

test('a GITHUB_EVENT_PATH that names nothing fails the step instead of reading as an empty event', async () => {
  const api = await apiServer();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-action-'));
    const kase = {
      now: '2020-01-10T00:30:00.000Z',
      github: { event_name: 'push', sha: 'abc1234def', ref: 'refs/heads/main', payload: {} },
      inputs: { tags: ['type=ref,event=branch'] },
      expect: {},
    };
    const env = { ...caseEnv({ fixtures: {}, defaults: {} }, kase, api, dir), GITHUB_EVENT_PATH: join(dir, 'missing.json') };
    const r = await runAction(env, dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::error::GITHUB_EVENT_PATH names .*missing\.json, which does not exist/m);
  } finally {
    api.server.close();
  }
});

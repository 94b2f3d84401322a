// The pre-commit hooks (.pre-commit-hooks.yaml) as a user runs them:
// `pre-commit try-repo` of this checkout in a fresh repository, which
// installs the npm CLI from it with `language: node` on the system's Node.
// PRE_COMMIT (the `pre-commit` to run) is set by .ci/run, which installs
// it from PyPI; PRE_COMMIT_HOME is a temporary folder, so nothing is cached
// between runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const preCommit = process.env.PRE_COMMIT ?? 'pre-commit';
const gitEnv = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };

function repoWith(files) {
  const dir = mkdtempSync(join(tmpdir(), 'imprint-pre-commit-'));
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env: { ...process.env, ...gitEnv } });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  execFileSync('git', ['add', '.'], { cwd: dir, env: { ...process.env, ...gitEnv } });
  execFileSync('git', ['commit', '-q', '-m', 'one'], { cwd: dir, env: { ...process.env, ...gitEnv } });
  return dir;
}

function tryRepo(dir, home, hook, extra = []) {
  return spawnSync(preCommit, ['try-repo', root, hook, '--all-files', '--verbose', ...extra], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...gitEnv, PRE_COMMIT_HOME: home, PRE_COMMIT_COLOR: 'never' },
  });
}

const home = mkdtempSync(join(tmpdir(), 'imprint-pre-commit-home-'));
test.after(() => rmSync(home, { recursive: true, force: true }));

test('imprint-validate passes valid policies and fails on a policy with a problem, naming it', () => {
  const good = repoWith({ 'imprint.json': JSON.stringify({ name: 'ok', values: { v: { from: [{ env: 'V' }], default: 'x' } } }) });
  const ok = tryRepo(good, home, 'imprint-validate');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /policy `ok` is valid/);

  const bad = repoWith({
    'imprint.json': JSON.stringify({ name: 'ok', values: { v: { default: 'x' } } }),
    'deploy/imprint-release.json': '{ "name": "bad", "valuez": {} }\n',
    'other.json': '{ "not": "a policy, and not matched" }\n',
  });
  const r = tryRepo(bad, home, 'imprint-validate');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  // The engine's problems for that file: the unknown key at its line and column.
  assert.match(r.stdout, /imprint: error: invalid policy `deploy\/imprint-release\.json`/);
  assert.match(r.stdout, /deploy\/imprint-release\.json:1:18: \$\.valuez: unknown key `valuez` \(did you mean `values`\?\) \[unknown-key\]/);
  assert.match(r.stdout, /policy `ok` is valid/);
  assert.doesNotMatch(r.stdout, /other\.json/);
});

test('imprint-pin-check fails on a stale digest pin and passes once pinned', () => {
  // obol-stack pins ghcr.io/obolnetwork/* to dev-<12 hex> (policies/obol-stack.json).
  const stale = 'image: ghcr.io/obolnetwork/x402-verifier:dev-000000000000\n';
  const dir = repoWith({ 'deploy/values.yaml': stale });
  const args = ['--hook-stage', 'pre-commit'];
  const cfg = [`--policy`, 'obol-stack', '--dir', 'deploy', '--tag', 'dev-0123456789ab'];
  writeFileSync(
    join(dir, '.pre-commit-config.yaml'),
    `repos:\n- repo: ${root}\n  rev: HEAD\n  hooks:\n  - id: imprint-pin-check\n    args: [${cfg.join(', ')}]\n`
  );
  void args;
  const run = () =>
    spawnSync(preCommit, ['run', 'imprint-pin-check', '--all-files', '--verbose'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...gitEnv, PRE_COMMIT_HOME: home, PRE_COMMIT_COLOR: 'never' },
    });
  const r = run();
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /deploy\/values\.yaml:1: ghcr\.io\/obolnetwork\/x402-verifier:dev-000000000000 -> ghcr\.io\/obolnetwork\/x402-verifier:dev-0123456789ab/);
  writeFileSync(join(dir, 'deploy/values.yaml'), 'image: ghcr.io/obolnetwork/x402-verifier:dev-0123456789ab\n');
  const ok = run();
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
});

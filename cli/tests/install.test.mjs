// The npm CLI as a user installs it: `npm pack` of the repository's root
// package, installed into an empty folder with no network (it has no
// dependencies), run in a fresh git checkout; its output is the native
// CLI's when that is built (target/release/imprint).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sh(cmd, args, cwd, env = {}) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

test('npm pack installs offline into an empty folder and derives like the native CLI', t => {
  const work = mkdtempSync(join(tmpdir(), 'imprint-npm-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const packed = sh('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop();
  const tarball = join(work, packed);
  assert.ok(existsSync(tarball), `npm pack made ${tarball}`);
  const prefix = join(work, 'app');
  sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], work, { npm_config_registry: 'http://127.0.0.1:9' });
  const bin = join(prefix, 'node_modules', '.bin', 'imprint');
  assert.ok(existsSync(bin), 'the package installs the `imprint` command');
  const installed = readdirSync(join(prefix, 'node_modules', '@imprint', 'cli', 'cli', 'dist')).sort();
  assert.deepEqual(installed, ['imprint.cjs', 'imprint_bg.wasm']);

  const repo = join(work, 'repo');
  const git = args => sh('git', args, repo, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });
  sh('git', ['init', '-q', '-b', 'main', repo], work);
  writeFileSync(join(repo, 'README'), 'x\n');
  git(['add', '.']);
  git(['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'one']);
  git(['-c', 'user.name=t', '-c', 'user.email=t@e', 'tag', '-a', 'v1.2.3', '-m', 'v1.2.3']);
  const sha = git(['rev-parse', 'HEAD']).trim();

  const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
  const npmRun = spawnSync(bin, ['derive', '--policy', 'default', '--format', 'json'], { cwd: repo, encoding: 'utf8', env });
  assert.equal(npmRun.status, 0, npmRun.stderr);
  const out = JSON.parse(npmRun.stdout);
  // The default policy (policies/default.json): the exact tag on HEAD is the version.
  assert.equal(out.values.version, '1.2.3');
  assert.equal(out.values.commit, sha);

  const native = join(root, 'target', 'release', 'imprint');
  if (existsSync(native)) {
    const n = spawnSync(native, ['derive', '--policy', 'default', '--format', 'json'], { cwd: repo, encoding: 'utf8', env });
    assert.deepEqual([npmRun.stdout, npmRun.stderr, npmRun.status], [n.stdout, n.stderr, n.status]);
  }
});

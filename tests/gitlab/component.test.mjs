// templates/imprint.yml, the GitLab CI/CD component, in a pipeline as GitLab
// runs it: gitlab-ci-local (shell executor, so no container runtime) reads a
// .gitlab-ci.yml that includes the component with inputs, runs the derive
// job, passes its dotenv report to a later job, and runs the check job,
// whose Code Quality report is kept.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = join(root, 'target', 'release');
const glcl = join(here, 'node_modules', '.bin', 'gitlab-ci-local');

const git = (cwd, ...args) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
};

test('the component derives into a dotenv report later jobs read, and reports check findings', t => {
  if (!existsSync(join(bin, 'imprint'))) return t.skip('target/release/imprint is not built');
  const dir = mkdtempSync(join(tmpdir(), 'imprint-gitlab-'));
  mkdirSync(join(dir, 'templates'));
  cpSync(join(root, 'templates', 'imprint.yml'), join(dir, 'templates', 'imprint.yml'));
  writeFileSync(
    join(dir, 'policy.json'),
    JSON.stringify({
      name: 'ci',
      args: { image: { description: 'the image' } },
      values: {
        version: { from: [{ git: 'tag', pattern: 'v*', transform: [{ strip_prefix: 'v' }] }], default: 'dev' },
        image: { from: [{ arg: 'image' }], default: 'local/app' },
      },
      rules: [{ id: 'no-latest', message: '`latest` names whatever was pushed last', forbid: { fact: 'ref.tag', equals: 'latest' } }],
    })
  );
  writeFileSync(join(dir, 'inspect.json'), JSON.stringify([{ Id: 'sha256:1', RepoTags: ['registry.example.com/app:latest'], Config: {} }]));
  writeFileSync(
    join(dir, '.gitlab-ci.yml'),
    [
      'stages: [build, test]',
      'include:',
      '  - local: templates/imprint.yml',
      '    inputs:',
      '      policy: policy.json',
      '      image: alpine',
      '      args: --arg image=registry.example.com/app',
      '      check: inspect.json',
      'use-values:',
      '  stage: test',
      '  script:',
      '    - echo "built $IMAGE:$VERSION"',
      '',
    ].join('\n')
  );
  git(dir, 'init', '-q');
  git(dir, 'remote', 'add', 'origin', 'https://gitlab.example.com/group/app.git');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'one');
  git(dir, 'tag', 'v1.4.0');
  const r = spawnSync(glcl, ['--force-shell-executor', '--no-color'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    timeout: 120_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  // The derive job's report reaches the later job.
  assert.match(out, /imprint-derive\s+> VERSION=1\.4\.0/, out);
  assert.match(out, /use-values\s+> built registry\.example\.com\/app:1\.4\.0/, out);
  assert.match(out, /PASS\s+imprint-derive/, out);
  // The check job fails on the error finding and writes its Code Quality
  // report (the shell executor runs jobs in the checkout itself;
  // gitlab-ci-local does not export a failed job's artifacts).
  assert.match(out, /FAIL\s+imprint-check/, out);
  assert.match(out, /imprint-check\s+>\s+error\s+no-latest/, out);
  const report = JSON.parse(readFileSync(join(dir, 'gl-code-quality-report.json'), 'utf8'));
  assert.equal(report.length, 1);
  assert.equal(report[0].check_name, 'no-latest');
  assert.equal(report[0].severity, 'major');
  assert.deepEqual(report[0].location, { path: 'inspect.json', lines: { begin: 1 } });
});

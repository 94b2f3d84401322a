// Git facts for a policy, with the CLI's semantics (host/src/git.rs): each
// fact is known, absent (not a checkout, unborn HEAD, detached HEAD, no
// origin: the policy's fallbacks apply) or failed (git refused the
// checkout or a command failed: the derivation fails instead of falling
// back). Variables that point git elsewhere are removed; every git run is
// bounded.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** How long one git command may take. */
export const GIT_TIMEOUT_MS = 10_000;

const RELOCATING_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

/** Thrown when git does not answer in time: imprint will not guess. */
export class GitHung extends Error {}

function said(stderr) {
  return stderr === '' ? '(git printed no message)' : stderr;
}

/** The first `.git` in `dir` or above it. */
function dotGitAbove(dir) {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return join(d, '.git');
    if (dirname(d) === d) return undefined;
  }
}

/** A checkout probed once; `fact(key)` gives `{known}`, `{absent}` or `{failed}`. */
export class Checkout {
  /** @param {string} dir */
  constructor(dir) {
    this.dir = dir;
    this.env = { ...process.env };
    for (const v of RELOCATING_VARS) delete this.env[v];
    this.head = undefined;
    this.top = undefined;
    const dotGit = dotGitAbove(dir);
    const r = this.run(['rev-parse', '--is-inside-work-tree', '--show-toplevel']);
    if (r.missing) {
      this.state = dotGit
        ? { refused: `git is not on PATH, but ${dir} is a git checkout (${dotGit}): install git, or put it on PATH` }
        : { notRepo: true };
    } else if (r.ok && r.stdout.split('\n')[0] === 'true') {
      this.top = r.stdout.split('\n')[1];
      this.state = { repo: true };
    } else if (r.ok) {
      this.state = { notRepo: true };
    } else if (r.stderr.includes('dubious ownership')) {
      const top = dotGit ? dirname(dotGit) : dir;
      this.state = {
        refused: `git refused the checkout ${top}: it is owned by another user (git's safe.directory check, "dubious ownership"); if you trust it, run \`git config --global --add safe.directory ${top}\``,
      };
    } else if (!dotGit && r.stderr.includes('not a git repository')) {
      this.state = { notRepo: true };
    } else {
      this.state = { refused: `${dotGit ?? dir} is not a usable git repository: git says \`${said(r.stderr)}\`` };
    }
  }

  /** Runs git; `{ok, stdout}` or `{ok: false, code, stderr}`; throws GitHung. */
  run(args) {
    const r = spawnSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, maxBuffer: 64 << 20 });
    if (r.error?.code === 'ENOENT') return { ok: false, missing: true, code: null, stderr: 'git is not on PATH' };
    if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM') {
      throw new GitHung(`\`git ${args.join(' ')}\` in ${this.dir} did not finish within ${GIT_TIMEOUT_MS / 1000} s; imprint will not guess git facts`);
    }
    if (r.error) return { ok: false, code: null, stderr: r.error.message };
    if (r.status === 0) return { ok: true, stdout: r.stdout };
    const line = (r.stderr ?? '').split('\n').map(l => l.trim()).find(l => l !== '') ?? '';
    return { ok: false, code: r.status, stderr: line.replace(/[\x00-\x1f\x7f]/g, '').slice(0, 300) };
  }

  failed(args, stderr) {
    return { failed: `\`git ${args.join(' ')}\` failed in ${this.dir}: ${said(stderr)}` };
  }

  must(args) {
    const r = this.run(args);
    return r.ok ? { known: r.stdout } : this.failed(args, r.stderr);
  }

  headFact() {
    if (this.head !== undefined) return this.head;
    const args = ['rev-parse', '--verify', '-q', 'HEAD^{commit}'];
    const r = this.run(args);
    if (r.ok) this.head = { known: r.stdout.trim() };
    else if (r.code === 1 && r.stderr === '') this.head = { absent: true };
    else return this.failed(args, r.stderr);
    return this.head;
  }

  /**
   * One fact by its context key (`sha`, `short=12`, `dirty`, `tag=v*`,
   * `tags`, `branch`, `is_repo`, `name`, `remote_url`).
   * @param {string} key
   */
  fact(key) {
    if (this.state.notRepo) return { absent: true };
    if (this.state.refused) return { failed: this.state.refused };
    const trim = f => (f.known !== undefined ? { known: f.known.trim() } : f);
    const onHead = args => {
      const h = this.headFact();
      if (h.known !== undefined) return this.must(args);
      return h.absent ? { known: '' } : h;
    };
    if (key === 'is_repo') return { known: 'true' };
    if (key === 'sha') return this.headFact();
    if (key === 'short' || key.startsWith('short=')) {
      const h = this.headFact();
      if (h.known === undefined) return h;
      const n = key.split('=')[1];
      return trim(this.must(['rev-parse', '--verify', '-q', n ? `--short=${n}` : '--short', 'HEAD']));
    }
    if (key === 'dirty') {
      const f = this.must(['status', '--porcelain', '-z']);
      return f.known !== undefined ? { known: f.known === '' ? '' : 'true' } : f;
    }
    if (key.startsWith('tag=')) return onHead(['tag', '--points-at', 'HEAD', '--list', key.slice(4)]);
    if (key === 'tags') return onHead(['tag', '--points-at', 'HEAD']);
    if (key === 'commit_time') {
      const h = this.headFact();
      if (h.known === undefined) return h;
      return trim(this.must(['show', '-s', '--format=%ct', 'HEAD', '--']));
    }
    if (key === 'branch') {
      const args = ['symbolic-ref', '--short', '-q', 'HEAD'];
      const r = this.run(args);
      if (r.ok) return { known: r.stdout.trim() };
      if (r.code === 1 && r.stderr === '') return { known: '' };
      return this.failed(args, r.stderr);
    }
    if (key === 'name') return this.top ? { known: basename(this.top) } : { failed: `git named no top-level directory for ${this.dir}` };
    if (key === 'remote_url') {
      const args = ['remote', 'get-url', 'origin'];
      const r = this.run(args);
      if (r.ok) return { known: r.stdout.trim() };
      if (r.code === 2 && r.stderr.includes('No such remote')) return { absent: true };
      return this.failed(args, r.stderr);
    }
    return { failed: `unknown git fact ${key}` };
  }
}

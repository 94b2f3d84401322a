// Git facts with the native CLI's semantics and messages (host/src/git.rs):
// each fact is known, absent (not a checkout, unborn or detached HEAD, no
// origin: the policy's fallbacks apply) or failed (git refused the
// checkout, a command failed: the derivation fails rather than fall back).
// Variables that point git elsewhere are removed; every run is bounded;
// independent facts are read at the same time.
import { lstatSync, realpathSync } from 'node:fs';
import { components, fileName, fromComponents, join, parent } from './paths.mjs';
import { findProgram, OUTPUT_LIMIT, runBounded } from './run.mjs';

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

/** How HEAD's commit is read (and named in messages). */
const HEAD_ARGS = ['rev-parse', '--verify', '-q', 'HEAD^{commit}'];
/** What a git run that printed more than imprint reads failed with. */
const TOO_LARGE = `it printed more than ${OUTPUT_LIMIT} bytes, more than imprint reads`;
const NOT_UTF8 = 'it printed text that is not UTF-8';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** How the tags on HEAD are listed, once for every tag fact (`--no-column`: `column.ui=always` would join them). */
const TAGS_ARGS = ['tag', '--no-column', '--points-at', 'HEAD'];

/** Thrown when git does not answer in time: imprint will not guess. */
export class GitHung extends Error {}

function said(stderr) {
  return stderr === '' ? '(git printed no message)' : stderr;
}

/** First non-empty trimmed line, control characters removed, 300 characters at most. */
function firstLine(bytes) {
  const text = bytes.toString('utf8');
  const line = text.split(/\r\n|\n/).map(l => l.trim()).find(l => l !== '') ?? '';
  return [...line.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')].slice(0, 300).join('');
}

/** The first `.git` in `dir` or above it, stopping at GIT_CEILING_DIRECTORIES. */
function dotGitAbove(dir) {
  let start;
  try {
    start = realpathSync(dir);
  } catch {
    return undefined;
  }
  const ceilings = (process.env.GIT_CEILING_DIRECTORIES ?? '')
    .split(':')
    .filter(Boolean)
    .flatMap(p => {
      try {
        return [realpathSync(p)];
      } catch {
        return [];
      }
    });
  const cs = components(start);
  for (let n = cs.length; n >= 1; n--) {
    const d = fromComponents(cs.slice(0, n));
    if (ceilings.includes(d) && d !== start) return undefined;
    const candidate = join(d, '.git');
    try {
      lstatSync(candidate);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * A checkout probed once. `facts(keys)` reads facts by their context keys
 * (`sha`, `short`, `short=12`, `dirty`, `tag=v*`, `tags`, `commit_time`,
 * `branch`, `is_repo`, `name`, `remote_url`): each `{ known }`,
 * `{ absent: true }` or `{ failed }`.
 */
export class Checkout {
  /**
   * @param {string} dir
   * @param {number} timeoutS  seconds one git call may take
   */
  static async probe(dir, timeoutS) {
    const c = new Checkout(dir, timeoutS);
    const dotGit = dotGitAbove(dir);
    if (c.git === undefined) {
      if (dotGit !== undefined) {
        c.state = { refused: `git is not on PATH, but ${dir} is a git checkout (${dotGit}): install git, or put it on PATH` };
      }
      return c;
    }
    // One git for the checkout and its HEAD.
    let r = await c.run(['rev-parse', '--is-inside-work-tree', '--show-toplevel', ...HEAD_ARGS.slice(1)]);
    const first = s => (s ?? '').split('\n')[0];
    if (r.ok && first(r.stdout) === 'true') {
      const sha = r.stdout.split('\n')[2];
      c.head = sha !== undefined ? { known: sha.trim() } : { failed: `\`git ${HEAD_ARGS.join(' ')}\` failed in ${dir}: it named no commit` };
    } else if (!r.ok && first(r.stdout) === 'true') {
      // HEAD names no commit yet (exit 1, silent), or HEAD alone failed.
      c.head = r.code === 1 && r.stderr === '' ? { absent: true } : c.failed(HEAD_ARGS, r.stderr);
      r = { ok: true, stdout: r.stdout };
    } else if (!r.ok && first(r.stdout) === 'false') {
      r = { ok: true, stdout: r.stdout };
    }
    if (r.ok) {
      const lines = r.stdout.split('\n');
      if (lines[0] === 'true') {
        c.top = lines[1];
        c.state = { repo: true };
      } else if (lines[0] === 'false' || dotGit === undefined) {
        c.state = { notRepo: true };
      } else {
        c.state = {
          refused: `\`git rev-parse --is-inside-work-tree\` answered \`${escapeDebug(r.stdout.trim())}\` in the checkout ${dotGit}, not \`true\`: is \`${c.git}\` really git?`,
        };
      }
    } else if (r.unreadable) {
      c.state = {
        refused: `\`git rev-parse --is-inside-work-tree --show-toplevel\` in ${dir}: ${r.stderr} (is \`${c.git}\` really git, and is the checkout's path UTF-8?)`,
      };
    } else if (r.stderr.includes('dubious ownership')) {
      const top = dotGit !== undefined ? (parent(dotGit) || dir) : dir;
      c.state = {
        refused: `git refused the checkout ${top}: it is owned by another user (git's safe.directory check, "dubious ownership"); if you trust it, run \`git config --global --add safe.directory ${top}\` (in a CI container: the checkout is owned by the runner's user)`,
      };
    } else if (dotGit === undefined && r.stderr.includes('not a git repository')) {
      c.state = { notRepo: true };
    } else if (dotGit !== undefined) {
      c.state = { refused: `${dotGit} is not a usable git repository: git says \`${said(r.stderr)}\`` };
    } else {
      c.state = { refused: `\`git rev-parse\` failed in ${dir}: \`${said(r.stderr)}\`` };
    }
    return c;
  }

  constructor(dir, timeoutS) {
    this.dir = dir;
    this.timeoutS = timeoutS;
    this.git = findProgram('git');
    this.state = { notRepo: true };
    /** HEAD's commit in a repository (`known`, `absent` when unborn, or `failed`), read by the probe. */
    this.head = undefined;
    this.top = undefined;
    this.env = { ...process.env };
    for (const v of RELOCATING_VARS) delete this.env[v];
    // imprint only reads: `git status` must not take the index lock.
    this.env.GIT_OPTIONAL_LOCKS = '0';
  }

  /** The checkout's top-level directory, when git named one. */
  topLevel() {
    return this.top;
  }

  /**
   * Runs git: `{ ok, stdout }` or `{ ok: false, code, stderr }`, with
   * `unreadable` when git printed more than imprint reads or text that is
   * not UTF-8; throws GitHung.
   */
  async run(args) {
    if (this.git === undefined) return { ok: false, code: null, stderr: 'git is not on PATH' };
    const r = await runBounded(this.git, args, { cwd: this.dir, env: this.env, timeoutMs: this.timeoutS * 1000, keepStderr: true });
    if (r.done && r.done.code === 0) {
      try {
        return { ok: true, stdout: utf8.decode(r.done.stdout) };
      } catch {
        // A name git printed as bytes imprint would have to change.
        return { ok: false, unreadable: true, code: null, stderr: NOT_UTF8, stdout: '' };
      }
    }
    if (r.done) return { ok: false, code: r.done.code, stderr: firstLine(r.done.stderr), stdout: r.done.stdout.toString('utf8') };
    // A cut list (of tags) would read as a shorter one: only `git status`
    // may print this much, and only its start counts.
    if (r.tooLarge) return { ok: false, unreadable: true, code: null, stderr: TOO_LARGE, stdout: '' };
    if (r.notFound) return { ok: false, code: null, stderr: 'git is not on PATH' };
    if (r.failed !== undefined) return { ok: false, code: null, stderr: r.failed };
    throw new GitHung(
      `\`git ${args.join(' ')}\` in ${this.dir} did not finish within ${this.timeoutS} s (--git-timeout); imprint will not guess git facts`
    );
  }

  failed(args, stderr) {
    return { failed: `\`git ${args.join(' ')}\` failed in ${this.dir}: ${said(stderr)}` };
  }

  /** The default branch from `origin/HEAD`: known, absent, or failed (a broken `origin/HEAD`). */
  async defaultBranch() {
    if (this.state.notRepo) return { absent: true };
    if (this.state.refused) return { failed: this.state.refused };
    // Full ref names: `--short` writes `remotes/origin/main` when a local
    // branch is called `origin/main`.
    const args = ['symbolic-ref', '-q', 'refs/remotes/origin/HEAD'];
    const r = await this.run(args);
    // No `origin/HEAD`, or not a symbolic ref: `-q` exits 1 silently; a broken one fails.
    if (!r.ok) return r.code === 1 && r.stderr === '' ? { absent: true } : this.failed(args, r.stderr);
    return this.refUnder(args, r.stdout, 'refs/remotes/origin/');
  }

  /** The name `git args` printed, below `prefix`; anything else fails, naming what git said. */
  refUnder(args, printed, prefix) {
    const name = printed.trim();
    if (name.startsWith(prefix) && name.length > prefix.length) return { known: name.slice(prefix.length) };
    return { failed: `\`git ${args.join(' ')}\` in ${this.dir} names \`${name}\`, not a ref under \`${prefix}\`` };
  }

  /**
   * Facts by key, read at the same time (HEAD first); each distinct git
   * command runs once, and the facts about HEAD's commit (`short`,
   * `short=N`, `commit_time`) are read together by `git show` (see
   * `commitQueries`). A `tag=PATTERN` fact is picked from the list of the
   * tags on HEAD by `tagsMatching(tags, pattern)` (the engine's, matching
   * as `git tag --list` does).
   */
  async facts(keys, tagsMatching) {
    const onCommit = this.state.repo && this.head?.known !== undefined;
    const fields = onCommit ? keys.filter(isCommitField) : [];
    const shows = commitQueries(fields);
    const shown = shows.map(f => this.run(showArgs(f)));
    // A failed `git show` that no fact awaits yet must not go unhandled.
    for (const p of shown) p.catch(() => {});
    const once = new Map();
    const run = args => {
      const key = args.join('\0');
      if (!once.has(key)) {
        const p = this.run(args);
        p.catch(() => {});
        once.set(key, p);
      }
      return once.get(key);
    };
    return Promise.all(
      keys.map(k => (fields.includes(k) ? this.commitField(k, shows, shown) : this.factAfterHead(k, run, tagsMatching)))
    );
  }

  /** One field of HEAD's commit from the `git show` that printed it. */
  async commitField(key, shows, shown) {
    const i = shows.findIndex(f => f.includes(key));
    const args = showArgs(shows[i]);
    const r = await shown[i];
    if (!r.ok) return this.failed(args, r.stderr);
    const v = (r.stdout.split('\n')[shows[i].indexOf(key)] ?? '').trim();
    if (v !== '') return { known: v };
    const name = key === 'commit_time' ? 'commit time' : 'abbreviated commit id';
    return { failed: `\`git ${args.join(' ')}\` failed in ${this.dir}: it printed no ${name}` };
  }

  async factAfterHead(key, run, tagsMatching) {
    if (this.state.notRepo) return { absent: true };
    if (this.state.refused) return { failed: this.state.refused };
    const head = this.head;
    const must = async args => {
      const r = await run(args);
      return r.ok ? { known: r.stdout } : this.failed(args, r.stderr);
    };
    if (key === 'is_repo') return { known: 'true' };
    if (key === 'sha') return head;
    if (isCommitField(key)) return head;
    if (key === 'dirty') {
      const args = ['status', '--porcelain', '-z'];
      const r = await run(args);
      // Too much to read, or names that are not UTF-8: it listed something.
      if (r.unreadable) return { known: 'true' };
      if (!r.ok) return this.failed(args, r.stderr);
      return { known: r.stdout === '' ? '' : 'true' };
    }
    if (key === 'tags' || key.startsWith('tag=')) {
      if (head.known === undefined) return head.absent ? { known: '' } : head;
      const f = await must(TAGS_ARGS);
      if (f.known === undefined || key === 'tags') return f;
      return { known: tagsMatching(f.known, key.slice('tag='.length)) };
    }
    if (key === 'branch') {
      // Full ref names: `--short` writes `heads/main` when a tag is also called `main`.
      const args = ['symbolic-ref', '-q', 'HEAD'];
      const r = await run(args);
      if (r.ok) return this.refUnder(args, r.stdout, 'refs/heads/');
      if (r.code === 1 && r.stderr === '') return { known: '' };
      return this.failed(args, r.stderr);
    }
    if (key === 'name') {
      if (this.top === undefined) return { failed: `git named no top-level directory for ${this.dir}` };
      const n = fileName(this.top);
      return n === undefined ? { absent: true } : { known: n };
    }
    if (key === 'remote_url') {
      const args = ['remote', 'get-url', 'origin'];
      const r = await run(args);
      if (r.ok) return { known: r.stdout.trim() };
      if (r.code === 2 && r.stderr.includes('No such remote')) return { absent: true };
      return this.failed(args, r.stderr);
    }
    return { failed: `unknown git fact ${key}` };
  }
}

/** A fact about HEAD's commit that `git show` prints. */
function isCommitField(key) {
  return key === 'short' || key.startsWith('short=') || key === 'commit_time';
}

/**
 * The `git show` runs that read the commit fields `keys` ask for: one per
 * abbreviation length, the commit time with the first (so the usual short
 * id and time are one process). Each run is the list of its keys.
 */
function commitQueries(keys) {
  const shows = [];
  for (const k of keys) {
    if (k !== 'commit_time' && !shows.some(s => s[0] === k)) shows.push([k]);
  }
  if (keys.includes('commit_time')) {
    if (shows.length > 0) shows[0].push('commit_time');
    else shows.push(['commit_time']);
  }
  return shows;
}

/**
 * `git show` printing the fields `keys` name, one per line. Signature checks
 * (`log.showSignature`) would print before them: they are off.
 */
function showArgs(keys) {
  const args = ['show', '-s', '--no-show-signature'];
  const format = [];
  for (const k of keys) {
    if (k === 'commit_time') {
      format.push('%ct');
    } else {
      if (k.startsWith('short=')) args.push(`--abbrev=${k.slice('short='.length)}`);
      format.push('%h');
    }
  }
  args.push(`--format=${format.join('%n')}`, 'HEAD', '--');
  return args;
}

/** Rust's `str::escape_debug` for the characters git output can hold. */
function escapeDebug(s) {
  return s.replace(/[\\'"\n\r\t\0]/g, c => ({ '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' })[c]);
}

// The facts of a context that need no engine (shared by the npm CLI and
// the GitHub Action): files a policy reads, confined to the checkout;
// allowed commands, run without a shell and bounded; the architecture.
import { readFileSync, realpathSync } from 'node:fs';
import { machine } from 'node:os';
import { ioText } from './errors.mjs';
import { lstat, readText } from './files.mjs';
import { components, fromComponents, join, startsWith } from './paths.mjs';
import { findProgram, runBounded } from './run.mjs';

/**
 * A file a policy reads, relative to `repo` and confined to `root`:
 * `null` when it does not exist, `{ text }`, or `{ why }`.
 */
export function readInRepo(repo, root, file) {
  if (file.startsWith('/')) return { why: `\`${file}\` is not a path relative to the repository directory` };
  const path = join(repo, file);
  let realRoot;
  try {
    realRoot = realpathSync(root);
  } catch (e) {
    return { why: `${root}: ${ioText(e)}` };
  }
  let base;
  try {
    base = realpathSync(repo);
  } catch (e) {
    return { why: `${repo}: ${ioText(e)}` };
  }
  // `..` is resolved as written first.
  const lexical = [];
  for (const c of components(join(base, file))) {
    if (c === '..') {
      // `PathBuf::pop`: the root stays.
      if (lexical.length > 0 && lexical[lexical.length - 1] !== '/') lexical.pop();
    }
    else if (c !== '.') lexical.push(c);
  }
  const lex = fromComponents(lexical);
  if (!startsWith(lex, realRoot)) {
    if (lstat(lex).err) return null;
    return {
      why: `\`${file}\` leads outside the repository (to ${lex}, outside ${realRoot}); imprint reads only files inside the checkout, or inside --root DIR`,
    };
  }
  const l = lstat(path);
  if (l.err) return l.err.code === 'ENOENT' ? null : { why: `${path}: ${ioText(l.err)}` };
  let real;
  try {
    real = realpathSync(path);
  } catch (e) {
    return e.code === 'ENOENT' ? null : { why: `${path}: ${ioText(e)}` };
  }
  if (!startsWith(real, realRoot)) {
    return {
      why: `${path} leads outside the repository (to ${real}, outside ${realRoot}); imprint reads only files inside the checkout, or inside --root DIR`,
    };
  }
  const got = readText(path);
  if (got === null || got.text !== undefined) return got;
  return { why: `${path}: ${got.why}` };
}

/** The machine architecture as `uname -m` prints it. */
export function machineArch() {
  try {
    const a = readFileSync('/proc/sys/kernel/arch', 'utf8').trim();
    if (a !== '') return a;
  } catch {
    // Not Linux: ask the OS.
  }
  return machine();
}

/**
 * Runs an allowed command without a shell: its outcome for the context.
 * @param {string[]} argv
 * @param {{ repo: string, allowCommands: string[], timeoutS: number }} opts
 */
export async function runCommand(argv, opts) {
  const [prog, ...args] = argv;
  if (prog === undefined) return { outcome: 'failed', reason: 'empty command' };
  if (!opts.allowCommands.includes(prog)) return { outcome: 'not_allowed' };
  const program = findProgram(prog);
  if (program === undefined) return { outcome: 'not_found' };
  const r = await runBounded(program, args, { cwd: opts.repo, timeoutMs: opts.timeoutS * 1000, keepStderr: false });
  if (r.notFound) return { outcome: 'not_found' };
  if (r.timedOut) return { outcome: 'timed_out' };
  if (r.tooLarge) return { outcome: 'failed', reason: `output is larger than ${1 << 20} bytes` };
  if (r.failed !== undefined) return { outcome: 'failed', reason: r.failed };
  let s;
  try {
    s = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(r.done.stdout);
  } catch {
    return { outcome: 'failed', reason: 'output is not UTF-8' };
  }
  return { outcome: 'output', stdout: s.replace(/\n+$/, '') };
}

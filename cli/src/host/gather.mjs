// Gathers the build context a policy asks for (host/src/gather.rs):
// environment variables, git facts, the machine architecture, files
// confined to the checkout, persisted values (`--load`), and the allowed
// commands the derivation reaches. A fact that exists but cannot be
// established is recorded as failed, never as a default.
import { readFileSync, realpathSync } from 'node:fs';
import { machine } from 'node:os';
import engine, { run } from '../engine.mjs';
import { HostError, ioText } from './errors.mjs';
import { lstat, readText } from './files.mjs';
import { Checkout, GitHung } from './git.mjs';
import { components, fromComponents, join, startsWith } from './paths.mjs';
import { findProgram, runBounded } from './run.mjs';

/** What `inputs` says a policy reads (a `policy_error` is thrown). */
export function policyInputs(policyText, origin, context) {
  const { text, answer } = run(context ? { op: 'inputs', policy: policyText, context } : { op: 'inputs', policy: policyText });
  if (answer.type !== 'inputs') throw new HostError(engine.errorText(text, origin) ?? answer.message ?? answer.type);
  return answer;
}

/**
 * Builds the context for a loaded policy.
 * @param {{ text: string, origin: string, info: any }} loaded
 * @param {{ repo: string, args: Map<string,string>, allowCommands: string[], commandTimeout: number, gitTimeout: number, arch?: string, load?: string, root?: string }} opts
 */
export async function gather(loaded, opts) {
  const { info } = loaded;
  for (const name of opts.args.keys()) {
    if (!info.args.includes(name)) {
      const known = info.args.length === 0 ? 'it takes none' : `it takes: ${info.args.join(', ')}`;
      throw new HostError(`--arg \`${name}\`: policy \`${info.name}\` has no such argument (${known})`);
    }
  }
  const inputs = policyInputs(loaded.text, loaded.origin);
  const ctx = { env: {}, args: Object.fromEntries(opts.args), git: {}, files: {}, commands: {}, loaded: {}, failed: { git: {}, files: {} } };
  for (const name of inputs.env) {
    if (process.env[name] !== undefined) ctx.env[name] = process.env[name];
  }
  const hung = e => {
    if (e instanceof GitHung) throw new HostError(e.message);
    throw e;
  };
  let checkout;
  if (inputs.git.length > 0 || (inputs.files.length > 0 && opts.root === undefined)) {
    checkout = await Checkout.probe(opts.repo, opts.gitTimeout).catch(hung);
  }
  if (inputs.git.length > 0 && checkout) {
    const facts = await checkout.facts(inputs.git).catch(hung);
    inputs.git.forEach((key, i) => {
      const f = facts[i];
      if (f.known !== undefined) ctx.git[key] = f.known;
      else if (f.failed !== undefined) ctx.failed.git[key] = f.failed;
    });
  }
  if (inputs.arch) ctx.arch = opts.arch ?? machineArch();
  const root = opts.root ?? checkout?.topLevel() ?? opts.repo;
  for (const file of inputs.files) {
    const got = readInRepo(opts.repo, root, file);
    if (got === null) continue;
    if (got.text !== undefined) ctx.files[file] = got.text;
    else ctx.failed.files[file] = got.why;
  }
  if (opts.load !== undefined) {
    for (const [value, file] of info.persisted) {
      const path = join(opts.load, file);
      const got = readText(path);
      if (got !== null && got.why !== undefined) {
        throw new HostError(`--load: ${path}: ${got.why}; imprint will not take the fallback for a file it could not read`);
      }
      ctx.loaded[value] = got === null ? null : got.text;
    }
  }
  // Run commands only as the derivation reaches them.
  for (let i = 0; i <= inputs.commands.length; i++) {
    const pending = policyInputs(loaded.text, loaded.origin, ctx).pending_commands;
    if (pending.length === 0) break;
    for (const argv of pending) ctx.commands[engine.commandKey(argv)] = await runCommand(argv, opts);
  }
  if (Object.keys(ctx.failed.git).length === 0 && Object.keys(ctx.failed.files).length === 0) delete ctx.failed;
  return ctx;
}

/**
 * A file a policy reads, relative to `repo` and confined to `root`:
 * `null` when it does not exist, `{ text }`, or `{ why }`.
 */
function readInRepo(repo, root, file) {
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

/** Runs an allowed command without a shell: its outcome for the context. */
async function runCommand(argv, opts) {
  const [prog, ...args] = argv;
  if (prog === undefined) return { outcome: 'failed', reason: 'empty command' };
  if (!opts.allowCommands.includes(prog)) return { outcome: 'not_allowed' };
  const program = findProgram(prog);
  if (program === undefined) return { outcome: 'not_found' };
  const r = await runBounded(program, args, { cwd: opts.repo, timeoutMs: opts.commandTimeout * 1000, keepStderr: false });
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

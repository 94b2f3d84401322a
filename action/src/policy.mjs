// A policy's derivation in the action: the engine says what the policy
// needs (`inputs`), this gathers it (environment, `args`, git, the
// architecture, files, allowed commands) as the CLI does, and every
// derived value becomes a step output.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { machine } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { FactError } from './facts.mjs';
import { Checkout } from './git.mjs';
import { command, input, setOutput } from './runner.mjs';

/** How long an allowed command may run. */
const COMMAND_TIMEOUT_MS = 10_000;

/** Largest file a policy may read, and most output a command may print. */
const FILE_LIMIT = 1 << 20;

/** `bytes` as UTF-8 text, or undefined when they are not UTF-8 (never
 * replacement characters standing in for what was there). */
function utf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The policy's text: a builtin name, or a file relative to `cwd`.
 * @param {string} policy
 * @param {string} cwd
 * @param {(name: string) => string | undefined} builtin
 */
export function policyText(policy, cwd, builtin) {
  const text = builtin(policy);
  if (text !== undefined) return text;
  const path = resolve(cwd, policy);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new FactError(`policy: \`${policy}\` is not a builtin policy, and ${path} cannot be read: ${e.message}`);
  }
}

/** `NAME=VALUE` lines of the `args` input. */
function args() {
  const out = {};
  for (const line of input('args').split('\n')) {
    const l = line.trim();
    if (l === '' || l.startsWith('#')) continue;
    const eq = l.indexOf('=');
    if (eq <= 0) throw new FactError(`args: \`${l}\` is not NAME=VALUE`);
    out[l.slice(0, eq).trim()] = l.slice(eq + 1);
  }
  return out;
}

/** A file a policy reads, confined to `root`: its text, absent, or why it failed. */
function readPolicyFile(root, path) {
  const full = resolve(root, path);
  if (!existsSync(full)) return { absent: true };
  let real;
  try {
    real = realpathSync(full);
  } catch (e) {
    return { failed: `${full}: ${e.message}` };
  }
  const rel = relative(realpathSync(root), real);
  if (rel.startsWith('..') || isAbsolute(rel)) return { failed: `${path} leads outside ${root}` };
  const st = statSync(real);
  if (!st.isFile()) return { failed: `${full} is not a regular file` };
  if (st.size > FILE_LIMIT) return { failed: `${full} is larger than ${FILE_LIMIT} bytes` };
  let bytes;
  try {
    bytes = readFileSync(real);
  } catch (e) {
    return { failed: `${full}: ${e.message}` };
  }
  const text = utf8(bytes);
  return text === undefined ? { failed: `${full} is not UTF-8 text` } : { known: text };
}

/** Rust's `char::is_whitespace` (Unicode White_Space). */
const WHITE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** The engine's `command_key`: argv joined with spaces, odd words as JSON strings. */
export function commandKey(argv) {
  return argv.map(a => (a === '' || WHITE_SPACE.test(a) || /["'\\]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Runs an allowed command: its outcome as the context records it. */
function runCommand(argv, cwd, allowed) {
  const [program, ...rest] = argv;
  if (!allowed.includes(program)) return { outcome: 'not_allowed' };
  const r = spawnSync(program, rest, { cwd, timeout: COMMAND_TIMEOUT_MS, maxBuffer: FILE_LIMIT, stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.error?.code === 'ENOENT') return { outcome: 'not_found' };
  if (r.error?.code === 'ETIMEDOUT' || r.signal) return { outcome: 'timed_out' };
  if (r.error) return { outcome: 'failed', reason: r.error.message };
  const stdout = utf8(r.stdout);
  if (stdout === undefined) return { outcome: 'failed', reason: 'it printed output that is not UTF-8' };
  return { outcome: 'output', stdout: stdout.replace(/\n+$/, '') };
}

/**
 * Derives the `policy` input and sets each value as a step output.
 * @param {(request: string) => string} run  the engine's JSON boundary
 * @param {(name: string) => string | undefined} builtin  a builtin policy's text
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} where
 */
export async function derivePolicy(run, builtin, { cwd, env }) {
  const policy = policyText(input('policy'), cwd, builtin);
  const ask = req => JSON.parse(run(JSON.stringify(req)));
  const needs = ask({ op: 'inputs', policy });
  if (needs.type !== 'inputs') throw new FactError(needs.problems?.map(p => `${p.path}: ${p.message}`).join('; ') ?? needs.message);
  const context = { env: {}, args: args(), git: {}, files: {}, commands: {}, failed: { git: {}, files: {} } };
  for (const name of needs.env) if (env[name] !== undefined) context.env[name] = env[name];
  if (needs.arch) context.arch = machine();
  const checkout = new Checkout(cwd);
  for (const key of needs.git) {
    const f = checkout.fact(key);
    if (f.known !== undefined) context.git[key] = f.known;
    else if (f.failed) context.failed.git[key] = f.failed;
  }
  const root = checkout.top ?? cwd;
  for (const path of needs.files) {
    const f = readPolicyFile(root, path);
    if (f.known !== undefined) context.files[path] = f.known;
    else if (f.failed) context.failed.files[path] = f.failed;
  }
  const allowed = input('allow-commands').split(/[\s,]+/).filter(Boolean);
  // Run only the commands the derivation reaches, as the CLI does.
  for (let round = 0; round < 16; round++) {
    const more = ask({ op: 'inputs', policy, context });
    const pending = more.pending_commands ?? [];
    if (pending.length === 0) break;
    for (const argv of pending) context.commands[commandKey(argv)] = runCommand(argv, cwd, allowed);
  }
  const answer = ask({ op: 'derive', policy, context });
  if (answer.type !== 'derivation') {
    const msg = answer.message ?? answer.problems?.map(p => `${p.path}: ${p.message}`).join('; ') ?? answer.type;
    throw new FactError(msg);
  }
  for (const [name, value] of Object.entries(answer.values)) {
    const text = Array.isArray(value) ? value.join('\n') : String(value ?? '');
    setOutput(name, text);
  }
  command('notice', `imprint derived ${Object.keys(answer.values).length} value(s) from policy ${answer.policy ?? input('policy')}`);
  return { answer, policy };
}

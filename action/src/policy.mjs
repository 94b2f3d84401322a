// A policy's derivation in the action: the engine says what the policy
// needs (`inputs`), this gathers it (environment, `args`, git, the
// architecture, files, allowed commands) as the CLI does, and every
// derived value becomes a step output.
import { resolve } from 'node:path';
import { machineArch, readInRepo, runCommand } from '../../cli/src/host/context.mjs';
import { readFile, utf8 } from '../../cli/src/host/files.mjs';
import { Checkout, GitHung } from '../../cli/src/host/git.mjs';
import { tagsMatching } from '../../wasm/pkg/web/imprint.js';
import { FactError } from './facts.mjs';
import { command, input, setOutput } from './runner.mjs';

/** Seconds an allowed command, and one git call, may take (the CLI's defaults are 10 and 60). */
const COMMAND_TIMEOUT_S = 10;
const GIT_TIMEOUT_S = 60;

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
  let bytes;
  try {
    bytes = readFile(path);
  } catch (e) {
    throw new FactError(`policy: \`${policy}\` is not a builtin policy, and it cannot be read: ${e.message}`);
  }
  const decoded = utf8(bytes);
  if (decoded === undefined) throw new FactError(`policy: ${path} is not UTF-8 text`);
  return decoded;
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

/** Rust's `char::is_whitespace` (Unicode White_Space). */
const WHITE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** The engine's `command_key`: argv joined with spaces, odd words as JSON strings. */
export function commandKey(argv) {
  return argv.map(a => (a === '' || WHITE_SPACE.test(a) || /["'\\]/.test(a) ? JSON.stringify(a) : a)).join(' ');
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
  if (needs.arch) context.arch = machineArch();
  const hung = e => {
    throw e instanceof GitHung ? new FactError(e.message) : e;
  };
  // The CLI's gathering (cli/src/host): git facts read at the same time,
  // files confined to the checkout, commands bounded and run as reached.
  let checkout;
  if (needs.git.length > 0 || needs.files.length > 0) checkout = await Checkout.probe(cwd, GIT_TIMEOUT_S).catch(hung);
  if (checkout && needs.git.length > 0) {
    const facts = await checkout.facts(needs.git, tagsMatching).catch(hung);
    needs.git.forEach((key, i) => {
      const f = facts[i];
      if (f.known !== undefined) context.git[key] = f.known;
      else if (f.failed !== undefined) context.failed.git[key] = f.failed;
    });
  }
  const root = checkout?.topLevel() ?? cwd;
  for (const path of needs.files) {
    const f = readInRepo(cwd, root, path);
    if (f === null) continue;
    if (f.text !== undefined) context.files[path] = f.text;
    else context.failed.files[path] = f.why;
  }
  const allowed = input('allow-commands').split(/[\s,]+/).filter(Boolean);
  for (let round = 0; needs.commands.length > 0 && round <= needs.commands.length; round++) {
    const more = ask({ op: 'inputs', policy, context });
    const pending = more.pending_commands ?? [];
    if (pending.length === 0) break;
    for (const argv of pending) {
      context.commands[commandKey(argv)] = await runCommand(argv, { repo: cwd, allowCommands: allowed, timeoutS: COMMAND_TIMEOUT_S });
    }
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

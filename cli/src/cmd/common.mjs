// The pieces every command shares (host/src/cmd/mod.rs, context.rs): ask
// the engine for a typed answer, turn the context options into gathering
// options, load and gather.
import engine, { run } from '../engine.mjs';
import { HostError, custom, ioError } from '../host/errors.mjs';
import { isDir } from '../host/files.mjs';
import { gather } from '../host/gather.mjs';
import { loadPolicy } from '../host/policy.mjs';

/**
 * Sends one request; a derive error, a policy error (attributed to
 * `origin`) or a refused request is thrown, worded as the native CLI does.
 */
export function ask(request, origin) {
  const { text, answer } = run(request);
  if (answer.type === 'derive_error' || answer.type === 'policy_error') {
    throw new HostError(engine.errorText(text, origin));
  }
  if (answer.type === 'bad_request') throw new HostError(`the engine refused the request: ${answer.message}`);
  return answer;
}

/** An answer of another kind than the request asks for. */
export function unexpected(op) {
  return new HostError(`the engine answered a \`${op}\` request with an answer of another kind`);
}

/** Rust's `f64` Display of a number clap parsed (`raw`: the text given, for inf and NaN). */
function f64Text(n, raw) {
  if (typeof n === 'number' && Number.isFinite(n)) {
    if (Number.isInteger(n)) return BigInt(n).toString();
    return String(n);
  }
  const r = String(raw ?? '').trim().toLowerCase();
  if (r.endsWith('nan')) return 'NaN';
  return r.startsWith('-') ? '-inf' : 'inf';
}

/** The last value given to `--flag` in argv. */
function rawFlag(argv, flag) {
  let v;
  argv.forEach((a, i) => {
    if (a === flag) v = argv[i + 1];
    else if (a.startsWith(`${flag}=`)) v = a.slice(flag.length + 1);
  });
  return v;
}

/**
 * The context options as gathering options (host/src/cmd/context.rs).
 * @param {any} c  the parsed ContextArgs
 * @param {string[]} argv
 */
export function options(c, argv) {
  for (const [flag, seconds] of [
    ['--command-timeout', c.command_timeout],
    ['--git-timeout', c.git_timeout],
  ]) {
    if (!(typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 && seconds <= 3600)) {
      throw new HostError(`${flag} ${f64Text(seconds, rawFlag(argv, flag))}: expected seconds between 0 and 3600`);
    }
  }
  if (!isDir(c.repo)) throw ioError(c.repo, custom('--repo is not a directory'));
  const args = new Map();
  for (const a of c.args) {
    const eq = a.indexOf('=');
    if (eq < 0) throw new HostError(`--arg \`${a}\`: expected NAME=VALUE`);
    const k = a.slice(0, eq);
    if (args.has(k)) throw new HostError(`--arg \`${k}\` is given twice`);
    args.set(k, a.slice(eq + 1));
  }
  return {
    repo: c.repo,
    args,
    allowCommands: c.allow_commands,
    commandTimeout: c.command_timeout,
    gitTimeout: c.git_timeout,
    arch: c.arch ?? undefined,
    load: c.load ?? undefined,
    root: c.root ?? undefined,
  };
}

/** Loads the policy and gathers its context. */
export async function gathered(c, argv) {
  const loaded = loadPolicy(c.policy.policy);
  const ctx = await gather(loaded, options(c, argv));
  return { loaded, ctx };
}

/** The first sentence of a description (up to `: `). */
export function firstSentence(s) {
  return s.split(': ')[0];
}

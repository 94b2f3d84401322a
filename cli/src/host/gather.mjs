// Gathers the build context a policy asks for (host/src/gather.rs):
// environment variables, git facts, the machine architecture, files
// confined to the checkout, persisted values (`--load`), and the allowed
// commands the derivation reaches. A fact that exists but cannot be
// established is recorded as failed, never as a default.
import engine, { run } from '../engine.mjs';
import { machineArch, readInRepo, runCommand } from './context.mjs';
import { HostError } from './errors.mjs';
import { readText } from './files.mjs';
import { Checkout, GitHung } from './git.mjs';
import { join } from './paths.mjs';

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
    const facts = await checkout.facts(inputs.git, engine.tagsMatching).catch(hung);
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
  // Run commands only as the derivation reaches them (each look is a
  // request to the engine: none for a policy that runs no command).
  for (let i = 0; inputs.commands.length > 0 && i <= inputs.commands.length; i++) {
    const pending = policyInputs(loaded.text, loaded.origin, ctx).pending_commands;
    if (pending.length === 0) break;
    for (const argv of pending) ctx.commands[engine.commandKey(argv)] = await runCommand(argv, { repo: opts.repo, allowCommands: opts.allowCommands, timeoutS: opts.commandTimeout });
  }
  if (Object.keys(ctx.failed.git).length === 0 && Object.keys(ctx.failed.files).length === 0) delete ctx.failed;
  return ctx;
}


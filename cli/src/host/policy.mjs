// `--policy`: a builtin name or a policy file, read boundedly
// (host/src/cmd/policy.rs), and what the command line needs of it.
import { closeSync, fstatSync } from 'node:fs';
import engine from '../engine.mjs';
import { HostError, custom, ioError } from './errors.mjs';
import { exists, openRegular, readUpTo, utf8 } from './files.mjs';

/** The usage error for a name that is neither a file nor a builtin. */
export function unknownBuiltin(name) {
  return new HostError(`--policy \`${name}\`: no such file and no builtin policy of that name (builtins: ${engine.builtinNames().join(', ')})`);
}

/**
 * Loads a policy from a file path or a builtin name: `{ text, origin, info }`.
 * @param {string} spec
 */
export function loadPolicy(spec) {
  const looksLikePath = spec.includes('/') || spec.includes('\\') || spec.endsWith('.json');
  if (!looksLikePath) {
    const text = engine.policyText(spec);
    if (text !== undefined) return loaded(text, `builtin:${spec}`);
  }
  if (!exists(spec)) {
    throw looksLikePath ? ioError(spec, custom('policy file not found')) : unknownBuiltin(spec);
  }
  const limit = engine.policyLimit();
  const fd = openRegular(spec);
  let bytes;
  let size;
  try {
    bytes = readUpTo(fd, limit);
    const st = fstatSync(fd);
    size = st.isFile() ? st.size : undefined;
  } catch (e) {
    throw ioError(spec, e);
  } finally {
    closeSync(fd);
  }
  if (bytes.length > limit) throw new HostError(engine.policyTooLarge(spec, size));
  const text = utf8(bytes);
  if (text === undefined) throw ioError(spec, custom('policy is not UTF-8'));
  return loaded(text, spec);
}

function loaded(text, origin) {
  const got = JSON.parse(engine.policyInfo(text, origin));
  if (got.error !== undefined) throw new HostError(got.error);
  return { text, origin, info: got.policy };
}

// `imprint validate`, `imprint policies`, `imprint import` (host/src/cmd/mod.rs, import.rs).
import engine from '../engine.mjs';
import { HostError, Status } from '../host/errors.mjs';
import { error, writeOut } from '../host/diag.mjs';
import { readFile, readUpTo, INPUT_LIMIT, utf8 } from '../host/files.mjs';
import { ioError } from '../host/errors.mjs';
import { loadPolicy, unknownBuiltin } from '../host/policy.mjs';
import { ask, firstSentence, unexpected } from './common.mjs';

/** `imprint validate [-p POLICY] [FILE…]`: each policy checked, exit 2 when any has a problem. */
export function validateCmd(v) {
  let status = Status.Ok;
  for (const spec of [...(v.policy === null || v.policy === undefined ? [] : [v.policy]), ...v.files]) {
    try {
      const loaded = loadPolicy(spec);
      const a = ask({ op: 'validate', policy: loaded.text }, loaded.origin);
      if (a.type !== 'policy') throw unexpected('validate');
      writeOut(`policy \`${a.name}\` is valid\n`);
    } catch (e) {
      if (!(e instanceof HostError)) throw e;
      error(e.message);
      status = Status.Error;
    }
  }
  return status;
}

/** `imprint policies [NAME]`. */
export function policiesCmd(name) {
  if (name === null || name === undefined) {
    let s = '';
    for (const n of engine.builtinNames()) {
      const info = JSON.parse(engine.policyInfo(engine.policyText(n), n));
      const desc = info.policy?.description ?? '';
      s += `${n.padEnd(12)} ${firstSentence(desc)}\n`;
    }
    writeOut(s);
    return Status.Ok;
  }
  const text = engine.policyText(name);
  if (text === undefined) throw unknownBuiltin(name);
  writeOut(text);
  return Status.Ok;
}

/** `imprint import metadata-action WORKFLOW.yml`. */
export function importCmd(a) {
  if (a.from !== 'metadata-action') {
    throw new HostError(`imprint import reads \`metadata-action\` (docker/metadata-action steps), not \`${a.from}\``);
  }
  const set = {};
  for (const s of a.set) {
    const eq = s.indexOf('=');
    if (eq < 0) throw new HostError(`--set \`${s}\`: expected EXPR=VALUE, such as env.REGISTRY=ghcr.io`);
    set[s.slice(0, eq).trim()] = s.slice(eq + 1);
  }
  let bytes;
  if (a.workflow === '-') {
    try {
      bytes = readUpTo(0, INPUT_LIMIT);
    } catch (e) {
      throw ioError('-', e);
    }
  } else {
    bytes = readFile(a.workflow);
  }
  const text = utf8(bytes);
  if (text === undefined) throw new HostError(`${a.workflow}: not UTF-8 text`);
  const req = { op: 'import_metadata_action', text, file: a.workflow, set };
  if (a.step !== null && a.step !== undefined) req.step = a.step;
  const r = ask(req, a.workflow);
  if (r.type === 'imported') {
    writeOut(r.policy);
    return Status.Ok;
  }
  if (r.type === 'import_error') throw new HostError(r.message);
  throw unexpected('import_metadata_action');
}

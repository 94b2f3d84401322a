// `imprint pin` (host/src/cmd/pin.rs): rewrite digest pins in YAML files,
// everything read and checked before any file changes.
import engine from '../engine.mjs';
import { HostError, Status, ioError } from '../host/errors.mjs';
import { warn, writeOut } from '../host/diag.mjs';
import { lstat, sortedEntries } from '../host/files.mjs';
import { join } from '../host/paths.mjs';
import { readOriginal, replace, replaceable } from '../host/persist.mjs';
import { loadPolicy } from '../host/policy.mjs';
import { deriveLoaded } from './derive.mjs';

function yamlFiles(dir, exts, out) {
  for (const e of sortedEntries(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(path, exts, out);
    else if (e.isFile() && engine.pinFileMatches(e.name, exts)) out.push(path);
  }
}

/** `imprint pin`. */
export async function pinCmd(a, argv) {
  const loaded = loadPolicy(a.context.policy.policy);
  const spec = loaded.info.pin;
  if (!spec) throw new HostError(`--policy \`${loaded.info.name}\`: the policy declares no \`pin\` section`);
  let tag;
  if (a.tag !== null && a.tag !== undefined) {
    if (!engine.isValidTag(a.tag)) throw new HostError(`--tag \`${engine.escapeDebug(a.tag)}\` is not a valid OCI tag`);
    tag = a.tag;
  } else {
    const d = await deriveLoaded(loaded, a.context, argv);
    const name = loaded.info.pin_tag_value ?? '';
    const v = d.values?.[name];
    tag = typeof v === 'string' ? v : '';
    if (!engine.isValidTag(tag)) {
      throw new HostError(`value \`${name}\` = \`${engine.escapeDebug(tag)}\` is not a valid OCI tag to pin to`);
    }
  }
  if (tag === 'latest') warn('pinning to the shared tag `latest` (no usable git checkout?)');
  const l = lstat(a.dir);
  if (l.err) throw ioError(a.dir, l.err);
  const files = [];
  yamlFiles(a.dir, spec.extensions, files);
  let report = '';
  let needed = 0;
  const writes = [];
  for (const path of files) {
    const original = readOriginal(path);
    const r = engine.rewritePins(original.bytes, spec.images, tag, spec.also_tags);
    const changes = JSON.parse(r.changes);
    if (changes.length === 0) continue;
    needed += changes.length;
    for (const c of changes) report += `${path}:${c.line}: ${c.from} -> ${c.to}\n`;
    writes.push([path, original, r.bytes]);
  }
  if (!a.check) {
    for (const [path, original] of writes) replaceable(path, original);
    for (const [path, original, bytes] of writes) replace(path, original, bytes);
  }
  writeOut(report);
  return a.check && needed > 0 ? Status.CheckFailed : Status.Ok;
}

// `imprint derive` and `imprint explain` (host/src/cmd/derive.rs, mod.rs).
import { Status, custom, ioError } from '../host/errors.mjs';
import { writeOut } from '../host/diag.mjs';
import { isDir } from '../host/files.mjs';
import { gather } from '../host/gather.mjs';
import { join } from '../host/paths.mjs';
import { writeAtomic } from '../host/persist.mjs';
import { loadPolicy } from '../host/policy.mjs';
import { ask, gathered, options, unexpected } from './common.mjs';
import { metadataText } from './metadata.mjs';

/** Gathers the context of a loaded policy and derives (no format). */
export async function deriveLoaded(loaded, c, argv) {
  const ctx = await gather(loaded, options(c, argv));
  const a = ask({ op: 'derive', policy: loaded.text, context: ctx }, loaded.origin);
  if (a.type !== 'derivation') throw unexpected('derive');
  return a;
}

/** `imprint derive`. */
export async function deriveCmd(a, argv) {
  const loaded = loadPolicy(a.context.policy.policy);
  const ctx = await gather(loaded, options(a.context, argv));
  const answer = ask({ op: 'derive', policy: loaded.text, context: ctx, format: a.format }, loaded.origin);
  if (answer.type !== 'rendered') throw unexpected('derive');
  let { text } = answer;
  if (a.save !== null && a.save !== undefined) {
    if (!isDir(a.save)) throw ioError(a.save, custom('--save directory does not exist'));
    for (const p of answer.persist) writeAtomic(join(a.save, p.file), p.content, 0o600);
  }
  if ((a.format === 'shell' || a.format === 'shell-quoted') && process.stdout.isTTY) text += '\n';
  writeOut(text);
  return Status.Ok;
}

/** `imprint explain`. */
export async function explainCmd(c, argv) {
  const { loaded, ctx } = await gathered(c, argv);
  const a = ask({ op: 'explain', policy: loaded.text, context: ctx }, loaded.origin);
  if (a.type !== 'explanation') throw unexpected('explain');
  let { text } = a;
  if (loaded.info.metadata_action) {
    const tags = await metadataText({ policy: loaded }, c.repo, 'explain');
    text += "\nmetadata_action (docker/metadata-action's tag rules, in the order they ran):\n";
    text += tags;
  }
  writeOut(text);
  return Status.Ok;
}

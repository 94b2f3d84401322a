// `imprint check` and `imprint describe` (host/src/cmd/check.rs,
// host/src/check_inputs*.rs): open inputs, walk directories, read stdin;
// the engine reads the bytes (read::input) and renders the report or card.
import { closeSync, readSync, statSync } from 'node:fs';
import engine from '../engine.mjs';
import { HostError, Status, custom, ioError } from '../host/errors.mjs';
import { writeOut } from '../host/diag.mjs';
import { isExecutable, notRegularMessage, openRegular, readFile, readPrefix, readStdin, tooLarge, walk } from '../host/files.mjs';
import { loadPolicy } from '../host/policy.mjs';
import { ask, gathered, unexpected } from './common.mjs';

const MAX_LISTED = 5;

function parsed(text) {
  const r = JSON.parse(text);
  if (r.error !== undefined) throw new HostError(r.error);
  return r;
}

/** Files a walk skipped that are Go binaries without an execute bit. */
function unexecutableGoBinaries(skipped, kind) {
  if (kind !== 'auto' && kind !== 'go-binary') return [];
  const found = [];
  for (const path of skipped) {
    if (found.length > MAX_LISTED) break;
    let head;
    try {
      const fd = openRegular(path);
      try {
        const b = Buffer.alloc(4);
        const n = readSync(fd, b, 0, 4, null);
        head = b.subarray(0, n);
      } finally {
        closeSync(fd);
      }
    } catch {
      continue;
    }
    if (!engine.isExecutableFormat(head)) continue;
    let bytes;
    try {
      bytes = readPrefix(path).bytes;
    } catch {
      continue;
    }
    if (engine.hasGoBuildinfo(bytes)) found.push(path);
  }
  return found;
}

/**
 * Reads every input into artifacts (host/src/check_inputs.rs).
 * @param {string[]} inputs
 * @param {string} kind
 */
export function readInputs(inputs, kind) {
  const out = [];
  for (const input of inputs) {
    const before = out.length;
    let seen = {};
    const skipped = [];
    const take = (name, bytes, lenient) => {
      const r = JSON.parse(engine.readInput(name, bytes, kind, lenient, JSON.stringify(seen)));
      seen = r.seen;
      if (r.error !== undefined) throw new HostError(r.error);
      out.push(...r.artifacts);
    };
    let isDir = false;
    if (input === '-') {
      take('-', readStdin('-'), false);
    } else {
      let st;
      try {
        st = statSync(input);
      } catch (e) {
        throw ioError(input, e);
      }
      if (st.isDirectory()) {
        isDir = true;
        const files = [];
        walk(input, files);
        for (const file of files) {
          switch (engine.inputWalked(file, kind, isExecutable(file))) {
            case 'structured': {
              const bytes = readFile(file);
              seen.files_read = (seen.files_read ?? 0) + 1;
              take(file, bytes, true);
              break;
            }
            case 'go-version-text': {
              const bytes = readFile(file);
              seen.files_read = (seen.files_read ?? 0) + 1;
              out.push(...parsed(engine.readWalkedText(file, bytes)).artifacts);
              break;
            }
            case 'go-binary': {
              const { bytes, whole } = readPrefix(file);
              seen.files_read = (seen.files_read ?? 0) + 1;
              if (!engine.isGoBinary(bytes)) break;
              if (!whole) throw ioError(file, tooLarge());
              out.push(...parsed(engine.readGoBinary(file, bytes)).artifacts);
              break;
            }
            default:
              skipped.push(file);
          }
        }
      } else if (!st.isFile()) {
        throw ioError(input, custom(`${notRegularMessage(st)}; to read a pipe, pass \`-\` and give it on stdin`));
      } else {
        take(input, readFile(input), false);
      }
    }
    if (out.length === before) {
      const idle = unexecutableGoBinaries(skipped, kind);
      throw new HostError(engine.nothingFound(input, kind, isDir, JSON.stringify(seen), idle));
    }
  }
  return out;
}

/** `imprint check`. */
export async function checkCmd(a, argv) {
  const artifacts = readInputs(a.inputs, a.kind);
  let loaded;
  let context = null;
  if (a.derive) {
    const g = await gathered(a.context, argv);
    loaded = g.loaded;
    context = g.ctx;
  } else {
    loaded = loadPolicy(a.context.policy.policy);
  }
  const r = ask({ op: 'check', policy: loaded.text, artifacts, context, format: a.format }, loaded.origin);
  if (r.type !== 'rendered_report') throw unexpected('check');
  writeOut(r.text);
  return r.errors > 0 ? Status.CheckFailed : Status.Ok;
}

/** `imprint describe`. */
export async function describeCmd(a) {
  const loaded = loadPolicy(a.policy);
  let labels = {};
  let env = {};
  let fields = {};
  if (a.labels_from !== null && a.labels_from !== undefined) {
    const path = a.labels_from;
    const bytes = path === '-' ? readStdin('<stdin>') : readFile(path);
    const got = parsed(engine.labelsFrom(path, bytes));
    labels = got.labels;
    env = got.env;
    fields = got.fields;
  }
  const r = ask({ op: 'describe', policy: loaded.text, reference: a.reference, labels, env, fields, format: a.format }, loaded.origin);
  if (r.type !== 'rendered_card') throw unexpected('describe');
  writeOut(r.text);
  return Status.Ok;
}

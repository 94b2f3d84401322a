// Atomic file writes (host/src/persist/): a temporary file with an
// unpredictable name, created exclusively beside the target, written,
// flushed, renamed over it; `replace` keeps an existing file's owner,
// group and mode, refuses hard links and a file that changed since read.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { HostError, custom, ioError } from './errors.mjs';
import { fileName, parent } from './paths.mjs';

const ATTEMPTS = 16;

function createTemp(target) {
  const dir = parent(target) || '.';
  const name = fileName(target) ?? '';
  for (let i = 0; i < ATTEMPTS; i++) {
    const path = `${dir}/.${name}.imprint-${randomBytes(8).toString('hex')}.tmp`;
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      return { path, fd };
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
  }
  throw custom(`could not create a temporary file in ${dir} (${ATTEMPTS} names taken)`);
}

function writeAll(fd, bytes) {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

function syncDir(target) {
  const dir = parent(target);
  if (!dir) return;
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort, as in the native CLI.
  }
}

/** Removes a temporary file this process created (same inode only). */
function discard(tmp) {
  try {
    const a = fstatSync(tmp.fd);
    const b = lstatSync(tmp.path);
    if (a.dev === b.dev && a.ino === b.ino) unlinkSync(tmp.path);
  } catch {
    // Nothing of ours to remove.
  }
}

/**
 * Writes `content` to a fresh temporary file beside `path`, lets `settle`
 * give it its owner and mode, flushes it, runs `beforeRename`, and renames
 * it over `path`; a failure leaves `path` as it was and removes the
 * temporary file.
 * @param {string} path
 * @param {Uint8Array} content
 * @param {(fd: number) => void} settle
 * @param {() => void} [beforeRename]
 */
function throughTemp(path, content, settle, beforeRename = () => {}) {
  let tmp;
  try {
    tmp = createTemp(path);
  } catch (e) {
    throw ioError(path, e);
  }
  let kept = false;
  try {
    writeAll(tmp.fd, content);
    settle(tmp.fd);
    fsyncSync(tmp.fd);
    beforeRename();
    renameSync(tmp.path, path);
    kept = true;
    syncDir(path);
  } catch (e) {
    if (e instanceof HostError) throw e;
    throw ioError(path, e);
  } finally {
    if (!kept) discard(tmp);
    closeSync(tmp.fd);
  }
}

/**
 * Writes `content` to `path` atomically with permission bits `mode`.
 * @param {string} path
 * @param {Uint8Array | string} content
 * @param {number} mode
 */
export function writeAtomic(path, content, mode) {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  throughTemp(path, bytes, fd => fchmodSync(fd, mode));
}

function meta(st) {
  return [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs, st.mode & 0o7777n, st.uid, st.gid, st.nlink].join(':');
}

/**
 * A file to rewrite: its bytes and what it was when read.
 * @param {string} path
 */
export function readOriginal(path) {
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (e) {
    throw ioError(path, e);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    const bytes = readFileSync(fd);
    return { bytes, st, meta: meta(st) };
  } catch (e) {
    throw ioError(path, e);
  } finally {
    closeSync(fd);
  }
}

/** Refuses what cannot be rewritten keeping it as it is. */
export function replaceable(path, original) {
  const { st } = original;
  if (st.nlink > 1n) {
    throw ioError(
      path,
      custom(
        `has ${st.nlink} hard links: replacing it would split them, so it is not rewritten (nothing was written; break the links, e.g. \`cp\` it over itself via a copy, or edit it by hand)`
      )
    );
  }
  const me = process.geteuid?.();
  if (me !== undefined && me !== 0 && BigInt(me) !== st.uid) {
    throw ioError(
      path,
      custom(
        `is owned by uid ${st.uid}, and imprint runs as uid ${me}: the rewritten file could not keep its owner, so it is not rewritten (nothing was written; run as its owner)`
      )
    );
  }
}

function unchanged(path, original) {
  const changed = () =>
    ioError(path, custom('changed while `imprint pin` ran (after it was read): it is not rewritten, so the change is kept; run pin again'));
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch {
    throw changed();
  }
  try {
    const now = fstatSync(fd, { bigint: true });
    let link;
    try {
      link = lstatSync(path, { bigint: true });
    } catch {
      throw changed();
    }
    if (meta(link) !== meta(now) || meta(now) !== original.meta) throw changed();
    if (!readFileSync(fd).equals(original.bytes)) throw changed();
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces an existing file's content, keeping its owner, group and mode.
 * @param {string} path
 * @param {{ bytes: Buffer, st: any, meta: string }} original
 * @param {Uint8Array} content
 */
export function replace(path, original, content) {
  replaceable(path, original);
  const { uid, gid, mode } = original.st;
  const settle = fd => {
    const now = fstatSync(fd, { bigint: true });
    if (now.uid !== uid || now.gid !== gid) {
      try {
        fchownSync(fd, Number(uid), Number(gid));
      } catch (e) {
        throw ioError(path, custom(`cannot give the rewritten file its owner and group (${uid}:${gid}): ${e.message}; it is not rewritten`));
      }
    }
    fchmodSync(fd, Number(mode & 0o7777n));
  };
  throughTemp(path, content, settle, () => unchanged(path, original));
}

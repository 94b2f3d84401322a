// Reading files as the native CLI does: regular files only, opened without
// blocking (a FIFO cannot hang a read), at most a limit of bytes; walking
// directories in name order.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { custom, ioError, ioText, osError } from './errors.mjs';
import { join } from './paths.mjs';

/** Largest input of `check` read, per file (and for stdin). */
export const INPUT_LIMIT = 64 << 20;

/** Largest file or command output read into a context. */
export const READ_LIMIT = 1 << 20;

/** "not a regular file (it is a FIFO); only regular files are read". */
export function notRegularMessage(st) {
  const what = st.isDirectory()
    ? 'a directory'
    : st.isFIFO()
      ? 'a FIFO'
      : st.isCharacterDevice()
        ? 'a character device'
        : st.isBlockDevice()
          ? 'a block device'
          : st.isSocket()
            ? 'a socket'
            : 'a special file';
  return `not a regular file (it is ${what}); only regular files are read`;
}

function notRegular(path, st) {
  if (st.isDirectory()) return ioError(path, osError('EISDIR'));
  return ioError(path, custom(notRegularMessage(st)));
}

/**
 * Opens `path` when it is a regular file, without blocking; a file
 * descriptor. Errors name `path`.
 * @param {string} path
 */
export function openRegular(path) {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw ioError(path, e);
  }
  if (!st.isFile()) throw notRegular(path, st);
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(path, e);
  }
  const now = fstatSync(fd);
  if (!now.isFile()) {
    closeSync(fd);
    throw notRegular(path, now);
  }
  return fd;
}

/**
 * Up to `limit + 1` bytes from a descriptor.
 * @param {number} fd
 * @param {number} limit
 */
export function readUpTo(fd, limit) {
  const chunks = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(1 << 16);
  for (;;) {
    let n;
    try {
      n = readSync(fd, buf, 0, Math.min(buf.length, limit + 1 - total), null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    if (total > limit) break;
  }
  return Buffer.concat(chunks);
}

/** The error for an input over the input limit. */
export function tooLarge() {
  return custom(`larger than the ${INPUT_LIMIT >> 20} MiB input limit`);
}

/**
 * Up to INPUT_LIMIT bytes of a regular file, and whether that is all of it.
 * @param {string} path
 */
export function readPrefix(path) {
  const fd = openRegular(path);
  try {
    const bytes = readUpTo(fd, INPUT_LIMIT);
    return { bytes: bytes.subarray(0, INPUT_LIMIT), whole: bytes.length <= INPUT_LIMIT };
  } catch (e) {
    throw ioError(path, e);
  } finally {
    closeSync(fd);
  }
}

/** The whole file, refusing more than INPUT_LIMIT bytes. */
export function readFile(path) {
  const { bytes, whole } = readPrefix(path);
  if (!whole) throw ioError(path, tooLarge());
  return bytes;
}

/** Standard input, at most INPUT_LIMIT bytes (`name` names it in errors). */
export function readStdin(name) {
  let bytes;
  try {
    bytes = readUpTo(0, INPUT_LIMIT);
  } catch (e) {
    if (e.code === 'EOF') return Buffer.alloc(0);
    throw ioError(name, e);
  }
  if (bytes.length > INPUT_LIMIT) throw ioError(name, tooLarge());
  return bytes;
}

/**
 * A file as UTF-8 text for a context: `null` when it does not exist, else
 * `{ text }` or `{ why }` (not a regular file, unreadable, over
 * READ_LIMIT, not UTF-8).
 * @param {string} path
 */
export function readText(path) {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    return { why: ioText(e) };
  }
  if (!st.isFile()) return { why: notRegularMessage(st) };
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { why: ioText(e) };
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile()) return { why: notRegularMessage(now) };
    const bytes = readUpTo(fd, READ_LIMIT);
    if (bytes.length > READ_LIMIT) return { why: `larger than the ${READ_LIMIT}-byte limit` };
    const text = utf8(bytes);
    return text === undefined ? { why: 'not UTF-8 text' } : { text };
  } catch (e) {
    return { why: ioText(e) };
  } finally {
    closeSync(fd);
  }
}

/** `bytes` as UTF-8, or undefined when they are not UTF-8. */
export function utf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Directory entries sorted by name (bytewise, as Rust sorts OsStrings). */
export function sortedEntries(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw ioError(dir, e);
  }
  return entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

/**
 * Every regular file under `dir` (symlinks to files included, symlinked
 * directories not followed), depth first in name order.
 * @param {string} dir
 * @param {string[]} out
 */
export function walk(dir, out) {
  for (const e of sortedEntries(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, out);
    else if (e.isFile()) out.push(path);
    else if (e.isSymbolicLink()) {
      try {
        if (statSync(path).isFile()) out.push(path);
      } catch {
        // A link to nothing is not a file.
      }
    }
  }
}

/** Whether `path`'s mode has an execute bit (symlinks followed). */
export function isExecutable(path) {
  try {
    return (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Whether something is at `path` (symlinks followed: `Path::exists`). */
export function exists(path) {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether `path` is a directory (symlinks followed: `Path::is_dir`). */
export function isDir(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `lstat`, or the error. */
export function lstat(path) {
  try {
    return { st: lstatSync(path) };
  } catch (e) {
    return { err: e };
  }
}

// How the CLI fails: one error type whose message is printed as
// `imprint: error: MESSAGE`, worded as the native CLI words it (I/O errors
// as Rust's std::io::Error prints them: `No such file or directory (os error 2)`).

/** Exit statuses. */
export const Status = Object.freeze({ Ok: 0, CheckFailed: 1, Error: 2 });

/** An error that makes a command exit 2; `message` is printed as is. */
export class HostError extends Error {}

/** Linux's strerror texts, as Rust prints an OS error (errno by Node code). */
const OS_ERRORS = {
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  EINTR: [4, 'Interrupted system call'],
  EIO: [5, 'Input/output error'],
  ENXIO: [6, 'No such device or address'],
  E2BIG: [7, 'Argument list too long'],
  EBADF: [9, 'Bad file descriptor'],
  EAGAIN: [11, 'Resource temporarily unavailable'],
  ENOMEM: [12, 'Cannot allocate memory'],
  EACCES: [13, 'Permission denied'],
  EBUSY: [16, 'Device or resource busy'],
  EEXIST: [17, 'File exists'],
  EXDEV: [18, 'Invalid cross-device link'],
  ENODEV: [19, 'No such device'],
  ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'],
  EINVAL: [22, 'Invalid argument'],
  ENFILE: [23, 'Too many open files in system'],
  EMFILE: [24, 'Too many open files'],
  ETXTBSY: [26, 'Text file busy'],
  EFBIG: [27, 'File too large'],
  ENOSPC: [28, 'No space left on device'],
  EROFS: [30, 'Read-only file system'],
  EMLINK: [31, 'Too many links'],
  EPIPE: [32, 'Broken pipe'],
  ENAMETOOLONG: [36, 'File name too long'],
  ENOTEMPTY: [39, 'Directory not empty'],
  ELOOP: [40, 'Too many levels of symbolic links'],
  EDQUOT: [122, 'Disk quota exceeded'],
};

/**
 * An I/O error's text as Rust's `std::io::Error` displays it: an OS error
 * as `TEXT (os error N)`, one imprint made as its message.
 * @param {any} err
 */
export function ioText(err) {
  if (err && typeof err.code === 'string' && typeof err.errno === 'number') {
    const known = OS_ERRORS[err.code];
    if (known) return `${known[1]} (os error ${known[0]})`;
    return `${err.code} (os error ${Math.abs(err.errno)})`;
  }
  return err?.message ?? String(err);
}

/** An error of imprint's own about a file (a Rust `io::Error::new`). */
export function custom(message) {
  return { message };
}

/** How a path is shown: with control characters escaped (the engine's `visible`, set by the host). */
let visible = s => s;

/**
 * Sets how paths are shown in messages (the CLI gives the engine's `visible`).
 * @param {(s: string) => string} fn
 */
export function showPathsWith(fn) {
  visible = fn;
}

/**
 * `PATH: WHY` for an I/O error about `path` (control characters escaped).
 * @param {string} path
 * @param {any} err  a Node error, or `custom(message)`
 */
export function ioError(path, err) {
  return new HostError(`${visible(path)}: ${ioText(err)}`);
}

/** A Node error for `code` (ENOENT …), as `fs` would throw it. */
export function osError(code) {
  const e = new Error(code);
  e.code = code;
  e.errno = -(OS_ERRORS[code]?.[0] ?? 0);
  return e;
}

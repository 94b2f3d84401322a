// Messages for people, on stderr: `imprint: warning: …`, `imprint: error: …`.
// A stderr that cannot be written never changes how imprint exits.
import { writeSync } from 'node:fs';

function line(kind, message) {
  try {
    writeSync(2, `imprint: ${kind}: ${message}\n`);
  } catch {
    // A closed or full stderr: the exit status still says what happened.
  }
}

/** `imprint: warning: MESSAGE`. */
export const warn = message => line('warning', message);
/** `imprint: error: MESSAGE`. */
export const error = message => line('error', message);

/**
 * Writes `text` to stdout; a closed pipe (EPIPE) is not an error.
 * @param {string} text
 */
export function writeOut(text) {
  const bytes = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(1, bytes, off, bytes.length - off);
    } catch (e) {
      if (e.code === 'EPIPE') return;
      if (e.code === 'EAGAIN') continue;
      throw e;
    }
  }
}

// Running a program in bounded time and space, as the native CLI does
// (host/src/run.rs): found on the absolute entries of PATH only (a `./git`
// planted in the repository is never run), no stdin, in its own process
// group so a timeout kills everything it started, output capped.
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from './paths.mjs';

/** Largest output (stdout, and kept stderr) read from a program. */
export const OUTPUT_LIMIT = 1 << 20;

/** Most bytes of stderr kept for error messages. */
const STDERR_LIMIT = 16 << 10;

/**
 * The first executable file named `program` on an absolute PATH entry; a
 * name with a `/` is taken as it is.
 * @param {string} program
 */
export function findProgram(program) {
  if (program.includes('/')) return program;
  const path = process.env.PATH ?? '/usr/bin:/bin';
  for (const dir of path.split(':')) {
    if (!dir.startsWith('/')) continue;
    const candidate = join(dir, program);
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * Runs `program` with `args` in `cwd`: resolves to
 * `{ done: { stdout, stderr, code } }`, `{ notFound: true }`,
 * `{ timedOut: true }`, `{ tooLarge: stdoutPrefix }` or `{ failed: why }`.
 * @param {string} program  a path (from findProgram)
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv, timeoutMs: number, keepStderr: boolean }} opts
 */
export function runBounded(program, args, { cwd, env, timeoutMs, keepStderr }) {
  return new Promise(resolve => {
    let child;
    try {
      child = spawn(program, args, {
        cwd,
        env: env ?? process.env,
        stdio: ['ignore', 'pipe', keepStderr ? 'pipe' : 'ignore'],
        detached: true,
      });
    } catch (e) {
      resolve(e.code === 'ENOENT' ? { notFound: true } : { failed: e.message });
      return;
    }
    const out = [];
    let outLen = 0;
    const err = [];
    let errLen = 0;
    let exited = null;
    let outEnded = false;
    let settled = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const settle = value => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      // Processes that left the group (`setsid`) are still its descendants:
      // find them before the kill re-parents them.
      const escaped = descendants(child.pid);
      killGroup();
      for (const pid of escaped) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      settle({ timedOut: true });
    }, timeoutMs);
    child.on('error', e => settle(e.code === 'ENOENT' ? { notFound: true } : { failed: e.message }));
    child.stdout.on('data', chunk => {
      out.push(chunk);
      outLen += chunk.length;
      if (outLen > OUTPUT_LIMIT) {
        killGroup();
        settle({ tooLarge: Buffer.concat(out).subarray(0, OUTPUT_LIMIT) });
      }
    });
    child.stderr?.on('data', chunk => {
      if (errLen < STDERR_LIMIT) {
        err.push(chunk);
        errLen += chunk.length;
      }
    });
    const finish = () => {
      if (exited === null || !outEnded) return;
      // Its process group may still hold stderr open: stop it.
      killGroup();
      settle({ done: { stdout: Buffer.concat(out), stderr: Buffer.concat(err).subarray(0, STDERR_LIMIT), code: exited.code } });
    };
    child.stdout.on('end', () => {
      outEnded = true;
      finish();
    });
    child.on('exit', (code, signal) => {
      exited = { code: signal ? null : code };
      // stderr may still be draining; give it this turn.
      setImmediate(finish);
    });
  });
}

/**
 * Every living descendant of `root` (Linux: from each process's `/proc/PID/stat`); empty
 * elsewhere. Unlike the native CLI, which becomes the reaper of its
 * descendants, Node cannot find a process whose parent already exited.
 * @param {number} root
 */
function descendants(root) {
  const parentOf = new Map();
  let pids;
  try {
    pids = readdirSync('/proc').filter(n => /^[0-9]+$/.test(n));
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/);
      if (rest[0] !== 'Z') parentOf.set(Number(pid), Number(rest[1]));
    } catch {
      // It exited meanwhile.
    }
  }
  const found = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const p = frontier.pop();
    for (const [pid, ppid] of parentOf) {
      if (ppid === p && !found.includes(pid)) {
        found.push(pid);
        frontier.push(pid);
      }
    }
  }
  return found;
}

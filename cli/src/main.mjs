// `imprint` on Node: the same commands, options, output and exit codes as
// the native CLI, over the engine's WebAssembly module. The command line
// is parsed by the engine (the native CLI's own definition, clap), every
// computation is the engine's, and this host only does I/O.
import engine from './engine.mjs';
import { error } from './host/diag.mjs';
import { HostError, Status, showPathsWith } from './host/errors.mjs';
import { checkCmd, describeCmd } from './cmd/check.mjs';
import { deriveCmd, explainCmd } from './cmd/derive.mjs';
import { metadataCmd } from './cmd/metadata.mjs';
import { importCmd, policiesCmd, validateCmd } from './cmd/misc.mjs';
import { pinCmd } from './cmd/pin.mjs';
import { writeSync } from 'node:fs';

/** Help text width: COLUMNS, else the terminal's, at most clap's 100. */
function width() {
  const cols = Number(process.env.COLUMNS);
  if (Number.isInteger(cols) && cols > 0) return Math.min(cols, 100);
  return process.stdout.isTTY && process.stdout.columns ? Math.min(process.stdout.columns, 100) : undefined;
}

/** Whether help and errors are styled, as clap decides for a terminal. */
function ansi(stream) {
  if (process.env.CLICOLOR_FORCE && process.env.CLICOLOR_FORCE !== '0') return true;
  if (process.env.NO_COLOR || process.env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}

function write(fd, text) {
  try {
    writeSync(fd, text);
    return true;
  } catch {
    return false;
  }
}

async function dispatch(c, argv) {
  switch (c.command) {
    case 'derive':
      return deriveCmd(c, argv);
    case 'explain':
      return explainCmd(c, argv);
    case 'pin':
      return pinCmd(c, argv);
    case 'check':
      return checkCmd(c, argv);
    case 'describe':
      return describeCmd(c);
    case 'metadata':
      return metadataCmd(c);
    case 'import':
      return importCmd(c);
    case 'validate':
      return validateCmd(c);
    case 'policies':
      return policiesCmd(c.name);
    default:
      throw new HostError(`unknown command ${c.command}`);
  }
}

async function main() {
  showPathsWith(engine.visible);
  const argv = ['imprint', ...process.argv.slice(2)];
  const parsed = JSON.parse(engine.cliParse(argv, width(), ansi(process.stderr)));
  if (parsed.exit) {
    const { code, stdout, stderr } = parsed.exit;
    const printed = write(1, stdout) && write(2, stderr);
    return code === 0 && !printed ? Status.Error : code;
  }
  // `--engine` and `--wasm-module` choose how the native CLI evaluates
  // policies; here the engine is always the WebAssembly module.
  try {
    return await dispatch(parsed.run.command, argv);
  } catch (e) {
    if (e instanceof HostError) {
      error(e.message);
      return Status.Error;
    }
    error(`internal error: ${e?.stack ?? e}`);
    return Status.Error;
  }
}

main().then(code => {
  process.exitCode = code;
});

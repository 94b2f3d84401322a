// The GitHub Actions runner protocol, as @actions/core speaks it, without
// the dependency: inputs from INPUT_* variables, outputs and exported
// variables through the files GITHUB_OUTPUT and GITHUB_ENV, and workflow
// commands (::error::, ::warning::) on stdout.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * An input as the runner passes it: `INPUT_<NAME>` with the name
 * upper-cased and spaces turned into `_` (hyphens kept), trimmed unless
 * `trim` is false. Absent: empty.
 * @param {string} name
 * @param {{ trim?: boolean }} [opts]
 * @returns {string}
 */
export function input(name, opts = {}) {
  const v = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
  return opts.trim === false ? v : v.trim();
}

/** Escapes a workflow command's message (@actions/core `escapeData`). */
function escapeData(s) {
  return String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * Writes a workflow command: `::name::message`.
 * @param {'error' | 'warning' | 'notice' | 'debug'} name
 * @param {string} message
 */
export function command(name, message) {
  process.stdout.write(`::${name}::${escapeData(message)}${EOL}`);
}

/**
 * `name<<delimiter` … `delimiter` for a runner file: a fresh delimiter,
 * refused if the name or value contains it (as @actions/core does).
 * @param {string} name
 * @param {string} value
 */
function fileCommandEntry(name, value) {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`unexpected input: the name or value of ${name} contains the delimiter ${delimiter}`);
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

/**
 * Appends an entry to the runner file named by `variable`; without that
 * file (an old runner, a local run) prints a `::set-output`-free notice to
 * stdout instead of failing.
 * @param {'GITHUB_OUTPUT' | 'GITHUB_ENV'} variable
 * @param {string} name
 * @param {string} value
 */
function appendTo(variable, name, value) {
  const file = process.env[variable];
  if (!file) {
    process.stdout.write(`${variable === 'GITHUB_OUTPUT' ? 'output' : 'env'} ${name}=${JSON.stringify(value)}${EOL}`);
    return;
  }
  appendFileSync(file, fileCommandEntry(name, value), { encoding: 'utf8' });
}

/** Sets the step output `name`. */
export function setOutput(name, value) {
  appendTo('GITHUB_OUTPUT', name, value);
}

/** Exports `name` to the environment of later steps. */
export function exportVariable(name, value) {
  process.env[name] = value;
  appendTo('GITHUB_ENV', name, value);
}

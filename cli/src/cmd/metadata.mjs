// `imprint metadata` (host/src/cmd/metadata.rs): gathers the CI's
// variables, the event payload, git facts of the checkout, the build time
// and time-zone offsets; the engine computes and renders everything.
import { existsSync, statSync } from 'node:fs';
import engine from '../engine.mjs';
import { HostError, Status } from '../host/errors.mjs';
import { warn, writeOut } from '../host/diag.mjs';
import { readFile } from '../host/files.mjs';
import { Checkout, GitHung } from '../host/git.mjs';
import { join } from '../host/paths.mjs';
import { findProgram, runBounded } from '../host/run.mjs';
import { loadPolicy } from '../host/policy.mjs';
import { ask, unexpected } from './common.mjs';

/** How long git and `date` may take, in seconds. */
const TIMEOUT_S = 10;

/** The variables a CI describes a build with, and metadata-action's knobs (sorted, as a BTreeMap). */
function ciEnv() {
  const prefixes = ['GITHUB_', 'CI_', 'GITLAB_', 'BUILDKITE', 'DOCKER_METADATA_'];
  const out = {};
  for (const k of Object.keys(process.env).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    if (prefixes.some(p => k.startsWith(p))) out[k] = process.env[k];
  }
  return out;
}

/** The event payload at GITHUB_EVENT_PATH: null when unset; an error when unreadable. */
function payload(env) {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return null;
  if (!existsSync(path)) {
    throw new HostError(`GITHUB_EVENT_PATH names ${path}, which does not exist: the event payload cannot be read`);
  }
  const bytes = readFile(path);
  const why = engine.jsonError(bytes);
  if (why !== undefined) throw new HostError(`the event payload ${path} (GITHUB_EVENT_PATH) is not JSON: ${why}`);
  return JSON.parse(bytes.toString('utf8'));
}

/** Git facts of the checkout; a checkout git refuses is an error when no CI variable stands in. */
async function gitFacts(repo, inCi) {
  const hung = e => {
    if (e instanceof GitHung) throw new HostError(e.message);
    throw e;
  };
  const c = await Checkout.probe(repo, TIMEOUT_S).catch(hung);
  const keys = ['sha', 'branch', 'tags', 'remote_url', 'name', 'commit_date'];
  const factKeys = ['sha', 'branch', 'tags', 'remote_url', 'name', 'commit_time'];
  const found = await c.facts(factKeys).catch(hung);
  found.push(await c.defaultBranch().catch(hung));
  const out = {};
  [...keys, 'default_branch'].forEach((key, i) => {
    const f = found[i];
    if (f.known !== undefined && key === 'commit_date') {
      const iso = engine.epochToRfc3339(f.known);
      if (iso !== undefined) out[key] = iso;
      else if (!inCi) throw new HostError(`git gave the commit time \`${f.known}\`, which is not whole seconds since 1970`);
    } else if (f.known !== undefined) {
      out[key] = f.known;
    } else if (f.failed !== undefined && !inCi) {
      throw new HostError(`git fact \`${key}\`: ${f.failed}`);
    }
  });
  return out;
}

/** The build time: SOURCE_DATE_EPOCH when set, else the clock. */
function buildTime() {
  const sde = process.env.SOURCE_DATE_EPOCH;
  const secs = sde !== undefined && sde !== '' ? sde : String(Math.floor(Date.now() / 1000));
  const iso = engine.epochToRfc3339(secs);
  if (iso === undefined) throw new HostError(`SOURCE_DATE_EPOCH must be whole seconds since 1970 (it is \`${secs}\`)`);
  return iso;
}

/** The UTC offset (minutes east) of `zone` at `instant`, from the system's zone data through `date`. */
async function zoneOffset(zone, instant) {
  const bad = () => new HostError(`unknown time zone \`${zone}\` (use an IANA name such as Europe/Paris)`);
  const plain = /^[A-Za-z0-9/_+-]*$/.test(zone);
  const tzdir = process.env.TZDIR ?? '/usr/share/zoneinfo';
  let isFile = false;
  try {
    isFile = statSync(join(tzdir, zone)).isFile();
  } catch {
    isFile = false;
  }
  if (!plain || zone.includes('..') || zone.startsWith('/') || !isFile) throw bad();
  const date = findProgram('date');
  if (date === undefined) throw new HostError('`date` is not on PATH (it gives time-zone offsets)');
  const r = await runBounded(date, ['-d', instant, '+%z'], {
    cwd: '.',
    env: { ...process.env, TZ: zone },
    timeoutMs: TIMEOUT_S * 1000,
    keepStderr: true,
  });
  if (r.done && r.done.code === 0) {
    const s = r.done.stdout.toString('utf8').trim();
    const sign = s.slice(0, 1);
    const digits = s.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) throw bad();
    const n = Number(digits);
    const minutes = Math.trunc(n / 100) * 60 + (n % 100);
    return sign === '-' ? -minutes : minutes;
  }
  throw new HostError(`\`date\` could not give the offset of ${zone} at ${instant}`);
}

/** metadata-action's inputs given on the command line, or undefined. */
function cliInputs(a) {
  const m = {};
  for (const k of ['images', 'tags', 'flavor', 'labels', 'annotations']) {
    if (a[k] !== null && a[k] !== undefined) m[k] = a[k];
  }
  return Object.keys(m).length > 0 ? m : undefined;
}

/** `imprint metadata`. */
export async function metadataCmd(a) {
  const inputs = cliInputs(a);
  const hasPolicy = a.policy !== null && a.policy !== undefined;
  let source;
  if (hasPolicy && inputs === undefined) source = { policy: loadPolicy(a.policy) };
  else if (!hasPolicy && inputs !== undefined) source = { inputs };
  else if (hasPolicy) throw new HostError("give --policy or metadata-action's inputs (--tags, --images …), not both");
  else throw new HostError("give --policy (a policy with `metadata_action`) or metadata-action's inputs (--tags, --images …)");
  writeOut(await metadataText(source, a.repo, a.format));
  return Status.Ok;
}

/**
 * Gathers the facts, asks the engine, gives the rendered text (warnings to stderr).
 * @param {{ policy?: { text: string, origin: string }, inputs?: object }} source
 * @param {string} repo
 * @param {string} format
 */
export async function metadataText(source, repo, format) {
  const env = ciEnv();
  const inCi = ['GITHUB_ACTIONS', 'GITLAB_CI', 'BUILDKITE'].some(k => env[k] === 'true');
  const ci = { payload: payload(env), git: await gitFacts(repo, inCi), env };
  const knobs = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('DOCKER_METADATA_')));
  const now = buildTime();
  const req = { op: 'metadata', ci, env: knobs, now, format };
  let origin;
  if (source.policy) {
    req.policy = source.policy.text;
    origin = source.policy.origin;
  } else {
    req.inputs = source.inputs;
    origin = 'the command line';
  }
  const zones = {};
  for (let i = 0; i < 3; i++) {
    const r = ask(req, origin);
    if (r.type === 'rendered_metadata') {
      for (const w of r.warnings) warn(w);
      return r.text;
    }
    if (r.type === 'metadata_error' && (r.missing_offsets ?? []).length > 0) {
      for (const need of r.missing_offsets) {
        const offset = await zoneOffset(need.zone, need.at);
        if (!(need.zone in zones)) zones[need.zone] = { now: await zoneOffset(need.zone, now) };
        zones[need.zone][need.of] = offset;
      }
      req.zones = zones;
      continue;
    }
    if (r.type === 'metadata_error') throw new HostError(r.message);
    throw unexpected('metadata');
  }
  throw new HostError('the engine kept asking for time-zone offsets');
}

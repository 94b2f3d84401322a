// The facts a metadata-action computation reads, gathered as the real
// action gathers them (its src/context.ts), but from what is already at
// hand first: the workflow context from the environment and the event
// payload, the repository from the payload (else the API, with a token), a
// commit date from the payload, the API or git, the clock from
// SOURCE_DATE_EPOCH. What could not be learned is said, not invented.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { apiGet } from './api.mjs';

/** Thrown for a fact that cannot be gathered; the message says why and what to do. */
export class FactError extends Error {}

/**
 * The build time: `SOURCE_DATE_EPOCH` (seconds) when set, else the clock.
 * @param {NodeJS.ProcessEnv} env
 * @param {() => number} clock  milliseconds since the epoch
 */
export function buildTime(env, clock = Date.now) {
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde !== undefined && sde !== '') {
    if (!/^[0-9]{1,12}$/.test(sde)) {
      throw new FactError(`SOURCE_DATE_EPOCH must be whole seconds since 1970 (it is ${JSON.stringify(sde)})`);
    }
    return new Date(Number(sde) * 1000).toISOString();
  }
  return new Date(clock()).toISOString();
}

/**
 * The event payload at GITHUB_EVENT_PATH: `{}` when unset; an error when it
 * names a missing file (@actions/github reads that as `{}`, which would
 * make every event fact unknown without saying so).
 * @param {NodeJS.ProcessEnv} env
 */
export function eventPayload(env) {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  if (!existsSync(path)) {
    throw new FactError(`GITHUB_EVENT_PATH names ${path}, which does not exist: the event payload cannot be read`);
  }
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FactError(`cannot read the event payload ${path} (GITHUB_EVENT_PATH): ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FactError(`the event payload ${path} (GITHUB_EVENT_PATH) is not JSON: ${e.message}`);
  }
}

/**
 * The repository's owner and name: GITHUB_REPOSITORY, else the payload's.
 * @param {NodeJS.ProcessEnv} env
 * @param {any} payload
 */
export function repository(env, payload) {
  if (env.GITHUB_REPOSITORY) {
    const [owner, repo] = env.GITHUB_REPOSITORY.split('/');
    return { owner, repo };
  }
  if (payload?.repository?.owner?.login && payload?.repository?.name) {
    return { owner: payload.repository.owner.login, repo: payload.repository.name };
  }
  throw new FactError("context.repo requires a GITHUB_REPOSITORY environment variable like 'owner/repo'");
}

/**
 * Runs git in `cwd`; its trimmed stdout, or undefined when it fails.
 * @param {string[]} args
 * @param {string} cwd
 */
function git(args, cwd) {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The ref and sha of the checkout in `cwd` (`context: git`): the branch
 * HEAD is on, else the tag HEAD points at; a detached HEAD that is neither
 * is an error, as in metadata-action.
 * @param {string} cwd
 */
export function gitRefAndSha(cwd) {
  const sha = git(['rev-parse', '--verify', 'HEAD'], cwd);
  if (!sha) throw new FactError(`git cannot read a commit in ${cwd} (context: git needs a checkout with HEAD)`);
  const branch = git(['symbolic-ref', '-q', 'HEAD'], cwd);
  if (branch) return { ref: branch, sha };
  const tags = (git(['tag', '--points-at', 'HEAD', '--sort=-creatordate'], cwd) ?? '').split('\n').filter(Boolean);
  if (tags.length > 0) return { ref: `refs/tags/${tags[0]}`, sha };
  throw new FactError('Cannot infer ref from detached HEAD (check out a branch or a tag)');
}

/**
 * The repository data: the event payload's `repository` when it holds the
 * fields metadata-action reads (push, pull request and tag events do), so
 * most runs need no network; else the API's, with a token; `warnings` says
 * what could not be learned.
 * @param {{ owner: string, repo: string }} repo
 * @param {any} payload
 * @param {string} token
 * @param {string[]} warnings
 */
export async function repoData(repo, payload, token, warnings) {
  const r = payload?.repository;
  const complete = r && typeof r === 'object' && typeof r.name === 'string' && typeof r.html_url === 'string' && 'default_branch' in r;
  if (complete) return r;
  if (token) {
    const got = await apiGet(`/repos/${repo.owner}/${repo.repo}`, token);
    if (got.ok) return got.data;
    warnings.push(`the repository's data could not be read from the GitHub API (${got.why})`);
  }
  if (r && typeof r === 'object') return r;
  warnings.push(
    'no repository data (the event payload holds none, and no token for the GitHub API): the title, description, url, source and licenses labels are empty'
  );
  return null;
}

/**
 * The commit's date when the payload lacks it: the API's (with a token),
 * else git's; undefined when neither knows.
 * @param {{ owner: string, repo: string }} repo
 * @param {string} sha
 * @param {string} token
 * @param {string} cwd
 * @param {string[]} tried  what failed, for the error message
 */
export async function commitDate(repo, sha, token, cwd, tried) {
  if (token && sha) {
    const got = await apiGet(`/repos/${repo.owner}/${repo.repo}/commits/${sha}`, token);
    const date = got.ok ? got.data?.commit?.committer?.date : undefined;
    if (date) return date;
    tried.push(got.ok ? 'the API answered without a committer date' : got.why);
  } else {
    tried.push('no token for the GitHub API');
  }
  if (sha) {
    const date = git(['show', '-s', '--format=%cI', sha, '--'], cwd);
    if (date) return date;
    tried.push(`git has no commit ${sha} in ${cwd}`);
  }
  return undefined;
}

/**
 * UTC offsets (minutes east) of `zone` at the given instants, from the
 * runtime's time-zone data (Intl).
 * @param {string} zone
 * @param {string[]} instants  ISO 8601
 */
export function zoneOffsets(zone, instants) {
  let fmt;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  } catch {
    throw new FactError(`unknown time zone ${JSON.stringify(zone)} (use an IANA name such as Europe/Paris)`);
  }
  return instants.map(iso => {
    const name = fmt.formatToParts(new Date(iso)).find(p => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
    if (!m) throw new FactError(`cannot read the UTC offset of ${zone} (${name})`);
    return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  });
}

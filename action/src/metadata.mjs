// docker/metadata-action's job over the engine: gather the facts, ask the
// engine's `metadata` op (it computes every output, byte for byte), write
// the outputs, the DOCKER_METADATA_OUTPUT_* variables and the bake files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTime, commitDate, eventPayload, FactError, gitRefAndSha, repoData, repository, zoneOffsets } from './facts.mjs';
import { command, exportVariable, input, setOutput } from './runner.mjs';

/** The action inputs metadata-action has, under its names. */
export function metadataInputs() {
  return {
    images: input('images'),
    tags: input('tags'),
    flavor: input('flavor'),
    labels: input('labels'),
    annotations: input('annotations'),
    'sep-tags': input('sep-tags', { trim: false }) || '\n',
    'sep-labels': input('sep-labels', { trim: false }) || '\n',
    'sep-annotations': input('sep-annotations', { trim: false }) || '\n',
    'bake-target': input('bake-target') || 'docker-metadata-action',
  };
}

/** The toolkit's `Util.parseBool`. */
function parseBool(v) {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new FactError(`parseBool syntax error: ${v}`);
}

/**
 * Runs metadata-action's job; resolves to the engine's `metadata` answer.
 * With `policy` (a policy's text), its `metadata_action` gives the inputs.
 * @param {(request: string) => string} run  the engine's JSON boundary
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, policy?: string }} where
 */
export async function metadataAction(run, { cwd, env, policy }) {
  const source = input('context') || 'workflow';
  if (source !== 'workflow' && source !== 'git') throw new FactError(`Invalid context source: ${source}`);
  const token = input('github-token') || env.GITHUB_TOKEN || '';
  const payload = eventPayload(env);
  const repo = repository(env, payload);
  const github = {
    event_name: env.GITHUB_EVENT_NAME ?? null,
    sha: env.GITHUB_SHA ?? null,
    ref: env.GITHUB_REF ?? null,
    payload,
  };
  if (source === 'git') Object.assign(github, gitRefAndSha(cwd));
  const warnings = [];
  const request = {
    op: 'metadata',
    ...(policy === undefined ? { inputs: metadataInputs() } : { policy }),
    github,
    repo: await repoData(repo, payload, token, warnings),
    env: Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('DOCKER_METADATA_'))),
    now: buildTime(env),
    zones: {},
  };
  for (const w of warnings) command('warning', w);

  // The engine says what else it needs (a commit date, time-zone offsets);
  // give it and ask again, at most twice.
  let answer;
  for (let round = 0; ; round++) {
    answer = JSON.parse(run(JSON.stringify(request)));
    if (answer.type !== 'metadata_error' || round === 3) break;
    let more = false;
    if (answer.missing_commit_date && request.commit_date === undefined) {
      const tried = [];
      const sha = request.github.sha ?? '';
      const date = await commitDate(repo, sha, token, cwd, tried);
      if (!date) throw new FactError(`${answer.message}; looked up: ${tried.join('; ')}`);
      request.commit_date = date;
      more = true;
    }
    for (const need of answer.missing_offsets ?? []) {
      const [offset, now] = zoneOffsets(need.zone, [need.at, request.now]);
      request.zones[need.zone] = { now, ...request.zones[need.zone], [need.of]: offset };
      more = true;
    }
    if (!more) break;
  }
  if (answer.type !== 'metadata') throw new FactError(answer.message ?? `unexpected answer ${answer.type}`);
  writeOutputs(answer, env);
  return answer;
}

/**
 * Writes metadata-action's outputs in its order, each also exported as
 * DOCKER_METADATA_OUTPUT_<NAME> unless DOCKER_METADATA_SET_OUTPUT_ENV is false.
 * @param {any} answer  the engine's `metadata` answer
 * @param {NodeJS.ProcessEnv} env
 */
function writeOutputs(answer, env) {
  const toEnv = env.DOCKER_METADATA_SET_OUTPUT_ENV ? parseBool(env.DOCKER_METADATA_SET_OUTPUT_ENV) : true;
  const set = (name, value) => {
    setOutput(name, value);
    if (toEnv) exportVariable(`DOCKER_METADATA_OUTPUT_${name.replace(/\W/g, '_').toUpperCase()}`, value);
  };
  for (const w of answer.warnings) command('warning', w);
  const o = answer.outputs;
  for (const name of ['version', 'tags', 'tag-names', 'labels', 'annotations', 'json']) {
    set(name, o[name]);
    if (o[name] !== '') process.stdout.write(`${name}:\n${name === 'json' ? JSON.stringify(JSON.parse(o.json), null, 2) : o[name]}\n`);
  }
  const dir = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'docker-actions-toolkit-'));
  const files = [
    ['bake-file-tags', 'docker-metadata-action-bake-tags.json', o.bake.tags],
    ['bake-file-labels', 'docker-metadata-action-bake-labels.json', o.bake.labels],
    ['bake-file-annotations', 'docker-metadata-action-bake-annotations.json', o.bake.annotations],
    ['bake-file', 'docker-metadata-action-bake.json', o.bake.all],
  ];
  for (const [output, file, text] of files) {
    const path = join(dir, file);
    writeFileSync(path, text, { flag: 'wx' });
    set(output, path);
  }
}

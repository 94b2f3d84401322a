#!/usr/bin/env node
// Ports docker/metadata-action's own test table (`__tests__/meta.test.ts`, 131 rows) into the
// conformance vector file `tests/vectors/metadata-action.json` (op `metadata`).
//
// Usage (from the repository root):
//
//   git -C <metadata-action clone> show dc802804100637a589fabce1cb79ff13a1411302:__tests__/meta.test.ts > /tmp/meta.test.ts
//   node tests/vectors/tools/port-metadata-action.mjs /tmp/meta.test.ts <fixtures dir> > tests/vectors/metadata-action.json
//
// The fixtures dir is upstream's `__tests__/fixtures/` (the `.env` files, the event payloads and
// `repo.json`); in this workspace a copy lives in `shared/fixtures/github-actions/`.
//
// How a row becomes a case:
// - Each describe block's `test.each([...])` array is cut out of the test file, its TypeScript casts
//   (`as Inputs`, `as Version`, `as string[]`) are stripped, and the rest is evaluated as JavaScript,
//   so the template literals give exactly the strings upstream's test passes.
// - The row's `.env` file becomes a `fixtures.github` entry: `event_name` = GITHUB_EVENT_NAME,
//   `sha` = GITHUB_SHA, `ref` = GITHUB_REF (null when the file does not set the variable; an empty value
//   stays ""), `payload` = the JSON of the file GITHUB_EVENT_PATH names ({} when none or missing).
// - The row's inputs keep upstream's arrays (upstream's tests skip the action's CSV list parsing);
//   `sepTags` and `bakeTarget` become the action's input names `sep-tags` and `bake-target`.
// - The expectation is what the row's describe block compares (see `EXPECT` below).
//
// Where upstream's mocks hide what the real action does (the metadata-action reference, section 16),
// the row is kept and its `source` says so; for the `{{commit_date}}` rows the expectation is what the
// real action gives (`REAL` below, checked by running the action's bundle), and two more cases give
// latest01/latest02 their `tags` as the action's raw input text.

import { readFileSync } from "node:fs";
import { basename, join } from "node:path";

const UPSTREAM = "docker/metadata-action@dc802804100637a589fabce1cb79ff13a1411302 (v6.2.0)";
const NOW = "2020-01-10T00:30:00.000Z";

/** The describe blocks, in upstream's order, with what each one's helper compares. */
const BLOCKS = [
  "null",
  "push",
  "tag",
  "latest",
  "pr",
  "pr-head-sha",
  "schedule",
  "release",
  "raw",
  "json",
  "bakeFile",
  "bakeFileTagsLabels",
  "sepTags",
];

/** Upstream's `Inputs` field names → the action's input names. */
const INPUT_NAMES = {
  images: "images",
  tags: "tags",
  flavor: "flavor",
  labels: "labels",
  annotations: "annotations",
  sepTags: "sep-tags",
  sepLabels: "sep-labels",
  sepAnnotations: "sep-annotations",
  bakeTarget: "bake-target",
};

/** The DOCKER_METADATA_* variables a describe block's helper sets around every row. */
const BLOCK_ENV = {
  "pr-head-sha": { DOCKER_METADATA_PR_HEAD_SHA: "true" },
  // The helper calls getBakeFile('annotations:index,manifest-descriptor'); the action passes
  // 'annotations:' + DOCKER_METADATA_ANNOTATIONS_LEVELS (src/main.ts), so the knob stands for it.
  bakeFile: { DOCKER_METADATA_ANNOTATIONS_LEVELS: "index,manifest-descriptor" },
};

/** Why a block's helper gives the expectation it gives (appended to each row's source). */
const BLOCK_NOTE = {
  "pr-head-sha": "the helper sets DOCKER_METADATA_PR_HEAD_SHA=true and expects the same list for labels and annotations",
  json: "the helper compares meta.getJSON(['manifest']) (the `json` output, default annotation level)",
  bakeFile:
    "the helper compares the parsed bake files of getBakeFile('tags'), ('labels') and ('annotations:index,manifest-descriptor'); the levels are given here as DOCKER_METADATA_ANNOTATIONS_LEVELS, which is how the action builds that kind (src/main.ts)",
  bakeFileTagsLabels: "the helper compares the parsed bake file of getBakeFileTagsLabels() (the `bake-file` output)",
  sepTags: "the helper compares meta.getTags().join(sepTags) (the `tags` output)",
};

/** How each block's row turns into `expect` (after the name, env file and inputs). */
const EXPECT = {
  tagsLabels: (version, tags, labels, annotations) => ({
    type: "metadata",
    version: { main: version.main ?? null, partial: version.partial, latest: version.latest },
    tags,
    labels,
    annotations: annotations ?? labels,
  }),
  "pr-head-sha": (version, tags, labelsAnnotations) => ({
    type: "metadata",
    version: { main: version.main ?? null, partial: version.partial, latest: version.latest },
    tags,
    labels: labelsAnnotations,
    annotations: labelsAnnotations,
  }),
  json: (json) => ({ type: "metadata", json }),
  bakeFile: (tags, labels, annotations) => ({ type: "metadata", bake: { tags, labels, annotations } }),
  bakeFileTagsLabels: (all) => ({ type: "metadata", bake: { all } }),
  sepTags: (joined) => ({ type: "metadata", outputs: { tags: joined } }),
};

/**
 * Rows whose upstream expectation is not what the real action gives, and how the case differs.
 * Upstream mocks moment() to the frozen `now`, so `{{commit_date}}` renders `now` in its tests; the
 * real action renders the commit date it finds for the context sha (payload commits[] → head_commit →
 * GET /repos/{owner}/{repo}/commits/{sha} → now). Checked by running the action's bundle (dist/index.cjs)
 * with a frozen clock and a loopback API that answers only GET /repos/{owner}/{repo}.
 */
const REAL = {
  "push/push17": {
    note:
      "real action: {{commit_date}} is the commit date, not upstream's mocked now: event_push_master.json commits[0] (id = GITHUB_SHA) has timestamp 2022-04-19T11:04:39+02:00, so `mytag-cd-20220419` (checked by running the action's bundle)",
    replace: [["mytag-cd-20200110", "mytag-cd-20220419"]],
  },
  "push/push21": {
    note:
      "real action: {{commit_date}} is the commit date, not upstream's mocked now: event_push_master.json commits[0] (id = GITHUB_SHA) has timestamp 2022-04-19T11:04:39+02:00, so `mytag-src-20220419` and the created label 2022-04-19T09:04:39.000Z; the annotations keep the generated created (now), since the override is a label only (checked by running the action's bundle)",
    replace: [["mytag-src-20200110", "mytag-src-20220419"]],
    labels: [[`org.opencontainers.image.created=${NOW}`, "org.opencontainers.image.created=2022-04-19T09:04:39.000Z"]],
  },
};

/**
 * `{{commit_date}}` rows whose expectation stays upstream's: the payload has no timestamp for the sha,
 * so the real action asks the API for the commit and, without an answer, uses now — the request of a
 * vector carries no API answer, so now is what the engine must use.
 */
const COMMIT_DATE_FROM_API = {
  "pr/pr12": "event_pull_request.json has no commits[]/head_commit",
  "pr-head-sha/pr12": "event_pull_request.json has no commits[]/head_commit (the sha is pull_request.head.sha)",
  "schedule/schedule02": "event_schedule.json has no commits[]/head_commit",
  "schedule/schedule08": "event_schedule.json has no commits[]/head_commit",
  "release/release03": "event_release_created.json has no commits[]/head_commit",
};

/**
 * Appended to the source of the COMMIT_DATE_FROM_API rows, which give `commit_date` = now: imprint's
 * engine has no API and no clock fallback for `{{commit_date}}`, so a host hands in what the API said.
 */
const COMMIT_DATE_GIVEN =
  "imprint never falls back to the current time for {{commit_date}} (it fails instead), so this case gives the commit date as a host learns it from that API request, here the same instant the action's fallback renders";

/**
 * UTC offsets (minutes east) of the named time zones the rows' date expressions use, at `now` and at
 * the commit date. The engine has no time-zone database: a host hands these in. Asia/Tokyo is UTC+9
 * with no daylight saving time since 1951, so both instants give +540.
 */
const ZONES = { "Asia/Tokyo": { now: 540, commit_date: 540 } };

/** Rows where upstream's GitHub.context mock hides a failure of the real action. */
const MOCKED_CONTEXT = {
  "null/null01":
    "upstream's GitHub.context mock turns the unset GITHUB_* variables into '' and the repository into docker/repo; the real action fails on this fixture (context.repo requires a GITHUB_REPOSITORY environment variable like 'owner/repo'); kept as upstream expects it",
  "null/null02":
    "upstream's GitHub.context mock turns the empty GITHUB_* variables into '' and the repository into docker/repo; the real action fails on this fixture (context.repo requires a GITHUB_REPOSITORY environment variable like 'owner/repo'); kept as upstream expects it",
  "latest/latest01":
    "upstream passes `tags` as an array, skipping the action's input-list CSV parsing; through a real input string this line produces no tag (see the case latest01-input-string)",
  "latest/latest02":
    "upstream passes `tags` as an array, skipping the action's input-list CSV parsing; through a real input string this line produces no tag (see the case latest02-input-string)",
};

/** Cuts the `test.each([...])` array of a describe block out of the test file and evaluates it. */
function blockRows(testFile, block) {
  const start = testFile.indexOf(`describe('${block}', () => {`);
  if (start < 0) throw new Error(`no describe('${block}')`);
  const open = testFile.indexOf("test.each([", start);
  const close = testFile.indexOf("])('given", open);
  if (open < 0 || close < 0) throw new Error(`no test.each table in describe('${block}')`);
  const table = testFile
    .slice(open + "test.each(".length, close + 1)
    .replace(/ as (?:Inputs|Version|string\[\])(?![\w[])/g, "");
  return new Function(`return ${table};`)();
}

/** Parses a `.env` file as dotenv does for these fixtures: KEY=VALUE lines, `#` lines ignored. */
function parseEnv(text) {
  const env = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].trim();
  }
  return env;
}

/** The `fixtures.github` entry of one `.env` file. */
function githubFixture(fixturesDir, envFile) {
  const env = parseEnv(readFileSync(join(fixturesDir, envFile), "utf8"));
  let payload = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(join(fixturesDir, basename(env.GITHUB_EVENT_PATH)), "utf8"));
    } catch (e) {
      if (e.code !== "ENOENT") throw e;
    }
  }
  return {
    event_name: env.GITHUB_EVENT_NAME ?? null,
    sha: env.GITHUB_SHA ?? null,
    ref: env.GITHUB_REF ?? null,
    payload,
  };
}

/** The row's inputs under the action's input names, only those the row sets. */
function caseInputs(inputs) {
  const out = {};
  for (const [k, v] of Object.entries(inputs)) {
    const name = INPUT_NAMES[k];
    if (!name) throw new Error(`unknown Inputs field ${k}`);
    out[name] = v;
  }
  return out;
}

/** Replaces whole strings (and substrings of tag/version strings) in an expectation, for REAL rows. */
function applyReal(expect, real) {
  const sub = (s) => real.replace.reduce((acc, [a, b]) => acc.split(a).join(b), s);
  const out = structuredClone(expect);
  if (out.version.main !== null) out.version.main = sub(out.version.main);
  out.version.partial = out.version.partial.map(sub);
  out.tags = out.tags.map(sub);
  const labelSub = (s) => (real.labels ?? []).reduce((acc, [a, b]) => (acc === a ? b : acc), sub(s));
  out.labels = out.labels.map(labelSub);
  out.annotations = out.annotations.map(sub);
  return out;
}

function main() {
  const [testPath, fixturesDir] = process.argv.slice(2);
  if (!testPath || !fixturesDir) {
    process.stderr.write("usage: port-metadata-action.mjs <meta.test.ts> <fixtures dir>\n");
    process.exit(2);
  }
  const testFile = readFileSync(testPath, "utf8");
  const github = {};
  const cases = [];

  for (const block of BLOCKS) {
    for (const row of blockRows(testFile, block)) {
      const [name, envFile, inputs, ...expected] = row;
      const key = basename(envFile, ".env");
      github[key] ??= githubFixture(fixturesDir, envFile);
      const id = `${block}/${name}`;
      const kind = EXPECT[block] ? block : "tagsLabels";
      let expect = EXPECT[kind](...expected);
      const notes = [];
      if (BLOCK_NOTE[block]) notes.push(BLOCK_NOTE[block]);
      if (REAL[id]) {
        expect = applyReal(expect, REAL[id]);
        notes.push(REAL[id].note);
      }
      if (COMMIT_DATE_FROM_API[id]) {
        notes.push(
          `{{commit_date}}: ${COMMIT_DATE_FROM_API[id]}, so the real action asks GET /repos/{owner}/{repo}/commits/{sha} and, without an answer, renders now — as upstream's mock does and as this request (no API answer) must (checked by running the action's bundle with no such endpoint); ${COMMIT_DATE_GIVEN}`,
        );
      }
      if (MOCKED_CONTEXT[id]) notes.push(MOCKED_CONTEXT[id]);
      const kase = {
        name: block === "pr-head-sha" ? `pr-head-sha/${name}` : name,
        source: [`upstream ${UPSTREAM} __tests__/meta.test.ts describe('${block}') row ${name}`, ...notes].join("; "),
        github: key,
      };
      if (BLOCK_ENV[block]) kase.env = { ...BLOCK_ENV[block] };
      kase.inputs = caseInputs(inputs);
      kase.expect = expect;
      // The host's answer to that API request: the instant the action's fallback renders.
      if (COMMIT_DATE_FROM_API[id]) kase.commit_date = NOW;
      cases.push(kase);
    }
  }

  cases.push(...inputStringCases(cases));

  const doc = {
    about:
      "The `metadata` op against docker/metadata-action v6: upstream's own test table (__tests__/meta.test.ts at " +
      UPSTREAM +
      ", all 131 rows in upstream's order, generated by tests/vectors/tools/port-metadata-action.mjs) over upstream's fixtures (event .env files → fixtures.github, repo.json → fixtures.repo), with upstream's frozen clock as `now`. Inputs are upstream's arrays (no input-list CSV parsing) unless a case gives the raw input text as a string. Where upstream's mocks differ from the real action (shared/reference/metadata-action.md section 16) the case's source says so, and the {{commit_date}} expectations are the real action's (checked by running its bundle). defaults.zones gives the UTC offset of each named time zone the rows' date expressions use (the engine takes them from the host): Asia/Tokyo is UTC+9 (540 minutes) at both instants, having had no daylight saving time since 1951.",
    op: "metadata",
    fixtures: {
      github,
      repo: { octocat: JSON.parse(readFileSync(join(fixturesDir, "repo.json"), "utf8")) },
    },
    defaults: { now: NOW, repo: "octocat", zones: ZONES },
    cases,
  };
  validate(doc);
  process.stdout.write(`${JSON.stringify(doc, null, 1)}\n`);
}

/** The checks every vector file of this op must pass: whole cases, unique names, known fixtures. */
function validate(doc) {
  const names = new Set();
  for (const c of doc.cases) {
    for (const field of ["name", "source", "inputs", "expect"]) {
      if (c[field] === undefined || c[field] === "") throw new Error(`case ${c.name ?? "?"} has no ${field}`);
    }
    if (names.has(c.name)) throw new Error(`two cases named ${c.name}`);
    names.add(c.name);
    if (!(c.github in doc.fixtures.github)) throw new Error(`case ${c.name}: no github fixture ${c.github}`);
    if (c.expect.type !== "metadata") throw new Error(`case ${c.name}: expect.type is not metadata`);
  }
  if (!(doc.defaults.repo in doc.fixtures.repo)) throw new Error(`no repo fixture ${doc.defaults.repo}`);
  const upstream = doc.cases.filter((c) => c.source.includes("__tests__/meta.test.ts describe(") && !c.name.endsWith("-input-string"));
  if (upstream.length !== 131) throw new Error(`${upstream.length} upstream rows, not 131`);
}

/**
 * latest01/latest02 with `tags` as the text a workflow passes: the input list's CSV parsing consumes the
 * quotes of `"pattern=…{1,2}"`, the tag parser then splits the pattern at its comma, and `^release\d{1`
 * matches nothing: no version, no tag (reference sections 2 and 16; checked by running the action's bundle).
 */
function inputStringCases(cases) {
  return ["latest01", "latest02"].map((name) => {
    const row = cases.find((c) => c.name === name);
    if (!row) throw new Error(`no ${name}`);
    const labels = row.expect.labels.map((l) =>
      l.startsWith("org.opencontainers.image.version=") ? "org.opencontainers.image.version=" : l,
    );
    return {
      name: `${name}-input-string`,
      source: `upstream ${UPSTREAM} __tests__/meta.test.ts describe('latest') row ${name}, with \`tags\` as the action's raw input text: the input list's CSV parsing consumes the quotes, the tag parser splits \`pattern=…{1,2}\` at its comma, and the pattern no longer matches, so the real action gives no version and no tag (shared/reference/metadata-action.md sections 2 and 16; checked by running the action's bundle)`,
      github: row.github,
      inputs: { ...row.inputs, tags: row.inputs.tags.join("\n") },
      expect: {
        type: "metadata",
        version: { main: null, partial: [], latest: false },
        tags: [],
        labels,
        annotations: labels,
      },
    };
  });
}

main();

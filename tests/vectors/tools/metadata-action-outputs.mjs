#!/usr/bin/env node
// Generates `tests/vectors/metadata-action-outputs.json`: the exact TEXT of every output
// docker/metadata-action v6 writes (`version`, `tags`, `tag-names`, `labels`, `annotations`, `json`
// and the four bake files), for cases upstream's own test table (metadata-action.json) does not pin
// byte for byte: raw input text through the action's list parsing, odd separators, ICU label order,
// the DOCKER_METADATA_* knobs, flavor/latest quirks, HTML escaping and priorities.
//
// Usage (from the repository root):
//
//   git -C <metadata-action clone> show dc802804100637a589fabce1cb79ff13a1411302:dist/index.cjs > /tmp/index.cjs
//   node tests/vectors/tools/metadata-action-outputs.mjs /tmp/index.cjs > tests/vectors/metadata-action-outputs.json
//
// Every expectation is what the REAL action writes: each case runs the action's bundle (v6.2.0, its
// sha256 is checked) in a child `node`, as a runner would:
// - the clock is frozen at `now` (2020-01-10T00:30:00Z) by a `--require`d module that replaces
//   `new Date()` and `Date.now()`, and the process time zone is UTC;
// - the case's inputs go in as `INPUT_<NAME>` variables, exactly as written (a string is the action's
//   raw input text; nothing is quoted or joined here);
// - its `github` context becomes GITHUB_EVENT_NAME / GITHUB_SHA / GITHUB_REF and a payload file at
//   GITHUB_EVENT_PATH; its `env` (DOCKER_METADATA_*) is set as is;
// - GITHUB_API_URL points at a loopback server that answers GET /repos/{owner}/{repo} with the repo
//   fixture and GET /repos/{owner}/{repo}/commits/{sha} with the case's `commit_date` (404 without one);
// - the outputs are read back from GITHUB_OUTPUT (the runner's `name<<delimiter` heredoc format) and the
//   bake files from the paths the `bake-file*` outputs name (under RUNNER_TEMP), byte for byte.
// A case whose run fails, prints `::error::`, or would need a commit date the request does not carry
// (a `{{commit_date}}` the payload cannot answer and the case gives none) stops the generator.
//
// The `github` fixtures and the repo fixture are copied from metadata-action.json (upstream's fixtures).

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const UPSTREAM = "docker/metadata-action v6.2.0 (dc80280)";
const BUNDLE_SHA256 = "91b260f14a7be217e6b9145845f957ba35278448b8333bb6c82348dfe0e35694";
const NOW = "2020-01-10T00:30:00.000Z";
const VECTORS = join(dirname(fileURLToPath(import.meta.url)), "..");

/** A made-up push to a branch whose name holds characters Handlebars escapes. */
const pushTo = (branch) => ({
  event_name: "push",
  sha: "860c1904a1ce19322e91ac35af1ab07466440c37",
  ref: `refs/heads/${branch}`,
  payload: { repository: { default_branch: "master" } },
});

/** Sha-length cases: the same rules under each DOCKER_METADATA_SHORT_SHA_LENGTH. */
const shaLength = (value) => ({
  name: `short-sha-length-${value}`,
  note: `DOCKER_METADATA_SHORT_SHA_LENGTH=${value} (Number() of it, then substring; ≥ the sha's length gives the whole sha) for type=sha, {{sha}} in a tag and in a label`,
  github: "event_push_dev",
  env: { DOCKER_METADATA_SHORT_SHA_LENGTH: value },
  inputs: {
    images: "org/app",
    tags: "type=sha\ntype=sha,format=long,prefix=\ntype=raw,value=s{{sha}}\n",
    labels: "x.sha={{sha}}",
  },
});

/**
 * The cases: name, what it exercises (`note`), the `github` fixture name or an inline context, the
 * DOCKER_METADATA_* `env`, the action's inputs as raw text, and a `commit_date` when the API is asked.
 */
const CASES = [
  // --- input list parsing (toolkit Util.getInputList: CSV, `#` comments, trim) ---
  {
    name: "list-csv-quoted-match-pattern",
    note: 'a tags line CSV-quoted as a whole with doubled inner quotes keeps the comma of `pattern=\\d{1,2}` (the list parser consumes the outer quotes, the tag parser reads `"pattern=\\d{1,2}"` as one field)',
    github: "event_tag_v1.1.1",
    inputs: {
      images: "org/app",
      tags: 'type=ref,event=tag\n"type=match,""pattern=\\d{1,2}"""\n',
    },
  },
  {
    name: "list-comments-and-infix-hash",
    note: "`#` starts a comment only as a record's first character: `foo#bar` and `x.h=a#b` keep it (a `#` in a tag sanitizes to `-`)",
    github: "event_push_dev",
    inputs: {
      images: "# the image\norg/app",
      tags: "# comment line\ntype=raw,value=foo#bar\n#type=raw,value=hidden\ntype=ref,event=branch\n",
      labels: "#org.opencontainers.image.title=commented\nx.h=a#b\n",
    },
  },
  {
    name: "list-crlf-blank-indented",
    note: "CRLF line ends, blank lines, indented and trailing-space lines: records are trimmed, empty ones dropped; a spaces-only label line becomes an empty item, dropped as a label without `=` (in tags or images such a line crashes the action); an indented `#` is not a comment (the label key keeps it)",
    github: "event_push_dev",
    inputs: {
      images: "  org/app  \r\n\r\n",
      tags: "\r\n  type=raw,value=one\r\n\r\n\ttype=raw,value=two  \r\ntype=ref,event=branch\r\n",
      labels: "  x.indented=yes  \r\n   \r\n\t#x.hash=kept\r\n\r\n",
      annotations: "\r\n x.note=crlf \r\n",
    },
  },
  {
    name: "list-raw-value-commas",
    note: "commas in raw tags: `type=raw,value=a,b` is three fields and the bare `b` is the value; a line CSV-quoted whole reaches the tag parser unchanged; `\"\"value=c,d\"\"` inside a quoted line keeps `c,d` (sanitized `c-d`)",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      tags: 'type=raw,value=a,b\n"type=raw,value=x,y,priority=150"\n"type=raw,""value=c,d"""\n',
    },
  },
  {
    name: "list-label-quotes",
    note: "label lines are not re-parsed: quotes inside an unquoted record stay, a CSV-quoted record loses its outer quotes and doubled quotes become one",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      labels: 'x.q=a "b" c\nx.desc="quoted value"\n"x.dq=say ""hi"""\n',
    },
  },
  {
    name: "list-quoted-date-format-comma",
    note: "a date format with a comma, the tags line CSV-quoted whole; the label line is not split at its comma",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      tags: "\"type=raw,\"\"value={{date 'MMM D, YYYY'}}\"\"\"\n",
      labels: "x.when={{date 'dddd, MMMM Do YYYY'}}\n",
    },
  },
  // --- separators and bake target ---
  {
    name: "sep-comma-space-backslash-n",
    note: "sep-tags `,`, sep-labels ` ` (one space, not trimmed), sep-annotations the two characters `\\n` (no escape processing)",
    github: "event_tag_v1.1.1",
    inputs: {
      images: "org/app\nghcr.io/org/app",
      tags: "type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}",
      "sep-tags": ",",
      "sep-labels": " ",
      "sep-annotations": "\\n",
    },
  },
  {
    name: "sep-multichar-and-bake-target-spaces",
    note: "sep-tags ` | `, sep-labels `;`, sep-annotations a tab; bake-target with spaces around it is trimmed",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      tags: "type=ref,event=branch\ntype=sha",
      "sep-tags": " | ",
      "sep-labels": ";",
      "sep-annotations": "\t",
      "bake-target": "  my-target  ",
    },
  },
  // --- labels and annotations: ICU order, overrides, odd keys ---
  {
    name: "labels-icu-sort-order",
    note: "label keys sorted by String.prototype.localeCompare (ICU collation, not byte order); digit-only keys come first in the json/bake label objects (JavaScript integer-like keys)",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      labels:
        "Z.label=z\nb=lower\nB=upper\ncom.example.x=dot\ncom.example-x=dash\ncom.example_x=underscore\n_x=under\n1abc=digits\na.label=a\norg.opencontainers.image.Title=upper-title\n123=int\n",
    },
  },
  {
    name: "labels-overrides-and-odd-values",
    note: "user labels override generated ones (title, version, created) in place; `=novalue-key` has an empty key; values keep later `=`; an empty value is kept; a line without `=` is dropped; keys of digits (`123`, `7`) lead the json/bake objects",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      tags: "type=ref,event=branch",
      labels:
        "org.opencontainers.image.title=My Title\norg.opencontainers.image.version=9.9.9\norg.opencontainers.image.created=yesterday\n=novalue-key\nx.eq=a=b=c\nx.empty=\nnoequals\n123=x\n7=y\nx.dup=first\nx.dup=second\n",
    },
  },
  {
    name: "annotations-levels-index-manifest",
    note: "DOCKER_METADATA_ANNOTATIONS_LEVELS=index,manifest: level-major order in the annotations output, json and bake annotations; a user annotation overrides a generated one",
    github: "event_tag_v1.1.1",
    env: { DOCKER_METADATA_ANNOTATIONS_LEVELS: "index,manifest" },
    inputs: {
      images: "org/app",
      tags: "type=ref,event=tag",
      annotations: "org.opencontainers.image.description=Annotated\nx.a=1\n",
    },
  },
  {
    name: "annotations-levels-spaces",
    note: "DOCKER_METADATA_ANNOTATIONS_LEVELS=' manifest , index': levels split at `,`, not trimmed (` manifest ` and ` index`); an annotation key starting `index:` is just a key",
    github: "event_push_dev",
    env: { DOCKER_METADATA_ANNOTATIONS_LEVELS: " manifest , index" },
    inputs: {
      images: "org/app",
      annotations: "index:org.opencontainers.image.title=Idx\n",
    },
  },
  // --- DOCKER_METADATA_SHORT_SHA_LENGTH and DOCKER_METADATA_PR_HEAD_SHA ---
  shaLength("12"),
  shaLength("0"),
  shaLength("7.5"),
  shaLength("0x10"),
  shaLength("40"),
  shaLength("100"),
  {
    name: "pr-head-sha",
    note: "DOCKER_METADATA_PR_HEAD_SHA=true on a pull_request event: the sha (type=sha, {{sha}}, the revision label) is pull_request.head.sha",
    github: "event_pull_request",
    env: { DOCKER_METADATA_PR_HEAD_SHA: "true" },
    inputs: {
      images: "org/app",
      tags: "type=ref,event=pr\ntype=sha\ntype=raw,value=head-{{sha}}",
      labels: "x.sha={{sha}}\nx.base={{base_ref}}",
    },
  },
  {
    name: "pr-commit-date-from-api",
    note: "{{commit_date}} on a pull_request event whose payload has no commit timestamps: the action asks GET /repos/{owner}/{repo}/commits/{sha} (answered here with the case's commit_date) and formats it, here in Asia/Tokyo (UTC+9)",
    github: "event_pull_request",
    commit_date: "2019-12-31T20:15:00Z",
    inputs: {
      images: "org/app",
      tags: "type=ref,event=pr\ntype=raw,value=cd-{{commit_date 'YYYYMMDD-HHmm'}}\ntype=raw,value=jst-{{commit_date 'YYYYMMDD-HHmm' tz='Asia/Tokyo'}}",
      labels: "x.commit={{commit_date 'YYYY-MM-DDTHH:mm:ssZ'}}",
    },
  },
  // --- flavor and latest ---
  {
    name: "flavor-latest-true-prefix-suffix-onlatest",
    note: "flavor latest=true with a prefix applied to latest (onlatest=true on its line) and a suffix that is not: every rule's value gets both, the latest tag only the prefix",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      tags: "type=ref,event=branch\ntype=sha",
      flavor: "latest=true\nprefix=pre-,onlatest=true\nsuffix=-suf",
    },
  },
  {
    name: "flavor-latest-false-on-tag",
    note: "flavor latest=false: a tag event gives no latest tag",
    github: "event_tag_v1.1.1",
    inputs: {
      images: "org/app",
      tags: "type=ref,event=tag\ntype=semver,pattern={{version}}",
      flavor: "latest=false",
    },
  },
  {
    name: "flavor-latest-duplicate",
    note: "type=raw,value=latest with flavor latest=true: the latest tag is not deduplicated, so `latest` appears twice per image",
    github: "event_push_dev",
    inputs: {
      images: "org/app\nghcr.io/org/app",
      tags: "type=raw,value=latest",
      flavor: "latest=true",
    },
  },
  {
    name: "flavor-onlatest-prefix-unrendered",
    note: "flavor prefix `v{{branch}}-` with onlatest=true: rendered for rule values, used unrendered (then sanitized) for the latest tag; suffix onlatest=true too",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      tags: "type=ref,event=branch",
      flavor: "latest=true\nprefix=v{{branch}}-,onlatest=true\nsuffix=-{{sha}},onlatest=true",
    },
  },
  // --- images ---
  {
    name: "images-old-format-uppercase",
    note: "images in the old one-line format `a,b` (no `=` in any field): two images, lower-cased; DOCKER_META_IMAGES in the bake files",
    github: "event_tag_v1.1.1",
    inputs: {
      images: "Org/App,ghcr.io/Org/App",
      tags: "type=ref,event=tag",
    },
  },
  {
    name: "images-new-format-enable-false",
    note: "images in the new format: `enable=false` skips an image, keys are case-insensitive (`Enable=true`), names are lower-cased",
    github: "event_push_dev",
    inputs: {
      images: "name=org/disabled,enable=false\nname=ghcr.io/Org/B\nORG/C,Enable=true",
      tags: "type=ref,event=branch",
    },
  },
  {
    name: "images-none-enabled",
    note: "no enabled image: tags are bare tag names and DOCKER_META_IMAGES is empty",
    github: "event_push_dev",
    inputs: {
      images: "name=org/a,enable=false",
      tags: "type=ref,event=branch\ntype=raw,value=extra",
    },
  },
  // --- expressions: HTML escaping ---
  {
    name: "html-escape-branch-amp-equals",
    note: "a branch `feat=x&y` (inline context): {{branch}} is HTML-escaped (`feat&#x3D;x&amp;y`, tag `feat-x3D-x-amp-y`), {{{branch}}} is not (tag `feat-x-y`, same as type=ref,event=branch, deduplicated)",
    github: pushTo("feat=x&y"),
    inputs: {
      images: "org/app",
      tags: "type=raw,value={{branch}}\ntype=raw,value={{{branch}}}\ntype=ref,event=branch",
      labels: "x.branch={{branch}}\nx.raw={{{branch}}}",
      annotations: "x.branch={{branch}}",
    },
  },
  {
    name: "html-escape-quotes-angles",
    note: "a branch with `\"`, `'`, `<`, `>` and a backtick (inline context): each escaped by {{branch}} (`&quot;` `&#x27;` `&lt;` `&gt;` `&#x60;`), none by {{{branch}}}; a label key rendered from an expression",
    github: pushTo("a\"b'c<d>e`f"),
    inputs: {
      tags: "type=raw,value={{branch}}\ntype=raw,value=t-{{{branch}}}",
      labels: "x.b={{branch}}\nx.raw={{{branch}}}\nx.{{sha}}=keyed",
    },
  },
  {
    name: "html-escape-date-triple-stash",
    note: "helper results are escaped like any {{…}}: {{date 'YYYY=MM'}} gives `2020&#x3D;01`, {{{date 'YYYY=MM'}}} gives `2020=01`; date in Asia/Tokyo (UTC+9)",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      tags: "type=raw,value={{date 'YYYY=MM'}}\ntype=raw,value=t{{{date 'YYYY=MM'}}}\ntype=raw,value={{date 'YYYYMMDD-HHmm' tz='Asia/Tokyo'}}",
      labels: "x.d={{date 'YYYY=MM'}}\nx.t={{{date 'YYYY=MM'}}}",
    },
  },
  // --- priorities ---
  {
    name: "priority-ordering",
    note: "priorities compared as Number(): `1e3` is 1000, floats and negatives order, empty is 0, equal priorities keep input order; the first value is the version",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      tags: [
        "type=raw,value=p-empty,priority=",
        "type=raw,value=p-neg,priority=-5",
        "type=raw,value=p-default",
        "type=raw,value=p-float,priority=200.5",
        "type=sha,priority=200.25",
        "type=raw,value=p-1e3,priority=1e3",
        "type=raw,value=p-default-2,priority=200",
        "type=ref,event=branch,priority=-0.5",
        "",
      ].join("\n"),
    },
  },
  // --- whole outputs of ordinary runs ---
  {
    name: "defaults-tag-event",
    note: "empty tags input (the default rule set) on a tag push, two images: every output",
    github: "event_tag_v1.1.1",
    inputs: { images: "org/app\nghcr.io/org/app" },
  },
  {
    name: "no-version",
    note: "no rule produces a value: version, tags and tag-names are empty, the version label is empty and the bake tags file has no DOCKER_META_VERSION",
    github: "event_push_dev",
    inputs: {
      images: "org/app",
      tags: "type=ref,event=tag\ntype=semver,pattern={{version}}",
    },
  },
  {
    name: "semver-full-outputs",
    note: "type=semver patterns on tag v1.1.1 with type=sha and {{is_default_branch}}/{{tag}}/{{base_ref}} labels: every output",
    github: "event_tag_v1.1.1",
    inputs: {
      images: "org/app",
      tags: "type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=sha",
      labels: "x.default={{is_default_branch}}\nx.tag={{tag}}\nx.base={{base_ref}}",
    },
  },
  {
    name: "commit-date-from-payload",
    note: "{{commit_date}} from the payload's commits[] entry for the sha (2022-04-19T11:04:39+02:00), also in Asia/Tokyo; {{is_default_branch}} on the default branch",
    github: "event_push_master",
    inputs: {
      images: "org/app",
      tags: "type=edge\ntype=raw,value=c{{commit_date 'YYYYMMDD-HHmmss'}}\ntype=raw,value=j{{commit_date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
      labels: "x.default={{is_default_branch}}\nx.not={{is_not_default_branch}}",
    },
  },
  {
    name: "branch-invalid-chars",
    note: "a branch `my/feature#1245`: the ref tag sanitizes it, {{branch}} in a label keeps it raw",
    github: "event_push_invalidchars",
    inputs: {
      images: "org/app",
      tags: "type=ref,event=branch\ntype=raw,value=b-{{branch}},suffix=-x",
      labels: "x.branch={{branch}}",
    },
  },
];

/** The Node module that freezes the clock of the action's process. */
const FREEZE = `const RealDate = Date;
const FIXED = RealDate.parse(${JSON.stringify(NOW)});
class FrozenDate extends RealDate {
  constructor(...a) { if (a.length === 0) super(FIXED); else super(...a); }
  static now() { return FIXED; }
}
globalThis.Date = FrozenDate;
`;

/** Parses the runner's GITHUB_OUTPUT file: `name<<delimiter\nvalue\ndelimiter\n` records. */
function parseOutputFile(text) {
  const out = {};
  let pos = 0;
  while (pos < text.length) {
    const eol = text.indexOf("\n", pos);
    const m = /^([^<]+)<<(.+)$/.exec(text.slice(pos, eol));
    if (eol < 0 || !m) throw new Error(`GITHUB_OUTPUT: unexpected record at ${pos}: ${JSON.stringify(text.slice(pos, pos + 80))}`);
    const start = eol + 1;
    const end = text.indexOf(`\n${m[2]}\n`, start - 1);
    if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing delimiter for ${m[1]}`);
    out[m[1]] = end < start ? "" : text.slice(start, end);
    pos = end + m[2].length + 2;
  }
  return out;
}

/** A loopback GitHub API: the repo, and the current case's commit date when it has one. */
function startApi(repo) {
  const state = { commitDate: undefined, commitsAsked: 0 };
  const server = createServer((req, res) => {
    const path = req.url.split("?")[0];
    const send = (code, body) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET") return send(404, { message: "Not Found" });
    if (/^\/repos\/[^/]+\/[^/]+\/?$/.test(path)) return send(200, repo);
    if (/^\/repos\/[^/]+\/[^/]+\/commits\/[^/]+$/.test(path)) {
      state.commitsAsked++;
      if (state.commitDate) return send(200, { commit: { committer: { date: state.commitDate } } });
    }
    return send(404, { message: "Not Found" });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, state })));
}

/** Runs the action's bundle for one case and returns its outputs and bake-file texts. */
function runAction(bundle, freeze, port, kase, context) {
  const tmp = mkdtempSync(join(tmpdir(), "ma-outputs-"));
  const event = join(tmp, "event.json");
  writeFileSync(event, JSON.stringify(context.payload ?? {}));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: "UTC",
    GITHUB_REPOSITORY: "docker/test-docker-action",
    GITHUB_EVENT_PATH: event,
    GITHUB_API_URL: `http://127.0.0.1:${port}`,
    GITHUB_OUTPUT: join(tmp, "output"),
    GITHUB_ENV: join(tmp, "env"),
    RUNNER_TEMP: tmp,
    "INPUT_GITHUB-TOKEN": "dummy",
    ...kase.env,
  };
  for (const [k, v] of [["GITHUB_EVENT_NAME", context.event_name], ["GITHUB_SHA", context.sha], ["GITHUB_REF", context.ref]]) {
    if (v !== null && v !== undefined) env[k] = v;
  }
  for (const [name, text] of Object.entries(kase.inputs)) env[`INPUT_${name.toUpperCase()}`] = text;
  writeFileSync(env.GITHUB_OUTPUT, "");
  writeFileSync(env.GITHUB_ENV, "");
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--require", freeze, bundle], { cwd: tmp, env });
    let log = "";
    p.stdout.on("data", (d) => (log += d));
    p.stderr.on("data", (d) => (log += d));
    p.on("error", reject);
    p.on("close", (code) => {
      try {
        if (code !== 0 || /::error::/.test(log)) throw new Error(`the action failed (exit ${code}):\n${log}`);
        const outputs = parseOutputFile(readFileSync(env.GITHUB_OUTPUT, "utf8"));
        const file = (name) => readFileSync(outputs[name], "utf8");
        resolve({
          version: outputs.version,
          tags: outputs.tags,
          "tag-names": outputs["tag-names"],
          labels: outputs.labels,
          annotations: outputs.annotations,
          json: outputs.json,
          bake: {
            tags: file("bake-file-tags"),
            labels: file("bake-file-labels"),
            annotations: file("bake-file-annotations"),
            all: file("bake-file"),
          },
        });
      } catch (e) {
        reject(new Error(`case ${kase.name}: ${e.message}`));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
}

/** The fields a case may have: the request fields of the `metadata` op, and name/source/expect. */
const CASE_FIELDS = ["name", "source", "github", "env", "inputs", "commit_date", "expect"];
/** The action's inputs the op reads (its request rejects others). */
const INPUT_FIELDS = ["images", "tags", "flavor", "labels", "annotations", "sep-tags", "sep-labels", "sep-annotations", "bake-target"];
/** The fields of a GitHub context. */
const GITHUB_FIELDS = ["event_name", "sha", "ref", "payload"];

/** Fails when `obj` has a key outside `allowed`. */
function onlyKeys(what, obj, allowed) {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length) throw new Error(`${what}: unknown field(s) ${extra.join(", ")}`);
}

/** Checks the finished file's shape: whole cases, unique names, known fixtures, all outputs as text. */
function validate(doc) {
  const names = new Set();
  const outputKeys = ["version", "tags", "tag-names", "labels", "annotations", "json", "bake"];
  onlyKeys("file", doc, ["about", "op", "fixtures", "defaults", "cases"]);
  if (doc.op !== "metadata" || !(doc.defaults.repo in doc.fixtures.repo) || typeof doc.defaults.now !== "string") {
    throw new Error("file: bad op or defaults");
  }
  for (const [k, g] of Object.entries(doc.fixtures.github)) onlyKeys(`fixture ${k}`, g, GITHUB_FIELDS);
  for (const c of doc.cases) {
    for (const field of ["name", "source", "github", "inputs", "expect"]) {
      if (c[field] === undefined || c[field] === "") throw new Error(`case ${c.name ?? "?"} has no ${field}`);
    }
    onlyKeys(`case ${c.name}`, c, CASE_FIELDS);
    onlyKeys(`case ${c.name} inputs`, c.inputs, INPUT_FIELDS);
    if (typeof c.github === "object") onlyKeys(`case ${c.name} github`, c.github, GITHUB_FIELDS);
    if (!c.source.includes(`produced by running ${UPSTREAM}`)) throw new Error(`case ${c.name}: source does not say how`);
    if (names.has(c.name)) throw new Error(`two cases named ${c.name}`);
    names.add(c.name);
    if (typeof c.github === "string" && !(c.github in doc.fixtures.github)) throw new Error(`case ${c.name}: no github fixture ${c.github}`);
    if (!Object.values(c.inputs).every((v) => typeof v === "string")) throw new Error(`case ${c.name}: inputs must be raw text`);
    const o = c.expect.outputs;
    if (c.expect.type !== "metadata" || Object.keys(o).join() !== outputKeys.join()) throw new Error(`case ${c.name}: bad expect`);
    if (Object.keys(o.bake).join() !== "tags,labels,annotations,all") throw new Error(`case ${c.name}: bad bake`);
    for (const v of [...outputKeys.slice(0, 6).map((k) => o[k]), ...Object.values(o.bake)]) {
      if (typeof v !== "string") throw new Error(`case ${c.name}: an output is not text`);
    }
    JSON.parse(o.json);
  }
}

async function main() {
  const [bundle] = process.argv.slice(2);
  if (!bundle) {
    process.stderr.write("usage: metadata-action-outputs.mjs <metadata-action dist/index.cjs at v6.2.0>\n");
    process.exit(2);
  }
  const sha = createHash("sha256").update(readFileSync(bundle)).digest("hex");
  if (sha !== BUNDLE_SHA256) throw new Error(`${bundle} is not metadata-action v6.2.0's bundle (sha256 ${sha})`);

  const first = JSON.parse(readFileSync(join(VECTORS, "metadata-action.json"), "utf8"));
  const repo = first.fixtures.repo[first.defaults.repo];
  const work = mkdtempSync(join(tmpdir(), "ma-freeze-"));
  const freeze = join(work, "freeze.cjs");
  writeFileSync(freeze, FREEZE);
  const { server, state } = await startApi(repo);
  const port = server.address().port;

  const github = {};
  const cases = [];
  try {
    for (const kase of CASES) {
      const context = typeof kase.github === "string" ? first.fixtures.github[kase.github] : kase.github;
      if (!context) throw new Error(`case ${kase.name}: no fixture ${kase.github}`);
      if (typeof kase.github === "string") github[kase.github] = context;
      state.commitDate = kase.commit_date;
      state.commitsAsked = 0;
      const outputs = await runAction(bundle, freeze, port, kase, context);
      const usesCommitDate = Object.values(kase.inputs).some((v) => v.includes("commit_date"));
      if (usesCommitDate && state.commitsAsked > 0 && !kase.commit_date) {
        throw new Error(`case ${kase.name}: {{commit_date}} came from the API fallback (now); give the case a commit_date`);
      }
      const out = {
        name: kase.name,
        source: `${kase.note}; expectation produced by running ${UPSTREAM} (dist/index.cjs) under Node with a frozen clock (${NOW}), outputs read from GITHUB_OUTPUT and the bake files from RUNNER_TEMP (tests/vectors/tools/metadata-action-outputs.mjs)`,
        github: kase.github,
      };
      if (kase.env) out.env = kase.env;
      out.inputs = kase.inputs;
      if (kase.commit_date) out.commit_date = kase.commit_date;
      out.expect = { type: "metadata", outputs };
      cases.push(out);
    }
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }

  const doc = {
    about:
      "The `metadata` op's outputs as TEXT, byte for byte as docker/metadata-action v6.2.0 (dc80280) writes them: `version`, `tags`, `tag-names`, `labels`, `annotations`, `json` (compact) and the four bake files (2-space JSON), for what upstream's test table (metadata-action.json) does not pin: inputs as raw action text through the list parser (CSV quoting, comments, CRLF), separators, bake target, ICU label order, DOCKER_METADATA_* knobs, flavor/latest quirks, images, HTML escaping and priorities. Generated by tests/vectors/tools/metadata-action-outputs.mjs, which runs the action's bundle for each case under Node with the clock frozen at `now` and a loopback GitHub API (the repo fixture; the case's commit_date for GET …/commits/{sha}). The github and repo fixtures are upstream's, copied from metadata-action.json; defaults.zones gives the UTC offset of each named time zone the cases use (the engine takes them from the host): Asia/Tokyo is UTC+9 (540 minutes) at both instants, having had no daylight saving time since 1951.",
    op: "metadata",
    fixtures: { github, repo: first.fixtures.repo },
    defaults: first.defaults,
    cases,
  };
  validate(doc);
  process.stdout.write(`${JSON.stringify(doc, null, 1)}\n`);
}

await main();

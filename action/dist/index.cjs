// src/main.mjs
var import_node_fs6 = require("node:fs");
var import_node_path4 = require("node:path");

// ../wasm/pkg/web/imprint.js
var LoadedPolicy = class _LoadedPolicy {
  static __wrap(ptr) {
    const obj = Object.create(_LoadedPolicy.prototype);
    obj.__wbg_ptr = ptr;
    LoadedPolicyFinalization.register(obj, obj.__wbg_ptr, obj);
    return obj;
  }
  __destroy_into_raw() {
    const ptr = this.__wbg_ptr;
    this.__wbg_ptr = 0;
    LoadedPolicyFinalization.unregister(this);
    return ptr;
  }
  free() {
    const ptr = this.__destroy_into_raw();
    wasm.__wbg_loadedpolicy_free(ptr, 0);
  }
  /**
   * The cards of artifacts given as JSON text (and, for rules that use
   * derived values, a context as JSON text); the answer as JSON text.
   * @param {string} artifacts
   * @param {string | null} [context]
   * @returns {string}
   */
  cardsJson(artifacts, context) {
    let deferred2_0;
    let deferred2_1;
    try {
      var ptr0 = isLikeNone(context) ? 0 : passStringToWasm0(context, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      var len0 = WASM_VECTOR_LEN;
      const ret = wasm.loadedpolicy_cardsJson(this.__wbg_ptr, artifacts, ptr0, len0);
      deferred2_0 = ret[0];
      deferred2_1 = ret[1];
      return getStringFromWasm0(ret[0], ret[1]);
    } finally {
      wasm.__wbindgen_free(deferred2_0, deferred2_1, 1);
    }
  }
  /**
   * Checks artifacts given as JSON text; the answer as JSON text.
   * @param {string} artifacts
   * @returns {string}
   */
  checkJson(artifacts) {
    let deferred1_0;
    let deferred1_1;
    try {
      const ret = wasm.loadedpolicy_checkJson(this.__wbg_ptr, artifacts);
      deferred1_0 = ret[0];
      deferred1_1 = ret[1];
      return getStringFromWasm0(ret[0], ret[1]);
    } finally {
      wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
    }
  }
  /**
   * Derives from a context given as JSON text; the answer as JSON text
   * (no object conversion on either side).
   * @param {string} context
   * @returns {string}
   */
  deriveJson(context) {
    let deferred1_0;
    let deferred1_1;
    try {
      const ret = wasm.loadedpolicy_deriveJson(this.__wbg_ptr, context);
      deferred1_0 = ret[0];
      deferred1_1 = ret[1];
      return getStringFromWasm0(ret[0], ret[1]);
    } finally {
      wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
    }
  }
  /**
   * Derives; the answer as a plain object.
   * @param {Partial<Context>} context
   * @returns {Answer}
   */
  derive(context) {
    const ret = wasm.loadedpolicy_derive(this.__wbg_ptr, context);
    return ret;
  }
  /**
   * The policy's name.
   * @returns {string}
   */
  get name() {
    let deferred1_0;
    let deferred1_1;
    try {
      const ret = wasm.loadedpolicy_name(this.__wbg_ptr);
      deferred1_0 = ret[0];
      deferred1_1 = ret[1];
      return getStringFromWasm0(ret[0], ret[1]);
    } finally {
      wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
    }
  }
};
if (Symbol.dispose) LoadedPolicy.prototype[Symbol.dispose] = LoadedPolicy.prototype.free;
function policyText(name) {
  const ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
  const len0 = WASM_VECTOR_LEN;
  const ret = wasm.policyText(ptr0, len0);
  let v2;
  if (ret[0] !== 0) {
    v2 = getStringFromWasm0(ret[0], ret[1]);
    wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
  }
  return v2;
}
function run(request) {
  let deferred1_0;
  let deferred1_1;
  try {
    const ret = wasm.run(request);
    deferred1_0 = ret[0];
    deferred1_1 = ret[1];
    return getStringFromWasm0(ret[0], ret[1]);
  } finally {
    wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
  }
}
function __wbg_get_imports() {
  const import0 = {
    __proto__: null,
    __wbg___wbindgen_is_null_c22311b1cc228e3a: function(arg0) {
      const ret = arg0 === null;
      return ret;
    },
    __wbg___wbindgen_is_string_fc456fee5d3317de: function(arg0) {
      const ret = typeof arg0 === "string";
      return ret;
    },
    __wbg___wbindgen_is_undefined_be5b34249ff1fc15: function(arg0) {
      const ret = arg0 === void 0;
      return ret;
    },
    __wbg___wbindgen_memory_17a1178bc3328ea3: function() {
      const ret = wasm.memory;
      return ret;
    },
    __wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
      throw new Error(getStringFromWasm0(arg0, arg1));
    },
    __wbg_buffer_7779c4e731ea361e: function(arg0) {
      const ret = arg0.buffer;
      return ret;
    },
    __wbg_encodeInto_4ddb349e22b21378: function(arg0, arg1, arg2) {
      const ret = arg0.encodeInto(arg1, arg2);
      return ret;
    },
    __wbg_length_8e78ad3742ea86a5: function(arg0) {
      const ret = arg0.length;
      return ret;
    },
    __wbg_loadedpolicy_new: function(arg0) {
      const ret = LoadedPolicy.__wrap(arg0);
      return ret;
    },
    __wbg_new_f05662fff88f890c: function() {
      const ret = new TextEncoder();
      return ret;
    },
    __wbg_parse_25d9c4a77b6e75e9: function(arg0, arg1) {
      const ret = JSON.parse(getStringFromWasm0(arg0, arg1));
      return ret;
    },
    __wbg_read_123455b2932efde3: function(arg0) {
      const ret = arg0.read;
      return ret;
    },
    __wbg_stringify_8dd7cac59e72542c: function(arg0) {
      const ret = JSON.stringify(arg0);
      return ret;
    },
    __wbg_view_8c1f289ed8e71215: function(arg0, arg1, arg2) {
      const ret = new Uint8Array(arg0, arg1 >>> 0, arg2 >>> 0);
      return ret;
    },
    __wbg_written_65d695927fdf313c: function(arg0) {
      const ret = arg0.written;
      return ret;
    },
    __wbindgen_generic_0000000000000001: function(arg0, arg1) {
      const ret = getStringFromWasm0(arg0, arg1);
      return ret;
    },
    __wbindgen_init_externref_table: function() {
      const table = wasm.__wbindgen_externrefs;
      table.set(0, void 0);
      table.set(1024, void 0);
      table.set(1025, null);
      table.set(1026, true);
      table.set(1027, false);
    }
  };
  return {
    __proto__: null,
    "./imprint_bg.js": import0
  };
}
var LoadedPolicyFinalization = typeof FinalizationRegistry === "undefined" ? { register: () => {
}, unregister: () => {
} } : new FinalizationRegistry((ptr) => wasm.__wbg_loadedpolicy_free(ptr, 1));
function getStringFromWasm0(ptr, len) {
  ptr = ptr >>> 0;
  return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}
var cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
  if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
    cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
  }
  return cachedUint8ArrayMemory0;
}
function isLikeNone(x) {
  return x === void 0 || x === null;
}
function passStringToWasm0(arg, malloc, realloc) {
  if (realloc === void 0) {
    const buf = cachedTextEncoder.encode(arg);
    const ptr2 = malloc(buf.length, 1) >>> 0;
    getUint8ArrayMemory0().subarray(ptr2, ptr2 + buf.length).set(buf);
    WASM_VECTOR_LEN = buf.length;
    return ptr2;
  }
  let len = arg.length;
  let ptr = malloc(len, 1) >>> 0;
  const mem = getUint8ArrayMemory0();
  let offset = 0;
  for (; offset < len; offset++) {
    const code = arg.charCodeAt(offset);
    if (code > 127) break;
    mem[ptr + offset] = code;
  }
  if (offset !== len) {
    if (offset !== 0) {
      arg = arg.slice(offset);
    }
    ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
    const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
    const ret = cachedTextEncoder.encodeInto(arg, view);
    offset += ret.written;
    ptr = realloc(ptr, len, offset, 1) >>> 0;
  }
  WASM_VECTOR_LEN = offset;
  return ptr;
}
var cachedTextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
cachedTextDecoder.decode();
var MAX_SAFARI_DECODE_BYTES = 2146435072;
var numBytesDecoded = 0;
function decodeText(bytes) {
  numBytesDecoded += bytes.length;
  if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
    cachedTextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
    cachedTextDecoder.decode();
    numBytesDecoded = bytes.length;
  }
  return cachedTextDecoder.decode(bytes);
}
var cachedTextEncoder = new TextEncoder();
if (!("encodeInto" in cachedTextEncoder)) {
  cachedTextEncoder.encodeInto = function(arg, view) {
    const buf = cachedTextEncoder.encode(arg);
    view.set(buf);
    return {
      read: arg.length,
      written: buf.length
    };
  };
}
var WASM_VECTOR_LEN = 0;
var wasmModule;
var wasmInstance;
var wasm;
function __wbg_finalize_init(instance, module2) {
  wasmInstance = instance;
  wasm = instance.exports;
  wasmModule = module2;
  cachedUint8ArrayMemory0 = null;
  wasm.__wbindgen_start();
  return wasm;
}
function initSync(module2) {
  if (wasm !== void 0) return wasm;
  if (module2 !== void 0) {
    if (Object.getPrototypeOf(module2) === Object.prototype) {
      ({ module: module2 } = module2);
    } else {
      console.warn("using deprecated parameters for `initSync()`; pass a single object instead");
    }
  }
  const imports = __wbg_get_imports();
  if (!(module2 instanceof WebAssembly.Module)) {
    module2 = new WebAssembly.Module(module2);
  }
  const instance = new WebAssembly.Instance(module2, imports);
  return __wbg_finalize_init(instance, module2);
}

// src/metadata.mjs
var import_node_fs3 = require("node:fs");
var import_node_os2 = require("node:os");
var import_node_path = require("node:path");

// src/facts.mjs
var import_node_child_process = require("node:child_process");
var import_node_fs = require("node:fs");

// src/api.mjs
var API_TIMEOUT_MS = Number(process.env.IMPRINT_API_TIMEOUT_MS) > 0 ? Number(process.env.IMPRINT_API_TIMEOUT_MS) : 1e4;
async function apiGet(path, token) {
  const base = (process.env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, "");
  const url = `${base}${path}`;
  try {
    const res = await fetch(url, {
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "user-agent": "imprint-action",
        "x-github-api-version": "2022-11-28"
      },
      signal: AbortSignal.timeout(API_TIMEOUT_MS)
    });
    if (!res.ok) return { ok: false, why: `GET ${url}: HTTP ${res.status} ${res.statusText}` };
    return { ok: true, data: await res.json() };
  } catch (e) {
    const why = e?.name === "TimeoutError" ? `no answer within ${API_TIMEOUT_MS / 1e3} s` : e?.cause?.message || e?.message || String(e);
    return { ok: false, why: `GET ${url}: ${why}` };
  }
}

// src/facts.mjs
var FactError = class extends Error {
};
function buildTime(env, clock = Date.now) {
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde !== void 0 && sde !== "") {
    if (!/^[0-9]{1,12}$/.test(sde)) {
      throw new FactError(`SOURCE_DATE_EPOCH must be whole seconds since 1970 (it is ${JSON.stringify(sde)})`);
    }
    return new Date(Number(sde) * 1e3).toISOString();
  }
  return new Date(clock()).toISOString();
}
function eventPayload(env) {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  if (!(0, import_node_fs.existsSync)(path)) {
    throw new FactError(`GITHUB_EVENT_PATH names ${path}, which does not exist: the event payload cannot be read`);
  }
  let text;
  try {
    text = (0, import_node_fs.readFileSync)(path, "utf8");
  } catch (e) {
    throw new FactError(`cannot read the event payload ${path} (GITHUB_EVENT_PATH): ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FactError(`the event payload ${path} (GITHUB_EVENT_PATH) is not JSON: ${e.message}`);
  }
}
function repository(env, payload) {
  if (env.GITHUB_REPOSITORY) {
    const [owner, repo] = env.GITHUB_REPOSITORY.split("/");
    return { owner, repo };
  }
  if (payload?.repository?.owner?.login && payload?.repository?.name) {
    return { owner: payload.repository.owner.login, repo: payload.repository.name };
  }
  throw new FactError("context.repo requires a GITHUB_REPOSITORY environment variable like 'owner/repo'");
}
function git(args2, cwd) {
  try {
    return (0, import_node_child_process.execFileSync)("git", args2, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 1e4 }).trim();
  } catch {
    return void 0;
  }
}
function gitRefAndSha(cwd) {
  const sha = git(["rev-parse", "--verify", "HEAD"], cwd);
  if (!sha) throw new FactError(`git cannot read a commit in ${cwd} (context: git needs a checkout with HEAD)`);
  const branch = git(["symbolic-ref", "-q", "HEAD"], cwd);
  if (branch) return { ref: branch, sha };
  const tags = (git(["tag", "--points-at", "HEAD", "--sort=-creatordate"], cwd) ?? "").split("\n").filter(Boolean);
  if (tags.length > 0) return { ref: `refs/tags/${tags[0]}`, sha };
  throw new FactError("Cannot infer ref from detached HEAD (check out a branch or a tag)");
}
async function repoData(repo, payload, token, warnings) {
  const r = payload?.repository;
  const complete = r && typeof r === "object" && typeof r.name === "string" && typeof r.html_url === "string" && "default_branch" in r;
  if (complete) return r;
  if (token) {
    const got = await apiGet(`/repos/${repo.owner}/${repo.repo}`, token);
    if (got.ok) return got.data;
    warnings.push(`the repository's data could not be read from the GitHub API (${got.why})`);
  }
  if (r && typeof r === "object") return r;
  warnings.push(
    "no repository data (the event payload holds none, and no token for the GitHub API): the title, description, url, source and licenses labels are empty"
  );
  return null;
}
async function commitDate(repo, sha, token, cwd, tried) {
  if (token && sha) {
    const got = await apiGet(`/repos/${repo.owner}/${repo.repo}/commits/${sha}`, token);
    const date = got.ok ? got.data?.commit?.committer?.date : void 0;
    if (date) return date;
    tried.push(got.ok ? "the API answered without a committer date" : got.why);
  } else {
    tried.push("no token for the GitHub API");
  }
  if (sha) {
    const date = git(["show", "-s", "--format=%cI", sha, "--"], cwd);
    if (date) return date;
    tried.push(`git has no commit ${sha} in ${cwd}`);
  }
  return void 0;
}
function zoneOffsets(zone, instants) {
  let fmt;
  try {
    fmt = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
  } catch {
    throw new FactError(`unknown time zone ${JSON.stringify(zone)} (use an IANA name such as Europe/Paris)`);
  }
  return instants.map((iso) => {
    const name = fmt.formatToParts(new Date(iso)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
    if (!m) throw new FactError(`cannot read the UTC offset of ${zone} (${name})`);
    return m[1] ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  });
}

// src/runner.mjs
var import_node_crypto = require("node:crypto");
var import_node_fs2 = require("node:fs");
var import_node_os = require("node:os");
function input(name, opts = {}) {
  const v = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "";
  return opts.trim === false ? v : v.trim();
}
function escapeData(s) {
  return String(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function command(name, message) {
  process.stdout.write(`::${name}::${escapeData(message)}${import_node_os.EOL}`);
}
function fileCommandEntry(name, value) {
  const delimiter = `ghadelimiter_${(0, import_node_crypto.randomUUID)()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`unexpected input: the name or value of ${name} contains the delimiter ${delimiter}`);
  }
  return `${name}<<${delimiter}${import_node_os.EOL}${value}${import_node_os.EOL}${delimiter}${import_node_os.EOL}`;
}
function appendTo(variable, name, value) {
  const file = process.env[variable];
  if (!file) {
    process.stdout.write(`${variable === "GITHUB_OUTPUT" ? "output" : "env"} ${name}=${JSON.stringify(value)}${import_node_os.EOL}`);
    return;
  }
  (0, import_node_fs2.appendFileSync)(file, fileCommandEntry(name, value), { encoding: "utf8" });
}
function setOutput(name, value) {
  appendTo("GITHUB_OUTPUT", name, value);
}
function exportVariable(name, value) {
  process.env[name] = value;
  appendTo("GITHUB_ENV", name, value);
}

// src/metadata.mjs
function metadataInputs() {
  return {
    images: input("images"),
    tags: input("tags"),
    flavor: input("flavor"),
    labels: input("labels"),
    annotations: input("annotations"),
    "sep-tags": input("sep-tags", { trim: false }) || "\n",
    "sep-labels": input("sep-labels", { trim: false }) || "\n",
    "sep-annotations": input("sep-annotations", { trim: false }) || "\n",
    "bake-target": input("bake-target") || "docker-metadata-action"
  };
}
function parseBool(v) {
  if (["1", "t", "T", "true", "TRUE", "True"].includes(v)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(v)) return false;
  throw new FactError(`parseBool syntax error: ${v}`);
}
async function metadataAction(run2, { cwd, env, policy }) {
  const source = input("context") || "workflow";
  if (source !== "workflow" && source !== "git") throw new FactError(`Invalid context source: ${source}`);
  const token = input("github-token") || env.GITHUB_TOKEN || "";
  const payload = eventPayload(env);
  const repo = repository(env, payload);
  const github = {
    event_name: env.GITHUB_EVENT_NAME ?? null,
    sha: env.GITHUB_SHA ?? null,
    ref: env.GITHUB_REF ?? null,
    payload
  };
  if (source === "git") Object.assign(github, gitRefAndSha(cwd));
  const warnings = [];
  const request = {
    op: "metadata",
    ...policy === void 0 ? { inputs: metadataInputs() } : { policy },
    github,
    repo: await repoData(repo, payload, token, warnings),
    env: Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("DOCKER_METADATA_"))),
    now: buildTime(env),
    zones: {}
  };
  for (const w of warnings) command("warning", w);
  let answer;
  for (let round = 0; ; round++) {
    answer = JSON.parse(run2(JSON.stringify(request)));
    if (answer.type !== "metadata_error" || round === 3) break;
    let more = false;
    if (answer.missing_commit_date && request.commit_date === void 0) {
      const tried = [];
      const sha = request.github.sha ?? "";
      const date = await commitDate(repo, sha, token, cwd, tried);
      if (!date) throw new FactError(`${answer.message}; looked up: ${tried.join("; ")}`);
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
  if (answer.type !== "metadata") throw new FactError(answer.message ?? `unexpected answer ${answer.type}`);
  writeOutputs(answer, env);
  return answer;
}
function writeOutputs(answer, env) {
  const toEnv = env.DOCKER_METADATA_SET_OUTPUT_ENV ? parseBool(env.DOCKER_METADATA_SET_OUTPUT_ENV) : true;
  const set = (name, value) => {
    setOutput(name, value);
    if (toEnv) exportVariable(`DOCKER_METADATA_OUTPUT_${name.replace(/\W/g, "_").toUpperCase()}`, value);
  };
  for (const w of answer.warnings) command("warning", w);
  const o = answer.outputs;
  for (const name of ["version", "tags", "tag-names", "labels", "annotations", "json"]) {
    set(name, o[name]);
    if (o[name] !== "") process.stdout.write(`${name}:
${name === "json" ? JSON.stringify(JSON.parse(o.json), null, 2) : o[name]}
`);
  }
  const dir = (0, import_node_fs3.mkdtempSync)((0, import_node_path.join)(env.RUNNER_TEMP || (0, import_node_os2.tmpdir)(), "docker-actions-toolkit-"));
  const files = [
    ["bake-file-tags", "docker-metadata-action-bake-tags.json", o.bake.tags],
    ["bake-file-labels", "docker-metadata-action-bake-labels.json", o.bake.labels],
    ["bake-file-annotations", "docker-metadata-action-bake-annotations.json", o.bake.annotations],
    ["bake-file", "docker-metadata-action-bake.json", o.bake.all]
  ];
  for (const [output, file, text] of files) {
    const path = (0, import_node_path.join)(dir, file);
    (0, import_node_fs3.writeFileSync)(path, text, { flag: "wx" });
    set(output, path);
  }
}

// src/policy.mjs
var import_node_child_process3 = require("node:child_process");
var import_node_fs5 = require("node:fs");
var import_node_os3 = require("node:os");
var import_node_path3 = require("node:path");

// src/git.mjs
var import_node_child_process2 = require("node:child_process");
var import_node_fs4 = require("node:fs");
var import_node_path2 = require("node:path");
var GIT_TIMEOUT_MS = 1e4;
var RELOCATING_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX"
];
var GitHung = class extends Error {
};
function said(stderr) {
  return stderr === "" ? "(git printed no message)" : stderr;
}
function dotGitAbove(dir) {
  for (let d = dir; ; d = (0, import_node_path2.dirname)(d)) {
    if ((0, import_node_fs4.existsSync)((0, import_node_path2.join)(d, ".git"))) return (0, import_node_path2.join)(d, ".git");
    if ((0, import_node_path2.dirname)(d) === d) return void 0;
  }
}
var Checkout = class {
  /** @param {string} dir */
  constructor(dir) {
    this.dir = dir;
    this.env = { ...process.env };
    for (const v of RELOCATING_VARS) delete this.env[v];
    this.head = void 0;
    this.top = void 0;
    const dotGit = dotGitAbove(dir);
    const r = this.run(["rev-parse", "--is-inside-work-tree", "--show-toplevel"]);
    if (r.missing) {
      this.state = dotGit ? { refused: `git is not on PATH, but ${dir} is a git checkout (${dotGit}): install git, or put it on PATH` } : { notRepo: true };
    } else if (r.ok && r.stdout.split("\n")[0] === "true") {
      this.top = r.stdout.split("\n")[1];
      this.state = { repo: true };
    } else if (r.ok) {
      this.state = { notRepo: true };
    } else if (r.stderr.includes("dubious ownership")) {
      const top = dotGit ? (0, import_node_path2.dirname)(dotGit) : dir;
      this.state = {
        refused: `git refused the checkout ${top}: it is owned by another user (git's safe.directory check, "dubious ownership"); if you trust it, run \`git config --global --add safe.directory ${top}\``
      };
    } else if (!dotGit && r.stderr.includes("not a git repository")) {
      this.state = { notRepo: true };
    } else {
      this.state = { refused: `${dotGit ?? dir} is not a usable git repository: git says \`${said(r.stderr)}\`` };
    }
  }
  /** Runs git; `{ok, stdout}` or `{ok: false, code, stderr}`; throws GitHung. */
  run(args2) {
    const r = (0, import_node_child_process2.spawnSync)("git", args2, { cwd: this.dir, env: this.env, encoding: "utf8", timeout: GIT_TIMEOUT_MS, maxBuffer: 64 << 20 });
    if (r.error?.code === "ENOENT") return { ok: false, missing: true, code: null, stderr: "git is not on PATH" };
    if (r.error?.code === "ETIMEDOUT" || r.signal === "SIGTERM") {
      throw new GitHung(`\`git ${args2.join(" ")}\` in ${this.dir} did not finish within ${GIT_TIMEOUT_MS / 1e3} s; imprint will not guess git facts`);
    }
    if (r.error) return { ok: false, code: null, stderr: r.error.message };
    if (r.status === 0) return { ok: true, stdout: r.stdout };
    const line = (r.stderr ?? "").split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
    return { ok: false, code: r.status, stderr: line.replace(/[\x00-\x1f\x7f]/g, "").slice(0, 300) };
  }
  failed(args2, stderr) {
    return { failed: `\`git ${args2.join(" ")}\` failed in ${this.dir}: ${said(stderr)}` };
  }
  must(args2) {
    const r = this.run(args2);
    return r.ok ? { known: r.stdout } : this.failed(args2, r.stderr);
  }
  headFact() {
    if (this.head !== void 0) return this.head;
    const args2 = ["rev-parse", "--verify", "-q", "HEAD^{commit}"];
    const r = this.run(args2);
    if (r.ok) this.head = { known: r.stdout.trim() };
    else if (r.code === 1 && r.stderr === "") this.head = { absent: true };
    else return this.failed(args2, r.stderr);
    return this.head;
  }
  /**
   * One fact by its context key (`sha`, `short=12`, `dirty`, `tag=v*`,
   * `tags`, `branch`, `is_repo`, `name`, `remote_url`).
   * @param {string} key
   */
  fact(key) {
    if (this.state.notRepo) return { absent: true };
    if (this.state.refused) return { failed: this.state.refused };
    const trim = (f) => f.known !== void 0 ? { known: f.known.trim() } : f;
    const onHead = (args2) => {
      const h = this.headFact();
      if (h.known !== void 0) return this.must(args2);
      return h.absent ? { known: "" } : h;
    };
    if (key === "is_repo") return { known: "true" };
    if (key === "sha") return this.headFact();
    if (key === "short" || key.startsWith("short=")) {
      const h = this.headFact();
      if (h.known === void 0) return h;
      const n = key.split("=")[1];
      return trim(this.must(["rev-parse", "--verify", "-q", n ? `--short=${n}` : "--short", "HEAD"]));
    }
    if (key === "dirty") {
      const f = this.must(["status", "--porcelain", "-z"]);
      return f.known !== void 0 ? { known: f.known === "" ? "" : "true" } : f;
    }
    if (key.startsWith("tag=")) return onHead(["tag", "--points-at", "HEAD", "--list", key.slice(4)]);
    if (key === "tags") return onHead(["tag", "--points-at", "HEAD"]);
    if (key === "commit_time") {
      const h = this.headFact();
      if (h.known === void 0) return h;
      return trim(this.must(["show", "-s", "--format=%ct", "HEAD", "--"]));
    }
    if (key === "branch") {
      const args2 = ["symbolic-ref", "--short", "-q", "HEAD"];
      const r = this.run(args2);
      if (r.ok) return { known: r.stdout.trim() };
      if (r.code === 1 && r.stderr === "") return { known: "" };
      return this.failed(args2, r.stderr);
    }
    if (key === "name") return this.top ? { known: (0, import_node_path2.basename)(this.top) } : { failed: `git named no top-level directory for ${this.dir}` };
    if (key === "remote_url") {
      const args2 = ["remote", "get-url", "origin"];
      const r = this.run(args2);
      if (r.ok) return { known: r.stdout.trim() };
      if (r.code === 2 && r.stderr.includes("No such remote")) return { absent: true };
      return this.failed(args2, r.stderr);
    }
    return { failed: `unknown git fact ${key}` };
  }
};

// src/policy.mjs
var COMMAND_TIMEOUT_MS = 1e4;
var FILE_LIMIT = 1 << 20;
function utf8(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return void 0;
  }
}
function policyText2(policy, cwd, builtin) {
  const text = builtin(policy);
  if (text !== void 0) return text;
  const path = (0, import_node_path3.resolve)(cwd, policy);
  try {
    return (0, import_node_fs5.readFileSync)(path, "utf8");
  } catch (e) {
    throw new FactError(`policy: \`${policy}\` is not a builtin policy, and ${path} cannot be read: ${e.message}`);
  }
}
function args() {
  const out = {};
  for (const line of input("args").split("\n")) {
    const l = line.trim();
    if (l === "" || l.startsWith("#")) continue;
    const eq = l.indexOf("=");
    if (eq <= 0) throw new FactError(`args: \`${l}\` is not NAME=VALUE`);
    out[l.slice(0, eq).trim()] = l.slice(eq + 1);
  }
  return out;
}
function readPolicyFile(root, path) {
  const full = (0, import_node_path3.resolve)(root, path);
  if (!(0, import_node_fs5.existsSync)(full)) return { absent: true };
  let real;
  try {
    real = (0, import_node_fs5.realpathSync)(full);
  } catch (e) {
    return { failed: `${full}: ${e.message}` };
  }
  const rel = (0, import_node_path3.relative)((0, import_node_fs5.realpathSync)(root), real);
  if (rel.startsWith("..") || (0, import_node_path3.isAbsolute)(rel)) return { failed: `${path} leads outside ${root}` };
  const st = (0, import_node_fs5.statSync)(real);
  if (!st.isFile()) return { failed: `${full} is not a regular file` };
  if (st.size > FILE_LIMIT) return { failed: `${full} is larger than ${FILE_LIMIT} bytes` };
  let bytes;
  try {
    bytes = (0, import_node_fs5.readFileSync)(real);
  } catch (e) {
    return { failed: `${full}: ${e.message}` };
  }
  const text = utf8(bytes);
  return text === void 0 ? { failed: `${full} is not UTF-8 text` } : { known: text };
}
var WHITE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
function commandKey(argv) {
  return argv.map((a) => a === "" || WHITE_SPACE.test(a) || /["'\\]/.test(a) ? JSON.stringify(a) : a).join(" ");
}
function runCommand(argv, cwd, allowed) {
  const [program, ...rest] = argv;
  if (!allowed.includes(program)) return { outcome: "not_allowed" };
  const r = (0, import_node_child_process3.spawnSync)(program, rest, { cwd, timeout: COMMAND_TIMEOUT_MS, maxBuffer: FILE_LIMIT, stdio: ["ignore", "pipe", "ignore"] });
  if (r.error?.code === "ENOENT") return { outcome: "not_found" };
  if (r.error?.code === "ETIMEDOUT" || r.signal) return { outcome: "timed_out" };
  if (r.error) return { outcome: "failed", reason: r.error.message };
  const stdout = utf8(r.stdout);
  if (stdout === void 0) return { outcome: "failed", reason: "it printed output that is not UTF-8" };
  return { outcome: "output", stdout: stdout.replace(/\n+$/, "") };
}
async function derivePolicy(run2, builtin, { cwd, env }) {
  const policy = policyText2(input("policy"), cwd, builtin);
  const ask = (req) => JSON.parse(run2(JSON.stringify(req)));
  const needs = ask({ op: "inputs", policy });
  if (needs.type !== "inputs") throw new FactError(needs.problems?.map((p) => `${p.path}: ${p.message}`).join("; ") ?? needs.message);
  const context = { env: {}, args: args(), git: {}, files: {}, commands: {}, failed: { git: {}, files: {} } };
  for (const name of needs.env) if (env[name] !== void 0) context.env[name] = env[name];
  if (needs.arch) context.arch = (0, import_node_os3.machine)();
  const checkout = new Checkout(cwd);
  for (const key of needs.git) {
    const f = checkout.fact(key);
    if (f.known !== void 0) context.git[key] = f.known;
    else if (f.failed) context.failed.git[key] = f.failed;
  }
  const root = checkout.top ?? cwd;
  for (const path of needs.files) {
    const f = readPolicyFile(root, path);
    if (f.known !== void 0) context.files[path] = f.known;
    else if (f.failed) context.failed.files[path] = f.failed;
  }
  const allowed = input("allow-commands").split(/[\s,]+/).filter(Boolean);
  for (let round = 0; round < 16; round++) {
    const more = ask({ op: "inputs", policy, context });
    const pending = more.pending_commands ?? [];
    if (pending.length === 0) break;
    for (const argv of pending) context.commands[commandKey(argv)] = runCommand(argv, cwd, allowed);
  }
  const answer = ask({ op: "derive", policy, context });
  if (answer.type !== "derivation") {
    const msg = answer.message ?? answer.problems?.map((p) => `${p.path}: ${p.message}`).join("; ") ?? answer.type;
    throw new FactError(msg);
  }
  for (const [name, value] of Object.entries(answer.values)) {
    const text = Array.isArray(value) ? value.join("\n") : String(value ?? "");
    setOutput(name, text);
  }
  command("notice", `imprint derived ${Object.keys(answer.values).length} value(s) from policy ${answer.policy ?? input("policy")}`);
  return { answer, policy };
}

// src/main.mjs
function startEngine() {
  const path = process.env.IMPRINT_WASM || (0, import_node_path4.join)(__dirname, "imprint_bg.wasm");
  initSync({ module: new WebAssembly.Module((0, import_node_fs6.readFileSync)(path)) });
}
async function main() {
  startEngine();
  const cwd = (0, import_node_path4.resolve)(input("working-directory") || ".");
  if (input("policy")) {
    const { policy } = await derivePolicy(run, policyText, { cwd, env: process.env });
    if (JSON.parse(policy).metadata_action !== void 0) await metadataAction(run, { cwd, env: process.env, policy });
  } else await metadataAction(run, { cwd, env: process.env });
}
main().catch((e) => {
  command("error", e?.message ?? String(e));
  process.exitCode = 1;
});

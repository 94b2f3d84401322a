// src/main.mjs
var import_node_fs8 = require("node:fs");
var import_node_path3 = require("node:path");

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
function tagsMatching(tags, pattern) {
  let deferred3_0;
  let deferred3_1;
  try {
    let ptr0, len0, ptr1, len1;
    try {
      ptr0 = passStringToWasm0(tags, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      len0 = WASM_VECTOR_LEN;
      ptr1 = passStringToWasm0(pattern, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      len1 = WASM_VECTOR_LEN;
    } catch (e) {
      if (ptr1) {
        wasm.__wbindgen_free(ptr1, len1 * 1, 1);
      }
      if (ptr0) {
        wasm.__wbindgen_free(ptr0, len0 * 1, 1);
      }
      throw e;
    }
    const ret = wasm.tagsMatching(ptr0, len0, ptr1, len1);
    deferred3_0 = ret[0];
    deferred3_1 = ret[1];
    return getStringFromWasm0(ret[0], ret[1]);
  } finally {
    wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
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
var import_node_path2 = require("node:path");

// ../cli/src/host/context.mjs
var import_node_fs6 = require("node:fs");
var import_node_os3 = require("node:os");

// ../cli/src/host/errors.mjs
var Status = Object.freeze({ Ok: 0, CheckFailed: 1, Error: 2 });
var HostError = class extends Error {
};
var OS_ERRORS = {
  EPERM: [1, "Operation not permitted"],
  ENOENT: [2, "No such file or directory"],
  EINTR: [4, "Interrupted system call"],
  EIO: [5, "Input/output error"],
  ENXIO: [6, "No such device or address"],
  E2BIG: [7, "Argument list too long"],
  EBADF: [9, "Bad file descriptor"],
  EAGAIN: [11, "Resource temporarily unavailable"],
  ENOMEM: [12, "Cannot allocate memory"],
  EACCES: [13, "Permission denied"],
  EBUSY: [16, "Device or resource busy"],
  EEXIST: [17, "File exists"],
  EXDEV: [18, "Invalid cross-device link"],
  ENODEV: [19, "No such device"],
  ENOTDIR: [20, "Not a directory"],
  EISDIR: [21, "Is a directory"],
  EINVAL: [22, "Invalid argument"],
  ENFILE: [23, "Too many open files in system"],
  EMFILE: [24, "Too many open files"],
  ETXTBSY: [26, "Text file busy"],
  EFBIG: [27, "File too large"],
  ENOSPC: [28, "No space left on device"],
  EROFS: [30, "Read-only file system"],
  EMLINK: [31, "Too many links"],
  EPIPE: [32, "Broken pipe"],
  ENAMETOOLONG: [36, "File name too long"],
  ENOTEMPTY: [39, "Directory not empty"],
  ELOOP: [40, "Too many levels of symbolic links"],
  EDQUOT: [122, "Disk quota exceeded"]
};
function ioText(err) {
  if (err && typeof err.code === "string" && typeof err.errno === "number") {
    const known = OS_ERRORS[err.code];
    if (known) return `${known[1]} (os error ${known[0]})`;
    return `${err.code} (os error ${Math.abs(err.errno)})`;
  }
  return err?.message ?? String(err);
}
function custom(message) {
  return { message };
}
var visible = (s) => s;
function ioError(path, err) {
  return new HostError(`${visible(path)}: ${ioText(err)}`);
}
function osError(code) {
  const e = new Error(code);
  e.code = code;
  e.errno = -(OS_ERRORS[code]?.[0] ?? 0);
  return e;
}

// ../cli/src/host/files.mjs
var import_node_fs4 = require("node:fs");

// ../cli/src/host/paths.mjs
function join2(base, name) {
  if (name.startsWith("/")) return name;
  if (base === "") return name;
  return base.endsWith("/") ? `${base}${name}` : `${base}/${name}`;
}
function components(p) {
  const out = [];
  if (p.startsWith("/")) out.push("/");
  const parts = p.split("/");
  parts.forEach((c, i) => {
    if (c === "") return;
    if (c === "." && !(i === 0 && !p.startsWith("/"))) return;
    out.push(c);
  });
  return out;
}
function fromComponents(cs) {
  if (cs.length === 0) return "";
  if (cs[0] === "/") return `/${cs.slice(1).join("/")}`;
  return cs.join("/");
}
function startsWith(p, base) {
  const a = components(p);
  const b = components(base);
  return b.length <= a.length && b.every((c, i) => a[i] === c);
}
function fileName(p) {
  const cs = components(p);
  const last = cs[cs.length - 1];
  return last === void 0 || last === "/" || last === ".." ? void 0 : last;
}
function parent(p) {
  const cs = components(p);
  if (cs.length <= 1) return cs[0] === "/" ? void 0 : "";
  return fromComponents(cs.slice(0, -1));
}

// ../cli/src/host/files.mjs
var INPUT_LIMIT = 64 << 20;
var READ_LIMIT = 1 << 20;
function notRegularMessage(st) {
  const what = st.isDirectory() ? "a directory" : st.isFIFO() ? "a FIFO" : st.isCharacterDevice() ? "a character device" : st.isBlockDevice() ? "a block device" : st.isSocket() ? "a socket" : "a special file";
  return `not a regular file (it is ${what}); only regular files are read`;
}
function notRegular(path, st) {
  if (st.isDirectory()) return ioError(path, osError("EISDIR"));
  return ioError(path, custom(notRegularMessage(st)));
}
function openRegular(path) {
  let st;
  try {
    st = (0, import_node_fs4.statSync)(path);
  } catch (e) {
    throw ioError(path, e);
  }
  if (!st.isFile()) throw notRegular(path, st);
  let fd;
  try {
    fd = (0, import_node_fs4.openSync)(path, import_node_fs4.constants.O_RDONLY | import_node_fs4.constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(path, e);
  }
  const now = (0, import_node_fs4.fstatSync)(fd);
  if (!now.isFile()) {
    (0, import_node_fs4.closeSync)(fd);
    throw notRegular(path, now);
  }
  return fd;
}
function readUpTo(fd, limit) {
  const chunks = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(1 << 16);
  for (; ; ) {
    let n;
    try {
      n = (0, import_node_fs4.readSync)(fd, buf, 0, Math.min(buf.length, limit + 1 - total), null);
    } catch (e) {
      if (e.code === "EAGAIN") continue;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    if (total > limit) break;
  }
  return Buffer.concat(chunks);
}
function tooLarge() {
  return custom(`larger than the ${INPUT_LIMIT >> 20} MiB input limit`);
}
function readPrefix(path) {
  const fd = openRegular(path);
  try {
    const bytes = readUpTo(fd, INPUT_LIMIT);
    return { bytes: bytes.subarray(0, INPUT_LIMIT), whole: bytes.length <= INPUT_LIMIT };
  } catch (e) {
    throw ioError(path, e);
  } finally {
    (0, import_node_fs4.closeSync)(fd);
  }
}
function readFile(path) {
  const { bytes, whole } = readPrefix(path);
  if (!whole) throw ioError(path, tooLarge());
  return bytes;
}
function readText(path) {
  let st;
  try {
    st = (0, import_node_fs4.statSync)(path);
  } catch (e) {
    if (e.code === "ENOENT") return null;
    return { why: ioText(e) };
  }
  if (!st.isFile()) return { why: notRegularMessage(st) };
  let fd;
  try {
    fd = (0, import_node_fs4.openSync)(path, import_node_fs4.constants.O_RDONLY | import_node_fs4.constants.O_NONBLOCK);
  } catch (e) {
    return { why: ioText(e) };
  }
  try {
    const now = (0, import_node_fs4.fstatSync)(fd);
    if (!now.isFile()) return { why: notRegularMessage(now) };
    const bytes = readUpTo(fd, READ_LIMIT);
    if (bytes.length > READ_LIMIT) return { why: `larger than the ${READ_LIMIT}-byte limit` };
    const text = utf8(bytes);
    return text === void 0 ? { why: "not UTF-8 text" } : { text };
  } catch (e) {
    return { why: ioText(e) };
  } finally {
    (0, import_node_fs4.closeSync)(fd);
  }
}
function utf8(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return void 0;
  }
}
function lstat(path) {
  try {
    return { st: (0, import_node_fs4.lstatSync)(path) };
  } catch (e) {
    return { err: e };
  }
}

// ../cli/src/host/run.mjs
var import_node_child_process2 = require("node:child_process");
var import_node_fs5 = require("node:fs");
var OUTPUT_LIMIT = 1 << 20;
var STDERR_LIMIT = 16 << 10;
function findProgram(program) {
  if (program.includes("/")) return program;
  const path = process.env.PATH ?? "/usr/bin:/bin";
  for (const dir of path.split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = join2(dir, program);
    try {
      if ((0, import_node_fs5.statSync)(candidate).isFile()) {
        (0, import_node_fs5.accessSync)(candidate, import_node_fs5.constants.X_OK);
        return candidate;
      }
    } catch {
    }
  }
  return void 0;
}
function runBounded(program, args2, { cwd, env, timeoutMs, keepStderr }) {
  return new Promise((resolve3) => {
    let child;
    try {
      child = (0, import_node_child_process2.spawn)(program, args2, {
        cwd,
        env: env ?? process.env,
        stdio: ["ignore", "pipe", keepStderr ? "pipe" : "ignore"],
        detached: true
      });
    } catch (e) {
      resolve3(e.code === "ENOENT" ? { notFound: true } : { failed: e.message });
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
        process.kill(-child.pid, "SIGKILL");
      } catch {
      }
    };
    const settle = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve3(value);
    };
    const timer = setTimeout(() => {
      const escaped = descendants(child.pid);
      killGroup();
      for (const pid of escaped) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
        }
      }
      settle({ timedOut: true });
    }, timeoutMs);
    child.on("error", (e) => settle(e.code === "ENOENT" ? { notFound: true } : { failed: e.message }));
    child.stdout.on("data", (chunk) => {
      out.push(chunk);
      outLen += chunk.length;
      if (outLen > OUTPUT_LIMIT) {
        killGroup();
        settle({ tooLarge: Buffer.concat(out).subarray(0, OUTPUT_LIMIT) });
      }
    });
    child.stderr?.on("data", (chunk) => {
      if (errLen < STDERR_LIMIT) {
        err.push(chunk);
        errLen += chunk.length;
      }
    });
    const finish = () => {
      if (exited === null || !outEnded) return;
      killGroup();
      settle({ done: { stdout: Buffer.concat(out), stderr: Buffer.concat(err).subarray(0, STDERR_LIMIT), code: exited.code } });
    };
    child.stdout.on("end", () => {
      outEnded = true;
      finish();
    });
    child.on("exit", (code, signal) => {
      exited = { code: signal ? null : code };
      setImmediate(finish);
    });
  });
}
function descendants(root) {
  const parentOf = /* @__PURE__ */ new Map();
  let pids;
  try {
    pids = (0, import_node_fs5.readdirSync)("/proc").filter((n) => /^[0-9]+$/.test(n));
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const stat = (0, import_node_fs5.readFileSync)(`/proc/${pid}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 1).trim().split(/\s+/);
      if (rest[0] !== "Z") parentOf.set(Number(pid), Number(rest[1]));
    } catch {
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

// ../cli/src/host/context.mjs
function readInRepo(repo, root, file) {
  if (file.startsWith("/")) return { why: `\`${file}\` is not a path relative to the repository directory` };
  const path = join2(repo, file);
  let realRoot;
  try {
    realRoot = (0, import_node_fs6.realpathSync)(root);
  } catch (e) {
    return { why: `${root}: ${ioText(e)}` };
  }
  let base;
  try {
    base = (0, import_node_fs6.realpathSync)(repo);
  } catch (e) {
    return { why: `${repo}: ${ioText(e)}` };
  }
  const lexical = [];
  for (const c of components(join2(base, file))) {
    if (c === "..") {
      if (lexical.length > 0 && lexical[lexical.length - 1] !== "/") lexical.pop();
    } else if (c !== ".") lexical.push(c);
  }
  const lex = fromComponents(lexical);
  if (!startsWith(lex, realRoot)) {
    if (lstat(lex).err) return null;
    return {
      why: `\`${file}\` leads outside the repository (to ${lex}, outside ${realRoot}); imprint reads only files inside the checkout, or inside --root DIR`
    };
  }
  const l = lstat(path);
  if (l.err) return l.err.code === "ENOENT" ? null : { why: `${path}: ${ioText(l.err)}` };
  let real;
  try {
    real = (0, import_node_fs6.realpathSync)(path);
  } catch (e) {
    return e.code === "ENOENT" ? null : { why: `${path}: ${ioText(e)}` };
  }
  if (!startsWith(real, realRoot)) {
    return {
      why: `${path} leads outside the repository (to ${real}, outside ${realRoot}); imprint reads only files inside the checkout, or inside --root DIR`
    };
  }
  const got = readText(path);
  if (got === null || got.text !== void 0) return got;
  return { why: `${path}: ${got.why}` };
}
function machineArch() {
  try {
    const a = (0, import_node_fs6.readFileSync)("/proc/sys/kernel/arch", "utf8").trim();
    if (a !== "") return a;
  } catch {
  }
  return (0, import_node_os3.machine)();
}
async function runCommand(argv, opts) {
  const [prog, ...args2] = argv;
  if (prog === void 0) return { outcome: "failed", reason: "empty command" };
  if (!opts.allowCommands.includes(prog)) return { outcome: "not_allowed" };
  const program = findProgram(prog);
  if (program === void 0) return { outcome: "not_found" };
  const r = await runBounded(program, args2, { cwd: opts.repo, timeoutMs: opts.timeoutS * 1e3, keepStderr: false });
  if (r.notFound) return { outcome: "not_found" };
  if (r.timedOut) return { outcome: "timed_out" };
  if (r.tooLarge) return { outcome: "failed", reason: `output is larger than ${1 << 20} bytes` };
  if (r.failed !== void 0) return { outcome: "failed", reason: r.failed };
  let s;
  try {
    s = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(r.done.stdout);
  } catch {
    return { outcome: "failed", reason: "output is not UTF-8" };
  }
  return { outcome: "output", stdout: s.replace(/\n+$/, "") };
}

// ../cli/src/host/git.mjs
var import_node_fs7 = require("node:fs");
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
var HEAD_ARGS = ["rev-parse", "--verify", "-q", "HEAD^{commit}"];
var TOO_LARGE = `it printed more than ${OUTPUT_LIMIT} bytes, more than imprint reads`;
var NOT_UTF8 = "it printed text that is not UTF-8";
var utf82 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
var TAGS_ARGS = ["tag", "--no-column", "--points-at", "HEAD"];
var GitHung = class extends Error {
};
function said(stderr) {
  return stderr === "" ? "(git printed no message)" : stderr;
}
function firstLine(bytes) {
  const text = bytes.toString("utf8");
  const line = text.split(/\r\n|\n/).map((l) => l.trim()).find((l) => l !== "") ?? "";
  return [...line.replace(/[\u0000-\u001f\u007f-\u009f]/g, "")].slice(0, 300).join("");
}
function dotGitAbove(dir) {
  let start;
  try {
    start = (0, import_node_fs7.realpathSync)(dir);
  } catch {
    return void 0;
  }
  const ceilings = (process.env.GIT_CEILING_DIRECTORIES ?? "").split(":").filter(Boolean).flatMap((p) => {
    try {
      return [(0, import_node_fs7.realpathSync)(p)];
    } catch {
      return [];
    }
  });
  const cs = components(start);
  for (let n = cs.length; n >= 1; n--) {
    const d = fromComponents(cs.slice(0, n));
    if (ceilings.includes(d) && d !== start) return void 0;
    const candidate = join2(d, ".git");
    try {
      (0, import_node_fs7.lstatSync)(candidate);
      return candidate;
    } catch {
    }
  }
  return void 0;
}
var Checkout = class _Checkout {
  /**
   * @param {string} dir
   * @param {number} timeoutS  seconds one git call may take
   */
  static async probe(dir, timeoutS) {
    const c = new _Checkout(dir, timeoutS);
    const dotGit = dotGitAbove(dir);
    if (c.git === void 0) {
      if (dotGit !== void 0) {
        c.state = { refused: `git is not on PATH, but ${dir} is a git checkout (${dotGit}): install git, or put it on PATH` };
      }
      return c;
    }
    let r = await c.run(["rev-parse", "--is-inside-work-tree", "--show-toplevel", ...HEAD_ARGS.slice(1)]);
    const first = (s) => (s ?? "").split("\n")[0];
    if (r.ok && first(r.stdout) === "true") {
      const sha = r.stdout.split("\n")[2];
      c.head = sha !== void 0 ? { known: sha.trim() } : { failed: `\`git ${HEAD_ARGS.join(" ")}\` failed in ${dir}: it named no commit` };
    } else if (!r.ok && first(r.stdout) === "true") {
      c.head = r.code === 1 && r.stderr === "" ? { absent: true } : c.failed(HEAD_ARGS, r.stderr);
      r = { ok: true, stdout: r.stdout };
    } else if (!r.ok && first(r.stdout) === "false") {
      r = { ok: true, stdout: r.stdout };
    }
    if (r.ok) {
      const lines = r.stdout.split("\n");
      if (lines[0] === "true") {
        c.top = lines[1];
        c.state = { repo: true };
      } else if (lines[0] === "false" || dotGit === void 0) {
        c.state = { notRepo: true };
      } else {
        c.state = {
          refused: `\`git rev-parse --is-inside-work-tree\` answered \`${escapeDebug(r.stdout.trim())}\` in the checkout ${dotGit}, not \`true\`: is \`${c.git}\` really git?`
        };
      }
    } else if (r.unreadable) {
      c.state = {
        refused: `\`git rev-parse --is-inside-work-tree --show-toplevel\` in ${dir}: ${r.stderr} (is \`${c.git}\` really git, and is the checkout's path UTF-8?)`
      };
    } else if (r.stderr.includes("dubious ownership")) {
      const top = dotGit !== void 0 ? parent(dotGit) || dir : dir;
      c.state = {
        refused: `git refused the checkout ${top}: it is owned by another user (git's safe.directory check, "dubious ownership"); if you trust it, run \`git config --global --add safe.directory ${top}\` (in a CI container: the checkout is owned by the runner's user)`
      };
    } else if (dotGit === void 0 && r.stderr.includes("not a git repository")) {
      c.state = { notRepo: true };
    } else if (dotGit !== void 0) {
      c.state = { refused: `${dotGit} is not a usable git repository: git says \`${said(r.stderr)}\`` };
    } else {
      c.state = { refused: `\`git rev-parse\` failed in ${dir}: \`${said(r.stderr)}\`` };
    }
    return c;
  }
  constructor(dir, timeoutS) {
    this.dir = dir;
    this.timeoutS = timeoutS;
    this.git = findProgram("git");
    this.state = { notRepo: true };
    this.head = void 0;
    this.top = void 0;
    this.env = { ...process.env };
    for (const v of RELOCATING_VARS) delete this.env[v];
    this.env.GIT_OPTIONAL_LOCKS = "0";
  }
  /** The checkout's top-level directory, when git named one. */
  topLevel() {
    return this.top;
  }
  /**
   * Runs git: `{ ok, stdout }` or `{ ok: false, code, stderr }`, with
   * `unreadable` when git printed more than imprint reads or text that is
   * not UTF-8; throws GitHung.
   */
  async run(args2) {
    if (this.git === void 0) return { ok: false, code: null, stderr: "git is not on PATH" };
    const r = await runBounded(this.git, args2, { cwd: this.dir, env: this.env, timeoutMs: this.timeoutS * 1e3, keepStderr: true });
    if (r.done && r.done.code === 0) {
      try {
        return { ok: true, stdout: utf82.decode(r.done.stdout) };
      } catch {
        return { ok: false, unreadable: true, code: null, stderr: NOT_UTF8, stdout: "" };
      }
    }
    if (r.done) return { ok: false, code: r.done.code, stderr: firstLine(r.done.stderr), stdout: r.done.stdout.toString("utf8") };
    if (r.tooLarge) return { ok: false, unreadable: true, code: null, stderr: TOO_LARGE, stdout: "" };
    if (r.notFound) return { ok: false, code: null, stderr: "git is not on PATH" };
    if (r.failed !== void 0) return { ok: false, code: null, stderr: r.failed };
    throw new GitHung(
      `\`git ${args2.join(" ")}\` in ${this.dir} did not finish within ${this.timeoutS} s (--git-timeout); imprint will not guess git facts`
    );
  }
  failed(args2, stderr) {
    return { failed: `\`git ${args2.join(" ")}\` failed in ${this.dir}: ${said(stderr)}` };
  }
  /** The default branch from `origin/HEAD`: known, absent, or failed (a broken `origin/HEAD`). */
  async defaultBranch() {
    if (this.state.notRepo) return { absent: true };
    if (this.state.refused) return { failed: this.state.refused };
    const args2 = ["symbolic-ref", "-q", "refs/remotes/origin/HEAD"];
    const r = await this.run(args2);
    if (!r.ok) return r.code === 1 && r.stderr === "" ? { absent: true } : this.failed(args2, r.stderr);
    return this.refUnder(args2, r.stdout, "refs/remotes/origin/");
  }
  /** The name `git args` printed, below `prefix`; anything else fails, naming what git said. */
  refUnder(args2, printed, prefix) {
    const name = printed.trim();
    if (name.startsWith(prefix) && name.length > prefix.length) return { known: name.slice(prefix.length) };
    return { failed: `\`git ${args2.join(" ")}\` in ${this.dir} names \`${name}\`, not a ref under \`${prefix}\`` };
  }
  /**
   * Facts by key, read at the same time (HEAD first); each distinct git
   * command runs once, and the facts about HEAD's commit (`short`,
   * `short=N`, `commit_time`) are read together by `git show` (see
   * `commitQueries`). A `tag=PATTERN` fact is picked from the list of the
   * tags on HEAD by `tagsMatching(tags, pattern)` (the engine's, matching
   * as `git tag --list` does).
   */
  async facts(keys, tagsMatching2) {
    const onCommit = this.state.repo && this.head?.known !== void 0;
    const fields = onCommit ? keys.filter(isCommitField) : [];
    const shows = commitQueries(fields);
    const shown = shows.map((f) => this.run(showArgs(f)));
    for (const p of shown) p.catch(() => {
    });
    const once = /* @__PURE__ */ new Map();
    const run2 = (args2) => {
      const key = args2.join("\0");
      if (!once.has(key)) {
        const p = this.run(args2);
        p.catch(() => {
        });
        once.set(key, p);
      }
      return once.get(key);
    };
    return Promise.all(
      keys.map((k) => fields.includes(k) ? this.commitField(k, shows, shown) : this.factAfterHead(k, run2, tagsMatching2))
    );
  }
  /** One field of HEAD's commit from the `git show` that printed it. */
  async commitField(key, shows, shown) {
    const i = shows.findIndex((f) => f.includes(key));
    const args2 = showArgs(shows[i]);
    const r = await shown[i];
    if (!r.ok) return this.failed(args2, r.stderr);
    const v = (r.stdout.split("\n")[shows[i].indexOf(key)] ?? "").trim();
    if (v !== "") return { known: v };
    const name = key === "commit_time" ? "commit time" : "abbreviated commit id";
    return { failed: `\`git ${args2.join(" ")}\` failed in ${this.dir}: it printed no ${name}` };
  }
  async factAfterHead(key, run2, tagsMatching2) {
    if (this.state.notRepo) return { absent: true };
    if (this.state.refused) return { failed: this.state.refused };
    const head = this.head;
    const must = async (args2) => {
      const r = await run2(args2);
      return r.ok ? { known: r.stdout } : this.failed(args2, r.stderr);
    };
    if (key === "is_repo") return { known: "true" };
    if (key === "sha") return head;
    if (isCommitField(key)) return head;
    if (key === "dirty") {
      const args2 = ["status", "--porcelain", "-z"];
      const r = await run2(args2);
      if (r.unreadable) return { known: "true" };
      if (!r.ok) return this.failed(args2, r.stderr);
      return { known: r.stdout === "" ? "" : "true" };
    }
    if (key === "tags" || key.startsWith("tag=")) {
      if (head.known === void 0) return head.absent ? { known: "" } : head;
      const f = await must(TAGS_ARGS);
      if (f.known === void 0 || key === "tags") return f;
      return { known: tagsMatching2(f.known, key.slice("tag=".length)) };
    }
    if (key === "branch") {
      const args2 = ["symbolic-ref", "-q", "HEAD"];
      const r = await run2(args2);
      if (r.ok) return this.refUnder(args2, r.stdout, "refs/heads/");
      if (r.code === 1 && r.stderr === "") return { known: "" };
      return this.failed(args2, r.stderr);
    }
    if (key === "name") {
      if (this.top === void 0) return { failed: `git named no top-level directory for ${this.dir}` };
      const n = fileName(this.top);
      return n === void 0 ? { absent: true } : { known: n };
    }
    if (key === "remote_url") {
      const args2 = ["remote", "get-url", "origin"];
      const r = await run2(args2);
      if (r.ok) return { known: r.stdout.trim() };
      if (r.code === 2 && r.stderr.includes("No such remote")) return { absent: true };
      return this.failed(args2, r.stderr);
    }
    return { failed: `unknown git fact ${key}` };
  }
};
function isCommitField(key) {
  return key === "short" || key.startsWith("short=") || key === "commit_time";
}
function commitQueries(keys) {
  const shows = [];
  for (const k of keys) {
    if (k !== "commit_time" && !shows.some((s) => s[0] === k)) shows.push([k]);
  }
  if (keys.includes("commit_time")) {
    if (shows.length > 0) shows[0].push("commit_time");
    else shows.push(["commit_time"]);
  }
  return shows;
}
function showArgs(keys) {
  const args2 = ["show", "-s", "--no-show-signature"];
  const format = [];
  for (const k of keys) {
    if (k === "commit_time") {
      format.push("%ct");
    } else {
      if (k.startsWith("short=")) args2.push(`--abbrev=${k.slice("short=".length)}`);
      format.push("%h");
    }
  }
  args2.push(`--format=${format.join("%n")}`, "HEAD", "--");
  return args2;
}
function escapeDebug(s) {
  return s.replace(/[\\'"\n\r\t\0]/g, (c) => ({ "\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "	": "\\t", "\0": "\\0" })[c]);
}

// src/policy.mjs
var COMMAND_TIMEOUT_S = 10;
var GIT_TIMEOUT_S = 60;
function policyText2(policy, cwd, builtin) {
  const text = builtin(policy);
  if (text !== void 0) return text;
  const path = (0, import_node_path2.resolve)(cwd, policy);
  let bytes;
  try {
    bytes = readFile(path);
  } catch (e) {
    throw new FactError(`policy: \`${policy}\` is not a builtin policy, and it cannot be read: ${e.message}`);
  }
  const decoded = utf8(bytes);
  if (decoded === void 0) throw new FactError(`policy: ${path} is not UTF-8 text`);
  return decoded;
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
var WHITE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
function commandKey(argv) {
  return argv.map((a) => a === "" || WHITE_SPACE.test(a) || /["'\\]/.test(a) ? JSON.stringify(a) : a).join(" ");
}
async function derivePolicy(run2, builtin, { cwd, env }) {
  const policy = policyText2(input("policy"), cwd, builtin);
  const ask = (req) => JSON.parse(run2(JSON.stringify(req)));
  const needs = ask({ op: "inputs", policy });
  if (needs.type !== "inputs") throw new FactError(needs.problems?.map((p) => `${p.path}: ${p.message}`).join("; ") ?? needs.message);
  const context = { env: {}, args: args(), git: {}, files: {}, commands: {}, failed: { git: {}, files: {} } };
  for (const name of needs.env) if (env[name] !== void 0) context.env[name] = env[name];
  if (needs.arch) context.arch = machineArch();
  const hung = (e) => {
    throw e instanceof GitHung ? new FactError(e.message) : e;
  };
  let checkout;
  if (needs.git.length > 0 || needs.files.length > 0) checkout = await Checkout.probe(cwd, GIT_TIMEOUT_S).catch(hung);
  if (checkout && needs.git.length > 0) {
    const facts = await checkout.facts(needs.git, tagsMatching).catch(hung);
    needs.git.forEach((key, i) => {
      const f = facts[i];
      if (f.known !== void 0) context.git[key] = f.known;
      else if (f.failed !== void 0) context.failed.git[key] = f.failed;
    });
  }
  const root = checkout?.topLevel() ?? cwd;
  for (const path of needs.files) {
    const f = readInRepo(cwd, root, path);
    if (f === null) continue;
    if (f.text !== void 0) context.files[path] = f.text;
    else context.failed.files[path] = f.why;
  }
  const allowed = input("allow-commands").split(/[\s,]+/).filter(Boolean);
  for (let round = 0; needs.commands.length > 0 && round <= needs.commands.length; round++) {
    const more = ask({ op: "inputs", policy, context });
    const pending = more.pending_commands ?? [];
    if (pending.length === 0) break;
    for (const argv of pending) {
      context.commands[commandKey(argv)] = await runCommand(argv, { repo: cwd, allowCommands: allowed, timeoutS: COMMAND_TIMEOUT_S });
    }
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
  const path = process.env.IMPRINT_WASM || (0, import_node_path3.join)(__dirname, "imprint_bg.wasm");
  initSync({ module: new WebAssembly.Module((0, import_node_fs8.readFileSync)(path)) });
}
async function main() {
  startEngine();
  const cwd = (0, import_node_path3.resolve)(input("working-directory") || ".");
  if (input("policy")) {
    const { policy } = await derivePolicy(run, policyText, { cwd, env: process.env });
    if (JSON.parse(policy).metadata_action !== void 0) await metadataAction(run, { cwd, env: process.env, policy });
  } else await metadataAction(run, { cwd, env: process.env });
}
main().catch((e) => {
  command("error", e?.message ?? String(e));
  process.exitCode = 1;
});

// A Kubernetes API server for tests, in Node, on a loopback port: enough of
// kube-apiserver's REST API for Headlamp's frontend and for kubectl to seed
// and change it. No real kube-apiserver can be installed on these machines
// (no registry ships one; kind, minikube and envtest download binaries).
//
// What it does as kube-apiserver does:
// - discovery: /api, /api/v1, /apis, /apis/<group>/<version>, /version;
// - list, get, create (generateName, uid, creationTimestamp; a set
//   resourceVersion is refused; status is kept as given, standing in for
//   the kubelet and controllers), replace (PUT,
//   with resourceVersion conflicts), patch (JSON merge, strategic merge with
//   the merge keys of the kinds served, JSON patch), delete, for Pods,
//   Deployments, Namespaces, Events, CustomResourceDefinitions and the
//   AIRunway InferenceProviderConfig (airunway.ai/v1alpha1, cluster-scoped);
//   the `status` subresource (status is ignored on the main resource, as
//   for kinds with a status subresource);
// - label selectors (=, ==, !=, in, notin, exists, !exists) and field
//   selectors (metadata.name, metadata.namespace, and any dotted path with
//   =, ==, !=);
// - one resourceVersion counter for every write; list resourceVersion;
// - JSON only: protobuf and CBOR bodies get 415 (kubectl's `-f`, patch,
//   label, annotate, get and delete send JSON; its typed generators such
//   as `create namespace` send protobuf and fail);
// - watch over HTTP (chunked JSON lines) and over WebSocket (one JSON event
//   per text frame, the form Headlamp's frontend parses), from a given
//   resourceVersion or from the current state (ADDED for each object);
// - SelfSubjectAccessReview and SelfSubjectRulesReview answered from a
//   per-user rule list; a forbidden request gets a 403 Status as the API
//   server words it.
// Users: requests carry `X-Test-User` (set by the Headlamp backend
// stand-in per cluster); kubectl has none and is `admin`.
//
// What it does not do: validation and defaulting of objects, admission,
// finalizers, garbage collection, protobuf, Table output, server-side apply.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

/** The kinds served. Strategic merge keys follow the Kubernetes API's patchMergeKey tags. */
export const RESOURCES = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, status: true },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    status: true,
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    status: true,
  },
  {
    group: 'airunway.ai',
    version: 'v1alpha1',
    plural: 'inferenceproviderconfigs',
    kind: 'InferenceProviderConfig',
    namespaced: false,
    status: true,
    custom: true,
  },
];

const MERGE_KEYS = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  conditions: 'type',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
  tolerations: 'key',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
};

const apiVersionOf = r => (r.group ? `${r.group}/${r.version}` : r.version);
const clone = o => structuredClone(o);
const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target, patch) {
  if (!isObject(patch)) return clone(patch);
  const out = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Strategic merge patch: merge patch, but lists with a merge key merge item by item. */
export function strategicMergePatch(target, patch, field = '') {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(target)) return clone(patch);
    const out = clone(target);
    for (const item of patch) {
      const at = out.findIndex(t => isObject(t) && isObject(item) && t[key] === item[key]);
      if (isObject(item) && item.$patch === 'delete') {
        if (at >= 0) out.splice(at, 1);
      } else if (at >= 0) out[at] = strategicMergePatch(out[at], item);
      else out.push(clone(item));
    }
    return out;
  }
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const rest = clone(patch);
    delete rest.$patch;
    return rest;
  }
  const out = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = strategicMergePatch(out[k], v, k);
  }
  return out;
}

const pointer = p =>
  p
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** RFC 6902 JSON patch (add, remove, replace, test). */
export function jsonPatch(target, ops) {
  const doc = clone(target);
  for (const op of ops) {
    const path = pointer(op.path);
    const last = path.pop();
    let parent = doc;
    for (const s of path) {
      parent = parent?.[Array.isArray(parent) ? Number(s) : s];
      if (parent === undefined) throw new HttpError(422, 'Invalid', `path ${op.path} not found`);
    }
    const index = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : last;
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(index, 0, clone(op.value));
        else parent[index] = clone(op.value);
        break;
      case 'replace':
        if (!(index in parent)) throw new HttpError(422, 'Invalid', `${op.path} does not exist`);
        parent[index] = clone(op.value);
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(index, 1);
        else delete parent[index];
        break;
      case 'test':
        if (JSON.stringify(parent[index]) !== JSON.stringify(op.value))
          throw new HttpError(422, 'Invalid', `test of ${op.path} failed`);
        break;
      default:
        throw new HttpError(422, 'Invalid', `unsupported JSON patch op ${op.op}`);
    }
  }
  return doc;
}

const dig = (o, path) =>
  path.split('.').reduce((v, k) => (v === null || v === undefined ? undefined : v[k]), o);

/** Parses a label selector into predicates over a labels map. */
export function labelSelector(text) {
  const tests = [];
  // Split on commas outside parentheses.
  const parts = text.match(/([^,(]+(\([^)]*\))?)+/g) ?? [];
  for (const raw of parts.map(p => p.trim()).filter(Boolean)) {
    let m;
    if ((m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw))) {
      const [, key, op, list] = m;
      const values = list.split(',').map(v => v.trim());
      tests.push(l => (op === 'in') === (key in l && values.includes(l[key])));
    } else if ((m = /^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/.exec(raw))) {
      const [, key, op, value] = m;
      tests.push(l => (op === '!=' ? l[key] !== value : l[key] === value));
    } else if ((m = /^!\s*(\S+)$/.exec(raw))) {
      tests.push(l => !(m[1] in l));
    } else if (/^[^\s!=()]+$/.test(raw)) {
      tests.push(l => raw in l);
    } else {
      throw new HttpError(400, 'BadRequest', `unable to parse requirement: ${raw}`);
    }
  }
  return labels => tests.every(t => t(labels ?? {}));
}

/** Parses a field selector into a predicate over objects. */
export function fieldSelector(text) {
  const tests = text
    .split(',')
    .filter(Boolean)
    .map(raw => {
      const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(raw.trim());
      if (!m) throw new HttpError(400, 'BadRequest', `invalid field selector: ${raw}`);
      const [, path, op, value] = m;
      return o => {
        const v = String(dig(o, path) ?? '');
        return op === '!=' ? v !== value : v === value;
      };
    });
  return o => tests.every(t => t(o));
}

class HttpError extends Error {
  constructor(code, reason, message, details) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

function status(code, reason, message, details) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/**
 * Users and what they may do: `admin` everything; others per rule list
 * (`{ verbs, resources }`, `*` for any). Unlisted users may do nothing.
 */
const DEFAULT_USERS = {
  admin: [{ verbs: ['*'], resources: ['*'] }],
};

/**
 * Starts the server. `objects`: initial objects (any served kind);
 * `users`: extra users and their rules. Resolves to
 * `{ url, port, close, objects(), resourceVersion(), failNext(path, code) }`.
 */
export async function startApiServer({ objects = [], users = {} } = {}) {
  const rules = { ...DEFAULT_USERS, ...users };
  const store = new Map(); // key -> object
  const history = []; // { rv, type, object, resource }
  const watchers = new Set(); // { resource, namespace, match, send, close }
  const failures = new Map(); // path prefix -> status code
  let rv = 1000;

  const keyOf = (r, ns, name) => `${r.plural}.${r.group}/${ns ?? ''}/${name}`;

  function allowed(user, verb, plural) {
    return (rules[user] ?? []).some(
      r =>
        (r.verbs.includes('*') || r.verbs.includes(verb)) &&
        (r.resources.includes('*') || r.resources.includes(plural))
    );
  }

  function record(type, r, object) {
    rv += 1;
    if (type !== 'DELETED') object.metadata.resourceVersion = String(rv);
    const event = { rv, type, object: clone(object), resource: r };
    if (type === 'DELETED') event.object.metadata.resourceVersion = String(rv);
    history.push(event);
    if (history.length > 5000) history.shift();
    for (const w of watchers) if (w.resource === r && w.match(event.object)) w.send(event);
  }

  function put(r, object, type) {
    const meta = object.metadata;
    store.set(keyOf(r, r.namespaced ? meta.namespace : '', meta.name), object);
    record(type, r, object);
  }

  function fill(r, object, ns) {
    object.apiVersion = apiVersionOf(r);
    object.kind = r.kind;
    const meta = (object.metadata ??= {});
    if (!meta.name && meta.generateName) {
      meta.name = meta.generateName + Math.random().toString(36).slice(2, 7);
    }
    if (!meta.name)
      throw new HttpError(422, 'Invalid', `${r.kind} "": metadata.name: Required value`);
    if (r.namespaced) meta.namespace = ns ?? meta.namespace ?? 'default';
    else delete meta.namespace;
    meta.uid ??= randomUUID();
    meta.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    meta.generation ??= 1;
    return object;
  }

  for (const o of objects) {
    const r = RESOURCES.find(x => apiVersionOf(x) === o.apiVersion && x.kind === o.kind);
    if (!r) throw new Error(`test API: no resource for ${o.apiVersion} ${o.kind}`);
    const copy = fill(r, clone(o), o.metadata?.namespace);
    put(r, copy, 'ADDED');
  }

  function discovery(path) {
    if (path === '/version')
      return {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.0-imprint-test',
        platform: 'linux/amd64',
      };
    if (path === '/api')
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    const groups = [...new Set(RESOURCES.filter(r => r.group).map(r => r.group))];
    if (path === '/apis')
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map(g => {
          const v = RESOURCES.find(r => r.group === g).version;
          const gv = { groupVersion: `${g}/${v}`, version: v };
          return { name: g, versions: [gv], preferredVersion: gv };
        }),
      };
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!m) return null;
    const [group, version] = m[1] ? ['', 'v1'] : [m[2], m[3]];
    const served = RESOURCES.filter(r => r.group === group && r.version === version);
    if (served.length === 0) return null;
    const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: apiVersionOf(served[0]),
      resources: served.flatMap(r => [
        {
          name: r.plural,
          singularName: r.kind.toLowerCase(),
          namespaced: r.namespaced,
          kind: r.kind,
          verbs,
        },
        ...(r.status
          ? [
              {
                name: `${r.plural}/status`,
                singularName: '',
                namespaced: r.namespaced,
                kind: r.kind,
                verbs: ['get', 'patch', 'update'],
              },
            ]
          : []),
      ]),
    };
  }

  /** Parses a resource path: /api/v1/[namespaces/<ns>/]<plural>[/<name>[/<sub>]]. */
  function route(path) {
    const m =
      /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+)(?=\/))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(
        path
      );
    if (!m) return null;
    const [, v1, group, version, namespace, plural, name, sub] = m;
    const r = RESOURCES.find(
      x =>
        x.plural === plural && x.group === (v1 ? '' : group) && x.version === (v1 ? 'v1' : version)
    );
    if (!r) return null;
    if (namespace && !r.namespaced) return null;
    return { r, namespace, name: name ? decodeURIComponent(name) : undefined, sub };
  }

  // A namespaced path of a Namespace (/api/v1/namespaces/<name>) parses as
  // namespace=undefined plural=namespaces name=<name>: the regex's lookahead
  // needs another segment after the namespace.

  function list(r, namespace, q) {
    const labels = labelSelector(q.get('labelSelector') ?? '');
    const fields = fieldSelector(q.get('fieldSelector') ?? '');
    const match = o =>
      (!namespace || o.metadata.namespace === namespace) && labels(o.metadata.labels) && fields(o);
    return { match, items: [...store.values()].filter(o => o.kind === r.kind && match(o)) };
  }

  function get(r, namespace, name) {
    const o = store.get(keyOf(r, namespace ?? '', name));
    if (!o)
      throw new HttpError(
        404,
        'NotFound',
        `${r.plural}${r.group ? `.${r.group}` : ''} "${name}" not found`,
        {
          name,
          group: r.group,
          kind: r.plural,
        }
      );
    return o;
  }

  function applyPatch(current, type, body) {
    if (type.startsWith('application/json-patch+json')) return jsonPatch(current, body);
    if (type.startsWith('application/merge-patch+json')) return mergePatch(current, body);
    if (type.startsWith('application/strategic-merge-patch+json'))
      return strategicMergePatch(current, body);
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`
    );
  }

  function write(r, existing, next, sub) {
    const out = clone(next);
    out.apiVersion = existing.apiVersion;
    out.kind = existing.kind;
    out.metadata = {
      ...out.metadata,
      uid: existing.metadata.uid,
      name: existing.metadata.name,
      creationTimestamp: existing.metadata.creationTimestamp,
    };
    if (existing.metadata.namespace) out.metadata.namespace = existing.metadata.namespace;
    if (r.status) {
      if (sub === 'status') {
        // Only status changes through the status subresource.
        const keep = clone(existing);
        keep.status = out.status;
        return keep;
      }
      out.status = clone(existing.status);
    }
    if (JSON.stringify(out.spec) !== JSON.stringify(existing.spec)) {
      out.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    }
    return out;
  }

  function startWatch(r, namespace, q, send, close) {
    const { match, items } = list(r, namespace, q);
    const from = q.get('resourceVersion');
    const w = { resource: r, match, send, close };
    if (!from || from === '0') {
      for (const o of items) send({ type: 'ADDED', object: clone(o) });
    } else {
      const since = Number(from);
      if (history.length && since < history[0].rv - 1) {
        send({
          type: 'ERROR',
          object: status(410, 'Expired', `too old resource version: ${since}`),
        });
        close();
        return null;
      }
      for (const e of history) if (e.rv > since && e.resource === r && match(e.object)) send(e);
    }
    watchers.add(w);
    return w;
  }

  const frame = e => JSON.stringify({ type: e.type, object: e.object });

  /** Reads a JSON body; protobuf and CBOR (which clients may try first) are refused with 415. */
  async function jsonBody(req) {
    const type = String(req.headers['content-type'] ?? 'application/json');
    if (/protobuf|cbor|yaml/.test(type)) {
      throw new HttpError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json`
      );
    }
    return JSON.parse((await readBody(req)) || 'null');
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    const user = String(req.headers['x-test-user'] ?? 'admin');
    const reply = (code, body) =>
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    try {
      for (const [prefix, code] of failures) {
        if (path.startsWith(prefix)) {
          throw new HttpError(
            code,
            code === 503 ? 'ServiceUnavailable' : 'InternalError',
            `the test API was told to fail ${prefix} with ${code}`
          );
        }
      }
      if (req.method === 'GET') {
        const d = discovery(path);
        if (d) return reply(200, d);
        if (path === '/healthz' || path === '/readyz' || path === '/livez')
          return res.writeHead(200).end('ok');
      }
      if (
        req.method === 'POST' &&
        /^\/apis\/authorization\.k8s\.io\/v1\/(selfsubjectaccessreviews|selfsubjectrulesreviews)$/.test(
          path
        )
      ) {
        const body = (await jsonBody(req)) ?? {};
        if (path.endsWith('accessreviews')) {
          const a = body.spec?.resourceAttributes ?? {};
          const ok = allowed(user, a.verb ?? 'get', a.resource ?? '');
          return reply(201, {
            ...body,
            status: {
              allowed: ok,
              ...(ok ? {} : { reason: `user ${user} may not ${a.verb} ${a.resource}` }),
            },
          });
        }
        const resourceRules = (rules[user] ?? []).map(r => ({
          verbs: r.verbs,
          apiGroups: ['*'],
          resources: r.resources,
        }));
        return reply(201, {
          ...body,
          status: { resourceRules, nonResourceRules: [], incomplete: false },
        });
      }
      if (req.method === 'POST' && path === '/apis/authentication.k8s.io/v1/selfsubjectreviews') {
        return reply(201, {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'SelfSubjectReview',
          status: { userInfo: { username: user } },
        });
      }
      const at = route(path);
      if (!at)
        throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
      const { r, namespace, name, sub } = at;
      if (sub && sub !== 'status')
        throw new HttpError(
          404,
          'NotFound',
          `the server could not find the requested resource (${sub})`
        );
      const watching = q.get('watch') === '1' || q.get('watch') === 'true';
      const verb = {
        GET: name ? 'get' : watching ? 'watch' : 'list',
        POST: 'create',
        PUT: 'update',
        PATCH: 'patch',
        DELETE: 'delete',
      }[req.method];
      if (!verb) throw new HttpError(405, 'MethodNotAllowed', `${req.method} is not supported`);
      if (!allowed(user, verb, r.plural)) {
        const what = `${r.plural}${r.group ? `.${r.group}` : ''}`;
        const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
        throw new HttpError(
          403,
          'Forbidden',
          `${what}${
            name ? ` "${name}"` : ''
          } is forbidden: User "${user}" cannot ${verb} resource "${r.plural}" in API group "${
            r.group
          }"${scope}`,
          { name, group: r.group, kind: r.plural }
        );
      }
      if (req.method === 'GET' && watching) {
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.flushHeaders();
        const w = startWatch(
          r,
          namespace,
          q,
          e => res.write(frame(e) + '\n'),
          () => res.end()
        );
        req.on('close', () => w && watchers.delete(w));
        return;
      }
      if (req.method === 'GET' && !name) {
        const { items } = list(r, namespace, q);
        return reply(200, {
          kind: `${r.kind}List`,
          apiVersion: apiVersionOf(r),
          metadata: { resourceVersion: String(rv) },
          items: items.map(clone),
        });
      }
      if (req.method === 'GET') return reply(200, get(r, namespace, name));
      if (req.method === 'POST') {
        if (name) throw new HttpError(405, 'MethodNotAllowed', 'POST to an object');
        const parsed = await jsonBody(req);
        if (parsed?.metadata?.resourceVersion) {
          throw new HttpError(
            500,
            'InternalError',
            'resourceVersion should not be set on objects to be created'
          );
        }
        // System fields are the server's; status is kept as given (this
        // server stands in for the kubelet and controllers that write it).
        if (parsed?.metadata) {
          delete parsed.metadata.uid;
          delete parsed.metadata.creationTimestamp;
          delete parsed.metadata.generation;
        }
        const body = fill(r, parsed, namespace);
        const key = keyOf(r, body.metadata.namespace ?? '', body.metadata.name);
        if (store.has(key))
          throw new HttpError(
            409,
            'AlreadyExists',
            `${r.plural} "${body.metadata.name}" already exists`
          );
        put(r, body, 'ADDED');
        return reply(201, body);
      }
      const existing = get(r, namespace, name);
      if (req.method === 'DELETE') {
        store.delete(keyOf(r, namespace ?? '', name));
        record('DELETED', r, existing);
        return reply(200, existing);
      }
      const body = await jsonBody(req);
      let next;
      if (req.method === 'PUT') {
        const want = body.metadata?.resourceVersion;
        if (want && want !== existing.metadata.resourceVersion) {
          throw new HttpError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${r.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            { name, kind: r.plural }
          );
        }
        next = body;
      } else {
        const type = String(req.headers['content-type'] ?? '');
        if (r.custom && type.startsWith('application/strategic-merge-patch+json')) {
          throw new HttpError(
            415,
            'UnsupportedMediaType',
            'strategic merge patch is not supported for custom resources'
          );
        }
        next = applyPatch(existing, type, body);
      }
      const out = write(r, existing, next, sub);
      if (JSON.stringify(out) === JSON.stringify(existing)) return reply(200, existing);
      put(r, out, 'MODIFIED');
      return reply(200, out);
    } catch (e) {
      if (e instanceof HttpError)
        return reply(e.code, status(e.code, e.reason, e.message, e.details));
      if (e instanceof SyntaxError)
        return reply(400, status(400, 'BadRequest', `invalid JSON: ${e.message}`));
      return reply(500, status(500, 'InternalError', String(e?.stack ?? e)));
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  const wss = new WebSocketServer({
    noServer: true,
    // Headlamp offers base64.binary.k8s.io (and an auth protocol); the API
    // server picks the first it knows.
    handleProtocols: protocols => [...protocols].find(p => p.endsWith('binary.k8s.io')) ?? false,
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'http://x');
    const at = route(url.pathname);
    const user = String(req.headers['x-test-user'] ?? 'admin');
    const q = url.searchParams;
    if (!at || at.name || !(q.get('watch') === '1' || q.get('watch') === 'true')) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    if (!allowed(user, 'watch', at.r.plural)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, ws => {
      const w = startWatch(
        at.r,
        at.namespace,
        q,
        e => ws.send(frame(e)),
        () => ws.close()
      );
      ws.on('close', () => w && watchers.delete(w));
    });
  });
  const sockets = new Set();
  server.on('connection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise(ok => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    /** Every object stored (copies). */
    objects: () => [...store.values()].map(clone),
    resourceVersion: () => rv,
    /** From now on, requests under `prefix` fail with `code` (null to stop). */
    fail(prefix, code) {
      if (code) failures.set(prefix, code);
      else failures.delete(prefix);
    },
    close() {
      for (const w of watchers) w.close();
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      return new Promise(ok => server.close(ok));
    },
  };
}

function readBody(req) {
  return new Promise((ok, fail) => {
    const chunks = [];
    let size = 0;
    req.on('data', c => {
      size += c.length;
      if (size > 3 * 1024 * 1024) {
        fail(new HttpError(413, 'RequestEntityTooLarge', 'request body larger than 3 MiB'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

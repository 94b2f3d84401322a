// A stand-in for Headlamp's Go backend (headlamp-server), which cannot be
// installed on these machines: it serves the built frontend (dist/, from
// Headlamp's own code), `/config` with the clusters, `/plugins` in
// Headlamp's format and the plugin folders, proxies `/clusters/<name>/…`
// (HTTP and WebSocket) to a Kubernetes API, and answers Iconify's icon API
// from the mdi set in node_modules so nothing reaches the internet.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';

const require = createRequire(import.meta.url);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** The built test page (vite build of e2e/headlamp). */
export const DIST = resolve(import.meta.dirname, 'dist');

/**
 * Installs a plugin tarball (as `headlamp-plugin package` makes it) into
 * `<root>/user-plugins/<folder>`, as Headlamp's plugin manager unpacks a
 * catalog install: the tarball's top folder becomes `folder`.
 */
export function installPlugin(tarball, folder, root = mkdtempSync(join(tmpdir(), 'headlamp-'))) {
  const dir = join(root, 'user-plugins', folder);
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  return root;
}

/** The mdi icons Iconify asks for, in its API's JSON answer. */
function iconify(prefix, names) {
  const icons = {};
  const not_found = [];
  for (const name of names) {
    try {
      if (prefix !== 'mdi' || !/^[a-z0-9-]+$/.test(name)) throw new Error('no');
      const { body, width, height } = require(`@iconify/icons-mdi/${name}.js`).default;
      icons[name] = { body, width, height };
    } catch {
      not_found.push(name);
    }
  }
  return { prefix, icons, ...(not_found.length ? { not_found } : {}), width: 24, height: 24 };
}

/**
 * Starts the backend. `clusters`: `[{ name, api, user? }]` (api: the test
 * API's base URL; user: sent as `X-Test-User`, the user the API server
 * authorizes); `plugins`: the folder holding `user-plugins/<name>/`.
 * Resolves to `{ url, close, requests }` (requests: every path asked for).
 */
export async function startBackend({ clusters, plugins, dist = DIST }) {
  const requests = [];
  const byName = new Map(clusters.map(c => [c.name, c]));
  const pluginList = () =>
    existsSync(join(plugins, 'user-plugins'))
      ? readdirSync(join(plugins, 'user-plugins')).map(name => ({
          name,
          path: `user-plugins/${name}`,
          type: 'user',
        }))
      : [];

  async function file(res, base, rel) {
    const root = resolve(base);
    let path = join(root, normalize(rel));
    if (!path.startsWith(root)) return res.writeHead(403).end();
    try {
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  }

  /** `/clusters/<name>/<rest>` → the cluster's API, with its user. */
  function target(url) {
    const m = /^\/clusters\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const cluster = m && byName.get(decodeURIComponent(m[1]));
    if (!cluster) return null;
    const api = new URL(cluster.api);
    return {
      host: api.hostname,
      port: api.port,
      path: (m[2] ?? '/') + url.search,
      user: cluster.user,
    };
  }

  function proxyHeaders(headers, t) {
    const out = { ...headers, host: `${t.host}:${t.port}` };
    delete out['x-test-user'];
    if (t.user) out['x-test-user'] = t.user;
    return out;
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push(url.pathname);
    const t = target(url);
    if (t) {
      const up = httpRequest(
        {
          host: t.host,
          port: t.port,
          path: t.path,
          method: req.method,
          headers: proxyHeaders(req.headers, t),
        },
        upRes => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        }
      );
      up.on('error', e => res.writeHead(502).end(String(e)));
      req.pipe(up);
      res.on('close', () => up.destroy());
      return;
    }
    const path = decodeURIComponent(url.pathname);
    if (path === '/config') {
      const body = {
        clusters: clusters.map(c => ({
          name: c.name,
          server: c.api,
          auth_type: '',
          meta_data: { source: 'kubeconfig', namespace: '' },
        })),
        isDynamicClusterEnabled: false,
        allowKubeconfigChanges: false,
      };
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    if (path === '/plugins') {
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(pluginList()));
    }
    const icons = /^\/iconify\/([a-z0-9-]+)\.json$/.exec(path);
    if (icons) {
      const names = (url.searchParams.get('icons') ?? '').split(',').filter(Boolean);
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(iconify(icons[1], names)));
    }
    if (/^\/(user-|static-)?plugins\//.test(path)) return file(res, plugins, path);
    // The frontend's files; any other path is a client-side route.
    if (path.startsWith('/assets/')) return file(res, dist, path);
    return file(res, dist, 'index.html');
  });

  // WebSocket: hand the upgrade to the API and splice the two sockets.
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'http://x');
    requests.push(`${url.pathname} (websocket)`);
    const t = target(url);
    if (!t) return socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    const up = httpRequest({
      host: t.host,
      port: t.port,
      path: t.path,
      headers: proxyHeaders(req.headers, t),
    });
    up.on('upgrade', (upRes, upSocket, upHead) => {
      const lines = [`HTTP/1.1 101 Switching Protocols`];
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
        lines.push(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}`);
      }
      socket.write(lines.join('\r\n') + '\r\n\r\n');
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.pipe(socket).pipe(upSocket);
      const end = () => {
        socket.destroy();
        upSocket.destroy();
      };
      socket.on('error', end);
      upSocket.on('error', end);
      socket.on('close', end);
      upSocket.on('close', end);
    });
    up.on('response', r => {
      socket.end(`HTTP/1.1 ${r.statusCode} ${r.statusMessage}\r\n\r\n`);
    });
    up.on('error', () => socket.destroy());
    up.end();
  });

  const sockets = new Set();
  server.on('connection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise(ok => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise(ok => server.close(ok));
    },
  };
}

// Shared by the end-to-end tests: a static file server for a built folder
// (the page has no server code; any static server does), and Debian's
// Chromium driven by playwright-core (nothing is downloaded).
import { mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
};

/**
 * Serves `root` on a free loopback port; resolves to `{ url, close }`.
 * `mounts` maps URL prefixes to other folders, `json` URL paths to bodies.
 */
export async function serve(root, { mounts = {}, json = {} } = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (path in json) {
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(json[path]));
    }
    const prefix = Object.keys(mounts).find(m => path.startsWith(m));
    const base = resolve(prefix ? mounts[prefix] : root);
    let file = join(base, prefix ? path.slice(prefix.length) : path);
    if (!file.startsWith(base)) return res.writeHead(403).end();
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res
        .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
        .end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise(ok => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise(ok => server.close(ok)) };
}

/** Where the tests write screenshots (documented in the README). */
export const SCREENSHOTS = resolve(import.meta.dirname, '..', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

/** Headless Chromium from Debian's `chromium` package. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

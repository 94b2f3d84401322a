// The built Headlamp plugin (web/headlamp-plugin/dist) in Chromium, inside
// a stand-in of Headlamp's plugin runtime (headlamp-harness/): main.js is
// run as Headlamp runs it, and the engine's .wasm is fetched from the
// folder Headlamp's /plugins list names, as in a real installation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { launch, SCREENSHOTS, serve } from './browser.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WEB = join(ROOT, 'web');
const data = name => readFileSync(join(ROOT, 'tests', 'data', name), 'utf8');

const pods = JSON.parse(data('kubectl-pods.json')).items;
pods[0].metadata.annotations = { 'imprint.dev/policy': 'obol-stack' };
// A provider pod as AIRunway runs it: image <registry>/<provider>-provider:<SHIM_VERSION> (reference (c)).
pods.push({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'vllm-provider-7d9f8c6b5-k2x4p', namespace: 'airunway-system' },
  spec: {
    containers: [
      { name: 'provider', image: 'ghcr.io/kaito-project/airunway/vllm-provider:v0.3.0' },
    ],
  },
});
const fixtures = { pods, detailsPod: 0, ipcs: [parse(data('inference-provider-config.yaml'))] };

let server;
let browser;
const requests = [];

before(async () => {
  // Installed under a folder name that is not the package's (as a catalog
  // install may be): the plugin must find its .wasm all the same.
  server = await serve(join(import.meta.dirname, 'headlamp-harness'), {
    mounts: {
      '/plugins/imprint/': join(WEB, 'headlamp-plugin', 'dist'),
      '/react/': join(WEB, 'node_modules', 'react'),
      '/react-dom/': join(WEB, 'node_modules', 'react-dom'),
    },
    json: {
      '/plugins': [{ path: 'plugins/imprint', type: 'catalog', name: 'imprint' }],
      '/plugins/imprint/package.json': JSON.parse(
        readFileSync(join(WEB, 'headlamp-plugin', 'package.json'), 'utf8')
      ),
      '/fixtures.json': fixtures,
    },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the built plugin loads its engine from its own folder and renders its views', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => m.type() === 'error' && errors.push(m.text()));
  page.on('request', r => requests.push(new URL(r.url()).pathname));
  await page.goto(server.url);
  await page
    .waitForSelector('body[data-ready]', { timeout: 15000 })
    .catch(() => assert.fail(`harness did not start: ${errors.join('; ')}`));

  // Pods list: one badge per pod once the engine is up. Buyer: obol's dev-<hex>
  // channel; escrow: tag b13254e is no channel of the default policy; the
  // provider's v0.3.0 is a default-policy release.
  const table = page.locator('[data-testid=pods-table]');
  await table.locator('[data-testid=imprint-channel]').nth(2).waitFor();
  assert.deepEqual(await table.locator('[data-testid=imprint-channel]').allInnerTexts(), [
    'dev',
    'unknown',
    'release',
  ]);

  // Pod details: the buyer pod (obol-stack policy), init container first.
  const pod = page.getByRole('region', { name: 'Provenance' });
  const cards = pod.locator('[data-testid=imprint-card]');
  assert.equal(await cards.count(), 2);
  assert.match(
    await cards.first().getAttribute('data-artifact'),
    /init container wait-for-verifier$/
  );

  // InferenceProviderConfig: status.version vllm-provider:v0.3.0 and the running :v0.3.0 agree.
  const ipc = page.getByRole('region', { name: 'Provider version (imprint)' });
  await ipc.locator('[data-testid=imprint-provider]').waitFor();
  assert.equal(
    await ipc.locator('[data-testid=imprint-status-version]').innerText(),
    'vllm-provider:v0.3.0'
  );
  assert.equal(
    await ipc.locator('[data-testid=imprint-running]').innerText(),
    'ghcr.io/kaito-project/airunway/vllm-provider:v0.3.0'
  );
  assert.equal(await ipc.locator('[data-testid=imprint-finding]').count(), 0);

  // The plugin's own page lists every InferenceProviderConfig with its verdict.
  const page2 = page.getByRole('region', { name: 'Provider versions (imprint)' });
  await page2.locator('[data-testid=imprint-provider]').waitFor();
  assert.equal(
    await page2.locator('[data-testid=imprint-status-version]').innerText(),
    'vllm-provider:v0.3.0'
  );

  // The engine came from the plugin's own folder.
  assert.ok(requests.includes('/plugins/imprint/imprint_bg.wasm'), requests.join(' '));
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(SCREENSHOTS, 'headlamp-plugin.png'), fullPage: true });
  await page.close();
});

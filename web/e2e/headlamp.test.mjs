// The imprint plugin inside Headlamp's real frontend (the code
// @kinvolk/headlamp-plugin ships in lib/, built by e2e/headlamp/ with a thin
// shell), in Debian's Chromium, against the test Kubernetes API
// (e2e/kube/), seeded and changed with the real kubectl.
//
// Real: Headlamp's frontend code (plugin loader, registry, Redux store,
// routes under /c/<cluster>/… behind its access review, Pods list and
// details views, resource table, CommonComponents, useList with its
// WebSocket watch), the plugin as `headlamp-plugin package` packs it,
// kubectl. Stood in: Headlamp's Go backend (e2e/headlamp/backend.mjs) and
// the API server (e2e/kube/apiserver.mjs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { launch, SCREENSHOTS } from './browser.mjs';
import { installPlugin, startBackend } from './headlamp/backend.mjs';
import { startApiServer } from './kube/apiserver.mjs';
import { kubectlFor, listFile } from './kube/kubectl.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WEB = join(ROOT, 'web');
const data = name => readFileSync(join(ROOT, 'tests', 'data', name), 'utf8');

const BUYER = 'x402-buyer-6c9d8f7b5-q2w7x';
const ESCROW = 'x402-escrow-0';
const PROVIDER = 'vllm-provider-7d9f8c6b5-k2x4p';

let api;
let broken;
let backend;
let browser;
let kubectl;
/** Requests the page tried to send off the loopback interface. */
const external = [];
/** Latencies of live updates, reported at the end. */
const latencies = [];

/** The plugin as `headlamp-plugin package` packs it (from the built dist/). */
function packagePlugin() {
  const out = mkdtempSync(join(tmpdir(), 'imprint-plugin-'));
  execFileSync(
    process.execPath,
    [
      join(WEB, 'node_modules', '@kinvolk', 'headlamp-plugin', 'bin', 'headlamp-plugin.js'),
      'package',
      join(WEB, 'headlamp-plugin'),
      out,
    ],
    { stdio: 'pipe' }
  );
  const [tarball] = readdirSync(out).filter(f => f.endsWith('.tar.gz'));
  assert.ok(tarball, `headlamp-plugin package made no tarball in ${out}`);
  return join(out, tarball);
}

before(async () => {
  // Installed under a folder name that is not the package's
  // (imprint-headlamp-plugin), as a catalog install may be.
  const plugins = installPlugin(packagePlugin(), 'imprint');
  api = await startApiServer({
    users: {
      // May see the cluster and AIRunway's objects, not its Pods.
      viewer: [
        {
          verbs: ['get', 'list', 'watch'],
          resources: ['namespaces', 'customresourcedefinitions', 'inferenceproviderconfigs'],
        },
      ],
    },
  });
  kubectl = kubectlFor(api.url);
  const cluster = parseAllDocuments(
    readFileSync(join(import.meta.dirname, 'fixtures', 'cluster.yaml'), 'utf8')
  ).map(d => d.toJSON());
  const pods = JSON.parse(data('kubectl-pods.json')).items;
  const ipc = parse(data('inference-provider-config.yaml'));
  await kubectl('create', '--validate=false', '-f', listFile([...cluster, ...pods, ipc]));
  await kubectl('annotate', 'pod', '-n', 'x402', BUYER, 'imprint.dev/policy=obol-stack');
  // A cluster whose API server fails listing Pods.
  broken = await startApiServer({ objects: cluster });
  broken.fail('/api/v1/pods', 500);
  backend = await startBackend({
    clusters: [
      { name: 'test', api: api.url },
      { name: 'restricted', api: api.url, user: 'viewer' },
      { name: 'broken', api: broken.url },
    ],
    plugins,
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await backend?.close();
  await api?.close();
  await broken?.close();
  if (latencies.length) {
    console.log(
      `live update latencies (kubectl patch returned → on screen): ${latencies.join(', ')}`
    );
  }
});

/** A new page at `path` of Headlamp; nothing leaves the loopback interface. */
async function open(path) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route('**/*', route => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') {
      return route.continue();
    }
    external.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(backend.url + path);
  return { page, errors, close: () => context.close() };
}

/** The table row of the object named `name` (Headlamp sorts rows by age). */
const row = (page, name) =>
  page.locator('tbody tr', { has: page.getByRole('link', { name, exact: true }) });

/** Waits until `get()` resolves to `want` (deep equal), or fails with the last value. */
async function until(get, want, timeout = 10000) {
  const end = Date.now() + timeout;
  let got;
  while (Date.now() < end) {
    got = await get();
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    await new Promise(ok => setTimeout(ok, 50));
  }
  assert.deepEqual(got, want);
}

/** Names in the first column, in table order. */
const names = page =>
  page.locator('tbody tr').evaluateAll(rows => rows.map(r => r.querySelector('a')?.textContent));

describe('in Headlamp', () => {
  test('Pods list: a Provenance column with the badges, sorted and filtered by it', async () => {
    const { page, errors, close } = await open('c/test/pods');
    const badge = name => row(page, name).locator('[data-testid=imprint-channel]');
    // obol-stack policy: the buyer's dev-<hex> tag is the dev channel; the
    // escrow's b13254e tag is no channel of the default policy; the
    // provider's v0.3.0 is a default-policy release.
    await badge(PROVIDER).waitFor({ timeout: 20000 });
    assert.equal(await badge(BUYER).innerText(), 'dev');
    assert.equal(await badge(ESCROW).innerText(), 'unknown');
    assert.equal(await badge(PROVIDER).innerText(), 'release');
    // Headlamp's StatusLabel (MUI), not a plain element.
    assert.match((await badge(BUYER).getAttribute('class')) ?? '', /Mui/);
    await page.screenshot({ path: join(SCREENSHOTS, 'headlamp-pods.png') });

    // Sorting by the column sorts by its getValue (the text of the badge):
    // dev < release < unknown.
    const sort = page.locator('thead th', { hasText: 'Provenance' }).getByRole('button', {
      name: /Sort.* by Provenance/,
    });
    await sort.click();
    await until(() => names(page), [BUYER, PROVIDER, ESCROW]);
    await sort.click();
    await until(() => names(page), [ESCROW, PROVIDER, BUYER]);

    // Headlamp's table search filters on the column's value too.
    await page.mouse.move(700, 800); // away from the header's tooltip
    await page.locator('[role=tooltip]').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Show/Hide search' }).click();
    await page
      .getByRole('textbox', { name: /search/i })
      .first()
      .fill('release');
    await until(() => names(page), [PROVIDER]);
    assert.deepEqual(errors, []);
    await close();
  });

  test("Pod details: a Provenance section per container, with the policy the Pod's annotation names", async () => {
    const { page, errors, close } = await open(`c/test/pods/x402/${BUYER}`);
    const pod = page.locator('[data-testid=imprint-pod]');
    await pod.waitFor({ timeout: 20000 });
    assert.equal(await pod.getAttribute('data-policy'), 'obol-stack');
    assert.ok(await page.getByRole('heading', { name: 'Provenance', exact: true }).isVisible());
    const cards = pod.locator('[data-testid=imprint-card]');
    assert.deepEqual(await cards.evaluateAll(cs => cs.map(c => c.dataset.artifact)), [
      `Pod/x402/${BUYER} init container wait-for-verifier`,
      `Pod/x402/${BUYER} container buyer`,
    ]);
    await pod.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'headlamp-pod-details.png') });
    await close();

    // No annotation: the plugin's default policy.
    const other = await open(`c/test/pods/x402/${ESCROW}`);
    const escrow = other.page.locator('[data-testid=imprint-pod]');
    await escrow.waitFor({ timeout: 20000 });
    assert.equal(await escrow.getAttribute('data-policy'), 'default');
    assert.equal(await escrow.locator('[data-testid=imprint-card]').count(), 2);
    assert.deepEqual([...errors, ...other.errors], []);
    await other.close();
  });

  test('Provider versions page: every InferenceProviderConfig with its verdict, live as kubectl changes them', async () => {
    const { page, errors, close } = await open('c/test/imprint/providers');
    const section = name =>
      page.locator(`[data-testid=imprint-provider-section][data-name=${name}]`);
    const vllm = section('vllm');
    await vllm.locator('[data-testid=imprint-provider]').waitFor({ timeout: 20000 });
    assert.equal(await page.locator('[data-testid=imprint-provider]').count(), 2);
    // vLLM: status.version vllm-provider:v0.3.0 and the running :v0.3.0 agree.
    assert.equal(
      await vllm.locator('[data-testid=imprint-status-version]').innerText(),
      'vllm-provider:v0.3.0'
    );
    assert.equal(
      await vllm.locator('[data-testid=imprint-running]').innerText(),
      'ghcr.io/kaito-project/airunway/vllm-provider:v0.3.0'
    );
    assert.equal(await vllm.locator('[data-testid=imprint-finding]').count(), 0);
    // llama.cpp: no image of it runs.
    const llama = section('llamacpp');
    assert.equal(
      await llama.locator('[data-testid=imprint-status-version]').innerText(),
      'llamacpp-provider:v0.2.1'
    );
    assert.equal(await llama.locator('[data-testid=imprint-no-running]').count(), 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'headlamp-providers.png') });

    // Live: the provider's Pod now runs v0.4.0; status.version still says v0.3.0.
    const findings = vllm.locator('[data-testid=imprint-finding][data-severity=error]');
    let t = Date.now();
    await kubectl(
      'patch',
      'pod',
      '-n',
      'airunway-system',
      PROVIDER,
      '-p',
      '{"spec":{"containers":[{"name":"provider","image":"ghcr.io/kaito-project/airunway/vllm-provider:v0.4.0"}]}}'
    );
    t = Date.now();
    await findings.first().waitFor({ timeout: 10000 });
    latencies.push(`Pod image ${Date.now() - t} ms`);
    assert.equal(
      await vllm.locator('[data-testid=imprint-running]').innerText(),
      'ghcr.io/kaito-project/airunway/vllm-provider:v0.4.0'
    );
    // Live: the provider reports v0.4.0 (its status subresource): they agree again.
    await kubectl(
      'patch',
      'inferenceproviderconfig',
      'vllm',
      '--subresource',
      'status',
      '--type',
      'merge',
      '-p',
      '{"status":{"version":"vllm-provider:v0.4.0"}}'
    );
    t = Date.now();
    await vllm
      .locator('[data-testid=imprint-status-version]', { hasText: 'vllm-provider:v0.4.0' })
      .waitFor({ timeout: 10000 });
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid=imprint-finding][data-severity=error]').length === 0
    );
    latencies.push(`InferenceProviderConfig status.version ${Date.now() - t} ms`);
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1);
    assert.deepEqual(errors, []);
    await close();
  });

  test("the generic custom-resource page renders no plugin section (Headlamp's, not the plugin's choice)", async () => {
    const { page, errors, close } = await open(
      'c/test/customresources/inferenceproviderconfigs.airunway.ai/-/vllm'
    );
    await page.getByText('vllm', { exact: true }).first().waitFor({ timeout: 20000 });
    // The page is up (Headlamp's own details of the object) …
    await page.getByText('airunway.ai/documentation').first().waitFor({ timeout: 10000 });
    // … and the plugin's section, registered with registerDetailsViewSection, is not on it.
    assert.equal(await page.getByText('Provider version (imprint)').count(), 0);
    assert.deepEqual(errors, []);
    await close();
  });

  test('a user who may not list Pods, and an API server that fails, get a clear message', async () => {
    for (const [cluster, message] of [
      ['restricted', /forbidden|cannot list/i],
      ['broken', /500|InternalError|test API was told to fail/i],
    ]) {
      const { page, errors, close } = await open(`c/${cluster}/imprint/providers`);
      const error = page.locator('[data-testid=imprint-error]').first();
      await error.waitFor({ timeout: 20000 });
      assert.match(await error.innerText(), /Pods could not be listed/);
      assert.match(await error.innerText(), message);
      assert.deepEqual(errors, [], `${cluster}: ${errors.join('; ')}`);
      await close();
    }
  });

  test('the plugin was loaded by Headlamp from its own folder; nothing reached the internet', () => {
    assert.ok(backend.requests.includes('/user-plugins/imprint/main.js'));
    assert.ok(backend.requests.includes('/user-plugins/imprint/imprint_bg.wasm'));
    assert.deepEqual(external, []);
  });
});

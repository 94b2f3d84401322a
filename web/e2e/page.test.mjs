// End-to-end tests of the provenance page (web/app) in Debian's headless
// Chromium: the built folder served as static files, real keyboard paste,
// real file upload. Screenshots go to web/screenshots/.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { launch, SCREENSHOTS, serve } from './browser.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const data = name => readFileSync(join(ROOT, 'tests', 'data', name), 'utf8');

let server;
let browser;
let context;

before(async () => {
  server = await serve(join(ROOT, 'web', 'app', 'dist'));
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: server.url.replace(/\/$/, ''),
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(hash = '') {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(server.url + hash);
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 });
  page.errors = errors;
  return page;
}

/** Pastes `text` into the input the way a person does: clipboard, then Ctrl+V. */
async function paste(page, text) {
  await page.evaluate(t => navigator.clipboard.writeText(t), text);
  await page.fill('[data-testid=input]', '');
  await page.focus('[data-testid=input]');
  await page.keyboard.press('Control+V');
}

test('the built page works from disk, with no server (file://)', async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(join(ROOT, 'web', 'app', 'dist', 'index.html')).href);
  await page.waitForSelector('body[data-ready]', { timeout: 15000 });
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', errors.join('; '));
  await page.fill('[data-testid=input]', 'ghcr.io/o/app:v1.2.3');
  await page.locator('[data-testid=card] [data-testid=channel]').waitFor();
  // The default policy's classify rule: v<semver> is a release.
  assert.equal(
    await page.locator('[data-testid=card] [data-testid=channel]').innerText(),
    'release'
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('pasted references become cards with channel badges', async () => {
  const page = await open();
  await page.selectOption('[data-testid=policy]', 'vllm');
  await paste(page, 'vllm/vllm-openai:v0.20.0\nvllm/vllm-openai:latest\nNot A Ref\n');
  await page.waitForSelector('[data-testid=card] >> nth=2');
  const refs = await page.locator('[data-testid=card] [data-testid=reference]').allInnerTexts();
  assert.deepEqual(refs, ['vllm/vllm-openai:v0.20.0', 'vllm/vllm-openai:latest', 'Not A Ref']);
  // vllm's classify rule: v<semver> is a release; `latest` matches no channel (a warning).
  const channels = await page.locator('[data-testid=card] [data-testid=channel]').allInnerTexts();
  assert.deepEqual(channels, ['release', 'unknown', 'unknown']);
  const third = page.locator('[data-testid=card]').nth(2);
  assert.equal(
    await third.locator('[data-testid=finding]').first().getAttribute('data-rule'),
    'invalid-reference'
  );
  assert.equal(await page.locator('[data-testid=count]').innerText(), '3');
  // The pasted text lands in the box too.
  assert.match(await page.inputValue('[data-testid=input]'), /Not A Ref/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('docker inspect output gives the full card: version, linked commit, pipeline, build', async () => {
  const page = await open();
  await page.selectOption('[data-testid=policy]', 'vllm');
  await paste(page, data('docker-inspect-vllm.json'));
  const card = page.locator('[data-testid=card]');
  await card.first().waitFor();
  assert.equal(await card.count(), 1);
  assert.equal(await card.locator('[data-testid=channel]').innerText(), 'release');
  // tests/data/README.md: a release build of commit 3f1a4bb6… from github.com/vllm-project/vllm.
  const commit = card.locator('[data-testid=commit] a');
  assert.match(
    await commit.getAttribute('href'),
    /^https:\/\/github\.com\/vllm-project\/vllm\/commit\/3f1a4bb6[0-9a-f]+$/
  );
  const text = await card.innerText();
  assert.match(text, /pipeline/);
  assert.match(text, /buildkite\.com/);
  // Its labels and VLLM_* variables agree: no error findings.
  assert.equal(await card.locator('[data-testid=finding].error').count(), 0);
  await page.screenshot({ path: join(SCREENSHOTS, 'page-cards.png'), fullPage: true });
  await page.close();
});

test('a Kubernetes manifest gives one card per container, named by object', async () => {
  const page = await open();
  await page.selectOption('[data-testid=policy]', 'obol-stack');
  await paste(page, data('manifests-obol.yaml'));
  await page.locator('[data-testid=card]').nth(4).waitFor();
  assert.equal(await page.locator('[data-testid=card]').count(), 5);
  assert.match(
    await page.locator('[data-testid=card] .artifact').first().innerText(),
    /^Deployment\/x402\/x402-buyer init container wait-for-verifier/
  );
  await page.close();
});

test('the derive playground updates the tag as the context is edited', async () => {
  const page = await open();
  await page.selectOption('[data-testid=policy]', 'vllm');
  await page.click('#tab-derive');
  await page.fill('[data-testid=ctx-arch]', 'x86_64');
  // tests/vectors/vllm.json "local mode with no environment".
  await page.waitForFunction(
    () => document.querySelector('[data-testid=tag]')?.textContent === 'local/vllm-openai:dev'
  );
  // "CI mode ignores VLLM_IMAGE_TAG": BUILDKITE=1, commit abc, RELEASE_VERSION v1.2.3.
  await page.fill(
    '[data-testid=ctx-env]',
    'BUILDKITE=1\nBUILDKITE_COMMIT=abc\nRELEASE_VERSION=v1.2.3\nVLLM_IMAGE_TAG=local/test:dev'
  );
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid=tag]')?.textContent ===
      'public.ecr.aws/q9t5s3a7/vllm-release-repo:abc-x86_64'
  );
  // The fallback trace says where each value came from: upstream's build
  // commit is VLLM_BUILD_COMMIT, else BUILDKITE_COMMIT (reference (a)).
  const commit = page.locator('[data-testid=trace-row][data-value=build_commit]');
  assert.match(
    await commit.innerText(),
    /^build_commit\s+abc\s+from source 2: env BUILDKITE_COMMIT/
  );
  assert.match(await commit.innerText(), /skipped env VLLM_BUILD_COMMIT: unset/);
  await page.screenshot({ path: join(SCREENSHOTS, 'page-derive.png'), fullPage: true });
  await page.close();
});

test('a broken policy file shows its problems at their JSON paths', async () => {
  const page = await open();
  await page.setInputFiles(
    '[data-testid=policy-file]',
    join(import.meta.dirname, 'fixtures', 'broken-policy.json')
  );
  const box = page.locator('[data-testid=policy-errors]');
  await box.waitFor();
  const problems = await box.locator('[data-testid=problem]').allInnerTexts();
  assert.ok(
    problems.some(p => p.startsWith('$.values.tag.from[1]')),
    problems.join('\n')
  );
  assert.ok(
    problems.some(p => p.includes('tagg')),
    problems.join('\n')
  );
  assert.equal(await page.locator('[data-testid=policy]').inputValue(), 'custom');
  await page.screenshot({ path: join(SCREENSHOTS, 'page-broken-policy.png'), fullPage: true });
  await page.close();
});

test("the URL keeps the state: a card's link opens that card", async () => {
  const page = await open();
  await page.selectOption('[data-testid=policy]', 'default');
  await paste(
    page,
    'ghcr.io/o/a:v1.0.0\nghcr.io/o/b:dev-0123456789abcdef0123456789abcdef01234567\nghcr.io/o/c:latest'
  );
  await page.locator('[data-testid=card]').nth(2).waitFor();
  await page.locator('[data-testid=card]').nth(1).locator('button.share').click();
  await page.waitForSelector("body[data-shared='1']");
  const url = page.url();
  await page.close();
  const again = await context.newPage();
  await again.goto(url);
  await again.waitForSelector('body[data-ready=true]');
  await again.locator('.card.focused').waitFor();
  assert.equal(
    await again.locator('.card.focused [data-testid=reference]').innerText(),
    'ghcr.io/o/b:dev-0123456789abcdef0123456789abcdef01234567'
  );
  assert.equal(await again.locator('[data-testid=policy]').inputValue(), 'default');
  await again.close();
});

test('10,000 pasted references: first cards at once, 50 rendered per page', async () => {
  const page = await open();
  await page.selectOption('[data-testid=policy]', 'vllm');
  const refs = Array.from({ length: 10000 }, (_, i) =>
    i % 3 === 0
      ? `vllm/vllm-openai:v0.${i}.0`
      : i % 3 === 1
      ? `public.ecr.aws/q9t5s3a7/vllm-release-repo:${(i * 7919).toString(16)}-x86_64`
      : `vllm/vllm-openai:nightly-${i}`
  ).join('\n');
  const runs = 5;
  for (let k = 0; k < runs; k++) {
    await paste(page, refs);
    await page.waitForFunction(n => window.imprintTimings.pasteToCards.length >= n, k + 1);
  }
  await page.waitForFunction(n => window.imprintTimings.pasteToText.length >= n, runs);
  const times = await page.evaluate(() => window.imprintTimings.pasteToCards);
  const textTimes = await page.evaluate(() => window.imprintTimings.pasteToText);
  assert.equal(await page.locator('[data-testid=card]').count(), 50);
  assert.equal(await page.locator('[data-testid=page]').first().innerText(), 'cards 1–50 of 10000');
  // Every card is checked in the background; the summary counts all of them.
  await page.waitForFunction(() => !document.querySelector('[data-testid=progress]'), null, {
    timeout: 60000,
  });
  assert.equal(await page.locator('[data-testid=count]').innerText(), '10000');
  const median = xs =>
    Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] * 10) / 10;
  const report = {
    references: 10000,
    runs,
    paste_to_first_cards_ms: times.map(t => Math.round(t * 10) / 10),
    median_ms: median(times),
    // Then the text box shows the pasted text (the browser's own layout of 10,000 lines).
    paste_to_text_shown_ms: textTimes.map(t => Math.round(t * 10) / 10),
    text_median_ms: median(textTimes),
  };
  writeFileSync(join(SCREENSHOTS, 'paste-10k.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(
    `paste → first cards, 10,000 references: median ${
      report.median_ms
    } ms (${report.paste_to_first_cards_ms.join(', ')}); text box filled: median ${
      report.text_median_ms
    } ms`
  );
  await page.close();
});

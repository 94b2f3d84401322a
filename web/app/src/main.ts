// The provenance page: wiring between the DOM, the URL and the engine.
// Every answer on this page comes from the engine's WebAssembly module
// (the npm package CI tests); nothing here re-implements a rule.
import './style.css';
import type { Answer, Artifact, ArtifactCard, LoadedPolicy } from '@imprint/engine/web';
import init, * as engine from '@imprint/engine/web';
import { INPUT_KINDS, type InputKind, parseInput } from '../../lib/input';
import { card, esc, pairs, problems, trace } from './render';
import { decodeState, encodeState, keyValues, type PageState } from './state';

/** Cards per page: what is rendered at once, whatever was pasted. */
const PAGE_SIZE = 50;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let state: PageState;
let policy: LoadedPolicy | null = null;
let cards: ArtifactCard[] = [];
let shown: number[] = [];
let pasteStart: number | null = null;

/** Timings the end-to-end tests and the README report. */
const timings: { pasteToCards: number[]; pasteToText: number[] } = {
  pasteToCards: [],
  pasteToText: [],
};
(window as unknown as { imprintTimings: typeof timings }).imprintTimings = timings;

function policyText(): string {
  return state.policy === 'custom' ? state.policyText ?? '' : engine.policyText(state.policy) ?? '';
}

/** Loads the current policy once; shows its problems when it does not load. */
function loadPolicy(): void {
  policy?.free();
  policy = null;
  const box = $('policy-errors');
  const loaded = engine.load(policyText()) as LoadedPolicy | Answer;
  if (loaded instanceof engine.LoadedPolicy) {
    policy = loaded;
    box.hidden = true;
    box.innerHTML = '';
  } else if (loaded.type === 'policy_error') {
    box.hidden = false;
    box.innerHTML = problems(
      state.policy === 'custom' ? 'the loaded policy' : state.policy,
      loaded.problems
    );
  }
}

// ---- provenance cards ----
//
// The cards of the first page are computed and shown at once; the rest are
// computed in the background in chunks (the summary counts as they come),
// so 10,000 pasted references show their first cards in milliseconds.

/** The artifacts of the current input, and their cards as far as computed. */
let artifacts: Partial<Artifact>[] = [];
let computed = 0;
let generation = 0;
const CHUNK = 500;

/** Computes the cards of artifacts `[from, to)` into `cards`. */
function computeCards(from: number, to: number): void {
  if (!policy || from >= to) return;
  const answer = JSON.parse(policy.cardsJson(JSON.stringify(artifacts.slice(from, to)))) as Answer;
  if (answer.type !== 'cards') throw new Error(`the engine answered ${answer.type}`);
  for (let i = 0; i < answer.cards.length; i++) cards[from + i] = answer.cards[i];
}

/** Makes sure the cards up to `to` exist (computing the missing ones now). */
function ensureCards(to: number): void {
  const end = Math.min(to, artifacts.length);
  if (computed < end) {
    computeCards(computed, end);
    computed = end;
  }
}

function evaluateCards(): void {
  const errBox = $('input-error');
  errBox.hidden = true;
  cards = [];
  artifacts = [];
  computed = 0;
  const gen = ++generation;
  if (policy) {
    const parsed = parseInput(state.input, state.kind, engine);
    if (!parsed.ok) {
      errBox.hidden = false;
      errBox.textContent =
        `Could not read the input as ${INPUT_KINDS[parsed.kind]}: ${parsed.message}` +
        (parsed.line ? ` (line ${parsed.line})` : '');
    } else {
      artifacts = parsed.artifacts;
    }
  }
  try {
    renderCards();
  } catch (e) {
    return showEngineError(e);
  }
  const more = () => {
    if (gen !== generation || computed >= artifacts.length) return;
    try {
      ensureCards(computed + CHUNK);
    } catch (e) {
      return showEngineError(e);
    }
    renderSummary();
    setTimeout(more, 0);
  };
  // After the first cards are painted.
  requestAnimationFrame(() => setTimeout(more, 0));
}

/** An answer the page did not expect: said in the input's error box, never a blank page. */
function showEngineError(e: unknown): void {
  artifacts = [];
  cards = [];
  computed = 0;
  $('cards').innerHTML = '';
  $('summary').innerHTML = '';
  const box = $('input-error');
  box.hidden = false;
  box.textContent = `The engine could not check this input: ${
    e instanceof Error ? e.message : String(e)
  }`;
}

/** Every card, computing what is missing (for filters over all cards). */
function allCards(): ArtifactCard[] {
  ensureCards(artifacts.length);
  return cards;
}

function renderCards(): void {
  if (state.onlyProblems) allCards();
  const total = artifacts.length;
  if (state.onlyProblems) {
    shown = [];
    for (let i = 0; i < total; i++) if (cards[i].findings.length) shown.push(i);
  } else {
    shown = Array.from({ length: total }, (_, i) => i);
  }
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  if (state.focus !== undefined) {
    const at = shown.indexOf(state.focus);
    if (at >= 0) state.page = Math.floor(at / PAGE_SIZE);
  }
  state.page = Math.min(Math.max(0, state.page), pages - 1);
  const from = state.page * PAGE_SIZE;
  const visible = shown.slice(from, from + PAGE_SIZE);
  if (visible.length) ensureCards(visible[visible.length - 1] + 1);
  $('cards').innerHTML = visible.map(i => card(cards[i], i, i === state.focus)).join('');
  renderSummary();
  const pager =
    shown.length <= PAGE_SIZE
      ? ''
      : `<button data-page="${state.page - 1}" ${
          state.page === 0 ? 'disabled' : ''
        }>‹ previous</button> ` +
        `<span data-testid="page">cards ${from + 1}–${from + visible.length} of ${
          shown.length
        }</span> ` +
        `<button data-page="${state.page + 1}" ${
          state.page >= pages - 1 ? 'disabled' : ''
        }>next ›</button>`;
  $('pager-top').innerHTML = pager;
  $('pager-bottom').innerHTML = pager;
  if (state.focus !== undefined)
    document.getElementById(`card-${state.focus}`)?.scrollIntoView({ block: 'center' });
  if (pasteStart !== null) {
    const t0 = pasteStart;
    pasteStart = null;
    // After the browser has laid out and painted the first cards.
    requestAnimationFrame(() =>
      setTimeout(() => timings.pasteToCards.push(performance.now() - t0), 0)
    );
  }
}

/** Counts over the cards computed so far. */
function renderSummary(): void {
  const total = artifacts.length;
  let errors = 0;
  let warnings = 0;
  const channels = new Map<string, number>();
  for (let i = 0; i < computed; i++) {
    const c = cards[i];
    for (const f of c.findings) f.severity === 'error' ? errors++ : warnings++;
    const ch = c.channel ?? 'unknown';
    channels.set(ch, (channels.get(ch) ?? 0) + 1);
  }
  const onlyRefs = total > 0 && artifacts.every(a => a.kind === 'image' && !a.labels);
  $('summary').innerHTML =
    total === 0
      ? ''
      : `<strong data-testid="count">${total}</strong> image${total === 1 ? '' : 's'}` +
        (computed < total
          ? ` <span class="muted" data-testid="progress">(checked ${computed})</span>`
          : '') +
        ` · ` +
        `<span class="${errors ? 'error' : ''}" data-testid="errors">${errors} error${
          errors === 1 ? '' : 's'
        }</span> · ` +
        `${warnings} warning${warnings === 1 ? '' : 's'}<br>` +
        [...channels].map(([c, n]) => `${esc(c)}: ${n}`).join(' · ') +
        (onlyRefs
          ? `<p class="muted">A reference alone carries no labels: paste <code>docker inspect</code> output to check what the image says about itself.</p>`
          : '');
}

// ---- derive playground ----

function evaluateDerive(): void {
  const errBox = $('derive-error');
  errBox.hidden = true;
  const clear = (ids: string[]) => ids.forEach(id => ($(id).innerHTML = ''));
  if (!policy) {
    clear(['tags', 'build-args', 'labels', 'ldflags', 'trace']);
    errBox.hidden = false;
    errBox.innerHTML = $('policy-errors').innerHTML;
    return;
  }
  const context = {
    env: keyValues(state.env),
    git: keyValues(state.git),
    args: keyValues(state.args),
    arch: state.arch.trim() === '' ? null : state.arch.trim(),
  };
  const d = policy.derive(context);
  if (d.type !== 'derivation') {
    clear(['tags', 'build-args', 'labels', 'ldflags', 'trace']);
    errBox.hidden = false;
    errBox.innerHTML =
      d.type === 'derive_error'
        ? `<strong>${esc(d.code)}</strong> <code>${esc(d.subject)}</code>: ${esc(d.message)}`
        : esc(JSON.stringify(d));
    return;
  }
  $('tags').innerHTML =
    d.tags.map(t => `<li data-testid="tag">${esc(t)}</li>`).join('') ||
    `<li class="muted">none</li>`;
  $('build-args').innerHTML = pairs(d.build_args.map(b => [b.name, b.value]));
  $('labels').innerHTML = pairs(Object.entries(d.labels));
  $('ldflags').innerHTML = pairs(d.ldflags.map(l => [l.symbol, l.value]));
  $('trace').innerHTML = trace(d);
}

// ---- state, URL, events ----

let urlTimer: ReturnType<typeof setTimeout> | undefined;
function saveUrl(): void {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(async () => history.replaceState(null, '', await encodeState(state)), 200);
}

function showTab(): void {
  for (const tab of ['cards', 'derive'] as const) {
    $(`${tab}-view`).hidden = state.tab !== tab;
    $(`tab-${tab}`).setAttribute('aria-selected', String(state.tab === tab));
  }
}

function everything(): void {
  loadPolicy();
  evaluateCards();
  evaluateDerive();
}

function fillControls(): void {
  const sel = $<HTMLSelectElement>('policy');
  sel.innerHTML =
    (engine.policies() as { name: string; description: string }[])
      .map(
        p => `<option value="${esc(p.name)}" title="${esc(p.description)}">${esc(p.name)}</option>`
      )
      .join('') + `<option value="custom">custom (loaded or edited)</option>`;
  sel.value = state.policy;
  const kind = $<HTMLSelectElement>('kind');
  kind.innerHTML = Object.entries(INPUT_KINDS)
    .map(([k, v]) => `<option value="${k}">${esc(v)}</option>`)
    .join('');
  kind.value = state.kind;
  $<HTMLTextAreaElement>('input').value = state.input;
  $<HTMLInputElement>('only-problems').checked = !!state.onlyProblems;
  $<HTMLTextAreaElement>('ctx-env').value = state.env;
  $<HTMLTextAreaElement>('ctx-git').value = state.git;
  $<HTMLTextAreaElement>('ctx-args').value = state.args;
  $<HTMLInputElement>('ctx-arch').value = state.arch;
  $<HTMLTextAreaElement>('policy-text').value = policyText();
  $('engine-version').textContent = `engine ${engine.version()} (WebAssembly)`;
  showTab();
}

function wire(): void {
  $('policy').addEventListener('change', e => {
    const v = (e.target as HTMLSelectElement).value;
    if (v === 'custom') state.policyText = policyText();
    else delete state.policyText;
    state.policy = v;
    $<HTMLTextAreaElement>('policy-text').value = policyText();
    state.focus = undefined;
    everything();
    saveUrl();
  });
  $('policy-file').addEventListener('change', async e => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    state.policy = 'custom';
    state.policyText = await file.text();
    $<HTMLSelectElement>('policy').value = 'custom';
    $<HTMLTextAreaElement>('policy-text').value = state.policyText;
    everything();
    saveUrl();
  });
  $('policy-text').addEventListener('input', e => {
    state.policy = 'custom';
    state.policyText = (e.target as HTMLTextAreaElement).value;
    $<HTMLSelectElement>('policy').value = 'custom';
    everything();
    saveUrl();
  });
  const input = $<HTMLTextAreaElement>('input');
  // A paste is evaluated before the text box shows it: laying out 10,000
  // pasted lines in a <textarea> alone takes Chromium ~150 ms, so the cards
  // come first and the box is filled in the next frame.
  let pendingInsert: (() => void) | null = null;
  const flushInsert = () => {
    const f = pendingInsert;
    pendingInsert = null;
    f?.();
  };
  input.addEventListener('paste', e => {
    const text = e.clipboardData?.getData('text/plain');
    if (text === undefined || text === '') return;
    e.preventDefault();
    // A second paste before the first is shown: show the first now.
    flushInsert();
    const t0 = performance.now();
    pasteStart = t0;
    const { selectionStart: from, selectionEnd: to, value } = input;
    state.input = value.slice(0, from) + text + value.slice(to);
    state.page = 0;
    state.focus = undefined;
    evaluateCards();
    saveUrl();
    pendingInsert = () => {
      input.setRangeText(text, from, to, 'end');
      // After the text box has laid the text out.
      requestAnimationFrame(() =>
        setTimeout(() => timings.pasteToText.push(performance.now() - t0), 0)
      );
    };
    requestAnimationFrame(() => setTimeout(flushInsert, 0));
  });
  let typing: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', e => {
    state.input = input.value;
    state.page = 0;
    state.focus = undefined;
    clearTimeout(typing);
    const run = () => {
      evaluateCards();
      saveUrl();
    };
    // Typing waits for a pause; anything else (drop, cut, undo) is evaluated at once.
    if ((e as InputEvent).inputType?.startsWith('insertText')) typing = setTimeout(run, 150);
    else run();
  });
  $('kind').addEventListener('change', e => {
    state.kind = (e.target as HTMLSelectElement).value as InputKind;
    evaluateCards();
    saveUrl();
  });
  $('only-problems').addEventListener('change', e => {
    state.onlyProblems = (e.target as HTMLInputElement).checked || undefined;
    state.page = 0;
    renderCards();
    saveUrl();
  });
  for (const id of ['pager-top', 'pager-bottom']) {
    $(id).addEventListener('click', e => {
      const p = (e.target as HTMLElement).closest('button')?.dataset.page;
      if (p === undefined) return;
      state.page = Number(p);
      state.focus = undefined;
      renderCards();
      saveUrl();
    });
  }
  $('cards').addEventListener('click', async e => {
    const i = (e.target as HTMLElement).closest('button')?.dataset.share;
    if (i === undefined) return;
    state.focus = Number(i);
    renderCards();
    const url = location.href.split('#')[0] + (await encodeState(state));
    history.replaceState(null, '', url);
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    document.body.dataset.shared = String(i);
  });
  for (const [id, key] of [
    ['ctx-env', 'env'],
    ['ctx-git', 'git'],
    ['ctx-args', 'args'],
    ['ctx-arch', 'arch'],
  ] as const) {
    $(id).addEventListener('input', e => {
      state[key] = (e.target as HTMLInputElement).value;
      evaluateDerive();
      saveUrl();
    });
  }
  for (const tab of ['cards', 'derive'] as const) {
    $(`tab-${tab}`).addEventListener('click', () => {
      state.tab = tab;
      showTab();
      saveUrl();
    });
  }
  window.addEventListener('hashchange', async () => {
    state = await decodeState(location.hash);
    fillControls();
    everything();
  });
}

async function main(): Promise<void> {
  await init();
  state = await decodeState(location.hash);
  fillControls();
  wire();
  everything();
  document.body.dataset.ready = 'true';
}

main().catch(e => {
  document.body.dataset.ready = 'error';
  document.body.insertAdjacentHTML(
    'afterbegin',
    `<p class="problems">The engine failed to start: ${esc(e)}</p>`
  );
});

// The page's state in its URL, so a view (or one card) can be shared as a
// link: JSON, deflated, base64url, after `#v1.`. Nothing leaves the browser.
import { INPUT_KINDS, type InputKind } from '../../lib/input';

/** Everything a link restores. */
export interface PageState {
  /** `cards` or `derive`. */
  tab: 'cards' | 'derive';
  /** A builtin policy's name, or `custom` with `policyText`. */
  policy: string;
  /** The text of a loaded or edited policy. */
  policyText?: string;
  /** What was pasted, and as what. */
  input: string;
  kind: InputKind;
  /** The page of cards shown (0-based), and the card a link points at. */
  page: number;
  focus?: number;
  onlyProblems?: boolean;
  /** The derive playground's context, as typed. */
  env: string;
  git: string;
  args: string;
  arch: string;
}

/** The state of a fresh page. */
export const INITIAL: PageState = {
  tab: 'cards',
  policy: 'default',
  input: '',
  kind: 'auto',
  page: 0,
  env: '',
  git: 'branch=main\nsha=0123456789abcdef0123456789abcdef01234567\nshort=0123456\ndirty=',
  args: '',
  arch: 'x86_64',
};

const PREFIX = '#v1.';

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream
): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** The URL hash of `state` (only what differs from a fresh page). */
export async function encodeState(state: PageState): Promise<string> {
  const diff: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state)) {
    if (v !== undefined && (INITIAL as unknown as Record<string, unknown>)[k] !== v) diff[k] = v;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(diff));
  return PREFIX + toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw')));
}

/** The state a URL hash holds, or the fresh state when it holds none (or garbage). */
export async function decodeState(hash: string): Promise<PageState> {
  if (!hash.startsWith(PREFIX)) return { ...INITIAL };
  try {
    const bytes = await pipe(
      fromBase64Url(hash.slice(PREFIX.length)),
      new DecompressionStream('deflate-raw')
    );
    const diff = JSON.parse(new TextDecoder().decode(bytes)) as Partial<PageState>;
    const out: PageState = { ...INITIAL };
    for (const k of Object.keys(INITIAL) as (keyof PageState)[]) {
      if (diff[k] !== undefined && typeof diff[k] === typeof INITIAL[k])
        (out as unknown as Record<string, unknown>)[k] = diff[k];
    }
    // Only values the page knows: a hand-edited link falls back per field.
    if (!['cards', 'derive'].includes(out.tab)) out.tab = INITIAL.tab;
    if (!(out.kind in INPUT_KINDS)) out.kind = INITIAL.kind;
    if (!Number.isInteger(out.page) || out.page < 0) out.page = 0;
    if (typeof diff.policyText === 'string') out.policyText = diff.policyText;
    if (Number.isInteger(diff.focus) && (diff.focus as number) >= 0) out.focus = diff.focus;
    if (typeof diff.onlyProblems === 'boolean') out.onlyProblems = diff.onlyProblems;
    return out;
  } catch {
    return { ...INITIAL };
  }
}

/** `NAME=value` lines as a map (blank lines and `#` comments skipped; the first `=` splits). */
export function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) out[line.trim()] = '';
    else out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

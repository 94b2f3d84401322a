// Loading the imprint engine inside Headlamp.
//
// The plugin ships the engine's `imprint_bg.wasm` next to its `main.js`
// (`headlamp.extraDist` in package.json) and fetches it from the folder
// Headlamp serves the plugin from. Headlamp runs a plugin's code with
// `new Function` (no `document.currentScript`, and `import.meta.url` is the
// page's), appending `//# sourceURL=//<plugin path>/dist/main.js`; the
// plugin's own stack frames carry that name, which gives the folder
// whatever it is called. Failing that, Headlamp's `plugins` list is
// searched for this package's name.
import { initSync } from '@imprint/engine/web';

/** The name this plugin is installed under (package.json `name`). */
export const PLUGIN_NAME = 'imprint-headlamp-plugin';

/** One entry of Headlamp's `GET <app>/plugins` answer. */
export interface PluginEntry {
  path: string;
  name?: string;
  type?: string;
}

type Fetch = (url: string) => Promise<Response>;

interface HeadlampWindow {
  headlampBaseUrl?: string;
  headlampBackendPort?: number;
  desktopApi?: unknown;
}

/** Headlamp's app URL, as its own `getAppUrl` computes it (browser and desktop). */
export function appUrl(win: Window & HeadlampWindow = window as Window & HeadlampWindow): string {
  const electron =
    win.navigator.userAgent.toLowerCase().includes('electron') || win.desktopApi !== undefined;
  const url = electron
    ? `http://localhost:${win.headlampBackendPort ?? 4466}`
    : win.location.origin;
  let base = electron ? '' : win.headlampBaseUrl ?? '';
  if (base === './' || base === '.' || base === '/') base = '';
  return url + (base ? base + '/' : '/');
}

/** The served folder of this plugin, from Headlamp's plugin list. */
export function pluginFolder(app: string, entries: PluginEntry[]): string | null {
  const mine = entries.find(
    e => e.name === PLUGIN_NAME || e.path.replace(/\/+$/, '').endsWith(`/${PLUGIN_NAME}`)
  );
  return mine ? `${app}${mine.path.replace(/^\/+|\/+$/g, '')}/` : null;
}

/**
 * The served path of the plugin whose code produced `stack` (`plugins/x`,
 * `user-plugins/x`, `static-plugins/x`), from the `sourceURL` Headlamp
 * gives every plugin's code.
 */
export function pluginPathFromStack(stack: string): string | null {
  const m = /\/\/((?:[a-z]+-)?plugins\/[^/\s()]+)\/dist\/main\.js/.exec(stack);
  return m ? m[1] : null;
}

/** Where this plugin's `imprint_bg.wasm` is served. */
export async function wasmUrl(
  app: string,
  fetcher: Fetch,
  stack = new Error().stack ?? ''
): Promise<string> {
  const own = pluginPathFromStack(stack);
  if (own) return `${app}${own}/imprint_bg.wasm`;
  const res = await fetcher(`${app}plugins`);
  if (!res.ok) throw new Error(`Headlamp's plugin list (${app}plugins) answered ${res.status}`);
  const folder = pluginFolder(app, (await res.json()) as PluginEntry[]);
  if (!folder) throw new Error(`${PLUGIN_NAME} is not in Headlamp's plugin list`);
  return `${folder}imprint_bg.wasm`;
}

/** Compiles (off the main thread's critical path) and instantiates the engine from wasm bytes. */
export async function startEngine(bytes: BufferSource): Promise<void> {
  initSync({ module: await WebAssembly.compile(bytes) });
  started = true;
}

let started = false;
let starting: Promise<void> | undefined;

/** Whether the engine is ready to answer (views render at once when it is). */
export function engineReady(): boolean {
  return started;
}

/** Starts the engine once per page: fetches the plugin's own `.wasm` and instantiates it. */
export function ensureEngine(fetcher: Fetch = u => fetch(u)): Promise<void> {
  if (started) return Promise.resolve();
  starting ??= (async () => {
    const url = await wasmUrl(appUrl(), fetcher);
    const res = await fetcher(url);
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    await startEngine(await res.arrayBuffer());
  })();
  starting.catch(() => (starting = undefined));
  return starting;
}

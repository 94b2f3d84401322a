// For tests: start the real engine from the built package's .wasm file.
import { initSync } from '@imprint/engine/web';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Paths are joined by hand: vite rewrites `new URL(…, import.meta.url)`.
const HERE = dirname(fileURLToPath(import.meta.url));

/** The engine module the npm package ships (wasm/pkg/imprint_bg.wasm). */
export const WASM_PATH = join(HERE, '..', '..', 'wasm', 'pkg', 'imprint_bg.wasm');

/** Instantiates the engine once for this test file. */
export function startTestEngine(): void {
  initSync({ module: new WebAssembly.Module(readFileSync(WASM_PATH)) });
}

/** A file of the shared test data (tests/data). */
export function testData(name: string): string {
  return readFileSync(join(HERE, '..', '..', 'tests', 'data', name), 'utf8');
}

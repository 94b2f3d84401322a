// The engine: the WebAssembly module built with the command line in it
// (wasm/build.sh → wasm/pkg-cli, bundled beside dist/imprint.cjs).
// Every computation is the engine's; this file only loads it.
import './flags.mjs';
import * as engine from '../../wasm/pkg-cli/imprint.cjs';

export default engine;

/**
 * Sends one request to the engine's JSON boundary and reads the answer.
 * @param {object} request
 * @returns {{ text: string, answer: any }}
 */
export function run(request) {
  const text = engine.run(JSON.stringify(request));
  return { text, answer: JSON.parse(text) };
}

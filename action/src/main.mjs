// imprint's GitHub Action: docker/metadata-action's job (given its inputs)
// or a policy's derivation (given `policy`), over the engine's
// WebAssembly module shipped beside this bundle. A failure fails the step
// with the engine's message (::error::) and exit status 1.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initSync, policyText, run } from '../../wasm/pkg/web/imprint.js';
import { metadataAction } from './metadata.mjs';
import { derivePolicy } from './policy.mjs';
import { command, input } from './runner.mjs';

/** The engine module: beside the bundle (dist/), or IMPRINT_WASM for tests. */
function startEngine() {
  const path = process.env.IMPRINT_WASM || join(__dirname, 'imprint_bg.wasm');
  initSync({ module: new WebAssembly.Module(readFileSync(path)) });
}

async function main() {
  startEngine();
  const cwd = resolve(input('working-directory') || '.');
  if (input('policy')) {
    // The policy's values; and when it has `metadata_action`, metadata-action's outputs too.
    const { policy } = await derivePolicy(run, policyText, { cwd, env: process.env });
    if (JSON.parse(policy).metadata_action !== undefined) await metadataAction(run, { cwd, env: process.env, policy });
  } else await metadataAction(run, { cwd, env: process.env });
}

main().catch(e => {
  command('error', e?.message ?? String(e));
  process.exitCode = 1;
});

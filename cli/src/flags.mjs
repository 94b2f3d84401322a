// V8 settings for a short-lived command, set before the engine's module is
// compiled (engine.mjs imports this first). With WebAssembly tier-up, V8
// optimizes the engine's hot functions on background threads and the
// process waits for that work before it exits: about 100 ms of a 220 ms
// `imprint derive` on a 2-core machine. The baseline compiler alone gives
// the same answers (only speed differs) and ends in 125 ms.
import { setFlagsFromString } from 'node:v8';

if (!process.env.IMPRINT_NODE_TIER_UP) setFlagsFromString('--liftoff-only');

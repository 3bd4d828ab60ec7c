/** Shared helpers of the structure tests: seeded contexts and fast-check parameters. */
import * as fc from 'fast-check';
import type { ApplyContext } from '../../src/structures/machine.js';
import { seededRandom } from '../../src/sync/random.js';

/** A deterministic random number generator (the library's mulberry32). */
export const seeded = seededRandom;

/** An apply context whose `random()` is seeded. */
export function ctxOf(seed = 1): ApplyContext {
  return { clientId: 'test', time: 0, version: 0, random: seeded(seed) };
}

/** fast-check parameters: `SEED=n` replays a failing run (fast-check prints the seed). */
export function fcParams(numRuns = 100): fc.Parameters<unknown> {
  const seed = process.env.SEED === undefined ? undefined : Number(process.env.SEED);
  return seed === undefined ? { numRuns } : { numRuns, seed };
}

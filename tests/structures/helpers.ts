/** Shared helpers of the structure tests: seeded contexts and fast-check parameters. */
import * as fc from 'fast-check';
import type { ApplyContext } from '../../src/structures/machine.js';

/** A deterministic random number generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An apply context whose `random()` is seeded. */
export function ctxOf(seed = 1): ApplyContext {
  return { clientId: 'test', time: 0, version: 0, random: seeded(seed) };
}

/** fast-check parameters: `SEED=n` replays a failing run (fast-check prints the seed). */
export function fcParams(numRuns = 100): fc.Parameters<unknown> {
  const seed = process.env.SEED === undefined ? undefined : Number(process.env.SEED);
  return seed === undefined ? { numRuns } : { numRuns, seed };
}

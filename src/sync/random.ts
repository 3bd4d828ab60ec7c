/**
 * The seed of `ctx.random()` for the transition committed at `version` in a room seeded with
 * `roomSeed`. The server and its clients compute it alike, so a client's optimistic guess of a
 * `call` that draws random ids usually matches what the server does.
 */
export function transitionSeed(roomSeed: number, version: number): number {
  return (roomSeed ^ Math.imul(version, 2654435761)) >>> 0;
}

/** An unpredictable 32-bit seed (for a room that was given none). */
export function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0] as number;
}

/** A small seeded PRNG (mulberry32): deterministic `random()` for transitions. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// FrameSlab: every copy reads back exactly the bytes it was given, across the start of new
// slabs and for frames too big to share one, and writing the source afterwards (or reusing its
// buffer, as a Node Buffer from the pool does) changes no copy.
import fc from 'fast-check';
import { FrameSlab } from '../../src/sync/FrameSlab.js';

describe('FrameSlab', () => {
  it('copies stay exactly what was copied, over many slabs and both size classes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1300 }), { minLength: 1, maxLength: 400, size: 'max' }), fc.integer(), (sizes, seed) => {
        const slab = new FrameSlab();
        const sources: Uint8Array[] = [];
        const copies: Uint8Array[] = [];
        const stored: Array<{ buffer: ArrayBuffer; at: number; n: number }> = [];
        sizes.forEach((n, k) => {
          const src = Uint8Array.from({ length: n }, (_, i) => (seed + 31 * k + i) & 0xff);
          sources.push(src.slice());
          copies.push(slab.copy(src));
          const at = slab.store(src);
          stored.push({ buffer: slab.stored, at, n });
          src.fill(0xee); // the sender reuses its buffer
        });
        return (
          copies.every((c, k) => Buffer.from(c).equals(sources[k] as Uint8Array)) &&
          stored.every(({ buffer, at, n }, k) => Buffer.from(buffer, at, n).equals(sources[k] as Uint8Array))
        );
      }),
      { numRuns: 40, endOnFailure: true }, // shrinking 400 frames takes minutes; the seed replays it
    );
  });

  it('starts a new buffer when one is full, without touching copies already made', () => {
    const slab = new FrameSlab();
    const copies = Array.from({ length: 200 }, (_, i) => slab.copy(new Uint8Array(1000).fill(i))); // 4 buffers of 64 KiB
    expect(copies.filter((c, i) => !c.every((b) => b === i)).length).toBe(0);
    expect(copies[199]?.buffer).not.toBe(copies[0]?.buffer);
  });

  it('copies a big Buffer out of the pool it shares, not as a view of the pool', () => {
    const slab = new FrameSlab();
    const pooled = Buffer.allocUnsafe(3000).fill(1).subarray(1000, 2500); // a view at an offset of a larger buffer
    const at = slab.store(pooled);
    expect(at).toBe(0);
    expect(slab.stored.byteLength).toBe(1500);
    const copy = slab.copy(pooled);
    pooled.fill(2);
    expect(copy.byteLength).toBe(1500);
    expect(copy.every((b) => b === 1)).toBe(true);
    expect(new Uint8Array(slab.stored).every((b) => b === 1)).toBe(true);
  });
});

// FrameSlab: every copy reads back exactly the bytes it was given, across the start of new
// slabs, and writing the source afterwards changes no copy.
import fc from 'fast-check';
import { FrameSlab, SMALL_FRAME } from '../../src/sync/FrameSlab.js';

describe('FrameSlab', () => {
  it('copies stay exactly what was copied, over many slabs and both size classes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: SMALL_FRAME + 200 }), { minLength: 1, maxLength: 400, size: 'max' }), fc.integer(), (sizes, seed) => {
        const slab = new FrameSlab();
        const sources: Uint8Array[] = [];
        const copies: Uint8Array[] = [];
        const appended: Array<{ memory: ArrayBuffer; at: number; n: number }> = [];
        sizes.forEach((n, k) => {
          const src = Uint8Array.from({ length: n }, (_, i) => (seed + 31 * k + i) & 0xff);
          sources.push(src.slice());
          copies.push(slab.copy(src));
          if (n <= SMALL_FRAME) {
            const at = slab.append(src);
            appended.push({ memory: slab.memory, at, n });
          }
          src.fill(0xee); // the sender reuses its buffer
        });
        const small = sources.filter((s) => s.length <= SMALL_FRAME);
        return (
          copies.every((c, k) => Buffer.from(c).equals(sources[k] as Uint8Array)) &&
          appended.every(({ memory, at, n }, k) => Buffer.from(memory, at, n).equals(small[k] as Uint8Array))
        );
      }),
      { numRuns: 40, endOnFailure: true }, // shrinking 400 frames takes minutes; the seed replays it
    );
  });

  it('starts a new buffer when one is full, without touching copies already made', () => {
    const slab = new FrameSlab();
    const copies = Array.from({ length: 200 }, (_, i) => slab.copy(new Uint8Array(1000).fill(i))); // ~3 buffers of 64 KiB
    expect(copies.filter((c, i) => !c.every((b) => b === i)).length).toBe(0);
    expect(copies[199]?.buffer).not.toBe(copies[0]?.buffer);
  });
});

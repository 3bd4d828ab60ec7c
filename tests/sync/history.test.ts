// History: commits kept as frames (decoded on demand) and the newest also as objects; whatever
// form an entry is in, `since` returns exactly what was pushed, in order, within the bounds.
import fc from 'fast-check';
import { jsonCodec } from '../../src/sync/codec.js';
import { History } from '../../src/sync/History.js';
import type { ApplyMessage, Committed } from '../../src/sync/protocol.js';
import type { Frame } from '../../src/transport/Transport.js';
import { binaryCodec } from '../../src/transport/binary/binaryCodec.js';

function commit(version: number): Committed {
  const c: Committed = { version, effects: [{ path: ['text'], op: { type: 'text/edit', ops: [version, 'x'.repeat(version % 7 + 1)] } }], origin: `c${version % 3}` };
  if (version % 2) c.seq = version;
  return c;
}

for (const codec of [jsonCodec, binaryCodec]) {
  const decode = (frame: Frame): Committed => {
    const { type: _apply, ...c } = codec.decode(frame) as ApplyMessage;
    return c;
  };
  const frameOf = (c: Committed): Frame => codec.encode({ type: 'apply', ...c });

  describe(`History (${codec.name})`, () => {
    it('returns every commit after a version, decoded or not, and null past what it keeps', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 20 }), (pushed, limit, floor) => {
          const h = new History(limit, floor, decode);
          for (let v = floor + 1; v <= floor + pushed; v++) h.push(commit(v), frameOf(commit(v)));
          const current = floor + pushed;
          const oldest = Math.max(floor, current - limit);
          expect(h.since(oldest - 1, current)).toBeNull();
          for (const from of [oldest, Math.floor((oldest + current) / 2), current - 70, current - 64, current - 1, current]) {
            if (from < oldest) continue;
            const got = h.since(from, current);
            const want = Array.from({ length: current - from }, (_, i) => commit(from + 1 + i));
            expect(got).toEqual(want);
          }
          expect(h.since(current + 1, current)).toBeNull();
        }),
        { numRuns: 60 },
      );
    });

    it('keeps its own copy of byte frames (they may be views into a shared, reused buffer)', () => {
      const h = new History(1_000, 0, decode);
      const frames = Array.from({ length: 200 }, (_, i) => frameOf(commit(i + 1)));
      frames.forEach((f, i) => h.push(commit(i + 1), f));
      for (const f of frames) if (typeof f !== 'string') f.fill(0);
      expect(h.since(0, 200)).toEqual(Array.from({ length: 200 }, (_, i) => commit(i + 1)));
    });

    it('reads back old commits of every size after thousands of pushes (slabs filled, arrays compacted)', () => {
      // Commits of ~30 bytes and of ~1.5 KB (a buffer of their own), far older than the decoded few.
      const sized = (v: number): Committed => ({ ...commit(v), effects: [{ path: ['t'], op: { type: 'text/edit', ops: [v, 'z'.repeat(v % 5 === 0 ? 1500 : 3)] } }] });
      const h = new History(2_500, 0, decode);
      for (let v = 1; v <= 6_000; v++) h.push(sized(v), frameOf(sized(v)));
      expect(h.since(3_499, 6_000)).toBeNull();
      const got = h.since(3_500, 6_000) as Committed[];
      expect(got).toHaveLength(2_500);
      const wrong = got.filter((c, i) => JSON.stringify(c) !== JSON.stringify(sized(3_501 + i)));
      expect(wrong).toEqual([]);
    });

    it('keeps at most maxBytes of frames, but always the newest commit', () => {
      const big = (v: number): Committed => ({ version: v, effects: [{ path: ['t'], op: { type: 'text/edit', ops: ['y'.repeat(1000)] } }], origin: 'a' });
      const h = new History(10_000, 0, decode, 5_000);
      for (let v = 1; v <= 100; v++) h.push(big(v), frameOf(big(v)));
      const frame = frameOf(big(1)); // ~1,050 bytes in either codec
      const kept = Math.floor(5_000 / (typeof frame === 'string' ? frame.length : frame.byteLength));
      expect(kept).toBe(4);
      expect(h.since(100 - kept, 100)).toEqual([97, 98, 99, 100].map(big));
      expect(h.since(100 - kept - 1, 100)).toBeNull();
      const tiny = new History(10_000, 0, decode, 10);
      tiny.push(big(1), frameOf(big(1)));
      expect(tiny.since(0, 1)).toEqual([big(1)]);
    });
  });
}

describe('History with a codec whose frames are pooled Node Buffers', () => {
  // A custom codec may return Buffers, which share a pool: the history must copy the bytes out.
  const codec = { encode: (m: object) => Buffer.from(JSON.stringify(m)), decode: (f: Frame) => JSON.parse(Buffer.from(f as Uint8Array).toString()) as unknown };
  const decode = (frame: Frame): Committed => {
    const { type: _apply, ...c } = codec.decode(frame) as ApplyMessage;
    return c;
  };
  it('reads back every commit, small and large', () => {
    const sized = (v: number): Committed => ({ ...commit(v), effects: [{ path: ['t'], op: { type: 'text/edit', ops: [v, 'q'.repeat(v % 2 ? 1100 : 5)] } }] });
    const h = new History(1_000, 0, decode);
    for (let v = 1; v <= 300; v++) h.push(sized(v), codec.encode({ type: 'apply', ...sized(v) }));
    expect(h.since(0, 300)).toEqual(Array.from({ length: 300 }, (_, i) => sized(i + 1)));
  });
});

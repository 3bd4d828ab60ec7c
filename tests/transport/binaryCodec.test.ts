// lockstep.v1.bin: round trips of arbitrary messages (same result as the JSON codec), the exact
// MessagePack bytes of a few values, and garbage that must throw invalid_message, never crash.
import fc from 'fast-check';
import { LockstepError } from '../../src/errors.js';
import { jsonEqual } from '../../src/structures/json.js';
import { jsonCodec } from '../../src/sync/codec.js';
import { binaryCodec } from '../../src/transport/binary/binaryCodec.js';
import { decodeMessage, decodeValue } from '../../src/transport/binary/decodeValue.js';
import { encodeMessage, encodeValue, MAX_BINARY_DEPTH } from '../../src/transport/binary/encodeValue.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/ /g, ''), 'hex'));

/** What JSON would make of `v`: the reference both codecs must agree with. */
const viaJson = (v: unknown): unknown => jsonCodec.decode(jsonCodec.encode(v as object));

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LockstepError);
    expect((err as LockstepError).code).toBe('invalid_message');
    return (err as LockstepError).message;
  }
  throw new Error('expected invalid_message');
}

const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }));
const key = fc.oneof(anyString, fc.constantFrom('__proto__', 'constructor', 'prototype', 'type', '0', '10'));
const number = fc.oneof(
  fc.integer(),
  fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
  fc.double(),
  fc.constantFrom(0, -0, 127, 128, -32, -33, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -(2 ** 31), -(2 ** 31) - 1, NaN, Infinity),
);
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    number,
    anyString,
    fc.array(tie('json'), { maxLength: 20 }),
    fc.dictionary(key, tie('json'), { maxKeys: 20 }),
    fc.constant(undefined),
  ),
}));
const message = fc.record({ type: fc.constantFrom('apply', 'submit', 'welcome', 'x'), body: json, more: fc.dictionary(key, json) });

describe('binary codec', () => {
  it('round-trips arbitrary messages exactly as the JSON codec does', () => {
    fc.assert(
      fc.property(message, (m) => {
        // Compared as JSON text (order, values, lone surrogates): jest's equality trips over
        // own `constructor` keys, which are data here.
        const decoded = binaryCodec.decode(binaryCodec.encode(m));
        expect(JSON.stringify(decoded)).toBe(JSON.stringify(viaJson(m)));
        expect(jsonEqual(decoded, viaJson(m))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps lone surrogates, __proto__ keys and key order', () => {
    const m = { type: 'x', s: '\ud800a\udc00\ud83d\ude00', ['__proto__']: { a: 1 }, z: 1, b: 2 };
    Object.defineProperty(m, '__proto__', { value: { a: 1 }, enumerable: true });
    const out = binaryCodec.decode(binaryCodec.encode(m)) as Record<string, unknown>;
    expect(out.s).toBe(m.s);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['type', 's', '__proto__', 'z', 'b']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ a: 1 });
  });

  it('writes standard MessagePack', () => {
    expect(hex(encodeValue({ type: 'ping', t: 1 }))).toBe('82 a4 74797065 a4 70696e67 a1 74 01'.replace(/ /g, ''));
    expect(hex(encodeValue([null, true, false, -1, -33, 200, 70000, -200, 1.5]))).toBe(
      '99 c0 c3 c2 ff d0df ccc8 ce00011170 d1ff38 cb3ff8000000000000'.replace(/ /g, ''),
    );
    expect(hex(encodeValue(2 ** 40))).toBe('cb4270000000000000');
    // Every integer size either side of its bounds, -0, a fraction and non-finite numbers.
    const numbers = [0, -0, 127, 128, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, 0.5, -0.5, NaN, Infinity, -Infinity];
    expect(hex(encodeValue(numbers))).toBe(
      ('dc001a 00 00 7f cc80 ccff cd0100 cdffff ce00010000 ce7fffffff ce80000000 ceffffffff cb41f0000000000000 ff e0 d0df d080' +
        ' d1ff7f d18000 d2ffff7fff d280000000 cbc1e0000000200000 cb3fe0000000000000 cbbfe0000000000000 c0 c0 c0').replace(/ /g, ''),
    );
    expect(hex(encodeValue('x'.repeat(32)))).toBe('d920' + '78'.repeat(32));
    expect(hex(encodeValue('é'))).toBe('a2c3a9');
    expect(hex(encodeValue('\ud800'))).toBe('a3eda080');
    expect(hex(encodeValue(new Array(16).fill(0)))).toBe('dc0010' + '00'.repeat(16));
  });

  it('reads what other MessagePack encoders may write', () => {
    expect(decodeValue(bytes('ca 3fc00000'))).toBe(1.5); // float32
    expect(decodeValue(bytes('cf 001fffffffffffff'))).toBe(2 ** 53 - 1); // uint64
    expect(decodeValue(bytes('d3 ffffffffffffffff'))).toBe(-1); // int64
    expect(decodeValue(bytes('da 0001 61'))).toBe('a'); // non-minimal str16
    expect(decodeValue(bytes('a6 eda080 edb080'))).toBe('\ud800\udc00'); // surrogates one by one
  });

  it('refuses garbage with invalid_message', () => {
    const cases: Array<[string, string]> = [
      ['', 'truncated'],
      ['81', 'longer than the frame'],
      ['82 a1 61 01 a1', 'truncated'],
      ['a5 6162', 'truncated'],
      ['c1', '0xc1'],
      ['c4 01 00', '0xc4'],
      ['d4 01 00', '0xd4'],
      ['81 01 01', 'not a string'],
      ['82 a1 61 01 a1 61 02', 'repeats'],
      ['cb 7ff8000000000000', 'not a JSON number'],
      ['cf 0020000000000000', 'beyond 2^53'],
      ['c0 c0', 'after the end'],
      ['dd ffffffff', 'longer than the frame'],
      ['df 7fffffff', 'longer than the frame'],
      ['a2 c328', 'UTF-8'],
      ['a2 c0 80', 'UTF-8'],
      ['a3 e08080', 'overlong'],
      ['a4 f4908080', 'UTF-8'],
    ];
    for (const [h, problem] of cases) expect(invalid(() => decodeValue(bytes(h)))).toContain(problem);
    expect(invalid(() => binaryCodec.decode(bytes('c3')))).toContain('must be a map');
    expect(invalid(() => binaryCodec.decode('{"type":"ping"}'))).toContain('binary frame');
  });

  it('bounds nesting on both sides', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_BINARY_DEPTH; i++) deep = [deep];
    expect(decodeValue(encodeValue(deep))).toEqual(deep);
    expect(invalid(() => encodeValue([deep]))).toContain('deeper');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(invalid(() => encodeValue(cyclic))).toContain('cyclic');
    const frame = new Uint8Array(100_000).fill(0x91);
    expect(invalid(() => decodeValue(frame))).toContain('deeper');
  });

  it('never crashes on random or mutated bytes', () => {
    const valid = fc.tuple(message, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }), fc.nat());
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => [b] as const), valid.map(([m, flips, cut]) => {
        const b = encodeValue(m);
        for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
        return [b.subarray(0, b.length - (cut % 3))] as const;
      })), ([b]) => {
        try {
          const v = binaryCodec.decode(b);
          expect(typeof v).toBe('object');
        } catch (err) {
          expect(err).toBeInstanceOf(LockstepError);
          expect((err as LockstepError).code).toBe('invalid_message');
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes streams of repeated and colliding short strings as JSON does', () => {
    // A small alphabet makes strings repeat, and makes many share a length and the characters
    // the decoder's cache samples (first, middle, last) while differing elsewhere: one slot.
    const short = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '\u0000', '\ud800', '~'), maxLength: 18 });
    const item = fc.oneof(short, fc.dictionary(short, short, { maxKeys: 6 }), fc.array(short, { maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(fc.record({ type: short, body: item }), { minLength: 20, maxLength: 120 }), (stream) => {
        const frames = stream.map((m) => binaryCodec.encode(m));
        frames.forEach((f, i) => expect(JSON.stringify(binaryCodec.decode(f))).toBe(JSON.stringify(viaJson(stream[i]))));
      }),
      { numRuns: 300 },
    );
    const sameSlot = ['axbyc', 'azbwc', 'axbyc', 'aabac', 'azbwc'];
    for (let round = 0; round < 3; round++) for (const s of sameSlot) expect(decodeValue(encodeValue(s))).toBe(s);
  });

  it('keeps every frame intact while later ones share its buffer', () => {
    const wide = fc.dictionary(fc.string({ maxLength: 4 }), fc.nat(), { minKeys: 16, maxKeys: 40 });
    const sized = fc.oneof(message, wide, fc.string({ minLength: 500, maxLength: 6000 }).map((s) => ({ type: 'x', s })));
    fc.assert(
      fc.property(fc.array(sized, { minLength: 1, maxLength: 60 }), (stream) => {
        const frames = stream.map((m) => encodeValue(m)); // small ones are views of shared slabs
        frames.forEach((f, i) => expect(JSON.stringify(decodeValue(f))).toBe(JSON.stringify(viaJson(stream[i]))));
      }),
      { numRuns: 200 },
    );
  });

  it('writes long strings (the platform encoder and decoder) as WTF-8 too', () => {
    const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    const payload = (b: Uint8Array): Uint8Array => b.subarray(b[0]! <= 0xbf ? 1 : b[0] === 0xd9 ? 2 : b[0] === 0xda ? 3 : 5);
    const long = fc.tuple(fc.string({ minLength: 64, maxLength: 300 }), anyString, fc.constantFrom('', '\ud800', '\udc00x', '\ufffd', '\ud83d\ude00'));
    fc.assert(
      fc.property(long, ([a, b, c]) => {
        const s = a + c + b;
        expect(JSON.stringify(decodeValue(encodeValue({ [s]: s })))).toBe(JSON.stringify(viaJson({ [s]: s })));
        if (!loneSurrogate.test(s)) expect(hex(payload(encodeValue(s)))).toBe(Buffer.from(s).toString('hex'));
      }),
      { numRuns: 500 },
    );
    const x64 = '78'.repeat(64);
    expect(decodeValue(bytes(`d9 43 ${x64} eda080`))).toBe('x'.repeat(64) + '\ud800');
    expect(hex(encodeValue('x'.repeat(64) + '\ud800'))).toBe(`d943${x64}eda080`);
    expect(hex(encodeValue('x'.repeat(64) + '\ufffd'))).toBe(`d943${x64}efbfbd`);
    expect(invalid(() => decodeValue(bytes(`d9 42 ${x64} c328`)))).toContain('UTF-8');
  });

  it('refuses a repeated __proto__ key', () => {
    const key = 'a9 5f5f70726f746f5f5f';
    expect(invalid(() => decodeValue(bytes(`82 ${key} 01 ${key} 02`)))).toContain('repeats');
  });

  it('keeps encoding after the buffer of a frame was transferred away', () => {
    const frame = encodeValue({ type: 'ping' });
    structuredClone(frame.buffer, { transfer: [frame.buffer] });
    expect(decodeValue(encodeValue({ type: 'pong' }))).toEqual({ type: 'pong' });
  });

  it('is less than half the size of JSON for typical messages', () => {
    const apply = {
      type: 'apply',
      version: 12345,
      origin: 'c1abcdef',
      seq: 77,
      effects: [{ path: ['notes'], op: { type: 'text/edit', ops: [1520, 'hello', { d: 3 }] } }],
    };
    const bin = binaryCodec.encode(apply) as Uint8Array;
    expect(bin.length).toBeLessThan((jsonCodec.encode(apply) as string).length / 2);
  });
});

describe('binary codec records (submit, apply, ack)', () => {
  const path = fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('text', '__proto__')), { maxLength: 3 });
  const textOps = fc.array(fc.oneof(fc.nat(), fc.string({ minLength: 1 }), fc.record({ d: fc.oneof(fc.nat(), fc.string({ minLength: 1 })) })), { maxLength: 5 });
  const op = fc.oneof(
    textOps.map((ops) => ({ type: 'text/edit', ops })),
    fc.record({ type: fc.constantFrom('set', 'list/insert', 'text/edit'), value: json, ops: fc.option(textOps, { nil: undefined }) }),
    json,
  );
  const transition = fc.oneof(
    fc.record({ path, op }),
    fc.record({ path, op, extra: json }), // not a pair: the message is written as a map
    json,
  );
  const int = fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.double());
  const record = fc.oneof(
    fc.record({ type: fc.constant('submit'), seq: int, base: int, transitions: fc.array(transition, { maxLength: 3 }) }),
    fc.record({ type: fc.constant('apply'), version: int, effects: fc.array(transition, { maxLength: 3 }), origin: fc.string(), seq: fc.option(int, { nil: undefined }) }),
    fc.record({ type: fc.constant('ack'), version: int, seq: int }),
    fc.record({ type: fc.constant('ack'), version: int, seq: int, more: json }, { requiredKeys: ['type', 'version', 'seq'] }),
  );

  it('decode to exactly what the JSON codec carries, whatever they hold', () => {
    fc.assert(
      fc.property(record, (m) => {
        const decoded = binaryCodec.decode(binaryCodec.encode(m));
        expect(jsonEqual(decoded, viaJson(m))).toBe(true);
        expect(Object.keys(decoded as object)).toEqual(Object.keys(viaJson(m) as object)); // same order too
      }),
      { numRuns: 3000 },
    );
  });

  it('are written as records when a message is exactly one, with a Text edit as its ops alone', () => {
    const edit = { path: ['t'], op: { type: 'text/edit', ops: [3, 'hi'] } };
    expect(hex(encodeMessage({ type: 'ack', version: 300, seq: 2 }))).toBe('93 03 cd012c 02'.replace(/ /g, ''));
    expect(hex(encodeMessage({ type: 'submit', seq: 2, base: 7, transitions: [edit] }))).toBe(
      '94 01 02 07 91 92 91a174 92 03 a26869'.replace(/ /g, ''),
    );
    expect(hex(encodeMessage({ type: 'apply', version: 8, effects: [edit], origin: 'c1', seq: 2 }))).toBe(
      '95 02 08 91 92 91a174 92 03 a26869 a26331 02'.replace(/ /g, ''),
    );
    // No seq (a server-origin change): four items. Another op: a map.
    const set = { path: [], op: { type: 'set', value: 1 } };
    expect(hex(encodeMessage({ type: 'apply', version: 9, effects: [set], origin: 'server' }))).toBe(
      `94 02 09 91 92 90 ${hex(encodeValue(set.op))} ${hex(encodeValue('server'))}`.replace(/ /g, ''),
    );
    // Anything a record cannot say exactly is a map, as before.
    const maps = [
      { type: 'ack', version: 1, seq: 1, extra: true },
      { type: 'ack', version: '1', seq: 1 },
      { type: 'submit', seq: 1, base: 0, transitions: [{ path: [], op: {}, why: 1 }] },
      { type: 'submit', seq: 1, base: 0, transitions: [[[], {}]] },
      { type: 'submit', seq: 1, base: 0, transitions: [{ path: [], op: [1, 'a'] }] }, // not Text ops: no type
      { type: 'apply', version: 1, effects: [], origin: 'c', seq: 'x' },
    ];
    for (const m of maps) {
      expect(encodeMessage(m)[0]! & 0xf0).toBe(0x80);
      expect(binaryCodec.decode(binaryCodec.encode(m))).toEqual(m);
    }
    // A field JSON leaves out (not enumerable) next to one it keeps: what JSON carries, not a record.
    const hidden = <T extends object>(o: T, key: string, value: unknown): T => Object.defineProperty(o, key, { value, enumerable: false });
    const sneaky = [
      { type: 'submit', seq: 1, base: 0, transitions: [hidden({ op: { type: 'set', value: 1 }, x: 1 }, 'path', [])] },
      { type: 'submit', seq: 1, base: 0, transitions: [{ path: ['t'], op: hidden({ type: 'text/edit', x: 2 }, 'ops', [1]) }] },
      hidden({ type: 'ack', version: 1, x: 5 }, 'seq', 2),
      hidden({ type: 'apply', version: 1, effects: [], origin: 'c', x: 1 }, 'seq', 3),
    ];
    for (const m of sneaky) expect(binaryCodec.decode(binaryCodec.encode(m))).toEqual(viaJson(m));
    const extraKey = { path: ['t'], op: { type: 'text/edit', ops: [1], why: 'kept' } };
    expect(binaryCodec.decode(binaryCodec.encode({ type: 'submit', seq: 1, base: 0, transitions: [extraKey] }))).toEqual({
      type: 'submit',
      seq: 1,
      base: 0,
      transitions: [extraKey],
    });
  });

  it('are read whether a record or a map (any MessagePack client may send either)', () => {
    const m = { type: 'submit', seq: 1, base: 0, transitions: [{ path: ['t'], op: { type: 'text/edit', ops: ['a'] } }] };
    expect(binaryCodec.decode(encodeValue(m))).toEqual(m);
    expect(binaryCodec.decode(encodeMessage(m))).toEqual(m);
    // A record in its 16-bit array form is read too.
    expect(decodeMessage(bytes('dc0003 03 05 06'))).toEqual({ type: 'ack', version: 5, seq: 6 });
    // Plain decoding of a value keeps a record as the array it is.
    expect(decodeValue(bytes('93 03 05 06'))).toEqual([3, 5, 6]);
  });

  it('refuses records that stand for no message', () => {
    const cases: Array<[string, string]> = [
      ['90', 'message code'],
      ['91 a1 61', 'message code'],
      ['93 07 01 01', 'message code (1–3), not 7'],
      ['92 03 01', 'code 3 cannot have 2 items'],
      ['95 01 01 01 90 00', 'code 1 cannot have 5 items'],
      ['96 02 01 90 a0 01 01', 'code 2 cannot have 6 items'],
      ['94 01 01 00 c0', 'transitions at offset 4 are not an array'],
      ['94 01 01 00 91 93 90 90 90', 'not a [path, op] pair'],
      ['94 01 01 00 91 92 90', 'truncated'],
      ['94 01 01 00 9f', 'longer than the frame'],
      ['93 03 01 01 c0', 'after the end'],
    ];
    for (const [h, problem] of cases) expect(invalid(() => binaryCodec.decode(bytes(h)))).toContain(problem);
  });

  it('never crash the decoder when mutated or cut', () => {
    fc.assert(
      fc.property(record, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }), fc.nat(), (m, flips, cut) => {
        const b = encodeMessage(m).slice();
        for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
        try {
          expect(typeof binaryCodec.decode(b.subarray(0, b.length - (cut % 4)))).toBe('object');
        } catch (err) {
          expect(err).toBeInstanceOf(LockstepError);
          expect((err as LockstepError).code).toBe('invalid_message');
        }
      }),
      { numRuns: 3000 },
    );
  });
});

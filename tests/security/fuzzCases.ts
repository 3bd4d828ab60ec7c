// The cases of the protocol fuzzer: frames a hostile client might send to a room of the sync
// test Room (tests/sync/fixtures.ts), from random bytes to well-formed submits, drawn from a
// seeded PRNG. Each case is a few frames; the fuzzer sends them and checks the server after.
import * as L from '../../src/index.js';
import type { Rand } from './helpers.js';

/** What a case may use of the connection it is sent on (the generator updates `seq`, `ids`). */
export interface FuzzContext {
  rand: Rand;
  /** The connection's codec: frames are mostly encoded in it. */
  codec: 'json' | 'bin';
  /** The next seq of this connection's session. */
  seq: number;
  /** The latest version this connection saw. */
  version: number;
  /** Ids this connection inserted (List and Tree), to aim deletes and moves at. */
  ids: string[];
  /** Sessions of other identities (their real ids and tokens), to try to act as them. */
  victims: Array<{ clientId: string; token: string }>;
  maxPayload: number;
}

export type Frame = string | Uint8Array;

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const FIELDS = ['text', 'count', 'atom', 'list', 'items', 'map', 'tree', 'seats', 'ticks'];
const METHODS = ['complete', 'take', 'tick', 'onJoin', 'onLeave', 'nope', ...PROTO_KEYS];
const HUGE = [2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, 2 ** 31, -(2 ** 31) - 1, 2 ** 64, 1.5, -0, -1, 0];

/** An object with these own properties, `__proto__` included (as JSON.parse makes them). */
export function own(entries: Array<[string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** The frame of a message: mostly in the connection's codec, sometimes in the other one. */
function encode(cx: FuzzContext, msg: unknown): Frame {
  const bin = cx.codec === 'bin' ? !cx.rand.chance(0.15) : cx.rand.chance(0.15);
  if (bin) {
    try {
      return L.binaryCodec.encode(msg as object) as Uint8Array;
    } catch {
      // deeper than the binary codec writes: send it as JSON text instead
    }
  }
  return JSON.stringify(msg);
}

function randomId(r: Rand): string {
  return `f${Math.floor(r.next() * 2 ** 48).toString(36)}`;
}

function key(r: Rand): string {
  let k = L.keyBetween(null, null);
  for (let i = r.int(0, 3); i > 0; i--) k = r.chance(0.5) ? L.keyBetween(k, null) : L.keyBetween(null, k);
  return k;
}

/** A random JSON value with hostile keys and numbers here and there. */
function json(r: Rand, depth = 0): unknown {
  const n = r.int(0, depth > 2 ? 4 : 7);
  if (n === 0) return null;
  if (n === 1) return r.chance(0.5);
  if (n === 2) return r.chance(0.3) ? r.pick(HUGE) : r.int(-1000, 1000);
  if (n === 3) return r.chance(0.2) ? r.pick(PROTO_KEYS) : 'v'.repeat(r.int(0, 20));
  if (n === 4) return 'ü\u{1F600}\ud800'.slice(0, r.int(0, 4));
  if (n === 5) return Array.from({ length: r.int(0, 3) }, () => json(r, depth + 1));
  return own(Array.from({ length: r.int(0, 3) }, () => [r.chance(0.4) ? r.pick(PROTO_KEYS) : `k${r.int(0, 9)}`, json(r, depth + 1)]));
}

/** A value of the wrong type for most fields. */
function wrong(r: Rand): unknown {
  return r.pick<() => unknown>([
    () => null,
    () => true,
    () => r.pick(HUGE),
    () => '',
    () => 'x'.repeat(r.int(1, 3000)),
    () => [],
    () => [r.pick(PROTO_KEYS)],
    () => ({}),
    () => own([['__proto__', { polluted: true }]]),
    () => json(r),
  ])();
}

/** A transition that is valid in shape for the Room (it may still conflict). */
function transition(cx: FuzzContext): L.Transition {
  const r = cx.rand;
  const target = () => (cx.ids.length && r.chance(0.7) ? r.pick(cx.ids) : randomId(r));
  const made = (id: string) => {
    cx.ids.push(id);
    if (cx.ids.length > 50) cx.ids.shift();
    return id;
  };
  switch (r.int(0, 13)) {
    case 0:
      return { path: ['list'], op: { type: 'list/insert', id: made(randomId(r)), key: key(r), value: r.int(-99, 99) } };
    case 1:
      return { path: ['list'], op: { type: 'list/delete', id: target() } };
    case 2:
      return { path: ['list'], op: { type: 'list/move', id: target(), key: key(r) } };
    case 3:
      return { path: ['count'], op: r.chance(0.7) ? { type: 'counter/add', n: r.int(-3, 5) } : { type: 'counter/set', value: r.int(-5, 45) } };
    case 4:
      return { path: ['atom'], op: { type: 'atom/set', value: json(r) as L.Json } };
    case 5: {
      const path = r.chance(0.5) ? `/${r.pick(PROTO_KEYS)}` : `/k${r.int(0, 3)}`;
      return { path: ['atom'], op: { type: 'atom/patch', patch: [{ op: r.pick(['add', 'replace', 'remove']), path, value: json(r) }] } as never };
    }
    case 6:
      return { path: [r.pick(['map', 'seats'])], op: { type: 'map/set', key: r.chance(0.5) ? r.pick(PROTO_KEYS) : `k${r.int(0, 9)}`, value: r.int(0, 9) } };
    case 7:
      return { path: ['map'], op: { type: 'map/delete', key: r.chance(0.5) ? r.pick(PROTO_KEYS) : `k${r.int(0, 9)}` } };
    case 8: {
      const parent = cx.ids.length && r.chance(0.4) ? r.pick(cx.ids) : null;
      return { path: ['tree'], op: { type: 'tree/insert', id: made(randomId(r)), parent, key: key(r), value: `n${r.int(0, 9)}` } };
    }
    case 9:
      return { path: ['tree'], op: r.chance(0.5) ? { type: 'tree/delete', id: target() } : { type: 'tree/move', id: target(), parent: r.chance(0.5) ? null : target(), key: key(r) } };
    case 10:
      return { path: ['text'], op: { type: 'text/edit', ops: r.pick<L.TextOp>([['ab'], ['\u{1F600}'], [{ d: 1 }], [1, 'x'], [2, { d: 1 }]]) } };
    case 11:
      return { path: [], op: { type: 'call', method: r.pick(METHODS), args: r.chance(0.7) ? [target()] : [json(r) as L.Json] } };
    case 12:
      return { path: ['ticks'], op: { type: 'counter/add', n: 1 } };
    default:
      return { path: ['items'], op: { type: 'list/insert', id: made(randomId(r)), key: key(r), value: { title: 't', done: false, notes: '' } } };
  }
}

function submit(cx: FuzzContext, transitions?: L.Transition[]): Record<string, unknown> {
  const ts = transitions ?? Array.from({ length: cx.rand.int(1, 3) }, () => transition(cx));
  return { type: 'submit', seq: cx.seq++, base: cx.version, transitions: ts };
}

/** Every path of leaves and containers inside `v` (for mutating one field). */
function paths(v: unknown, at: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (at.length) out.push(at);
  if (v && typeof v === 'object' && at.length < 8) {
    for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, Array.isArray(v) ? Number(k) : k], out);
  }
  return out;
}

function mutate(r: Rand, msg: Record<string, unknown>): unknown {
  const copy = JSON.parse(JSON.stringify(msg)) as Record<string, unknown>;
  const all = paths(copy);
  const path = r.pick(all);
  let holder: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) holder = holder[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  const how = r.int(0, 9);
  if (how === 0 && !Array.isArray(holder)) delete holder[last];
  else if (how === 1 && !Array.isArray(holder)) Object.defineProperty(holder, r.pick([...PROTO_KEYS, 'origin', 'clientId', 'room', 'extra']), { value: wrong(r), enumerable: true });
  else holder[last] = wrong(r);
  return copy;
}

/** A deeply nested JSON text `[[[…null…]]]`. */
function nestedText(depth: number): string {
  return '['.repeat(depth) + 'null' + ']'.repeat(depth);
}

/** MessagePack `{type: 'presence', data: [[[…]]]}` nested `depth` deep, written by hand. */
function nestedBinary(depth: number): Uint8Array {
  const head = [0x82, 0xa4, ...Buffer.from('type'), 0xa8, ...Buffer.from('presence'), 0xa4, ...Buffer.from('data')];
  return Uint8Array.from([...head, ...new Array<number>(depth).fill(0x91), 0xc0]);
}

type Gen = (cx: FuzzContext) => Frame[];

const GENERATORS: Array<[number, string, Gen]> = [
  [3, 'bytes', ({ rand: r }) => [Uint8Array.from({ length: r.int(0, 64) }, () => r.int(0, 255))]],
  [2, 'text', ({ rand: r }) => [Array.from({ length: r.int(0, 40) }, () => String.fromCharCode(r.int(0, 0x3000))).join('')]],
  [
    4,
    'truncated',
    (cx) => {
      const f = encode(cx, submit(cx));
      const cut = cx.rand.int(0, Math.max(0, f.length - 1));
      return [typeof f === 'string' ? f.slice(0, cut) : f.slice(0, cut)];
    },
  ],
  [
    2,
    'bad-json',
    ({ rand: r }) => [r.pick(['{', '{"type":', 'nul', '{"type":"ping","t":1,}', '[1,2', '"str"', '123', 'null', '[]', '{}', '{"type":"ping","t":1}}', '\u0000', '{"type":"ping","t":01}'])],
  ],
  [
    10,
    'wrong-type',
    (cx) => {
      const base = cx.rand.pick<() => Record<string, unknown>>([
        () => ({ type: 'hello', v: 1, resume: { clientId: 'c1', token: 'x', version: 0 } }),
        () => submit(cx),
        () => ({ type: 'presence', data: { x: 1 } }),
        () => ({ type: 'ping', t: 1 }),
      ])();
      return [encode(cx, mutate(cx.rand, base))];
    },
  ],
  [2, 'unknown-type', (cx) => [encode(cx, own([['type', cx.rand.pick(['nope', 'apply', 'welcome', 'reject', ...PROTO_KEYS, ''])], ['seq', 1]]))]],
  [
    4,
    'huge',
    (cx) => {
      const r = cx.rand;
      return [
        encode(
          cx,
          r.pick<() => unknown>([
            () => ({ type: 'submit', seq: r.pick(HUGE), base: r.pick(HUGE), transitions: [transition(cx)] }),
            () => submit(cx, [{ path: ['count'], op: { type: 'counter/add', n: r.pick(HUGE) } }]),
            () => submit(cx, [{ path: ['text'], op: { type: 'text/edit', ops: [r.pick(HUGE), 'x'] } }]),
            () => submit(cx, [{ path: ['atom'], op: { type: 'atom/set', value: r.pick(HUGE) } }]),
            () => ({ type: 'ping', t: r.pick(HUGE) }),
            () => ({ type: 'hello', v: r.pick(HUGE) }),
          ])(),
        ),
      ];
    },
  ],
  [
    4,
    'deep',
    (cx) => {
      const r = cx.rand;
      const depth = r.pick([63, 65, 200, 257, 1000, 20_000]);
      const nested = nestedText(depth);
      return [
        r.pick<() => Frame>([
          () => `{"type":"presence","data":${nested}}`,
          () => `{"type":"submit","seq":${cx.seq++},"base":${cx.version},"transitions":[{"path":["atom"],"op":{"type":"atom/set","value":${nested}}}]}`,
          () => `{"type":"submit","seq":${cx.seq++},"base":${cx.version},"transitions":[{"path":["map"],"op":{"type":"map/set","key":"k","value":${nested}}}]}`,
          () => `{"type":"ping","t":1,"x":${nested}}`,
          () => nested,
          () => nestedBinary(depth),
        ])(),
      ];
    },
  ],
  [
    6,
    'proto',
    (cx) => {
      const r = cx.rand;
      const k = r.pick(PROTO_KEYS);
      return [
        r.pick<() => Frame>([
          () => `{"type":"presence","data":{"${k}":{"polluted":true}},"${k}":1}`,
          () => `{"${k}":{"type":"ping"},"type":"ping","t":1}`,
          () => `{"type":"ping","t":1,"__proto__":{"type":"submit"}}`,
          () => encode(cx, submit(cx, [{ path: ['map', k], op: { type: 'counter/add', n: 1 } }])),
          () => encode(cx, submit(cx, [{ path: [k], op: { type: 'atom/set', value: 1 } }])),
          () => encode(cx, submit(cx, [{ path: ['atom'], op: own([['type', 'atom/set'], ['value', own([[k, own([['polluted', true]])]])]]) as never }])),
          () => encode(cx, submit(cx, [{ path: ['atom'], op: own([['type', 'atom/set'], ['value', 1], [k, { x: 1 }]]) as never }])),
          () => encode(cx, submit(cx, [{ path: [], op: { type: 'call', method: k, args: [] } }])),
          () => encode(cx, submit(cx, [{ path: ['map'], op: { type: 'map/set', key: k, value: 7 } }])),
          () => encode(cx, own([['type', 'presence'], ['data', own([[k, own([['polluted', true]])]])]])),
        ])(),
      ];
    },
  ],
  [
    4,
    'bad-text',
    (cx) => {
      const ops = cx.rand.pick<unknown[]>([[-1], [{ d: -1 }], [1e9, 'x'], ['', ''], [{ d: 0 }], [{}], [{ d: 'x', e: 1 }], [0.5], ['\ud800'], [1, '\udc00'], [], [null], [{ d: 1e15 }]]);
      return [encode(cx, submit(cx, [{ path: ['text'], op: { type: 'text/edit', ops } as never }]))];
    },
  ],
  [
    4,
    'nowhere',
    (cx) => {
      const r = cx.rand;
      const path = r.pick<string[]>([['nope'], ['list', 'missing'], ['count', 'x'], ['items', 'zz', 'title'], ['map', 'k', 'deeper'], ['tree', 'n', 'x'], ['text', 'x'], Array(33).fill('a'), ['x'.repeat(1025)], [r.pick(FIELDS), r.pick(PROTO_KEYS)]]);
      return [encode(cx, submit(cx, [{ path, op: transition(cx).op }]))];
    },
  ],
  [
    5,
    'seq',
    (cx) => {
      const msg = submit(cx);
      const r = cx.rand;
      return r.pick<() => Frame[]>([
        () => [encode(cx, msg), encode(cx, msg)], // replayed
        () => {
          const later = { ...submit(cx), seq: (msg.seq as number) + 5 };
          cx.seq = (later.seq as number) + 1;
          return [encode(cx, later), encode(cx, msg)]; // out of order: the earlier one is dropped
        },
        () => [encode(cx, { ...msg, base: cx.version + r.int(1, 1000) })], // base ahead
        () => [encode(cx, { ...msg, base: 0, transitions: [{ path: ['text'], op: { type: 'text/edit', ops: ['z'] } }] })], // stale text
      ])();
    },
  ],
  [
    4,
    'impersonate',
    (cx) => {
      const r = cx.rand;
      const victim = cx.victims.length ? r.pick(cx.victims) : { clientId: 'c0', token: 'x' };
      return [
        encode(
          cx,
          r.pick<() => unknown>([
            () => ({ type: 'hello', v: 1, resume: { clientId: victim.clientId, token: victim.token, version: 0 } }), // a stolen token
            () => ({ type: 'hello', v: 1, resume: { clientId: victim.clientId, token: 'forged', version: 0 } }),
            () => ({ type: 'hello', v: 1, resume: { clientId: 'server', token: victim.token, version: 0 } }),
            () => ({ ...submit(cx), origin: 'server' }),
            () => ({ ...submit(cx), clientId: victim.clientId }),
            () => ({ ...submit(cx), room: 'board/other' }),
            () => ({ type: 'presence', clientId: victim.clientId, data: { x: 1 } }),
            () => submit(cx, [{ path: [], op: { type: 'call', method: r.pick(['onJoin', 'onLeave']), args: [victim.clientId] } }]),
          ])(),
        ),
      ];
    },
  ],
  [
    1,
    'oversize',
    (cx) => {
      const size = cx.rand.chance(0.7) ? cx.maxPayload + cx.rand.int(1, 1000) : 2 * cx.maxPayload + 10;
      const value = 'o'.repeat(size);
      return [encode(cx, submit(cx, [{ path: ['atom'], op: { type: 'atom/set', value } }]))];
    },
  ],
  [30, 'valid', (cx) => [encode(cx, submit(cx))]],
  [
    5,
    'presence',
    (cx) => [encode(cx, { type: 'presence', data: cx.rand.chance(0.2) ? 'p'.repeat(cx.rand.int(4000, 5000)) : json(cx.rand) })],
  ],
  [
    2,
    'hello-again',
    (cx) => [encode(cx, cx.rand.chance(0.5) ? { type: 'hello', v: 1 } : { type: 'hello', v: cx.rand.int(2, 9) })],
  ],
  [2, 'ping', (cx) => [encode(cx, { type: 'ping', t: cx.rand.chance(0.5) ? cx.rand.pick(HUGE) : 1 })]],
];

const TOTAL = GENERATORS.reduce((n, [w]) => n + w, 0);

/** One random case: its kind and frames. */
export function fuzzCase(cx: FuzzContext): { kind: string; frames: Frame[] } {
  let roll = cx.rand.next() * TOTAL;
  for (const [weight, kind, gen] of GENERATORS) {
    roll -= weight;
    if (roll < 0) return { kind, frames: gen(cx) };
  }
  const [, kind, gen] = GENERATORS[GENERATORS.length - 1] as [number, string, Gen];
  return { kind, frames: gen(cx) };
}

// Structures benchmark: List, Map and Tree with 100,000 items, every change through doc.apply.
//
//   npm run build && node --expose-gc bench/structures.mjs
//
// For each kind: inserts, moves (Map: overwrites of existing keys) and deletes per second on a
// 100,000-item container, and the heap retained per item (values are small integers, which V8
// keeps inside the pointer, so this is what the structure itself costs: entry, id and key
// strings, order tree, id index). Then 1,000,000 mixed List ops (⅓ each) on a 100,000-item
// list, against the target. Ops are generated before they are timed, as a server receives
// them: random ids and random keys, so inserts and moves land at random places. The bench
// tracks the shape itself (ids present; for the Tree, parents and children), so every op is
// valid. `doc.apply` validates each op with ajv; the last line compares it with validation off
// and with the List applying the same kind of ops directly (the Doc's overhead).
// Environment: BENCH_N (items, default 100000), BENCH_OPS (mixed ops, default 1000000).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as L from '../dist/index.js';

if (typeof globalThis.gc !== 'function') {
  // retained-heap figures need a forced GC: run again with --expose-gc
  const res = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(res.status ?? 1);
}

const N = Number(process.env.BENCH_N ?? 100_000);
const MIXED = Number(process.env.BENCH_OPS ?? 1_000_000);
// mixed ops are made and applied in batches, so they die young as ops arriving at a server do
const CHUNK = 1_000;
const TARGET_MS = 2000;
const TARGET_BYTES = 200;
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let seed = 12345;
/** A seeded random number in [0, 1) (mulberry32), so every run applies the same ops. */
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const digit = () => DIGITS[Math.floor(random() * 62)];

/** A 12-character id, like the ones clients make. */
function newId() {
  let s = '';
  for (let i = 0; i < 12; i++) s += digit();
  return s;
}

/** A random fractional key between `a0` and `az`, with a 3-digit fraction: a random place. */
function key() {
  return 'a' + digit() + digit() + digit() + DIGITS[1 + Math.floor(random() * 61)];
}

/** The ids present, with O(1) add, random pick and remove. */
class Ids {
  list = [];
  at = new Map();
  get size() {
    return this.list.length;
  }
  add(x) {
    this.at.set(x, this.list.length);
    this.list.push(x);
  }
  pick() {
    return this.list[Math.floor(random() * this.list.length)];
  }
  remove(x) {
    const i = this.at.get(x);
    const last = this.list.pop();
    if (last !== x) {
      this.list[i] = last;
      this.at.set(last, i);
    }
    this.at.delete(x);
  }
  take() {
    const x = this.pick();
    this.remove(x);
    return x;
  }
}

/** The shape of a tree as the bench sees it: parents and children of the ids present. */
class Shape extends Ids {
  parent = new Map();
  kids = new Map();
  link(x, p) {
    this.parent.set(x, p);
    if (p !== null) {
      if (!this.kids.has(p)) this.kids.set(p, new Set());
      this.kids.get(p).add(x);
    }
  }
  unlink(x) {
    const p = this.parent.get(x);
    if (p !== null) this.kids.get(p).delete(x);
  }
}

/** Op generators per kind: each keeps `ids` in step with the ops it makes. */
const gen = {
  list: {
    insert: (ids) => {
      const id = newId();
      ids.add(id);
      return { type: 'list/insert', id, key: key(), value: 1 };
    },
    move: (ids) => ({ type: 'list/move', id: ids.pick(), key: key() }),
    delete: (ids) => ({ type: 'list/delete', id: ids.take() }),
  },
  map: {
    insert: (ids) => {
      const k = newId();
      ids.add(k);
      return { type: 'map/set', key: k, value: 1 };
    },
    move: (ids) => ({ type: 'map/set', key: ids.pick(), value: 2 }),
    delete: (ids) => ({ type: 'map/delete', key: ids.take() }),
  },
  tree: {
    // under a random node (1 in 100 at the top): a random tree of depth ~ log n
    insert: (shape) => {
      const id = newId();
      const parent = shape.size && random() >= 0.01 ? shape.pick() : null;
      shape.add(id);
      shape.link(id, parent);
      return { type: 'tree/insert', id, parent, key: key(), value: 1 };
    },
    // a random node under a random node outside its subtree
    move: (shape) => {
      const id = shape.pick();
      let parent = random() < 0.01 ? null : shape.pick();
      for (let p = parent; p !== null; p = shape.parent.get(p)) if (p === id) parent = null;
      shape.unlink(id);
      shape.link(id, parent);
      return { type: 'tree/move', id, parent, key: key() };
    },
    // a leaf below a random node, so each delete removes one node as in List and Map
    delete: (shape) => {
      let id = shape.pick();
      for (let kids = shape.kids.get(id); kids?.size; kids = shape.kids.get(id)) id = kids.values().next().value;
      shape.unlink(id);
      shape.remove(id);
      return { type: 'tree/delete', id };
    },
  },
};

const Root = {
  list: L.defineStateMachine({ name: 'ListRoot', fields: { items: () => new L.List() } }),
  map: L.defineStateMachine({ name: 'MapRoot', fields: { items: () => new L.Map() } }),
  tree: L.defineStateMachine({ name: 'TreeRoot', fields: { items: () => new L.Tree() } }),
};
const path = ['items'];
const sizeOf = (doc) => doc.state.items.size ?? doc.state.items.length;

/** `n` transitions made by `make(ids)`. */
function transitions(n, make, ids) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { path, op: make(ids) };
  return out;
}

/** Applies `ts` through `doc.apply`; returns wall ms. */
function run(doc, ts, options) {
  const t0 = performance.now();
  for (const t of ts) doc.apply(t, options);
  return performance.now() - t0;
}

function heap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Heap retained per item by a container of N items (the bench's own bookkeeping is dropped). */
function retained(kind) {
  const before = heap();
  const doc = new L.Doc(Root[kind]);
  let ids = kind === 'tree' ? new Shape() : new Ids();
  for (let i = 0; i < N; i++) doc.apply({ path, op: gen[kind].insert(ids) });
  ids = null;
  const after = heap();
  if (sizeOf(doc) !== N) throw new Error('lost items');
  return (after - before) / N;
}

function benchKind(kind) {
  const row = { kind, perItem: retained(kind) };
  const doc = new L.Doc(Root[kind]);
  const ids = kind === 'tree' ? new Shape() : new Ids();
  const rate = (ts) => ts.length / (run(doc, ts) / 1000);
  row.insert = rate(transitions(N, gen[kind].insert, ids));
  row.move = rate(transitions(N, gen[kind].move, ids));
  row.delete = rate(transitions(N, gen[kind].delete, ids));
  if (sizeOf(doc) !== 0) throw new Error(`${kind} not emptied`);
  return row;
}

/** A doc holding a list of N items, and the ids the bench tracks for it. */
function filledList() {
  const ids = new Ids();
  const doc = new L.Doc(Root.list);
  run(doc, transitions(N, gen.list.insert, ids));
  return { doc, ids, done: 0 };
}

/** Applies `total` mixed List ops (⅓ insert, move, delete) with `apply`; wall and CPU ms. */
function mixed(state, total, apply) {
  const { doc, ids } = state;
  const make = (i) => (i % 3 === 0 ? gen.list.insert(ids) : i % 3 === 1 ? gen.list.move(ids) : gen.list.delete(ids));
  let ms = 0;
  let cpu = 0;
  for (let done = 0; done < total; done += CHUNK) {
    const ts = new Array(Math.min(CHUNK, total - done));
    for (let i = 0; i < ts.length; i++) ts[i] = { path, op: make(state.done++) };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    apply(doc, ts);
    ms += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
  }
  if (sizeOf(doc) !== ids.size) throw new Error('the list lost items');
  return { ms, cpu };
}

const rows = ['list', 'map', 'tree'].map(benchKind);
const total = mixed(filledList(), MIXED, run);

// Doc overhead: the same mixed ops through doc.apply, with validation off, and on the bare List,
// in alternating rounds (the machine is shared: medians of interleaved rounds)
const ctx = { clientId: 'bench', time: 0, version: 0, random };
const modes = {
  doc: (doc, ts) => run(doc, ts),
  noValidate: (doc, ts) => run(doc, ts, { validate: false }),
  bare: (doc, ts) => {
    const list = doc.state.items;
    for (const t of ts) list.apply(t.op, ctx);
  },
};
const states = Object.fromEntries(Object.keys(modes).map((m) => [m, filledList()]));
const rounds = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
const ROUND = 30_000;
for (let r = 0; r < 9; r++) {
  for (const [m, apply] of Object.entries(modes)) rounds[m].push(mixed(states[m], ROUND, apply).ms / ROUND);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const overhead = Object.fromEntries(Object.entries(rounds).map(([m, xs]) => [m, median(xs)]));

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(`\nStructures: ${fmt(N)} items, every op through doc.apply (ajv-validated), Node ${process.version}\n`);
console.log('| kind | inserts/s | moves/s | deletes/s | retained bytes/item |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.kind} | ${fmt(r.insert)} | ${fmt(r.move)} | ${fmt(r.delete)} | ${fmt(r.perItem)} |`);
console.log('(Map "moves" are overwrites of existing keys.)');
const list = rows[0];
const verdict = (ok) => (ok ? 'met' : 'MISSED');
console.log(
  `\n${fmt(MIXED)} mixed List ops on ${fmt(N)} items: ${fmt(total.ms)} ms wall, ${fmt(total.cpu)} ms CPU` +
    ` (target < ${TARGET_MS} ms: ${verdict(total.ms < TARGET_MS)}); List ${fmt(list.perItem)} bytes/item` +
    ` (target < ${TARGET_BYTES}: ${verdict(list.perItem < TARGET_BYTES)})`,
);
const us = (x) => (x * 1000).toFixed(2);
console.log(
  `per mixed List op (median of 9 interleaved rounds): doc.apply ${us(overhead.doc)} µs, doc.apply without validation ${us(overhead.noValidate)} µs,` +
    ` list.apply alone ${us(overhead.bare)} µs`,
);

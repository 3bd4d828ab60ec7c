/**
 * The machine laws (DESIGN.md §9) over random op sequences, for Atom, Counter, Map (JSON values
 * and `Map.of(Counter)`) and a composed decorated class. See lawHarness.ts for the laws (a)–(e).
 * Replay a failure with `SEED=<seed> npx jest tests/core/properties` (fast-check prints it).
 */
import fc from 'fast-check';
import { applyPatch, deepClone } from 'fast-json-patch';
import * as L from '../../src/index.js';
import { Todo } from '../fixtures/Todo.js';
import { checkLaws, counterNumber, hostileKey, jsonValue, lawProperty, patchOps, type Step } from './lawHarness.js';

// ---------------------------------------------------------------- Atom

@L.stateMachine()
class AtomRoot {
  @L.field() v = new L.Atom<L.Json>(null);
  @L.field({ schema: { type: 'object', properties: { n: { type: 'integer', maximum: 10 } }, required: ['n'] } })
  typed = new L.Atom<L.Json>({ n: 0 });
}

const atomStep: fc.Arbitrary<Step<AtomRoot>> = fc.oneof(
  fc.record({ path: fc.constant<string[]>(['v']), op: fc.record({ type: fc.constant('atom/set'), value: jsonValue }) }).map((t) => ({ t })),
  fc.record({ path: fc.constant<string[]>(['v']), op: fc.record({ type: fc.constant('atom/patch'), patch: patchOps }) }).map((t) => ({ t })),
  fc.record({ path: fc.constant<string[]>(['typed']), op: fc.record({ type: fc.constant('atom/set'), value: jsonValue }) }).map((t) => ({ t })),
  fc.integer({ min: -3, max: 14 }).map((n) => ({ t: { path: ['typed'], op: { type: 'atom/set', value: { n } } } })),
  fc
    .integer({ min: 0, max: 14 })
    .map((n) => ({ t: { path: ['typed'], op: { type: 'atom/patch', patch: [{ op: 'replace', path: '/n', value: n }] } } })),
  jsonValue.map((value) => ({ label: `v.set(${JSON.stringify(value)})`, run: (s: AtomRoot) => s.v.set(value) })),
  patchOps.map((ops) => ({ label: `v.patch(${JSON.stringify(ops)})`, run: (s: AtomRoot) => s.v.patch(ops) })),
);

// ---------------------------------------------------------------- Counter

@L.stateMachine()
class CounterRoot {
  @L.field() free = new L.Counter();
  @L.field() bounded = new L.Counter({ min: -10, max: 10 });
}

const counterStep: fc.Arbitrary<Step<CounterRoot>> = fc.oneof(
  fc
    .tuple(fc.constantFrom('free', 'bounded'), counterNumber)
    .map(([f, n]) => ({ t: { path: [f], op: { type: 'counter/add', n } } })),
  fc
    .tuple(fc.constantFrom('free', 'bounded'), counterNumber)
    .map(([f, value]) => ({ t: { path: [f], op: { type: 'counter/set', value } } })),
  fc.integer({ min: -5, max: 5 }).map((n) => ({ label: `bounded.add(${n})`, run: (s: CounterRoot) => s.bounded.add(n) })),
  counterNumber.map((n) => ({ label: `free.add(${n})`, run: (s: CounterRoot) => s.free.add(n) })),
  counterNumber.map((v) => ({ label: `free.set(${v})`, run: (s: CounterRoot) => s.free.set(v) })),
);

// ---------------------------------------------------------------- Map (JSON values, and Map.of(Counter))

@L.stateMachine()
class MapRoot {
  @L.field() json = new L.Map<L.Json>();
  @L.field() counters = L.Map.of(() => new L.Counter({ min: 0, max: 100 }));
}

const mapStep: fc.Arbitrary<Step<MapRoot>> = fc.oneof(
  fc.tuple(hostileKey, jsonValue).map(([key, value]) => ({ t: { path: ['json'], op: { type: 'map/set', key, value } } })),
  fc.tuple(hostileKey, jsonValue).map(([key, snapshot]) => ({ t: { path: ['json'], op: { type: 'map/set', key, snapshot } } })),
  hostileKey.map((key) => ({ t: { path: ['json'], op: { type: 'map/delete', key } } })),
  fc
    .tuple(hostileKey, fc.integer({ min: -5, max: 105 }))
    .map(([key, value]) => ({ t: { path: ['counters'], op: { type: 'map/set', key, value } } })),
  fc
    .tuple(hostileKey, fc.integer({ min: -5, max: 105 }))
    .map(([key, snapshot]) => ({ t: { path: ['counters'], op: { type: 'map/set', key, snapshot } } })),
  hostileKey.map((key) => ({ t: { path: ['counters'], op: { type: 'map/delete', key } } })),
  fc
    .tuple(hostileKey, fc.integer({ min: -60, max: 60 }))
    .map(([key, n]) => ({ t: { path: ['counters', key], op: { type: 'counter/add', n } } })),
  fc.tuple(hostileKey, jsonValue).map(([k, v]) => ({ label: `json.set(${k})`, run: (s: MapRoot) => s.json.set(k, v) })),
  hostileKey.map((k) => ({ label: `json.delete(${k})`, run: (s: MapRoot) => s.json.delete(k) })),
  fc
    .tuple(hostileKey, fc.integer({ min: -20, max: 20 }))
    .map(([k, n]) => ({
      label: `counters.get(${k})?.add(${n})`,
      run: (s: MapRoot) => s.counters.get(k)?.add(n),
    })),
);

// ---------------------------------------------------------------- a composed class

@L.stateMachine()
class Item {
  @L.field({ schema: { type: 'string', maxLength: 8 } }) name = new L.Atom('');
  @L.field() qty = new L.Counter({ min: 0, max: 100 });
  @L.field() tags = new L.Map<L.Json>();
}

@L.stateMachine()
class Stats {
  @L.field() sold = new L.Counter();
  @L.field() last = new L.Atom<L.Json>(null);
}

@L.stateMachine()
class Shop {
  @L.field() title = new L.Atom<L.Json>('');
  @L.field() cash = new L.Counter({ min: 0, max: 1000 });
  @L.field() items = L.Map.of(Item);
  @L.field() stats = new Stats();
  @L.field() tallies = L.Map.of(L.Counter);

  /** Changes several fields, then may refuse: everything or nothing. */
  @L.transition({ args: [{ type: 'string' }, { type: 'integer', minimum: 1, maximum: 50 }] })
  sell(key: string, n: number) {
    this.stats.sold.add(n);
    this.stats.last.set(key);
    const item = this.items.get(key);
    if (!item) throw new L.Conflict('not_found', `no item ${JSON.stringify(key)}`);
    item.qty.add(-n); // out_of_range when the stock is short
    this.cash.add(n * 30); // out_of_range past 1000
    const tally = this.tallies.get(key);
    if (tally) tally.add(n);
    else this.tallies.set(key, n);
  }

  /** Nested transitions join this one: the second sale failing undoes the first. */
  @L.transition({ args: [{ type: 'string' }, { type: 'string' }] })
  sellTwo(a: string, b: string) {
    this.sell(a, 1);
    this.sell(b, 1);
  }

  /** Moves an item to another key, keeping its content. */
  @L.transition({ args: [{ type: 'string' }, { type: 'string' }] })
  rename(from: string, to: string) {
    const item = this.items.get(from);
    if (!item) throw new L.Conflict('not_found', `no item ${JSON.stringify(from)}`);
    if (this.items.has(to)) throw new L.Conflict('duplicate_id', `item ${JSON.stringify(to)} exists`);
    this.items.set(to, { name: item.name.value, qty: item.qty.value, tags: item.tags.toJSON() });
    this.items.delete(from);
  }

  /** Depends on the context only: its effects carry the resolved values. */
  @L.transition()
  stamp() {
    const ctx = L.context();
    this.stats.last.set({ r: Math.floor(ctx.random() * 1e6), by: ctx.clientId, v: ctx.version });
  }
}

const itemJson = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 8 }), fc.string({ minLength: 9, maxLength: 12 })),
    qty: fc.integer({ min: -2, max: 102 }),
    tags: fc.array(fc.tuple(hostileKey, jsonValue), { maxLength: 2 }).map((es) => Object.fromEntries(es)),
  },
  { requiredKeys: [] },
);
const anyArg = fc.oneof(hostileKey, fc.integer({ min: -2, max: 60 }), jsonValue);

const shopStep: fc.Arbitrary<Step<Shop>> = fc.oneof(
  fc.record({ path: fc.constant<string[]>(['title']), op: fc.record({ type: fc.constant('atom/set'), value: jsonValue }) }).map((t) => ({ t })),
  fc.record({ path: fc.constant<string[]>(['title']), op: fc.record({ type: fc.constant('atom/patch'), patch: patchOps }) }).map((t) => ({ t })),
  counterNumber.map((n) => ({ t: { path: ['cash'], op: { type: 'counter/add', n } } })),
  fc.tuple(hostileKey, itemJson).map(([key, value]) => ({ t: { path: ['items'], op: { type: 'map/set', key, value } } })),
  hostileKey.map((key) => ({ t: { path: ['items'], op: { type: 'map/delete', key } } })),
  fc
    .tuple(hostileKey, fc.integer({ min: -30, max: 30 }))
    .map(([k, n]) => ({ t: { path: ['items', k, 'qty'], op: { type: 'counter/add', n } } })),
  fc
    .tuple(hostileKey, fc.string({ maxLength: 10 }))
    .map(([k, value]) => ({ t: { path: ['items', k, 'name'], op: { type: 'atom/set', value } } })),
  fc
    .tuple(hostileKey, hostileKey, jsonValue)
    .map(([k, key, value]) => ({ t: { path: ['items', k, 'tags'], op: { type: 'map/set', key, value } } })),
  fc.integer({ min: -3, max: 3 }).map((n) => ({ t: { path: ['stats', 'sold'], op: { type: 'counter/add', n } } })),
  fc
    .tuple(hostileKey, fc.integer({ min: -3, max: 3 }))
    .map(([k, n]) => ({ t: { path: ['tallies', k], op: { type: 'counter/add', n } } })),
  fc
    .tuple(fc.constantFrom('sell', 'sellTwo', 'rename', 'stamp', 'nope', 'constructor'), fc.array(anyArg, { maxLength: 3 }))
    .map(([method, args]) => ({ t: { path: [], op: { type: 'call', method, args } } })),
  fc.tuple(hostileKey, fc.integer({ min: 1, max: 50 })).map(([k, n]) => ({ t: { path: [], op: { type: 'call', method: 'sell', args: [k, n] } } })),
  fc.tuple(hostileKey, fc.integer({ min: 1, max: 50 })).map(([k, n]) => ({ label: `sell(${k}, ${n})`, run: (s: Shop) => s.sell(k, n) })),
  fc.tuple(hostileKey, hostileKey).map(([a, b]) => ({ label: `sellTwo(${a}, ${b})`, run: (s: Shop) => s.sellTwo(a, b) })),
  fc.tuple(hostileKey, hostileKey).map(([a, b]) => ({ label: `rename(${a}, ${b})`, run: (s: Shop) => s.rename(a, b) })),
  fc.constant({ label: 'stamp()', run: (s: Shop) => s.stamp() }),
  fc.tuple(hostileKey, itemJson).map(([k, v]) => ({ label: `items.set(${k})`, run: (s: Shop) => s.items.set(k, v) })),
  fc
    .tuple(hostileKey, fc.integer({ min: -30, max: 30 }))
    .map(([k, n]) => ({ label: `items.get(${k})?.qty.add(${n})`, run: (s: Shop) => s.items.get(k)?.qty.add(n) })),
);

describe('machine laws over random op sequences', () => {
  it('Atom (with and without a schema)', () => void lawProperty(AtomRoot, atomStep));
  it('Counter (bounded and free; exact and inexact numbers)', () => void lawProperty(CounterRoot, counterStep));
  it('Map of JSON values and Map.of(Counter), with hostile keys', () => void lawProperty(MapRoot, mapStep));
  it('a composed class: nested machines, Map.of(Item), multi-field transitions that may conflict', () =>
    void lawProperty(Shop, shopStep, { numRuns: 150, maxSteps: 30 }));

  it('the composed class really exercises conflicts inside transitions (the generator is not vacuous)', () => {
    // A fixed run through the same harness where a multi-field transition is refused half-way.
    const doc = checkLaws(
      Shop,
      [
        { t: { path: ['items'], op: { type: 'map/set', key: 'a', value: { name: 'apple', qty: 2 } } } },
        { t: { path: ['items'], op: { type: 'map/set', key: '__proto__', value: { name: 'p', qty: 5 } } } },
        { label: 'sell(a, 1)', run: (s) => s.sell('a', 1) },
        { label: 'sell(a, 5) — short of stock after two changes', run: (s) => s.sell('a', 5) },
        { label: 'sellTwo(__proto__, zzz) — second sale fails', run: (s) => s.sellTwo('__proto__', 'zzz') },
        { label: 'rename(a, constructor)', run: (s) => s.rename('a', 'constructor') },
        { label: 'stamp()', run: (s) => s.stamp() },
      ],
      'each',
    );
    expect(doc.state.stats.sold.value).toBe(1);
    expect(doc.state.items.keys().sort()).toEqual(['__proto__', 'constructor']);
    expect(doc.state.items.get('__proto__')!.qty.value).toBe(5);
  });
});

// ---------------------------------------------------------------- with List, Tree and Text
// List/Tree (fractional keys) and Text (OT) have their own tests; here they join a composed class
// so the laws hold across kinds and through transitions that touch several of them.

@L.stateMachine()
class Folder {
  @L.field() name = new L.Atom('');
  @L.field() files = new L.Counter({ min: 0 });
}

@L.stateMachine()
class Board {
  @L.field() todos = L.List.of(Todo);
  @L.field() plain = new L.List<L.Json>();
  @L.field() folders = L.Tree.of(Folder);
  @L.field() outline = new L.Tree<L.Json>();
  @L.field() notes = new L.Text('hello');
  @L.field() completed = new L.Counter({ min: 0 });

  /** Changes a List item, a counter and the Text, or refuses as a whole. */
  @L.transition({ args: [{ type: 'string' }] })
  complete(id: string) {
    const todo = this.todos.get(id);
    if (!todo) throw new L.Conflict('not_found', `no todo ${id}`);
    this.completed.add(1);
    this.notes.insert(0, `done ${todo.title.value}; `);
    if (todo.done.value) throw new L.Conflict('conflict', 'already done');
    todo.done.set(true);
  }

  /** Moves the first todo to the end, files it in a new folder, and completes it (nested). */
  @L.transition()
  rotate() {
    const id = this.todos.ids()[0];
    if (id === undefined) throw new L.Conflict('not_found', 'no todos');
    this.todos.move(id, this.todos.length - 1);
    this.folders.insert(null, 0, { name: this.todos.get(id)!.title.value.slice(0, 5) });
    this.complete(id);
  }
}

function treeIds(tree: L.Tree<unknown, unknown>, parent: string | null = null, out: string[] = []): string[] {
  for (const id of tree.children(parent)) {
    out.push(id);
    treeIds(tree, id, out);
  }
  return out;
}
const pick = (ids: readonly string[], i: number): string => ids[i % Math.max(ids.length, 1)] ?? 'missing';
/** A position in [0, size], now and then one past it (out_of_range) or -1. */
const at = (r: number, size: number): number => (r % 17 === 0 ? -1 : r % 13 === 0 ? size + 1 : r % (size + 1));
const index = fc.nat();
const text = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('😀', 'é', '\n'));

const boardStep: fc.Arbitrary<Step<Board>> = fc.oneof(
  fc.tuple(index, fc.string({ maxLength: 25 })).map(([i, title]) => ({
    label: `todos.insert(${i}, ${JSON.stringify(title)})`,
    run: (s: Board) => void s.todos.insert(at(i, s.todos.length), { title }),
  })),
  fc.tuple(index, jsonValue).map(([i, v]) => ({ label: `plain.insert(${i})`, run: (s: Board) => void s.plain.insert(at(i, s.plain.length), v) })),
  fc.nat().map((i) => ({ label: 'todos.delete', run: (s: Board) => s.todos.delete(pick(s.todos.ids(), i)) })),
  fc.nat().map((i) => ({ label: 'plain.delete', run: (s: Board) => s.plain.delete(pick(s.plain.ids(), i)) })),
  fc.tuple(fc.nat(), index).map(([i, to]) => ({ label: `todos.move(_, ${to})`, run: (s: Board) => s.todos.move(pick(s.todos.ids(), i), at(to, s.todos.length - 1)) })),
  fc.nat().map((i) => ({ label: 'todos[i].done.set', run: (s: Board) => s.todos.get(pick(s.todos.ids(), i))?.done.set(true) })),
  fc.nat().map((i) => ({ label: 'complete', run: (s: Board) => s.complete(pick(s.todos.ids(), i)) })),
  fc.constant({ label: 'rotate', run: (s: Board) => s.rotate() }),
  fc.tuple(fc.nat(), index, fc.string({ maxLength: 6 })).map(([p, i, name]) => ({
    label: `folders.insert(_, ${i})`,
    run: (s: Board) => {
      const ids = treeIds(s.folders);
      const parent = p % (ids.length + 1) === 0 ? null : pick(ids, p);
      void s.folders.insert(parent, at(i, s.folders.children(parent).length), { name });
    },
  })),
  fc.tuple(fc.nat(), fc.nat(), index).map(([a, b, i]) => ({
    label: `folders.move(_, _, ${i})`,
    run: (s: Board) => {
      const ids = treeIds(s.folders);
      const parent = b % (ids.length + 1) === 0 ? null : pick(ids, b);
      s.folders.move(pick(ids, a), parent, at(i, s.folders.children(parent).length));
    },
  })),
  fc.nat().map((a) => ({ label: 'folders.delete', run: (s: Board) => s.folders.delete(pick(treeIds(s.folders), a)) })),
  fc.tuple(fc.nat(), fc.integer({ min: -2, max: 3 })).map(([a, n]) => ({
    label: `folder.files.add(${n})`,
    run: (s: Board) => s.folders.get(pick(treeIds(s.folders), a))?.files.add(n),
  })),
  fc.tuple(fc.nat(), index, jsonValue).map(([p, i, v]) => ({
    label: `outline.insert(_, ${i})`,
    run: (s: Board) => {
      const ids = treeIds(s.outline);
      const parent = p % (ids.length + 1) === 0 ? null : pick(ids, p);
      void s.outline.insert(parent, at(i, s.outline.children(parent).length), v);
    },
  })),
  fc.tuple(fc.nat(), fc.nat(), index).map(([a, b, i]) => ({
    label: `outline.move(_, _, ${i}) (may be a cycle)`,
    run: (s: Board) => {
      const ids = treeIds(s.outline);
      s.outline.move(pick(ids, a), pick(ids, b), at(i, s.outline.children(pick(ids, b)).length));
    },
  })),
  fc.tuple(fc.nat(), text).map(([pos, t]) => ({
    label: `notes.insert(~${pos}, ${JSON.stringify(t)})`,
    run: (s: Board) => s.notes.insert(at(pos, s.notes.length), t),
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 5 })).map(([pos, n]) => ({
    label: `notes.delete(~${pos}, ${n})`,
    run: (s: Board) => s.notes.delete(at(pos, s.notes.length), n),
  })),
  fc
    .array(fc.oneof(fc.integer({ min: 1, max: 4 }), fc.string({ minLength: 1, maxLength: 3 }), fc.record({ d: fc.integer({ min: 1, max: 3 }) })), {
      maxLength: 3,
    })
    .map((ops) => ({ t: { path: ['notes'], op: { type: 'text/edit', ops } } })),
);

describe('machine laws with List, Tree and Text in a composed class', () => {
  it('List.of(Todo), a JSON List, Tree.of(Folder), a JSON Tree and Text obey the laws', () =>
    void lawProperty(Board, boardStep, { numRuns: 100, maxSteps: 30 }));

  // Regression: fast-json-patch (DESIGN.md §3's way to mirror a doc) resolves a move's target
  // before removing its source; Tree's patches must still apply with it.
  it('a Tree move under a later sibling gives patches fast-json-patch can apply', () => {
    @L.stateMachine()
    class Outline {
      @L.field() outline = new L.Tree<L.Json>();
    }
    const doc = new L.Doc(Outline);
    const a = doc.state.outline.insert(null, 0, 'a');
    const b = doc.state.outline.insert(null, 1, 'b');
    const c = doc.state.outline.insert(b, 0, 'c');
    const prev = doc.toJSON();
    let patches: L.PatchOp[] = [];
    doc.subscribe((change) => {
      patches = change.patches;
    });
    doc.state.outline.move(a, c, 0);
    expect(applyPatch(deepClone(prev), patches as never, true, true, false).newDocument).toEqual(doc.toJSON());
  });

  it('a fixed run through every kind (the generator is not vacuous)', () => {
    const doc = checkLaws(
      Board,
      [
        { label: 'insert', run: (s) => void s.todos.insert(0, { title: 'milk' }) },
        { label: 'push', run: (s) => void s.todos.push({ title: 'eggs' }) },
        { label: 'rotate', run: (s) => s.rotate() },
        { label: 'complete eggs again: refused after changing notes and the counter', run: (s) => s.complete(s.todos.ids()[1]!) },
        { label: 'notes', run: (s) => s.notes.insert(s.notes.length, ' 😀') },
        { label: 'outline', run: (s) => void s.outline.insert(null, 0, { x: 1 }) },
        { label: 'outline cycle', run: (s) => s.outline.move(s.outline.children(null)[0]!, s.outline.children(null)[0]!, 0) },
      ],
      'each',
    );
    expect(doc.toJSON()).toMatchObject({
      todos: [{ title: 'eggs', done: false }, { title: 'milk', done: true }],
      completed: 1,
      notes: 'done milk; hello 😀',
    });
    expect(doc.state.folders.size).toBe(1);
  });
});

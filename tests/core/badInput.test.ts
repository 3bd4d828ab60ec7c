/**
 * Bad input (DESIGN.md §8): whatever arrives — malformed ops, wrong types, unknown paths,
 * prototype-named keys, NaN, huge nesting or strings, values that are not JSON — the answer is a
 * LockstepError with a stable code and a readable message, and the state does not change.
 * Nothing else (no TypeError, no RangeError) ever escapes. The fuzz at the end prints its seed
 * on failure; `SEED=n` replays it.
 */
import fc from 'fast-check';
import * as L from '../../src/index.js';
import { Todo } from '../fixtures/Todo.js';
import { canon, fcParams } from './lawHarness.js';

@L.stateMachine()
class Board {
  @L.field() score = new L.Counter({ min: 0, max: 100 });
  @L.field() note = new L.Atom<L.Json>({ a: [1, 2] });
  @L.field() tags = new L.Map<L.Json>();
  @L.field() people = L.Map.of(Todo);
  @L.field() todos = L.List.of(Todo);
  @L.field() tree = new L.Tree<L.Json>();
  @L.field() text = new L.Text('héllo 😀');

  @L.transition({ args: [{ type: 'integer' }] })
  bump(n: number) {
    this.score.add(n);
  }

  @L.transition()
  anything(...args: unknown[]) {
    this.tags.set('args', args.length);
  }
}

/** A doc with some state in every field. */
function makeDoc(): L.Doc<Board> {
  const doc = new L.Doc(Board);
  doc.state.score.add(5);
  doc.state.tags.set('constructor', 1);
  doc.state.tags.set('__proto__', { x: 1 });
  doc.state.people.set('ann', { title: 'hi' });
  doc.state.todos.push({ title: 'milk' });
  const root = doc.state.tree.insert(null, 0, 'root');
  doc.state.tree.insert(root, 0, 'leaf');
  return doc;
}

function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function deepObject(depth: number): unknown {
  let v: unknown = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function sparse(): unknown[] {
  const a: unknown[] = [1];
  a[2] = 3;
  return a;
}

class Point {
  x = 1;
}

/**
 * Runs `fn` against `doc`; expects a LockstepError with `code` (any code when omitted), a
 * message, and no change to snapshot/JSON/listeners. Returns the error.
 */
function refused(doc: L.Doc<Board>, fn: () => unknown, code?: L.ErrorCode): L.LockstepError {
  const before = JSON.stringify(canon(doc.snapshot()));
  const beforeJson = JSON.stringify(canon(doc.toJSON()));
  let notified = 0;
  const off = doc.subscribe(() => notified++);
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  } finally {
    off();
  }
  if (!(err instanceof L.LockstepError)) {
    throw new Error(`expected a LockstepError${code ? ` (${code})` : ''}, got ${err === undefined ? 'success' : String(err)}`);
  }
  if (code) expect(err.code).toBe(code);
  expect(typeof err.message).toBe('string');
  expect(err.message.length).toBeGreaterThan(5);
  expect(err.message.length).toBeLessThan(1000);
  expect(JSON.stringify(canon(doc.snapshot()))).toBe(before);
  expect(JSON.stringify(canon(doc.toJSON()))).toBe(beforeJson);
  expect(notified).toBe(0);
  return err;
}

const op = (path: unknown, o: unknown): L.Transition => ({ path, op: o }) as L.Transition;

// [label, transition given to doc.apply, expected code]
const badTransitions: Array<[string, unknown, L.ErrorCode]> = [
  // the transition itself
  ['null', null, 'invalid_op'],
  ['undefined', undefined, 'invalid_op'],
  ['a number', 5, 'invalid_op'],
  ['a string', 'score', 'invalid_op'],
  ['an array', [['score'], { type: 'counter/add', n: 1 }], 'invalid_op'],
  ['an empty object', {}, 'invalid_op'],
  ['path a string', op('score', { type: 'counter/add', n: 1 }), 'invalid_op'],
  ['path of numbers', op([1], { type: 'counter/add', n: 1 }), 'invalid_op'],
  ['path with null', op([null], { type: 'counter/add', n: 1 }), 'invalid_op'],
  ['path with a hole', op((() => { const p: string[] = []; p[1] = 'score'; return p; })(), { type: 'counter/add', n: 1 }), 'invalid_op'],
  ['no op', { path: ['score'] }, 'invalid_op'],
  ['op null', op(['score'], null), 'invalid_op'],
  ['op a string', op(['score'], 'counter/add'), 'invalid_op'],
  ['op an array', op(['score'], [{ type: 'counter/add', n: 1 }]), 'invalid_op'],
  ['op a function', op(['score'], () => ({ type: 'counter/add', n: 1 })), 'invalid_op'],
  // op fields
  ['no type', op(['score'], { n: 1 }), 'invalid_op'],
  ['type a number', op(['score'], { type: 5, n: 1 }), 'invalid_op'],
  ['unknown type', op(['score'], { type: 'counter/mul', n: 2 }), 'invalid_op'],
  ['type of another kind', op(['score'], { type: 'atom/set', value: 1 }), 'invalid_op'],
  ['type __proto__', op(['score'], { type: '__proto__', n: 1 }), 'invalid_op'],
  ['missing field', op(['score'], { type: 'counter/add' }), 'invalid_op'],
  ['extra field', op(['score'], { type: 'counter/add', n: 1, by: 'me' }), 'invalid_op'],
  ['__proto__ field (JSON)', op(['score'], JSON.parse('{"type":"counter/add","n":1,"__proto__":{"n":2}}')), 'invalid_op'],
  ['constructor field', op(['score'], { type: 'counter/add', n: 1, constructor: 1 }), 'invalid_op'],
  ['n a string', op(['score'], { type: 'counter/add', n: '1' }), 'invalid_op'],
  ['n NaN', op(['score'], { type: 'counter/add', n: NaN }), 'invalid_op'],
  ['n Infinity', op(['score'], { type: 'counter/add', n: Infinity }), 'invalid_op'],
  ['n -Infinity', op(['score'], { type: 'counter/set', value: -Infinity }), 'invalid_op'],
  ['n a BigInt', op(['score'], { type: 'counter/add', n: 1n }), 'invalid_op'],
  ['n a symbol', op(['score'], { type: 'counter/add', n: Symbol('n') }), 'invalid_op'],
  ['n an object', op(['score'], { type: 'counter/add', n: { valueOf: () => 1 } }), 'invalid_op'],
  ['n a boxed number', op(['score'], { type: 'counter/add', n: new Number(1) }), 'invalid_op'],
  ['out of range', op(['score'], { type: 'counter/add', n: 1000 }), 'out_of_range'],
  ['overflow to Infinity', op(['score'], { type: 'counter/set', value: 1e308 }), 'out_of_range'],
  // unknown paths
  ['unknown field', op(['nope'], { type: 'counter/add', n: 1 }), 'not_found'],
  ['below a counter', op(['score', 'x'], { type: 'counter/add', n: 1 }), 'not_found'],
  ['into a JSON map value', op(['tags', 'constructor'], { type: 'atom/set', value: 1 }), 'not_found'],
  ['missing map item', op(['people', 'bob', 'title'], { type: 'atom/set', value: 'x' }), 'not_found'],
  ['missing list item', op(['todos', 'nope', 'title'], { type: 'atom/set', value: 'x' }), 'not_found'],
  ['field __proto__', op(['__proto__'], { type: 'atom/set', value: 1 }), 'not_found'],
  ['field constructor', op(['constructor'], { type: 'atom/set', value: 1 }), 'not_found'],
  ['field prototype', op(['prototype'], { type: 'atom/set', value: 1 }), 'not_found'],
  ['field toString', op(['toString'], { type: 'atom/set', value: 1 }), 'not_found'],
  ['field hasOwnProperty', op(['hasOwnProperty'], { type: 'atom/set', value: 1 }), 'not_found'],
  ['map item __proto__', op(['people', '__proto__', 'title'], { type: 'atom/set', value: 'x' }), 'not_found'],
  ['map item constructor', op(['people', 'constructor', 'title'], { type: 'atom/set', value: 'x' }), 'not_found'],
  ['item field __proto__', op(['people', 'ann', '__proto__'], { type: 'atom/set', value: 'x' }), 'not_found'],
  ['path 10,000 deep', op(new Array(10_000).fill('people'), { type: 'atom/set', value: 1 }), 'not_found'],
  ['path with a 1 MB segment', op(['x'.repeat(1 << 20)], { type: 'atom/set', value: 1 }), 'not_found'],
  // Map keys
  ['map key a number', op(['tags'], { type: 'map/set', key: 5, value: 1 }), 'invalid_op'],
  ['map key null', op(['tags'], { type: 'map/set', key: null, value: 1 }), 'invalid_op'],
  ['map key 1 MB', op(['tags'], { type: 'map/set', key: 'k'.repeat(1 << 20), value: 1 }), 'invalid_op'],
  ['delete missing __proto__', op(['people'], { type: 'map/delete', key: '__proto__' }), 'not_found'],
  ['delete missing prototype', op(['tags'], { type: 'map/delete', key: 'prototype' }), 'not_found'],
  ['delete missing toString', op(['tags'], { type: 'map/delete', key: 'toString' }), 'not_found'],
  ['map item not an object', op(['people'], { type: 'map/set', key: 'bob', value: 'bob' }), 'invalid_value'],
  ['map item unknown field', op(['people'], { type: 'map/set', key: 'bob', value: { age: 1 } }), 'invalid_value'],
  ['map item __proto__ field', op(['people'], { type: 'map/set', key: 'bob', value: JSON.parse('{"__proto__":{"title":"x"}}') }), 'invalid_value'],
  ['map item failing schema', op(['people'], { type: 'map/set', key: 'bob', value: { title: 'x'.repeat(21) } }), 'invalid_value'],
  ['map item bad snapshot', op(['people'], { type: 'map/set', key: 'bob', snapshot: { title: 'x' } }), 'invalid_snapshot'],
  // Atom values that are not JSON
  ['value NaN', op(['note'], { type: 'atom/set', value: NaN }), 'invalid_value'],
  ['value -Infinity deep inside', op(['note'], { type: 'atom/set', value: { a: [1, { b: -Infinity }] } }), 'invalid_value'],
  ['value undefined', op(['note'], { type: 'atom/set', value: undefined }), 'invalid_op'],
  ['value undefined inside', op(['note'], { type: 'atom/set', value: { a: undefined } }), 'invalid_value'],
  ['value in an array undefined', op(['note'], { type: 'atom/set', value: [undefined] }), 'invalid_value'],
  ['value a function', op(['note'], { type: 'atom/set', value: () => 1 }), 'invalid_value'],
  ['value with a toJSON method', op(['note'], { type: 'atom/set', value: { toJSON: () => 1 } }), 'invalid_value'],
  ['value a Date', op(['note'], { type: 'atom/set', value: new Date(0) }), 'invalid_value'],
  ['value a Map', op(['note'], { type: 'atom/set', value: new Map([['a', 1]]) }), 'invalid_value'],
  ['value a Set', op(['note'], { type: 'atom/set', value: new Set([1]) }), 'invalid_value'],
  ['value a class instance', op(['note'], { type: 'atom/set', value: new Point() }), 'invalid_value'],
  ['value a typed array', op(['note'], { type: 'atom/set', value: new Uint8Array(2) }), 'invalid_value'],
  ['value a boxed string', op(['note'], { type: 'atom/set', value: new String('x') }), 'invalid_value'],
  ['value a RegExp', op(['note'], { type: 'atom/set', value: /x/ }), 'invalid_value'],
  ['value a sparse array', op(['note'], { type: 'atom/set', value: sparse() }), 'invalid_value'],
  ['value a BigInt', op(['note'], { type: 'atom/set', value: 10n }), 'invalid_value'],
  ['value a symbol', op(['note'], { type: 'atom/set', value: Symbol('s') }), 'invalid_value'],
  ['value a machine', op(['note'], { type: 'atom/set', value: new L.Counter() }), 'invalid_value'],
  ['value arrays 10,000 deep', op(['note'], { type: 'atom/set', value: deepArray(10_000) }), 'invalid_value'],
  ['value objects 10,000 deep', op(['note'], { type: 'atom/set', value: deepObject(10_000) }), 'invalid_value'],
  ['value 65 deep', op(['note'], { type: 'atom/set', value: deepArray(65) }), 'invalid_value'],
  ['map value 10,000 deep', op(['tags'], { type: 'map/set', key: 'k', value: deepArray(10_000) }), 'invalid_value'],
  ['map value NaN', op(['tags'], { type: 'map/set', key: 'k', value: NaN }), 'invalid_value'],
  ['map value a function', op(['tags'], { type: 'map/set', key: 'k', value: () => 1 }), 'invalid_value'],
  // Atom patches
  ['patch not an array', op(['note'], { type: 'atom/patch', patch: { op: 'add', path: '/b', value: 1 } }), 'invalid_op'],
  ['patch op unknown', op(['note'], { type: 'atom/patch', patch: [{ op: 'merge', path: '/b', value: 1 }] }), 'invalid_op'],
  ['patch op without path', op(['note'], { type: 'atom/patch', patch: [{ op: 'add', value: 1 }] }), 'invalid_op'],
  ['patch of 1,001 ops', op(['note'], { type: 'atom/patch', patch: new Array(1001).fill({ op: 'add', path: '/b', value: 1 }) }), 'invalid_op'],
  ['patch into __proto__', op(['note'], { type: 'atom/patch', patch: [{ op: 'add', path: '/__proto__/polluted', value: 1 }] }), 'patch_failed'],
  ['patch into constructor/prototype', op(['note'], { type: 'atom/patch', patch: [{ op: 'add', path: '/constructor/prototype/polluted', value: 1 }] }), 'patch_failed'],
  ['patch a missing path', op(['note'], { type: 'atom/patch', patch: [{ op: 'remove', path: '/nope' }] }), 'patch_failed'],
  ['patch a bad pointer', op(['note'], { type: 'atom/patch', patch: [{ op: 'add', path: 'b', value: 1 }] }), 'patch_failed'],
  ['patch test fails', op(['note'], { type: 'atom/patch', patch: [{ op: 'test', path: '/a/0', value: 9 }] }), 'patch_failed'],
  ['patch second op fails', op(['note'], { type: 'atom/patch', patch: [{ op: 'add', path: '/b', value: 1 }, { op: 'remove', path: '/c' }] }), 'patch_failed'],
  ['patch value NaN', op(['note'], { type: 'atom/patch', patch: [{ op: 'add', path: '/b', value: NaN }] }), 'invalid_value'],
  ['patch value a function', op(['note'], { type: 'atom/patch', patch: [{ op: 'add', path: '/b', value: () => 1 }] }), 'invalid_value'],
  ['patch value 10,000 deep', op(['note'], { type: 'atom/patch', patch: [{ op: 'add', path: '/b', value: deepArray(10_000) }] }), 'invalid_value'],
  ['patch builds 100 deep', op(['note'], { type: 'atom/patch', patch: Array.from({ length: 100 }, (_, i) => ({ op: 'add', path: '/0'.repeat(i), value: [] })) }), 'invalid_value'],
  // calls
  ['call without method', op([], { type: 'call', args: [] }), 'invalid_op'],
  ['call method a number', op([], { type: 'call', method: 1, args: [] }), 'invalid_op'],
  ['call method 1 MB', op([], { type: 'call', method: 'm'.repeat(1 << 20), args: [] }), 'invalid_op'],
  ['call args not an array', op([], { type: 'call', method: 'bump', args: 1 }), 'invalid_op'],
  ['call 65 args', op([], { type: 'call', method: 'anything', args: new Array(65).fill(1) }), 'invalid_op'],
  ['call unknown method', op([], { type: 'call', method: 'nope', args: [] }), 'invalid_op'],
  ['call constructor', op([], { type: 'call', method: 'constructor', args: [] }), 'invalid_op'],
  ['call __proto__', op([], { type: 'call', method: '__proto__', args: [] }), 'invalid_op'],
  ['call toString', op([], { type: 'call', method: 'toString', args: [] }), 'invalid_op'],
  ['call a Map method', op(['tags'], { type: 'call', method: 'set', args: ['k', 1] }), 'invalid_op'],
  ['call arg of wrong type', op([], { type: 'call', method: 'bump', args: ['1'] }), 'invalid_args'],
  ['call arg missing', op([], { type: 'call', method: 'bump', args: [] }), 'invalid_args'],
  ['call arg NaN', op([], { type: 'call', method: 'anything', args: [NaN] }), 'invalid_args'],
  ['call arg undefined', op([], { type: 'call', method: 'anything', args: [undefined] }), 'invalid_args'],
  ['call arg a function', op([], { type: 'call', method: 'anything', args: [() => 1] }), 'invalid_args'],
  ['call arg a BigInt', op([], { type: 'call', method: 'anything', args: [1n] }), 'invalid_args'],
  ['call arg a symbol', op([], { type: 'call', method: 'anything', args: [Symbol('s')] }), 'invalid_args'],
  ['call arg a class instance', op([], { type: 'call', method: 'anything', args: [new Point()] }), 'invalid_args'],
  ['call arg sparse', op([], { type: 'call', method: 'anything', args: [sparse()] }), 'invalid_args'],
  ['call arg 10,000 deep', op([], { type: 'call', method: 'anything', args: [deepArray(10_000)] }), 'invalid_args'],
  ['call args sparse', op([], { type: 'call', method: 'anything', args: sparse() }), 'invalid_args'],
  // List, Tree, Text
  ['list insert without key', op(['todos'], { type: 'list/insert', id: 'abc', value: { title: 'x' } }), 'invalid_op'],
  ['list insert id __proto__ with a bad key', op(['todos'], { type: 'list/insert', id: '__proto__', key: '', value: {} }), 'invalid_op'],
  ['list delete missing', op(['todos'], { type: 'list/delete', id: 'nope' }), 'not_found'],
  ['list insert value NaN', op(['todos'], { type: 'list/insert', id: 'abc', key: 'a0', value: { title: NaN } }), 'invalid_value'],
  ['tree move missing', op(['tree'], { type: 'tree/move', id: 'nope', parent: null, key: 'a0' }), 'not_found'],
  ['text edit past the end', op(['text'], { type: 'text/edit', ops: [100, 'x'] }), 'out_of_range'],
  ['text edit splits a surrogate pair', op(['text'], { type: 'text/edit', ops: [7, 'x'] }), 'invalid_op'],
  ['text edit of a number', op(['text'], { type: 'text/edit', ops: 5 }), 'invalid_op'],
  ['text edit with NaN', op(['text'], { type: 'text/edit', ops: [NaN] }), 'invalid_op'],
];

describe('doc.apply refuses bad input with a clear error and no change', () => {
  it.each(badTransitions.map(([label, t, code]) => [label, code, t] as const))('%s → %s', (_label, code, t) => {
    const doc = makeDoc();
    refused(doc, () => doc.apply(t as L.Transition), code);
    // The doc still works.
    doc.apply({ path: ['score'], op: { type: 'counter/add', n: 1 } });
    expect(doc.state.score.value).toBe(6);
  });

  it('errors name the path and the problem', () => {
    const doc = makeDoc();
    expect(refused(doc, () => doc.apply(op(['people', 'bob', 'title'], { type: 'atom/set', value: 'x' }))).message).toMatch(/\/people\/bob/);
    expect(refused(doc, () => doc.apply(op(['score'], { type: 'counter/add', n: 'x' }))).message).toMatch(/\/score.*number/);
    expect(refused(doc, () => doc.apply(op(['people'], { type: 'map/set', key: 'b', value: { title: 'x'.repeat(30) } }))).message).toMatch(
      /\/b\/title/,
    );
    expect(refused(doc, () => doc.apply(op([], { type: 'call', method: 'bump', args: ['x'] }))).message).toMatch(/argument 0 of 'bump'/);
    const long = refused(doc, () => doc.apply(op(['y'.repeat(1 << 20)], { type: 'atom/set', value: 1 })));
    expect(long.message.length).toBeLessThan(1000);
  });

  it('applyAll is atomic: one bad transition refuses the whole batch', () => {
    const doc = makeDoc();
    for (const bad of [null, op(['nope'], { type: 'counter/add', n: 1 }), op(['score'], { type: 'counter/add', n: NaN })]) {
      refused(doc, () => doc.applyAll([op(['score'], { type: 'counter/add', n: 1 }), op(['tags'], { type: 'map/delete', key: 'constructor' }), bad] as L.Transition[]));
    }
    for (const notAList of [null, undefined, 5, 'x', {}, { length: 1, 0: op(['score'], { type: 'counter/add', n: 1 }) }]) {
      refused(doc, () => doc.applyAll(notAList as unknown as L.Transition[]), 'invalid_op');
    }
  });

  it('a hostile key stays data: no prototype is touched', () => {
    const doc = makeDoc();
    doc.apply(JSON.parse('{"path":["tags"],"op":{"type":"map/set","key":"__proto__","value":{"__proto__":{"polluted":true}}}}'));
    doc.apply(op(['note'], JSON.parse('{"type":"atom/set","value":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}')));
    doc.apply(op(['people'], { type: 'map/set', key: 'constructor', value: { title: 'c' } }));
    doc.apply(op(['people', 'constructor', 'title'], { type: 'atom/set', value: 'prototype' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    const json = doc.toJSON() as { tags: object; note: object };
    expect(Object.getPrototypeOf(json.tags)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(json.note)).toBe(Object.prototype);
    expect(JSON.stringify(json.tags)).toBe('{"__proto__":{"__proto__":{"polluted":true}},"constructor":1}');
    const copy = L.Doc.load(Board, JSON.parse(JSON.stringify(doc.snapshot())));
    expect(JSON.stringify(copy.snapshot())).toBe(JSON.stringify(doc.snapshot()));
    expect(copy.state.people.get('constructor')!.title.value).toBe('prototype');
  });

  it('huge but valid values are stored intact', () => {
    const doc = makeDoc();
    const big = 'é😀x'.repeat(1 << 18); // 1 MB of UTF-16
    doc.state.note.set(big);
    doc.state.tags.set('k'.repeat(1024), big);
    expect(doc.state.note.value).toBe(big);
    const copy = L.Doc.load(Board, JSON.parse(JSON.stringify(doc.snapshot())));
    expect(copy.state.tags.get('k'.repeat(1024))).toBe(big);
    const deep = deepArray(63);
    doc.state.note.set(deep as L.Json);
    expect(doc.state.note.value).toEqual(deep);
  });
});

describe('live methods refuse bad input the same way', () => {
  const cases: Array<[string, (s: Board) => unknown, L.ErrorCode]> = [
    ['counter.add("1")', (s) => s.score.add('1' as unknown as number), 'invalid_op'],
    ['counter.add(NaN)', (s) => s.score.add(NaN), 'invalid_op'],
    ['counter.set(Infinity)', (s) => s.score.set(Infinity), 'invalid_op'],
    ['counter.add(past max)', (s) => s.score.add(96), 'out_of_range'],
    ['atom.set(undefined)', (s) => s.note.set(undefined as unknown as L.Json), 'invalid_op'],
    ['atom.set(Date)', (s) => s.note.set(new Date() as unknown as L.Json), 'invalid_value'],
    ['atom.set(BigInt)', (s) => s.note.set(1n as unknown as L.Json), 'invalid_value'],
    ['atom.set(symbol)', (s) => s.note.set(Symbol('x') as unknown as L.Json), 'invalid_value'],
    ['atom.set(fn)', (s) => s.note.set((() => 1) as unknown as L.Json), 'invalid_value'],
    ['atom.set(deep)', (s) => s.note.set(deepObject(10_000) as L.Json), 'invalid_value'],
    ['atom.patch("x")', (s) => s.note.patch('x' as never), 'invalid_op'],
    ['atom.patch(bad op)', (s) => s.note.patch([{ op: 'nope', path: '' }] as never), 'invalid_op'],
    ['title.set(too long)', (s) => s.people.get('ann')!.title.set('x'.repeat(21)), 'invalid_value'],
    ['map.set(5, 1)', (s) => s.tags.set(5 as unknown as string, 1), 'invalid_op'],
    ['map.set(k, undefined)', (s) => s.tags.set('k', undefined as unknown as L.Json), 'invalid_op'],
    ['map.set(k, NaN)', (s) => s.tags.set('k', NaN), 'invalid_value'],
    ['map.delete(missing)', (s) => s.tags.delete('toString'), 'not_found'],
    ['people.set(k, "str")', (s) => s.people.set('k', 'str' as never), 'invalid_value'],
    ['people.set(k, {title: 5})', (s) => s.people.set('k', { title: 5 } as never), 'invalid_value'],
    ['bump("1")', (s) => s.bump('1' as unknown as number), 'invalid_args'],
    ['bump()', (s) => (s.bump as () => void)(), 'invalid_args'],
    ['anything(fn)', (s) => s.anything(() => 1), 'invalid_args'],
    ['anything(1n)', (s) => s.anything(1n), 'invalid_args'],
  ];
  it.each(cases)('%s → %s', (_label, fn, code) => {
    const doc = makeDoc();
    refused(doc, () => fn(doc.state), code);
  });
});

describe('Doc.load refuses bad snapshots with invalid_snapshot naming the path', () => {
  const good = () => JSON.parse(JSON.stringify(makeDoc().snapshot())) as Record<string, any>;
  const cases: Array<[string, () => unknown, RegExp | null]> = [
    ['null', () => null, null],
    ['a number', () => 5, null],
    ['an array', () => [], null],
    ['an empty object', () => ({}), /missing field/],
    ['an extra field', () => ({ ...good(), extra: 1 }), /unknown field 'extra'/],
    ['a __proto__ field', () => JSON.parse(JSON.stringify(good()).replace(/^\{/, '{"__proto__":1,')), /unknown field '__proto__'/],
    ['a missing field', () => { const s = good(); delete s.score; return s; }, /missing field 'score'/],
    ['counter a string', () => ({ ...good(), score: '5' }), /\/score/],
    ['counter NaN', () => ({ ...good(), score: NaN }), /\/score/],
    ['counter out of bounds', () => ({ ...good(), score: 101 }), /\/score/],
    ['atom not JSON', () => ({ ...good(), note: () => 1 }), /\/note/],
    ['atom 10,000 deep', () => ({ ...good(), note: deepArray(10_000) }), /\/note/],
    ['map not an object', () => ({ ...good(), tags: [] }), /\/tags/],
    ['map key too long', () => ({ ...good(), tags: { ['k'.repeat(1025)]: 1 } }), /\/tags/],
    ['map item bad', () => { const s = good(); s.people.ann.title = 5; return s; }, /\/people\/ann\/title/],
    ['map item schema', () => { const s = good(); s.people.ann.title = 'x'.repeat(21); return s; }, /\/people\/ann\/title/],
    ['map item missing field', () => { const s = good(); delete s.people.ann.done; return s; }, /\/people\/ann/],
    ['map item null', () => { const s = good(); s.people.ann = null; return s; }, /\/people\/ann/],
    ['list not an array', () => ({ ...good(), todos: {} }), /\/todos/],
    ['text not a string', () => ({ ...good(), text: 5 }), /\/text/],
    ['text with a lone surrogate', () => ({ ...good(), text: 'a\ud800' }), /\/text/],
    ['tree not an array', () => ({ ...good(), tree: 'x' }), /\/tree/],
  ];
  it.each(cases)('%s', (_label, make, where) => {
    let err: unknown;
    try {
      L.Doc.load(Board, make());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(L.LockstepError);
    expect((err as L.LockstepError).code).toBe('invalid_snapshot');
    if (where) expect((err as L.LockstepError).message).toMatch(where);
  });

  it('a good snapshot loads', () => {
    const s = good();
    expect(canon(L.Doc.load(Board, s).snapshot())).toEqual(canon(s));
  });
});

describe('fuzz: arbitrary values anywhere in a transition', () => {
  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
    maxDepth: 4,
  });
  const path = fc.oneof(
    fc.constantFrom([], ['score'], ['note'], ['tags'], ['people'], ['people', 'ann'], ['people', 'ann', 'title'], ['todos'], ['tree'], ['text']),
    anything,
  );
  const type = fc.oneof(
    fc.constantFrom('counter/add', 'counter/set', 'atom/set', 'atom/patch', 'map/set', 'map/delete', 'call', 'list/insert', 'list/delete', 'list/move', 'tree/insert', 'tree/move', 'tree/delete', 'text/edit'),
    anything,
  );
  const field = fc.constantFrom('n', 'value', 'patch', 'key', 'snapshot', 'method', 'args', 'id', 'parent', 'ops', '__proto__', 'constructor');
  const opArb = fc.oneof(
    fc.record({ type, fields: fc.array(fc.tuple(field, anything), { maxLength: 3 }) }).map(({ type: t, fields }) => {
      const o: Record<string, unknown> = { type: t };
      for (const [k, v] of fields) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      return o;
    }),
    anything,
  );
  const transition = fc.oneof(fc.record({ path, op: opArb }), anything);

  it('always a LockstepError or a success; a refusal changes nothing', () => {
    fc.assert(
      fc.property(fc.array(transition, { minLength: 1, maxLength: 5 }), (ts) => {
        const doc = makeDoc();
        for (const t of ts) {
          const before = JSON.stringify(canon(doc.snapshot()));
          try {
            doc.apply(t as L.Transition);
          } catch (err) {
            if (!(err instanceof L.LockstepError)) throw err;
            expect(JSON.stringify(canon(doc.snapshot()))).toBe(before);
          }
          // Whatever happened, the state is still valid JSON that loads.
          L.Doc.load(Board, JSON.parse(JSON.stringify(doc.snapshot())));
        }
      }),
      fcParams(300),
    );
  });
});

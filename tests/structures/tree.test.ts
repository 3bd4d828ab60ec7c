import { Conflict, LockstepError } from '../../src/errors.js';
import { Counter } from '../../src/structures/counter/Counter.js';
import { REMOVED, type Op } from '../../src/structures/machine.js';
import { assertSchema } from '../../src/structures/schema.js';
import { Tree, treeOpSchema } from '../../src/structures/tree/Tree.js';
import { ctxOf } from './helpers.js';
import { Recorder } from './recorder.js';

const ctx = ctxOf(1);

/** Expects `fn` to throw `code` and leave `tree` exactly as it was. */
function refused(tree: Tree<unknown, unknown>, code: string, fn: () => unknown, conflict = false): void {
  const before = tree.snapshot();
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(conflict ? Conflict : LockstepError);
  expect((thrown as LockstepError).code).toBe(code);
  expect(tree.snapshot()).toEqual(before);
}

/** root A with children B (with child D) and C; root E. */
function sample(): { tree: Tree<string>; rec: Recorder; A: string; B: string; C: string; D: string; E: string } {
  const tree = new Tree<string>();
  const rec = new Recorder(tree);
  const A = tree.insert(null, 0, 'A');
  const E = tree.insert(null, 1, 'E');
  const C = tree.insert(A, 0, 'C');
  const B = tree.insert(A, 0, 'B');
  const D = tree.insert(B, 0, 'D');
  return { tree, rec, A, B, C, D, E };
}

const view = (id: string, value: string, children: unknown[] = []): object => ({ id, value, children });

describe('Tree', () => {
  it('inserts nodes and reads them', () => {
    const { tree, A, B, C, D, E } = sample();
    expect(tree.kind).toBe('tree');
    expect(tree.size).toBe(5);
    expect(tree.children(null)).toEqual([A, E]);
    expect(tree.children(A)).toEqual([B, C]);
    expect(tree.children(D)).toEqual([]);
    expect(tree.parent(D)).toBe(B);
    expect(tree.parent(A)).toBeNull();
    expect(tree.parent('nope')).toBeUndefined();
    expect(tree.get(C)).toBe('C');
    expect(tree.get('nope')).toBeUndefined();
    expect(tree.has(E)).toBe(true);
    expect(tree.has('nope')).toBe(false);
    expect(tree.toJSON()).toEqual([view(A, 'A', [view(B, 'B', [view(D, 'D')]), view(C, 'C')]), view(E, 'E')]);
    expect(tree.pointer(D)).toEqual(['0', 'children', '0', 'children', '0', 'value']);
    expect(tree.pointer(E)).toEqual(['1', 'value']);
    const snap = tree.snapshot() as [string, string | null, string, string][];
    expect(snap.map((e) => e[0])).toEqual([A, B, C, D, E]);
    const seen = new Set<string | null>([null]);
    for (const [id, parent] of snap) {
      expect(seen.has(parent)).toBe(true);
      seen.add(id);
    }
  });

  it('reports inserts with their effect, inverse and patch', () => {
    const { tree, rec, A, B } = sample();
    const id = tree.insert(A, 1, 'x');
    expect(rec.last.effects).toEqual([{ path: [], op: { type: 'tree/insert', id, parent: A, key: expect.any(String), value: 'x' } }]);
    expect(rec.last.inverse).toEqual([{ path: [], op: { type: 'tree/delete', id } }]);
    expect(rec.last.patches).toEqual([{ op: 'add', path: '/0/children/1', value: { id, value: 'x', children: [] } }]);
    expect(tree.children(A)).toEqual([B, id, expect.any(String)]);
  });

  it('refuses inserts under unknown parents or outside the siblings', () => {
    const { tree, A } = sample();
    refused(tree, 'not_found', () => tree.insert('nope', 0, 'x'), true);
    refused(tree, 'not_found', () => tree.apply({ type: 'tree/insert', id: 'n', parent: 'nope', key: 'a0', value: 1 }, ctx), true);
    refused(tree, 'out_of_range', () => tree.insert(A, 3, 'x'), true);
    refused(tree, 'duplicate_id', () => tree.apply({ type: 'tree/insert', id: A, parent: null, key: 'a0', value: 1 }, ctx), true);
    refused(tree, 'invalid_op', () => tree.apply({ type: 'tree/insert', id: 'a b', parent: null, key: 'a0', value: 1 }, ctx));
    refused(tree, 'invalid_op', () => tree.apply({ type: 'tree/insert', id: 'n', parent: 'a b', key: 'a0', value: 1 }, ctx));
    refused(tree, 'invalid_op', () => tree.apply({ type: 'tree/insert', id: 'n', parent: null, key: 'b0', value: 1 }, ctx));
    refused(tree, 'invalid_op', () => tree.apply({ type: 'tree/prune', id: A }, ctx));
    refused(tree, 'invalid_value', () => tree.apply({ type: 'tree/insert', id: 'n', parent: A, key: 'a0', value: NaN }, ctx));
  });

  it('moves nodes with their subtrees, within and across parents', () => {
    const { tree, rec, A, B, C, D, E } = sample();
    const before = tree.snapshot();
    tree.move(B, A, 1);
    expect(tree.children(A)).toEqual([C, B]);
    expect(rec.last.patches).toEqual([{ op: 'move', from: '/0/children/0', path: '/0/children/1' }]);
    tree.move(B, E, 0);
    expect(tree.children(A)).toEqual([C]);
    expect(tree.children(E)).toEqual([B]);
    expect(tree.parent(D)).toBe(B);
    // across parents: remove + add (fast-json-patch resolves a move's target before the removal)
    expect(rec.last.patches).toEqual([
      { op: 'remove', path: '/0/children/1' },
      { op: 'add', path: '/1/children/0', value: view(B, 'B', [view(D, 'D')]) },
    ]);
    tree.move(D, null, 0);
    expect(tree.children(null)).toEqual([D, A, E]);
    expect(rec.last.effects[0]?.op).toEqual({ type: 'tree/move', id: D, parent: null, key: expect.any(String) });
    expect(rec.last.inverse[0]?.op).toEqual({ type: 'tree/move', id: D, parent: B, key: expect.any(String) });
    for (const step of [...rec.steps].reverse().slice(0, 3)) for (const t of step.inverse) tree.apply(t.op, ctx);
    expect(tree.snapshot()).toEqual(before);
  });

  it('refuses moves that would make a cycle', () => {
    const { tree, A, B, D } = sample();
    refused(tree, 'cycle', () => tree.move(A, A, 0), true);
    refused(tree, 'cycle', () => tree.move(A, D, 0), true);
    refused(tree, 'cycle', () => tree.apply({ type: 'tree/move', id: B, parent: D, key: 'a0' }, ctx), true);
    refused(tree, 'cycle', () => tree.apply({ type: 'tree/move', id: B, parent: B, key: 'a0' }, ctx), true);
    refused(tree, 'not_found', () => tree.move('nope', null, 0), true);
    refused(tree, 'not_found', () => tree.move(B, 'nope', 0), true);
    refused(tree, 'not_found', () => tree.apply({ type: 'tree/move', id: B, parent: 'nope', key: 'a0' }, ctx), true);
    refused(tree, 'out_of_range', () => tree.move(B, null, 3), true);
    refused(tree, 'invalid_op', () => tree.apply({ type: 'tree/move', id: B, parent: null, key: '' }, ctx));
  });

  it('deletes whole subtrees; the inverse rebuilds them parents first', () => {
    const { tree, rec, A, B, C, D, E } = sample();
    const before = tree.snapshot();
    tree.delete(A);
    expect(tree.size).toBe(1);
    expect([A, B, C, D].some((id) => tree.has(id))).toBe(false);
    expect(tree.children(null)).toEqual([E]);
    expect(rec.last.patches).toEqual([{ op: 'remove', path: '/0' }]);
    expect(rec.last.inverse.map((t) => (t.op as unknown as { id: string }).id)).toEqual([A, B, C, D]);
    for (const t of rec.last.inverse) tree.apply(t.op, ctx);
    expect(tree.snapshot()).toEqual(before);
    refused(tree, 'not_found', () => tree.delete('nope'), true);
    refused(tree, 'not_found', () => tree.children('nope'), true);
  });

  it('publishes an op schema that ajv compiles in strict mode', () => {
    const ok: Op[] = [
      { type: 'tree/insert', id: 'a', parent: null, key: 'a0', value: [1] },
      { type: 'tree/insert', id: 'a', parent: 'b', key: 'a0', snapshot: 1 },
      { type: 'tree/move', id: 'a', parent: null, key: 'a0' },
      { type: 'tree/delete', id: 'a' },
    ];
    for (const op of ok) assertSchema(new Tree().opSchema, op, 'invalid_op', 'op');
    const bad: unknown[] = [
      { type: 'tree/insert', id: 'a', key: 'a0', value: 1 },
      { type: 'tree/insert', id: 'a', parent: 'b c', key: 'a0', value: 1 },
      { type: 'tree/insert', id: 'a', parent: 3, key: 'a0', value: 1 },
      { type: 'tree/move', id: 'a', parent: null },
      { type: 'tree/delete', id: 'a', parent: null },
    ];
    for (const op of bad) expect(() => assertSchema(treeOpSchema, op, 'invalid_op', 'op')).toThrow(LockstepError);
  });

  it('snapshots and loads, validating every entry', () => {
    const { tree } = sample();
    const copy = new Tree<string>();
    copy.load(JSON.parse(JSON.stringify(tree.snapshot())));
    expect(copy.snapshot()).toEqual(tree.snapshot());
    expect(copy.toJSON()).toEqual(tree.toJSON());
    const bad: unknown[] = [
      {},
      [['a', null, 'a0']],
      [['a b', null, 'a0', 1]],
      [['a', null, 'a0', 1], ['a', null, 'a1', 1]],
      [['b', 'a', 'a0', 1], ['a', null, 'a0', 1]],
      [['a', 'a', 'a0', 1]],
      [['a', null, 'a00', 1]],
      [['a', null, 'a0', undefined]],
    ];
    for (const s of bad) refused(copy, 'invalid_snapshot', () => copy.load(s));
  });

  it('initialises from a JSON view, with or without ids', () => {
    const tree = new Tree<string>();
    tree.init([{ value: 'r', children: [{ value: 'c1' }, { id: 'k', value: 'c2', children: [] }] }, { value: 's' }], ctx);
    const [r, s] = tree.children(null);
    expect(tree.get(r as string)).toBe('r');
    expect(tree.get(s as string)).toBe('s');
    expect(tree.children(r as string)).toEqual([expect.any(String), 'k']);
    const again = new Tree<string>();
    again.init(tree.toJSON(), ctx);
    expect(again.snapshot()).toEqual(tree.snapshot());
    refused(tree, 'invalid_value', () => tree.init({}, ctx), true);
    refused(tree, 'invalid_value', () => tree.init([{ children: [] }], ctx), true);
    refused(tree, 'invalid_value', () => tree.init([{ value: 1, children: {} }], ctx), true);
    refused(tree, 'invalid_value', () => tree.init([{ id: 'x', value: 1 }, { id: 'x', value: 2 }], ctx), true);
    refused(tree, 'invalid_value', () => tree.init([{ value: NaN }], ctx));
  });

  it('holds machines, addressed by node id', () => {
    const tree = Tree.of(Counter);
    const rec = new Recorder(tree);
    const a = tree.insert(null, 0, 1);
    const b = tree.insert(a, 0, 2);
    expect(rec.last.effects[0]?.op).toEqual({ type: 'tree/insert', id: b, parent: a, key: expect.any(String), snapshot: 2 });
    const counter = tree.get(b) as Counter;
    expect(tree.child(b)).toBe(counter);
    expect(counter.owner).toEqual({ parent: tree, segment: b });
    expect(tree.pointer(b)).toEqual(['0', 'children', '0', 'value']);
    tree.delete(a);
    expect(counter.owner).toBe(REMOVED);
    expect(rec.last.inverse.map((t) => t.op)).toEqual([
      { type: 'tree/insert', id: a, parent: null, key: expect.any(String), snapshot: 1 },
      { type: 'tree/insert', id: b, parent: a, key: expect.any(String), snapshot: 2 },
    ]);
    let err: LockstepError | undefined;
    try {
      tree.load([['q', null, 'a0', 'x']]);
    } catch (e) {
      err = e as LockstepError;
    }
    expect(err?.code).toBe('invalid_snapshot');
    expect(err?.details?.path).toEqual(['q']);
    expect(new Tree().child('x')).toBeUndefined();
  });

  it('keeps many children under one parent in order (its speed is measured in bench/)', () => {
    const tree = new Tree<number>();
    new Recorder(tree);
    const root = tree.insert(null, 0, -1);
    for (let i = 0; i < 20_000; i++) tree.insert(root, (i * 7919) % (i + 1), i);
    const kids = tree.children(root);
    expect(kids).toHaveLength(20_000);
    tree.move(kids[19_999] as string, root, 0);
    expect(tree.children(root)[0]).toBe(kids[19_999]);
    expect(tree.pointer(kids[0] as string)).toEqual(['0', 'children', '1', 'value']);
  });
});

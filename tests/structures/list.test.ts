import { applyPatch, deepClone } from 'fast-json-patch';
import { Conflict, LockstepError } from '../../src/errors.js';
import { Counter } from '../../src/structures/counter/Counter.js';
import { keyBetween } from '../../src/structures/fractional.js';
import { List, listOpSchema } from '../../src/structures/list/List.js';
import { REMOVED, type Json, type Op } from '../../src/structures/machine.js';
import { assertSchema } from '../../src/structures/schema.js';
import { ctxOf } from './helpers.js';
import { Recorder } from './recorder.js';

const ctx = ctxOf(1);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as LockstepError).code;
  }
  return 'no error';
}

/** Expects `fn` to throw `code` and leave `list` exactly as it was. */
function refused(list: List<unknown, unknown>, code: string, fn: () => unknown, conflict = false): void {
  const before = list.snapshot();
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(conflict ? Conflict : LockstepError);
  expect((thrown as LockstepError).code).toBe(code);
  expect(list.snapshot()).toEqual(before);
}

function abc(): { list: List<string>; rec: Recorder; ids: string[] } {
  const list = new List<string>();
  const rec = new Recorder(list);
  const ids = ['a', 'b', 'c'].map((v) => list.push(v));
  return { list, rec, ids };
}

describe('List', () => {
  it('pushes, inserts and reads', () => {
    const { list, ids } = abc();
    expect(list.kind).toBe('list');
    expect(list.length).toBe(3);
    expect(list.toJSON()).toEqual(['a', 'b', 'c']);
    const x = list.insert(1, 'x');
    const front = list.insert(0, 'front');
    expect([...list]).toEqual(['front', 'a', 'x', 'b', 'c']);
    expect(list.ids()).toEqual([front, ids[0], x, ids[1], ids[2]]);
    expect(list.get(x)).toBe('x');
    expect(list.get('nope')).toBeUndefined();
    expect(list.at(2)).toBe('x');
    expect(list.at(-1)).toBe('c');
    expect(list.at(5)).toBeUndefined();
    expect(list.at(1.5)).toBeUndefined();
    expect(list.indexOf(x)).toBe(2);
    expect(list.indexOf('nope')).toBe(-1);
    expect(list.has(x)).toBe(true);
    expect(list.has('nope')).toBe(false);
  });

  it('makes ids from the running transition, so replicas agree', () => {
    const a = new List<number>();
    const b = new List<number>();
    for (const list of [a, b]) {
      const rec = new Recorder(list, 5);
      rec.running = rec.ctx; // as inside a @transition method
      list.push(1);
    }
    expect(a.snapshot()).toEqual(b.snapshot());
  });

  it('refuses insert positions outside the list', () => {
    const { list } = abc();
    refused(list, 'out_of_range', () => list.insert(4, 'x'), true);
    refused(list, 'out_of_range', () => list.insert(-1, 'x'), true);
    refused(list, 'out_of_range', () => list.insert(0.5, 'x'), true);
  });

  it('deletes, with an inverse that restores id, key and value', () => {
    const { list, rec, ids } = abc();
    const before = list.snapshot();
    list.delete(ids[1] as string);
    expect(list.toJSON()).toEqual(['a', 'c']);
    expect(rec.last.effects).toEqual([{ path: [], op: { type: 'list/delete', id: ids[1] } }]);
    expect(rec.last.patches).toEqual([{ op: 'remove', path: '/1' }]);
    const [undo] = rec.last.inverse;
    expect(undo?.op).toEqual({ type: 'list/insert', id: ids[1], key: (before as Json[][])[1]?.[1], value: 'b' });
    list.apply(undo!.op, ctx);
    expect(list.snapshot()).toEqual(before);
  });

  it('moves, with an inverse that moves back', () => {
    const { list, rec, ids } = abc();
    const before = list.snapshot();
    list.move(ids[0] as string, 2);
    expect(list.toJSON()).toEqual(['b', 'c', 'a']);
    expect(rec.last.patches).toEqual([{ op: 'move', from: '/0', path: '/2' }]);
    list.move(ids[0] as string, 1);
    expect(list.toJSON()).toEqual(['b', 'a', 'c']);
    list.move(ids[2] as string, 0);
    expect(list.toJSON()).toEqual(['c', 'b', 'a']);
    list.move(ids[2] as string, 0);
    expect(list.toJSON()).toEqual(['c', 'b', 'a']);
    for (const step of [...rec.steps].reverse().slice(0, 4)) for (const t of step.inverse) list.apply(t.op, ctx);
    expect(list.snapshot()).toEqual(before);
    refused(list, 'out_of_range', () => list.move(ids[0] as string, 3), true);
    refused(list, 'not_found', () => list.move('nope', 0), true);
  });

  it('reports add patches at the final index', () => {
    const { list, rec } = abc();
    list.insert(1, 'x');
    expect(rec.last.patches).toEqual([{ op: 'add', path: '/1', value: 'x' }]);
  });

  it('refuses conflicts and malformed ops, changing nothing', () => {
    const { list, ids } = abc();
    const id = ids[0] as string;
    refused(list, 'duplicate_id', () => list.apply({ type: 'list/insert', id, key: 'a5', value: 1 }, ctx), true);
    refused(list, 'not_found', () => list.apply({ type: 'list/delete', id: 'zzz' }, ctx), true);
    refused(list, 'not_found', () => list.apply({ type: 'list/move', id: 'zzz', key: 'a5' }, ctx), true);
    refused(list, 'not_found', () => list.delete('zzz'), true);
    refused(list, 'invalid_op', () => list.apply({ type: 'list/insert', id: 'bad id', key: 'a5', value: 1 }, ctx));
    refused(list, 'invalid_op', () => list.apply({ type: 'list/insert', id: 'n', key: 'a50', value: 1 }, ctx));
    refused(list, 'invalid_op', () => list.apply({ type: 'list/move', id, key: '!' }, ctx));
    refused(list, 'invalid_op', () => list.apply({ type: 'list/delete', id: 5 }, ctx));
    refused(list, 'invalid_op', () => list.apply({ type: 'list/clear' }, ctx));
    refused(list, 'invalid_value', () => list.apply({ type: 'list/insert', id: 'n', key: 'a5', value: NaN }, ctx));
    refused(list, 'invalid_value', () => list.apply({ type: 'list/insert', id: 'n', key: 'a5', value: { f: () => 1 } }, ctx));
    refused(list, 'invalid_value', () => list.apply({ type: 'list/insert', id: 'n', key: 'a5' }, ctx));
  });

  it('publishes an op schema that ajv compiles in strict mode', () => {
    const ok: Op[] = [
      { type: 'list/insert', id: 'a', key: 'a0', value: { x: [1] } },
      { type: 'list/insert', id: 'a', key: 'a0', snapshot: 3 },
      { type: 'list/delete', id: 'a' },
      { type: 'list/move', id: 'a_-9', key: 'a0V' },
    ];
    for (const op of ok) assertSchema(new List().opSchema, op, 'invalid_op', 'op');
    const bad: unknown[] = [
      { type: 'list/insert', id: 'a', key: 'a0' },
      { type: 'list/insert', id: 'a', key: 'a0', value: 1, snapshot: 1 },
      { type: 'list/insert', id: 'a b', key: 'a0', value: 1 },
      { type: 'list/insert', id: 'a', key: 'a 0', value: 1 },
      { type: 'list/delete', id: 'a', extra: 1 },
      { type: 'list/move', id: 'a' },
      { type: 'list/nope', id: 'a' },
      null,
      [],
    ];
    for (const op of bad) expect(codeOf(() => assertSchema(listOpSchema, op, 'invalid_op', 'op'))).toBe('invalid_op');
  });

  it('stores JSON items as frozen copies', () => {
    const value = { deep: [1, 2] };
    const list = new List<{ deep: number[] }>();
    const id = list.push(value);
    value.deep.push(3);
    expect(list.get(id)).toEqual({ deep: [1, 2] });
    expect(Object.isFrozen(list.get(id))).toBe(true);
  });

  it('places an insert between neighbours that share a key', () => {
    const list = new List<string>();
    const rec = new Recorder(list);
    list.apply({ type: 'list/insert', id: 'P', key: 'a0', value: 'p' }, ctx);
    list.apply({ type: 'list/insert', id: 'R', key: 'a0', value: 'r' }, ctx);
    list.apply({ type: 'list/insert', id: 'T', key: 'a0', value: 't' }, ctx);
    const id = list.insert(1, 'q');
    expect(list.toJSON()).toEqual(['p', 'q', 'r', 't']);
    // Same key as its neighbours: the new id sorts between theirs (a random one that does not is prefixed with 'P').
    expect('P' < id && id < 'R').toBe(true);
    expect((rec.last.op as unknown as { key: string }).key).toBe('a0');
    list.move('T', 1);
    // T cannot sort between P and P… with key a0: it goes right after the equal keys
    expect(list.toJSON()).toEqual(['p', 'q', 'r', 't']);
    list.move('P', 2);
    expect(list.toJSON()).toEqual(['q', 'r', 'p', 't']);
  });

  it('falls back to right after the run when no id fits between', () => {
    const list = new List<string>();
    new Recorder(list);
    list.apply({ type: 'list/insert', id: 'x', key: 'a0', value: 'x' }, ctx);
    list.apply({ type: 'list/insert', id: 'x-', key: 'a0', value: 'x-' }, ctx);
    list.apply({ type: 'list/insert', id: 'y', key: 'a1', value: 'y' }, ctx);
    list.insert(1, 'new');
    expect(list.toJSON()).toEqual(['x', 'x-', 'new', 'y']);
  });

  it('snapshots and loads, validating every entry', () => {
    const { list } = abc();
    const copy = new List<string>();
    copy.load(JSON.parse(JSON.stringify(list.snapshot())));
    expect(copy.snapshot()).toEqual(list.snapshot());
    expect(copy.toJSON()).toEqual(['a', 'b', 'c']);
    const bad: unknown[] = [
      {},
      [['a', 'a0']],
      [[1, 'a0', 'x']],
      [['a', 'a00', 'x']],
      [['a', 'a0', 'x'], ['a', 'a1', 'y']],
      [['b', 'a1', 'x'], ['a', 'a0', 'y']],
      [['a', 'a0', undefined]],
    ];
    for (const s of bad) refused(copy, 'invalid_snapshot', () => copy.load(s));
    expect(() => copy.load([['a', 'a0', undefined]])).toThrow(/at \/a: item/);
  });

  it('initialises from a JSON view with fresh, increasing keys', () => {
    const list = new List<number>();
    list.init([3, 1, 2], ctxOf(9));
    expect(list.toJSON()).toEqual([3, 1, 2]);
    const other = new List<number>();
    other.init([3, 1, 2], ctxOf(9));
    expect(other.snapshot()).toEqual(list.snapshot());
    refused(list, 'invalid_value', () => list.init({}, ctx), true);
    refused(list, 'invalid_value', () => list.init([1, NaN], ctx));
  });

  describe('of machines', () => {
    it('holds machines, addressed by id and pointed at by index', () => {
      const list = List.of(Counter);
      const rec = new Recorder(list);
      const a = list.push(1);
      const b = list.insert(0, 2);
      expect(rec.last.effects[0]?.op).toEqual({ type: 'list/insert', id: b, key: expect.any(String), snapshot: 2 });
      expect(rec.last.patches).toEqual([{ op: 'add', path: '/0', value: 2 }]);
      const counter = list.get(a) as Counter;
      expect(counter).toBeInstanceOf(Counter);
      expect(list.child(a)).toBe(counter);
      expect(counter.owner).toEqual({ parent: list, segment: a });
      expect(list.pointer(a)).toEqual(['1']);
      expect(list.toJSON()).toEqual([2, 1]);
      list.delete(a);
      expect(counter.owner).toBe(REMOVED);
      expect(rec.last.inverse[0]?.op).toEqual({ type: 'list/insert', id: a, key: expect.any(String), snapshot: 1 });
      expect(list.child('nope')).toBeUndefined();
      expect(new List<number>().child('x')).toBeUndefined();
    });

    it('loads items from snapshots and names the item of a bad one', () => {
      const list = List.of(() => new Counter({ min: 0 }));
      list.apply({ type: 'list/insert', id: 'k', key: 'a0', snapshot: 4 }, ctx);
      expect(list.toJSON()).toEqual([4]);
      refused(list, 'invalid_snapshot', () => list.apply({ type: 'list/insert', id: 'm', key: 'a1', snapshot: -1 }, ctx));
      refused(list, 'out_of_range', () => list.apply({ type: 'list/insert', id: 'm', key: 'a1', value: -1 }, ctx), true);
      let err: LockstepError | undefined;
      try {
        list.load([['k', 'a0', 'x']]);
      } catch (e) {
        err = e as LockstepError;
      }
      expect(err?.code).toBe('invalid_snapshot');
      expect(err?.details?.path).toEqual(['k']);
      expect(err?.message).toMatch(/\/k/);
      list.load([['z', 'a0', 7]]);
      expect((list.get('z') as Counter).owner).toEqual({ parent: list, segment: 'z' });
    });

    it('initialises machine items from their JSON views', () => {
      const list = List.of(Counter);
      list.init([1, 2], ctx);
      expect(list.toJSON()).toEqual([1, 2]);
      expect(list.snapshot()).toEqual([
        [expect.any(String), 'a0', 1],
        [expect.any(String), 'a1', 2],
      ]);
      expect(codeOf(() => list.init(['x'], ctx))).toBe('invalid_value');
      expect(list.toJSON()).toEqual([1, 2]);
    });
  });

  it('turns patches into the next JSON view', () => {
    const { list, rec, ids } = abc();
    let mirror = list.toJSON();
    const check = (): void => {
      mirror = applyPatch(deepClone(mirror), rec.last.patches, true).newDocument;
      expect(mirror).toEqual(list.toJSON());
    };
    list.insert(2, 'y');
    check();
    list.move(ids[2] as string, 0);
    check();
    list.delete(ids[0] as string);
    check();
  });

  it('accepts keys from keyBetween for raw ops', () => {
    const list = new List<number>();
    list.apply({ type: 'list/insert', id: 'one', key: keyBetween(null, null), value: 1 }, ctx);
    expect(list.toJSON()).toEqual([1]);
  });
});

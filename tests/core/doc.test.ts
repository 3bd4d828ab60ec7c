import * as L from '../../src/index.js';
import { Todo } from '../fixtures/Todo.js';
import { applyPatch, deepClone } from 'fast-json-patch';

@L.stateMachine()
class Board {
  @L.field() score = new L.Counter({ min: 0, max: 10 });
  @L.field() tags = new L.Map<number>();
  @L.field() people = L.Map.of(Todo);

  @L.transition({ args: [{ type: 'integer' }] })
  bump(n: number) {
    this.score.add(n);
    this.tags.set('bumped', n);
    if (n > 5) throw new L.Conflict('out_of_range', 'too big a bump');
  }

  @L.transition()
  stamp() {
    this.tags.set('t', L.context().time);
    this.tags.set('r', Math.floor(L.context().random() * 1000));
  }
}

describe('Doc', () => {
  it('applies mutations made on the live state and reports them with patches', () => {
    const doc = new L.Doc(Board);
    const seen: L.DocChange[] = [];
    let mirror = doc.toJSON();
    doc.subscribe((c) => {
      seen.push(c);
      mirror = applyPatch(deepClone(mirror), c.patches, true, true, false).newDocument;
    });
    doc.state.score.add(3);
    doc.state.tags.set('constructor', 1);
    doc.state.people.set('ann', { title: 'hello' });
    doc.state.people.get('ann')!.done.set(true);
    expect(doc.toJSON()).toEqual(mirror);
    expect(doc.state.score.value).toBe(3);
    expect(doc.state.tags.get('constructor')).toBe(1);
    expect(seen.map((c) => c.effects[0]!.path)).toEqual([['score'], ['tags'], ['people'], ['people', 'ann', 'done']]);
  });

  it('keeps __proto__ keys as plain data', () => {
    const doc = new L.Doc(Board);
    doc.state.tags.set('__proto__', 1);
    expect(doc.state.tags.get('__proto__')).toBe(1);
    const json = doc.toJSON() as { tags: object };
    expect(Object.getPrototypeOf(json.tags)).toBe(Object.prototype);
    expect(Object.keys(json.tags)).toEqual(['__proto__']);
    expect(JSON.stringify(json.tags)).toBe('{"__proto__":1}');
    const copy = L.Doc.load(Board, JSON.parse(JSON.stringify(doc.snapshot())));
    expect(copy.state.tags.get('__proto__')).toBe(1);
  });

  it('rolls back every change of a transition method that throws', () => {
    const doc = new L.Doc(Board);
    doc.state.bump(2);
    const before = doc.snapshot();
    expect(() => doc.state.bump(6)).toThrow(L.Conflict);
    expect(doc.snapshot()).toEqual(before);
    expect(() => doc.apply({ path: [], op: { type: 'call', method: 'bump', args: ['x'] } })).toThrow(/argument 0/);
    expect(doc.snapshot()).toEqual(before);
  });

  it('gives transitions a context: time, and a random seeded per version', () => {
    const a = new L.Doc(Board);
    const b = new L.Doc(Board);
    a.apply({ path: [], op: { type: 'call', method: 'stamp', args: [] } }, { time: 42, version: 7 });
    b.apply({ path: [], op: { type: 'call', method: 'stamp', args: [] } }, { time: 42, version: 7 });
    expect(a.toJSON()).toEqual(b.toJSON());
    expect((a.toJSON() as any).tags.t).toBe(42);
  });

  it('refuses bad input with clear errors and changes nothing', () => {
    const doc = new L.Doc(Board);
    const before = doc.snapshot();
    const bad: Array<[unknown, string]> = [
      [{ path: ['nope'], op: { type: 'counter/add', n: 1 } }, 'not_found'],
      [{ path: ['score'], op: { type: 'counter/add', n: 'x' } }, 'invalid_op'],
      [{ path: ['score'], op: { type: 'counter/add', n: 11 } }, 'out_of_range'],
      [{ path: ['score'], op: { type: 'counter/add', n: NaN } }, 'invalid_op'],
      [{ path: ['people', 'x', 'title'], op: { type: 'atom/set', value: 'y' } }, 'not_found'],
      [{ path: ['people'], op: { type: 'map/set', key: 'p', value: { title: 'x'.repeat(30) } } }, 'invalid_value'],
      [{ path: ['people'], op: { type: 'map/set', key: 'p', value: { nope: 1 } } }, 'invalid_value'],
      [{ path: ['tags'], op: { type: 'map/delete', key: 'constructor' } }, 'not_found'],
      [{ path: [], op: { type: 'call', method: 'constructor', args: [] } }, 'invalid_op'],
      [{ path: 'score', op: { type: 'counter/add', n: 1 } }, 'invalid_op'],
      [null, 'invalid_op'],
    ];
    for (const [t, code] of bad) {
      let err: unknown;
      try {
        doc.apply(t as L.Transition);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(L.LockstepError);
      expect([t, (err as L.LockstepError).code]).toEqual([t, code]);
    }
    expect(doc.snapshot()).toEqual(before);
  });

  it('loads snapshots and names the path of a bad one', () => {
    const doc = new L.Doc(Board);
    doc.state.people.set('ann', { title: 'x' });
    const copy = L.Doc.load(Board, JSON.parse(JSON.stringify(doc.snapshot())));
    expect(copy.snapshot()).toEqual(doc.snapshot());
    const bad = JSON.parse(JSON.stringify(doc.snapshot()));
    bad.people.ann.title = 5;
    expect(() => L.Doc.load(Board, bad)).toThrow(/\/people\/ann\/title/);
  });
});

import * as fc from 'fast-check';
import { Counter } from '../../src/structures/counter/Counter.js';
import { List } from '../../src/structures/list/List.js';
import type { Json } from '../../src/structures/machine.js';
import { fcParams } from './helpers.js';
import { checkLaws } from './laws.js';

/** JSON values without -0 (JSON cannot carry it). */
const jsonArb = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as Json);
// few keys and ids, so ties and duplicate ids are common
const keyArb = fc.constantFrom('a0', 'a1', 'a0V', 'Zz', 'b00', 'a0V1');
const idArb = fc.constantFrom('p', 'q', 'r', 's', 'q-');

type AnyList = List<unknown, unknown>;

const pick = (list: AnyList, n: number): string => list.ids()[n % Math.max(1, list.length)] ?? 'missing';

function actions(value: fc.Arbitrary<unknown>): fc.Arbitrary<((l: AnyList) => void)[]> {
  const action = fc.oneof(
    fc.tuple(fc.nat(), value).map(([at, v]) => (l: AnyList) => void l.insert(at % (l.length + 1), v)),
    fc.tuple(fc.nat(), value).map(([at, v]) => (l: AnyList) => void l.insert(at % (l.length + 2), v)),
    fc.nat().map((n) => (l: AnyList) => l.delete(pick(l, n))),
    fc.tuple(fc.nat(), fc.nat()).map(([n, to]) => (l: AnyList) => l.move(pick(l, n), to % Math.max(1, l.length))),
    fc.tuple(idArb, keyArb, value).map(([id, key, v]) => (l: AnyList) => {
      (l.owner as unknown as { dispatcher: { apply(op: object): void } }).dispatcher.apply({ type: 'list/insert', id, key, value: v });
    }),
    fc.tuple(fc.nat(), keyArb).map(([n, key]) => (l: AnyList) => {
      (l.owner as unknown as { dispatcher: { apply(op: object): void } }).dispatcher.apply({ type: 'list/move', id: pick(l, n), key });
    }),
    idArb.map((id) => (l: AnyList) => l.delete(id)),
  );
  return fc.array(action, { maxLength: 60, size: 'max' });
}

describe('List laws', () => {
  it('hold for JSON items', () => {
    fc.assert(
      fc.property(actions(jsonArb), (acts) => void checkLaws(() => new List() as AnyList, acts)),
      fcParams(150),
    );
  });

  it('hold for machine items', () => {
    fc.assert(
      fc.property(actions(fc.integer({ min: -5, max: 5 })), (acts) => {
        const list = checkLaws(() => List.of(() => new Counter({ min: 0 })) as AnyList, acts);
        for (const id of list.ids()) expect((list.get(id) as Counter).owner).toEqual({ parent: list, segment: id });
      }),
      fcParams(100),
    );
  });

  it('keep order and positions under many random ops', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(3)), { minLength: 500, maxLength: 3000 }), (ops) => {
        const list = new List<number>();
        const model: string[] = [];
        ops.forEach(([a, b, kind], i) => {
          if (kind <= 1 || model.length === 0) {
            const at = a % (model.length + 1);
            model.splice(at, 0, list.insert(at, i));
          } else if (kind === 2) {
            list.delete(model.splice(a % model.length, 1)[0] as string);
          } else {
            const id = model.splice(a % model.length, 1)[0] as string;
            const to = b % (model.length + 1);
            model.splice(to, 0, id);
            list.move(id, to);
          }
        });
        expect(list.ids()).toEqual(model);
        model.forEach((id, i) => expect(list.indexOf(id)).toBe(i));
        list.load(list.snapshot());
        expect(list.ids()).toEqual(model);
      }),
      fcParams(30),
    );
  });
});

import * as fc from 'fast-check';
import { Counter } from '../../src/structures/counter/Counter.js';
import type { Json } from '../../src/structures/machine.js';
import { Tree } from '../../src/structures/tree/Tree.js';
import { fcParams } from './helpers.js';
import { checkLaws } from './laws.js';

/** JSON values without -0 (JSON cannot carry it). */
const jsonArb = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as Json);
// few keys and ids, so ties, duplicate ids and unknown parents are common
const keyArb = fc.constantFrom('a0', 'a1', 'a0V', 'Zz', 'b00');
const idArb = fc.constantFrom('p', 'q', 'r', 's');

type AnyTree = Tree<unknown, unknown>;

/** Every node id, parents first. */
function allIds(tree: AnyTree): string[] {
  const out: string[] = [];
  const visit = (parent: string | null): void => {
    for (const id of tree.children(parent)) {
      out.push(id);
      visit(id);
    }
  };
  visit(null);
  return out;
}

/** A node picked by `n`, or null (the top) when `n` says so or the tree is empty. */
function pickOrTop(tree: AnyTree, n: number): string | null {
  const ids = allIds(tree);
  return n % 5 === 0 || ids.length === 0 ? null : (ids[n % ids.length] as string);
}

const raw = (t: AnyTree, op: object): void => {
  (t.owner as unknown as { dispatcher: { apply(op: object): void } }).dispatcher.apply(op);
};

function actions(value: fc.Arbitrary<unknown>): fc.Arbitrary<((t: AnyTree) => void)[]> {
  const action = fc.oneof(
    fc.tuple(fc.nat(), fc.nat(), value).map(([p, at, v]) => (t: AnyTree) => {
      const parent = pickOrTop(t, p);
      t.insert(parent, at % (t.children(parent).length + 1), v);
    }),
    fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([n, p, at]) => (t: AnyTree) => {
      // may be a cycle, which must be refused
      const id = pickOrTop(t, n * 5 + 1) ?? 'missing';
      const parent = pickOrTop(t, p);
      const siblings = t.children(parent).filter((s) => s !== id).length;
      t.move(id, parent, at % (siblings + 1));
    }),
    fc.nat().map((n) => (t: AnyTree) => t.delete(pickOrTop(t, n * 5 + 1) ?? 'missing')),
    fc.tuple(idArb, fc.nat(), keyArb, value).map(([id, p, key, v]) => (t: AnyTree) => {
      raw(t, { type: 'tree/insert', id, parent: p % 7 === 6 ? 'nope' : pickOrTop(t, p), key, value: v });
    }),
    fc.tuple(fc.nat(), fc.nat(), keyArb).map(([n, p, key]) => (t: AnyTree) => {
      raw(t, { type: 'tree/move', id: pickOrTop(t, n * 5 + 1) ?? 'missing', parent: pickOrTop(t, p), key });
    }),
  );
  return fc.array(action, { maxLength: 50, size: 'max' });
}

describe('Tree laws', () => {
  it('hold for JSON values', () => {
    fc.assert(
      fc.property(actions(jsonArb), (acts) => void checkLaws(() => new Tree() as AnyTree, acts)),
      fcParams(120),
    );
  });

  it('hold for machine values', () => {
    fc.assert(
      fc.property(actions(fc.integer({ min: -5, max: 5 })), (acts) => {
        const tree = checkLaws(() => Tree.of(() => new Counter({ min: 0 })) as AnyTree, acts);
        for (const id of allIds(tree)) expect((tree.get(id) as Counter).owner).toEqual({ parent: tree, segment: id });
      }),
      fcParams(80),
    );
  });

  it('keep sibling order and parents under many random ops', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat(3)), { minLength: 200, maxLength: 1500 }), (ops) => {
        const tree = new Tree<number>();
        // the model: children of each parent ('' for the top)
        const kids = new Map<string, string[]>([['', []]]);
        const parentOf = new Map<string, string>();
        const ids = (): string[] => [...parentOf.keys()];
        const under = (id: string, anc: string): boolean => {
          for (let p: string | undefined = id; p !== undefined && p !== ''; p = parentOf.get(p)) if (p === anc) return true;
          return false;
        };
        ops.forEach(([a, b, c, kind], i) => {
          const all = ids();
          if (kind <= 1 || all.length === 0) {
            const parent = a % 4 === 0 || all.length === 0 ? '' : (all[a % all.length] as string);
            const list = kids.get(parent) as string[];
            const at = b % (list.length + 1);
            const id = tree.insert(parent || null, at, i);
            list.splice(at, 0, id);
            kids.set(id, []);
            parentOf.set(id, parent);
          } else if (kind === 2) {
            const id = all[a % all.length] as string;
            const parent = b % 4 === 0 ? '' : (all[b % all.length] as string);
            if (parent !== '' && under(parent, id)) {
              expect(() => tree.move(id, parent, 0)).toThrow(/cannot move/);
              return;
            }
            const from = kids.get(parentOf.get(id) as string) as string[];
            from.splice(from.indexOf(id), 1);
            const to = kids.get(parent) as string[];
            const at = c % (to.length + 1);
            tree.move(id, parent || null, at);
            to.splice(at, 0, id);
            parentOf.set(id, parent);
          } else {
            const id = all[a % all.length] as string;
            const from = kids.get(parentOf.get(id) as string) as string[];
            from.splice(from.indexOf(id), 1);
            tree.delete(id);
            for (const gone of ids().filter((x) => under(x, id))) parentOf.delete(gone);
          }
        });
        expect(tree.size).toBe(parentOf.size);
        expect(tree.children(null)).toEqual(kids.get(''));
        for (const [id, parent] of parentOf) {
          expect(tree.parent(id)).toBe(parent || null);
          expect(tree.children(id)).toEqual(kids.get(id));
        }
      }),
      fcParams(20),
    );
  });
});

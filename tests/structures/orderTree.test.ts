import * as fc from 'fast-check';
import { MAX, OrderNode, rankOf, type Entry } from '../../src/structures/order/OrderNode.js';
import { OrderTree } from '../../src/structures/order/OrderTree.js';
import { DIGITS } from '../../src/structures/fractional.js';
import { fcParams, seeded } from './helpers.js';

class E implements Entry {
  leaf: OrderNode<Entry> | null = null;
  constructor(
    readonly id: string,
    public key: string,
  ) {}
}

const cmp = (a: E, b: E): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function ok(cond: boolean, what: string): void {
  if (!cond) throw new Error(`invariant broken: ${what}`);
}

/** Checks sizes, ranks, parent and leaf pointers, fan-out, and that every separator holds. */
function checkInvariants(tree: OrderTree<E>): void {
  const root = (tree as unknown as { root: OrderNode<E> }).root;
  ok(root.parent === null, 'root has no parent');
  // `low`: the separator bounding the node from below (null at the very start)
  const visit = (n: OrderNode<E>, low: E | null, high: E | null): number => {
    if (n.items) {
      ok(n.items.length <= MAX, 'leaf fan-out');
      ok(n.ranks.length === n.items.length, 'leaf ranks length');
      n.items.forEach((e, i) => {
        ok(e.leaf === n, 'leaf pointer');
        ok(n.ranks[i] === rankOf(e.key), 'entry rank');
        ok(low === null || cmp(low, e) <= 0, 'entry at or after its separator');
        ok(high === null || cmp(e, high) < 0, 'entry before the next separator');
        ok(i === 0 || cmp(n.items![i - 1] as E, e) < 0, 'leaf order');
      });
      return n.items.length;
    }
    const kids = n.kids as OrderNode<E>[];
    ok(kids.length >= 1 && kids.length <= MAX, 'branch fan-out');
    for (const a of [n.sizes, n.ranks, n.keys, n.ids]) ok(a.length === kids.length, 'branch arrays length');
    const sep = (i: number): E => new E(n.ids[i] as string, n.keys[i] as string);
    let size = 0;
    kids.forEach((k, i) => {
      ok(k.parent === n, 'parent pointer');
      if (i > 0) ok(n.ranks[i] === rankOf(n.keys[i] as string), 'separator rank');
      const below = visit(k, i === 0 ? low : sep(i), i + 1 < kids.length ? sep(i + 1) : high);
      ok(n.sizes[i] === below, 'child size');
      size += below;
    });
    return size;
  };
  ok(visit(root, null, null) === tree.size, 'count');
}

function checkAgainst(tree: OrderTree<E>, model: E[]): void {
  expect(tree.size).toBe(model.length);
  expect([...tree]).toEqual(model);
  const seen: E[] = [];
  tree.forEach((e) => seen.push(e));
  expect(seen).toEqual(model);
  model.forEach((e, i) => {
    ok(tree.at(i) === e, `at(${i})`);
    ok(tree.indexOf(e) === i, `indexOf(${i})`);
  });
  checkInvariants(tree);
}

describe('OrderTree', () => {
  it('matches a sorted array under random inserts and removes', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 4000 }), (seed, steps) => {
        const random = seeded(seed);
        const tree = new OrderTree<E>();
        const model: E[] = [];
        for (let s = 0; s < steps; s++) {
          // few distinct keys, so ties broken by id are common
          if (model.length === 0 || random() < 0.6) {
            const e = new E(`i${s}`, `a${DIGITS[Math.floor(random() * 40)]}${['', 'xyzab', 'xyzac1', 'xyz'][Math.floor(random() * 4)]}`);
            tree.insert(e);
            model.splice(model.findIndex((m) => cmp(e, m) < 0) >>> 0, 0, e);
            if (model.indexOf(e) === -1 || model.length !== tree.size) throw new Error('bad model');
          } else {
            const e = model.splice(Math.floor(random() * model.length), 1)[0] as E;
            tree.remove(e);
            expect(e.leaf).toBeNull();
          }
        }
        checkAgainst(tree, model);
      }),
      fcParams(40),
    );
  });

  it('builds from sorted entries and shrinks back to nothing', () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => new E(`x${i}`, `a${String(i).padStart(6, '0')}`));
    const tree = OrderTree.fromSorted(entries);
    checkAgainst(tree, entries);
    const random = seeded(3);
    const model = [...entries];
    while (model.length > 0) {
      const e = model.splice(Math.floor(random() * model.length), 1)[0] as E;
      tree.remove(e);
      if (model.length % 2500 === 0) checkAgainst(tree, model);
    }
    expect((tree as unknown as { root: OrderNode<E> }).root.items).toEqual([]);
    expect(OrderTree.fromSorted([]).size).toBe(0);
  });

  it('ranks keys as their first characters sort', () => {
    const keys = ['a0', 'a00001', 'a0001', 'a0V', 'Zz', 'zzzzzzzz', 'A0000', 'b00', 'a0V1'].sort();
    for (let i = 1; i < keys.length; i++) expect(rankOf(keys[i - 1] as string)).toBeLessThanOrEqual(rankOf(keys[i] as string));
    expect(rankOf('zzzzz')).toBeLessThan(2 ** 31);
    expect(rankOf('a0V')).toBeLessThan(rankOf('a0W'));
    expect(rankOf('a0VVVV1')).toBe(rankOf('a0VVVV2'));
  });

  it('keeps appends and prepends shallow', () => {
    const tree = new OrderTree<E>();
    for (let i = 0; i < 50_000; i++) tree.insert(new E(`i${i}`, `b${String(i).padStart(6, '0')}`));
    for (let i = 0; i < 50_000; i++) tree.insert(new E(`j${i}`, `a${String(50_000 - i).padStart(6, '0')}`));
    let depth = 0;
    for (let n = (tree as unknown as { root: OrderNode<E> }).root; n.kids; n = n.kids[0] as OrderNode<E>) depth++;
    expect(depth).toBeLessThanOrEqual(4);
    checkInvariants(tree);
    expect(tree.at(0).id).toBe('j49999');
    expect(tree.at(99_999).id).toBe('i49999');
  });
});

/**
 * Rope against a plain-string model: random edits (small and large, inside one leaf and across
 * many) keep the text and the tree invariants; both editing traces replay exactly.
 */
import fc from 'fast-check';
import { Rope } from '../../src/structures/text/Rope.js';
import { BRANCH_MAX, BRANCH_MIN, LEAF_MAX, LEAF_MIN } from '../../src/structures/text/RopeNode.js';
import { textType, type TextOp } from '../../src/structures/text/ot/textType.js';
import { loadTrace, TRACES } from './traces.js';

interface Node {
  len: number;
  head: string;
  tail: string;
  kids: Node[] | null;
  parent: Node | null;
}

/** Fails with a short message (not a megabyte diff) when two strings differ. */
function same(actual: string, expected: string): void {
  if (actual === expected) return;
  let i = 0;
  while (actual[i] === expected[i]) i++;
  throw new Error(`strings differ at ${i} (lengths ${actual.length}, ${expected.length})`);
}

/** The text held by the rope's leaves (not its cached string, which a refusal puts back). */
function leafText(rope: Rope): string {
  const out: string[] = [];
  const walk = (n: Node): void => {
    if (n.kids === null) out.push(n.head + n.tail);
    else n.kids.forEach(walk);
  };
  walk((rope as unknown as { root: Node }).root);
  return out.join('');
}

/** Checks the B+tree invariants through the rope's private root (plain checks: it runs often). */
function checkTree(rope: Rope): void {
  const root = (rope as unknown as { root: Node }).root;
  const fail = (what: string): never => {
    throw new Error(`rope invariant broken: ${what}`);
  };
  if (root.parent !== null) fail('the root has a parent');
  let depth = -1;
  const walk = (n: Node, level: number, isRoot: boolean): number => {
    if (n.kids === null) {
      if (depth < 0) depth = level;
      if (level !== depth) fail('leaves at different depths');
      if (n.len !== n.head.length + n.tail.length) fail('leaf length');
      if ((!isRoot && n.len < LEAF_MIN) || n.len > LEAF_MAX) fail(`leaf of ${n.len}`);
      return n.len;
    }
    if (n.kids.length < (isRoot ? 2 : BRANCH_MIN) || n.kids.length > BRANCH_MAX) fail(`branch of ${n.kids.length}`);
    let sum = 0;
    for (const k of n.kids) {
      if (k.parent !== n) fail('parent pointer');
      sum += walk(k, level + 1, false);
    }
    if (n.len !== sum) fail('branch length');
    return sum;
  };
  walk(root, 0, true);
}

const chunk = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20000 }).map((n) => 'xyz'.repeat(n).slice(0, n)) },
);
const edit = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  del: fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 4 }) }, { weight: 1, arbitrary: fc.nat({ max: 30000 }) }),
  ins: fc.option(chunk, { nil: '' }),
});

test('random edits match a string model and keep the tree balanced', () => {
  fc.assert(
    fc.property(fc.nat({ max: 40000 }), fc.array(edit, { maxLength: 40 }), (size, edits) => {
      let model = 'abcdefghij'.repeat(Math.ceil(size / 10)).slice(0, size);
      const rope = new Rope(model);
      checkTree(rope);
      for (const { at, del, ins } of edits) {
        const pos = Math.floor(at * model.length);
        const n = Math.min(del, model.length - pos);
        same(rope.delete(pos, n), model.slice(pos, pos + n));
        rope.insert(pos, ins);
        model = model.slice(0, pos) + model.slice(pos + n);
        model = model.slice(0, pos) + ins + model.slice(pos);
        expect(rope.length).toBe(model.length);
        const from = Math.floor(at * at * model.length);
        expect(rope.slice(from, from + 700)).toBe(model.slice(from, from + 700));
        expect(rope.charCodeAt(pos)).toBe(model.charCodeAt(pos));
        checkTree(rope);
      }
      same(rope.toString(), model);
    }),
    { numRuns: 100 },
  );
});

test('a three-level tree survives growing and being emptied', () => {
  const rope = new Rope();
  const big = 'x'.repeat(700_000);
  rope.insert(0, big);
  rope.insert(350_000, 'middle');
  checkTree(rope);
  expect(rope.slice(349_998, 350_008)).toBe('xxmiddlexx');
  same(rope.delete(1, 700_000), big.slice(1, 350_000) + 'middle' + big.slice(350_000, 699_995));
  expect(rope.toString()).toBe('xxxxxx');
  expect(rope.delete(0, 6)).toBe('xxxxxx');
  expect(rope.length).toBe(0);
  checkTree(rope);
});

test('applyOp returns the op with deletes in content form and fills in its inverse', () => {
  const rope = new Rope('hello world');
  const op: TextOp = [1, 'a', { d: 3 }, 2, { d: 'wo' }];
  const inverse: TextOp = new Array(op.length);
  expect(rope.applyOp(op, inverse)).toEqual([1, 'a', { d: 'ell' }, 2, { d: 'wo' }]);
  expect(rope.toString()).toBe(textType.apply('hello world', op));
  expect(inverse).toEqual([1, 'ell', { d: 'a' }, 2, 'wo']);
});

describe('applyOp against textType.apply (which checks with checkOn first)', () => {
  // Ops over UTF-16 code units, so they may cut surrogate pairs; content deletes may be wrong.
  const units = ['a', 'b', '😀', 'e\u0301', '𝄞'];
  const doc = fc.array(fc.constantFrom(...units), { maxLength: 12 }).map((a) => a.join(''));
  const component = fc.oneof(
    fc.integer({ min: 1, max: 4 }),
    fc.array(fc.constantFrom(...units), { minLength: 1, maxLength: 2 }).map((a) => a.join('')),
    fc.integer({ min: 1, max: 4 }).map((d) => ({ d })),
    fc.array(fc.constantFrom(...units), { minLength: 1, maxLength: 2 }).map((a) => ({ d: a.join('') })),
  );
  const refusal = (fn: () => unknown): string | null => {
    try {
      fn();
      return null;
    } catch (err) {
      return `${(err as { code?: string }).code}: ${(err as Error).message}`;
    }
  };

  test('same result or same refusal, the rope unchanged by a refusal, and the exact inverse', () => {
    fc.assert(
      fc.property(doc, fc.array(component, { minLength: 1, maxLength: 6 }), (start, raw) => {
        const op = textType.normalize(raw);
        fc.pre(op.length > 0 && refusal(() => textType.checkOp(op, start.length)) === null);
        const rope = new Rope(start);
        let expected = '';
        const refused = refusal(() => (expected = textType.apply(start, op)));
        const inverse: TextOp = new Array(op.length);
        let done: TextOp = [];
        expect(refusal(() => (done = rope.applyOp(op, inverse)))).toBe(refused);
        if (refused !== null) {
          expect(leafText(rope)).toBe(start);
          expect(rope.toString()).toBe(start);
          checkTree(rope);
          return;
        }
        expect(rope.toString()).toBe(expected);
        expect(textType.apply(start, done)).toBe(expected);
        expect(inverse).toEqual(textType.invert(done));
        expect(rope.applyOp(inverse, new Array(inverse.length))).toEqual(inverse);
        expect(rope.toString()).toBe(start);
      }),
      { numRuns: 2000 },
    );
  });

  test('on texts of many leaves: edits across leaves and pairs on leaf boundaries, content deletes that match or not', () => {
    // Steps walk the text: retains, inserts and deletes of up to 700 code units (so they may
    // cut pairs); a content delete takes its text from the document, sometimes changed.
    const step = fc.record({ kind: fc.constantFrom('retain', 'insert', 'delete', 'content'), n: fc.integer({ min: 1, max: 700 }), wrong: fc.boolean() });
    const bigDoc = fc.array(fc.constantFrom(...units), { minLength: 100, maxLength: 900 }).map((a) => a.join(''));
    fc.assert(
      fc.property(bigDoc, fc.array(step, { minLength: 1, maxLength: 6 }), (start, steps) => {
        const raw: TextOp = [];
        let at = 0;
        for (const { kind, n, wrong } of steps) {
          const take = Math.min(n, start.length - at);
          if (kind === 'insert') raw.push('xy😀'.repeat(Math.ceil(n / 4)).slice(0, n - (n % 4 === 3 ? 1 : 0)) || 'x');
          else if (take === 0) continue;
          else if (kind === 'retain') raw.push(take);
          else if (kind === 'delete') raw.push({ d: take });
          else {
            const text = start.slice(at, at + take);
            raw.push({ d: wrong ? `${text.slice(0, -1)}#` : text });
          }
          if (kind !== 'insert') at += take;
        }
        let op: TextOp = [];
        fc.pre(raw.length > 0 && refusal(() => (op = textType.normalize(raw))) === null && refusal(() => textType.checkOp(op, start.length)) === null);
        const rope = new Rope(start);
        let expected = '';
        const refused = refusal(() => (expected = textType.apply(start, op)));
        const inverse: TextOp = new Array(op.length).fill('stale'); // leftovers must not matter
        let done: TextOp = [];
        expect(refusal(() => (done = rope.applyOp(op, inverse)))).toBe(refused);
        checkTree(rope);
        if (refused !== null) {
          same(leafText(rope), start);
          same(rope.toString(), start);
          return;
        }
        same(rope.toString(), expected);
        expect(inverse).toEqual(textType.invert(done));
        rope.applyOp(inverse, new Array(inverse.length));
        same(rope.toString(), start);
        checkTree(rope);
      }),
      { numRuns: 400 },
    );
  });
});

describe.each(TRACES)('trace %s', (name) => {
  const trace = loadTrace(name);
  test('replays through the bare rope to endContent', () => {
    const rope = new Rope(trace.startContent);
    for (const { patches } of trace.txns) {
      for (const [pos, del, ins] of patches) {
        if (del) rope.delete(pos, del);
        if (ins) rope.insert(pos, ins);
      }
    }
    same(rope.toString(), trace.endContent);
    checkTree(rope);
  });

  test('replays as ops through applyOp to endContent', () => {
    const rope = new Rope(trace.startContent);
    for (const { patches } of trace.txns) {
      for (const [pos, del, ins] of patches) {
        const op: TextOp = [];
        if (pos) op.push(pos);
        if (ins) op.push(ins);
        if (del) op.push({ d: del });
        rope.applyOp(op, new Array(op.length));
      }
    }
    same(rope.toString(), trace.endContent);
  });
});

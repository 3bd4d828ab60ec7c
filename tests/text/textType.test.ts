/** Laws of the text OT type (TP1, compose, invert, transformPosition, normalize), on BMP and astral text. */
import fc from 'fast-check';
import { textType, type TextOp } from '../../src/structures/text/ot/textType.js';
import { ASTRAL, BMP, docAndSequentialOps, docAndTwoOps, opOn, text } from './gen.js';

const runs = { numRuns: 500 };
const { apply, compose, invert, normalize, transform, transformPosition } = textType;

describe.each([
  ['BMP', BMP],
  ['astral', ASTRAL],
])('textType laws on %s text', (_name, chars) => {
  test('TP1: both orders of two concurrent ops converge', () => {
    fc.assert(
      fc.property(docAndTwoOps(chars), ({ doc, a, b }) => {
        const left = apply(apply(doc, a), transform(b, a, 'left'));
        const right = apply(apply(doc, b), transform(a, b, 'right'));
        expect(left).toBe(right);
      }),
      runs,
    );
  });

  test('compose(a, b) applies like a then b', () => {
    fc.assert(
      fc.property(docAndSequentialOps(chars), ({ doc, a, b }) => {
        expect(apply(doc, compose(a, b))).toBe(apply(apply(doc, a), b));
      }),
      runs,
    );
  });

  test('invert undoes an op; invertWithDoc works on count deletes', () => {
    fc.assert(
      fc.property(
        text(chars).chain((doc) => fc.record({ doc: fc.constant(doc), op: opOn(doc, chars, fc.constant(true)) })),
        ({ doc, op }) => {
          expect(apply(apply(doc, op), invert(op))).toBe(doc);
          const counted = op.map((c) => (typeof c === 'object' ? { d: String(c.d).length } : c));
          expect(apply(apply(doc, counted), textType.invertWithDoc(counted, doc))).toBe(doc);
        },
      ),
      runs,
    );
  });

  test('transformPosition agrees with transforming an insert at that position', () => {
    fc.assert(
      fc.property(
        text(chars).chain((doc) =>
          fc.record({ doc: fc.constant(doc), op: opOn(doc, chars), cp: fc.nat({ max: Array.from(doc).length }), stick: fc.boolean() }),
        ),
        ({ doc, op, cp, stick }) => {
          const pos = Array.from(doc).slice(0, cp).join('').length;
          const marker: TextOp = pos ? [pos, '\uE000'] : ['\uE000'];
          const moved = apply(apply(doc, op), transform(marker, op, stick ? 'right' : 'left'));
          expect(transformPosition(pos, op, stick)).toBe(moved.indexOf('\uE000'));
        },
      ),
      runs,
    );
  });

  test('normalize is idempotent and keeps the meaning of an op', () => {
    const raw = fc.array(
      fc.oneof(fc.integer({ min: 1, max: 3 }), text(chars, 3).filter(Boolean), fc.integer({ min: 1, max: 3 }).map((d) => ({ d }))),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(raw, text(chars, 20), (op, doc) => {
        const n = normalize(op);
        expect(normalize(n)).toEqual(n);
        let result: string | null = null;
        try {
          result = apply(doc, op);
        } catch {
          return; // the raw op does not fit this document
        }
        expect(apply(doc, n)).toBe(result);
      }),
      runs,
    );
  });
});

describe('normal form', () => {
  test('merges, reorders an insert before a delete, drops the trailing retain', () => {
    expect(normalize([1, 2, 'a', 'b', { d: 1 }, { d: 2 }, 3])).toEqual([3, 'ab', { d: 3 }]);
    expect(normalize([{ d: 'x' }, 'a', { d: 'y' }, 'b'])).toEqual(['ab', { d: 'xy' }]);
    expect(normalize([{ d: 'x' }, { d: 2 }])).toEqual([{ d: 3 }]);
    expect(textType.isNoop([5])).toBe(true);
    expect(textType.isNoop([5, 'a'])).toBe(false);
  });
});

describe('bad input', () => {
  test('every function refuses malformed ops with invalid_op', () => {
    const bad = [[0], [''], [{ d: 0 }], [{ d: 1, e: 2 }], [-1, 'a'], [1.5], [null], [true], 'abc', [['a']], ['\uD800']];
    for (const op of bad as unknown as TextOp[]) {
      for (const fn of [
        () => textType.apply('abc', op),
        () => textType.compose(op, []),
        () => textType.compose([], op),
        () => textType.transform(op, [], 'left'),
        () => textType.transform([], op, 'right'),
        () => textType.invert(op),
        () => textType.transformPosition(0, op),
        () => textType.isNoop(op),
        () => textType.checkOp(op),
      ]) {
        expect(fn).toThrow(expect.objectContaining({ code: 'invalid_op' }));
      }
    }
  });

  test('ops that do not fit the document are refused', () => {
    expect(() => textType.apply('abc', [4])).toThrow(expect.objectContaining({ code: 'out_of_range' }));
    expect(() => textType.apply('abc', [2, { d: 2 }])).toThrow(expect.objectContaining({ code: 'out_of_range' }));
    expect(() => textType.checkOp([2, { d: 2 }], 3)).toThrow(expect.objectContaining({ code: 'out_of_range' }));
    expect(() => textType.apply('abc', [{ d: 'abd' }])).toThrow(/deletes "abd" at 0 but the text there is "abc"/);
    expect(() => textType.invert([{ d: 2 }])).toThrow(/invertWithDoc/);
    expect(() => textType.transform([], [], 'up' as never)).toThrow(expect.objectContaining({ code: 'invalid_args' }));
    expect(textType.invertWithDoc([1, { d: 1 }, 'x'], 'abc')).toEqual([1, 'b', { d: 'x' }]);
  });
});

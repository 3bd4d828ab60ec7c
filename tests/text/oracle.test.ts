/**
 * Oracle: ot-text-unicode (written elsewhere) agrees with textType on BMP-only text, where its
 * code-point positions equal our UTF-16 ones. Its outputs are brought to our normal form (it
 * does not order an insert before a delete at one place); inputs are in normal form, which is
 * valid for both.
 */
import fc from 'fast-check';
import { type as ot } from 'ot-text-unicode';
import { textType, type TextOp } from '../../src/structures/text/ot/textType.js';
import { BMP, docAndSequentialOps, docAndTwoOps } from './gen.js';

const runs = { numRuns: 1000 };
const clone = (op: TextOp): TextOp => structuredClone(op);

test('apply agrees with ot-text-unicode', () => {
  fc.assert(
    fc.property(docAndTwoOps(BMP), ({ doc, a }) => {
      expect(textType.apply(doc, a)).toBe(ot.apply(doc, clone(a)));
    }),
    runs,
  );
});

test('compose agrees with ot-text-unicode', () => {
  fc.assert(
    fc.property(docAndSequentialOps(BMP), ({ a, b }) => {
      expect(textType.compose(a, b)).toEqual(textType.normalize(ot.compose(clone(a), clone(b))));
    }),
    runs,
  );
});

test('transform agrees with ot-text-unicode on both sides', () => {
  fc.assert(
    fc.property(docAndTwoOps(BMP), fc.constantFrom('left' as const, 'right' as const), ({ a, b }, side) => {
      expect(textType.transform(a, b, side)).toEqual(textType.normalize(ot.transform(clone(a), clone(b), side)));
    }),
    runs,
  );
});

test('transformPosition agrees with ot-text-unicode', () => {
  fc.assert(
    fc.property(docAndTwoOps(BMP), fc.nat({ max: 12 }), ({ doc, a }, p) => {
      const pos = Math.min(p, doc.length);
      expect(textType.transformPosition(pos, a)).toBe(ot.transformPosition(pos, clone(a)));
    }),
    runs,
  );
});

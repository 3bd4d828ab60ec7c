/**
 * fast-check generators for text tests: documents and ops valid on them. Ops are built over
 * whole characters (code points), so they never cut a surrogate pair.
 */
import fc from 'fast-check';
import { textType, type TextOp } from '../../src/structures/text/ot/textType.js';

/** Characters for BMP-only documents (what ot-text-unicode counts the same way). */
export const BMP = ['a', 'b', 'c', 'x', ' ', '\n', 'é', '中'];
/** Characters that stress UTF-16: emoji (pairs), a ZWJ sequence, combining marks. */
export const ASTRAL = ['a', 'b', '😀', '🎉', '👩‍💻', 'e\u0301', '\u0301', '𝄞', '中'];

/** A string of min..max characters from `chars`. */
export function text(chars: string[], max = 12, min = 0): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((a) => a.join(''));
}

/** An op (normal form) valid on `doc`; deletes carry their content when `content`. */
export function opOn(doc: string, chars: string[], content = fc.boolean()): fc.Arbitrary<TextOp> {
  const cps = Array.from(doc);
  const steps = fc.array(
    fc.record({ kind: fc.constantFrom('retain', 'insert', 'delete'), n: fc.integer({ min: 1, max: 3 }), s: text(chars, 3, 1) }),
    { minLength: 1, maxLength: 8 },
  );
  return fc.tuple(steps, content).map(([list, withContent]) => {
    const op: TextOp = [];
    let i = 0;
    for (const { kind, n, s } of list) {
      const take = Math.min(n, cps.length - i);
      const chunk = cps.slice(i, i + take).join('');
      if (kind === 'insert') op.push(s);
      else if (kind === 'retain' && take > 0) op.push(chunk.length);
      else if (kind === 'delete' && take > 0) op.push({ d: withContent ? chunk : chunk.length });
      if (kind !== 'insert') i += take;
    }
    return textType.normalize(op);
  });
}

/** A document and two ops made on it concurrently. */
export function docAndTwoOps(chars: string[]): fc.Arbitrary<{ doc: string; a: TextOp; b: TextOp }> {
  return text(chars, 12).chain((doc) => fc.record({ doc: fc.constant(doc), a: opOn(doc, chars), b: opOn(doc, chars) }));
}

/** A document, an op on it and an op on its result. */
export function docAndSequentialOps(chars: string[]): fc.Arbitrary<{ doc: string; a: TextOp; b: TextOp }> {
  return text(chars, 12).chain((doc) =>
    opOn(doc, chars).chain((a) => fc.record({ doc: fc.constant(doc), a: fc.constant(a), b: opOn(textType.apply(doc, a), chars) })),
  );
}

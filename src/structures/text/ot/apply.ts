/**
 * apply(str, op) for plain strings: the reference implementation (the Rope applies ops to
 * large documents without copying them).
 */
import { LockstepError } from '../../../errors.js';
import { checkOn, validOp } from './checkOp.js';
import { dlen, type TextOp } from './TextOp.js';

/** `doc` changed by `op`; throws (`invalid_op`, `out_of_range`) when `op` does not fit `doc`. */
export function apply(doc: string, op: TextOp): string {
  if (typeof doc !== 'string') throw new LockstepError('invalid_args', `textType.apply needs a string document, got ${typeof doc}`);
  const norm = validOp(op, doc.length);
  checkOn(norm, doc);
  const parts: string[] = [];
  let at = 0;
  for (const c of norm) {
    if (typeof c === 'number') {
      parts.push(doc.slice(at, at + c));
      at += c;
    } else if (typeof c === 'string') parts.push(c);
    else at += dlen(c);
  }
  parts.push(doc.slice(at));
  return parts.join('');
}

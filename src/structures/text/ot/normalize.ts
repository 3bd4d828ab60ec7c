/**
 * Normal form of a text op: adjacent components of one kind merged, inserts before deletes at
 * the same place, no trailing retain. Every function of `textType` returns ops in this form.
 */
import { OpWriter } from './OpWriter.js';
import type { TextOp } from './TextOp.js';

/** A valid op in normal form (a new array; the input is not changed). */
export function normalize(op: TextOp): TextOp {
  const w = new OpWriter();
  for (const c of op) w.push(c);
  return w.done();
}

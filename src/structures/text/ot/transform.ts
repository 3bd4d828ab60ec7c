/**
 * transform(op, other, side): rewrites `op` so it applies after `other`, when both were made
 * on the same document. Where both insert at one place, `side` decides: 'left' puts `op`'s
 * insert first. Text that `other` deleted is not deleted again; inserts `op` made inside a
 * range `other` deleted survive at its start.
 */
import { LockstepError } from '../../../errors.js';
import { validOp } from './checkOp.js';
import { OpReader } from './OpReader.js';
import { OpWriter } from './OpWriter.js';
import { dlen, type TextOp } from './TextOp.js';

/** Which op's insert goes first when both insert at one place: 'left' means `op`'s. */
export type Side = 'left' | 'right';

/** `op` rewritten to apply after `other` (both made on the same document). */
export function transform(op: TextOp, other: TextOp, side: Side): TextOp {
  if (side !== 'left' && side !== 'right') throw new LockstepError('invalid_args', `side must be 'left' or 'right', got ${String(side)}`);
  const r = new OpReader(validOp(op));
  const theirs = validOp(other);
  const w = new OpWriter();
  for (const c of theirs) {
    if (r.peek() === undefined) break;
    if (typeof c === 'string') {
      if (side === 'left' && typeof r.peek() === 'string') w.push(r.take(Infinity, 'insert')!);
      w.retain(c.length);
      continue;
    }
    // A retain of `other` copies `op` over it; a delete of `other` keeps only `op`'s inserts.
    const keep = typeof c === 'number';
    let n = keep ? c : dlen(c);
    while (n > 0) {
      const x = r.take(n, 'insert');
      if (x === null) break;
      if (typeof x === 'string') w.insert(x);
      else {
        n -= typeof x === 'number' ? x : dlen(x);
        if (keep) w.push(x);
      }
    }
  }
  for (let x = r.take(Infinity, 'insert'); x !== null; x = r.take(Infinity, 'insert')) w.push(x);
  return w.done();
}

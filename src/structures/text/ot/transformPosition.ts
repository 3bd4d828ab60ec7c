/**
 * transformPosition(pos, op, stickToEnd): where a cursor at `pos` ends up after `op`. A cursor
 * inside deleted text moves to the start of the deletion (after what the op inserts there); an
 * insert exactly at the cursor goes after it, unless `stickToEnd` is set.
 */
import { validOp } from './checkOp.js';
import { dlen, type TextOp } from './TextOp.js';

/** The position `pos` (a cursor before `op`) maps to after `op`. */
export function transformPosition(pos: number, op: TextOp, stickToEnd = false): number {
  let at = 0;
  let out = pos;
  for (const c of validOp(op)) {
    if (typeof c === 'number') {
      at += c;
      if (at > pos) break;
    } else if (typeof c === 'string') {
      if (at === pos && !stickToEnd) break;
      out += c.length;
    } else {
      if (at >= pos) break;
      const n = dlen(c);
      out -= Math.min(n, pos - at);
      at += n;
    }
  }
  return out;
}

/**
 * invert(op): the op that undoes `op` (inserts become deletes and back). Deletes must carry
 * their content (`{d: 'text'}`); `invertWithDoc` fills it in from the document `op` applies to.
 */
import { LockstepError } from '../../../errors.js';
import { checkOn, validOp } from './checkOp.js';
import { OpWriter } from './OpWriter.js';
import { dlen, type Delete, type TextOp } from './TextOp.js';

/** The op that undoes `op`; `invalid_op` when a delete lacks its content. */
export function invert(op: TextOp): TextOp {
  return inverse(validOp(op));
}

/**
 * `invert` for a valid op in normal form: each insert becomes a delete and each delete an
 * insert, swapped within their place so the result is in normal form too.
 */
function inverse(op: TextOp): TextOp {
  const out: TextOp = new Array(op.length);
  for (let i = 0; i < op.length; i++) {
    const c = op[i]!;
    if (typeof c === 'number') out[i] = c;
    else if (typeof c === 'string') {
      const next = op[i + 1];
      if (next !== undefined && typeof next === 'object') {
        out[i] = undeleted(next);
        out[++i] = { d: c };
      } else out[i] = { d: c };
    } else out[i] = undeleted(c);
  }
  return out;
}

function undeleted(c: Delete): string {
  if (typeof c.d === 'string') return c.d;
  throw new LockstepError('invalid_op', `cannot invert a delete of ${c.d} characters without its content; use invertWithDoc(op, doc) or a {d: 'text'} delete`);
}

/** `op` with every delete in content form `{d: 'text'}`, read from `doc` (which `op` applies to). */
function withContent(op: TextOp, doc: string): TextOp {
  const norm = validOp(op, doc.length);
  checkOn(norm, doc);
  const w = new OpWriter();
  let at = 0;
  for (const c of norm) {
    if (typeof c === 'number') {
      w.retain(c);
      at += c;
    } else if (typeof c === 'string') w.insert(c);
    else {
      const n = dlen(c);
      w.delete(doc.slice(at, at + n));
      at += n;
    }
  }
  return w.done();
}

/** The op that undoes `op` applied to `doc`. */
export function invertWithDoc(op: TextOp, doc: string): TextOp {
  return invert(withContent(op, doc));
}

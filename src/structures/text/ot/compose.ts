/**
 * compose(a, b): one op with the effect of applying `a`, then `b`. Text that `a` inserts and
 * `b` deletes vanishes; deletes keep their content when both sides carry it.
 */
import { validOp } from './checkOp.js';
import { OpReader, sliceDelete } from './OpReader.js';
import { OpWriter } from './OpWriter.js';
import { dlen, type TextOp } from './TextOp.js';

/** One op equivalent to applying `a` and then `b`. */
export function compose(a: TextOp, b: TextOp): TextOp {
  const r = new OpReader(validOp(a));
  const second = validOp(b);
  const w = new OpWriter();
  for (const c of second) {
    if (typeof c === 'string') {
      w.insert(c);
    } else if (typeof c === 'number') {
      // `b` keeps what `a` produced here; `a`'s deletes pass through without using it up.
      let n = c;
      while (n > 0) {
        const x = r.take(n, 'delete');
        if (x === null) {
          w.retain(n);
          break;
        }
        w.push(x);
        if (typeof x !== 'object') n -= typeof x === 'number' ? x : x.length;
      }
    } else {
      // `b` deletes what `a` produced here: `a`'s retained text is deleted, its inserts vanish.
      const len = dlen(c);
      let off = 0;
      while (off < len) {
        const x = r.take(len - off, 'delete');
        if (x === null) {
          w.push(sliceDelete(c, off, len));
          break;
        }
        if (typeof x === 'number') {
          w.push(sliceDelete(c, off, off + x));
          off += x;
        } else if (typeof x === 'string') off += x.length;
        else w.push(x);
      }
    }
  }
  for (let x = r.take(Infinity, 'delete'); x !== null; x = r.take(Infinity, 'delete')) w.push(x);
  return w.done();
}

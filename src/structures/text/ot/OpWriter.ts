/**
 * Builds an op in normalized form while components are appended: adjacent components of one
 * kind are merged, an insert that follows a delete moves in front of it (both happen at the
 * same place), and `done()` drops the trailing retain.
 */
import type { Delete, TextOp } from './TextOp.js';

/** An appender that keeps the op it builds normalized. */
export class OpWriter {
  readonly op: TextOp = [];

  /** Appends any component (zero-length ones are ignored). */
  push(c: number | string | Delete): void {
    if (typeof c === 'number') this.retain(c);
    else if (typeof c === 'string') this.insert(c);
    else this.delete(c.d);
  }

  retain(n: number): void {
    if (n <= 0) return;
    const op = this.op;
    const i = op.length - 1;
    if (i >= 0 && typeof op[i] === 'number') op[i] = (op[i] as number) + n;
    else op.push(n);
  }

  insert(s: string): void {
    if (s === '') return;
    const op = this.op;
    const i = op.length - 1;
    const last = op[i];
    if (typeof last === 'string') op[i] = last + s;
    else if (i < 0 || typeof last === 'number') op.push(s);
    else if (typeof op[i - 1] === 'string') op[i - 1] = (op[i - 1] as string) + s;
    else op.splice(i, 0, s);
  }

  /** Appends a delete; two content deletes merge into one, otherwise the content is dropped. */
  delete(d: number | string): void {
    if (d === 0 || d === '') return;
    const op = this.op;
    const last = op[op.length - 1];
    if (last === undefined || typeof last !== 'object') op.push({ d });
    else if (typeof last.d === 'string' && typeof d === 'string') op[op.length - 1] = { d: last.d + d };
    else op[op.length - 1] = { d: (typeof last.d === 'number' ? last.d : last.d.length) + (typeof d === 'number' ? d : d.length) };
  }

  /** The finished op, without a trailing retain. */
  done(): TextOp {
    const op = this.op;
    if (typeof op[op.length - 1] === 'number') op.pop();
    return op;
  }
}

/**
 * Reads an op component by component, splitting retains, inserts and deletes as a caller
 * consumes them in pieces. Used by `compose` and `transform`.
 */
import { dlen, type Delete, type TextComponent, type TextOp } from './TextOp.js';

/** Which component kind `take` never splits: the one that does not consume the other op's input. */
export type Whole = 'insert' | 'delete';

/** A cursor over the components of an op. */
export class OpReader {
  private i = 0;
  private offset = 0;

  constructor(private readonly op: TextOp) {}

  /** The next component without consuming it (`undefined` at the end). */
  peek(): TextComponent | undefined {
    return this.op[this.i];
  }

  /**
   * Consumes up to `n` code units of the next component (the whole of it when it is of kind
   * `whole`); `null` once the op is exhausted.
   */
  take(n: number, whole: Whole): TextComponent | null {
    const c = this.op[this.i];
    if (c === undefined) return null;
    const off = this.offset;
    if (typeof c === 'number') {
      if (c - off <= n) return this.next(c - off);
      this.offset += n;
      return n;
    }
    if (typeof c === 'string') {
      if (whole === 'insert' || c.length - off <= n) return this.next(off ? c.slice(off) : c);
      this.offset += n;
      return c.slice(off, off + n);
    }
    const len = dlen(c);
    if (whole === 'delete' || len - off <= n) return this.next(off ? sliceDelete(c, off, len) : c);
    this.offset += n;
    return sliceDelete(c, off, off + n);
  }

  private next<T extends TextComponent>(part: T): T {
    this.i++;
    this.offset = 0;
    return part;
  }
}

/** The part [from, to) of a delete, keeping its content when it has some. */
export function sliceDelete(c: Delete, from: number, to: number): Delete {
  return { d: typeof c.d === 'number' ? to - from : c.d.slice(from, to) };
}

/**
 * Rope: a string stored as a B+tree of chunks, so an edit costs O(log n + edit size) instead of
 * copying the whole document. Leaves hold LEAF_MIN..LEAF_MAX code units (only the root may hold
 * fewer) and sit at one depth; branches hold BRANCH_MIN..BRANCH_MAX children and cache their
 * length. The last leaf touched is remembered with its offset, so runs of nearby edits (typing)
 * skip the descent. `toString()` is cached until the next edit. A rope that never held a surrogate
 * knows no position splits a pair without looking.
 */
import { cutPairConflict, mismatchConflict } from './ot/checkOp.js';
import { dlen, isHigh, isLow, type Delete, type TextOp } from './ot/TextOp.js';
import { branch, BRANCH_MAX, collect, groups, leaf, LEAF_MAX, LEAF_MIN, pieces, underfull, type RopeNode } from './RopeNode.js';

/** A mutable string with logarithmic edits. */
export class Rope {
  private root: RopeNode;
  /** The leaf touched last and its offset in the document (`null` after a restructure). */
  private hot: RopeNode | null = null;
  private hotStart = 0;
  private flat: string | null;
  /** False while no leaf may hold a surrogate (see `RopeNode.surrogates`). */
  private surrogates: boolean;

  constructor(text = '') {
    const leaves = pieces(text).map(leaf);
    this.surrogates = leaves.some((l) => l.surrogates);
    this.root = Rope.build(leaves);
    this.flat = text;
  }

  private static build(leaves: RopeNode[]): RopeNode {
    let level = leaves;
    while (level.length > 1) level = groups(level).map(branch);
    return level[0]!;
  }

  /** Length in UTF-16 code units. */
  get length(): number {
    return this.root.len;
  }

  /** The whole text (cached until the next edit). */
  toString(): string {
    if (this.flat === null) {
      const out: string[] = [];
      collect(this.root, out);
      this.flat = out.join('');
    }
    return this.flat;
  }

  /** The code unit at `index` (NaN outside the text). */
  charCodeAt(index: number): number {
    if (!(index >= 0 && index < this.root.len)) return NaN;
    return this.find(index, false).charCodeAt(index - this.hotStart);
  }

  /** True when position `p` falls between the halves of a surrogate pair. */
  private splitsPair(p: number): boolean {
    if (!this.surrogates || !(p > 0 && p < this.root.len)) return false;
    const leaf = this.find(p, false);
    if (!leaf.surrogates || !isLow(leaf.charCodeAt(p - this.hotStart))) return false;
    return isHigh(this.charCodeAt(p - 1));
  }

  /** The text in [from, to), both clamped to [0, length]. */
  slice(from = 0, to = this.root.len): string {
    const len = this.root.len;
    from = Math.min(Math.max(from, 0), len);
    to = Math.min(Math.max(to, 0), len);
    if (to <= from) return '';
    if (this.flat !== null) return this.flat.slice(from, to);
    const leaf = this.find(from, false);
    const start = this.hotStart;
    if (to <= start + leaf.len) return leaf.text().slice(from - start, to - start);
    const out: string[] = [];
    this.gather(this.root, from, to, out);
    return out.join('');
  }

  private gather(n: RopeNode, from: number, to: number, out: string[]): void {
    if (n.kids === null) {
      out.push(n.text().slice(from, to));
      return;
    }
    let at = 0;
    for (const k of n.kids) {
      if (at >= to) break;
      const end = at + k.len;
      if (end > from) this.gather(k, Math.max(from - at, 0), Math.min(to - at, k.len), out);
      at = end;
    }
  }

  /** Inserts `text` at `pos` (0 ≤ pos ≤ length). */
  insert(pos: number, text: string): void {
    if (text === '') return;
    this.flat = null;
    const leaf = this.find(pos, true);
    const o = pos - this.hotStart;
    if (leaf.insert(o, text)) this.surrogates = true;
    for (let n: RopeNode | null = leaf; n !== null; n = n.parent) n.len += text.length;
    if (leaf.len > LEAF_MAX) this.split(leaf);
  }

  /** Deletes `count` code units at `pos` and returns them (pos + count ≤ length). */
  delete(pos: number, count: number): string {
    if (count <= 0) return '';
    this.flat = null;
    const leaf = this.find(pos, false);
    const o = pos - this.hotStart;
    if (o + count > leaf.len) {
      this.hot = null;
      const out: string[] = [];
      this.remove(this.root, pos, pos + count, out);
      this.shrinkRoot();
      return out.join('');
    }
    const removed = leaf.delete(o, count);
    for (let n: RopeNode | null = leaf; n !== null; n = n.parent) n.len -= count;
    if (leaf.parent !== null && leaf.len < LEAF_MIN) this.rebalance(leaf);
    return removed;
  }

  /**
   * Applies a valid op in normal form whose span fits this text (see `validOp`), checking it as
   * it goes with `checkOn`'s conflicts (a cut surrogate pair, a content delete that does not
   * match), after which the text is unchanged. Returns the op with every delete in content form;
   * fills `inverse` (an array as long as the op) with its inverse, in normal form.
   */
  applyOp(op: TextOp, inverse: TextOp): TextOp {
    // A copy only when a delete needs its content filled in: an op of inserts is its own effect.
    let out: TextOp | null = null;
    let pos = 0;
    /** `pos` minus the same position in the text before the op (which conflicts name). */
    let shift = 0;
    /** Components wholly applied: `op[0..done)` (an insert and the delete after it count together). */
    let done = 0;
    const flat = this.flat;
    try {
      while (done < op.length) {
        const i = done;
        const c = op[i]!;
        if (typeof c === 'number') {
          pos += c;
          inverse[i] = c;
          done = i + 1;
          continue;
        }
        if (this.splitsPair(pos)) throw cutPairConflict(pos - shift);
        // An insert and the delete after it apply delete first, so their inverse (the removed
        // text, then a delete of the insert) comes out in normal form in their two places.
        const ins = typeof c === 'string' ? c : '';
        const pair = ins !== '' && typeof op[i + 1] === 'object';
        const del = pair ? (op[i + 1] as Delete) : ins === '' ? (c as Delete) : null;
        const di = pair ? i + 1 : i; // the place of the delete, or of the lone component
        if (del !== null) {
          const removed = this.delete(pos, dlen(del));
          // Checked once removed (put back if wrong): the content, then the end of the cut.
          if (typeof del.d === 'string' && removed !== del.d) {
            this.insert(pos, removed);
            throw mismatchConflict(del.d, removed, pos - shift);
          }
          if (this.surrogates && isLow(this.charCodeAt(pos)) && isHigh(removed.charCodeAt(removed.length - 1))) {
            this.insert(pos, removed);
            throw cutPairConflict(pos - shift + removed.length);
          }
          if (typeof del.d === 'number') (out ??= op.slice())[di] = { d: removed };
          inverse[i] = removed;
          shift -= removed.length;
        }
        if (ins !== '') {
          this.insert(pos, ins);
          inverse[di] = { d: ins };
          pos += ins.length;
          shift += ins.length;
        }
        done = di + 1;
      }
    } catch (err) {
      this.revert(inverse, done);
      this.flat = flat; // the same text again
      throw err;
    }
    return out ?? op;
  }

  /** Applies `inverse[0..end)`: the inverse of the components of an op applied so far. */
  private revert(inverse: TextOp, end: number): void {
    let pos = 0;
    for (let k = 0; k < end; k++) {
      const c = inverse[k]!;
      if (typeof c === 'number') pos += c;
      else if (typeof c === 'string') {
        this.insert(pos, c);
        pos += c.length;
      } else this.delete(pos, dlen(c));
    }
  }

  /** The leaf holding `pos` (at a boundary: the left leaf when `left`), remembered as hot. */
  private find(pos: number, left: boolean): RopeNode {
    const hot = this.hot;
    if (hot !== null) {
      const rel = pos - this.hotStart;
      if (rel >= 0 && (rel < hot.len || (left && rel === hot.len))) return hot;
    }
    let n = this.root;
    let start = 0;
    while (n.kids !== null) {
      const kids = n.kids;
      const last = kids.length - 1;
      let i = 0;
      for (; i < last; i++) {
        const l = kids[i]!.len;
        if (pos < l || (left && pos === l)) break;
        pos -= l;
        start += l;
      }
      n = kids[i]!;
    }
    this.hot = n;
    this.hotStart = start;
    return n;
  }

  /** Splits an overfull node into siblings, up to the root. */
  private split(node: RopeNode): void {
    this.hot = null;
    for (let n: RopeNode | null = node; n !== null; ) {
      let extra: RopeNode[];
      if (n.kids === null) {
        if (n.len <= LEAF_MAX) return;
        const parts = pieces(n.text());
        n.setText(parts[0]!);
        extra = parts.slice(1).map(leaf);
      } else {
        if (n.kids.length <= BRANCH_MAX) return;
        const parts = groups(n.kids);
        n.kids = parts[0]!;
        n.len = n.kids.reduce((s, k) => s + k.len, 0);
        extra = parts.slice(1).map(branch);
      }
      let parent: RopeNode | null = n.parent;
      if (parent === null) {
        parent = this.root = branch([n]);
        parent.len += extra.reduce((s, k) => s + k.len, 0);
      }
      const kids = parent.kids!;
      const i = kids.indexOf(n);
      parent.kids = kids.slice(0, i + 1).concat(extra, kids.slice(i + 1));
      for (const k of extra) k.parent = parent;
      n = parent;
    }
  }

  /** Merges an underfull node with a sibling, then its parent if that became underfull. */
  private rebalance(node: RopeNode): void {
    this.hot = null;
    let n = node;
    while (n.parent !== null && underfull(n)) {
      const parent: RopeNode = n.parent;
      this.fixKid(parent, parent.kids!.indexOf(n));
      n = parent;
    }
    this.shrinkRoot();
  }

  /** Merges the underfull child `i` of `parent` with a neighbour (re-splitting when too big). */
  private fixKid(parent: RopeNode, i: number): void {
    const kids = parent.kids!;
    while (i < kids.length && kids.length > 1 && underfull(kids[i]!)) {
      const j = i + 1 < kids.length ? i : i - 1;
      const a = kids[j]!;
      const b = kids[j + 1]!;
      if (a.kids === null) {
        const t = a.text() + b.text();
        if (t.length <= LEAF_MAX) {
          a.setText(t);
          kids.splice(j + 1, 1);
        } else {
          a.setText(t.slice(0, t.length >> 1));
          b.setText(t.slice(t.length >> 1));
        }
      } else {
        const all = a.kids.concat(b.kids!);
        if (all.length <= BRANCH_MAX) {
          kids[j] = branch(all);
          kids.splice(j + 1, 1);
        } else {
          kids[j] = branch(all.slice(0, all.length >> 1));
          kids[j + 1] = branch(all.slice(all.length >> 1));
          kids[j + 1]!.parent = parent;
          this.fixKids(kids[j + 1]!);
        }
        kids[j]!.parent = parent;
        // An underfull child left alone in its parent could not merge before; now it can.
        this.fixKids(kids[j]!);
      }
      i = j;
    }
  }

  /** Removes [from, to) under `n` (offsets relative to `n`), collecting the removed text. */
  private remove(n: RopeNode, from: number, to: number, out: string[]): void {
    n.len -= to - from;
    if (n.kids === null) {
      out.push(n.delete(from, to - from));
      return;
    }
    const kids = n.kids;
    let at = 0;
    let first = -1;
    let drop = 0;
    for (let i = 0; i < kids.length && at < to; i++) {
      const k = kids[i]!;
      const end = at + k.len;
      if (end > from) {
        if (from <= at && end <= to) {
          collect(k, out);
          if (drop++ === 0) first = i;
        } else this.remove(k, Math.max(from - at, 0), Math.min(to - at, k.len), out);
      }
      at = end;
    }
    if (drop) kids.splice(first, drop);
    this.fixKids(n);
  }

  /** Merges every underfull child of branch `n`. */
  private fixKids(n: RopeNode): void {
    const kids = n.kids!;
    for (let i = 0; i < kids.length; i++) if (underfull(kids[i]!)) this.fixKid(n, i);
  }

  /** Drops root branches with a single child; an emptied tree becomes one empty leaf. */
  private shrinkRoot(): void {
    let r = this.root;
    while (r.kids !== null && r.kids.length <= 1) r = r.kids[0] ?? leaf('');
    r.parent = null;
    this.root = r;
  }
}

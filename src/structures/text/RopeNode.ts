/**
 * The nodes of a Rope and the sizes that keep it balanced. A leaf keeps its text in two parts,
 * `head` and `tail`, with a gap between them where the last edit happened: typing at the gap
 * appends to `head` and deleting next to it trims one part, without copying the leaf. A leaf
 * also knows whether it may hold a surrogate: without one, no position in it can split a pair,
 * and checking needs no `charCodeAt` (which would flatten the concatenated `head`).
 */

/** Most code units in a leaf. */
export const LEAF_MAX = 512;
/** Fewest code units in a leaf other than the root. */
export const LEAF_MIN = LEAF_MAX >> 2;
/** Most children of a branch. */
export const BRANCH_MAX = 32;
/** Fewest children of a branch other than the root. */
export const BRANCH_MIN = BRANCH_MAX >> 2;

/** A leaf (`kids === null`, text in `head` + `tail`) or a branch (children in `kids`). */
export class RopeNode {
  parent: RopeNode | null = null;
  tail = '';
  /** False when this leaf surely holds no surrogate code unit (true may be stale after deletes). */
  surrogates: boolean;
  constructor(
    /** Code units below this node. */
    public len: number,
    public head: string,
    public kids: RopeNode[] | null,
  ) {
    this.surrogates = hasSurrogate(head);
  }

  /** A leaf's whole text (closing its gap). */
  text(): string {
    if (this.tail !== '') {
      this.head += this.tail;
      this.tail = '';
    }
    return this.head;
  }

  /** Replaces a leaf's text. */
  setText(text: string): void {
    this.head = text;
    this.tail = '';
    this.len = text.length;
    this.surrogates = hasSurrogate(text);
  }

  /** The code unit at offset `o` of a leaf. */
  charCodeAt(o: number): number {
    const h = this.head;
    return o < h.length ? h.charCodeAt(o) : this.tail.charCodeAt(o - h.length);
  }

  /**
   * Inserts `s` at offset `o` of a leaf, leaving the gap after it (`len` is the caller's);
   * returns whether the leaf may now hold a surrogate.
   */
  insert(o: number, s: string): boolean {
    if (!this.surrogates && hasSurrogate(s)) this.surrogates = true;
    const h = this.head;
    if (o === h.length) this.head = h + s;
    else if (o < h.length) {
      this.tail = h.slice(o) + this.tail;
      this.head = h.slice(0, o) + s;
    } else {
      const k = o - h.length;
      this.head = h + this.tail.slice(0, k) + s;
      this.tail = this.tail.slice(k);
    }
    return this.surrogates;
  }

  /** Deletes [o, o + n) of a leaf and returns it, leaving the gap at `o` (`len` is the caller's). */
  delete(o: number, n: number): string {
    const h = this.head;
    const t = this.tail;
    const end = o + n;
    let removed: string;
    if (end <= h.length) {
      removed = h.slice(o, end);
      if (end < h.length) this.tail = h.slice(end) + t;
      this.head = h.slice(0, o);
    } else if (o >= h.length) {
      removed = t.slice(o - h.length, end - h.length);
      if (o > h.length) this.head = h + t.slice(0, o - h.length);
      this.tail = t.slice(end - h.length);
    } else {
      removed = h.slice(o) + t.slice(0, end - h.length);
      this.head = h.slice(0, o);
      this.tail = t.slice(end - h.length);
    }
    return removed;
  }
}

/** True when `s` holds a surrogate code unit (paired or not). */
function hasSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xf800) === 0xd800) return true;
  return false;
}

/** A new leaf holding `text`. */
export function leaf(text: string): RopeNode {
  return new RopeNode(text.length, text, null);
}

/** A new branch over `kids` (they are re-parented). */
export function branch(kids: RopeNode[]): RopeNode {
  const node = new RopeNode(0, '', kids);
  for (const k of kids) {
    node.len += k.len;
    k.parent = node;
  }
  return node;
}

/** Cuts `items` into about `length / size` even runs (at least one). */
function evenly<T>(length: number, size: number, cut: (from: number, to: number) => T): T[] {
  const count = Math.max(1, Math.round(length / size));
  const out: T[] = [];
  for (let g = 0; g < count; g++) out.push(cut(Math.floor((g * length) / count), Math.floor(((g + 1) * length) / count)));
  return out;
}

/** Cuts children into branch-sized groups (half full, so both sides can grow). */
export function groups(items: RopeNode[]): RopeNode[][] {
  return evenly(items.length, BRANCH_MAX >> 1, (a, b) => items.slice(a, b));
}

/** Cuts text into leaf-sized pieces (half full). */
export function pieces(s: string): string[] {
  return evenly(s.length, LEAF_MAX >> 1, (a, b) => s.slice(a, b));
}

/** True when a non-root node is below its minimum size. */
export function underfull(n: RopeNode): boolean {
  return n.kids === null ? n.len < LEAF_MIN : n.kids.length < BRANCH_MIN;
}

/** Appends the text under `n` to `out`. */
export function collect(n: RopeNode, out: string[]): void {
  if (n.kids === null) out.push(n.text());
  else for (const k of n.kids) collect(k, out);
}

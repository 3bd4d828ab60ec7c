/**
 * OrderTree: a counted B+-tree of entries ordered by (key, id), the order structure of List
 * items and Tree siblings. Insert, remove, `at(i)` and `indexOf(entry)` cost O(log n).
 *
 * Built for few cache misses: a branch keeps its children's sizes and its separators in flat
 * arrays, and every key is also summarised by its *rank* (its first characters as a small
 * integer, see {@link rankOf}), so a search compares integers in contiguous arrays and reads
 * key strings only on a rank tie. Each entry points at its leaf and each node at its parent, so
 * `indexOf` walks up summing the sizes of earlier siblings. Separator `i` of a branch is a lower
 * bound of child `i` and above everything in child `i - 1` (separator 0 is never read); removals
 * leave separators valid, and an underfull node merges with a neighbour when both fit in one.
 */
import {
  beforeEntry,
  beforeSeparator,
  branch,
  inserted,
  leaf,
  MAX,
  rankOf,
  removed,
  type Entry,
  type OrderNode,
} from './OrderNode.js';

const MIN = MAX >> 2;
const FILL = (MAX * 3) >> 2;

/** An ordered sequence of entries with O(log n) positional access. */
export class OrderTree<E extends Entry> {
  private root: OrderNode<E> = leaf<E>([], []);
  private count = 0;

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /** Inserts `e` at its place by (key, id); `e.leaf` is set. */
  insert(e: E): void {
    const rank = rankOf(e.key);
    let n = this.root as OrderNode<Entry>;
    while (n.kids) {
      let lo = 0;
      let hi = n.kids.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (beforeSeparator(n, mid, rank, e.key, e.id)) hi = mid - 1;
        else lo = mid;
      }
      n.sizes[lo]++;
      n = n.kids[lo] as OrderNode<Entry>;
    }
    const items = n.items as Entry[];
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (beforeEntry(n, mid, rank, e.key, e.id)) hi = mid;
      else lo = mid + 1;
    }
    n.items = inserted(items, lo, e);
    n.ranks = inserted(n.ranks, lo, rank);
    e.leaf = n;
    this.count++;
    if (n.items.length > MAX) this.split(n as OrderNode<E>);
  }

  /** Removes `e` (which must be in this tree); `e.leaf` is cleared. */
  remove(e: E): void {
    const at = e.leaf as OrderNode<E>;
    const i = (at.items as E[]).indexOf(e);
    at.items = removed(at.items as E[], i);
    at.ranks = removed(at.ranks, i);
    e.leaf = null;
    this.count--;
    for (let c = at, p = at.parent; p; c = p, p = p.parent) p.sizes[(p.kids as OrderNode<E>[]).indexOf(c)]--;
    if (at.items.length < MIN) this.shrink(at);
  }

  /** The entry at `index` (0 ≤ index < size). */
  at(index: number): E {
    let n = this.root;
    let i = index;
    while (n.kids) {
      const sizes = n.sizes;
      let k = 0;
      while (i >= (sizes[k] as number)) i -= sizes[k++] as number;
      n = n.kids[k] as OrderNode<E>;
    }
    return (n.items as E[])[i] as E;
  }

  /** The position of `e` (which must be in this tree). */
  indexOf(e: E): number {
    let c = e.leaf as OrderNode<E>;
    let index = (c.items as E[]).indexOf(e);
    for (let p = c.parent; p; c = p, p = p.parent) {
      const k = (p.kids as OrderNode<E>[]).indexOf(c);
      for (let j = 0; j < k; j++) index += p.sizes[j] as number;
    }
    return index;
  }

  /** Calls `fn` for every entry, in order. */
  forEach(fn: (e: E) => void): void {
    const visit = (n: OrderNode<E>): void => {
      if (n.items) for (const e of n.items) fn(e);
      else for (const k of n.kids as OrderNode<E>[]) visit(k);
    };
    visit(this.root);
  }

  /** The entries, in order. */
  [Symbol.iterator](): IterableIterator<E> {
    return walk(this.root);
  }

  /** A tree of `sorted` entries (ascending by key, id), built in O(n). */
  static fromSorted<E extends Entry>(sorted: readonly E[]): OrderTree<E> {
    const tree = new OrderTree<E>();
    if (sorted.length === 0) return tree;
    let level: OrderNode<E>[] = [];
    for (let i = 0; i < sorted.length; i += FILL) {
      const items = sorted.slice(i, i + FILL);
      level.push(leaf(items, items.map((e) => rankOf(e.key))));
    }
    // the lower bound of each node of the level being grouped: its first entry
    let firsts = level.map((n) => (n.items as E[])[0] as E);
    while (level.length > 1) {
      const up: OrderNode<E>[] = [];
      const upFirsts: E[] = [];
      for (let i = 0; i < level.length; i += FILL) {
        const kids = level.slice(i, i + FILL);
        const bounds = firsts.slice(i, i + FILL);
        up.push(branch(kids, kids.map((k) => k.size), bounds.map((e) => rankOf(e.key)), bounds.map((e) => e.key), bounds.map((e) => e.id)));
        upFirsts.push(bounds[0] as E);
      }
      level = up;
      firsts = upFirsts;
    }
    tree.root = level[0] as OrderNode<E>;
    tree.count = sorted.length;
    return tree;
  }

  private split(n: OrderNode<E>): void {
    const half = n.width >> 1;
    let m: OrderNode<E>;
    let sep: [number, string, string];
    if (n.items) {
      m = leaf(n.items.splice(half), n.ranks.splice(half));
      const first = (m.items as E[])[0] as E;
      sep = [m.ranks[0] as number, first.key, first.id];
    } else {
      m = branch((n.kids as OrderNode<E>[]).splice(half), n.sizes.splice(half), n.ranks.splice(half), n.keys.splice(half), n.ids.splice(half));
      sep = [m.ranks[0] as number, m.keys[0] as string, m.ids[0] as string];
    }
    const size = m.size;
    const parent = n.parent;
    if (!parent) {
      this.root = branch([n, m], [n.size, size], [0, sep[0]], ['', sep[1]], ['', sep[2]]);
      return;
    }
    const kids = parent.kids as OrderNode<E>[];
    const i = kids.indexOf(n);
    parent.sizes[i] -= size;
    kids.splice(i + 1, 0, m);
    parent.sizes.splice(i + 1, 0, size);
    parent.ranks.splice(i + 1, 0, sep[0]);
    parent.keys.splice(i + 1, 0, sep[1]);
    parent.ids.splice(i + 1, 0, sep[2]);
    m.parent = parent;
    if (kids.length > MAX) this.split(parent);
  }

  /** Merges an underfull node with a neighbour when both fit in one; collapses a one-child root. */
  private shrink(n: OrderNode<E>): void {
    const parent = n.parent;
    if (!parent) {
      if (n.kids && n.kids.length === 1) {
        this.root = n.kids[0] as OrderNode<E>;
        this.root.parent = null;
      }
      return;
    }
    const kids = parent.kids as OrderNode<E>[];
    const i = kids.indexOf(n);
    const left = kids[i - 1];
    const right = kids[i + 1];
    if (left && left.width + n.width <= MAX) this.merge(parent, i);
    else if (right && n.width + right.width <= MAX) this.merge(parent, i + 1);
    else return;
    if (kids.length < MIN) this.shrink(parent);
  }

  /** Moves everything of child `at` of `parent` into child `at - 1`, dropping separator `at`. */
  private merge(parent: OrderNode<E>, at: number): void {
    const kids = parent.kids as OrderNode<E>[];
    const left = kids[at - 1] as OrderNode<E>;
    const right = kids[at] as OrderNode<E>;
    if (left.items) {
      for (const e of right.items as E[]) e.leaf = left as OrderNode<Entry>;
      left.items.push(...(right.items as E[]));
      left.ranks.push(...right.ranks);
    } else {
      // right's first child is bounded by right's own separator in the parent
      for (const k of right.kids as OrderNode<E>[]) k.parent = left;
      (left.kids as OrderNode<E>[]).push(...(right.kids as OrderNode<E>[]));
      left.sizes.push(...right.sizes);
      left.ranks.push(parent.ranks[at] as number, ...right.ranks.slice(1));
      left.keys.push(parent.keys[at] as string, ...right.keys.slice(1));
      left.ids.push(parent.ids[at] as string, ...right.ids.slice(1));
    }
    parent.sizes[at - 1] += parent.sizes[at] as number;
    kids.splice(at, 1);
    parent.sizes.splice(at, 1);
    parent.ranks.splice(at, 1);
    parent.keys.splice(at, 1);
    parent.ids.splice(at, 1);
  }
}

function* walk<E extends Entry>(n: OrderNode<E>): IterableIterator<E> {
  if (n.items) yield* n.items;
  else for (const k of n.kids as OrderNode<E>[]) yield* walk(k);
}

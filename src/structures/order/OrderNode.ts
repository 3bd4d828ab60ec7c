/**
 * The nodes of an OrderTree and what they are made of: entries, key ranks, and the small array
 * operations that keep a leaf's arrays tight.
 */

/** What an OrderTree holds: ordered by `key` (a fractional index key), ties broken by `id`. */
export interface Entry {
  readonly id: string;
  key: string;
  /** The leaf holding the entry; maintained by the tree. */
  leaf: OrderNode<Entry> | null;
}

/** Entries per leaf and children per branch, at most. */
export const MAX = 64;
/** Characters of a key summarised by its rank: 63^5 < 2^31 keeps ranks small integers. */
const RANK_CHARS = 5;

/**
 * An integer that orders base-62 keys as their first {@link RANK_CHARS} characters do: each
 * character is its digit + 1 in base 63, and 0 past the end of the key. `a < b` as keys implies
 * `rankOf(a) <= rankOf(b)`.
 */
export function rankOf(key: string): number {
  let r = 0;
  for (let i = 0; i < RANK_CHARS; i++) {
    const c = key.charCodeAt(i);
    r = r * 63 + (i >= key.length ? 0 : c <= 57 ? c - 47 : c <= 90 ? c - 54 : c - 60);
  }
  return r;
}

// what a leaf has of a branch's arrays: nothing (shared, never written)
const NO_NUMBERS: number[] = [];
const NO_STRINGS: string[] = [];

/** A node of the tree: a leaf (`items`) or a branch (`kids`). */
export class OrderNode<E extends Entry> {
  parent: OrderNode<E> | null = null;

  constructor(
    /** Leaf: the entries. */
    public items: E[] | null,
    /** Leaf: the rank of each entry. Branch: the rank of each separator. */
    public ranks: number[],
    /** Branch: the children, the entries below each, and the separators' keys and ids. */
    public kids: OrderNode<E>[] | null = null,
    public sizes: number[] = NO_NUMBERS,
    public keys: string[] = NO_STRINGS,
    public ids: string[] = NO_STRINGS,
  ) {}

  /** Entries (leaf) or children (branch). */
  get width(): number {
    return this.items ? this.items.length : (this.kids as OrderNode<E>[]).length;
  }

  /** Entries below this node. */
  get size(): number {
    if (this.items) return this.items.length;
    let n = 0;
    for (const s of this.sizes) n += s;
    return n;
  }
}

/** A leaf holding `items` (pointed back at it) with their `ranks`. */
export function leaf<E extends Entry>(items: E[], ranks: number[]): OrderNode<E> {
  const n = new OrderNode<E>(items, ranks);
  for (const e of items) e.leaf = n as OrderNode<Entry>;
  return n;
}

/** A branch over `kids` (pointed back at it) with their sizes and separators. */
export function branch<E extends Entry>(kids: OrderNode<E>[], sizes: number[], ranks: number[], keys: string[], ids: string[]): OrderNode<E> {
  const n = new OrderNode<E>(null, ranks, kids, sizes, keys, ids);
  for (const k of kids) k.parent = n;
  return n;
}

/** True when (rank, key, id) sorts before separator `i` of branch `n`. */
export function beforeSeparator(n: OrderNode<Entry>, i: number, rank: number, key: string, id: string): boolean {
  const r = n.ranks[i] as number;
  if (rank !== r) return rank < r;
  const k = n.keys[i] as string;
  return key < k || (key === k && id < (n.ids[i] as string));
}

/** True when (rank, key, id) sorts before entry `i` of leaf `n`. */
export function beforeEntry(n: OrderNode<Entry>, i: number, rank: number, key: string, id: string): boolean {
  const r = n.ranks[i] as number;
  if (rank !== r) return rank < r;
  const e = (n.items as Entry[])[i] as Entry;
  return key < e.key || (key === e.key && id < e.id);
}

/**
 * Below this length a leaf's arrays are copied to their exact size on every change: growing in
 * place, V8 would add 16 spare slots, which costs more than the entries of a small sibling set.
 */
const TIGHT = 16;

/** `a` with `x` inserted at `i`: `a` itself changed in place, or an exact-size copy when small. */
export function inserted<T>(a: T[], i: number, x: T): T[] {
  const n = a.length;
  if (n < TIGHT) {
    const b = new Array<T>(n + 1);
    for (let j = 0; j < i; j++) b[j] = a[j] as T;
    b[i] = x;
    for (let j = i; j < n; j++) b[j + 1] = a[j] as T;
    return b;
  }
  for (let j = n; j > i; j--) a[j] = a[j - 1] as T;
  a[i] = x;
  return a;
}

/** `a` without its element `i`: `a` itself changed in place, or an exact-size copy when small. */
export function removed<T>(a: T[], i: number): T[] {
  const n = a.length - 1;
  if (n < TIGHT) {
    const b = new Array<T>(n);
    for (let j = 0; j < i; j++) b[j] = a[j] as T;
    for (let j = i; j < n; j++) b[j] = a[j + 1] as T;
    return b;
  }
  for (let j = i; j < n; j++) a[j] = a[j + 1] as T;
  a.pop();
  return a;
}

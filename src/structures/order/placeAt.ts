/**
 * Placement: the fractional key (and, for a new entry, the id) that puts an entry at a given
 * position of an ordered sibling sequence — used by `list.insert/move` and `tree.insert/move`.
 */
import { Conflict } from '../../errors.js';
import { keyBetween } from '../fractional.js';
import { newId } from '../ids.js';
import type { ApplyContext } from '../machine.js';
import type { Entry } from './OrderNode.js';
import type { OrderTree } from './OrderTree.js';

/** The longest id {@link placeAt} may derive from a neighbour's id. */
const MAX_ID = 64;

/** What {@link placeAt} places: an existing entry's id, and the entry to count out if it is in the order. */
export interface Placing<E> {
  /** The id of the entry; omitted for a new entry, whose id is made with `newId(ctx)`. */
  id?: string;
  /** The entry itself when it is already in the order (a move among the same siblings). */
  skip?: E;
  /** The running transition, for new ids. */
  ctx?: ApplyContext | null;
}

/**
 * The key (and id) that puts an entry at `index` of `order`, counted with `skip` removed.
 *
 * Neighbours can share a key (two replicas inserted at one spot at once; ids break the tie).
 * A new entry then takes that key and an id between theirs (derived from the left neighbour's
 * id) when one fits; otherwise — and for an existing id that does not fall between — it goes
 * right after the run of equal keys. `out_of_range` when `index` is outside [0, size].
 */
export function placeAt<E extends Entry>(order: OrderTree<E>, index: number, what: Placing<E>): { key: string; id: string } {
  const skip = what.skip;
  const from = skip ? order.indexOf(skip) : -1;
  const size = skip ? order.size - 1 : order.size;
  if (!Number.isInteger(index) || index < 0 || index > size) {
    throw new Conflict('out_of_range', `index ${index} is outside [0, ${size}]`, { index, size });
  }
  const get = (i: number): E | null => (i < 0 || i >= size ? null : order.at(skip && i >= from ? i + 1 : i));
  const prev = get(index - 1);
  const next = get(index);
  let id = what.id ?? newId(what.ctx ?? null);
  if (!prev || !next || prev.key < next.key) return { key: keyBetween(prev?.key ?? null, next?.key ?? null), id };
  const between = (x: string): boolean => prev.id < x && x < next.id;
  if (what.id === undefined && !between(id) && prev.id.length + id.length <= MAX_ID) id = prev.id + id;
  if (between(id)) return { key: prev.key, id };
  let j = index + 1;
  while (j < size && (get(j) as E).key === prev.key) j++;
  return { key: keyBetween(prev.key, j < size ? (get(j) as E).key : null), id };
}

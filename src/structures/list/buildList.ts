/**
 * Builds the items of a List from a snapshot (`load`) or a JSON view (`init`), checking all of
 * it; the List swaps them in only when complete, so a bad input changes nothing.
 */
import { Conflict } from '../../errors.js';
import { loadItem, sortsBefore } from '../checks.js';
import { isValidKey, keyBetween } from '../fractional.js';
import { isValidId, newId } from '../ids.js';
import type { ItemKind } from '../items.js';
import { badSnapshot, nested, type ApplyContext } from '../machine.js';
import { ListItem } from './ListItem.js';

const JsMap = globalThis.Map;

/** The items of a list being built, in order, and their id index. */
export interface ListParts<T> {
  sorted: ListItem<T>[];
  byId: globalThis.Map<string, ListItem<T>>;
}

/** The items of a snapshot (`[id, key, valueOrSnapshot][]` in order); `invalid_snapshot` when bad. */
export function listFromSnapshot<T>(items: ItemKind<T>, snapshot: unknown): ListParts<T> {
  if (!Array.isArray(snapshot)) badSnapshot('list', 'expected an array of [id, key, value] entries');
  const parts: ListParts<T> = { sorted: [], byId: new JsMap() };
  snapshot.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry) || entry.length !== 3) badSnapshot('list', `entry ${i} is not [id, key, value]`);
    const [id, key, content] = entry as [unknown, unknown, unknown];
    if (!isValidId(id)) badSnapshot('list', `entry ${i} has an invalid id ${JSON.stringify(id)}`);
    if (!isValidKey(key)) badSnapshot('list', `entry ${i} has an invalid key ${JSON.stringify(key)}`);
    if (parts.byId.has(id)) badSnapshot('list', `entry ${i} repeats the id ${id}`);
    const prev = parts.sorted[i - 1];
    if (prev && !sortsBefore(prev, key, id)) badSnapshot('list', `entry ${i} is out of (key, id) order`);
    const item = new ListItem(id, key, loadItem(items, id, content));
    parts.sorted.push(item);
    parts.byId.set(id, item);
  });
  return parts;
}

/** The items of a JSON view (an array): fresh ids, increasing keys; `invalid_value` when bad. */
export function listFromView<T>(items: ItemKind<T>, value: unknown, ctx: ApplyContext): ListParts<T> {
  if (!Array.isArray(value)) throw new Conflict('invalid_value', 'a list needs an array of items', { path: [] });
  const parts: ListParts<T> = { sorted: [], byId: new JsMap() };
  let key: string | null = null;
  value.forEach((view: unknown, i) => {
    const id = newId(ctx);
    key = keyBetween(key, null);
    const item = new ListItem(id, key, nested(String(i), () => items.make(view, false, ctx)).value);
    parts.sorted.push(item);
    parts.byId.set(id, item);
  });
  return parts;
}

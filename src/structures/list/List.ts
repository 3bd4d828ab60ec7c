/**
 * List<T>: an ordered sequence of JSON values or machines of one kind. Items have client-made
 * ids and fractional keys and are ordered by (key, id), in a counted B-tree, so every op costs
 * O(log n). JSON view: the array of item views; snapshot: `[id, key, valueOrSnapshot][]`.
 *
 * Ops: `list/insert {id, key, value}` (a machine item is initialised from its JSON view) or
 * `{id, key, snapshot}` (loaded from its full snapshot), `list/delete {id}`, `list/move {id, key}`.
 * Effects and inverses carry `snapshot` for machine items and `value` for JSON items.
 * Conflicts: `not_found`, `duplicate_id`; malformed ids or keys are `invalid_op`.
 */
import { Conflict } from '../../errors.js';
import { checkId, checkKey, idSchema, invalidOp, keySchema, makeItem, opVariant } from '../checks.js';
import { ItemKind, jsonItems, type ItemFactory } from '../items.js';
import {
  appliedSelf,
  BaseMachine,
  machineOf,
  type Applied,
  type ApplyContext,
  type Json,
  type Machine,
  type Op,
  type PatchSink,
} from '../machine.js';
import { OrderTree } from '../order/OrderTree.js';
import { placeAt } from '../order/placeAt.js';
import { ownSchema, type JsonSchema } from '../schema.js';
import { listFromSnapshot, listFromView, type ListParts } from './buildList.js';
import { ListItem } from './ListItem.js';

const JsMap = globalThis.Map;

/** Ops of a List. */
export type ListOp =
  | { type: 'list/insert'; id: string; key: string; value: Json }
  | { type: 'list/insert'; id: string; key: string; snapshot: Json }
  | { type: 'list/delete'; id: string }
  | { type: 'list/move'; id: string; key: string };

/** JSON Schema of List ops (the variants exclude each other, so `anyOf` stops at the match). */
export const listOpSchema: JsonSchema = ownSchema({
  anyOf: [
    opVariant('list/insert', { id: idSchema, key: keySchema, value: {} }),
    opVariant('list/insert', { id: idSchema, key: keySchema, snapshot: {} }),
    opVariant('list/delete', { id: idSchema }),
    opVariant('list/move', { id: idSchema, key: keySchema }),
  ],
});

/**
 * A replicated list. `T` is what it holds (a JSON type, or the machine class of `List.of`);
 * `V` is what `insert` takes (the JSON view of a machine item).
 */
export class List<T = Json, V = T> extends BaseMachine {
  readonly kind = 'list';
  private order = new OrderTree<ListItem<T>>();
  private byId = new JsMap<string, ListItem<T>>();

  constructor(private readonly items: ItemKind<T> = jsonItems as ItemKind<T>) {
    super();
  }

  /** A List whose items are machines made by `kind` (a machine class or a factory). */
  static of<T>(kind: ItemFactory<T>): List<T, Json> {
    return new List<T, Json>(new ItemKind(kind));
  }

  get opSchema(): JsonSchema {
    return listOpSchema;
  }

  /** Number of items. */
  get length(): number {
    return this.order.size;
  }

  /** The item (value or machine) with `id`. */
  get(id: string): T | undefined {
    return this.byId.get(id)?.value;
  }

  /** The item at `index` (negative counts from the end), or undefined outside the list. */
  at(index: number): T | undefined {
    const i = index < 0 ? index + this.order.size : index;
    return Number.isInteger(i) && i >= 0 && i < this.order.size ? this.order.at(i).value : undefined;
  }

  /** True when an item has `id`. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The position of item `id`, or -1. */
  indexOf(id: string): number {
    const item = this.byId.get(id);
    return item ? this.order.indexOf(item) : -1;
  }

  /** The ids, in order. */
  ids(): string[] {
    const out: string[] = [];
    this.order.forEach((e) => out.push(e.id));
    return out;
  }

  /** The items, in order. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const e of this.order) yield e.value;
  }

  /** Inserts `value` (a machine item's JSON view) so it lands at `index`; returns its new id. */
  insert(index: number, value: V): string {
    const { key, id } = placeAt(this.order, index, { ctx: this.currentContext() });
    this.submit({ type: 'list/insert', id, key, value: value as Json });
    return id;
  }

  /** Appends `value`; returns its new id. */
  push(value: V): string {
    return this.insert(this.order.size, value);
  }

  /** Removes item `id`. */
  delete(id: string): void {
    this.submit({ type: 'list/delete', id });
  }

  /** Moves item `id` so it lands at `toIndex`. */
  move(id: string, toIndex: number): void {
    const item = this.find(id);
    const { key } = placeAt(this.order, toIndex, { id, skip: item });
    this.submit({ type: 'list/move', id, key });
  }

  apply(raw: Op, ctx: ApplyContext, sink?: PatchSink): Applied {
    const op = raw as ListOp;
    switch (op.type) {
      case 'list/insert':
        return this.applyInsert(op, ctx, sink);
      case 'list/delete':
        return this.applyDelete(op.id, sink);
      case 'list/move':
        return this.applyMove(op.id, op.key, sink);
      default:
        return invalidOp(`a list has no op ${JSON.stringify(raw.type)}`);
    }
  }

  private applyInsert(op: Extract<ListOp, { type: 'list/insert' }>, ctx: ApplyContext, sink?: PatchSink): Applied {
    checkId(op.id);
    checkKey(op.key);
    if (this.byId.has(op.id)) throw new Conflict('duplicate_id', `the list already has an item ${op.id}`, { id: op.id });
    const item = new ListItem(op.id, op.key, makeItem(this.items, op, ctx));
    this.items.attach(item.value, this, op.id);
    this.order.insert(item);
    this.byId.set(op.id, item);
    if (sink) {
      const path = `${sink.prefix}/${this.order.indexOf(item)}`;
      sink.ops.push({ op: 'add', path, value: this.items.json(item.value) });
    }
    return appliedSelf(this.insertOp(item), { type: 'list/delete', id: op.id });
  }

  private applyDelete(id: string, sink?: PatchSink): Applied {
    const item = this.find(id);
    const restore = this.insertOp(item);
    if (sink) sink.ops.push({ op: 'remove', path: `${sink.prefix}/${this.order.indexOf(item)}` });
    this.order.remove(item);
    this.byId.delete(id);
    this.items.detach(item.value);
    return appliedSelf({ type: 'list/delete', id }, restore);
  }

  private applyMove(id: string, key: string, sink?: PatchSink): Applied {
    const item = this.find(id);
    checkKey(key);
    const old = item.key;
    const from = sink ? this.order.indexOf(item) : 0;
    this.order.remove(item);
    item.key = key;
    this.order.insert(item);
    if (sink) sink.ops.push({ op: 'move', from: `${sink.prefix}/${from}`, path: `${sink.prefix}/${this.order.indexOf(item)}` });
    return appliedSelf({ type: 'list/move', id, key }, { type: 'list/move', id, key: old });
  }

  /** The `list/insert` op that recreates `item` where it is. */
  private insertOp(item: ListItem<T>): Op {
    return { type: 'list/insert', id: item.id, key: item.key, ...this.items.content(item.value) };
  }

  private find(id: string): ListItem<T> {
    const item = this.byId.get(id);
    if (item) return item;
    checkId(id);
    throw new Conflict('not_found', `the list has no item ${id}`, { id });
  }

  child(segment: string): Machine | undefined {
    return this.items.machines ? machineOf(this.byId.get(segment)?.value) : undefined;
  }

  pointer(segment: string): string[] {
    return [String(this.order.indexOf(this.find(segment)))];
  }

  toJSON(): Json {
    const out: Json[] = [];
    this.order.forEach((e) => out.push(this.items.json(e.value)));
    return out;
  }

  snapshot(): Json {
    const out: Json[] = [];
    this.order.forEach((e) => out.push([e.id, e.key, this.items.snapshot(e.value)]));
    return out;
  }

  load(snapshot: unknown): void {
    this.replace(listFromSnapshot(this.items, snapshot));
  }

  init(value: unknown, ctx: ApplyContext): void {
    this.replace(listFromView(this.items, value, ctx));
  }

  private replace({ sorted, byId }: ListParts<T>): void {
    for (const item of sorted) this.items.attach(item.value, this, item.id);
    this.order = OrderTree.fromSorted(sorted);
    this.byId = byId;
  }
}

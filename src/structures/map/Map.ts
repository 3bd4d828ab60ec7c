/**
 * Map<V>: string keys (any string, `__proto__` and `constructor` included — storage is a native
 * Map, never a plain object) to JSON values or machines of one kind. Ops: `map/set {key, value}`
 * (or `{key, snapshot}` for machine values), `map/delete {key}`. Conflict: `not_found`.
 */
import { Conflict } from '../../errors.js';
import { loadItem } from '../checks.js';
import { setOwn } from '../json.js';
import { ItemKind, jsonItems, type ItemFactory } from '../items.js';
import {
  appliedSelf,
  BaseMachine,
  badSnapshot,
  machineOf,
  nested,
  pointerToken,
  type ApplyContext,
  type Applied,
  type Json,
  type Machine,
  type Op,
  type PatchSink,
} from '../machine.js';
import { ownSchema, type JsonSchema } from '../schema.js';

const JsMap = globalThis.Map;

/** The longest Map key accepted. */
export const MAX_MAP_KEY = 1024;

/** Ops of a Map. */
export type MapOp =
  | { type: 'map/set'; key: string; value: Json }
  | { type: 'map/set'; key: string; snapshot: Json }
  | { type: 'map/delete'; key: string };

const key = { type: 'string', maxLength: MAX_MAP_KEY };

/** JSON Schema of Map ops. */
export const mapOpSchema: JsonSchema = ownSchema({
  oneOf: [
    {
      type: 'object',
      properties: { type: { const: 'map/set' }, key, value: {} },
      required: ['type', 'key', 'value'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'map/set' }, key, snapshot: {} },
      required: ['type', 'key', 'snapshot'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'map/delete' }, key },
      required: ['type', 'key'],
      additionalProperties: false,
    },
  ],
});

/** A replicated string-keyed map. */
export class Map<V = Json> extends BaseMachine {
  readonly kind = 'map';
  private readonly entries = new JsMap<string, V>();

  constructor(private readonly items: ItemKind<V> = jsonItems as ItemKind<V>) {
    super();
  }

  /** A Map whose values are machines made by `kind` (a machine class or a factory). */
  static of<T>(kind: ItemFactory<T>): Map<T> {
    return new Map<T>(new ItemKind(kind));
  }

  get opSchema(): JsonSchema {
    return mapOpSchema;
  }

  /** The value (or machine) at `k`. */
  get(k: string): V | undefined {
    return this.entries.get(k);
  }

  /** True when `k` is present. */
  has(k: string): boolean {
    return this.entries.has(k);
  }

  /** The keys, sorted (the same order on every replica, whatever the history). */
  keys(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** The number of entries. */
  get size(): number {
    return this.entries.size;
  }

  /** `[key, value]` pairs, by key. */
  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.keys()
      .map((k): [string, V] => [k, this.entries.get(k) as V])
      [Symbol.iterator]();
  }

  /** Sets `k` to a JSON value (for machine values: its JSON view, loaded into a new machine). */
  set(k: string, value: V | Json): void {
    this.submit({ type: 'map/set', key: k, value: value as Json });
  }

  /** Removes `k`. */
  delete(k: string): void {
    this.submit({ type: 'map/delete', key: k });
  }

  apply(raw: Op, ctx: ApplyContext, sink?: PatchSink): Applied {
    const op = raw as MapOp;
    const k = op.key;
    const had = this.entries.has(k);
    const old = this.entries.get(k) as V;
    const restore: Op = had
      ? { type: 'map/set', key: k, ...this.items.content(old) }
      : { type: 'map/delete', key: k };
    const path = sink ? `${sink.prefix}/${pointerToken(k)}` : '';
    if (op.type === 'map/delete') {
      if (!had) throw new Conflict('not_found', `map has no key ${JSON.stringify(k)}`);
      this.items.detach(old);
      this.entries.delete(k);
      sink?.ops.push({ op: 'remove', path });
      return appliedSelf(op, restore);
    }
    const fromSnapshot = 'snapshot' in op;
    const made = nested(k, () => this.items.make(fromSnapshot ? op.snapshot : op.value, fromSnapshot, ctx));
    if (had) this.items.detach(old);
    this.items.attach(made.value, this, k);
    this.entries.set(k, made.value);
    sink?.ops.push({ op: had ? 'replace' : 'add', path, value: this.items.json(made.value) });
    const effect: Op = { type: 'map/set', key: k, ...this.items.content(made.value) };
    return appliedSelf(effect, restore);
  }

  child(segment: string): Machine | undefined {
    return this.items.machines ? machineOf(this.entries.get(segment)) : undefined;
  }

  toJSON(): Json {
    const out: Record<string, Json> = {};
    for (const k of this.keys()) setOwn(out, k, this.items.json(this.entries.get(k) as V));
    return out;
  }

  snapshot(): Json {
    const out: Record<string, Json> = {};
    for (const k of this.keys()) setOwn(out, k, this.items.snapshot(this.entries.get(k) as V));
    return out;
  }

  load(snapshot: unknown): void {
    this.fill(snapshot, true, null);
  }

  init(value: unknown, ctx: ApplyContext): void {
    this.fill(value, false, ctx);
  }

  private fill(input: unknown, fromSnapshot: boolean, ctx: ApplyContext | null): void {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      if (fromSnapshot) badSnapshot('map', 'expected an object');
      throw new Conflict('invalid_value', 'a map needs an object of entries', { path: [] });
    }
    // Built aside and swapped in, so a bad entry leaves the map as it was.
    const next = new JsMap<string, V>();
    for (const k of Object.keys(input)) {
      if (k.length > MAX_MAP_KEY) {
        const problem = `key longer than ${MAX_MAP_KEY} characters`;
        if (fromSnapshot) badSnapshot('map', problem);
        throw new Conflict('invalid_value', `a map ${problem}`, { path: [] });
      }
      const v = (input as Record<string, unknown>)[k];
      next.set(k, fromSnapshot ? loadItem(this.items, k, v) : nested(k, () => this.items.make(v, false, ctx as ApplyContext).value));
    }
    for (const v of this.entries.values()) this.items.detach(v);
    this.entries.clear();
    for (const [k, v] of next) {
      this.items.attach(v, this, k);
      this.entries.set(k, v);
    }
  }
}

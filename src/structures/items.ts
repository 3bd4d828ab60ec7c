/**
 * Item kinds of the containers (List, Map, Tree): items are plain JSON values, or machines of
 * one declared kind (`List.of(Todo)`, `Map.of(Counter)`, `Map.of(() => new Counter({ min: 0 }))`).
 */
import { LockstepError } from '../errors.js';
import { toJsonValue } from './json.js';
import { machineOf, REMOVED, type ApplyContext, type Json, type Machine } from './machine.js';

/** A machine class (`Counter`, a `@stateMachine` class) or a factory returning a fresh machine. */
export type ItemFactory<T> = (new () => T) | (() => T);

/** What a container holds: JSON values (`kind === null`) or machines made by `kind`. */
export class ItemKind<T = unknown> {
  constructor(readonly factory: ItemFactory<T> | null) {}

  /** True when items are machines. */
  get machines(): boolean {
    return this.factory !== null;
  }

  /** A fresh machine item and its machine node. */
  create(): { value: T; machine: Machine } {
    const f = this.factory as ItemFactory<T>;
    const value = f.prototype ? new (f as new () => T)() : (f as () => T)();
    const machine = machineOf(value);
    if (!machine) {
      throw new LockstepError(
        'invalid_definition',
        'an item factory must make a machine (a primitive or a @stateMachine class instance)',
      );
    }
    return { value, machine };
  }

  /**
   * Turns an op's `value` (JSON view) or `snapshot` into a stored item: a frozen JSON copy, or a
   * new machine loaded from it. `fromSnapshot` picks `load` over `init`.
   */
  make(input: unknown, fromSnapshot: boolean, ctx: ApplyContext): { value: T; machine: Machine | undefined } {
    if (!this.factory) return { value: toJsonValue(input, 'item value') as T, machine: undefined };
    const item = this.create();
    if (fromSnapshot) item.machine.load(input);
    else item.machine.init(input, ctx);
    return item;
  }

  /** The JSON view of a stored item. */
  json(value: T): Json {
    return this.factory ? (machineOf(value) as Machine).toJSON() : (value as Json);
  }

  /** The full snapshot of a stored item (the value itself for JSON items). */
  snapshot(value: T): Json {
    return this.factory ? (machineOf(value) as Machine).snapshot() : (value as Json);
  }

  /** An item's content as ops carry it: `{ snapshot }` for machines, `{ value }` for JSON. */
  content(value: T): { snapshot: Json } | { value: Json } {
    return this.factory ? { snapshot: this.snapshot(value) } : { value: value as Json };
  }

  /** Hangs a stored item's machine (if it is one) below `parent` at `segment`. */
  attach(value: T, parent: Machine, segment: string): void {
    const m = machineOf(value);
    if (m) m.owner = { parent, segment };
  }

  /** Marks a stored item's machine (if it is one) as no longer in its container. */
  detach(value: T): void {
    const m = machineOf(value);
    if (m) m.owner = REMOVED;
  }
}

/** The JSON-value item kind. */
export const jsonItems = new ItemKind<Json>(null);

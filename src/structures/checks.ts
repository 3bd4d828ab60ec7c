/**
 * Checks shared by List and Tree: op schemas of ids and keys, ids and keys of ops
 * (`invalid_op`), the order of snapshot entries, and loading an item from a snapshot entry
 * (`invalid_snapshot` naming its id).
 */
import { LockstepError } from '../errors.js';
import { isValidKey } from './fractional.js';
import { ID_PATTERN, isValidId } from './ids.js';
import type { ItemKind } from './items.js';
import { badSnapshot, detachedContext, nested, type ApplyContext } from './machine.js';
import type { JsonSchema } from './schema.js';

/** JSON Schema of an item id. */
export const idSchema: JsonSchema = { type: 'string', pattern: ID_PATTERN };

/** JSON Schema of a fractional index key (its structure is checked when applied). */
export const keySchema: JsonSchema = { type: 'string', pattern: '^[0-9A-Za-z]+$' };

/** JSON Schema of one op variant: `type` is `type`, all `properties` required, nothing else. */
export function opVariant(type: string, properties: Record<string, JsonSchema>): JsonSchema {
  return {
    type: 'object',
    properties: { type: { const: type }, ...properties },
    required: ['type', ...Object.keys(properties)],
    additionalProperties: false,
  };
}

/** Throws `invalid_op` with `message`. */
export function invalidOp(message: string): never {
  throw new LockstepError('invalid_op', message, { problem: message, path: [] });
}

/** `invalid_op` unless `id` is a valid item id. */
export function checkId(id: unknown, what = 'id'): void {
  if (!isValidId(id)) invalidOp(`${what} ${JSON.stringify(id)} is not a valid id (1-64 of A-Za-z0-9_-)`);
}

/** `invalid_op` unless `key` is a valid fractional index key. */
export function checkKey(key: unknown): void {
  if (!isValidKey(key)) invalidOp(`key ${JSON.stringify(key)} is not a fractional index key`);
}

/** True when `a` sorts before (key, id). */
export function sortsBefore(a: { key: string; id: string }, key: string, id: string): boolean {
  return a.key < key || (a.key === key && a.id < id);
}

/**
 * The item an insert op brings: its `value` (a JSON copy, or a machine initialised from it) or
 * its `snapshot` (a machine loaded from it); a machine's errors are prefixed with `id`.
 */
export function makeItem<T>(items: ItemKind<T>, op: { id: string; value?: unknown; snapshot?: unknown }, ctx: ApplyContext): T {
  const fromSnapshot = 'snapshot' in op;
  const input = fromSnapshot ? op.snapshot : op.value;
  if (!items.machines) return items.make(input, fromSnapshot, ctx).value;
  return nested(op.id, () => items.make(input, fromSnapshot, ctx).value);
}

/** An item loaded from a snapshot entry; a bad one is `invalid_snapshot` at the item's `id`. */
export function loadItem<T>(items: ItemKind<T>, id: string, content: unknown): T {
  return nested(id, () => {
    try {
      return items.make(content, true, detachedContext).value;
    } catch (err) {
      if (err instanceof LockstepError && err.code === 'invalid_value') badSnapshot('item', err.message);
      throw err;
    }
  });
}

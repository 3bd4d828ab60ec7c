/**
 * JSON value checks shared by the primitives: a value that enters the state must be plain JSON
 * (finite numbers, no `undefined`, no class instances, bounded depth). It is copied and frozen,
 * so later changes to the caller's object cannot reach the state. `__proto__` keys are kept as
 * own data properties, never as prototypes.
 */
import { LockstepError } from '../errors.js';
import type { Json } from './machine.js';

/** The deepest nesting a JSON value may have. */
export const MAX_JSON_DEPTH = 64;

/** Sets `obj[key] = value` as an own data property, safely for `__proto__`. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function fail(where: string, problem: string): never {
  throw new LockstepError('invalid_value', `${where} is not plain JSON: ${problem}`, {
    problem: `${where} is not plain JSON: ${problem}`,
    path: [],
  });
}

function copy(value: unknown, where: string, depth: number): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(where, `${value} is not a finite number`);
    return value + 0; // -0 becomes 0: JSON has no -0, and every replica must hold the same value
  }
  if (value === undefined) fail(where, 'undefined cannot be stored (use null)');
  if (typeof value !== 'object') fail(where, `a ${typeof value} cannot be stored`);
  if (depth >= MAX_JSON_DEPTH) fail(where, `nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) {
    const out: Json[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) fail(where, `sparse array at index ${i}`);
      out[i] = copy(value[i], where, depth + 1);
    }
    return Object.freeze(out) as Json;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) fail(where, 'only plain objects and arrays can be stored');
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value)) {
    setOwn(out, key, copy((value as Record<string, unknown>)[key], where, depth + 1));
  }
  return Object.freeze(out);
}

/** Checks that `value` is plain JSON and returns a frozen deep copy; `invalid_value` otherwise. */
export function toJsonValue(value: unknown, where = 'value'): Json {
  return copy(value, where, 0);
}

/** True when two JSON values are deeply equal. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

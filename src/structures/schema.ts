/**
 * lockstep's ajv. Op, snapshot and field schemas are compiled once (cached by schema object) and
 * every validation failure becomes a `LockstepError` with a readable message. lockstep's own
 * schemas (`ownSchema`) compile without checking them against the JSON Schema meta-schema.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LockstepError, type ErrorCode } from '../errors.js';

/** A JSON Schema (draft-07 subset that ajv accepts in strict mode). */
export type JsonSchema = Record<string, unknown>;

const options = { allErrors: false, strict: true, allowUnionTypes: true } as const;
const ajv = new Ajv(options);
const cache = new WeakMap<object, ValidateFunction>();
/** The schemas marked by `ownSchema`, and the ajv that compiles them (made on first use). */
const own = new WeakSet<object>();
const trusted: { ajv: Ajv | null } = { ajv: null };

/**
 * Marks `schema` as one of lockstep's own constants, which its tests check against the meta-schema:
 * compiling it skips that check, whose first run in a process compiles the meta-schema (~40 ms).
 */
export function ownSchema(schema: JsonSchema): JsonSchema {
  own.add(schema);
  return schema;
}

/** Compiles (once) and returns a validator for `schema`; `invalid_definition` when it is no schema. */
export function compileSchema(schema: JsonSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    try {
      fn = own.has(schema) ? (trusted.ajv ??= new Ajv({ ...options, validateSchema: false })).compile(schema) : ajv.compile(schema);
    } catch (err) {
      throw new LockstepError('invalid_definition', `invalid JSON Schema: ${(err as Error).message}`);
    }
    cache.set(schema, fn);
  }
  return fn;
}

/** One readable sentence for ajv's first error. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'does not match its schema';
  const where = e.instancePath ? `at ${e.instancePath} ` : '';
  const extra =
    e.keyword === 'additionalProperties'
      ? ` ('${String((e.params as { additionalProperty: string }).additionalProperty)}')`
      : e.keyword === 'enum'
        ? ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`
        : '';
  return `${where}${e.message ?? 'is invalid'}${extra}`;
}

/** Validates `value` against `schema`, throwing `LockstepError(code)` with `what` (or what it returns) in the message. */
export function assertSchema(schema: JsonSchema, value: unknown, code: ErrorCode, what: string | (() => string)): void {
  const fn = compileSchema(schema);
  if (!fn(value)) {
    const problem = `${typeof what === 'string' ? what : what()} ${describeErrors(fn.errors)}`;
    throw new LockstepError(code, problem, { problem, path: [] });
  }
}

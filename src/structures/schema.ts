/**
 * The one ajv instance of lockstep. Op, snapshot and field schemas are compiled once (cached by
 * schema object) and every validation failure becomes a `LockstepError` with a readable message.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LockstepError, type ErrorCode } from '../errors.js';

/** A JSON Schema (draft-07 subset that ajv accepts in strict mode). */
export type JsonSchema = Record<string, unknown>;

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const cache = new WeakMap<object, ValidateFunction>();

/** Compiles (once) and returns a validator for `schema`; `invalid_definition` when it is no schema. */
export function compileSchema(schema: JsonSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    try {
      fn = ajv.compile(schema);
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

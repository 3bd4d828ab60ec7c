/**
 * Atom<T>: one JSON value replaced as a whole (`atom/set {value}`) or edited with an RFC 6902
 * patch (`atom/patch {patch}`). An optional JSON Schema is enforced on every change.
 * Conflicts: `invalid_value` (not JSON, or fails the schema), `patch_failed`.
 */
import jsonpatch from 'fast-json-patch';
import { Conflict, LockstepError } from '../../errors.js';
import { toJsonValue } from '../json.js';
import { appliedSelf, BaseMachine, type Applied, type Json, type PatchOp, type PatchSink } from '../machine.js';
import { compileSchema, describeErrors, ownSchema, type JsonSchema } from '../schema.js';

/** One RFC 6902 operation, as `atom.patch` accepts it (all six ops). */
export type JsonPatchOp = PatchOp | { op: 'copy'; from: string; path: string } | { op: 'test'; path: string; value: Json };

/** Ops of an Atom. */
export type AtomOp = { type: 'atom/set'; value: Json } | { type: 'atom/patch'; patch: JsonPatchOp[] };

/** Options of an Atom. */
export interface AtomOptions {
  /** A JSON Schema every value must satisfy (`invalid_value` otherwise). */
  schema?: JsonSchema;
}

/** JSON Schema of Atom ops. */
export const atomOpSchema: JsonSchema = ownSchema({
  oneOf: [
    {
      type: 'object',
      properties: { type: { const: 'atom/set' }, value: {} },
      required: ['type', 'value'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { const: 'atom/patch' },
        patch: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            properties: {
              op: { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
              path: { type: 'string' },
              from: { type: 'string' },
              value: {},
            },
            required: ['op', 'path'],
            additionalProperties: false,
          },
        },
      },
      required: ['type', 'patch'],
      additionalProperties: false,
    },
  ],
});

/** A replicated JSON value. */
export class Atom<T = Json> extends BaseMachine {
  readonly kind = 'atom';
  private current: Json;
  private schema: JsonSchema | undefined;

  constructor(initial: T, options: AtomOptions = {}) {
    super();
    this.schema = options.schema;
    try {
      this.current = this.check(initial, LockstepError);
    } catch (err) {
      throw new LockstepError('invalid_definition', `atom initial value: ${(err as Error).message}`);
    }
  }

  get opSchema(): JsonSchema {
    return atomOpSchema;
  }

  /** The current value (frozen: change it with `set` or `patch`). */
  get value(): T {
    return this.current as T;
  }

  /** Adds a JSON Schema after construction (used by `@field({ schema })`); checks the current value. */
  withSchema(schema: JsonSchema): this {
    this.schema = schema;
    this.check(this.current, LockstepError);
    return this;
  }

  /** Replaces the value. */
  set(value: T): void {
    this.submit({ type: 'atom/set', value: value as Json });
  }

  /** Edits the value with RFC 6902 operations. */
  patch(ops: JsonPatchOp[]): void {
    this.submit({ type: 'atom/patch', patch: ops });
  }

  apply(raw: AtomOp | { type: string }, _ctx: unknown, sink?: PatchSink): Applied {
    const op = raw as AtomOp;
    const old = this.current;
    let next: Json;
    // The effect holds copies, never the caller's objects (which the caller may change later).
    let effect: AtomOp;
    if (op.type === 'atom/set') {
      next = this.check(op.value, Conflict);
      effect = { type: 'atom/set', value: next };
    } else {
      // Values inside the patch must be JSON too (and bounded in depth) before fast-json-patch
      // walks them.
      effect = { type: 'atom/patch', patch: op.patch.map((p) => toJsonValue(p, 'patch operation') as JsonPatchOp) };
      let patched: unknown;
      try {
        // fast-json-patch inserts the patch's own values and may edit them in place later in the
        // same patch (silently doing nothing when they are frozen): give it a private copy.
        const ops = jsonpatch.deepClone(effect.patch) as jsonpatch.Operation[];
        patched = jsonpatch.applyPatch(jsonpatch.deepClone(old), ops, true, true, true).newDocument;
      } catch (err) {
        throw new Conflict('patch_failed', `patch does not apply: ${(err as Error).message.split('\n')[0]}`);
      }
      next = this.check(patched, Conflict);
    }
    this.current = next;
    if (sink) sink.ops.push({ op: 'replace', path: sink.prefix, value: next });
    return appliedSelf(effect, { type: 'atom/set', value: old });
  }

  private check(value: unknown, Err: typeof LockstepError): Json {
    const json = toJsonValue(value, 'atom value');
    if (this.schema) {
      const validate = compileSchema(this.schema);
      if (!validate(json)) {
        const problem = `atom value ${describeErrors(validate.errors)}`;
        throw new Err('invalid_value', problem, { problem, path: [] });
      }
    }
    return json;
  }

  toJSON(): Json {
    return this.current;
  }

  snapshot(): Json {
    return this.current;
  }

  load(snapshot: unknown): void {
    try {
      this.current = this.check(snapshot, LockstepError);
    } catch (err) {
      const problem = `atom: ${(err as Error).message}`;
      throw new LockstepError('invalid_snapshot', problem, { problem, path: [] });
    }
  }

  init(value: unknown): void {
    this.current = this.check(value, Conflict);
  }
}

/**
 * StructNode: the machine behind an instance of a `@stateMachine` class. Its children are the
 * declared fields; its only op is `{ type: 'call', method, args }`, which runs a `@transition`
 * method body inside the running transition (the mutations it makes are the effects).
 */
import { Conflict, LockstepError } from '../errors.js';
import { Atom } from '../structures/atom/Atom.js';
import { setOwn, toJsonValue } from '../structures/json.js';
import {
  badSnapshot,
  machineOf,
  nested,
  pointerToken,
  setMachineResolver,
  type Applied,
  type ApplyContext,
  type Json,
  type Machine,
  type Op,
  type Owner,
} from '../structures/machine.js';
import { assertSchema, ownSchema, type JsonSchema } from '../structures/schema.js';
import { classInfo, type ClassInfo } from './metadata.js';

/** The op of a `@transition` method call. */
export interface CallOp {
  type: 'call';
  method: string;
  args: Json[];
}

/** JSON Schema of call ops (the arguments are checked against each method's own schemas). */
export const callOpSchema: JsonSchema = ownSchema({
  type: 'object',
  properties: {
    type: { const: 'call' },
    method: { type: 'string', minLength: 1, maxLength: 128 },
    args: { type: 'array', maxItems: 64 },
  },
  required: ['type', 'method', 'args'],
  additionalProperties: false,
});

const nodes = new WeakMap<object, StructNode>();

/** The machine node of a `@stateMachine` instance. */
export class StructNode implements Machine {
  readonly kind = 'struct';
  owner: Owner = null;
  private readonly fields = new globalThis.Map<string, Machine>();

  constructor(
    readonly instance: object,
    readonly info: ClassInfo,
  ) {
    const name = instance.constructor.name || 'anonymous class';
    for (const f of info.fields) {
      let value = (instance as Record<string, unknown>)[f.name];
      if (value === undefined && typeof f.designType === 'function') {
        // No initialiser, but the compiler said which class it is (emitDecoratorMetadata):
        // `@field() score!: Counter` gets a fresh one, if that class is a machine.
        const made = new (f.designType as new () => unknown)();
        if (machineOf(made)) value = made;
      }
      const m = machineOf(value);
      if (!m) {
        throw new LockstepError(
          'invalid_definition',
          `field '${f.name}' of ${name} must be initialised with a machine, e.g. \`@field() ${f.name} = new Counter()\``,
        );
      }
      if (f.options.schema) {
        if (!(m instanceof Atom)) {
          throw new LockstepError('invalid_definition', `field '${f.name}' of ${name}: only Atom fields take a schema`);
        }
        try {
          m.withSchema(f.options.schema);
        } catch (err) {
          throw new LockstepError(
            'invalid_definition',
            `field '${f.name}' of ${name}: the initial value does not fit its schema (${(err as Error).message})`,
          );
        }
      }
      m.owner = { parent: this, segment: f.name };
      this.fields.set(f.name, m);
      // Fields are fixed: replacing one would cut it off from the doc.
      Object.defineProperty(instance, f.name, { value, writable: false, enumerable: true, configurable: false });
    }
  }

  get opSchema(): JsonSchema {
    return callOpSchema;
  }

  apply(raw: Op, _ctx: ApplyContext): Applied {
    const op = raw as unknown as CallOp;
    const t = this.info.transitions.get(op.method);
    if (!t) throw new LockstepError('invalid_op', `${this.instance.constructor.name} has no transition '${op.method}'`);
    const schemas = t.options.args;
    if (schemas && op.args.length > schemas.length) {
      throw new LockstepError('invalid_args', `'${op.method}' takes at most ${schemas.length} arguments`);
    }
    // Every argument that has a schema is required: a missing one would skip its validation.
    if (schemas && op.args.length < schemas.length) {
      throw new LockstepError('invalid_args', `'${op.method}' takes ${schemas.length} arguments, got ${op.args.length}`);
    }
    // By index, not `map`: a hole in a sparse array must be refused, not skipped.
    const args: Json[] = [];
    for (let i = 0; i < op.args.length; i++) {
      const what = `argument ${i} of '${op.method}'`;
      let value: Json;
      try {
        value = toJsonValue(op.args[i], what);
      } catch (err) {
        throw new LockstepError('invalid_args', (err as Error).message);
      }
      const schema = schemas?.[i];
      if (schema) assertSchema(schema, value, 'invalid_args', what);
      args.push(value);
    }
    t.body.apply(this.instance, args);
    // The body's mutations were applied (and recorded) by the running transition itself.
    return { effects: [], inverse: [] };
  }

  child(segment: string): Machine | undefined {
    return this.fields.get(segment);
  }

  pointer(segment: string): string[] {
    return [pointerToken(segment)];
  }

  toJSON(): Json {
    const out: Record<string, Json> = {};
    for (const [k, m] of this.fields) setOwn(out, k, m.toJSON());
    return out;
  }

  snapshot(): Json {
    const out: Record<string, Json> = {};
    for (const [k, m] of this.fields) setOwn(out, k, m.snapshot());
    return out;
  }

  load(snapshot: unknown): void {
    if (snapshot === null || typeof snapshot !== 'object' || Array.isArray(snapshot)) {
      badSnapshot(this.instance.constructor.name, 'expected an object of fields');
    }
    for (const k of Object.keys(snapshot)) {
      if (!this.fields.has(k)) badSnapshot(this.instance.constructor.name, `unknown field '${k}'`);
    }
    for (const [k, m] of this.fields) {
      if (!Object.prototype.hasOwnProperty.call(snapshot, k)) badSnapshot(this.instance.constructor.name, `missing field '${k}'`);
      nested(k, () => m.load((snapshot as Record<string, unknown>)[k]));
    }
  }

  /** Loads a JSON view; fields it leaves out keep their initial values. */
  init(value: unknown, ctx: ApplyContext): void {
    const name = this.instance.constructor.name;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Conflict('invalid_value', `a ${name} needs an object of fields`, { path: [] });
    }
    for (const k of Object.keys(value)) {
      const m = this.fields.get(k);
      if (!m) throw new Conflict('invalid_value', `${name} has no field '${k}'`, { path: [] });
      nested(k, () => m.init((value as Record<string, unknown>)[k], ctx));
    }
  }
}

/** The node of a `@stateMachine` instance, made on first use; undefined for other objects. */
export function structNodeOf(instance: object): StructNode | undefined {
  let node = nodes.get(instance);
  if (!node) {
    const ctor: unknown = instance.constructor;
    if (typeof ctor !== 'function') return undefined;
    const info = classInfo(ctor);
    if (!info) return undefined;
    node = new StructNode(instance, info);
    nodes.set(instance, node);
  }
  return node;
}

setMachineResolver(structNodeOf);

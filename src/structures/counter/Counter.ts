/**
 * Counter: a number changed by `counter/add {n}` and `counter/set {value}`, with optional
 * bounds. JSON view: the number. Conflicts: `out_of_range` (outside min/max), `invalid_value`
 * (not finite).
 */
import { Conflict, LockstepError } from '../../errors.js';
import { appliedSelf, badSnapshot, BaseMachine, type Applied, type Json, type PatchSink } from '../machine.js';
import { ownSchema, type JsonSchema } from '../schema.js';

/** Ops of a Counter. */
export type CounterOp = { type: 'counter/add'; n: number } | { type: 'counter/set'; value: number };

/** Options of a Counter. */
export interface CounterOptions {
  min?: number;
  max?: number;
}

/** JSON Schema of Counter ops. */
export const counterOpSchema: JsonSchema = ownSchema({
  oneOf: [
    {
      type: 'object',
      properties: { type: { const: 'counter/add' }, n: { type: 'number' } },
      required: ['type', 'n'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { const: 'counter/set' }, value: { type: 'number' } },
      required: ['type', 'value'],
      additionalProperties: false,
    },
  ],
});

/** A replicated number with optional bounds. */
export class Counter extends BaseMachine {
  readonly kind = 'counter';
  get opSchema(): JsonSchema {
    return counterOpSchema;
  }
  private current: number;
  readonly min: number;
  readonly max: number;

  constructor(initial: number | CounterOptions = 0, options: CounterOptions = {}) {
    super();
    const opts = typeof initial === 'number' ? options : initial;
    this.min = opts.min ?? -Infinity;
    this.max = opts.max ?? Infinity;
    if (Number.isNaN(this.min) || Number.isNaN(this.max) || this.min > this.max) {
      throw new LockstepError('invalid_definition', `counter bounds [${this.min}, ${this.max}] are empty`);
    }
    // Without an initial value: 0, pulled into the bounds.
    const start = typeof initial === 'number' ? initial : Math.min(Math.max(0, this.min), this.max);
    try {
      this.check(start);
    } catch (err) {
      throw new LockstepError('invalid_definition', `counter initial value: ${(err as Error).message}`);
    }
    this.current = start + 0; // +0 turns -0 into 0, as JSON would
  }

  /** The current value. */
  get value(): number {
    return this.current;
  }

  /** Adds `n` (may be negative). */
  add(n: number): void {
    this.submit({ type: 'counter/add', n });
  }

  /** Sets the value. */
  set(value: number): void {
    this.submit({ type: 'counter/set', value });
  }

  apply(raw: CounterOp | { type: string }, _ctx: unknown, sink?: PatchSink): Applied {
    const op = raw as CounterOp;
    const old = this.current;
    // +0 turns -0 into 0: JSON has no -0, so every replica must hold the same 0.
    const next = (op.type === 'counter/add' ? old + op.n : op.value) + 0;
    this.check(next);
    this.current = next;
    if (sink) sink.ops.push({ op: 'replace', path: sink.prefix, value: next });
    // An integer add is undone by the opposite add (so undo composes with others' adds);
    // anything inexact is undone by setting the old value back.
    const exact =
      op.type === 'counter/add' &&
      Number.isSafeInteger(op.n) &&
      Number.isSafeInteger(old) &&
      Number.isSafeInteger(next);
    return appliedSelf(op, exact ? { type: 'counter/add', n: -op.n } : { type: 'counter/set', value: old });
  }

  private check(v: number): void {
    if (!Number.isFinite(v)) throw new Conflict('invalid_value', `counter value ${v} is not a finite number`);
    if (v < this.min || v > this.max) {
      throw new Conflict('out_of_range', `counter value ${v} is outside [${this.min}, ${this.max}]`, {
        min: this.min,
        max: this.max,
      });
    }
  }

  toJSON(): Json {
    return this.current;
  }

  snapshot(): Json {
    return this.current;
  }

  load(snapshot: unknown): void {
    if (typeof snapshot !== 'number' || !Number.isFinite(snapshot)) badSnapshot('counter', 'expected a finite number');
    if (snapshot < this.min || snapshot > this.max) badSnapshot('counter', `${snapshot} is outside its bounds`);
    this.current = snapshot + 0;
  }

  init(value: unknown): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Conflict('invalid_value', 'a counter needs a finite number');
    this.check(value);
    this.current = value + 0;
  }
}

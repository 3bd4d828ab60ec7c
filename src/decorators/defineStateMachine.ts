/**
 * `defineStateMachine({ fields, transitions })`: the same result as a decorated class, without
 * decorator syntax.
 *
 * ```ts
 * const Todo = defineStateMachine({
 *   fields: { title: () => new Atom(''), done: () => new Atom(false) },
 *   transitions: { toggle: { run() { this.done.set(!this.done.value); } } },
 * });
 * ```
 */
import { LockstepError } from '../errors.js';
import { declareField, declareTransition, type FieldOptions, type TransitionOptions } from './metadata.js';
import { wrapTransition } from './transition.js';

/** A field: a factory of its initial machine, or that plus options. */
export type FieldSpec = (() => object) | ({ init: () => object } & FieldOptions);

/**
 * A transition: the method body, or that plus options. Inside it `this` is the machine (typed
 * through `ThisType` on `transitions`, so the body needs no `this` annotation).
 */
export type TransitionSpec = ((...args: any[]) => void) | ({ run(...args: any[]): void } & TransitionOptions);

/** The instance type of a defined machine: its fields (as machines) and its transitions. */
export type Defined<F extends Record<string, FieldSpec>, T> = {
  readonly [K in keyof F]: F[K] extends () => infer M ? M : F[K] extends { init: () => infer M } ? M : never;
} & { [K in keyof T]: T[K] extends { run: infer R } ? R : T[K] };

/** Defines a state machine class without decorators. */
export function defineStateMachine<
  F extends Record<string, FieldSpec>,
  T extends Record<string, TransitionSpec> = Record<never, never>,
>(spec: { name?: string; fields: F; transitions?: T & ThisType<Defined<F, T>> }): new () => Defined<F, T> {
  const fieldEntries = Object.entries(spec.fields);
  const Machine = class {
    constructor() {
      for (const [name, f] of fieldEntries) {
        const init = typeof f === 'function' ? f : f.init;
        Object.defineProperty(this, name, { value: init(), writable: true, enumerable: true, configurable: true });
      }
    }
  };
  if (spec.name) Object.defineProperty(Machine, 'name', { value: spec.name });
  for (const [name, f] of fieldEntries) {
    declareField({ ctor: Machine }, name, typeof f === 'function' ? {} : { schema: f.schema });
  }
  for (const [name, t] of Object.entries((spec.transitions ?? {}) as Record<string, TransitionSpec | null>)) {
    const body = (typeof t === 'function' ? t : t?.run) as (...args: unknown[]) => unknown;
    if (typeof body !== 'function') throw new LockstepError('invalid_definition', `transition '${name}' needs a function`);
    declareTransition({ ctor: Machine }, { name, options: typeof t === 'function' ? {} : { args: t?.args }, body });
    Object.defineProperty(Machine.prototype, name, { value: wrapTransition(name, body), writable: true, configurable: true });
  }
  return Machine as unknown as new () => Defined<F, T>;
}

/**
 * `@field(options?)`: declares a replicated field. Its kind comes from its initial value
 * (`@field() score = new Counter()`). Works as a TC39 standard decorator and under
 * `experimentalDecorators`, told apart at run time by the arguments.
 */
import { LockstepError } from '../errors.js';
import { declareField, type FieldOptions } from './metadata.js';

/** True when a decorator was called the TC39 way (`(value, context)`). */
export function isStandardContext(ctx: unknown): ctx is { kind: string; name: string | symbol; metadata?: object } {
  return typeof ctx === 'object' && ctx !== null && 'kind' in ctx;
}

/** Declares a replicated field. */
export function field(options: FieldOptions = {}) {
  return function (target: unknown, context: unknown): void {
    if (isStandardContext(context)) {
      if (context.kind !== 'field' || typeof context.name !== 'string') {
        throw new LockstepError('invalid_definition', '@field() decorates class fields with string names');
      }
      if (!context.metadata) throw new LockstepError('invalid_definition', 'decorator metadata is unavailable');
      declareField({ metadata: context.metadata }, context.name, options);
      return;
    }
    if (typeof context !== 'string' || typeof target !== 'object' || target === null) {
      throw new LockstepError('invalid_definition', '@field() decorates instance fields with string names');
    }
    declareField({ ctor: (target as { constructor: object }).constructor }, context, options);
  };
}

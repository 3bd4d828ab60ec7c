/**
 * `@stateMachine()`: marks a class whose instances are machines (their fields are declared
 * with `@field`, their atomic changes with `@transition`). Checks at definition time that the
 * class declares something, so a forgotten `@field` is found early.
 */
import { LockstepError } from '../errors.js';
import { isStandardContext } from './field.js';
import { classInfo } from './metadata.js';

/** Marks a state machine class. */
export function stateMachine() {
  return function <C extends abstract new (...args: any[]) => object>(cls: C, context?: unknown): C {
    if (isStandardContext(context)) {
      if (context.kind !== 'class') throw new LockstepError('invalid_definition', '@stateMachine() decorates classes');
      // TC39: Symbol.metadata is attached after class decorators run; check on first use.
      return cls;
    }
    if (!classInfo(cls)) {
      throw new LockstepError('invalid_definition', `${cls.name} declares no @field or @transition`);
    }
    return cls;
  };
}

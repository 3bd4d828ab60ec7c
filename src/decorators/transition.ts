/**
 * `@transition(options?)`: makes a method one atomic transition. Called on a live object it
 * becomes the op `{ type: 'call', method, args }` at the object's path and goes through the
 * doc; inside a running transition it runs directly, so nested calls join the outer one.
 */
import { LockstepError } from '../errors.js';
import { Applier } from '../structures/Applier.js';
import { detachedContext, locate, type Json, type Machine, type Op } from '../structures/machine.js';
import { isStandardContext } from './field.js';
import { declareTransition, type TransitionOptions } from './metadata.js';
import { structNodeOf } from './StructNode.js';

type Body = (...args: unknown[]) => unknown;

function rootOf(m: Machine): Machine {
  let root = m;
  while (root.owner && 'parent' in root.owner) root = root.owner.parent;
  return root;
}

/** The method that replaces a transition body: dispatch, or run inside the running transition. */
export function wrapTransition(name: string, body: Body): Body {
  return function (this: object, ...args: unknown[]): unknown {
    const node = structNodeOf(this);
    if (!node) return body.apply(this, args);
    const { path, dispatcher } = locate(node);
    if (dispatcher?.running) return body.apply(this, args);
    const op: Op = { type: 'call', method: name, args: args as Json[] };
    if (dispatcher) {
      dispatcher.dispatch(path, op);
      return undefined;
    }
    // Detached (not in a doc): run it atomically in a private applier.
    const root = rootOf(node);
    const applier: Applier = new Applier(root, (p, o) => applier.apply([{ path: p, op: o }], detachedContext));
    root.owner = { dispatcher: applier };
    try {
      applier.apply([{ path, op }], detachedContext);
    } finally {
      root.owner = null;
    }
    return undefined;
  };
}

/** Declares a transition method (arguments validated against `options.args`). */
export function transition(options: TransitionOptions = {}) {
  return function (target: unknown, context: unknown, descriptor?: PropertyDescriptor): any {
    if (isStandardContext(context)) {
      if (context.kind !== 'method' || typeof context.name !== 'string' || typeof target !== 'function') {
        throw new LockstepError('invalid_definition', '@transition() decorates methods with string names');
      }
      if (!context.metadata) throw new LockstepError('invalid_definition', 'decorator metadata is unavailable');
      declareTransition({ metadata: context.metadata }, { name: context.name, options, body: target as Body });
      return wrapTransition(context.name, target as Body);
    }
    if (typeof context !== 'string' || !descriptor || typeof descriptor.value !== 'function') {
      throw new LockstepError('invalid_definition', '@transition() decorates methods with string names');
    }
    const body = descriptor.value as Body;
    declareTransition({ ctor: (target as { constructor: object }).constructor }, { name: context, options, body });
    return { ...descriptor, value: wrapTransition(context, body) };
  };
}

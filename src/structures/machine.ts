/**
 * The machine contract every primitive (and every `@stateMachine` class, through its node)
 * implements. A machine changes only through `apply(op, ctx)`, which either applies fully and
 * returns `{ effects, inverse }` or throws a `Conflict` and leaves the state untouched.
 * See DESIGN.md §3 and docs/ARCHITECTURE.md.
 */
import { LockstepError } from '../errors.js';
import { assertSchema, type JsonSchema } from './schema.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Segments from the root to a machine: field names, Map keys, List item ids, Tree node ids. */
export type Path = string[];

/** A plain JSON object describing one change to one machine, `{ type: 'counter/add', n: 1 }`. */
export interface Op {
  type: string;
  [field: string]: unknown;
}

/** An op addressed to the machine at `path`. */
export interface Transition<O extends Op = Op> {
  path: Path;
  op: O;
}

/** A transition that was actually applied, fully resolved. */
export type Effect = Transition;

/** What a transition may depend on, and nothing else. */
export interface ApplyContext {
  /** The author of the transition (`'server'` for the authority's own changes). */
  readonly clientId: string;
  /** Milliseconds since the epoch, stamped by whoever orders the transition. */
  readonly time: number;
  /** The version the transition is applied at. */
  readonly version: number;
  /** A seeded random number in [0, 1): the same on every replica for the same transition. */
  random(): number;
}

/** The result of applying an op: effects and inverse, with paths relative to the machine. */
export interface Applied {
  effects: Transition[];
  inverse: Transition[];
}

/** One RFC 6902 operation (the subset lockstep emits). */
export type PatchOp =
  | { op: 'add'; path: string; value: Json }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: Json }
  | { op: 'move'; from: string; path: string };

/**
 * Where a machine writes the JSON Patch of an op it applies, when somebody asked for patches.
 * `prefix` is the JSON pointer of the machine itself (`''` for the root).
 */
export interface PatchSink {
  prefix: string;
  ops: PatchOp[];
}

/** Routes an op built by a mutation method (`counter.add(1)`) to whoever owns the tree. */
export interface Dispatcher {
  dispatch(path: Path, op: Op): void;
  /** True while a transition runs: mutations then apply directly into it. */
  readonly running: ApplyContext | null;
}

/** Where a machine hangs: its parent machine and its segment there, or a dispatcher at the root. */
export type Owner = { parent: Machine; segment: string } | { dispatcher: Dispatcher } | typeof REMOVED | null;

/** The owner of a machine its container let go of (deleted, replaced, or rebuilt by a rebase). */
export const REMOVED = Object.freeze({ removed: true as const });

/** The contract of every machine. */
export interface Machine {
  /** `'atom' | 'counter' | 'list' | 'map' | 'tree' | 'text' | 'struct'`. */
  readonly kind: string;
  /** JSON Schema of the ops this machine accepts; every op from outside is validated with it. */
  readonly opSchema: JsonSchema;
  /**
   * Optional fast check: true only when `op` satisfies `opSchema`, so validating it can skip the
   * schema; false leaves the decision (and the error message) to the schema.
   */
  opShaped?(op: Op): boolean;
  /** Where this machine is attached; set by its parent or its doc. */
  owner: Owner;
  /** Applies `op`; throws `Conflict`/`LockstepError` and changes nothing when it cannot. */
  apply(op: Op, ctx: ApplyContext, sink?: PatchSink): Applied;
  /** The plain JSON view. */
  toJSON(): Json;
  /** The full state (List/Tree keys and ids included). */
  snapshot(): Json;
  /** Replaces the state with a snapshot; throws `invalid_snapshot` (naming the path) when bad. */
  load(snapshot: unknown): void;
  /** Replaces the state with a JSON view, as a user writes it; throws `invalid_value`. */
  init(value: unknown, ctx: ApplyContext): void;
  /** The nested machine at `segment`, if any. */
  child(segment: string): Machine | undefined;
  /** JSON pointer tokens of a child segment in this machine's JSON view (a List id → its index). */
  pointer(segment: string): string[];
}

let resolver: ((value: object) => Machine | undefined) | undefined;

/** Installs how non-primitive values (decorated class instances) find their machine node. */
export function setMachineResolver(fn: (value: object) => Machine | undefined): void {
  resolver = fn;
}

/** The machine behind a value: the primitive itself, or the node of a `@stateMachine` instance. */
export function machineOf(value: unknown): Machine | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (value instanceof BaseMachine) return value;
  return resolver?.(value);
}

/** The path of a machine from its root, and the dispatcher at that root (if attached to one). */
export function locate(machine: Machine): { path: Path; dispatcher: Dispatcher | null } {
  const path: Path = [];
  let m: Machine = machine;
  for (;;) {
    const owner = m.owner;
    if (owner === null) return { path: path.reverse(), dispatcher: null };
    if ('removed' in owner) {
      throw new LockstepError(
        'not_found',
        'this machine is no longer in its doc (deleted, replaced, or rebuilt when the client rebased): read it from the doc again',
      );
    }
    if ('dispatcher' in owner) return { path: path.reverse(), dispatcher: owner.dispatcher };
    path.push(owner.segment);
    m = owner.parent;
  }
}

/** Escapes one JSON pointer token (RFC 6901). */
export function pointerToken(segment: string): string {
  return segment.includes('~') || segment.includes('/')
    ? segment.replace(/~/g, '~0').replace(/\//g, '~1')
    : segment;
}

/** The context used when a detached machine (not in a doc) applies its own mutations. */
export const detachedContext: ApplyContext = {
  clientId: 'local',
  time: 0,
  version: 0,
  random: Math.random,
};

/**
 * Base class of the primitives: ownership and the `submit` path that turns a mutation method
 * call into a transition through the dispatcher (or applies it at once when detached).
 */
export abstract class BaseMachine implements Machine {
  abstract readonly kind: string;
  abstract readonly opSchema: JsonSchema;
  owner: Owner = null;

  abstract apply(op: Op, ctx: ApplyContext, sink?: PatchSink): Applied;
  abstract toJSON(): Json;
  abstract snapshot(): Json;
  abstract load(snapshot: unknown): void;
  abstract init(value: unknown, ctx: ApplyContext): void;

  child(_segment: string): Machine | undefined {
    return undefined;
  }

  pointer(segment: string): string[] {
    return [pointerToken(segment)];
  }

  /** The context a mutation method may depend on (ids made inside a transition are seeded). */
  protected currentContext(): ApplyContext | null {
    return locate(this).dispatcher?.running ?? null;
  }

  /** Sends an op built by a mutation method to the doc, or applies it when detached. */
  protected submit(op: Op): void {
    const { path, dispatcher } = locate(this);
    if (dispatcher) {
      dispatcher.dispatch(path, op);
      return;
    }
    // Detached: validated like an op given to a doc, so wrong types are refused, not stored.
    assertSchema(this.opSchema, op, 'invalid_op', `op for ${this.kind}`);
    this.apply(op, detachedContext);
  }
}

/**
 * The relative path of a machine's own effects (empty, shared and frozen). A transition whose
 * path is `HERE` was made fresh by `appliedSelf`, so the applier may re-address it in place.
 */
export const HERE = Object.freeze([]) as unknown as Path;

/** Applied with a single effect `op` and a single inverse `inv`, both at the machine itself. */
export function appliedSelf(op: Op, inv: Op): Applied {
  return { effects: [{ path: HERE, op }], inverse: [{ path: HERE, op: inv }] };
}

/** Throws `invalid_snapshot` for a snapshot that does not fit. */
export function badSnapshot(kind: string, problem: string): never {
  throw new LockstepError('invalid_snapshot', `invalid snapshot at /: ${kind}: ${problem}`, {
    path: [],
    problem: `${kind}: ${problem}`,
  });
}

/**
 * Runs `fn` for the child at `segment`; a `LockstepError` it throws gets `segment` prepended to
 * its `details.path`, and its message names the whole path once it reaches the top.
 */
export function nested<T>(segment: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof LockstepError && Array.isArray(err.details?.path)) {
      const path = [segment, ...(err.details.path as string[])];
      const problem = String(err.details.problem ?? err.message);
      throw new LockstepError(err.code, `${err.code.replace('_', ' ')} at /${path.join('/')}: ${problem}`, {
        ...err.details,
        path,
      });
    }
    throw err;
  }
}

/**
 * Applier: applies transitions to a tree of machines, atomically. It resolves the path,
 * validates the op against the target's schema, collects effects and inverse, and, when a step
 * throws, applies the inverse of every step already taken (newest first) so the state is
 * exactly as before. While a transition runs, mutations made by `@transition` code apply
 * directly into it (it is the tree's {@link Dispatcher}).
 */
import { LockstepError } from '../errors.js';
import {
  type Applied,
  type ApplyContext,
  type Dispatcher,
  type Machine,
  type Op,
  type PatchOp,
  type PatchSink,
  type Path,
  type Transition,
  HERE,
} from './machine.js';
import type { ValidateFunction } from 'ajv';
import { compileSchema, describeErrors, type JsonSchema } from './schema.js';

/** Effects and inverse collected while a transition runs (arrays made only when a step needs them). */
class Frame {
  /** Effects so far; `ownEffects` says whether the array is ours to append to. */
  effects: Transition[] | null = null;
  ownEffects = false;
  /** The inverse of each step that had one, oldest first (the first one alone, without an array). */
  firstUndo: Transition[] | null = null;
  moreUndo: Transition[][] | null = null;

  constructor(
    readonly ctx: ApplyContext,
    readonly patches: PatchOp[] | null,
  ) {}

  addEffects(list: Transition[], own: boolean): void {
    if (list.length === 0) return;
    if (this.effects === null) {
      this.effects = list;
      this.ownEffects = own;
    } else this.appendEffects(list);
  }

  /** Appends `list` to the effects so far (copied first when they are not ours). */
  private appendEffects(list: Transition[]): void {
    const effects = this.ownEffects ? (this.effects as Transition[]) : (this.effects as Transition[]).slice();
    this.effects = effects;
    this.ownEffects = true;
    for (let i = 0; i < list.length; i++) effects.push(list[i] as Transition);
  }

  addUndo(list: Transition[]): void {
    if (list.length === 0) return;
    if (this.firstUndo === null) this.firstUndo = list;
    else (this.moreUndo ??= []).push(list);
  }

  /** Every step's inverse, newest step first: the exact undo of the whole transition. */
  inverse(): Transition[] {
    return this.moreUndo === null ? (this.firstUndo ?? []) : this.joinedUndo(this.moreUndo);
  }

  /** The inverses of several steps joined, newest step first. */
  private joinedUndo(more: Transition[][]): Transition[] {
    const out: Transition[] = [];
    for (let i = more.length - 1; i >= 0; i--) out.push(...(more[i] as Transition[]));
    out.push(...(this.firstUndo as Transition[]));
    return out;
  }
}

/**
 * Module state, in one `const` object rather than `let` bindings (which V8 checks for
 * initialization at every use, on the path of every transition): the applier running a
 * transition now, and the last op schema validated with its compiled validator.
 */
const state: { active: Applier | null; schema: JsonSchema | null; validator: ValidateFunction | null } = {
  active: null,
  schema: null,
  validator: null,
};

/** The context of the transition running right now; `invalid_definition` outside of one. */
export function context(): ApplyContext {
  const ctx = state.active?.running;
  if (!ctx) throw new LockstepError('invalid_definition', 'context() can only be called inside a transition');
  return ctx;
}

/** The JSON pointer of `path` below `root` (List ids become indices, …). */
export function pointerOf(root: Machine, path: Path): string {
  let out = '';
  let m: Machine | undefined = root;
  for (const segment of path) {
    if (!m) break;
    for (const token of m.pointer(segment)) out += '/' + token;
    m = m.child(segment);
  }
  return out;
}

/** A path for a message: long segments and long paths are cut (input may be hostile). */
export function showPath(path: readonly string[]): string {
  const shown = path.slice(0, 16).map((s) => (s.length > 64 ? `${s.slice(0, 64)}…` : s));
  return '/' + shown.join('/') + (path.length > 16 ? `/… (${path.length} segments)` : '');
}

/** Resolves `path` below `root`; `not_found` naming the path when it leads nowhere. */
export function resolvePath(root: Machine, path: Path): Machine {
  let m: Machine = root;
  for (let i = 0; i < path.length; i++) {
    const next = m.child(path[i] as string);
    if (!next) notFound(path.slice(0, i + 1));
    m = next;
  }
  return m;
}

/** Throws `not_found` naming `path`, the part of a path that leads nowhere. */
function notFound(path: Path): never {
  throw new LockstepError('not_found', `nothing at ${showPath(path)}`, { path });
}

/** `compileSchema`, remembering the last schema asked for (runs of one kind's ops are common). */
function validatorOf(schema: JsonSchema): ValidateFunction {
  if (schema !== state.schema) {
    state.validator = compileSchema(schema);
    state.schema = schema;
  }
  return state.validator as ValidateFunction;
}

/** Throws `invalid_op` unless `op` fits the op schema of `machine` (at `path`). */
function checkSchema(machine: Machine, op: Op, path: Path): void {
  const valid = validatorOf(machine.opSchema);
  if (!valid(op)) {
    const problem = `op for ${machine.kind} at ${showPath(path)} ${describeErrors(valid.errors)}`;
    throw new LockstepError('invalid_op', problem, { path });
  }
}

/** Throws the `invalid_op` of a transition whose path or op is malformed. */
function badTransition(path: unknown): never {
  const problem = isPath(path) ? 'an op must be an object' : 'a transition path must be an array of strings';
  throw new LockstepError('invalid_op', problem);
}

/** True for an array of strings (holes of a sparse array are not strings). */
function isPath(path: unknown): path is Path {
  if (!Array.isArray(path)) return false;
  for (let i = 0; i < path.length; i++) if (typeof path[i] !== 'string') return false;
  return true;
}

/**
 * `list` (transitions relative to the machine at `path`, fresh from its `apply`) addressed from
 * the root. Transitions at the machine itself (`HERE`, as `appliedSelf` makes them) are
 * re-addressed in place; anything else is copied.
 */
function addressed(path: Path, list: Transition[]): Transition[] {
  const first = list[0];
  if (list.length === 1 && (first as Transition).path === HERE) {
    (first as Transition).path = path; // the usual result, kept small so that it inlines
    return list;
  }
  return addressedAll(path, list);
}

/** {@link addressed} for any list. */
function addressedAll(path: Path, list: Transition[]): Transition[] {
  let here = true;
  for (let i = 0; i < list.length; i++) if ((list[i] as Transition).path !== HERE) here = false;
  if (here) {
    for (let i = 0; i < list.length; i++) (list[i] as Transition).path = path;
    return list;
  }
  const out: Transition[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as Transition;
    out[i] = { path: e.path.length === 0 ? path : [...path, ...e.path], op: e.op };
  }
  return out;
}

/** Applies transitions to the machine tree below `root`. */
export class Applier implements Dispatcher {
  private frame: Frame | null = null;

  constructor(
    readonly root: Machine,
    /** Called for mutations made outside a running transition. */
    private readonly outside: (path: Path, op: Op) => void,
  ) {}

  get running(): ApplyContext | null {
    return this.frame?.ctx ?? null;
  }

  dispatch(path: Path, op: Op): void {
    if (this.frame) this.step(path, op, true);
    else this.outside(path, op);
  }

  /**
   * Applies transitions as one atomic unit (all or nothing). `validate` checks each op against
   * its schema (turn it off only for effects from a trusted authority). Given `patches`, RFC 6902
   * ops are appended to it.
   */
  apply(ts: readonly Transition[], ctx: ApplyContext, validate = true, patches: PatchOp[] | null = null): Applied {
    if (!Array.isArray(ts)) throw new LockstepError('invalid_op', 'transitions must be an array of { path, op }');
    for (const t of ts) {
      if (t === null || typeof t !== 'object') throw new LockstepError('invalid_op', 'a transition must be an object { path, op }');
    }
    return this.run(ts, ctx, validate, patches);
  }

  /** `apply([t], …)` without the array: the path of every single change. */
  applyOne(t: Transition, ctx: ApplyContext, validate = true, patches: PatchOp[] | null = null): Applied {
    if (t === null || typeof t !== 'object' || Array.isArray(t)) {
      throw new LockstepError('invalid_op', 'a transition must be an object { path, op }');
    }
    return this.run(t, ctx, validate, patches);
  }

  /** Runs one transition or several as one atomic unit. */
  private run(what: Transition | readonly Transition[], ctx: ApplyContext, validate: boolean, patches: PatchOp[] | null): Applied {
    if (this.frame) throw new LockstepError('invalid_op', 'a transition is already running; nest mutations instead');
    const frame = new Frame(ctx, patches);
    this.frame = frame;
    const outer = state.active;
    state.active = this; // not the context: a long-lived object stores without a write barrier's slow path
    try {
      if (Array.isArray(what)) {
        const ts = what as readonly Transition[];
        for (let i = 0; i < ts.length; i++) this.step((ts[i] as Transition).path, (ts[i] as Transition).op, validate);
      } else this.step((what as Transition).path, (what as Transition).op, validate);
    } catch (err) {
      this.rollback(frame);
      throw err;
    } finally {
      this.frame = null;
      state.active = outer;
    }
    return { effects: frame.effects ?? [], inverse: frame.inverse() };
  }

  private step(path: Path, op: Op, validate: boolean): void {
    const frame = this.frame as Frame;
    if (!isPath(path) || op === null || typeof op !== 'object') badTransition(path);
    const machine = resolvePath(this.root, path);
    if (validate && machine.opShaped?.(op) !== true) checkSchema(machine, op, path);
    let sink: PatchSink | undefined;
    if (frame.patches) sink = { prefix: pointerOf(this.root, path), ops: frame.patches };
    const res = machine.apply(op, frame.ctx, sink);
    if (path.length === 0) {
      frame.addEffects(res.effects, false);
      frame.addUndo(res.inverse);
    } else {
      frame.addEffects(addressed(path, res.effects), true);
      frame.addUndo(addressed(path, res.inverse));
    }
  }

  private rollback(frame: Frame): void {
    const undo = (list: Transition[]): void => {
      for (const t of list) resolvePath(this.root, t.path).apply(t.op, frame.ctx);
    };
    const more = frame.moreUndo;
    if (more) for (let i = more.length - 1; i >= 0; i--) undo(more[i] as Transition[]);
    if (frame.firstUndo) undo(frame.firstUndo);
  }
}

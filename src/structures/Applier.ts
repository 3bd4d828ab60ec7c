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
} from './machine.js';
import { compileSchema, describeErrors } from './schema.js';

interface Frame {
  ctx: ApplyContext;
  effects: Transition[];
  undo: Transition[][];
  patches: PatchOp[] | null;
}

let active: ApplyContext | null = null;

/** The context of the transition running right now; `invalid_definition` outside of one. */
export function context(): ApplyContext {
  if (!active) throw new LockstepError('invalid_definition', 'context() can only be called inside a transition');
  return active;
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
    if (!next) {
      throw new LockstepError('not_found', `nothing at ${showPath(path.slice(0, i + 1))}`, {
        path: path.slice(0, i + 1),
      });
    }
    m = next;
  }
  return m;
}

/** True for an array of strings (holes of a sparse array are not strings). */
function isPath(path: unknown): path is Path {
  if (!Array.isArray(path)) return false;
  for (let i = 0; i < path.length; i++) if (typeof path[i] !== 'string') return false;
  return true;
}

/** `relative` (a path from the machine at `path`) as a path from the root. */
function below(path: Path, relative: Path): Path {
  return relative.length === 0 ? path : [...path, ...relative];
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
   * its schema (turn it off only for effects from a trusted authority). With `patches`, RFC 6902
   * ops are collected.
   */
  apply(
    ts: readonly Transition[],
    ctx: ApplyContext,
    options: { validate?: boolean; patches?: boolean } = {},
  ): Applied & { patches: PatchOp[] | null } {
    if (this.frame) throw new LockstepError('invalid_op', 'a transition is already running; nest mutations instead');
    if (!Array.isArray(ts)) throw new LockstepError('invalid_op', 'transitions must be an array of { path, op }');
    for (const t of ts) {
      if (t === null || typeof t !== 'object') throw new LockstepError('invalid_op', 'a transition must be an object { path, op }');
    }
    const frame: Frame = { ctx, effects: [], undo: [], patches: options.patches ? [] : null };
    this.frame = frame;
    const outer = active;
    active = ctx;
    try {
      for (const t of ts) this.step(t.path, t.op, options.validate !== false);
    } catch (err) {
      this.rollback(frame);
      throw err;
    } finally {
      this.frame = null;
      active = outer;
    }
    let inverse: Transition[];
    if (frame.undo.length === 1) inverse = frame.undo[0] as Transition[];
    else {
      inverse = [];
      for (let i = frame.undo.length - 1; i >= 0; i--) inverse.push(...(frame.undo[i] as Transition[]));
    }
    return { effects: frame.effects, inverse, patches: frame.patches };
  }

  private step(path: Path, op: Op, validate: boolean): void {
    const frame = this.frame as Frame;
    if (!isPath(path)) throw new LockstepError('invalid_op', 'a transition path must be an array of strings');
    if (op === null || typeof op !== 'object') throw new LockstepError('invalid_op', 'an op must be an object');
    const machine = resolvePath(this.root, path);
    if (validate) {
      const valid = compileSchema(machine.opSchema);
      if (!valid(op)) {
        const problem = `op for ${machine.kind} at ${showPath(path)} ${describeErrors(valid.errors)}`;
        throw new LockstepError('invalid_op', problem, { path });
      }
    }
    let sink: PatchSink | undefined;
    if (frame.patches) sink = { prefix: pointerOf(this.root, path), ops: frame.patches };
    const res = machine.apply(op, frame.ctx, sink);
    for (const e of res.effects) frame.effects.push(path.length === 0 ? e : { path: below(path, e.path), op: e.op });
    if (res.inverse.length === 0) return;
    if (path.length === 0) {
      frame.undo.push(res.inverse);
      return;
    }
    const inverse: Transition[] = [];
    for (const e of res.inverse) inverse.push({ path: below(path, e.path), op: e.op });
    frame.undo.push(inverse);
  }

  private rollback(frame: Frame): void {
    for (let i = frame.undo.length - 1; i >= 0; i--) {
      for (const t of frame.undo[i] as Transition[]) resolvePath(this.root, t.path).apply(t.op, frame.ctx);
    }
  }
}

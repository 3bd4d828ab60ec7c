/**
 * Doc: the root holder of a machine tree. It applies transitions atomically (validating
 * foreign input), tells subscribers what changed (effects, origin and, when read, RFC 6902
 * patches), and serializes snapshots. Mutation methods on `doc.state` go through its
 * dispatcher: a standalone doc applies them at once; a SyncClient applies them optimistically
 * and sends them.
 */
import { LockstepError } from '../errors.js';
import '../decorators/StructNode.js';
import { Applier } from '../structures/Applier.js';
import { machineOf, type ApplyContext, type Json, type Machine, type PatchOp, type Path, type Transition } from '../structures/machine.js';
import { seededRandom, transitionSeed } from './random.js';
import { toJsonPatch } from './toJsonPatch.js';

/** What a transition may depend on, as given to `doc.apply` (missing parts are filled in). */
export interface DocApplyOptions {
  clientId?: string;
  time?: number;
  version?: number;
  /** Seed of `ctx.random()`; by default derived from the version. */
  seed?: number;
  /** Who the change is attributed to in change events (default: the clientId, or `'local'`). */
  origin?: string;
  /** Validate ops against their schemas (default true; off only for a trusted authority's effects). */
  validate?: boolean;
}

/** One applied transition, as subscribers see it. */
export interface DocChange {
  effects: Transition[];
  origin: string;
  /** RFC 6902 operations turning the previous `toJSON()` into the new one (read it in the listener). */
  readonly patches: PatchOp[];
}

/** A listener of a doc's changes. */
export type DocListener = (change: DocChange) => void;

/** Applied transition result. */
export interface DocApplied {
  effects: Transition[];
  inverse: Transition[];
}

/** The root holder of a machine tree. */
export class Doc<T extends object = object> {
  /** The live, typed root: read with plain property access, write with its methods. */
  readonly state: T;
  private readonly root: Machine;
  private readonly applier: Applier;
  private readonly listeners = new Set<DocListener>();
  private dispatcher: (t: Transition) => void;
  private count = 0;

  constructor(Root: new () => T) {
    this.state = new Root();
    const root = machineOf(this.state);
    if (!root) {
      throw new LockstepError('invalid_definition', `${Root.name || 'the root class'} is not a state machine: declare fields with @field()`);
    }
    this.root = root;
    this.applier = new Applier(root, (path, op) => this.dispatcher({ path, op }));
    root.owner = { dispatcher: this.applier };
    this.dispatcher = (t) => void this.apply(t);
  }

  /** A doc whose state is `snapshot`; `invalid_snapshot` naming the path when it does not fit. */
  static load<T extends object>(Root: new () => T, snapshot: unknown): Doc<T> {
    const doc = new Doc(Root);
    doc.root.load(snapshot);
    return doc;
  }

  /** Applies a transition atomically; throws (changing nothing) when it is invalid or conflicts. */
  apply(t: Transition, options?: DocApplyOptions): DocApplied {
    const ctx = this.context(options);
    const patches = this.listeners.size > 0 ? [] : null;
    const res = this.applier.applyOne(t, ctx, options?.validate !== false, patches);
    this.applied(res.effects, patches, options?.origin ?? ctx.clientId);
    return res;
  }

  /** Applies several transitions as one atomic unit (used for effects received from a server). */
  applyAll(ts: readonly Transition[], options?: DocApplyOptions): DocApplied {
    const ctx = this.context(options);
    const patches = this.listeners.size > 0 ? [] : null;
    const res = this.applier.apply(ts, ctx, options?.validate !== false, patches);
    this.applied(res.effects, patches, options?.origin ?? ctx.clientId);
    return res;
  }

  private applied(effects: Transition[], patches: PatchOp[] | null, origin: string): void {
    this.count++;
    if (patches && effects.length) this.emit(effects, origin, patches);
  }

  private context(o: DocApplyOptions | undefined): ApplyContext {
    if (o === undefined) return new TransitionContext('local', undefined, this.count, undefined);
    return new TransitionContext(o.clientId ?? 'local', o.time, o.version ?? this.count, o.seed);
  }

  private emit(effects: Transition[], origin: string, raw: PatchOp[]): void {
    let patches: PatchOp[] | null = null;
    const change: DocChange = {
      effects,
      origin,
      get patches() {
        return (patches ??= toJsonPatch(raw));
      },
    };
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (err) {
        // The change happened: a failing listener must not make it look refused, nor starve the others.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  /**
   * Replaces the whole state with a snapshot (a client too far behind to catch up); subscribers
   * get one change whose patch replaces the root. A bad snapshot changes nothing.
   */
  reset(snapshot: unknown, origin = 'server'): void {
    const before = this.root.snapshot();
    try {
      this.root.load(snapshot);
    } catch (err) {
      this.root.load(before);
      throw err;
    }
    this.count++;
    if (this.listeners.size) this.emit([], origin, [{ op: 'replace', path: '', value: this.toJSON() }]);
  }

  /** Calls `listener` once per applied transition; returns the unsubscribe function. */
  subscribe(listener: DocListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Routes mutations made on `doc.state` outside a transition (a SyncClient installs its own).
   * @internal
   */
  setDispatcher(fn: (t: Transition) => void): void {
    this.dispatcher = fn;
  }

  /** The machine at `path` (`not_found` when there is none). */
  machineAt(path: Path): Machine {
    let m = this.root;
    for (const s of path) {
      const next = m.child(s);
      if (!next) throw new LockstepError('not_found', `nothing at /${path.join('/')}`, { path });
      m = next;
    }
    return m;
  }

  /** True while a transition is being applied. */
  get running(): boolean {
    return this.applier.running !== null;
  }

  /** The plain JSON view. */
  toJSON(): Json {
    return this.root.toJSON();
  }

  /** The full state (List/Tree keys and ids included), loadable with `Doc.load`. */
  snapshot(): Json {
    return this.root.snapshot();
  }
}

/**
 * The context of one transition. Its random generator is made only if the transition asks
 * (seeded with the given seed, or one derived from the version), and without a given time the
 * clock is read only if the transition reads `time` (then once).
 */
class TransitionContext implements ApplyContext {
  private rng: (() => number) | null = null;

  constructor(
    readonly clientId: string,
    private stamp: number | undefined,
    readonly version: number,
    private readonly seed: number | undefined,
  ) {}

  get time(): number {
    return (this.stamp ??= Date.now());
  }

  random(): number {
    return (this.rng ??= seededRandom(this.seed ?? transitionSeed(0, this.version)))();
  }
}

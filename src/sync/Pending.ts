/**
 * Pending: a client's queue of transitions applied locally but not yet confirmed, and the
 * rebase that keeps them on top of what the server commits.
 *
 * Rebase (docs/ARCHITECTURE.md): roll back every pending entry (inverses, newest first), apply
 * the server's effects, then re-apply the entries in order. Raw Text edits are transformed on
 * the way with a *bridge* per Text path: an op that maps the old optimistic text to the new one
 * (B₀ = the server's edit; past a raw edit `a`: B' = transform(B, a, 'right') and
 * a' = transform(a, B, 'left'); past anything else: B' = invert(old local edit) · B · new one).
 * An entry that no longer applies stays queued with no local effect until the server decides.
 */
import { jsonEqual } from '../structures/json.js';
import type { Json, Transition } from '../structures/machine.js';
import { editOp, textDiff } from '../structures/text/textDiff.js';
import { textType, type TextOp } from '../structures/text/ot/textType.js';
import type { Doc, DocApplied, DocApplyOptions } from './Doc.js';
import { isTextEdit, pathKey, samePath, TEXT_EDIT, textEditsByPath } from './textRebase.js';

/** One pending transition. */
export interface PendingEntry {
  seq: number;
  /** What is (or will be) sent: rebased as the server commits other changes. */
  ts: Transition[];
  /** As the app made it (for `rejected` events). */
  original: Transition[];
  /** Sent on the current connection. */
  sent: boolean;
  /** Its effect on the optimistic state now (null: it does not apply locally at the moment). */
  local: DocApplied | null;
}

/** The result of a rebase. */
interface Rebased {
  /** Text edits per path that map the old optimistic state to the new one (for cursors, undo). */
  bridge: Transition[];
  /** The inverse of the server's effects (to undo a confirmed entry exactly). */
  serverInverse: Transition[] | null;
}

const TRUSTED = { validate: false, origin: 'server' } as const;
const NONE: readonly PendingEntry[] = Object.freeze([]);

/** A bridge per Text path: an op mapping the old optimistic text to the new one. */
type Bridges = Map<string, { path: string[]; ops: TextOp }>;

/** The Text paths (as keys) an entry edits: by its own ops or by its local effects. */
function textPaths(e: PendingEntry): string[] {
  const out: string[] = [];
  for (const t of e.ts) if (isTextEdit(t)) out.push(pathKey(t.path));
  if (e.local) for (const t of e.local.effects) if (isTextEdit(t)) out.push(pathKey(t.path));
  return out;
}

function bridgesOf(ts: readonly Transition[]): Bridges {
  const out: Bridges = new Map();
  for (const [key, { path, ops }] of textEditsByPath(ts)) out.set(key, { path, ops });
  return out;
}

/** A client's pending queue. */
export class Pending {
  private entries: PendingEntry[] = [];

  constructor(
    private readonly doc: Doc,
    /** How to apply the entry at `index` of the queue locally (its guessed author, version, seed). */
    private readonly contextAt: (index: number) => DocApplyOptions,
  ) {}

  get length(): number {
    return this.entries.length;
  }

  /** The oldest entry. */
  head(): PendingEntry | undefined {
    return this.entries[0];
  }

  /** Drops the oldest entry (the server confirmed it exactly as applied here). */
  shift(): void {
    this.entries.shift();
  }

  /** The entry with `seq`. */
  find(seq: number): PendingEntry | undefined {
    return this.entries.find((e) => e.seq === seq);
  }

  /** Entries the server has processed (seq ≤ `seq`). */
  upTo(seq: number): PendingEntry[] {
    return this.entries.filter((e) => e.seq <= seq);
  }

  /**
   * Queues a transition applied locally. Consecutive raw edits of one Text that are not sent
   * yet merge into one entry (composed), as typing does while the previous edit is in flight.
   * A new entry gets seq `next`. Returns the seq of the entry that holds the transition.
   */
  add(next: number, ts: Transition[], local: DocApplied): number {
    const last = this.entries[this.entries.length - 1];
    const path = ts.length === 1 && isTextEdit(ts[0] as Transition) ? (ts[0] as Transition).path : null;
    if (last && !last.sent && last.local && path && last.ts.length === 1) {
      const prev = last.ts[0] as Transition;
      if (isTextEdit(prev) && samePath(prev.path, path)) {
        const ops = textType.compose(last.ts[0]?.op.ops as TextOp, ts[0]?.op.ops as TextOp);
        last.ts = [{ path, op: { type: TEXT_EDIT, ops } }];
        last.original = [...last.original, ...ts];
        last.local = { effects: [...last.local.effects, ...local.effects], inverse: [...local.inverse, ...last.local.inverse] };
        return last.seq;
      }
    }
    this.entries.push({ seq: next, ts, original: ts, sent: false, local });
    return next;
  }

  /**
   * Entries to send now, in order: the unsent ones up to the first that carries a Text edit
   * whose Text an entry in flight also edits (the server could not tell how the two relate).
   */
  sendable(): readonly PendingEntry[] {
    let out: PendingEntry[] | null = null;
    let busy: Set<string> | null = null; // Text paths edited by entries in flight or going out (made when there is one)
    const n = this.entries.length;
    for (let i = 0; i < n; i++) {
      const e = this.entries[i] as PendingEntry;
      if (!e.sent) {
        const held = busy;
        if (held !== null && e.ts.some((t) => isTextEdit(t) && held.has(pathKey(t.path)))) break;
        (out ??= []).push(e);
      }
      if (i < n - 1) for (const k of textPaths(e)) (busy ??= new Set()).add(k); // the last entry holds back nothing
    }
    return out ?? NONE;
  }

  /** The connection dropped: everything must be sent again. */
  markUnsent(): void {
    for (const e of this.entries) e.sent = false;
  }

  /**
   * Rebases the queue over `effects` (committed by the server on the confirmed state);
   * `removed` (the entry those effects confirm, or a refused one) leaves the queue.
   */
  rebase(effects: Transition[], removed?: PendingEntry): Rebased {
    this.rollback();
    const server = effects.length ? this.doc.applyAll(effects, TRUSTED) : null;
    const bridge = this.replay(bridgesOf(effects), new Set(removed ? [removed] : []));
    return { bridge, serverInverse: server?.inverse ?? null };
  }

  /**
   * Restarts from a snapshot: rolls back every entry, drops `processed` (the server has them),
   * loads the snapshot and re-applies the rest, their Text edits carried over by a diff of
   * each Text before and after. Returns the bridge (old optimistic state → new).
   */
  reset(snapshot: Json, processed: PendingEntry[]): Transition[] {
    this.rollback();
    const paths = new Map<string, string[]>();
    for (const e of this.entries) for (const t of e.ts) if (isTextEdit(t)) paths.set(pathKey(t.path), t.path);
    const before = new Map<string, string>();
    for (const [k, p] of paths) {
      const text = this.textAt(p);
      if (text !== undefined) before.set(k, text);
    }
    this.doc.reset(snapshot);
    const bridge: Bridges = new Map();
    for (const [k, old] of before) {
      const now = this.textAt(paths.get(k) as string[]);
      if (now !== undefined) bridge.set(k, { path: paths.get(k) as string[], ops: editOp(textDiff(old, now)) });
    }
    return this.replay(bridge, new Set(processed));
  }

  private textAt(path: string[]): string | undefined {
    try {
      const m = this.doc.machineAt(path);
      return m.kind === 'text' ? (m.toJSON() as string) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Rolls back every entry's local effect, newest first. */
  private rollback(): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i] as PendingEntry;
      if (e.local) this.doc.applyAll(e.local.inverse, TRUSTED);
    }
  }

  /**
   * Re-applies the entries on the new confirmed state, leaving out `removed`; Text edits they
   * carry are transformed over `bridge`, which is moved past each entry. Returns the final
   * bridge as Text edits.
   */
  private replay(bridge: Bridges, removed: Set<PendingEntry>): Transition[] {
    const broken = new Set<string>();
    const keep: PendingEntry[] = [];
    for (const e of this.entries) {
      const old = e.local;
      if (removed.has(e)) {
        this.extend(bridge, broken, old, null, new Set());
        continue;
      }
      keep.push(e);
      const carried = new Set<string>();
      const before = new Map(bridge);
      let ok = old !== null;
      if (ok) {
        e.ts = e.ts.map((t) => {
          if (!isTextEdit(t)) return t;
          const key = pathKey(t.path);
          carried.add(key);
          const b = bridge.get(key);
          if (!b || broken.has(key)) return t;
          try {
            const a = t.op.ops as TextOp;
            bridge.set(key, { path: b.path, ops: textType.transform(b.ops, a, 'right') });
            return { path: t.path, op: { type: TEXT_EDIT, ops: textType.transform(a, b.ops, 'left') } };
          } catch {
            broken.add(key);
            ok = false;
            return t;
          }
        });
      }
      e.local = this.reapply(e.ts, keep.length - 1);
      if (!e.local) {
        // It no longer applies here: the bridges go back to before it, past its old effect.
        for (const k of carried) {
          const b = before.get(k);
          if (b) bridge.set(k, b);
          else bridge.delete(k);
        }
        this.extend(bridge, broken, old, null, new Set());
        continue;
      }
      this.extend(bridge, broken, old, e.local, carried);
    }
    this.entries = keep;
    const out: Transition[] = [];
    for (const [k, { path, ops }] of bridge) if (!broken.has(k)) out.push({ path, op: { type: TEXT_EDIT, ops } });
    return out;
  }

  private reapply(ts: Transition[], index: number): DocApplied | null {
    try {
      return this.doc.applyAll(ts, this.contextAt(index));
    } catch {
      return null;
    }
  }

  /**
   * Moves the bridges past an entry whose Text effects went from `old` to `now`, except on
   * the paths in `carried` (its own Text edits, already moved past by transforming).
   */
  private extend(bridge: Bridges, broken: Set<string>, old: DocApplied | null, now: DocApplied | null, carried: Set<string>): void {
    const before = old ? textEditsByPath(old.effects) : new Map<string, { path: string[]; ops: TextOp }>();
    const after = now ? textEditsByPath(now.effects) : new Map<string, { path: string[]; ops: TextOp }>();
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      if (broken.has(key) || carried.has(key)) continue;
      const o = before.get(key);
      const n = after.get(key);
      const b = bridge.get(key);
      if (!b && o && n && jsonEqual(o.ops, n.ops)) continue;
      try {
        let next: TextOp = o ? textType.invert(o.ops) : [];
        if (b) next = textType.compose(next, b.ops);
        if (n) next = textType.compose(next, n.ops);
        bridge.set(key, { path: (o ?? n)?.path as string[], ops: next });
      } catch {
        broken.add(key);
      }
    }
  }
}

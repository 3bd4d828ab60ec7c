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
import type { Json, Transition } from '../structures/machine.js';
import { textType, type TextOp } from '../structures/text/ot/textType.js';
import type { Doc, DocApplied } from './Doc.js';
import { pathKey, samePath, TEXT_EDIT, textEditsByPath } from './textRebase.js';

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
export interface Rebased {
  /** Effects applied to the confirmed state (the server's). */
  changed: Transition[];
  /** Text edits per path that map the old optimistic state to the new one (for cursors, undo). */
  bridge: Transition[];
  /** The inverse of the server's effects (to undo a confirmed entry exactly). */
  serverInverse: Transition[] | null;
}

const TRUSTED = { validate: false, origin: 'server' } as const;

function rawTextPath(ts: Transition[]): string[] | null {
  return ts.length === 1 && (ts[0] as Transition).op.type === TEXT_EDIT ? (ts[0] as Transition).path : null;
}

function touches(e: PendingEntry, path: string[]): boolean {
  const hit = (t: Transition): boolean => t.op.type === TEXT_EDIT && samePath(t.path, path);
  return e.ts.some(hit) || (e.local !== null && e.local.effects.some(hit));
}

/** A client's pending queue. */
export class Pending {
  private entries: PendingEntry[] = [];

  constructor(private readonly doc: Doc) {}

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
   * `nextSeq` numbers a new entry. Returns the seq of the entry that holds the transition.
   */
  add(nextSeq: () => number, ts: Transition[], local: DocApplied): number {
    const last = this.entries[this.entries.length - 1];
    const path = rawTextPath(ts);
    if (last && !last.sent && last.local && path) {
      const lastPath = rawTextPath(last.ts);
      if (lastPath && samePath(lastPath, path)) {
        const ops = textType.compose(last.ts[0]?.op.ops as TextOp, ts[0]?.op.ops as TextOp);
        last.ts = [{ path, op: { type: TEXT_EDIT, ops } }];
        last.original = [...last.original, ...ts];
        last.local = { effects: [...last.local.effects, ...local.effects], inverse: [...local.inverse, ...last.local.inverse] };
        return last.seq;
      }
    }
    const seq = nextSeq();
    this.entries.push({ seq, ts, original: ts, sent: false, local });
    return seq;
  }

  /**
   * Entries to send now, in order: the unsent ones up to the first raw Text edit whose Text an
   * entry in flight also edits (the server could not tell how the two relate).
   */
  sendable(): PendingEntry[] {
    const out: PendingEntry[] = [];
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i] as PendingEntry;
      if (e.sent) continue;
      const path = rawTextPath(e.ts);
      if (path && this.entries.slice(0, i).some((p) => (p.sent || out.includes(p)) && touches(p, path))) break;
      out.push(e);
    }
    return out;
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
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i] as PendingEntry;
      if (e.local) this.doc.applyAll(e.local.inverse, TRUSTED);
    }
    const server = effects.length ? this.doc.applyAll(effects, TRUSTED) : null;
    const bridge = textEditsByPath(effects);
    const broken = new Set<string>();
    const keep: PendingEntry[] = [];
    for (const e of this.entries) {
      const old = e.local;
      if (e === removed) {
        this.extend(bridge, broken, old, null);
        continue;
      }
      keep.push(e);
      const path = rawTextPath(e.ts);
      const key = path ? pathKey(path) : '';
      const b = path ? bridge.get(key) : undefined;
      if (path && broken.has(key)) {
        e.local = null;
        continue;
      }
      if (path && b && old) {
        const t = e.ts[0] as Transition;
        try {
          const a = t.op.ops as TextOp;
          const moved = textType.transform(a, b, 'left');
          e.ts = [{ path, op: { type: TEXT_EDIT, ops: moved } }];
          e.local = this.reapply(e.ts);
          if (e.local) bridge.set(key, textType.transform(b, a, 'right'));
          else this.extend(bridge, broken, old, null);
        } catch {
          broken.add(key);
          e.local = null;
        }
        continue;
      }
      e.local = this.reapply(e.ts);
      this.extend(bridge, broken, old, e.local);
    }
    this.entries = keep;
    const out: Transition[] = [];
    for (const [k, ops] of bridge) {
      if (!broken.has(k)) out.push({ path: k.startsWith('[') ? (JSON.parse(k) as string[]) : [k], op: { type: TEXT_EDIT, ops } });
    }
    return { changed: effects, bridge: out, serverInverse: server?.inverse ?? null };
  }

  /**
   * Restarts from a snapshot: rolls back every entry, drops `processed` (the server has them),
   * loads the snapshot and re-applies the rest as they are. Returns nothing to transform.
   */
  reset(snapshot: Json, processed: PendingEntry[]): Transition[] {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i] as PendingEntry;
      if (e.local) this.doc.applyAll(e.local.inverse, TRUSTED);
    }
    this.entries = this.entries.filter((e) => !processed.includes(e));
    this.doc.reset(snapshot);
    for (const e of this.entries) e.local = this.reapply(e.ts);
    return [];
  }

  private reapply(ts: Transition[]): DocApplied | null {
    try {
      return this.doc.applyAll(ts, { origin: 'local' });
    } catch {
      return null;
    }
  }

  /** Moves the bridges past an entry whose Text effects went from `old` to `now`. */
  private extend(bridge: Map<string, TextOp>, broken: Set<string>, old: DocApplied | null, now: DocApplied | null): void {
    const before = old ? textEditsByPath(old.effects) : new Map<string, TextOp>();
    const after = now ? textEditsByPath(now.effects) : new Map<string, TextOp>();
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      if (broken.has(key)) continue;
      const o = before.get(key);
      const n = after.get(key);
      const b = bridge.get(key);
      if (!b && o && n && JSON.stringify(o) === JSON.stringify(n)) continue;
      try {
        let next: TextOp = o ? textType.invert(o) : [];
        if (b) next = textType.compose(next, b);
        if (n) next = textType.compose(next, n);
        bridge.set(key, next);
      } catch {
        broken.add(key);
      }
    }
  }
}

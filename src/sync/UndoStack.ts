/**
 * UndoStack: a client's own transitions, undoable and redoable. Each step keeps the inverse of
 * what it did, kept valid as the state moves on: Text edits in it are transformed over every
 * later edit (local or remote), lazily, when the step is taken. Other ops are meaningful on
 * any state (ids, keys); one that no longer applies is skipped and reported by the client.
 */
import type { Transition } from '../structures/machine.js';
import { TEXT_EDIT, transformOver } from './textRebase.js';

interface Step {
  /** The pending entry (seq) that made it, so a refusal can remove it. */
  seq: number;
  inverse: Transition[];
  /** Index in the log of Text edits applied since it was recorded. */
  at: number;
}

const MAX_LOG = 100_000;

/** Undo and redo steps of one client. */
export class UndoStack {
  /** Undo steps, oldest first; the first `stale` are past the limit, dropped in batches. */
  private undos: Step[] = [];
  private stale = 0;
  private redos: Step[] = [];
  private log: Transition[] = [];
  private logStart = 0;
  private trimAt = 256;

  constructor(private readonly limit: number) {}

  get canUndo(): boolean {
    return this.undos.length > this.stale;
  }

  get canRedo(): boolean {
    return this.redos.length > 0;
  }

  /** Records what a local transition (`do`), an undo or a redo did. */
  record(kind: 'do' | 'undo' | 'redo', seq: number, inverse: Transition[]): void {
    if (!inverse.length) return;
    const step = { seq, inverse, at: this.logStart + this.log.length };
    if (kind === 'undo') this.redos.push(step);
    else this.undos.push(step);
    if (kind === 'do' && this.redos.length) this.redos = [];
    if (this.undos.length - this.stale > this.limit && ++this.stale >= 64) this.compact();
  }

  /** Takes the next step, its Text edits brought up to date. */
  pop(kind: 'undo' | 'redo'): { inverse: Transition[] } | undefined {
    if (kind === 'undo' && !this.canUndo) return undefined;
    const step = (kind === 'undo' ? this.undos : this.redos).pop();
    if (!step) return undefined;
    let inverse = step.inverse;
    for (let i = step.at - this.logStart; i < this.log.length; i++) inverse = transformOver(inverse, this.log[i] as Transition);
    return { inverse };
  }

  /** Notes Text edits that moved the state on (local effects, or a rebase's bridge). */
  transform(effects: readonly Transition[]): void {
    if (!this.undos.length && !this.redos.length) return;
    for (const e of effects) if (e.op.type === TEXT_EDIT) this.log.push(e);
    if (this.log.length > this.trimAt) {
      this.trim();
      this.trimAt = this.log.length * 2 + 256;
    }
    if (this.log.length > MAX_LOG) {
      // Too much happened since the oldest steps: forget them rather than grow without bound.
      const cut = this.log.length - MAX_LOG;
      this.log = this.log.slice(cut);
      this.logStart += cut;
      const alive = (s: Step) => s.at >= this.logStart;
      this.compact();
      this.undos = this.undos.filter(alive);
      this.redos = this.redos.filter(alive);
    }
  }

  /**
   * Replaces the inverse of the steps of `seq` (the server's effects differed from ours); the
   * new inverse holds from the current state on.
   */
  replace(seq: number, inverse: Transition[]): void {
    const at = this.logStart + this.log.length;
    for (const s of [...this.undos, ...this.redos]) {
      if (s.seq === seq) {
        s.inverse = inverse;
        s.at = at;
      }
    }
  }

  /** Removes the steps of `seq` (the server refused it: it never happened). */
  remove(seq: number): void {
    this.compact();
    this.undos = this.undos.filter((s) => s.seq !== seq);
    this.redos = this.redos.filter((s) => s.seq !== seq);
  }

  /** Forgets everything (the state was replaced by a snapshot). */
  clear(): void {
    this.undos = [];
    this.stale = 0;
    this.redos = [];
    this.log = [];
  }

  /** Drops the undo steps past the limit. */
  private compact(): void {
    this.undos.splice(0, this.stale);
    this.stale = 0;
  }

  /** Drops the part of the log no step needs any more. */
  private trim(): void {
    let oldest = this.logStart + this.log.length;
    for (const s of this.undos) oldest = Math.min(oldest, s.at);
    for (const s of this.redos) oldest = Math.min(oldest, s.at);
    const cut = oldest - this.logStart;
    if (cut > 0) {
      this.log = this.log.slice(cut);
      this.logStart = oldest;
    }
  }
}

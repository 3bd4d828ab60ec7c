/**
 * SyncClient: one replica of a room. Local changes apply at once (optimistically) and are
 * sent in order; when the server answers, the client rebases: it rolls back what is still
 * pending, applies what the server committed, and re-applies the rest (Text edits transformed).
 * A change the server refuses is rolled back and reported as a `rejected` event. See
 * docs/ARCHITECTURE.md "Rebase" and docs/PROTOCOL.md.
 */
import { toLockstepError } from '../errors.js';
import { jsonEqual } from '../structures/json.js';
import type { Json, Transition } from '../structures/machine.js';
import type { Transport, TransportState } from '../transport/Transport.js';
import { realClock, type Clock } from './Clock.js';
import { jsonCodec, type Codec } from './codec.js';
import { Doc, type DocApplyOptions } from './Doc.js';
import { Emitter } from './Emitter.js';
import { Pending, type PendingEntry } from './Pending.js';
import { Presence } from './Presence.js';
import { transitionSeed } from './random.js';
import { PROTOCOL_VERSION, type AckMessage, type ApplyMessage, type RejectMessage, type ServerMessage, type WelcomeMessage } from './protocol.js';
import { TextCursor } from './TextCursor.js';
import { UndoStack } from './UndoStack.js';

/** Connection status as the app shows it. */
export type SyncStatus = 'connecting' | 'syncing' | 'live' | 'offline' | 'closed';

/** Events of a SyncClient. */
export interface SyncClientEvents {
  /** The optimistic state changed: by this client (`local`) or by the server's answer. */
  change: { effects: Transition[]; local: boolean };
  /** The server (or an undo that no longer applies) refused a transition of this client. */
  rejected: { transitions: Transition[]; code: string; message: string; seq?: number };
  status: SyncStatus;
  /** A peer's presence changed (`data` null: gone). */
  presence: { clientId: string; data: Json | null };
  /** The server said a message was invalid. */
  error: { code: string; message: string };
}

/** Options of a SyncClient. */
export interface SyncClientOptions {
  codec?: Codec;
  clock?: Clock;
  /** Minimum time between presence updates sent (ms, default 50). */
  presenceThrottle?: number;
  /** Undo steps kept (default 100). */
  undoLimit?: number;
  /**
   * The largest submit the server accepts, in bytes (default 1 MiB, the server's default
   * `maxPayload`): a bigger change is refused here (`payload_too_large`) instead of being
   * resent forever.
   */
  maxMessageBytes?: number;
}

/** One replica of a room's state. */
export class SyncClient<T extends object = object> {
  /** The optimistic doc (subscribe to it for every change, patches included). */
  readonly doc: Doc<T>;
  /** This client's presence and its peers'. */
  readonly presence: Presence;
  private readonly codec: Codec;
  private readonly events = new Emitter<SyncClientEvents>();
  private readonly pending: Pending;
  private readonly undoStack: UndoStack;
  private confirmed = 0;
  private id: string | null = null;
  private token = '';
  private statusNow: SyncStatus = 'connecting';
  private seqNo = 0;
  private waiters: Array<() => void> = [];
  private readonly cursors = new Set<TextCursor>();
  private readonly maxBytes: number;
  private welcomed = false;
  private roomSeed = 0;
  private rebasing = false;
  private deferred: Transition[][] = [];

  constructor(
    Root: new () => T,
    private readonly transport: Transport,
    options: SyncClientOptions = {},
  ) {
    this.codec = options.codec ?? jsonCodec;
    this.maxBytes = options.maxMessageBytes ?? 1024 * 1024;
    this.doc = new Doc(Root);
    this.pending = new Pending(this.doc, (i) => this.contextAt(i));
    this.undoStack = new UndoStack(options.undoLimit ?? 100);
    this.presence = new Presence(
      options.clock ?? realClock,
      options.presenceThrottle ?? 50,
      (data) => {
        if (this.statusNow === 'live') this.send({ type: 'presence', data });
      },
      (clientId, data) => this.events.emit('presence', { clientId, data }),
    );
    this.doc.setDispatcher((t) => this.local([t], 'do'));
    transport.listen({
      message: (frame) => this.onFrame(frame),
      state: (state) => this.onTransport(state),
    });
    if (transport.state === 'open') this.onTransport('open');
  }

  /** The optimistic state (read it; change it with its methods). */
  get state(): T {
    return this.doc.state;
  }

  /** This client's id (null until the first welcome). */
  get clientId(): string | null {
    return this.id;
  }

  /** The latest server version this client has applied. */
  get version(): number {
    return this.confirmed;
  }

  /** The connection status. */
  get status(): SyncStatus {
    return this.statusNow;
  }

  /** The seq of the latest transition this client queued (every seq up to it is confirmed or refused once synced). */
  get lastSeq(): number {
    return this.seqNo;
  }

  /** Transitions applied locally but not yet confirmed by the server. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof SyncClientEvents>(event: K, fn: (value: SyncClientEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  /** Resolves when nothing is pending (every local change confirmed or refused). */
  whenSynced(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Undoes this client's latest transition (rebased over what others did since). */
  undo(): boolean {
    return this.step('undo');
  }

  /** Redoes the latest undone transition. */
  redo(): boolean {
    return this.step('redo');
  }

  /** True when there is something to undo. */
  get canUndo(): boolean {
    return this.undoStack.canUndo;
  }

  /** True when there is something to redo. */
  get canRedo(): boolean {
    return this.undoStack.canRedo;
  }

  /** A cursor in the Text at `path` that follows remote and local edits. */
  cursor(path: string[], position = 0): TextCursor {
    const c = new TextCursor(path, position, () => this.cursors.delete(c));
    this.cursors.add(c);
    return c;
  }

  /** Closes the connection for good. */
  close(): void {
    this.transport.close(1000, 'client closed');
    this.setStatus('closed');
  }

  /**
   * The context a local transition gets: applied as the server will most likely apply it — by
   * this client, at the version after everything pending, with that version's seed — so a
   * `call` drawing random ids usually guesses the server's result exactly.
   */
  private contextAt(index: number): DocApplyOptions {
    const version = this.confirmed + index + 1;
    return { clientId: this.id ?? 'local', version, seed: transitionSeed(this.roomSeed, version), origin: 'local' };
  }

  private step(kind: 'undo' | 'redo'): boolean {
    for (;;) {
      const entry = this.undoStack.pop(kind);
      if (!entry) return false;
      try {
        this.local(entry.inverse, kind);
        return true;
      } catch (err) {
        const e = toLockstepError(err);
        this.events.emit('rejected', { transitions: entry.inverse, code: e.code, message: `${kind} skipped: ${e.message}` });
      }
    }
  }

  /** Applies a local change optimistically and queues it for the server. */
  private local(ts: Transition[], kind: 'do' | 'undo' | 'redo'): void {
    if (this.rebasing) {
      this.deferred.push(ts);
      return;
    }
    const res = this.doc.applyAll(ts, this.contextAt(this.pending.length));
    const owner = this.pending.add(this.seqNo + 1, ts, res);
    if (owner > this.seqNo) this.seqNo = owner; // a new entry, not merged into the last
    this.afterChange(res.effects, true, res.effects);
    this.undoStack.record(kind, owner, res.inverse);
    this.flush();
  }

  /** Moves undo steps and cursors over `textEffects` (old optimistic state → new) and reports. */
  private afterChange(effects: Transition[], local: boolean, textEffects: Transition[]): void {
    this.undoStack.transform(textEffects);
    if (this.cursors.size) for (const c of this.cursors) c.transform(textEffects);
    if (effects.length && this.events.has('change')) this.events.emit('change', { effects, local });
  }

  /** Sends what may be sent: in order, holding a Text edit while an earlier one on its Text is in flight. */
  private flush(): void {
    if (this.statusNow !== 'live') return;
    const out = this.pending.sendable();
    for (let i = 0; i < out.length; i++) {
      const e = out[i] as PendingEntry;
      const frame = this.codec.encode({ type: 'submit', seq: e.seq, base: this.confirmed, transitions: e.ts });
      if (byteSize(frame, this.maxBytes) > this.maxBytes) {
        this.drop(e, { code: 'payload_too_large', message: `the change is larger than ${this.maxBytes} bytes` });
        continue;
      }
      e.sent = true;
      if (this.transport.state === 'open') this.transport.send(frame);
    }
    this.settle();
  }

  private send(msg: object): void {
    if (this.transport.state === 'open') this.transport.send(this.codec.encode(msg));
  }

  private onTransport(state: TransportState): void {
    this.welcomed = false;
    if (state === 'open') {
      this.setStatus('syncing');
      const resume = this.id ? { clientId: this.id, token: this.token, version: this.confirmed } : undefined;
      this.send({ type: 'hello', v: PROTOCOL_VERSION, ...(resume ? { resume } : {}), acks: true });
    } else if (state === 'closed') {
      this.setStatus('closed');
    } else {
      this.pending.markUnsent();
      this.presence.reset();
      this.setStatus(state === 'offline' ? 'offline' : 'connecting');
    }
  }

  private setStatus(s: SyncStatus): void {
    if (this.statusNow === s || this.statusNow === 'closed') return;
    this.statusNow = s;
    this.events.emit('status', s);
  }

  private onFrame(frame: string | Uint8Array): void {
    let msg: ServerMessage;
    try {
      msg = this.codec.decode(frame) as ServerMessage;
    } catch (err) {
      this.events.emit('error', toLockstepError(err).toJSON());
      return;
    }
    switch (msg.type) {
      case 'welcome':
        return this.welcome(msg);
      case 'apply':
        // Before the welcome of this connection, commits are covered by the welcome itself.
        return this.welcomed ? this.apply(msg) : undefined;
      case 'ack':
        return this.welcomed ? this.ack(msg) : undefined;
      case 'reject':
        return this.welcomed ? this.reject(msg) : undefined;
      case 'presence':
        if (msg.clientId && msg.clientId !== this.id) this.presence.update(msg.clientId, msg.data);
        return;
      case 'error':
        this.events.emit('error', { code: msg.code, message: msg.message });
        return;
      default:
        return;
    }
  }

  private welcome(msg: WelcomeMessage): void {
    this.welcomed = true;
    if (typeof msg.seed === 'number') this.roomSeed = msg.seed;
    this.id = msg.clientId;
    this.token = msg.token;
    const refused = new Map(msg.rejected.map((r) => [r.seq, r]));
    const unknown = { code: 'conflict', message: 'refused while this client was away' };
    if (msg.missed) {
      for (const c of msg.missed) this.apply({ type: 'apply', ...c });
      // What the server processed but did not commit while we were away was refused.
      for (const e of this.pending.upTo(msg.lastSeq)) this.drop(e, refused.get(e.seq) ?? unknown);
    } else if (msg.snapshot !== undefined) {
      // Too far behind to catch up: start again from the snapshot, keeping what the server has
      // not seen (its Text edits carried over by a diff of each Text).
      const processed = this.pending.upTo(msg.lastSeq);
      this.confirmed = msg.version; // first, so the entries re-applied get the server's next versions
      const bridge = this.guarded(() => this.pending.reset(msg.snapshot as Json, processed));
      this.undoStack.clear();
      for (const c of this.cursors) c.transform(bridge);
      this.events.emit('change', { effects: [], local: false });
      for (const e of processed) {
        const r = refused.get(e.seq);
        if (r) this.events.emit('rejected', { transitions: e.original, code: r.code, message: r.message, seq: e.seq });
      }
    }
    this.confirmed = msg.version;
    this.presence.replace(msg.presence);
    this.setStatus('live');
    this.flush();
    this.presence.resend();
    this.settle();
  }

  /** Asks the server again for everything after our version (it answers with a welcome). */
  private catchUp(): void {
    this.send({ type: 'hello', v: PROTOCOL_VERSION, resume: { clientId: this.id, token: this.token, version: this.confirmed }, acks: true });
  }

  /** The oldest pending transition was committed as `version` exactly as applied here. */
  private confirmHead(version: number): void {
    this.pending.shift();
    this.confirmed = version;
    this.flush();
    this.settle();
  }

  private ack(msg: AckMessage): void {
    if (msg.version <= this.confirmed) return;
    const head = this.pending.head();
    // The server acks only what it committed right after our version, exactly as we applied
    // it; anything else (a gap) is caught up through a new welcome, which carries the effects.
    if (msg.version === this.confirmed + 1 && head && head.seq === msg.seq && head.local) this.confirmHead(msg.version);
    else this.catchUp();
  }

  private apply(msg: ApplyMessage): void {
    if (msg.version <= this.confirmed) return;
    if (msg.version !== this.confirmed + 1) {
      // A gap: ask again from where we are (the server answers with what we missed).
      this.catchUp();
      return;
    }
    const own = this.id !== null && msg.origin === this.id && msg.seq !== undefined;
    const head = this.pending.head();
    if (own && head && head.seq === msg.seq && head.local && jsonEqual(head.local.effects, msg.effects)) {
      // The server did exactly what we did: nothing to rebase.
      this.confirmHead(msg.version);
      return;
    }
    if (this.pending.length === 0) {
      // Nothing of ours to rebase: the server's effects are the change.
      this.doc.applyAll(msg.effects, { validate: false, origin: msg.origin });
      this.confirmed = msg.version;
      this.afterChange(msg.effects, false, msg.effects);
      return;
    }
    const entry = own ? this.pending.find(msg.seq as number) : undefined;
    // First, so the entries re-applied get the versions (and seeds) the server will use next.
    this.confirmed = msg.version;
    const res = this.guarded(() => this.pending.rebase(msg.effects, entry));
    this.afterChange(msg.effects, false, res.bridge);
    // The server's inverse undoes what it actually did; it holds from the state reached now.
    if (entry && res.serverInverse) this.undoStack.replace(entry.seq, res.serverInverse);
    this.flush();
    this.settle();
  }

  private reject(msg: RejectMessage): void {
    const entry = this.pending.find(msg.seq);
    if (!entry) return;
    this.drop(entry, { code: msg.code, message: msg.message });
    this.flush();
    this.settle();
  }

  /** Rolls back an entry the server refused and tells the app. */
  private drop(entry: PendingEntry, err: { code: string; message: string }): void {
    const res = this.guarded(() => this.pending.rebase([], entry));
    this.undoStack.remove(entry.seq);
    this.afterChange(entry.local?.inverse ?? [], false, res.bridge);
    this.events.emit('rejected', { transitions: entry.original, code: err.code, message: err.message, seq: entry.seq });
  }

  /**
   * Runs a rebase. Changes the app makes meanwhile (from a Doc listener) wait until it is done,
   * so they apply on top of the rebased state rather than in the middle of it.
   */
  private guarded<R>(fn: () => R): R {
    this.rebasing = true;
    try {
      return fn();
    } finally {
      this.rebasing = false;
      const later = this.deferred;
      this.deferred = [];
      for (const ts of later) {
        try {
          this.local(ts, 'do');
        } catch (err) {
          const e = toLockstepError(err);
          this.events.emit('rejected', { transitions: ts, code: e.code, message: e.message });
        }
      }
    }
  }

  private settle(): void {
    if (this.pending.length || !this.waiters.length) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}

/** Bytes of a frame (UTF-8 for text frames; only counted exactly when it could pass `max`). */
function byteSize(frame: string | Uint8Array, max: number): number {
  if (typeof frame !== 'string') return frame.byteLength;
  return frame.length * 3 <= max ? frame.length : new TextEncoder().encode(frame).length;
}

/**
 * SyncServer: the authority of one room. It orders every transition, applies it to its doc,
 * refuses what conflicts (to the author only) and broadcasts what it applied to every client.
 * Transport-agnostic: it talks to `Transport`s through a codec. See docs/PROTOCOL.md.
 */
import { LockstepError, toLockstepError } from '../errors.js';
import { jsonEqual, toJsonValue } from '../structures/json.js';
import type { Json, Transition } from '../structures/machine.js';
import type { Frame, Transport } from '../transport/Transport.js';
import { realClock, type Clock } from './Clock.js';
import { jsonCodec, type Codec } from './codec.js';
import { Doc } from './Doc.js';
import { Connection } from './Connection.js';
import { DedupTable } from './DedupTable.js';
import { History } from './History.js';
import {
  PROTOCOL_VERSION,
  validateClientMessage,
  type ApplyMessage,
  type Committed,
  type HelloMessage,
  type SubmitMessage,
} from './protocol.js';
import { DEFAULT_LIMITS, sizeDelta, TokenBucket, type SyncLimits } from './limits.js';
import { randomSeed, transitionSeed } from './random.js';
import { isTextEdit, replacesAncestor, samePath, transformOver } from './textRebase.js';
import { defaultIdentityKey, memoryTokens, tokenSubject, type TokenIssuer } from './tokens.js';
import { isServerOnly, nextTimerOf, rootTransitions, type Timer } from './rootHooks.js';

/** Who a connection is, as the host's `authenticate` hook decided (opaque to the sync layer). */
export type Identity = unknown;

/** Options of a SyncServer. */
export interface SyncServerOptions {
  /** Time and timers (default: the real clock). */
  clock?: Clock;
  /** Frame codec (default JSON). */
  codec?: Codec;
  /** Committed transitions kept for catch-up and for transforming late Text edits (default 10,000). */
  history?: number;
  /** How long a disconnected client's session is kept for it to resume (ms, default 30,000). */
  resumeGrace?: number;
  /** May this client apply this transition? Return false (or throw) to refuse with `forbidden`. */
  authorize?: (identity: Identity, transition: Transition) => boolean | void;
  /**
   * Makes a committed transition durable. When it returns a promise, nothing about the
   * transition (nor anything after it) is sent until it resolves: acknowledged means durable.
   */
  persist?: (committed: Committed) => void | Promise<void>;
  /** Called when `persist` fails: the room can no longer acknowledge anything. */
  onPersistError?: (err: unknown) => void;
  /** Seed of `ctx.random()`, mixed with each version (default: random); clients learn it. */
  seed?: number;
  /** Resume tokens (default: random, in memory). */
  tokens?: TokenIssuer;
  /**
   * The part of an identity a resume token is bound to (default {@link defaultIdentityKey}: its
   * canonical JSON). A token only resumes a session for a connection with the same key.
   */
  identityKey?: (identity: Identity) => string;
  /** Rates and sizes (docs/SECURITY.md); unset fields keep their defaults. */
  limits?: Partial<SyncLimits>;
  /** Start from this state instead of the root class's initial one. */
  restore?: {
    version: number;
    snapshot: Json;
    lastSeqs?: Record<string, number>;
    /** The latest commits, ascending and ending at `version`, so resuming clients can catch up. */
    history?: Committed[];
  };
}

interface Session {
  clientId: string;
  identity: Identity;
  lastSeq: number;
  /**
   * The version that committed the submit `lastSeq`, or null when it was refused or is not
   * known (a session restored after a restart): see {@link SyncServer.ackable}.
   */
  committedAt: number | null;
  rejected: Array<{ seq: number; code: string; message: string }>;
  conn: Connection | null;
  presence: Json | undefined;
  grace: unknown;
  submits: TokenBucket;
  presences: TokenBucket;
  strikes: number;
}

type Outgoing = { ready: boolean; send: () => void };

/**
 * True when every effect is its transition's op as submitted — same path, same op, or for a
 * Text edit the same edit with deleted text filled in. Such ops decide their effects alone (no
 * `ctx`, no app code), so the author, applying them to the same state, got the same effects. A
 * `call`, or an op that builds machines from a value (their ids drawn from `ctx.random()`, their
 * constructors run), has effects that say more than the op and is never acked.
 */
function selfEvident(ts: readonly Transition[], effects: readonly Transition[]): boolean {
  if (ts.length !== effects.length) return false;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as Transition;
    const e = effects[i] as Transition;
    if (e.op === t.op && e.path === t.path) continue;
    if (!samePath(e.path, t.path)) return false;
    if (isTextEdit(t) ? !isTextEdit(e) : !jsonEqual(e.op, t.op)) return false;
  }
  return true;
}

/**
 * Runs one send of the outbox. A message that cannot be encoded or sent must never wedge the
 * room's outbox; a client that misses an apply sees the gap and asks again.
 */
function sendSafely(send: () => void): void {
  try {
    send();
  } catch {
    // see above
  }
}

const REJECTS_KEPT = 64;

/** The authority for one room. */
export class SyncServer<T extends object = object> {
  /** The authoritative doc (read it freely; change it through `dispatch`). */
  readonly doc: Doc<T>;
  private readonly seed: number;
  private versionNo: number;
  private readonly clock: Clock;
  private readonly codec: Codec;
  private readonly history: History;
  private readonly sessions = new Map<string, Session>();
  private readonly dedup: DedupTable;
  /** Connections that have not said hello yet, with the timer that closes them. */
  private readonly greeting = new Map<Connection, unknown>();
  private readonly conns = new Set<Connection>();
  /** `conns` as an array, made again after a change (a broadcast iterates it without an iterator). */
  private connList: Connection[] | null = null;
  private readonly outbox: Outgoing[] = [];
  private readonly tokens: TokenIssuer;
  private readonly hooks: ReturnType<typeof rootTransitions>;
  private timer: { handle: unknown; at: number; call: string } | null = null;
  private refusedTimer: Timer | null = null;
  private failed: unknown = null;
  private closed = false;
  private nextClient = 0;
  private readonly limits: SyncLimits;
  private size: number;

  constructor(
    Root: new () => T,
    private readonly options: SyncServerOptions = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.seed = options.seed ?? randomSeed();
    this.codec = options.codec ?? jsonCodec;
    this.tokens = options.tokens ?? memoryTokens();
    const r = options.restore;
    this.doc = r ? Doc.load(Root, r.snapshot) : new Doc(Root);
    this.versionNo = r?.version ?? 0;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.dedup = new DedupTable(this.limits.dedupEntries, r?.lastSeqs);
    const recent = r?.history ?? [];
    const codec = this.codec;
    const decode = (frame: Frame): Committed => {
      const { type: _apply, ...committed } = codec.decode(frame) as ApplyMessage;
      return committed;
    };
    this.history = new History(options.history ?? 10_000, this.versionNo - recent.length, decode, this.limits.historyBytes);
    for (const c of recent) this.history.push(c, codec.encode({ type: 'apply', ...c }));
    this.hooks = rootTransitions(this.doc.state);
    this.size = JSON.stringify(this.doc.snapshot()).length;
    this.doc.setDispatcher((t) => void this.dispatch([t]));
    this.scheduleTimer();
  }

  /** The version of the latest committed transition. */
  get version(): number {
    return this.versionNo;
  }

  /** Clients with a live connection. */
  get connectionCount(): number {
    return this.conns.size;
  }

  /** The highest seq processed per client (the dedup table; persist it with snapshots). */
  dedupTable(): Record<string, number> {
    return this.dedup.toJSON();
  }

  /** Serves one connection; `identity` comes from the host's authentication. */
  accept(transport: Transport, identity?: Identity): Connection {
    const conn = new Connection(transport, this.codec, identity, {
      message: (msg) => this.onMessage(conn, msg),
      closed: () => this.onClosed(conn),
    }, this.limits.strikes);
    this.conns.add(conn);
    this.connList = null;
    if (this.closed || this.failed) {
      conn.fail(new LockstepError('closed', 'the room is closed'));
      return conn;
    }
    const ms = this.limits.helloTimeout;
    if (!Number.isFinite(ms)) return conn;
    const timer = this.clock.setTimeout(() => {
      this.greeting.delete(conn);
      if (!conn.session) conn.fail(new LockstepError('invalid_message', `no hello within ${ms} ms`));
    }, ms);
    this.greeting.set(conn, timer);
    return conn;
  }

  /** Applies transitions made by the server itself (agents, REST handlers), with origin `server`. */
  dispatch(ts: Transition[]): Committed {
    if (this.failed) throw new LockstepError('closed', 'the room can no longer persist changes');
    return this.commit(this.applySized(ts, 'server'), 'server', undefined, null);
  }

  /** Stops timers and closes every connection. */
  close(): void {
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = null;
    for (const s of this.sessions.values()) if (s.grace) this.clock.clearTimeout(s.grace);
    for (const t of this.greeting.values()) this.clock.clearTimeout(t);
    this.greeting.clear();
    for (const c of [...this.conns]) c.close(1001, 'room closed');
  }

  private ctx(clientId: string, version: number) {
    const seed = transitionSeed(this.seed, version);
    return { clientId, version, time: this.clock.now(), seed, origin: clientId, validate: true };
  }

  private onMessage(conn: Connection, raw: unknown): void {
    let msg;
    try {
      msg = validateClientMessage(raw);
    } catch (err) {
      conn.error(toLockstepError(err));
      return;
    }
    if (msg.type === 'ping') return conn.send({ type: 'pong', t: msg.t });
    if (msg.type === 'hello') return this.hello(conn, msg);
    const session = conn.session as Session | null;
    if (!session) return conn.error(new LockstepError('invalid_message', 'say hello first'));
    if (msg.type === 'submit') return this.submit(session, msg);
    let data: Json;
    try {
      this.throttle(session, session.presences, 'presence updates');
      data = toJsonValue(msg.data, 'presence'); // plain JSON, nested at most 64 deep
      if (JSON.stringify(data).length > this.limits.presenceBytes) {
        throw new LockstepError('too_large', `presence is limited to ${this.limits.presenceBytes} characters of JSON`);
      }
    } catch (err) {
      return conn.error(toLockstepError(err));
    }
    this.setPresence(session, data);
  }

  /** Takes a token or refuses with `rate_limited`; a client that keeps at it is disconnected. */
  private throttle(s: Session, bucket: TokenBucket, what: string): void {
    if (bucket.take(this.clock.now())) {
      s.strikes = 0;
      return;
    }
    if (++s.strikes >= this.limits.strikes) {
      s.conn?.fail(new LockstepError('rate_limited', `too many ${what}; disconnected`));
    }
    throw new LockstepError('rate_limited', `too many ${what}: slow down`);
  }

  private hello(conn: Connection, msg: HelloMessage): void {
    if (msg.v !== PROTOCOL_VERSION) {
      conn.fail(new LockstepError('unsupported_version', `this server speaks protocol v${PROTOCOL_VERSION}, not v${msg.v}`));
      return;
    }
    conn.acks = msg.acks === true;
    const resume = msg.resume;
    let identityKey: string;
    try {
      identityKey = (this.options.identityKey ?? defaultIdentityKey)(conn.identity);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return conn.fail(new LockstepError('internal', `the identity cannot be keyed for resume tokens (give an identityKey): ${why}`));
    }
    const verified = !!resume && this.tokens.verify(tokenSubject(resume.clientId, identityKey), resume.token);
    const current = conn.session as Session | null;
    if (current) {
      // A client that saw a gap asks again on its connection: only as itself (a connection
      // serves one session), and each time costs a submit token.
      try {
        if (!verified || resume?.clientId !== current.clientId) {
          throw new LockstepError('invalid_message', 'this connection already has a session: resume it, or reconnect to start another');
        }
        this.throttle(current, current.submits, 'hellos');
      } catch (err) {
        return conn.error(toLockstepError(err));
      }
    } else if (this.liveSessions() >= this.limits.clients) {
      conn.fail(new LockstepError('room_full', `the room has its maximum of ${this.limits.clients} clients`));
      return;
    }
    const greeting = this.greeting.get(conn);
    if (greeting !== undefined) this.clock.clearTimeout(greeting);
    this.greeting.delete(conn);
    let session: Session | undefined;
    let resumed = false;
    let isNew = true;
    if (resume && verified) {
      // A known client: its session, or (after its grace ran out, or a restart) a new one
      // with the same id, so its dedup state still holds and resends apply exactly once.
      session = this.sessions.get(resume.clientId);
      isNew = !session && !this.dedup.has(resume.clientId);
      session ??= this.newSession(resume.clientId, conn.identity);
      resumed = true;
    }
    session ??= this.newSession(this.newClientId(), conn.identity);
    if (session.conn && session.conn !== conn) session.conn.close(4000, 'replaced by a new connection');
    if (session.grace) this.clock.clearTimeout(session.grace);
    session.grace = null;
    session.conn = conn;
    session.identity = conn.identity; // what authorizes its changes: this connection's authentication
    conn.session = session;
    const s = session;
    const from = resumed && resume ? resume.version : -1;
    this.enqueue(() => {
      if (s.conn !== conn) return;
      const missed = from >= 0 ? this.history.since(from, this.versionNo) : null;
      conn.send({
        type: 'welcome',
        v: PROTOCOL_VERSION,
        clientId: s.clientId,
        token: this.tokens.issue(tokenSubject(s.clientId, identityKey)),
        version: this.versionNo,
        seed: this.seed,
        resumed,
        ...(missed ? { missed } : { snapshot: this.doc.snapshot() }),
        lastSeq: s.lastSeq,
        rejected: s.rejected,
        presence: this.presenceExcept(s.clientId),
      });
    });
    if (isNew && this.hooks.onJoin) this.hookCall('onJoin', s.clientId);
  }

  private liveSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.conn) n++;
    return n;
  }

  private newSession(clientId: string, identity: Identity): Session {
    // Every client seen (within the table's bound) is in the dedup table (persisted with
    // snapshots), so one that resumes after a restart is known and not joined twice.
    const lastSeq = this.dedup.get(clientId) ?? 0;
    this.dedup.touch(clientId, lastSeq, this.inUse);
    const s: Session = {
      clientId,
      identity,
      lastSeq,
      committedAt: lastSeq === 0 ? 0 : null,
      rejected: [],
      conn: null,
      presence: undefined,
      grace: null,
      submits: new TokenBucket(this.limits.submitRate, this.limits.submitBurst, this.clock.now()),
      presences: new TokenBucket(this.limits.presenceRate, this.limits.presenceBurst, this.clock.now()),
      strikes: 0,
    };
    this.sessions.set(clientId, s);
    return s;
  }

  private newClientId(): string {
    let id: string;
    do {
      id = `c${(this.nextClient++).toString(36)}${Math.floor(Math.random() * 2 ** 40).toString(36)}`;
    } while (this.sessions.has(id) || this.dedup.has(id));
    return id;
  }

  private submit(s: Session, msg: SubmitMessage): void {
    if (msg.seq <= s.lastSeq) return; // a resend of something already processed
    const ack = this.ackable(s, msg);
    s.lastSeq = msg.seq;
    s.committedAt = null;
    this.dedup.touch(s.clientId, msg.seq, this.inUse);
    try {
      this.throttle(s, s.submits, 'submits');
      if (this.failed) throw new LockstepError('closed', 'the room can no longer persist changes');
      if (msg.base > this.versionNo) {
        throw new LockstepError('invalid_message', `base ${msg.base} is ahead of the server (version ${this.versionNo})`);
      }
      const ts = this.rebaseText(msg.transitions, msg.base);
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i] as Transition;
        if (isServerOnly(t)) throw new LockstepError('forbidden', `${String(t.op.method)} is called by the server only`);
        if (this.options.authorize && this.options.authorize(s.identity, t) === false) {
          throw new LockstepError('forbidden', `not allowed to change /${t.path.join('/')}`);
        }
      }
      const effects = this.applySized(ts, s.clientId);
      s.committedAt = this.commit(effects, s.clientId, msg.seq, ack && selfEvident(ts, effects) ? s : null).version;
    } catch (err) {
      const e = toLockstepError(err);
      const rej = { seq: msg.seq, code: e.code, message: e.message };
      s.rejected.push(rej);
      if (s.rejected.length > REJECTS_KEPT) s.rejected.shift();
      this.enqueue(() => s.conn?.send({ type: 'reject', ...rej }));
    }
  }

  /**
   * Whether the author of `msg` understands `ack` and made it on the state the server has now:
   * `base` is the current version, and its previous submit was committed at or before `base`
   * (nothing of its own was pending underneath, nothing refused). Then, if the effects also say
   * no more than the ops (see {@link selfEvident}), the author's optimistic effects are exactly
   * the server's and a short `ack` replaces the `apply` it would get.
   */
  private ackable(s: Session, msg: SubmitMessage): boolean {
    if (s.conn?.acks !== true) return false; // it would get the apply anyway: don't encode an ack
    if (msg.base !== this.versionNo || msg.seq !== s.lastSeq + 1) return false;
    return s.committedAt !== null && s.committedAt <= msg.base;
  }

  /** Applies transitions for `author`, refusing (`too_large`) any that would grow the room past its limit. */
  private applySized(ts: Transition[], author: string): Transition[] {
    const res = this.doc.applyAll(ts, this.ctx(author, this.versionNo + 1));
    const grown = this.size + sizeDelta(res.effects, res.inverse);
    if (grown > this.limits.snapshotBytes && grown > this.size) {
      this.doc.applyAll(res.inverse, { validate: false, origin: 'server' });
      throw new LockstepError('too_large', `the room would exceed its size limit of ${this.limits.snapshotBytes} characters`);
    }
    this.size = grown;
    return res.effects;
  }

  /** Text edits made at `base` rewritten to apply now; `resync_required` when history is too short. */
  private rebaseText(ts: Transition[], base: number): Transition[] {
    if (base === this.versionNo || !ts.some(isTextEdit)) return ts;
    const since = this.history.since(base, this.versionNo);
    if (!since) throw new LockstepError('resync_required', `base ${base} is older than the history kept; resync`);
    let out = ts;
    for (const c of since) {
      for (const e of c.effects) {
        for (const t of out) {
          if (isTextEdit(t) && replacesAncestor(e, t.path)) {
            throw new LockstepError('conflict', `the text at /${t.path.join('/')} was replaced meanwhile`);
          }
        }
        if (isTextEdit(e) && out.some((t) => isTextEdit(t) && samePath(t.path, e.path))) out = transformOver(out, e);
      }
    }
    return out;
  }

  /** Commits effects: history, journal, then (once durable) the `apply` to all — or the `ack` to `acked`. */
  private commit(effects: Transition[], origin: string, seq: number | undefined, acked: Session | null): Committed {
    const version = ++this.versionNo;
    const committed: Committed = seq === undefined ? { version, effects, origin } : { version, effects, origin, seq };
    const frame = this.codec.encode(seq === undefined ? { type: 'apply', version, effects, origin } : { type: 'apply', version, effects, origin, seq });
    const ack = acked ? this.codec.encode({ type: 'ack', version, seq: seq as number }) : null;
    this.history.push(committed, frame);
    let persisted: void | Promise<void> = undefined;
    try {
      persisted = this.options.persist?.(committed);
    } catch (err) {
      this.fail(err);
    }
    const send = (): void => this.broadcast(frame, acked, ack);
    if (!(persisted instanceof Promise)) this.enqueue(send);
    else {
      const out: Outgoing = { ready: false, send };
      this.outbox.push(out);
      persisted.then(
        () => {
          out.ready = true;
          this.drain();
        },
        (err) => this.fail(err),
      );
    }
    this.scheduleTimer();
    return committed;
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = err ?? new Error('persist failed');
    this.options.onPersistError?.(err);
    for (const c of [...this.conns]) c.fail(new LockstepError('internal', 'the room could not persist a change'));
  }

  /** Sends at once when nothing waits to be made durable before it; queues it otherwise. */
  private enqueue(send: () => void): void {
    if (this.outbox.length === 0) {
      if (!this.failed) sendSafely(send);
      return;
    }
    this.outbox.push({ ready: true, send });
    this.drain();
  }

  private drain(): void {
    if (this.failed) return;
    let n = 0;
    while (n < this.outbox.length && (this.outbox[n] as Outgoing).ready) sendSafely((this.outbox[n++] as Outgoing).send);
    if (n) this.outbox.splice(0, n);
  }

  /** Sends `frame` to every session's connection; the session `acked` gets `ack` instead if it understands it. */
  private broadcast(frame: Frame, acked: Session | null, ack: Frame | null): void {
    const list = (this.connList ??= [...this.conns]);
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as Connection;
      if (c.session) c.sendFrame(c.session === acked && c.acks ? (ack as Frame) : frame);
    }
  }

  private setPresence(s: Session, data: Json): void {
    if (jsonEqual(s.presence, data)) return;
    s.presence = data === null ? undefined : data;
    const frame = this.codec.encode({ type: 'presence', clientId: s.clientId, data });
    for (const c of this.conns) if (c.session && c.session !== s) c.sendFrame(frame);
  }

  private presenceExcept(clientId: string): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const s of this.sessions.values()) {
      if (s.clientId !== clientId && s.presence !== undefined && s.conn) out[s.clientId] = s.presence;
    }
    return out;
  }

  private onClosed(conn: Connection): void {
    this.conns.delete(conn);
    this.connList = null;
    const greeting = this.greeting.get(conn);
    if (greeting !== undefined) this.clock.clearTimeout(greeting);
    this.greeting.delete(conn);
    const s = conn.session as Session | null;
    if (s && s.conn === conn) this.detach(s);
  }

  /** Whether a client id has a session (its dedup entry must be kept). */
  private readonly inUse = (clientId: string): boolean => this.sessions.has(clientId);

  /** A session loses its connection: presence cleared, kept for `resumeGrace` to be resumed. */
  private detach(s: Session): void {
    s.conn = null;
    if (s.presence !== undefined) this.setPresence(s, null);
    if (this.closed) return;
    s.grace = this.clock.setTimeout(() => this.expire(s), this.options.resumeGrace ?? 30_000);
  }

  private expire(s: Session): void {
    if (s.conn || this.sessions.get(s.clientId) !== s) return;
    this.sessions.delete(s.clientId);
    if (this.hooks.onLeave) this.hookCall('onLeave', s.clientId);
  }

  private hookCall(method: string, ...args: Json[]): void {
    try {
      this.dispatch([{ path: [], op: { type: 'call', method, args } }]);
    } catch {
      // A join/leave hook that refuses changes nothing; the client still joins or leaves.
    }
  }

  private scheduleTimer(): void {
    if (this.closed) return;
    let next: Timer | null;
    try {
      next = nextTimerOf(this.doc.state);
    } catch {
      next = null; // a nextTimer() that throws asks for no timer; the change itself stands
    }
    const r = this.refusedTimer;
    if (next && r && r.at === next.at && r.call === next.call) return; // asked again for a timer that conflicted
    if (this.timer && next && this.timer.at === next.at && this.timer.call === next.call) return;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = null;
    if (!next) return;
    const handle = this.clock.setTimeout(() => {
      this.timer = null;
      try {
        this.dispatch([{ path: [], op: { type: 'call', method: next.call, args: next.args ?? [] } }]);
      } catch {
        this.refusedTimer = next; // a timer whose transition conflicts is dropped
      }
    }, Math.max(0, next.at - this.clock.now()));
    this.timer = { handle, at: next.at, call: next.call };
  }
}

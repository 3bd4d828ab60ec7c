/**
 * SyncRoom: the room service of a lockstep room — a SyncServer whose every commit is appended
 * to the journal (acknowledged once durable), with a snapshot every `journal.snapshotEvery`
 * versions and when the room unloads. Each client is handed to the SyncServer as a
 * {@link ClientTransport}; JSON clients get the room's binary frames transcoded.
 */
import { LockstepError } from '../../errors.js';
import type { Json, Transition } from '../../structures/machine.js';
import type { SyncLimits } from '../../sync/limits.js';
import type { Committed } from '../../sync/protocol.js';
import { SyncServer, type Identity, type SyncServerOptions } from '../../sync/SyncServer.js';
import type { TokenIssuer } from '../../sync/tokens.js';
import { binaryCodec } from '../../transport/binary/binaryCodec.js';
import type { Frame } from '../../transport/Transport.js';
import type { Journal, JournalRecord } from '../journal/Journal.js';
import { errorText, type Logger } from '../logger.js';
import type { Metrics } from '../Metrics.js';
import type { RoomClient, RoomContext, RoomRef, RoomService } from '../RoomService.js';
import { ClientTransport } from './ClientTransport.js';
import { jsonTranscoder, roomCodec } from './roomCodec.js';

/** May this identity apply this transition in this room? `false` (or a throw) refuses it. */
export type Authorize = (identity: Identity, transition: Transition, room: RoomRef) => boolean | void;

/** What a sync room is given by the server. */
export interface SyncRoomSettings {
  readonly room: RoomRef;
  readonly journal: Journal;
  readonly tokens: TokenIssuer;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly authorize?: Authorize;
  readonly resumeGrace?: number;
  readonly history?: number;
  readonly limits?: Partial<SyncLimits>;
  /** The part of an identity resume tokens are bound to (SyncServerOptions.identityKey). */
  readonly identityKey?: (identity: Identity) => string;
  /** The journal failed: the room can acknowledge nothing more and should be unloaded. */
  failed(): void;
}

/** The snapshot data a sync room stores in its journal. */
export interface SyncRoomSnapshot {
  state: Json;
  lastSeqs: Record<string, number>;
}

interface Peer {
  readonly transport: ClientTransport;
  readonly connection: ReturnType<SyncServer['accept']>;
}

/** A lockstep room as a room service. */
export class SyncRoom<T extends object = object> implements RoomService {
  /** The room's authority. */
  readonly server: SyncServer<T>;
  private readonly key: string;
  private readonly peers = new Map<string, Peer>();
  private readonly toJson = jsonTranscoder();
  private lastPersist: Promise<void> = Promise.resolve();
  private snapshotAt: number;
  private broken = false;

  constructor(
    Root: new () => T,
    private readonly settings: SyncRoomSettings,
    restore?: SyncServerOptions['restore'],
  ) {
    const { room, metrics, authorize } = settings;
    this.key = `${room.type}/${room.id}`;
    this.snapshotAt = restore?.version ?? 0;
    this.server = new SyncServer(Root, {
      codec: roomCodec((type) => {
        if (type === 'reject') metrics.rejects++;
        else if (type === 'error') metrics.errors++;
      }),
      tokens: settings.tokens,
      history: settings.history,
      resumeGrace: settings.resumeGrace,
      limits: settings.limits,
      identityKey: settings.identityKey,
      authorize: authorize && ((identity, t) => authorize(identity, t, room)),
      persist: (c) => this.persist(c),
      onPersistError: (err) => {
        this.broken = true;
        settings.logger.log('error', 'room.persist_failed', { room: this.key, error: errorText(err) });
        settings.failed();
      },
      restore,
    });
  }

  connect(ctx: RoomContext, client: RoomClient): void {
    const outgoing = client.protocol === binaryCodec.name ? (f: Frame) => f : this.toJson;
    const transport = new ClientTransport(ctx, client, outgoing);
    this.peers.set(client.id, { transport, connection: this.server.accept(transport, client.identity) });
  }

  message(_ctx: RoomContext, client: RoomClient, frame: Frame): void {
    this.peers.get(client.id)?.transport.deliver(frame);
  }

  disconnect(_ctx: RoomContext, client: RoomClient): void {
    this.peers.get(client.id)?.transport.lost('disconnected');
    this.peers.delete(client.id);
  }

  refused(_ctx: RoomContext, client: RoomClient, error: LockstepError): void {
    this.peers.get(client.id)?.connection.error(error);
  }

  view(): Json {
    return this.server.doc.toJSON();
  }

  /** Applies transitions with origin `server` after `authorize`; resolves once durable. */
  async dispatch(transitions: Transition[], identity: Identity): Promise<Committed> {
    const { authorize, room } = this.settings;
    for (const t of transitions) {
      if (authorize && authorize(identity, t, room) === false) {
        throw new LockstepError('forbidden', `not allowed to change /${t.path.join('/')}`);
      }
    }
    return this.apply(transitions);
  }

  /** Applies transitions with origin `server`, unchecked (the host's own changes); resolves once durable. */
  async apply(transitions: Transition[]): Promise<Committed> {
    const committed = this.server.dispatch(transitions);
    await this.lastPersist;
    return committed;
  }

  /** Closes the clients, waits for the journal, writes a snapshot if anything changed since the last. */
  async close(): Promise<void> {
    this.server.close();
    const { journal } = this.settings;
    try {
      if (!this.broken) {
        await this.lastPersist;
        if (this.server.version > this.snapshotAt) await this.snapshot();
      }
    } finally {
      await journal.close(this.key);
    }
  }

  private persist(c: Committed): Promise<void> {
    const record: JournalRecord = { version: c.version, time: Date.now(), origin: c.origin, effects: c.effects };
    if (c.seq !== undefined) record.seq = c.seq;
    const appended = this.settings.journal.append(this.key, record);
    this.lastPersist = appended;
    this.settings.metrics.transitions++;
    if (c.version - this.snapshotAt >= this.settings.journal.snapshotEvery) {
      this.snapshot().catch((err: unknown) => {
        this.settings.logger.log('warn', 'room.snapshot_failed', { room: this.key, error: errorText(err) });
      });
    }
    return appended;
  }

  private snapshot(): Promise<void> {
    const version = this.server.version;
    this.snapshotAt = version;
    const data: SyncRoomSnapshot = { state: this.server.doc.snapshot(), lastSeqs: this.server.dedupTable() };
    return this.settings.journal.snapshot(this.key, { version, data: data as unknown as Json });
  }
}

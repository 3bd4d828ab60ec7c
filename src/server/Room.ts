/// <reference types="node" />
/**
 * Room: one loaded room of the host — its service, its connected clients and the context the
 * service acts through. It enforces `maxPayload` on every frame, isolates the process from
 * hooks that throw, and counts who uses it (connections, requests in flight): when nobody has
 * for `idleGrace` ms, it asks the host to unload it.
 */
import { LockstepError } from '../errors.js';
import type { Identity } from '../sync/SyncServer.js';
import type { Frame, Transport } from '../transport/Transport.js';
import { errorText, type Logger } from './logger.js';
import type { Metrics } from './Metrics.js';
import type { RoomClient, RoomContext, RoomRef, RoomService } from './RoomService.js';

/** What a room needs from its host. */
export interface RoomSettings {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Largest frame accepted (bytes). */
  readonly maxPayload: number;
  /** How long the room stays loaded with nobody using it (ms). */
  readonly idleGrace: number;
  /** Called when the room has been unused for `idleGrace`. */
  onIdle(room: Room): void;
}

interface Member {
  readonly client: RoomClient;
  readonly transport: Transport;
}

/** One loaded room. */
export class Room {
  /** `type/id`: the room's name in logs and in the journal. */
  readonly key: string;
  readonly ctx: RoomContext;
  /** The service; set by the host once it is made. */
  service: RoomService = {};
  private readonly members = new Map<string, Member>();
  private users = 0;
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private serviceTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    readonly ref: RoomRef,
    private readonly settings: RoomSettings,
  ) {
    this.key = `${ref.type}/${ref.id}`;
    this.ctx = {
      room: ref,
      logger: settings.logger,
      clients: () => [...this.members.values()].map((m) => m.client),
      send: (client, frame) => this.members.get(client.id)?.transport.send(frame),
      broadcast: (frame, except) => {
        for (const m of this.members.values()) if (m.client.id !== except?.id) m.transport.send(frame);
      },
      disconnect: (client, code = 1000, reason) => this.members.get(client.id)?.transport.close(code, reason),
      setTimer: (ms) => {
        clearTimeout(this.serviceTimer);
        this.serviceTimer = setTimeout(() => {
          this.serviceTimer = undefined;
          this.call('timer', (s) => s.timer?.(this.ctx));
        }, ms);
      },
      clearTimer: () => {
        clearTimeout(this.serviceTimer);
        this.serviceTimer = undefined;
      },
    };
  }

  /** Connected clients. */
  get connections(): number {
    return this.members.size;
  }

  /** True when nobody uses the room (no connection, no request in flight) and it is not closing. */
  get idle(): boolean {
    return this.users === 0 && !this.closing;
  }

  /** Adds a connection (it counts as a user until it closes). */
  join(transport: Transport, identity: Identity, protocol: string): RoomClient {
    const id = (++this.nextId).toString(36);
    const client: RoomClient = {
      id,
      identity,
      protocol,
      get bufferedAmount() {
        return transport.bufferedAmount ?? 0;
      },
    };
    const member: Member = { client, transport };
    this.members.set(id, member);
    this.retain();
    transport.listen({
      message: (frame) => this.receive(member, frame),
      state: (state, reason) => {
        if (state === 'closed' || state === 'offline') this.leave(member, reason);
      },
    });
    this.settings.logger.log('debug', 'client.connected', { room: this.key, client: id, protocol });
    this.call('connect', (s) => s.connect?.(this.ctx, client));
    return client;
  }

  /** Someone (a connection being set up, an HTTP request) uses the room: it stays loaded. */
  retain(): void {
    this.users++;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** The end of a {@link retain}. */
  release(): void {
    this.users--;
    if (this.users > 0 || this.closing) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.users === 0 && !this.closing) this.settings.onIdle(this);
    }, this.settings.idleGrace);
    this.idleTimer.unref();
  }

  /** Lets the service make everything durable, then closes every connection (default 1001). */
  async close(code = 1001, reason = 'room closed'): Promise<void> {
    this.closing = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.serviceTimer);
    try {
      await this.service.close?.();
    } catch (err) {
      this.settings.logger.log('error', 'room.close_failed', { room: this.key, error: errorText(err) });
    }
    for (const m of [...this.members.values()]) m.transport.close(code, reason);
  }

  private receive(member: Member, frame: Frame): void {
    if (this.members.get(member.client.id) !== member) return;
    const max = this.settings.maxPayload;
    const size = typeof frame !== 'string' ? frame.byteLength : frame.length * 3 <= max ? 0 : Buffer.byteLength(frame);
    if (size > max) {
      this.settings.metrics.oversized++;
      this.settings.logger.log('warn', 'client.oversized', { room: this.key, client: member.client.id, bytes: size, max });
      const err = new LockstepError('payload_too_large', `a message may have at most ${max} bytes, this one has ${size}: split the change`);
      this.call('refused', (s) => s.refused?.(this.ctx, member.client, err));
      member.transport.close(1009, 'payload_too_large');
      return;
    }
    this.call('message', (s) => s.message?.(this.ctx, member.client, frame));
  }

  private leave(member: Member, reason: string | undefined): void {
    if (this.members.get(member.client.id) !== member) return;
    this.members.delete(member.client.id);
    this.settings.logger.log('debug', 'client.left', { room: this.key, client: member.client.id, reason });
    this.call('disconnect', (s) => s.disconnect?.(this.ctx, member.client));
    this.release();
  }

  /** Runs a hook; a hook that throws is logged, never allowed to take the process down. */
  private call(hook: string, fn: (service: RoomService) => void): void {
    try {
      fn(this.service);
    } catch (err) {
      this.settings.logger.log('error', 'service.hook_failed', { room: this.key, hook, error: errorText(err) });
    }
  }
}

/**
 * Room services, after Stateroom: the host runs one service instance per room and calls its
 * hooks, one at a time, as clients connect, send frames and leave, and when the room's timer
 * fires. A service answers through its {@link RoomContext}: to one client, to all, or to all but
 * one. The sync room (SyncServer + journal) is one such service; examples/chat is a raw one.
 */
import type { LockstepError } from '../errors.js';
import type { Json, Transition } from '../structures/machine.js';
import type { Committed } from '../sync/protocol.js';
import type { Identity } from '../sync/SyncServer.js';
import type { Frame } from '../transport/Transport.js';
import type { Logger } from './logger.js';

/** Which room: its type (a key of the server's `rooms` option) and its id. */
export interface RoomRef {
  readonly type: string;
  readonly id: string;
}

/** One connected client as a service sees it. */
export interface RoomClient {
  /** Unique within the room while the room is loaded (assigned by the host per connection). */
  readonly id: string;
  /** What `authenticate` returned for this connection. */
  readonly identity: Identity;
  /** The WebSocket subprotocol selected for it (`''` when the client offered none). */
  readonly protocol: string;
  /** Bytes waiting to be written to this client. */
  readonly bufferedAmount: number;
}

/** What a service can do in its room. */
export interface RoomContext {
  readonly room: RoomRef;
  readonly logger: Logger;
  /** The clients connected now. */
  clients(): RoomClient[];
  /** Sends a frame to one client. */
  send(client: RoomClient, frame: Frame): void;
  /** Sends a frame to every client, or to every client but `except`. */
  broadcast(frame: Frame, except?: RoomClient): void;
  /** Closes one client's connection (`code` default 1000). */
  disconnect(client: RoomClient, code?: number, reason?: string): void;
  /** Calls the service's `timer` hook once, `ms` from now, replacing any timer already set. */
  setTimer(ms: number): void;
  /** Cancels the timer. */
  clearTimer(): void;
}

/** The hooks of a room service; all optional. Hooks that throw are logged and skipped. */
export interface RoomService {
  /** A client connected. */
  connect?(ctx: RoomContext, client: RoomClient): void;
  /** A client sent a frame (text as a string, binary as bytes), within `maxPayload`. */
  message?(ctx: RoomContext, client: RoomClient, frame: Frame): void;
  /** A client's connection ended. */
  disconnect?(ctx: RoomContext, client: RoomClient): void;
  /** The timer set with `ctx.setTimer` fired. */
  timer?(ctx: RoomContext): void;
  /** The host refused a frame of this client (`payload_too_large`): say so; the host then closes it. */
  refused?(ctx: RoomContext, client: RoomClient, error: LockstepError): void;
  /** The room's JSON view, for `GET /rooms/:type/:id` (404 without it). */
  view?(): Json;
  /** Applies transitions from a backend (`POST /rooms/:type/:id/transitions`, 404 without it); resolves once durable. */
  dispatch?(transitions: Transition[], identity: Identity): Promise<Committed>;
  /** The room unloads or the server shuts down: make everything durable (clients are closed after). */
  close?(): void | Promise<void>;
}

/** A room type served by a raw service. */
export interface ServiceSpec {
  /** Makes the service of a room when the room starts (on its first connection or request). */
  service(room: RoomRef, ctx: RoomContext): RoomService | Promise<RoomService>;
  /**
   * Subprotocols the service speaks, preferred first. A client offering subprotocols must offer
   * one of these; a client offering none gets protocol `''`. Default: none selected.
   */
  protocols?: readonly string[];
}

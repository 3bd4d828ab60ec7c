/// <reference types="node" />
/**
 * The options of {@link createServer}, and how a room type's spec becomes a room service: a root
 * class, or `{ root, init }`, is a sync room; `{ service }` is a raw service.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SyncLimits } from '../sync/limits.js';
import type { Identity } from '../sync/SyncServer.js';
import type { Journal } from './journal/Journal.js';
import type { Logger } from './logger.js';
import type { Authenticate } from './http/authenticate.js';
import type { ServiceSpec } from './RoomService.js';
import type { RoomInit } from './sync/openSyncRoom.js';
import type { Authorize } from './sync/SyncRoom.js';

/** A sync room type with per-room setup. */
export interface SyncRoomSpec<T extends object = object> {
  /** The root state machine class. */
  root: new () => T;
  /** The state of a room never written before: transitions (journaled as version 1) or a snapshot. */
  init?: (roomId: string) => RoomInit | Promise<RoomInit>;
}

/** A room type: a root class (a sync room), a {@link SyncRoomSpec}, or a raw {@link ServiceSpec}. */
export type RoomSpec = (new () => object) | SyncRoomSpec | ServiceSpec;

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** Room types by name: clients connect to `/rooms/:type/:id`. Names are `[A-Za-z0-9_-]{1,128}`. */
  rooms: Record<string, RoomSpec>;
  /**
   * Where rooms and the token secret live: a FileJournal in `<dataDir>/rooms`, the secret in
   * `<dataDir>/secret`. Without it (and without `journal`), rooms are kept in memory only.
   */
  dataDir?: string;
  /** The journal of the rooms (default: see `dataDir`). The server closes only a journal it made. */
  journal?: Journal;
  /** The key of resume tokens (default: `<dataDir>/secret`, else random per process). */
  secret?: string | Uint8Array;
  /** Who is calling, for every WebSocket upgrade and room request (default: everyone, identity `undefined`). */
  authenticate?: Authenticate;
  /** May this identity apply this transition (WebSocket submits and POSTed transitions)? */
  authorize?: Authorize;
  /** Largest message accepted, in bytes (default 1 MiB). */
  maxPayload?: number;
  /** Rooms loaded at once; past it an idle room is unloaded, else `server_full` (default 10,000). */
  maxRooms?: number;
  /** Open WebSocket connections; past it upgrades are refused with 503 `server_full` (default 10,000). */
  maxConnections?: number;
  /**
   * The part of an identity that resume tokens are bound to (default: its canonical JSON). Give
   * a stable user id when identities carry fields that change between connections (an expiry).
   */
  identityKey?: (identity: Identity) => string;
  /** A client with more bytes than this waiting to be sent is dropped, to resync later (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Milliseconds between heartbeat pings; a peer that misses one is dropped (default 30,000). */
  heartbeatInterval?: number;
  /** How long a room nobody uses stays loaded (ms, default 30,000). */
  idleGrace?: number;
  /** How long a disconnected client's session waits for it to resume (ms, default 30,000). */
  resumeGrace?: number;
  /** Committed transitions each room keeps for catching clients up (default 10,000). */
  history?: number;
  /** Per-client rates and per-room sizes of sync rooms (docs/SECURITY.md; unset fields keep their defaults). */
  limits?: Partial<SyncLimits>;
  /** Where logs go (default: JSON lines on stderr; see {@link defaultLogger}). */
  logger?: Logger;
  /** Answers HTTP requests no endpoint matched (static files, say); default 404. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** True for a raw service spec. */
export function isServiceSpec(spec: RoomSpec): spec is ServiceSpec {
  return typeof spec === 'object' && spec !== null && typeof (spec as ServiceSpec).service === 'function';
}

/** The sync spec of a root class or `{ root, init }`; null when it is neither. */
export function syncSpec(spec: RoomSpec): SyncRoomSpec | null {
  if (typeof spec === 'function') return { root: spec };
  if (typeof spec === 'object' && spec !== null && typeof (spec as SyncRoomSpec).root === 'function') return spec as SyncRoomSpec;
  return null;
}

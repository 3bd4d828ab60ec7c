/// <reference types="node" />
/**
 * createServer: the Node room server — an HTTP server with the room endpoints, WebSocket
 * upgrades at `/rooms/:type/:id` (via `ws`), a {@link RoomHost} running each room's service,
 * heartbeats, limits, metrics and a graceful `close()`. See docs/PROTOCOL.md §10 for what a
 * client sees.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { LockstepError } from '../errors.js';
import { jsonCodec } from '../sync/codec.js';
import { binaryCodec } from '../transport/binary/binaryCodec.js';
import { WsTransport } from '../transport/ws/WsTransport.js';
import { hmacTokens, loadSecret } from './hmacTokens.js';
import { requestHandler } from './http/handleRequest.js';
import { upgradeHandler } from './http/handleUpgrade.js';
import { ROOM_ID } from './http/roomPath.js';
import { FileJournal } from './journal/FileJournal.js';
import type { Journal } from './journal/Journal.js';
import { MemoryJournal } from './journal/MemoryJournal.js';
import { defaultLogger, errorText } from './logger.js';
import { Metrics } from './Metrics.js';
import { RoomHost, type RoomInfo } from './RoomHost.js';
import type { RoomService, ServiceSpec } from './RoomService.js';
import { isServiceSpec, syncSpec, type ServerOptions } from './ServerOptions.js';
import { openSyncRoom } from './sync/openSyncRoom.js';

/** The loaded rooms, and a way to reach one from the backend. */
export interface Rooms {
  /** The rooms loaded now. */
  list(): RoomInfo[];
  /**
   * Runs `fn` with the service of a room (loading it if needed; it stays loaded while `fn` runs).
   * A sync room's service is a `SyncRoom`: `apply(transitions)` changes it with origin `server`.
   */
  use<R>(type: string, id: string, fn: (service: RoomService) => R | Promise<R>): Promise<R>;
}

/** A running (or ready to run) room server. */
export interface LockstepServer {
  /** The underlying HTTP server. */
  readonly http: Server;
  readonly rooms: Rooms;
  readonly metrics: Metrics;
  /** Starts listening (default port 0: any free one; host 127.0.0.1); resolves with the address. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** The address listened on, or null. */
  address(): AddressInfo | null;
  /**
   * Shuts down gracefully: stops accepting, lets every room make its changes durable (and
   * snapshot), closes the clients with 1001, closes the journal it made. Idempotent.
   */
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
/** How long a connection may stay silent before its `hello` (limits.helloTimeout). */
const HELLO_TIMEOUT = 10_000;
/** How long `close` waits for clients to finish the close handshake before cutting them. */
const CLOSE_WAIT = 2000;

/** Creates a room server (call `listen` to start it). */
export function createServer(options: ServerOptions): LockstepServer {
  const logger = options.logger ?? defaultLogger();
  const metrics = new Metrics();
  const maxPayload = options.maxPayload ?? MiB;
  const { dataDir } = options;
  const journal: Journal = options.journal ?? (dataDir ? new FileJournal(join(dataDir, 'rooms')) : new MemoryJournal());
  const secret: Promise<Uint8Array> =
    options.secret !== undefined
      ? Promise.resolve(typeof options.secret === 'string' ? Buffer.from(options.secret) : options.secret)
      : dataDir
        ? loadSecret(dataDir)
        : Promise.resolve(randomBytes(32));
  secret.catch(() => undefined); // reported by listen()

  const specs = new Map<string, ServiceSpec>();
  for (const [type, spec] of Object.entries(options.rooms ?? {})) {
    if (!ROOM_ID.test(type)) throw new LockstepError('invalid_args', `room type ${JSON.stringify(type)}: use 1–128 of A-Z a-z 0-9 _ -`);
    if (isServiceSpec(spec)) {
      specs.set(type, spec);
      continue;
    }
    const sync = syncSpec(spec);
    if (!sync) throw new LockstepError('invalid_args', `room type ${type} needs a root class, { root, init } or { service }`);
    specs.set(type, {
      protocols: [binaryCodec.name, jsonCodec.name],
      service: async (room) =>
        openSyncRoom(sync.root, sync.init, {
          room,
          journal,
          tokens: hmacTokens(await secret, `${room.type}/${room.id}`),
          metrics,
          logger,
          authorize: options.authorize,
          resumeGrace: options.resumeGrace,
          history: options.history,
          limits: { helloTimeout: HELLO_TIMEOUT, ...options.limits },
          identityKey: options.identityKey,
          failed: () => void host.unloadRoom(room),
        }),
    });
  }
  if (!specs.size) throw new LockstepError('invalid_args', 'createServer needs at least one room type in `rooms`');

  const host = new RoomHost(specs, { logger, metrics, maxPayload, idleGrace: options.idleGrace ?? 30_000 }, options.maxRooms ?? 10_000);
  const live = new Map<WebSocket, WsTransport>();
  const chosen = new WeakMap<object, string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 2 * maxPayload, // frames up to twice the limit are read and answered; larger ones are cut by ws
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (_offered, req) => chosen.get(req) || false,
  });
  let closing: Promise<void> | null = null;
  let heartbeat: NodeJS.Timeout | undefined;

  const http = createHttpServer(
    requestHandler({
      host,
      types: new Set(specs.keys()),
      metrics,
      logger,
      maxPayload,
      authenticate: options.authenticate,
      fallback: options.fallback,
      closing: () => closing !== null,
    }),
  );
  http.on(
    'upgrade',
    upgradeHandler({
      host,
      specs,
      wss,
      metrics,
      logger,
      authenticate: options.authenticate,
      chosen,
      closing: () => closing !== null,
      connections: () => live.size,
      maxConnections: options.maxConnections ?? 10_000,
      transport(ws) {
        const t = new WsTransport(ws, {
          maxBufferedBytes: options.maxBufferedBytes ?? 8 * MiB,
          meter: (direction, bytes) => metrics.frame(direction, bytes),
          onDrop: (why) => {
            if (why === 'backpressure') metrics.backpressureDrops++;
            else metrics.heartbeatDrops++;
            logger.log('warn', 'client.dropped', { reason: why });
          },
        });
        live.set(ws, t);
        ws.once('close', () => live.delete(ws));
        return t;
      },
    }),
  );

  const address = (): AddressInfo | null => {
    const a = http.address();
    return a && typeof a === 'object' ? a : null;
  };

  async function shutdown(): Promise<void> {
    logger.log('info', 'server.closing', { rooms: host.size, connections: live.size });
    clearInterval(heartbeat);
    const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    await host.close();
    for (const t of live.values()) t.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_WAIT);
      const check = () => {
        if (live.size) return;
        clearTimeout(timer);
        resolve();
      };
      for (const ws of live.keys()) ws.once('close', check);
      check();
    });
    for (const ws of live.keys()) ws.terminate();
    if (!options.journal) {
      await journal.close().catch((err: unknown) => logger.log('error', 'journal.close_failed', { error: errorText(err) }));
    }
    http.closeAllConnections();
    await httpClosed;
    logger.log('info', 'server.closed');
  }

  return {
    http,
    metrics,
    rooms: {
      list: () => host.list(),
      async use(type, id, fn) {
        if (!ROOM_ID.test(id)) throw new LockstepError('invalid_args', 'a room id is 1–128 of A-Z a-z 0-9 _ -');
        const room = await host.acquire({ type, id });
        try {
          return await fn(room.service);
        } finally {
          room.release();
        }
      },
    },
    async listen(port = 0, hostname = '127.0.0.1') {
      await secret;
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, hostname, () => {
          http.off('error', reject);
          resolve();
        });
      });
      heartbeat = setInterval(() => {
        for (const t of [...live.values()]) t.heartbeat();
      }, options.heartbeatInterval ?? 30_000);
      heartbeat.unref();
      const a = address() as AddressInfo;
      logger.log('info', 'server.listening', { host: a.address, port: a.port });
      return a;
    },
    address,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

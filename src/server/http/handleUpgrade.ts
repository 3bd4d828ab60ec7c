/// <reference types="node" />
/**
 * WebSocket upgrades at `/rooms/:type/:id`: the path and room id are checked, a subprotocol the
 * room type speaks is selected, `authenticate` runs and the room is loaded — all before the
 * upgrade, so a refusal is a plain HTTP answer (400, 401, 403, 404, 503). Then the socket
 * becomes a {@link WsTransport} joined to the room.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { LockstepError, toLockstepError } from '../../errors.js';
import type { Identity } from '../../sync/SyncServer.js';
import { tokenFromProtocols, TOKEN_PROTOCOL_PREFIX } from '../../transport/websocket/tokenProtocol.js';
import type { Transport } from '../../transport/Transport.js';
import { errorText, type Logger } from '../logger.js';
import type { Metrics } from '../Metrics.js';
import type { RoomHost } from '../RoomHost.js';
import type { ServiceSpec } from '../RoomService.js';
import { authenticate, bearerToken, type Authenticate } from './authenticate.js';
import { refuseUpgrade } from './respond.js';
import { parseRoomPath, ROOM_ID } from './roomPath.js';

/** What upgrades need. */
export interface UpgradeContext {
  readonly host: RoomHost;
  readonly specs: ReadonlyMap<string, ServiceSpec>;
  readonly wss: WebSocketServer;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly authenticate?: Authenticate;
  /** The subprotocol chosen for each request being upgraded (read by `handleProtocols`). */
  readonly chosen: WeakMap<IncomingMessage, string>;
  /** Wraps an upgraded socket. */
  transport(ws: WebSocket): Transport;
  closing(): boolean;
  /** Open WebSocket connections now, and the most allowed (past it: 503 `server_full`). */
  connections(): number;
  readonly maxConnections: number;
}

/** The server's `upgrade` listener. */
export function upgradeHandler(cx: UpgradeContext): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', () => undefined); // a client that vanishes mid-handshake is not an error
    upgrade(cx, req, socket, head).catch((err: unknown) => {
      const e = toLockstepError(err);
      const path = (req.url ?? '').split('?', 1)[0];
      if (e.code === 'unauthorized' || e.code === 'forbidden') cx.metrics.authRefusals++;
      if (e.code === 'internal') cx.logger.log('error', 'upgrade.failed', { path, error: errorText(err), cause: e.details?.cause });
      else cx.logger.log('info', 'upgrade.refused', { path, code: e.code });
      refuseUpgrade(socket, e, e.code === 'not_found' ? 404 : undefined); // before the upgrade, not_found is a routing answer
    });
  };
}

async function upgrade(cx: UpgradeContext, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  if (cx.closing()) throw new LockstepError('closed', 'the server is shutting down');
  if (cx.connections() >= cx.maxConnections) {
    cx.metrics.capacityRefusals++;
    throw new LockstepError('server_full', `the server has its maximum of ${cx.maxConnections} connections; retry later`);
  }
  const route = parseRoomPath(req.url);
  if (!route || route.action) throw new LockstepError('not_found', 'connect to /rooms/:type/:id');
  const spec = cx.specs.get(route.type);
  if (!spec) throw new LockstepError('not_found', `no room type ${JSON.stringify(route.type)}`);
  if (!ROOM_ID.test(route.id)) throw new LockstepError('invalid_args', 'a room id is 1–128 of A-Z a-z 0-9 _ -');
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const protocol = selectProtocol(spec, offered.filter((p) => !p.startsWith(TOKEN_PROTOCOL_PREFIX)));
  const ref = { type: route.type, id: route.id };
  const token = tokenFromProtocols(offered) ?? bearerToken(req);
  const identity: Identity = await authenticate(cx.authenticate, { request: req, room: ref, token, action: 'connect' });
  const room = await cx.host.acquire(ref);
  cx.chosen.set(req, protocol);
  try {
    cx.wss.handleUpgrade(req, socket, head, (ws) => room.join(cx.transport(ws), identity, protocol));
  } finally {
    room.release(); // the connection holds the room from here (if the handshake went through)
  }
}

/** The client's first offered subprotocol the room type speaks; `''` when it offered none. */
function selectProtocol(spec: ServiceSpec, offered: string[]): string {
  if (!offered.length) return '';
  const found = offered.find((p) => spec.protocols?.includes(p));
  if (found === undefined) {
    const speaks = spec.protocols?.length ? spec.protocols.join(', ') : 'no subprotocol';
    throw new LockstepError('unsupported_version', `this room speaks ${speaks}; the client offered ${offered.join(', ').slice(0, 200)}`);
  }
  return found;
}

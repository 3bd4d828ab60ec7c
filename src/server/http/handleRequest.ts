/// <reference types="node" />
/**
 * The HTTP endpoints: `GET /healthz` (JSON status), `GET /status` (`ok`), `GET /metrics`
 * (Prometheus), `GET /rooms/:type/:id` (the room's JSON view) and
 * `POST /rooms/:type/:id/transitions` (transitions applied with origin `server`, answered once
 * durable). Room endpoints pass `authenticate` first; anything else goes to `fallback` or 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LockstepError, toLockstepError } from '../../errors.js';
import type { Transition } from '../../structures/machine.js';
import { LIMITS, validateClientMessage } from '../../sync/protocol.js';
import { errorText, type Logger } from '../logger.js';
import type { Metrics } from '../Metrics.js';
import type { RoomHost } from '../RoomHost.js';
import { authenticate, bearerToken, type Authenticate } from './authenticate.js';
import { readBody, sendError, sendJson, sendText } from './respond.js';
import { parseRoomPath, ROOM_ID, type RoomRoute } from './roomPath.js';

/** What the endpoints need. */
export interface RequestContext {
  readonly host: RoomHost;
  readonly types: ReadonlySet<string>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly maxPayload: number;
  readonly authenticate?: Authenticate;
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => void;
  /** True once the server is shutting down. */
  closing(): boolean;
}

/** The server's `request` listener. */
export function requestHandler(cx: RequestContext): (req: IncomingMessage, res: ServerResponse) => void {
  const started = Date.now();
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const route = parseRoomPath(req.url);
    if (route) {
      roomRequest(cx, req, res, route).catch((err: unknown) => {
        const e = toLockstepError(err);
        if (e.code === 'internal') cx.logger.log('error', 'http.failed', { path, error: errorText(err), cause: e.details?.cause });
        if (e.code === 'unauthorized' || e.code === 'forbidden') cx.metrics.authRefusals++;
        if (!res.headersSent) sendError(res, e, undefined, e.code === 'payload_too_large' ? { connection: 'close' } : {});
      });
    } else if (path === '/healthz' && isGet(req, res)) {
      const closing = cx.closing();
      sendJson(res, closing ? 503 : 200, {
        status: closing ? 'closing' : 'ok',
        rooms: cx.host.size,
        connections: cx.host.connections,
        uptime: Math.round((Date.now() - started) / 1000),
      });
    } else if (path === '/status' && isGet(req, res)) {
      sendText(res, 200, 'ok');
    } else if (path === '/metrics' && isGet(req, res)) {
      const gauges = { rooms: cx.host.size, connections: cx.host.connections };
      sendText(res, 200, cx.metrics.render(gauges), 'text/plain; version=0.0.4; charset=utf-8');
    } else if (cx.fallback) {
      cx.fallback(req, res);
    } else if (!res.headersSent) {
      sendError(res, new LockstepError('not_found', `nothing at ${path}`), 404);
    }
  };
}

/** True for GET (and HEAD); otherwise answers 405. */
function isGet(req: IncomingMessage, res: ServerResponse, allow = 'GET'): boolean {
  if (req.method === allow || (allow === 'GET' && req.method === 'HEAD')) return true;
  sendError(res, new LockstepError('invalid_args', `use ${allow} here`), 405, { allow });
  return false;
}

async function roomRequest(cx: RequestContext, req: IncomingMessage, res: ServerResponse, route: RoomRoute): Promise<void> {
  if (!cx.types.has(route.type)) return sendError(res, new LockstepError('not_found', `no room type ${JSON.stringify(route.type)}`), 404);
  if (!ROOM_ID.test(route.id)) return sendError(res, new LockstepError('invalid_args', 'a room id is 1–128 of A-Z a-z 0-9 _ -'));
  const write = route.action === 'transitions';
  if (!isGet(req, res, write ? 'POST' : 'GET')) return;
  const ref = { type: route.type, id: route.id };
  const identity = await authenticate(cx.authenticate, { request: req, room: ref, token: bearerToken(req), action: write ? 'write' : 'read' });
  const transitions = write ? parseTransitions(await readBody(req, cx.maxPayload)) : [];
  const room = await cx.host.acquire(ref);
  try {
    const service = room.service;
    if (write) {
      if (!service.dispatch) return sendError(res, new LockstepError('not_found', `rooms of type ${route.type} take no transitions`), 404);
      const committed = await service.dispatch(transitions, identity);
      sendJson(res, 200, { version: committed.version });
    } else {
      if (!service.view) return sendError(res, new LockstepError('not_found', `rooms of type ${route.type} have no JSON view`), 404);
      sendJson(res, 200, service.view());
    }
  } finally {
    room.release();
  }
}

/** A body holding one transition or an array of them, checked as a submit would be. */
function parseTransitions(body: string): Transition[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new LockstepError('invalid_message', 'the body is not JSON');
  }
  const transitions = Array.isArray(value) ? value : [value];
  try {
    validateClientMessage({ type: 'submit', seq: 1, base: 0, transitions });
  } catch (err) {
    throw new LockstepError(
      'invalid_message',
      `the body must be a transition { path, op } or an array of 1–${LIMITS.transitionsPerSubmit} (${errorText(err)})`,
    );
  }
  return transitions as Transition[];
}

/// <reference types="node" />
/**
 * The `authenticate` hook: every WebSocket upgrade and every room request passes through it
 * before anything about the room is loaded or revealed. It returns the caller's identity —
 * which reaches `authorize` and the room's services, and never the logs — or refuses.
 */
import type { IncomingMessage } from 'node:http';
import { LockstepError } from '../../errors.js';
import type { Identity } from '../../sync/SyncServer.js';
import type { RoomRef } from '../RoomService.js';

/** What `authenticate` is asked about. */
export interface AuthRequest {
  /** The HTTP request (the WebSocket upgrade, or the REST call). */
  readonly request: IncomingMessage;
  /** The room it is for. */
  readonly room: RoomRef;
  /** The credential: the `lockstep.token.…` subprotocol, else `Authorization: Bearer …`. */
  readonly token: string | undefined;
  /** `connect` (WebSocket), `read` (GET the room) or `write` (POST transitions). */
  readonly action: 'connect' | 'read' | 'write';
}

/**
 * Decides who is calling. Return the identity to let the call in. Return `null`, `undefined` or
 * `false`, or throw `LockstepError('unauthorized')`, to answer 401; throw
 * `LockstepError('forbidden')` to answer 403. Anything else thrown answers 500.
 */
export type Authenticate = (request: AuthRequest) => Identity | Promise<Identity>;

/** Runs the hook: the identity, or a LockstepError `unauthorized`, `forbidden` or `internal`. */
export async function authenticate(hook: Authenticate | undefined, request: AuthRequest): Promise<Identity> {
  if (!hook) return undefined;
  let identity: Identity;
  try {
    identity = await hook(request);
  } catch (err) {
    if (err instanceof LockstepError && (err.code === 'unauthorized' || err.code === 'forbidden')) throw err;
    throw new LockstepError('internal', 'authentication failed', { cause: err instanceof Error ? err.message : String(err) });
  }
  if (identity === null || identity === undefined || identity === false) {
    throw new LockstepError('unauthorized', 'missing or invalid credentials');
  }
  return identity;
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
  return m ? m[1] : undefined;
}

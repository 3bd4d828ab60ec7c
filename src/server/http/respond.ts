/// <reference types="node" />
/**
 * HTTP answers: JSON bodies, errors as `{ error: { code, message } }` with a status chosen by
 * the error code, refusals of WebSocket upgrades written to the raw socket, and bounded request
 * bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { LockstepError, type ErrorCode } from '../../errors.js';

/** The HTTP status of an error code. */
export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'payload_too_large':
      return 413;
    case 'rate_limited':
      return 429;
    case 'closed':
    case 'server_full':
      return 503;
    case 'internal':
      return 500;
    case 'invalid_op':
    case 'invalid_args':
    case 'invalid_value':
    case 'invalid_snapshot':
    case 'invalid_message':
    case 'invalid_definition':
    case 'unsupported_version':
      return 400;
    default:
      return 409; // a conflict: valid input the room's state refuses
  }
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Answers with a plain-text body. */
export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers with an error (status from its code unless given). */
export function sendError(res: ServerResponse, err: LockstepError, status = httpStatus(err.code), headers?: Record<string, string>): void {
  sendJson(res, status, { error: { code: err.code, message: err.message } }, headers);
}

/** Refuses a WebSocket upgrade with an HTTP error response, then closes the socket. */
export function refuseUpgrade(socket: Duplex, err: LockstepError, status?: number): void {
  status ??= httpStatus(err.code);
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: { code: err.code, message: err.message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The request body as text; `payload_too_large` beyond `limit` bytes. The rest of an oversized
 * body is discarded, not buffered (answer with `connection: close` to end it).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => new LockstepError('payload_too_large', `the body may have at most ${limit} bytes`);
  if (Number(req.headers['content-length']) > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

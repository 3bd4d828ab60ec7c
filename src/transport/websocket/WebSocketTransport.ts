/**
 * WebSocketTransport: the client side of a lockstep connection over the standard `WebSocket`
 * (browsers, Node ≥ 22, or `ws`'s class passed as an option). It offers the codecs as
 * subprotocols (`lockstep.v1.bin`, `lockstep.v1.json`) and encodes with the one the server
 * selected; a token rides along as the subprotocol `lockstep.token.…`. When the connection is
 * lost it goes `offline` and reconnects by itself with exponential backoff and full jitter;
 * `close()` is final. Browser-safe: no Node modules.
 */
import { LockstepError } from '../../errors.js';
import { jsonCodec, type Codec } from '../../sync/codec.js';
import { binaryCodec } from '../binary/binaryCodec.js';
import type { Frame, Transport, TransportHandlers, TransportState } from '../Transport.js';
import { backoffDelay } from './backoff.js';
import { tokenProtocol } from './tokenProtocol.js';

/**
 * What this transport needs of a WebSocket: the standard API (so the browser's class, Node's
 * global and `ws`'s class all fit). Handler parameters are `never` because each implementation
 * has its own event types; the transport reads only `data`, `code` and `reason`.
 */
export interface WebSocketLike {
  readonly protocol: string;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: `globalThis.WebSocket`, or `WebSocket` from `ws` on Node 20. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** A connection that lasted this long (ms) starts the backoff over when it is lost. */
const STABLE_AFTER = 10_000;

/** Options of a WebSocketTransport. */
export interface WebSocketTransportOptions {
  /** Codecs to offer, preferred first (default: binary, then JSON). */
  codecs?: readonly Codec[];
  /** A credential for the server's `authenticate` hook; a function is asked again on every (re)connect. */
  token?: string | (() => string | Promise<string>);
  /** The WebSocket class (default `globalThis.WebSocket`; pass `ws`'s on Node 20). */
  WebSocket?: WebSocketConstructor;
  /** First reconnect delay bound (ms, default 500). */
  minDelay?: number;
  /** Largest reconnect delay (ms, default 15,000). */
  maxDelay?: number;
  /** A handshake taking longer than this is abandoned and retried (ms, default 10,000). */
  connectTimeout?: number;
  /** Randomness of the jitter (default `Math.random`). */
  random?: () => number;
}

/** The client side of a WebSocket connection; reconnects by itself. */
export class WebSocketTransport implements Transport {
  /**
   * The codec to give the SyncClient: it encodes and decodes with whichever codec the server
   * selected for the current connection.
   */
  readonly codec: Codec;
  readonly url: string;
  private readonly offered: readonly Codec[];
  private readonly WS: WebSocketConstructor;
  private negotiated: Codec;
  private socket: WebSocketLike | null = null;
  private current: TransportState = 'connecting';
  private handlers: TransportHandlers | null = null;
  private attempt = 0;
  private openedAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    url: string,
    private readonly options: WebSocketTransportOptions = {},
  ) {
    this.url = webSocketUrl(url);
    this.offered = options.codecs ?? [binaryCodec, jsonCodec];
    const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) throw new LockstepError('invalid_args', 'no WebSocket class here: pass { WebSocket } (on Node 20, the one from the ws package)');
    if (!this.offered.length) throw new LockstepError('invalid_args', 'offer at least one codec');
    this.WS = WS;
    this.negotiated = this.offered[0] as Codec;
    this.codec = {
      name: this.offered.map((c) => c.name).join(', '),
      encode: (message) => this.negotiated.encode(message),
      decode: (frame) => this.negotiated.decode(frame),
    };
    void this.open();
  }

  get state(): TransportState {
    return this.current;
  }

  /** The codec (subprotocol) the server selected for the current or last connection. */
  get protocol(): string {
    return this.negotiated.name;
  }

  /** Bytes the WebSocket has queued but not yet sent. */
  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  listen(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  /** Sends a frame; dropped unless `open`. */
  send(frame: Frame): void {
    if (this.current === 'open') this.socket?.send(frame);
  }

  /** Closes for good: no more reconnects. */
  close(code = 1000, reason = 'closed'): void {
    if (this.current === 'closed') return;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    this.setState('closed', reason);
    if (socket) {
      // Browsers only let a page close with 1000 or 3000–4999 and a reason of ≤ 123 bytes.
      const valid = code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
      socket.close(valid, reason.slice(0, 40));
    }
  }

  private async open(): Promise<void> {
    this.timer = undefined;
    const { token, connectTimeout = 10_000 } = this.options;
    let credential: string | undefined;
    try {
      credential = typeof token === 'function' ? await token() : token;
    } catch (err) {
      return this.lost(`could not get a token: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.current === 'closed') return;
    const protocols = this.offered.map((c) => c.name);
    if (credential) protocols.push(tokenProtocol(credential));
    let socket: WebSocketLike;
    try {
      socket = new this.WS(this.url, protocols);
    } catch (err) {
      return this.lost(err instanceof Error ? err.message : String(err));
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    const timeout = setTimeout(() => {
      if (this.socket !== socket || this.current === 'open') return;
      this.socket = null;
      socket.close();
      this.lost('connect timed out');
    }, connectTimeout);
    socket.onopen = () => {
      clearTimeout(timeout);
      if (this.socket !== socket) return;
      this.negotiated = this.offered.find((c) => c.name === socket.protocol) ?? (this.offered[0] as Codec);
      this.openedAt = Date.now();
      this.setState('open');
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (this.socket === socket) this.handlers?.message(toFrame(event.data));
    };
    socket.onclose = (event: { code: number; reason: string }) => {
      clearTimeout(timeout);
      if (this.socket !== socket) return;
      this.socket = null;
      // A server that accepts and then closes at once (full, refusing) must not be hammered.
      if (this.current === 'open' && Date.now() - this.openedAt >= STABLE_AFTER) this.attempt = 0;
      this.lost(`connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`);
    };
    socket.onerror = () => undefined; // a close event follows with the details the platform gives
  }

  /** The connection is gone or could not be made: go offline and retry after a backoff. */
  private lost(reason: string): void {
    if (this.current === 'closed') return;
    this.setState('offline', reason);
    const { minDelay = 500, maxDelay = 15_000, random } = this.options;
    const delay = backoffDelay(this.attempt++, minDelay, maxDelay, random);
    this.timer = setTimeout(() => {
      this.setState('connecting');
      void this.open();
    }, delay);
  }

  private setState(state: TransportState, reason?: string): void {
    if (this.current === state) return;
    this.current = state;
    this.handlers?.state(state, reason);
  }
}

/** `data` of a message event as a frame: text, or the bytes of an ArrayBuffer (or view). */
function toFrame(data: unknown): Frame {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data as ArrayBuffer);
}

/** An absolute ws:// or wss:// URL (http(s) and page-relative URLs are accepted too). */
function webSocketUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    throw new LockstepError('invalid_args', `not a URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') {
    throw new LockstepError('invalid_args', `a WebSocket URL starts with ws://, wss://, http:// or https://, not ${u.protocol}`);
  }
  return u.href;
}

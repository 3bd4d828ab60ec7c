/// <reference types="node" />
/**
 * WsTransport: the server's end of one connection, over a `ws` WebSocket. It is `open` from the
 * start and `closed` for good when the socket closes (a client that reconnects arrives as a new
 * transport). It never buffers without bound: when more than `maxBufferedBytes` wait to be
 * written (a client that stopped reading), the socket is destroyed at once — a close frame
 * would only queue behind the backlog — and the client resyncs when it reconnects.
 * `heartbeat()` drops a peer that did not answer the previous ping.
 */
import type { RawData, WebSocket } from 'ws';
import type { Frame, Transport, TransportHandlers, TransportState } from '../Transport.js';

/** Options of a WsTransport. */
export interface WsTransportOptions {
  /** Destroy the connection when more bytes than this wait to be sent (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Told about every frame's size (metrics). */
  meter?: (direction: 'in' | 'out', bytes: number) => void;
  /** Told when the transport drops its peer by itself. */
  onDrop?: (why: WsDropReason) => void;
}

/** Why a WsTransport dropped its peer. */
export type WsDropReason = 'backpressure' | 'heartbeat';

const DROP_REASONS: Record<WsDropReason, string> = {
  backpressure: 'dropped: the client does not read fast enough',
  heartbeat: 'dropped: no answer to heartbeat',
};

/** A ws socket as a lockstep Transport. */
export class WsTransport implements Transport {
  private current: TransportState = 'open';
  private handlers: TransportHandlers | null = null;
  private alive = true;
  private readonly maxBuffered: number;

  constructor(
    /** The underlying socket. */
    readonly socket: WebSocket,
    private readonly options: WsTransportOptions = {},
  ) {
    this.maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    socket.on('message', (data: RawData, isBinary: boolean) => this.received(data, isBinary));
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.closed(`closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`);
    });
    socket.on('error', () => undefined); // a close event follows
  }

  get state(): TransportState {
    return this.current;
  }

  /** Bytes queued in `ws` and the socket, not yet written to the network. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  listen(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  /** Sends a frame (text for a string, binary for bytes); a client too far behind is dropped. */
  send(frame: Frame): void {
    if (this.current !== 'open') return;
    this.socket.send(frame);
    this.options.meter?.('out', typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength);
    if (this.socket.bufferedAmount > this.maxBuffered) this.dropFor('backpressure');
  }

  /** Closes with a close frame (`code` default 1000). */
  close(code = 1000, reason = ''): void {
    if (this.current !== 'open') return;
    this.socket.close(code, truncate(reason));
    this.closed(reason || 'closed');
  }

  /** Destroys the connection without a close handshake. */
  drop(reason: string): void {
    if (this.current !== 'open') return;
    this.socket.terminate();
    this.closed(reason);
  }

  /**
   * Pings the peer; a peer that did not answer the previous ping (nor sent anything since) is
   * dropped. Returns false when it was.
   */
  heartbeat(): boolean {
    if (this.current !== 'open') return false;
    if (!this.alive) {
      this.dropFor('heartbeat');
      return false;
    }
    this.alive = false;
    this.socket.ping();
    return true;
  }

  private dropFor(why: WsDropReason): void {
    this.drop(DROP_REASONS[why]);
    this.options.onDrop?.(why);
  }

  private received(data: RawData, isBinary: boolean): void {
    if (this.current !== 'open') return;
    this.alive = true;
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    this.options.meter?.('in', buf.byteLength);
    const frame: Frame = isBinary ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : buf.toString('utf8');
    this.handlers?.message(frame);
  }

  private closed(reason: string): void {
    if (this.current === 'closed') return;
    this.current = 'closed';
    this.handlers?.state('closed', reason);
  }
}

/** A close reason within the 123 bytes a close frame allows. */
function truncate(reason: string): string {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  return r;
}

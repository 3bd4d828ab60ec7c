/**
 * Transport: a duplex channel of frames between one client and the server. The sync layer
 * depends on nothing else about it. A client-side transport may reconnect by itself: each
 * `open` is a fresh connection (the client then says hello again), `offline` means it lost the
 * connection and is retrying, `closed` means it is finished for good.
 */

/** One encoded message: a text frame or a binary frame. */
export type Frame = string | Uint8Array;

/** Connection state as a transport reports it. */
export type TransportState = 'connecting' | 'open' | 'offline' | 'closed';

/** What a transport calls back. */
export interface TransportHandlers {
  /** A frame arrived (only while `open`). */
  message(frame: Frame): void;
  /** The state changed; `reason` says why when it went `offline` or `closed`. */
  state(state: TransportState, reason?: string): void;
}

/** A duplex message channel. */
export interface Transport {
  readonly state: TransportState;
  /** Sends a frame; frames sent while not `open` are dropped (the sync layer resends what matters). */
  send(frame: Frame): void;
  /** Closes for good. */
  close(code?: number, reason?: string): void;
  /** Installs the handlers (one set; a later call replaces it). */
  listen(handlers: TransportHandlers): void;
  /** Bytes queued but not yet handed to the network, when the transport knows (backpressure). */
  readonly bufferedAmount?: number;
}

/**
 * `connect(Root, url, options)`: the one call a browser app makes — a SyncClient over a
 * reconnecting {@link WebSocketTransport}, encoding with the codec the server selected.
 */
import type { Codec } from '../../sync/codec.js';
import { SyncClient, type SyncClientOptions } from '../../sync/SyncClient.js';
import { WebSocketTransport, type WebSocketTransportOptions } from './WebSocketTransport.js';

/** Options of {@link connect}: the client's, the transport's, and one codec to insist on. */
export interface ConnectOptions extends Omit<SyncClientOptions, 'codec'>, Omit<WebSocketTransportOptions, 'codecs'> {
  /** Offer only this codec (default: binary, then JSON; the server picks). */
  codec?: Codec;
}

/** Connects to a room at `url` (`ws(s)://host/rooms/:type/:id`) and returns its SyncClient. */
export function connect<T extends object>(Root: new () => T, url: string, options: ConnectOptions = {}): SyncClient<T> {
  const { codec, token, WebSocket, minDelay, maxDelay, connectTimeout, random, ...clientOptions } = options;
  const transport = new WebSocketTransport(url, {
    codecs: codec ? [codec] : undefined,
    token,
    WebSocket,
    minDelay,
    maxDelay,
    connectTimeout,
    random,
  });
  return new SyncClient(Root, transport, { ...clientOptions, codec: transport.codec });
}

/**
 * MemoryServerTransport: the server's end of one memory connection. It is `open` when the
 * server's accept callback gets it and `closed` for good when the connection is cut, the client
 * closes, or the server closes it. It never reconnects: a reconnecting client arrives as a new
 * server transport.
 */
import type { Frame } from '../Transport.js';
import type { Connection } from './Connection.js';
import { MemoryEndpoint } from './MemoryEndpoint.js';
import type { Simulation } from './Simulation.js';

/** The server side of a memory connection. */
export class MemoryServerTransport extends MemoryEndpoint {
  constructor(
    sim: Simulation,
    private readonly connection: Connection,
  ) {
    super(sim, 'open');
  }

  /** Bytes sent to the client and not yet delivered. */
  get bufferedAmount(): number {
    return this.connection.down.bytes;
  }

  /** Sends a frame to the client; dropped unless `open`. */
  send(frame: Frame): void {
    if (this.state !== 'open') {
      this.sim.counters.framesDropped++;
      return;
    }
    this.connection.down.send(frame);
  }

  /**
   * Closes this connection: frames already sent still arrive, then the client sees it as a lost
   * connection (it goes `offline` and reconnects). Frames the client had in flight are lost.
   */
  close(code?: number, reason?: string): void {
    if (this.state === 'closed') return;
    this.setState('closed', reason ?? 'closed');
    this.connection.closeFromServer(code, reason);
  }

  /** The connection is gone (cut, or closed by the client). Internal: called by the connection. */
  lose(reason: string): void {
    if (this.state !== 'closed') this.setState('closed', reason);
  }
}

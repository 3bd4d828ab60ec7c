/**
 * MemoryClientTransport: the client's end of a memory network. It starts `connecting`; a
 * handshake takes one latency draw and then either opens a new connection (the server's accept
 * callback gets a new server transport, the client goes `open`) or is refused (no server
 * listening, or the client is partitioned) and the client goes `offline`. When its connection
 * is lost (cut, dropped, closed by the server) it goes `offline` with the reason, waits a
 * reconnect delay, goes `connecting` and tries again — until `close()`, which is final.
 */
import type { Frame } from '../Transport.js';
import { Connection } from './Connection.js';
import type { ScheduledEvent } from './EventQueue.js';
import { MemoryEndpoint } from './MemoryEndpoint.js';
import type { Simulation } from './Simulation.js';

/** The client side of a memory network; it reconnects by itself. */
export class MemoryClientTransport extends MemoryEndpoint {
  private connection: Connection | null = null;
  /** The scheduled handshake or reconnect attempt, if any. */
  private next: ScheduledEvent | null = null;
  /** Handshakes before this time are refused (a partition). */
  private refuseUntil = -Infinity;
  private readonly handshakeNow = (): void => this.handshake();
  private readonly retryNow = (): void => this.retry();

  constructor(sim: Simulation) {
    super(sim, 'connecting');
    this.next = sim.queue.at(sim.queue.now + sim.latency(), this.handshakeNow, undefined);
  }

  /** Bytes sent to the server and not yet delivered. */
  get bufferedAmount(): number {
    return this.connection?.up.bytes ?? 0;
  }

  /** Sends a frame to the server; dropped unless `open`. */
  send(frame: Frame): void {
    const connection = this.connection;
    if (this.state !== 'open' || connection === null) {
      this.sim.counters.framesDropped++;
      return;
    }
    connection.up.send(frame);
  }

  /**
   * Closes for good: no more reconnects. Frames already sent still reach the server, which then
   * sees its transport `closed`; frames on their way to this client are lost.
   */
  close(code?: number, reason?: string): void {
    if (this.state === 'closed') return;
    if (this.next !== null) {
      this.sim.queue.cancel(this.next);
      this.next = null;
    }
    const connection = this.connection;
    this.connection = null;
    this.setState('closed', reason ?? 'closed');
    connection?.closeFromClient(code, reason);
  }

  /** Cuts the current connection, if any. Internal: see {@link MemoryNetwork.cut}. */
  cut(): void {
    this.connection?.cut('connection cut');
  }

  /** Cuts the current connection and refuses handshakes until `until`. Internal: see {@link MemoryNetwork.partition}. */
  partition(until: number): void {
    this.refuseUntil = Math.max(this.refuseUntil, until);
    this.connection?.cut('partitioned');
  }

  /** `connection` is gone: go offline and retry later. Internal: called by the connection. */
  lose(connection: Connection, reason: string): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.offline(reason);
  }

  private offline(reason: string): void {
    this.setState('offline', reason);
    const queue = this.sim.queue;
    this.next = queue.at(queue.now + this.sim.reconnectDelay(), this.retryNow, undefined);
  }

  private retry(): void {
    this.setState('connecting');
    const queue = this.sim.queue;
    this.next = queue.at(queue.now + this.sim.latency(), this.handshakeNow, undefined);
  }

  private handshake(): void {
    this.next = null;
    const accept = this.sim.accept;
    if (this.sim.queue.now < this.refuseUntil) return this.offline('connection refused: partitioned');
    if (accept === null) return this.offline('connection refused: no server is listening');
    const connection = new Connection(this.sim, this);
    this.connection = connection;
    this.sim.counters.connections++;
    this.setState('open');
    accept(connection.server);
  }
}

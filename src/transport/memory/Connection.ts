/**
 * Connection: one accepted link between a client transport and a server transport — a pipe each
 * way. A cut cancels both pipes at once (what was in flight is lost) and tells both ends; a
 * close travels as the last item of the closer's pipe, so the other end first receives what
 * was sent before it.
 */
import type { MemoryClientTransport } from './MemoryClientTransport.js';
import { MemoryServerTransport } from './MemoryServerTransport.js';
import { CloseSignal, Pipe, type Payload } from './Pipe.js';
import type { Simulation } from './Simulation.js';

/** One connection of a memory network. */
export class Connection {
  /** The server's end, given to the network's accept callback. */
  readonly server: MemoryServerTransport;
  /** Client → server. */
  readonly up: Pipe;
  /** Server → client. */
  readonly down: Pipe;
  private done = false;

  constructor(
    private readonly sim: Simulation,
    private readonly client: MemoryClientTransport,
  ) {
    this.server = new MemoryServerTransport(sim, this);
    this.up = new Pipe(sim, sim.counters.toServer, (payload) => this.toServer(payload));
    this.down = new Pipe(sim, sim.counters.toClient, (payload) => this.toClient(payload));
  }

  /** Cuts the connection now: both pipes lose what they carry, both ends are told `reason`. */
  cut(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.up.cancel();
    this.down.cancel();
    this.sim.counters.cuts++;
    this.server.lose(reason);
    this.client.lose(this, reason);
  }

  /** The client closed: nothing more reaches it; the server learns after what was already sent. */
  closeFromClient(code: number | undefined, reason: string | undefined): void {
    this.down.cancel();
    this.up.sendClose(new CloseSignal(code, reason));
  }

  /** The server closed: nothing more reaches it; the client learns after what was already sent. */
  closeFromServer(code: number | undefined, reason: string | undefined): void {
    this.up.cancel();
    this.down.sendClose(new CloseSignal(code, reason));
  }

  private toServer(payload: Payload): void {
    if (payload instanceof CloseSignal) {
      this.done = true;
      this.server.lose(payload.describe('closed by the client'));
      return;
    }
    const drop = this.sim.dropsConnection();
    this.server.receive(payload);
    if (drop) this.cut('connection dropped');
  }

  private toClient(payload: Payload): void {
    if (payload instanceof CloseSignal) {
      this.done = true;
      this.client.lose(this, payload.describe('closed by the server'));
      return;
    }
    const drop = this.sim.dropsConnection();
    this.client.receive(payload);
    if (drop) this.cut('connection dropped');
  }
}

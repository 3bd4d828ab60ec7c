/**
 * MemoryEndpoint: what the client and server ends of a memory connection share — the state and
 * the handlers. Handlers are only ever called from the network's event loop (`advance`,
 * `runUntilQuiet`), never from inside `send`, `close` or `connect`: a state change takes
 * effect at once (the `state` getter shows it) and is announced through the event queue, in
 * order with the frames.
 */
import type { Frame, Transport, TransportHandlers, TransportState } from '../Transport.js';
import type { Simulation } from './Simulation.js';

/** A state change waiting in the queue to be announced. */
interface Announcement {
  readonly state: TransportState;
  readonly reason: string | undefined;
}

/** The common part of the memory transports. */
export abstract class MemoryEndpoint implements Transport {
  private current: TransportState;
  private handlers: TransportHandlers | null = null;
  private readonly announce = (a: Announcement): void => {
    this.handlers?.state(a.state, a.reason);
  };

  protected constructor(
    protected readonly sim: Simulation,
    initial: TransportState,
  ) {
    this.current = initial;
  }

  /** The current state (already updated when the handlers hear about a change). */
  get state(): TransportState {
    return this.current;
  }

  /** Bytes sent on this end and not yet delivered to the other. */
  abstract get bufferedAmount(): number;

  /** Sends a frame; dropped when not `open`. */
  abstract send(frame: Frame): void;

  /** Closes for good. */
  abstract close(code?: number, reason?: string): void;

  /** Installs the handlers (a later call replaces them). */
  listen(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  /** Hands an arrived frame to the handlers. Internal: called by the connection. */
  receive(frame: Frame): void {
    this.handlers?.message(frame);
  }

  /** Changes the state now and queues its announcement. */
  protected setState(state: TransportState, reason?: string): void {
    this.current = state;
    const queue = this.sim.queue;
    queue.at(queue.now, this.announce, { state, reason });
  }
}

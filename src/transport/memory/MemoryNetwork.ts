/**
 * MemoryNetwork: a deterministic, seeded network simulator for tests. Clients `connect()`, the
 * server `listen()`s; each connection delivers each direction's frames in order after random
 * latencies. Connections can be cut, dropped at random, or partitioned for a while, and client
 * transports reconnect by themselves. Nothing happens on its own: time is virtual and moves
 * only through `advance` and `runUntilQuiet`, which run the queued events (deliveries, state
 * changes, reconnects, and timers of the network's `clock`) in order. All randomness comes
 * from the seed, so a run is a pure function of the seed and what the test does.
 */
import { LockstepError } from '../../errors.js';
import type { Clock } from '../../sync/Clock.js';
import type { Transport } from '../Transport.js';
import type { EventQueue, ScheduledEvent } from './EventQueue.js';
import { MemoryClientTransport } from './MemoryClientTransport.js';
import { Simulation } from './Simulation.js';

/** A duration in ms: fixed, or drawn uniformly from `[min, max]`. */
export type Duration = number | readonly [min: number, max: number];

/** Options of {@link createMemoryNetwork}. */
export interface MemoryNetworkOptions {
  /** Seed of every random draw (latencies, drops, reconnect delays). */
  seed: number;
  /** One-way delay of each frame and of each handshake (default 0). */
  latency?: Duration;
  /** Probability, per delivered frame, that its connection is cut right after (default 0). */
  dropConnectionRate?: number;
  /** How long a client waits before reconnecting (default `[10, 50]`). */
  reconnectDelay?: Duration;
}

/** Frames and bytes delivered in one direction (bytes: UTF-8 length of text frames). */
export interface DirectionStats {
  frames: number;
  bytes: number;
}

/** What a network has done so far. */
export interface MemoryNetworkStats {
  /** Frames delivered, both directions. */
  framesDelivered: number;
  /** Bytes delivered, both directions. */
  bytesDelivered: number;
  /** Client → server. */
  toServer: DirectionStats;
  /** Server → client. */
  toClient: DirectionStats;
  /** Frames sent on an open transport but never delivered (in flight on a cut or closing connection). */
  framesLost: number;
  /** Frames sent while the transport was not `open` (dropped at once). */
  framesDropped: number;
  /** Connections opened. */
  connections: number;
  /** Connections cut (by `cut`, `partition` or `dropConnectionRate`; closes are not cuts). */
  cuts: number;
}

/** Default guard of {@link MemoryNetwork.runUntilQuiet} and {@link MemoryNetwork.advance}. */
const MAX_EVENTS = 1e7;

/** A simulated network; create it with {@link createMemoryNetwork}. */
export class MemoryNetwork {
  /** The virtual clock: give it to the sync server so its timers run in the network's time. */
  readonly clock: Clock;
  private readonly sim: Simulation;
  private readonly clients = new WeakSet<Transport>();
  private running = false;

  constructor(options: MemoryNetworkOptions) {
    if (options === null || typeof options !== 'object') {
      throw new LockstepError('invalid_args', 'createMemoryNetwork needs options { seed, latency?, dropConnectionRate?, reconnectDelay? }');
    }
    const { seed, dropConnectionRate = 0 } = options;
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new LockstepError('invalid_args', `seed must be a finite number, got ${String(seed)}`);
    }
    if (typeof dropConnectionRate !== 'number' || !(dropConnectionRate >= 0 && dropConnectionRate <= 1)) {
      throw new LockstepError('invalid_args', `dropConnectionRate must be a probability in [0, 1], got ${String(dropConnectionRate)}`);
    }
    this.sim = new Simulation(seed, {
      latency: toRange('latency', options.latency ?? 0),
      dropConnectionRate,
      reconnectDelay: toRange('reconnectDelay', options.reconnectDelay ?? [10, 50]),
    });
    this.clock = virtualClock(this.sim.queue);
  }

  /**
   * Makes the network accept connections: `accept` gets each new connection's server-side
   * transport, already `open` (install its handlers there). A later call replaces `accept`
   * (a restarted server); until the first call, handshakes are refused.
   */
  listen(accept: (transport: Transport) => void): void {
    if (typeof accept !== 'function') throw new LockstepError('invalid_args', 'listen(accept) needs a function');
    this.sim.accept = accept;
  }

  /** A new client transport, `connecting`; it opens after one latency and reconnects by itself until closed. */
  connect(): Transport {
    const client = new MemoryClientTransport(this.sim);
    this.clients.add(client);
    return client;
  }

  /** Cuts the client's current connection now (what is in flight is lost); it then reconnects. */
  cut(client: Transport): void {
    this.client(client, 'cut').cut();
  }

  /** Cuts the client's connection and refuses its reconnects for `ms` from now. */
  partition(client: Transport, ms: number): void {
    const transport = this.client(client, 'partition');
    if (typeof ms !== 'number' || !(ms >= 0)) throw new LockstepError('invalid_args', `partition needs a duration ≥ 0 in ms, got ${String(ms)}`);
    transport.partition(this.sim.queue.now + ms);
  }

  /**
   * Runs virtual time forward by `ms`, running every event due by then in order (including ones
   * scheduled meanwhile); returns how many ran. Throws when more than `maxEvents` are due — a
   * livelock at one instant.
   */
  advance(ms: number, maxEvents = MAX_EVENTS): number {
    if (typeof ms !== 'number' || !(ms >= 0)) throw new LockstepError('invalid_args', `advance needs a duration ≥ 0 in ms, got ${String(ms)}`);
    const queue = this.sim.queue;
    const until = queue.now + ms;
    const count = this.run(until, maxEvents, 'advance');
    queue.advanceTo(until);
    return count;
  }

  /**
   * Runs events until none is left (the clock stops at the last one); returns how many ran.
   * Throws a LockstepError when `maxEvents` were not enough: something keeps scheduling work
   * (a ping-pong, a periodic timer, a client that can never connect).
   */
  runUntilQuiet(maxEvents = MAX_EVENTS): number {
    return this.run(Infinity, maxEvents, 'runUntilQuiet');
  }

  /** Number of scheduled events (frames in flight, state announcements, reconnects, timers). */
  pending(): number {
    return this.sim.queue.size;
  }

  /** Totals so far. */
  stats(): MemoryNetworkStats {
    const c = this.sim.counters;
    return {
      framesDelivered: c.toServer.frames + c.toClient.frames,
      bytesDelivered: c.toServer.bytes + c.toClient.bytes,
      toServer: { ...c.toServer },
      toClient: { ...c.toClient },
      framesLost: c.framesLost,
      framesDropped: c.framesDropped,
      connections: c.connections,
      cuts: c.cuts,
    };
  }

  private run(until: number, maxEvents: number, name: string): number {
    if (this.running) throw new LockstepError('invalid_args', `${name} was called from inside a network event; call it from the test only`);
    this.running = true;
    try {
      const queue = this.sim.queue;
      let count = 0;
      while (queue.size > 0 && queue.nextTime() <= until) {
        if (count >= maxEvents) {
          throw new LockstepError('internal', `${name}: still busy after ${maxEvents} events at t=${queue.now}ms — a livelock (something keeps scheduling work)`, {
            maxEvents,
            now: queue.now,
            pending: queue.size,
          });
        }
        queue.runNext();
        count++;
      }
      return count;
    } finally {
      this.running = false;
    }
  }

  private client(transport: Transport, name: string): MemoryClientTransport {
    if (!(transport instanceof MemoryClientTransport) || !this.clients.has(transport)) {
      throw new LockstepError('invalid_args', `${name} needs a client transport from this network's connect()`);
    }
    return transport;
  }
}

/** Creates a seeded network simulator (see {@link MemoryNetwork}). */
export function createMemoryNetwork(options: MemoryNetworkOptions): MemoryNetwork {
  return new MemoryNetwork(options);
}

/** A validated `[min, max]` range from a {@link Duration}. */
function toRange(name: string, value: Duration): readonly [number, number] {
  const [min, max] = typeof value === 'number' ? [value, value] : Array.isArray(value) && value.length === 2 ? value : [NaN, NaN];
  if (!(typeof min === 'number' && typeof max === 'number' && min >= 0 && max >= min && Number.isFinite(max))) {
    throw new LockstepError('invalid_args', `${name} must be a duration ≥ 0 in ms or a range [min, max], got ${JSON.stringify(value)}`);
  }
  return [min, max];
}

/** The clock of a queue: timers are events, handles are the events themselves. */
function virtualClock(queue: EventQueue): Clock {
  const timers = new WeakSet<ScheduledEvent>();
  return {
    now: () => queue.now,
    setTimeout: (fn, ms) => {
      const event = queue.at(queue.now + (Number.isFinite(ms) && ms > 0 ? ms : 0), call, fn);
      timers.add(event);
      return event;
    },
    clearTimeout: (handle) => {
      if (timers.has(handle as ScheduledEvent)) queue.cancel(handle as ScheduledEvent);
    },
  };
}

/** Runs a timer's callback. */
function call(fn: () => void): void {
  fn();
}

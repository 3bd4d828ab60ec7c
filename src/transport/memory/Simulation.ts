/**
 * Simulation: the state one {@link MemoryNetwork} shares with its connections and transports —
 * the event queue, the seeded randomness, the settings, the server's accept callback and the
 * counters. Internal to the memory transport.
 */
import { seededRandom } from '../../sync/random.js';
import type { Transport } from '../Transport.js';
import { EventQueue } from './EventQueue.js';
import type { DirectionStats } from './MemoryNetwork.js';

/** The validated settings of a simulation; ranges are `[min, max]` in ms. */
export interface SimulationSettings {
  readonly latency: readonly [number, number];
  readonly dropConnectionRate: number;
  readonly reconnectDelay: readonly [number, number];
}

/** Running totals; {@link MemoryNetwork.stats} reports them. */
export interface SimulationCounters {
  readonly toServer: DirectionStats;
  readonly toClient: DirectionStats;
  framesLost: number;
  framesDropped: number;
  connections: number;
  cuts: number;
}

/** The shared core of a memory network. */
export class Simulation {
  /** The virtual time line; every delivery, state event and timer goes through it. */
  readonly queue = new EventQueue();
  /** Counters, updated in place. */
  readonly counters: SimulationCounters = {
    toServer: { frames: 0, bytes: 0 },
    toClient: { frames: 0, bytes: 0 },
    framesLost: 0,
    framesDropped: 0,
    connections: 0,
    cuts: 0,
  };
  /** The server's callback for new connections; null until the network listens. */
  accept: ((transport: Transport) => void) | null = null;
  private readonly random: () => number;

  constructor(
    seed: number,
    private readonly settings: SimulationSettings,
  ) {
    this.random = seededRandom(seed);
  }

  /** A one-way delay for a frame or a handshake. */
  latency(): number {
    return this.draw(this.settings.latency);
  }

  /** How long a client waits before trying to reconnect. */
  reconnectDelay(): number {
    return this.draw(this.settings.reconnectDelay);
  }

  /** Whether the connection a frame was just delivered on is cut (draws only when the rate is > 0). */
  dropsConnection(): boolean {
    const rate = this.settings.dropConnectionRate;
    return rate > 0 && this.random() < rate;
  }

  /** A uniform draw from a range; a fixed value draws nothing, so it does not shift the sequence. */
  private draw(range: readonly [number, number]): number {
    const [min, max] = range;
    return min === max ? min : min + this.random() * (max - min);
  }
}

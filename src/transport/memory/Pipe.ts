/**
 * Pipe: one direction of a memory connection. Frames arrive in the order they were sent, each
 * after a random latency, never overtaking an earlier one (a frame's arrival is pushed back to
 * the previous frame's when its own delay is shorter). A pipe remembers what it has in flight so
 * that a cut can cancel it: frames in flight on a cut connection are lost.
 */
import { LockstepError } from '../../errors.js';
import { FrameSlab } from '../../sync/FrameSlab.js';
import type { Frame } from '../Transport.js';
import type { ScheduledEvent } from './EventQueue.js';
import type { DirectionStats } from './MemoryNetwork.js';
import type { Simulation } from './Simulation.js';
import { utf8Length } from './utf8Length.js';

/** The last thing sent on a pipe when its sender closes: the receiver learns the code and reason. */
export class CloseSignal {
  constructor(
    readonly code: number | undefined,
    readonly reason: string | undefined,
  ) {}

  /** `prefix`, with the code and reason in parentheses when there are any. */
  describe(prefix: string): string {
    const detail = [this.code, this.reason].filter((part) => part !== undefined && part !== '').join(' ');
    return detail === '' ? prefix : `${prefix} (${detail})`;
  }
}

/** Where copies of small frames in flight live (they are delivered in about the same time). */
const inFlight = new FrameSlab();

/** What a pipe carries. */
export type Payload = Frame | CloseSignal;

/** One direction of a connection. */
export class Pipe {
  /** Bytes sent but not yet delivered. */
  bytes = 0;
  private open = true;
  /** Arrival time of the latest frame sent: no later frame arrives before it. */
  private last = 0;
  /**
   * Events in flight, oldest first, in `flight[head..tail)`. Slots are reused rather than the
   * array emptied, which would give its storage back and make the next frame allocate it again.
   */
  private readonly flight: Array<ScheduledEvent | null> = [];
  private head = 0;
  private tail = 0;
  private readonly arrive: (payload: Payload) => void;

  constructor(
    private readonly sim: Simulation,
    delivered: DirectionStats,
    sink: (payload: Payload) => void,
  ) {
    // One closure per pipe, shared by all its frames' events.
    this.arrive = (payload) => {
      const { flight } = this;
      const event = flight[this.head]!;
      flight[this.head++] = null;
      if (this.head === this.tail) {
        this.head = this.tail = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
        flight.copyWithin(0, this.head, this.tail);
        flight.fill(null, this.tail - this.head, this.tail);
        this.tail -= this.head;
        this.head = 0;
      }
      this.bytes -= event.bytes;
      if (!(payload instanceof CloseSignal)) {
        delivered.frames++;
        delivered.bytes += event.bytes;
      }
      sink(payload);
    };
  }

  /** Sends a frame (a Uint8Array is copied, as a real network would); lost when the pipe is shut. */
  send(frame: Frame): void {
    let payload: Frame;
    let bytes: number;
    if (typeof frame === 'string') {
      payload = frame;
      bytes = utf8Length(frame);
    } else if (frame instanceof Uint8Array) {
      payload = inFlight.copy(frame); // the sender may reuse its buffer, as with a real network
      bytes = payload.byteLength;
    } else {
      throw new LockstepError('invalid_args', `a frame is a string or a Uint8Array, not ${typeof frame}`);
    }
    if (!this.open) {
      this.sim.counters.framesLost++;
      return;
    }
    this.schedule(payload, bytes);
  }

  /** Sends the close signal after everything already sent, and shuts the pipe. */
  sendClose(signal: CloseSignal): void {
    if (!this.open) return;
    this.schedule(signal, 0);
    this.open = false;
  }

  /** Shuts the pipe and cancels everything in flight (frames counted as lost). */
  cancel(): void {
    this.open = false;
    const queue = this.sim.queue;
    for (let i = this.head; i < this.tail; i++) {
      const event = this.flight[i]!;
      this.flight[i] = null;
      if (!(event.arg instanceof CloseSignal)) this.sim.counters.framesLost++;
      queue.cancel(event);
    }
    this.head = this.tail = 0;
    this.bytes = 0;
  }

  private schedule(payload: Payload, bytes: number): void {
    const queue = this.sim.queue;
    const time = Math.max(queue.now + this.sim.latency(), this.last);
    this.last = time;
    this.flight[this.tail++] = queue.at(time, this.arrive, payload, bytes);
    this.bytes += bytes;
  }
}

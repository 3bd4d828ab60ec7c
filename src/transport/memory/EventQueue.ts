/**
 * EventQueue: the virtual time line of a {@link MemoryNetwork}. Events run in order of
 * (time, insertion order), kept in a binary min-heap (O(log n) per event). An event is a
 * function and one argument, so a hot path (a frame delivery) needs no closure of its own.
 * Cancelled events stay in the heap, inert, until they surface; `size` counts live ones only.
 */

/** One scheduled call of `fn(arg)` at `time`; `fn` is null once it has run or was cancelled. */
export class ScheduledEvent {
  constructor(
    /** Virtual time at which it runs. */
    readonly time: number,
    /** Insertion order: breaks ties between events of the same time. */
    readonly order: number,
    /** What to call; null when spent or cancelled. */
    public fn: ((arg: unknown) => void) | null,
    /** The argument of `fn`. */
    readonly arg: unknown,
    /** Bytes of the frame it delivers (0 for anything else). */
    readonly bytes: number,
  ) {}
}

/** A virtual clock and its queue of due events. */
export class EventQueue {
  private readonly heap: ScheduledEvent[] = [];
  private time = 0;
  private inserted = 0;
  private live = 0;

  /** The current virtual time (ms). */
  get now(): number {
    return this.time;
  }

  /** Number of live (not yet run, not cancelled) events. */
  get size(): number {
    return this.live;
  }

  /** Schedules `fn(arg)` at `time` (never earlier than now). */
  at<T>(time: number, fn: (arg: T) => void, arg: T, bytes = 0): ScheduledEvent {
    const event = new ScheduledEvent(Math.max(time, this.time), this.inserted++, fn as (arg: unknown) => void, arg, bytes);
    this.push(event);
    this.live++;
    return event;
  }

  /** Cancels an event; no-op when it already ran or was cancelled. */
  cancel(event: ScheduledEvent): void {
    if (event.fn === null) return;
    event.fn = null;
    this.live--;
    if (this.live === 0) this.heap.length = 0;
  }

  /** Time of the next live event; Infinity when there is none. */
  nextTime(): number {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.fn === null) this.pop();
    return heap.length > 0 ? heap[0]!.time : Infinity;
  }

  /** Runs the next live event, if any, moving the clock to its time. */
  runNext(): void {
    if (this.nextTime() === Infinity) return;
    const event = this.heap[0]!;
    this.pop();
    const fn = event.fn!;
    event.fn = null;
    this.live--;
    this.time = event.time;
    fn(event.arg);
  }

  /** Moves the clock forward to `time` (callers run due events first). */
  advanceTo(time: number): void {
    if (time > this.time) this.time = time;
  }

  private push(event: ScheduledEvent): void {
    const heap = this.heap;
    const end = heap.length;
    let i = end;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(event, p)) break;
      if (i === end) heap.push(p);
      else heap[i] = p;
      i = parent;
    }
    // One store of the new event (each store of a young object into the long-lived heap array
    // costs a write barrier's slow path).
    if (i === end) heap.push(event);
    else heap[i] = event;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

/** Heap order: earlier time first, then earlier insertion. */
function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.order < b.order);
}

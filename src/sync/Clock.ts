/**
 * Clock: where time and timers come from. The sync server takes one so that tests can run it
 * on a memory network's virtual clock; in production it is {@link realClock}.
 */

/** A source of time and one-shot timers. */
export interface Clock {
  /** The current time in milliseconds. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer that has not fired yet; unknown or spent handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/** The wall clock: `Date.now` and the platform's timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

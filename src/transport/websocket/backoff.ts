/** Reconnect delays: exponential backoff with full jitter (AWS Architecture Blog, 2015). */

/**
 * The delay before reconnect attempt `attempt` (0 for the first): uniform in
 * `[0, min(maxDelay, minDelay · 2^attempt)]`, so many clients that lost one server do not all
 * come back at the same moment.
 */
export function backoffDelay(attempt: number, minDelay: number, maxDelay: number, random: () => number = Math.random): number {
  const cap = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/**
 * Limits a SyncServer enforces on each client and on the room (docs/SECURITY.md): token-bucket
 * rates for submits and presence, presence size, connected clients, an estimate of the room's
 * snapshot size that a change may not push past, and bounds on what the room remembers (its
 * history, its dedup table) and on how long a connection may stay silent before `hello`.
 */
import type { Transition } from '../structures/machine.js';
import type { TextOp } from '../structures/text/ot/textType.js';
import { TEXT_EDIT } from './textRebase.js';

/** Limits of one room (every field optional; defaults in {@link DEFAULT_LIMITS}). */
export interface SyncLimits {
  /** Submits per second per client (sustained). */
  submitRate: number;
  /** Submits a client may send in a burst. */
  submitBurst: number;
  /** Presence updates per second per client. */
  presenceRate: number;
  /** Presence updates in a burst. */
  presenceBurst: number;
  /** Largest presence value, in characters of JSON. */
  presenceBytes: number;
  /** Largest room state, in characters of snapshot JSON (estimated as changes apply). */
  snapshotBytes: number;
  /** Clients connected at once. */
  clients: number;
  /** Messages over a rate (or refused as invalid) in a row before the connection is closed. */
  strikes: number;
  /**
   * Milliseconds a connection may take to say `hello` before it is closed (default: no limit in
   * a bare SyncServer, whose transports may be simulated; the Node server sets 10,000).
   */
  helloTimeout: number;
  /** Size of the committed history kept for catch-up, in bytes of encoded `apply` frames. */
  historyBytes: number;
  /** Clients remembered in the dedup table; past it, the least recently active are forgotten. */
  dedupEntries: number;
}

/** The defaults: generous for people, tight for scripts. */
export const DEFAULT_LIMITS: SyncLimits = {
  submitRate: 200,
  submitBurst: 400,
  presenceRate: 30,
  presenceBurst: 60,
  presenceBytes: 4096,
  snapshotBytes: 16 * 1024 * 1024,
  clients: 1000,
  strikes: 50,
  helloTimeout: Infinity,
  historyBytes: 8 * 1024 * 1024,
  dedupEntries: 10_000,
};

/** A token bucket: `take()` is false when the rate is exceeded. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * How much a change grows the snapshot's JSON, estimated from its effects and inverse: Text
 * edits count inserted minus deleted characters; other ops the size of what they write minus
 * the size of what their inverse would write back.
 */
export function sizeDelta(effects: readonly Transition[], inverse: readonly Transition[]): number {
  let delta = 0;
  for (const e of effects) {
    if (e.op.type === TEXT_EDIT) {
      for (const c of e.op.ops as TextOp) {
        if (typeof c === 'string') delta += c.length;
        else if (typeof c === 'object') delta -= typeof c.d === 'string' ? c.d.length : c.d;
      }
    } else delta += JSON.stringify(e.op).length;
  }
  for (const i of inverse) if (i.op.type !== TEXT_EDIT) delta -= JSON.stringify(i.op).length;
  return delta;
}

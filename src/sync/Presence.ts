/**
 * Presence: who else is here and what they show (cursors, names, selections). Unordered and
 * never journaled: last write wins per client, gone when the client disconnects. Updates are
 * throttled: within `throttle` ms only the latest is sent.
 */
import { toJsonValue } from '../structures/json.js';
import type { Json } from '../structures/machine.js';
import type { Clock } from './Clock.js';

/** A client's view of presence. */
export class Presence {
  private readonly others = new Map<string, Json>();
  private mine: Json | undefined;
  private lastSent = -Infinity;
  private timer: unknown = null;

  constructor(
    private readonly clock: Clock,
    private readonly throttle: number,
    private readonly sendNow: (data: Json) => void,
    private readonly onPeer: (clientId: string, data: Json | null) => void,
  ) {}

  /** Publishes this client's presence (`null` clears it). */
  set(data: unknown): void {
    this.mine = toJsonValue(data, 'presence');
    if (this.timer) return;
    const wait = this.lastSent + this.throttle - this.clock.now();
    if (wait <= 0) this.flush();
    else this.timer = this.clock.setTimeout(() => this.flush(), wait);
  }

  /** This client's own presence. */
  get(): Json | undefined {
    return this.mine;
  }

  /** The other clients' presence, by client id. */
  peers(): Map<string, Json> {
    return new Map(this.others);
  }

  private flush(): void {
    this.timer = null;
    if (this.mine === undefined) return;
    this.lastSent = this.clock.now();
    this.sendNow(this.mine);
  }

  /** Sends this client's presence again (after a reconnect). */
  resend(): void {
    if (this.mine !== undefined && this.mine !== null) this.flush();
  }

  /** @internal A peer's update. */
  update(clientId: string, data: Json): void {
    if (data === null) this.others.delete(clientId);
    else this.others.set(clientId, data);
    this.onPeer(clientId, data);
  }

  /** @internal The full list, from a welcome. */
  replace(all: Record<string, Json>): void {
    for (const id of [...this.others.keys()]) if (!Object.prototype.hasOwnProperty.call(all, id)) this.update(id, null);
    for (const [id, data] of Object.entries(all)) this.update(id, data);
  }

  /** @internal The connection dropped: peers are unknown until the next welcome. */
  reset(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

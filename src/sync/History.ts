/** History: a window of the latest committed transitions (for catch-up and Text transforms). */
import type { Committed } from './protocol.js';

/** The last `limit` committed transitions, contiguous by version. */
export class History {
  private items: Committed[] = [];
  private start = 0;

  constructor(
    private readonly limit: number,
    /** The version before the first entry that will be pushed. */
    private floor: number,
  ) {}

  /** Remembers a committed transition (versions must be contiguous). */
  push(c: Committed): void {
    this.items.push(c);
    if (this.items.length - this.start > this.limit) {
      this.start++;
      this.floor++;
      if (this.start > 1024 && this.start * 2 > this.items.length) {
        this.items = this.items.slice(this.start);
        this.start = 0;
      }
    }
  }

  /** Everything after `version` up to `current`, or null when part of it is no longer kept. */
  since(version: number, current: number): Committed[] | null {
    if (version < this.floor || version > current) return null;
    const from = this.start + (version - this.floor);
    return this.items.slice(from);
  }
}

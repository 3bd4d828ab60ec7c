/**
 * History: a window of the latest committed transitions (for catch-up and Text transforms),
 * bounded both by count and by size, so a flood of large changes cannot pin memory.
 */
import type { Committed } from './protocol.js';

/** The last `limit` committed transitions (at most `maxBytes` of them), contiguous by version. */
export class History {
  private items: Array<Committed | undefined> = []; // dropped entries are cleared at once
  private sizes: number[] = [];
  private start = 0;
  private bytes = 0;

  constructor(
    private readonly limit: number,
    /** The version before the first entry that will be pushed. */
    private floor: number,
    /** Total size (as reported to `push`) kept at most; the newest entry is always kept. */
    private readonly maxBytes = Infinity,
  ) {}

  /** Remembers a committed transition (versions must be contiguous) of about `bytes` bytes. */
  push(c: Committed, bytes = 0): void {
    this.items.push(c);
    this.sizes.push(bytes);
    this.bytes += bytes;
    for (;;) {
      const kept = this.items.length - this.start;
      if (!(kept > this.limit || (kept > 1 && this.bytes > this.maxBytes))) break;
      this.bytes -= this.sizes[this.start] as number;
      this.items[this.start] = undefined;
      this.start++;
      this.floor++;
    }
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.sizes = this.sizes.slice(this.start);
      this.start = 0;
    }
  }

  /** Everything after `version` up to `current`, or null when part of it is no longer kept. */
  since(version: number, current: number): Committed[] | null {
    if (version < this.floor || version > current) return null;
    const from = this.start + (version - this.floor);
    return this.items.slice(from) as Committed[];
  }
}

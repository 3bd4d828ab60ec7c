/**
 * DedupTable: the highest seq the server processed for each client id it has seen — what makes
 * resent submits apply exactly once, even after a restart (it is persisted with snapshots).
 * It is bounded: past `limit` entries, the least recently active clients that have no session
 * are forgotten first (a Map keeps insertion order; activity moves an entry to the end). A
 * forgotten client that comes back is treated as new: see docs/SECURITY.md.
 */

/** Per-client dedup state, least recently active first. */
export class DedupTable {
  private readonly seqs = new Map<string, number>();
  /** The id `touch` made the most recent entry last (still the last entry of `seqs`). */
  private newest: string | null = null;

  constructor(
    private readonly limit: number,
    initial: Record<string, number> = {},
  ) {
    for (const [id, seq] of Object.entries(initial)) this.seqs.set(id, seq);
  }

  /** Entries held. */
  get size(): number {
    return this.seqs.size;
  }

  /** The client's last processed seq, or undefined when it is not known. */
  get(clientId: string): number | undefined {
    return this.seqs.get(clientId);
  }

  has(clientId: string): boolean {
    return this.seqs.has(clientId);
  }

  /**
   * Records activity of a client (its new last seq), making it the most recent entry, then
   * forgets the oldest entries past the limit for which `inUse` is false.
   */
  touch(clientId: string, seq: number, inUse: (clientId: string) => boolean): void {
    if (clientId === this.newest) {
      this.seqs.set(clientId, seq); // already the most recent entry: no need to move it
      return;
    }
    this.newest = clientId;
    this.seqs.delete(clientId);
    this.seqs.set(clientId, seq);
    if (this.seqs.size <= this.limit) return;
    let excess = this.seqs.size - this.limit;
    for (const id of this.seqs.keys()) {
      if (excess <= 0) break;
      if (id === clientId || inUse(id)) continue;
      this.seqs.delete(id);
      excess--;
    }
  }

  /** The table as a plain object, least recently active first (what snapshots store). */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.seqs);
  }
}

// Latency histograms that merge across processes: counts per 0.1 ms (up to 10 s, then one
// bucket), sent as plain objects over IPC.

/** A histogram of milliseconds. */
export class Histogram {
  constructor(counts = {}) {
    /** @type {Record<string, number>} tenths of a millisecond → count */
    this.counts = { ...counts };
  }

  add(ms) {
    const k = Math.min(100_000, Math.max(0, Math.round(ms * 10)));
    this.counts[k] = (this.counts[k] ?? 0) + 1;
  }

  merge(other) {
    for (const [k, n] of Object.entries(other.counts ?? other)) this.counts[k] = (this.counts[k] ?? 0) + n;
    return this;
  }

  get n() {
    let n = 0;
    for (const c of Object.values(this.counts)) n += c;
    return n;
  }

  /** The q-quantile in ms (q in 0..1), NaN when empty. */
  quantile(q) {
    const keys = Object.keys(this.counts).map(Number).sort((a, b) => a - b);
    const total = this.n;
    if (!total) return NaN;
    let seen = 0;
    for (const k of keys) {
      seen += this.counts[k];
      if (seen >= q * total) return k / 10;
    }
    return keys[keys.length - 1] / 10;
  }

  toJSON() {
    return this.counts;
  }
}

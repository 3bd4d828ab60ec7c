/**
 * FrameSlab: copies of small byte frames packed into shared, append-only buffers, so a copy is
 * a view rather than a buffer of its own (allocating many small buffers is slow in V8). A slab
 * is never written twice, so every view stays exactly what was copied; it is freed once none of
 * its views is kept. Use one slab per owner whose frames live about as long as each other, so
 * a long-lived frame does not pin buffers full of short-lived ones.
 */

/** Frames up to this size share a slab; bigger ones get a buffer of their own. */
const SMALL = 1024;
const SIZE = 64 * 1024;

/** An append-only allocator of frame copies. */
export class FrameSlab {
  private memory = new ArrayBuffer(SIZE);
  private buf = new Uint8Array(this.memory);
  private used = 0;

  /** A copy of `frame` that no one else writes to. */
  copy(frame: Uint8Array): Uint8Array {
    const n = frame.byteLength;
    if (n > SMALL) return frame.slice();
    if (this.used + n > SIZE) {
      this.memory = new ArrayBuffer(SIZE);
      this.buf = new Uint8Array(this.memory);
      this.used = 0;
    }
    const at = this.used;
    this.buf.set(frame, at);
    this.used = at + n;
    return new Uint8Array(this.memory, at, n); // cheaper than subarray (no species lookup) or a `.buffer` read
  }
}

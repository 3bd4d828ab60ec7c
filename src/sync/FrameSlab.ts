/**
 * FrameSlab: copies of small byte frames packed into shared, append-only buffers, so a copy is
 * a view (or just an offset) rather than a buffer of its own (allocating many small buffers is
 * slow in V8). A slab is never written twice, so every copy stays exactly what was copied; it is
 * freed once no copy in it is kept. Use one slab per owner whose frames live about as long as
 * each other, so a long-lived frame does not pin buffers full of short-lived ones.
 */

/** Frames up to this size share a slab; bigger ones get a buffer of their own. */
export const SMALL_FRAME = 1024;
const SIZE = 64 * 1024;

/** An append-only allocator of frame copies. */
export class FrameSlab {
  /** The buffer the latest {@link append} wrote into. */
  memory = new ArrayBuffer(SIZE);
  private buf = new Uint8Array(this.memory);
  private used = 0;

  /** A copy of `frame` that no one else writes to. */
  copy(frame: Uint8Array): Uint8Array {
    const n = frame.byteLength;
    if (n > SMALL_FRAME) return frame.slice();
    const at = this.append(frame); // first: it may start a new buffer
    return new Uint8Array(this.memory, at, n); // cheaper than subarray (no species lookup) or a `.buffer` read
  }

  /**
   * Copies a frame of at most {@link SMALL_FRAME} bytes into {@link memory} (read it right
   * after: the next append may start a new buffer) and returns its offset there.
   */
  append(frame: Uint8Array): number {
    const n = frame.byteLength;
    if (this.used + n > SIZE) {
      this.memory = new ArrayBuffer(SIZE);
      this.buf = new Uint8Array(this.memory);
      this.used = 0;
    }
    const at = this.used;
    const buf = this.buf;
    // Byte by byte for the usual few dozen bytes: cheaper than the call into `set`.
    if (n <= 64) for (let i = 0; i < n; i++) buf[at + i] = frame[i] as number;
    else buf.set(frame, at);
    this.used = at + n;
    return at;
  }
}

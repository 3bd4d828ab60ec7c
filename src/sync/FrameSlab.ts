/**
 * FrameSlab: copies of small byte frames packed into shared, append-only buffers, so a copy is
 * a view (or just an offset) rather than a buffer of its own (allocating many small buffers is
 * slow in V8). A slab is never written twice, so every copy stays exactly what was copied; it is
 * freed once no copy in it is kept. Use one slab per owner whose frames live about as long as
 * each other, so a long-lived frame does not pin buffers full of short-lived ones.
 */

/** Frames up to this size share a slab; bigger ones get a buffer of their own. */
const SMALL = 1024;
const SIZE = 64 * 1024;

/** An append-only allocator of frame copies. */
export class FrameSlab {
  private memory = new ArrayBuffer(SIZE);
  private bytes = new Uint8Array(this.memory);
  private used = 0;
  private last: ArrayBuffer = this.memory;

  /** The buffer the latest {@link store} copied its frame into. */
  get stored(): ArrayBuffer {
    return this.last;
  }

  /** A copy of `frame` that no one else writes to. */
  copy(frame: Uint8Array): Uint8Array {
    const at = this.store(frame);
    return new Uint8Array(this.last, at, frame.byteLength); // cheaper than subarray (no species lookup) or a `.buffer` read
  }

  /**
   * Copies `frame` and returns the offset of the copy in {@link stored} (read it right after:
   * the next call may copy into another buffer). A frame bigger than a slab's share gets an
   * exact buffer of its own, at offset 0.
   */
  store(frame: Uint8Array): number {
    const n = frame.byteLength;
    if (n > SMALL) {
      this.last = new Uint8Array(frame).buffer; // a copy for any Uint8Array (a Buffer's `slice` would be a view)
      return 0;
    }
    if (this.used + n > SIZE) {
      this.memory = new ArrayBuffer(SIZE);
      this.bytes = new Uint8Array(this.memory);
      this.used = 0;
    }
    const at = this.used;
    const bytes = this.bytes;
    // Byte by byte for the usual few dozen bytes: cheaper than the call into `set`.
    if (n <= 64) for (let i = 0; i < n; i++) bytes[at + i] = frame[i] as number;
    else bytes.set(frame, at);
    this.used = at + n;
    this.last = this.memory;
    return at;
  }
}

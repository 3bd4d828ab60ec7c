/**
 * History: a window of the latest committed transitions (for catch-up and Text transforms),
 * bounded both by count and by size, so a flood of large changes cannot pin memory. Each commit
 * is kept as the frame it was broadcast in and decoded again when asked for; only the newest
 * few are also kept as objects, since the usual question is "what happened since a version a
 * moment ago". An older commit thus costs the garbage collector one string (a byte frame: no
 * object at all, only its place in a shared buffer), not a graph of small objects that every
 * collection would have to copy.
 */
import type { Frame } from '../transport/Transport.js';
import { FrameSlab } from './FrameSlab.js';
import type { Committed } from './protocol.js';

/** Commits also kept decoded (a power of two). */
const HOT = 64;

/** The last `limit` committed transitions (at most `maxBytes` of them), contiguous by version. */
export class History {
  /**
   * Each entry's frame: a text frame itself, or the buffer a byte frame was copied into (at
   * `offsets`, `sizes` long). Keeping buffer and offset rather than a view saves an object per
   * commit that would live long enough to be copied by the garbage collector. Dropped entries
   * are cleared at once.
   */
  private frames: Array<string | ArrayBuffer | undefined> = [];
  private offsets: number[] = [];
  private sizes: number[] = [];
  private start = 0;
  private bytes = 0;
  /** The newest commits by `version % HOT` (a slot holds another version once overwritten). */
  private readonly hot: Array<Committed | undefined> = new Array(HOT);
  private readonly slab = new FrameSlab();

  constructor(
    private readonly limit: number,
    /** The version before the first entry that will be pushed. */
    private floor: number,
    /** Turns a frame given to `push` back into its commit. */
    private readonly decode: (frame: Frame) => Committed,
    /** Total size of the frames kept at most; the newest entry is always kept. */
    private readonly maxBytes = Infinity,
  ) {}

  /**
   * Remembers a committed transition (versions must be contiguous) and its encoded frame. A
   * byte frame is copied into the history's own slabs: it may be a view into a buffer shared
   * with other frames, which keeping it would pin whole.
   */
  push(c: Committed, frame: Frame): void {
    let bytes: number;
    if (typeof frame === 'string') {
      bytes = frame.length;
      this.frames.push(frame);
      this.offsets.push(0);
    } else {
      bytes = frame.byteLength;
      this.offsets.push(this.slab.store(frame));
      this.frames.push(this.slab.stored);
    }
    this.sizes.push(bytes);
    this.hot[c.version & (HOT - 1)] = c;
    this.bytes += bytes;
    for (;;) {
      const kept = this.frames.length - this.start;
      if (!(kept > this.limit || (kept > 1 && this.bytes > this.maxBytes))) break;
      this.bytes -= this.sizes[this.start] as number;
      this.frames[this.start] = undefined;
      this.start++;
      this.floor++;
    }
    if (this.start > 1024 && this.start * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.start);
      this.offsets = this.offsets.slice(this.start);
      this.sizes = this.sizes.slice(this.start);
      this.start = 0;
    }
  }

  /** Everything after `version` up to `current`, or null when part of it is no longer kept. */
  since(version: number, current: number): Committed[] | null {
    if (version < this.floor || version > current) return null;
    const out: Committed[] = [];
    for (let v = version + 1; v <= current; v++) {
      const hot = this.hot[v & (HOT - 1)];
      out.push(hot !== undefined && hot.version === v ? hot : this.decode(this.frameAt(this.start + (v - 1 - this.floor))));
    }
    return out;
  }

  /** The frame of entry `i` (a byte frame as a view of the buffer it was copied into). */
  private frameAt(i: number): Frame {
    const f = this.frames[i] as string | ArrayBuffer;
    return typeof f === 'string' ? f : new Uint8Array(f, this.offsets[i], this.sizes[i]);
  }
}

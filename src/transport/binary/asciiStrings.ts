/**
 * Short ASCII strings for the binary decoder, without a native call: most strings of a protocol
 * message are map keys, op types, paths and client ids that repeat from message to message, so
 * recently decoded ones are kept in a small direct-mapped cache, each with its bytes. The slot
 * comes from the length and three sampled bytes; a hit is the same length and the same bytes
 * (compared as bytes: reading a string's characters back costs more), so a collision only costs
 * a miss. The cache holds at most 2^{@link SLOT_BITS} strings of at most {@link CACHED_MAX} bytes.
 */

/** Strings of at most this many bytes are cached. */
const CACHED_MAX = 16;
const SLOT_BITS = 11;
const strings: string[] = new Array<string>(1 << SLOT_BITS).fill('');
/** Per slot: the byte length of its string (0: empty), and its bytes at `slot * CACHED_MAX`. */
const lengths = new Uint8Array(1 << SLOT_BITS);
const saved = new Uint8Array((1 << SLOT_BITS) * CACHED_MAX);
const { fromCharCode } = String;

/** The string of `bytes[at..stop)` when they are all ASCII, else `undefined`. */
export function asciiString(bytes: Uint8Array, at: number, stop: number): string | undefined {
  const len = stop - at;
  if (len === 0) return '';
  if (len > CACHED_MAX) return ascii(bytes, at, stop);
  const sample = (bytes[at] as number) | ((bytes[at + (len >> 1)] as number) << 8) | ((bytes[stop - 1] as number) << 16) | (len << 24);
  const slot = Math.imul(sample, 0x9e3779b1) >>> (32 - SLOT_BITS);
  const base = slot * CACHED_MAX;
  if (lengths[slot] === len) {
    let i = 0;
    while (i < len && bytes[at + i] === saved[base + i]) i++;
    if (i === len) return strings[slot];
  }
  const s = ascii(bytes, at, stop);
  if (s !== undefined) {
    strings[slot] = s;
    lengths[slot] = len;
    for (let i = 0; i < len; i++) saved[base + i] = bytes[at + i] as number;
  }
  return s;
}

/** ASCII bytes as a string (up to eight characters per call), or `undefined` at the first other byte. */
function ascii(b: Uint8Array, at: number, stop: number): string | undefined {
  let s = '';
  let i = at;
  for (; i + 8 <= stop; i += 8) {
    const c0 = b[i] as number;
    const c1 = b[i + 1] as number;
    const c2 = b[i + 2] as number;
    const c3 = b[i + 3] as number;
    const c4 = b[i + 4] as number;
    const c5 = b[i + 5] as number;
    const c6 = b[i + 6] as number;
    const c7 = b[i + 7] as number;
    if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) >= 0x80) return undefined;
    s += fromCharCode(c0, c1, c2, c3, c4, c5, c6, c7);
  }
  if (i + 4 <= stop) {
    const c0 = b[i] as number;
    const c1 = b[i + 1] as number;
    const c2 = b[i + 2] as number;
    const c3 = b[i + 3] as number;
    if ((c0 | c1 | c2 | c3) >= 0x80) return undefined;
    s += fromCharCode(c0, c1, c2, c3);
    i += 4;
  }
  for (; i < stop; i++) {
    const c = b[i] as number;
    if (c >= 0x80) return undefined;
    s += fromCharCode(c);
  }
  return s;
}

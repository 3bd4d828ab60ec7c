/**
 * Strings for the binary encoder as generalized UTF-8 (WTF-8): a lone surrogate, which JSON
 * carries as `\ud800`, is written as its own 3-byte sequence instead of being replaced. Long
 * strings go to the platform's encoder, which is much faster per character than a JS loop.
 */

/** Strings at least this long go to the platform's UTF-8 encoder. */
export const NATIVE_MIN = 64;
const utf8 = new TextEncoder();

/** Writes `s` into `buf` at `p`, which has room for 3 bytes per UTF-16 unit; returns its end. */
export function writeWtf8(s: string, buf: Uint8Array, p: number): number {
  return s.length >= NATIVE_MIN ? native(s, buf, p) : wtf8(s, buf, p);
}

/**
 * The platform's encoder writes a lone surrogate as U+FFFD (`ef bf bd`): where that sequence
 * shows up, the string is encoded again by {@link wtf8}.
 */
function native(s: string, buf: Uint8Array, p: number): number {
  const { written } = utf8.encodeInto(s, buf.subarray(p));
  const out = buf.subarray(p, p + written);
  for (let i = out.indexOf(0xef); i >= 0; i = out.indexOf(0xef, i + 3)) {
    if (out[i + 1] === 0xbf && out[i + 2] === 0xbd) return wtf8(s, buf, p);
  }
  return p + written;
}

function wtf8(s: string, buf: Uint8Array, p: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
      continue;
    }
    if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
    } else {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if ((c & 0xfc00) === 0xd800 && (next & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        buf[p++] = 0xf0 | (c >> 18);
        buf[p++] = 0x80 | ((c >> 12) & 0x3f);
      } else {
        buf[p++] = 0xe0 | (c >> 12); // also a lone surrogate (WTF-8)
      }
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
    }
    buf[p++] = 0x80 | (c & 0x3f);
  }
  return p;
}

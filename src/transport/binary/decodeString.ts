/**
 * Strings for the binary decoder: short ASCII ones from {@link asciiString}, long ones from the
 * platform's strict UTF-8 decoder, and anything else — or what that decoder refuses — as WTF-8
 * (UTF-8 in which a surrogate may be encoded on its own), checked byte by byte.
 */
import { LockstepError } from '../../errors.js';
import { asciiString } from './asciiStrings.js';

/** Strings at least this long try the platform's decoder first. */
const NATIVE_MIN = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Code units decoded by {@link wtf8}, turned into a string a chunk at a time. */
const units = new Uint16Array(1024);
const { fromCharCode } = String;

/** Throws the `invalid_message` of a frame that is not valid lockstep.v1.bin. */
export function invalidFrame(problem: string): never {
  throw new LockstepError('invalid_message', `binary frame is not valid lockstep.v1.bin: ${problem}`);
}

/** The string of `bytes[at..stop)`; `invalid_message` if it is not WTF-8. */
export function decodeString(bytes: Uint8Array, at: number, stop: number): string {
  if (stop - at < NATIVE_MIN) return asciiString(bytes, at, stop) ?? wtf8(bytes, at, stop);
  try {
    return utf8.decode(bytes.subarray(at, stop));
  } catch {
    return wtf8(bytes, at, stop); // a lone surrogate (allowed) or garbage (refused)
  }
}

/** Decodes generalized UTF-8 (surrogates may be encoded one by one); refuses anything else. */
function wtf8(bytes: Uint8Array, at: number, stop: number): string {
  let out = '';
  let k = 0;
  for (let i = at; i < stop; ) {
    const b = bytes[i] as number;
    let c = b;
    if (b < 0x80) {
      i++;
    } else if (b >= 0xc2 && b <= 0xdf) {
      c = ((b & 0x1f) << 6) | cont(bytes, i, 1, stop);
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      c = ((b & 0x0f) << 12) | (cont(bytes, i, 1, stop) << 6) | cont(bytes, i, 2, stop);
      if (c < 0x800) invalidFrame(`overlong UTF-8 at offset ${i}`);
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      c = ((b & 0x07) << 18) | (cont(bytes, i, 1, stop) << 12) | (cont(bytes, i, 2, stop) << 6) | cont(bytes, i, 3, stop);
      if (c < 0x10000 || c > 0x10ffff) invalidFrame(`invalid UTF-8 at offset ${i}`);
      units[k++] = 0xd800 + ((c - 0x10000) >> 10);
      c = 0xdc00 | (c & 0x3ff);
      i += 4;
    } else {
      invalidFrame(`invalid UTF-8 at offset ${i}`);
    }
    units[k++] = c;
    if (k >= units.length - 1) {
      out += fromUnits(k);
      k = 0;
    }
  }
  return out + fromUnits(k);
}

/** The 6 payload bits of the continuation byte `k` bytes after the lead byte at `i`. */
function cont(bytes: Uint8Array, i: number, k: number, stop: number): number {
  const b = i + k < stop ? (bytes[i + k] as number) : 0;
  if ((b & 0xc0) !== 0x80) invalidFrame(`invalid UTF-8 at offset ${i}`);
  return b & 0x3f;
}

/** The first `k` code units as a string: few (a short string) one by one, more in one call. */
function fromUnits(k: number): string {
  if (k > 16) return fromCharCode.apply(null, units.subarray(0, k) as unknown as number[]);
  let s = '';
  for (let i = 0; i < k; i++) s += fromCharCode(units[i] as number);
  return s;
}

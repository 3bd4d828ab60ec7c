/**
 * The encoder of `lockstep.v1.bin`: a JSON value as MessagePack (the subset listed in
 * docs/PROTOCOL.md §9). It encodes exactly what `JSON.stringify` would keep — `toJSON()` is
 * called, `undefined`, functions and symbols are left out of objects and become nil in arrays,
 * non-finite numbers become nil, -0 becomes 0 — so both codecs carry the same messages.
 * Strings are generalized UTF-8 (WTF-8): a lone surrogate, which JSON carries as `\ud800`, is
 * written as its own 3-byte sequence instead of being replaced.
 */
import { LockstepError } from '../../errors.js';

/** The deepest nesting of arrays and objects either side of the codec accepts. */
export const MAX_BINARY_DEPTH = 256;

const INITIAL = 4096;
/** Above this size the scratch buffer is given back after an encode. */
const KEEP = 1 << 20;

let buf = new Uint8Array(INITIAL);
let view = new DataView(buf.buffer);
let pos = 0;

/** Encodes `value` as one MessagePack value; `invalid_message` when nested too deep (or cyclic). */
export function encodeValue(value: unknown): Uint8Array {
  pos = 0;
  try {
    write(value, '', 0);
    return buf.slice(0, pos);
  } finally {
    if (buf.length > KEEP) grow(INITIAL, true);
  }
}

function grow(size: number, reset = false): void {
  const next = new Uint8Array(size);
  if (!reset) next.set(buf.subarray(0, pos));
  buf = next;
  view = new DataView(buf.buffer);
}

function ensure(n: number): void {
  if (pos + n <= buf.length) return;
  let size = buf.length * 2;
  while (size < pos + n) size *= 2;
  grow(size);
}

function write(input: unknown, key: string, depth: number): void {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'number':
      return Number.isFinite(value) ? writeNumber(value) : byte(0xc0);
    case 'boolean':
      return byte(value ? 0xc3 : 0xc2);
    case 'object':
      if (value === null) return byte(0xc0);
      if (depth >= MAX_BINARY_DEPTH) {
        throw new LockstepError('invalid_message', `message nested deeper than ${MAX_BINARY_DEPTH} levels (or cyclic)`);
      }
      return Array.isArray(value) ? writeArray(value, depth + 1) : writeObject(value as Record<string, unknown>, depth + 1);
    default:
      return byte(0xc0); // undefined, function, symbol, bigint: as JSON.stringify does in arrays
  }
}

function byte(b: number): void {
  ensure(1);
  buf[pos++] = b;
}

function head(fix: number, fixMax: number, n: number, code16: number): void {
  ensure(5);
  if (n <= fixMax) buf[pos++] = fix | n;
  else if (n <= 0xffff) {
    buf[pos] = code16;
    view.setUint16(pos + 1, n);
    pos += 3;
  } else {
    buf[pos] = code16 + 1;
    view.setUint32(pos + 1, n);
    pos += 5;
  }
}

function writeNumber(n: number): void {
  ensure(9);
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) {
    buf[pos] = 0xcb;
    view.setFloat64(pos + 1, n);
    pos += 9;
  } else if (n >= 0 && n < 0x80) {
    buf[pos++] = n; // positive fixint (-0 too)
  } else if (n < 0 && n >= -32) {
    buf[pos++] = n & 0xff; // negative fixint
  } else if (n > 0) {
    const size = n <= 0xff ? 1 : n <= 0xffff ? 2 : 4;
    buf[pos] = size === 1 ? 0xcc : size === 2 ? 0xcd : 0xce;
    if (size === 1) view.setUint8(pos + 1, n);
    else if (size === 2) view.setUint16(pos + 1, n);
    else view.setUint32(pos + 1, n);
    pos += 1 + size;
  } else {
    const size = n >= -0x80 ? 1 : n >= -0x8000 ? 2 : 4;
    buf[pos] = size === 1 ? 0xd0 : size === 2 ? 0xd1 : 0xd2;
    if (size === 1) view.setInt8(pos + 1, n);
    else if (size === 2) view.setInt16(pos + 1, n);
    else view.setInt32(pos + 1, n);
    pos += 1 + size;
  }
}

function writeArray(items: unknown[], depth: number): void {
  head(0x90, 15, items.length, 0xdc);
  for (let i = 0; i < items.length; i++) write(items[i], String(i), depth);
}

function writeObject(obj: Record<string, unknown>, depth: number): void {
  const keys = Object.keys(obj).filter((k) => {
    const t = typeof obj[k];
    return t !== 'undefined' && t !== 'function' && t !== 'symbol';
  });
  head(0x80, 15, keys.length, 0xde);
  for (const k of keys) {
    writeString(k);
    write(obj[k], k, depth);
  }
}

function writeString(s: string): void {
  const n = s.length;
  // Reserve the header for the largest possible byte length, then shrink it to fit.
  const max = n * 3;
  const reserved = max <= 31 ? 1 : max <= 0xff ? 2 : max <= 0xffff ? 3 : 5;
  ensure(reserved + max);
  const start = pos + reserved;
  let p = start;
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
  const len = p - start;
  const size = len <= 31 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : 5;
  if (size < reserved) buf.copyWithin(pos + size, start, p);
  if (size === 1) buf[pos] = 0xa0 | len;
  else buf[pos] = size === 2 ? 0xd9 : size === 3 ? 0xda : 0xdb;
  if (size === 2) view.setUint8(pos + 1, len);
  else if (size === 3) view.setUint16(pos + 1, len);
  else if (size === 5) view.setUint32(pos + 1, len);
  pos += size + len;
}

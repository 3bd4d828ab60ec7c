/**
 * The decoder of `lockstep.v1.bin`: one MessagePack value back into a JSON value. It never
 * trusts its input: a truncated or oversized length, trailing bytes, invalid UTF-8, a non-string
 * or repeated map key, a non-finite number, an integer beyond 2^53, bin/ext types or nesting
 * deeper than {@link MAX_BINARY_DEPTH} all throw `invalid_message`. Objects are plain and keep
 * `__proto__` as an own key, as `JSON.parse` does.
 */
import { LockstepError } from '../../errors.js';
import { setOwn } from '../../structures/json.js';
import type { Json } from '../../structures/machine.js';
import { MAX_BINARY_DEPTH } from './encodeValue.js';

/** Strings at least this long try the platform's (strict UTF-8) decoder first. */
const NATIVE_MIN = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes exactly one value filling all of `bytes`. */
export function decodeValue(bytes: Uint8Array): Json {
  const r = new Reader(bytes);
  const value = r.value(0);
  if (r.pos !== bytes.length) bad(`${bytes.length - r.pos} bytes after the end of the message`);
  return value;
}

function bad(problem: string): never {
  throw new LockstepError('invalid_message', `binary frame is not valid lockstep.v1.bin: ${problem}`);
}

class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  value(depth: number): Json {
    const b = this.u(1);
    if (b < 0x80) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b <= 0x8f) return this.object(b & 0x0f, depth);
    if (b <= 0x9f) return this.array(b & 0x0f, depth);
    if (b <= 0xbf) return this.string(b & 0x1f);
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xca:
        return this.finite(this.view.getFloat32(this.take(4)));
      case 0xcb:
        return this.finite(this.view.getFloat64(this.take(8)));
      case 0xcc:
        return this.u(1);
      case 0xcd:
        return this.u(2);
      case 0xce:
        return this.u(4);
      case 0xcf:
        return this.safe(this.view.getBigUint64(this.take(8)));
      case 0xd0:
        return this.view.getInt8(this.take(1));
      case 0xd1:
        return this.view.getInt16(this.take(2));
      case 0xd2:
        return this.view.getInt32(this.take(4));
      case 0xd3:
        return this.safe(this.view.getBigInt64(this.take(8)));
      case 0xd9:
        return this.string(this.u(1));
      case 0xda:
        return this.string(this.u(2));
      case 0xdb:
        return this.string(this.u(4));
      case 0xdc:
        return this.array(this.u(2), depth);
      case 0xdd:
        return this.array(this.u(4), depth);
      case 0xde:
        return this.object(this.u(2), depth);
      case 0xdf:
        return this.object(this.u(4), depth);
      default:
        return bad(`type byte 0x${b.toString(16)} at offset ${this.pos - 1} is not used (bin, ext and 0xc1 are refused)`);
    }
  }

  /** Position of `n` bytes to read, advancing past them. */
  private take(n: number): number {
    const at = this.pos;
    if (at + n > this.bytes.length) bad(`truncated at offset ${at}: ${n} more bytes expected`);
    this.pos = at + n;
    return at;
  }

  /** An unsigned big-endian integer of `n` (1, 2 or 4) bytes. */
  private u(n: number): number {
    const at = this.take(n);
    return n === 1 ? (this.bytes[at] as number) : n === 2 ? this.view.getUint16(at) : this.view.getUint32(at);
  }

  private finite(n: number): number {
    if (!Number.isFinite(n)) bad(`${n} is not a JSON number`);
    return n + 0;
  }

  private safe(n: bigint): number {
    if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) bad(`integer ${n} is beyond 2^53`);
    return Number(n);
  }

  private enter(n: number, minBytes: number, depth: number): void {
    if (depth >= MAX_BINARY_DEPTH) bad(`nested deeper than ${MAX_BINARY_DEPTH} levels`);
    if (n * minBytes > this.bytes.length - this.pos) bad(`a container of ${n} items at offset ${this.pos} is longer than the frame`);
  }

  private array(n: number, depth: number): Json[] {
    this.enter(n, 1, depth);
    const out: Json[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.value(depth + 1);
    return out;
  }

  private object(n: number, depth: number): { [key: string]: Json } {
    this.enter(n, 2, depth);
    const out: Record<string, Json> = {};
    for (let i = 0; i < n; i++) {
      const b = this.u(1);
      const len = b >= 0xa0 && b <= 0xbf ? b & 0x1f : b === 0xd9 ? this.u(1) : b === 0xda ? this.u(2) : b === 0xdb ? this.u(4) : -1;
      if (len < 0) bad(`map key at offset ${this.pos - 1} is not a string`);
      const key = this.string(len);
      if (Object.prototype.hasOwnProperty.call(out, key)) bad(`map key ${JSON.stringify(key.slice(0, 40))} repeats`);
      setOwn(out, key, this.value(depth + 1));
    }
    return out;
  }

  private string(len: number): string {
    const at = this.take(len);
    const bytes = this.bytes.subarray(at, at + len);
    if (len >= NATIVE_MIN) {
      try {
        return utf8.decode(bytes);
      } catch {
        // not strict UTF-8: a lone surrogate (allowed, WTF-8) or garbage; decided below
      }
    }
    return wtf8(bytes, at);
  }
}

/** Decodes generalized UTF-8 (surrogates may be encoded one by one); refuses anything else. */
function wtf8(bytes: Uint8Array, offset: number): string {
  const units: number[] = [];
  let out = '';
  const n = bytes.length;
  let i = 0;
  const cont = (k: number): number => {
    const b = i + k < n ? (bytes[i + k] as number) : 0;
    if ((b & 0xc0) !== 0x80) bad(`invalid UTF-8 at offset ${offset + i}`);
    return b & 0x3f;
  };
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      units.push(b);
      i++;
    } else if (b >= 0xc2 && b <= 0xdf) {
      units.push(((b & 0x1f) << 6) | cont(1));
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      const c = ((b & 0x0f) << 12) | (cont(1) << 6) | cont(2);
      if (c < 0x800) bad(`overlong UTF-8 at offset ${offset + i}`);
      units.push(c);
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      const c = ((b & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
      if (c < 0x10000 || c > 0x10ffff) bad(`invalid UTF-8 at offset ${offset + i}`);
      units.push(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
      i += 4;
    } else {
      bad(`invalid UTF-8 at offset ${offset + i}`);
    }
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/**
 * The decoder of `lockstep.v1.bin`: one MessagePack value back into a JSON value. It never
 * trusts its input: a truncated or oversized length, trailing bytes, invalid UTF-8, a non-string
 * or repeated map key, a non-finite number, an integer beyond 2^53, bin/ext types or nesting
 * deeper than {@link MAX_BINARY_DEPTH} all throw `invalid_message`. Objects are plain and keep
 * `__proto__` as an own key, as `JSON.parse` does.
 *
 * Built for the small messages that dominate traffic: integers are read byte by byte, short
 * ASCII strings (map keys, op types, client ids) come from a cache of recent ones, and the frame
 * being read is module state ({@link input}).
 */
import { setOwn } from '../../structures/json.js';
import type { Json } from '../../structures/machine.js';
import { TEXT_EDIT } from '../../sync/textRebase.js';
import { decodeString, invalidFrame as bad } from './decodeString.js';
import { MAX_BINARY_DEPTH, RECORD } from './encodeValue.js';

const hasOwn = Object.prototype.hasOwnProperty;
const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * The frame being read, its length, the read position and, from the first float or 64-bit
 * integer on, a DataView over it. Decoding calls out to nothing, so it cannot be re-entered; one
 * `const` object rather than `let` bindings, which V8 checks for initialization at every use.
 */
const input = { bytes: EMPTY, end: 0, pos: 0, view: undefined as DataView | undefined };

/** Decodes exactly one value filling all of `frame`. */
export function decodeValue(frame: Uint8Array): Json {
  return whole(frame, false);
}

/**
 * Decodes a protocol message: a value as {@link decodeValue} does, or a record (docs/PROTOCOL.md
 * §9) back into the message object it stands for.
 */
export function decodeMessage(frame: Uint8Array): Json {
  return whole(frame, true);
}

function whole(frame: Uint8Array, message: boolean): Json {
  input.bytes = frame;
  input.end = frame.length;
  input.pos = 0;
  try {
    const length = message ? arrayLength() : -1;
    const value = length >= 0 ? record(length) : read(0);
    if (input.pos !== input.end) bad(`${input.end - input.pos} bytes after the end of the message`);
    return value;
  } finally {
    input.bytes = EMPTY; // keep no frame alive
    input.view = undefined;
  }
}

/** The length of the array whose header is next, reading the header; -1 (reading nothing) if none is. */
function arrayLength(): number {
  if (input.pos >= input.end) truncated(1);
  const b = input.bytes[input.pos] as number;
  if (b >= 0x90 && b <= 0x9f) {
    input.pos++;
    return b & 0x0f;
  }
  if (b !== 0xdc && b !== 0xdd) return -1;
  input.pos++;
  return b === 0xdc ? u16() : u32();
}

/** The message of a record of `length` items, its array header read. Fields are checked later, as a map's are. */
function record(length: number): Json {
  const code = length > 0 ? read(1) : null;
  switch (code) {
    case RECORD.submit:
      if (length === 4) return { type: 'submit', seq: read(1), base: read(1), transitions: transitions() };
      break;
    case RECORD.apply:
      if (length === 4) return { type: 'apply', version: read(1), effects: transitions(), origin: read(1) };
      if (length === 5) return { type: 'apply', version: read(1), effects: transitions(), origin: read(1), seq: read(1) };
      break;
    case RECORD.ack:
      if (length === 3) return { type: 'ack', version: read(1), seq: read(1) };
      break;
    default:
      return bad(`a message record must start with a message code (1–3), not ${typeof code === 'number' ? code : typeof code}`);
  }
  return bad(`a message record with code ${code} cannot have ${length} items`);
}

/** A record's transitions: an array of `[path, op]` pairs (op an array: a Text edit's ops), each read back as `{ path, op }`. */
function transitions(): Json[] {
  const at = input.pos;
  const n = arrayLength();
  if (n < 0) bad(`the transitions at offset ${at} are not an array`);
  enter(n, 1, 1);
  const out: Json[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = input.pos;
    if (arrayLength() !== 2) bad(`the transition at offset ${t} is not a [path, op] pair`);
    const path = read(3);
    const ops = arrayLength();
    out[i] = { path, op: ops >= 0 ? { type: TEXT_EDIT, ops: array(ops, 4) } : read(3) }; // (the depth of the ops inside their op)
  }
  return out;
}

function read(depth: number): Json {
  if (input.pos >= input.end) truncated(1);
  const b = input.bytes[input.pos++] as number;
  if (b < 0x80) return b;
  if (b >= 0xe0) return b - 0x100;
  if (b >= 0xa0 && b <= 0xbf) return string(b & 0x1f);
  if (b <= 0x8f) return object(b & 0x0f, depth);
  if (b <= 0x9f) return array(b & 0x0f, depth);
  switch (b) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xca:
      return finite(dataView().getFloat32(take(4)));
    case 0xcb:
      return finite(dataView().getFloat64(take(8)));
    case 0xcc:
      return u8();
    case 0xcd:
      return u16();
    case 0xce:
      return u32();
    case 0xcf:
      return safe(dataView().getBigUint64(take(8)));
    case 0xd0:
      return (u8() << 24) >> 24;
    case 0xd1:
      return (u16() << 16) >> 16;
    case 0xd2:
      return u32() | 0;
    case 0xd3:
      return safe(dataView().getBigInt64(take(8)));
    case 0xd9:
      return string(u8());
    case 0xda:
      return string(u16());
    case 0xdb:
      return string(u32());
    case 0xdc:
      return array(u16(), depth);
    case 0xdd:
      return array(u32(), depth);
    case 0xde:
      return object(u16(), depth);
    case 0xdf:
      return object(u32(), depth);
    default:
      return bad(`type byte 0x${b.toString(16)} at offset ${input.pos - 1} is not used (bin, ext and 0xc1 are refused)`);
  }
}

function truncated(n: number): never {
  return bad(`truncated at offset ${input.pos}: ${n} more bytes expected`);
}

/** Position of `n` bytes to read, advancing past them. */
function take(n: number): number {
  const at = input.pos;
  if (n > input.end - at) truncated(n);
  input.pos = at + n;
  return at;
}

function u8(): number {
  if (input.pos >= input.end) truncated(1);
  return input.bytes[input.pos++] as number;
}

function u16(): number {
  const at = take(2);
  const { bytes } = input;
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
}

function u32(): number {
  const at = take(4);
  const { bytes } = input;
  return (bytes[at] as number) * 0x1000000 + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number));
}

function dataView(): DataView {
  const { bytes } = input;
  return (input.view ??= new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function finite(n: number): number {
  if (!Number.isFinite(n)) bad(`${n} is not a JSON number`);
  return n + 0;
}

function safe(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) bad(`integer ${n} is beyond 2^53`);
  return Number(n);
}

function enter(n: number, minBytes: number, depth: number): void {
  if (depth >= MAX_BINARY_DEPTH) bad(`nested deeper than ${MAX_BINARY_DEPTH} levels`);
  if (n * minBytes > input.end - input.pos) bad(`a container of ${n} items at offset ${input.pos} is longer than the frame`);
}

function array(n: number, depth: number): Json[] {
  enter(n, 1, depth);
  const out: Json[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = read(depth + 1);
  return out;
}

function object(n: number, depth: number): { [key: string]: Json } {
  enter(n, 2, depth);
  const out: Record<string, Json> = {};
  for (let i = 0; i < n; i++) {
    const key = mapKey();
    if (i > 0 && hasOwn.call(out, key)) bad(`map key ${JSON.stringify(key.slice(0, 40))} repeats`);
    setOwn(out, key, read(depth + 1));
  }
  return out;
}

function mapKey(): string {
  const b = u8();
  if (b >= 0xa0 && b <= 0xbf) return string(b & 0x1f);
  if (b === 0xd9) return string(u8());
  if (b === 0xda) return string(u16());
  if (b === 0xdb) return string(u32());
  return bad(`map key at offset ${input.pos - 1} is not a string`);
}

function string(len: number): string {
  const at = take(len);
  return decodeString(input.bytes, at, input.pos);
}

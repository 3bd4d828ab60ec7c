/**
 * The encoder of `lockstep.v1.bin`: a JSON value as MessagePack (the subset listed in
 * docs/PROTOCOL.md §9). It encodes exactly what `JSON.stringify` would keep — `toJSON()` is
 * called, `undefined`, functions and symbols are left out of objects and become nil in arrays,
 * non-finite numbers become nil, -0 becomes 0 — so both codecs carry the same messages.
 * Strings are generalized UTF-8 (WTF-8, see encodeString.ts).
 *
 * Built for the small messages that dominate traffic: frames are written straight into a slab
 * they share, as Node pools small `Buffer`s — a small frame is a view of its slab, so encoding
 * one allocates no buffer and copies nothing — integers and headers byte by byte, short strings
 * by a loop that assumes ASCII.
 */
import { LockstepError } from '../../errors.js';
import { TEXT_EDIT } from '../../sync/textRebase.js';
import { NATIVE_MIN, writeWtf8 } from './encodeString.js';

/** The deepest nesting of arrays and objects either side of the codec accepts. */
export const MAX_BINARY_DEPTH = 256;

/** The message code that starts each record form (docs/PROTOCOL.md §9). */
export const RECORD = { submit: 1, apply: 2, ack: 3 } as const;

/** Size of a slab that small frames share. */
const SLAB = 16 * 1024;
/** Frames longer than this are written in a scratch buffer of their own and copied out. */
const SHARED_MAX = 2 * 1024;
/** Above this size that scratch buffer is given back after an encode. */
const KEEP = 1 << 20;
const EMPTY: Uint8Array = new Uint8Array(0);
const hasOwn = Object.prototype.hasOwnProperty;
const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);
/** 7 where `float` is little-endian: `floatBytes[i ^ swap]` is its i-th byte big-endian. */
const swap = new Uint8Array(new Float64Array([-0]).buffer)[0] === 0x80 ? 0 : 7;

/**
 * Where frames are written: `slab` (over `memory`), shared by small frames, is handed out up to `free`; `large`
 * is the scratch buffer of large frames; `buf` is the one being written, the frame starting at
 * `start`, the next byte at `pos`. Module state (`toJSON` and getters are the only calls out, and
 * they return values rather than encode), in one `const` object rather than `let` bindings, which
 * V8 checks for initialization at every use.
 */
const output = { memory: new ArrayBuffer(0), slab: EMPTY, free: 0, large: EMPTY, buf: EMPTY, start: 0, pos: 0 };

/**
 * Encodes `value` as one MessagePack value; `invalid_message` when nested too deep (or cyclic).
 * A small result is a view of a buffer shared with other results: read it through its
 * `byteOffset` and `byteLength`, not its whole `.buffer`.
 */
export function encodeValue(value: unknown): Uint8Array {
  return frame(value, false);
}

/**
 * Encodes a protocol message as {@link encodeValue} does, except that a `submit`, `apply` or
 * `ack` whose fields have their protocol types is written as a record (docs/PROTOCOL.md §9): an
 * array of its message code and its fields in a fixed order, each transition as `[path, op]`
 * (a Text edit's op as its ops array alone). It decodes to the same message a map would.
 */
export function encodeMessage(message: object): Uint8Array {
  return frame(message, true);
}

function frame(value: unknown, message: boolean): Uint8Array {
  const o = output;
  if (o.slab.length === 0) newSlab(); // its buffer was transferred away
  o.buf = o.slab;
  o.start = o.pos = o.free;
  try {
    if (!message || !writeRecord(value as Record<string, unknown>)) {
      o.pos = o.start; // a record given up half-way is written again as a map
      write(value, '', 0);
    }
    const len = o.pos - o.start;
    if (o.buf === o.slab && len <= SHARED_MAX) {
      o.free = o.pos;
      return new Uint8Array(o.memory, o.start, len); // cheaper than subarray (no species lookup) or a `.buffer` read
    }
    return o.buf.slice(o.start, o.pos);
  } finally {
    if (o.large.length > KEEP) o.large = EMPTY;
  }
}

/**
 * Writes `m` as a record if it is a `submit`, `apply` or `ack` that one stands for exactly (its
 * protocol fields with their types, nothing else); else false.
 */
function writeRecord(m: Record<string, unknown>): boolean {
  if (typeof m !== 'object' || m === null || m.toJSON !== undefined) return false;
  switch (m.type) {
    case 'submit':
      if (typeof m.seq !== 'number' || typeof m.base !== 'number' || !Array.isArray(m.transitions) || !keptExactly(m, 'type', 'seq', 'base', 'transitions')) return false;
      head(0x90, 15, 4, 0xdc);
      byte(RECORD.submit);
      writeNumber(m.seq);
      writeNumber(m.base);
      return writeTransitions(m.transitions);
    case 'apply': {
      const { seq } = m;
      if (typeof m.version !== 'number' || typeof m.origin !== 'string' || !Array.isArray(m.effects)) return false;
      if ((seq !== undefined && typeof seq !== 'number') || !keptExactly(m, 'type', 'version', 'effects', 'origin', seq === undefined ? undefined : 'seq')) return false;
      head(0x90, 15, seq === undefined ? 4 : 5, 0xdc);
      byte(RECORD.apply);
      writeNumber(m.version);
      if (!writeTransitions(m.effects)) return false;
      writeString(m.origin);
      if (seq !== undefined) writeNumber(seq);
      return true;
    }
    case 'ack':
      if (typeof m.version !== 'number' || typeof m.seq !== 'number' || !keptExactly(m, 'type', 'version', 'seq')) return false;
      head(0x90, 15, 3, 0xdc);
      byte(RECORD.ack);
      writeNumber(m.version);
      writeNumber(m.seq);
      return true;
    default:
      return false;
  }
}

/** Writes transitions as `[path, op]` pairs; false at one that is not exactly `{ path, op }` with a non-array op. */
function writeTransitions(ts: unknown[]): boolean {
  const n = ts.length;
  head(0x90, 15, n, 0xdc);
  for (let i = 0; i < n; i++) {
    const t = ts[i] as { path?: unknown; op?: unknown; toJSON?: unknown } | null;
    if (typeof t !== 'object' || t === null || t.toJSON !== undefined || !keptExactly(t, 'path', 'op')) return false;
    if (Array.isArray(t.op)) return false; // an array op would read as Text ops
    byte(0x92);
    write(t.path, 'path', 3);
    const ops = textEditOps(t.op);
    if (ops) writeArray(ops, 5); // at the depth of the ops inside their op
    else write(t.op, 'op', 3);
  }
  return true;
}

/** The `ops` of `op` when it is exactly `{ type: 'text/edit', ops: [...] }` (written as the ops alone), else null. */
function textEditOps(op: unknown): unknown[] | null {
  const o = op as { type?: unknown; ops?: unknown; toJSON?: unknown };
  if (typeof o !== 'object' || o === null || o.type !== TEXT_EDIT || !Array.isArray(o.ops) || o.toJSON !== undefined) return null;
  return keptExactly(o, 'type', 'ops') ? o.ops : null;
}

/**
 * Whether the properties a map of `o` would hold (own, enumerable, with a value JSON keeps) are
 * exactly the names given (two to five): then a record of those fields decodes to what JSON
 * would carry. One `for…in`, whose `hasOwnProperty` of the key it is at V8 reduces to a shape
 * check; the names are compared one by one (a search in an array of them costs more).
 */
function keptExactly(o: object, a: string, b: string, c?: string, d?: string, e?: string): boolean {
  let n = 0;
  for (const k in o) {
    if (!hasOwn.call(o, k) || !kept((o as Record<string, unknown>)[k])) continue;
    if (k !== a && k !== b && k !== c && k !== d && k !== e) return false;
    n++;
  }
  return n === (c === undefined ? 2 : d === undefined ? 3 : e === undefined ? 4 : 5);
}

/** Whether a map keeps a property of value `v` (as JSON does). Each `typeof` is compared at once, which V8 compiles to a type check. */
function kept(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

function newSlab(): Uint8Array {
  output.free = 0;
  output.memory = new ArrayBuffer(SLAB);
  return (output.slab = new Uint8Array(output.memory));
}

/** Makes room for `n` more bytes (small, so that it inlines: the move is {@link grow}). */
function ensure(n: number): void {
  if (output.pos + n > output.buf.length) grow(n);
}

/** Moves the frame to a new slab or to a (larger) `large`, with room for `n` more bytes. */
function grow(n: number): void {
  const o = output;
  const need = o.pos - o.start + n;
  let next = o.large;
  if (need <= SHARED_MAX) {
    next = newSlab();
  } else if (next.length < need) {
    let size = SLAB;
    while (size < 2 * need) size *= 2;
    next = o.large = new Uint8Array(size);
  }
  next.set(o.buf.subarray(o.start, o.pos));
  o.pos -= o.start;
  o.start = 0;
  o.buf = next;
}

/** Writes `input` found at `key` (an array index or a property name, as `toJSON` is told). */
function write(input: unknown, key: string | number, depth: number): void {
  let value = input;
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(String(key));
  }
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'number':
      return writeNumber(value);
    case 'object':
      if (value === null) return byte(0xc0);
      if (depth >= MAX_BINARY_DEPTH) {
        throw new LockstepError('invalid_message', `message nested deeper than ${MAX_BINARY_DEPTH} levels (or cyclic)`);
      }
      return Array.isArray(value) ? writeArray(value, depth + 1) : writeObject(value as Record<string, unknown>, depth + 1);
    case 'boolean':
      return byte(value ? 0xc3 : 0xc2);
    default:
      return byte(0xc0); // undefined, function, symbol, bigint: as JSON.stringify does in arrays
  }
}

function byte(b: number): void {
  ensure(1);
  output.buf[output.pos++] = b;
}

/** Writes `n` big-endian in `size` (1, 2 or 4) bytes at `at`. */
function uint(at: number, size: number, n: number): void {
  const { buf } = output;
  if (size === 4) {
    buf[at++] = n >>> 24;
    buf[at++] = n >>> 16;
  }
  if (size >= 2) buf[at++] = n >>> 8;
  buf[at] = n;
}

/** A length header: the fix form up to `fixMax`, else `code16` + 2 bytes or `code16 + 1` + 4. */
function head(fix: number, fixMax: number, n: number, code16: number): void {
  ensure(5);
  const o = output;
  if (n <= fixMax) {
    o.buf[o.pos++] = fix | n;
  } else {
    const size = n <= 0xffff ? 2 : 4;
    o.buf[o.pos] = size === 2 ? code16 : code16 + 1;
    uint(o.pos + 1, size, n);
    o.pos += 1 + size;
  }
}

function writeNumber(n: number): void {
  // The usual number: an unsigned integer (a position, a count, a version), written here.
  if (n >= 0 && n <= 0xffffffff && n >>> 0 === n) {
    ensure(5);
    const o = output;
    const { buf } = o;
    let p = o.pos;
    if (n < 0x80) buf[p++] = n;
    else if (n <= 0xff) {
      buf[p++] = 0xcc;
      buf[p++] = n;
    } else if (n <= 0xffff) {
      buf[p++] = 0xcd;
      buf[p++] = n >>> 8;
      buf[p++] = n;
    } else {
      buf[p++] = 0xce;
      buf[p++] = n >>> 24;
      buf[p++] = n >>> 16;
      buf[p++] = n >>> 8;
      buf[p++] = n;
    }
    o.pos = p;
  } else writeOtherNumber(n);
}

/** Any other number: a negative integer, a fraction, or one too large or not finite. */
function writeOtherNumber(n: number): void {
  ensure(9);
  const o = output;
  const { buf } = o;
  if ((n | 0) === n) {
    // a negative int32
    if (n >= -32) {
      buf[o.pos++] = n; // negative fixint (stored modulo 256)
    } else {
      const size = n >= -0x80 ? 1 : n >= -0x8000 ? 2 : 4;
      buf[o.pos] = size === 1 ? 0xd0 : size === 2 ? 0xd1 : 0xd2; // int 8/16/32
      uint(o.pos + 1, size, n);
      o.pos += 1 + size;
    }
  } else if (Number.isFinite(n)) {
    buf[o.pos++] = 0xcb;
    float[0] = n;
    for (let i = 0; i < 8; i++) buf[o.pos++] = floatBytes[i ^ swap] as number;
  } else {
    buf[o.pos++] = 0xc0;
  }
}

function writeArray(items: unknown[], depth: number): void {
  const n = items.length;
  head(0x90, 15, n, 0xdc);
  for (let i = 0; i < n; i++) {
    const v = items[i];
    if (typeof v === 'string') writeString(v);
    else if (typeof v === 'number') writeNumber(v);
    else write(v, i, depth);
  }
}

function writeObject(obj: Record<string, unknown>, depth: number): void {
  // The count is known only at the end: a fixmap header is reserved, moved up if it grows. Its
  // place is kept relative to the frame, which a nested write may move to another buffer.
  ensure(1);
  const o = output;
  const offset = o.pos++ - o.start;
  let n = 0;
  for (const k in obj) {
    if (!hasOwn.call(obj, k)) continue;
    const v = obj[k];
    if (!kept(v)) continue;
    writeString(k);
    if (typeof v === 'string') writeString(v);
    else if (typeof v === 'number') writeNumber(v);
    else write(v, k, depth);
    n++;
  }
  if (n <= 15) {
    o.buf[o.start + offset] = 0x80 | n;
    return;
  }
  const size = n <= 0xffff ? 2 : 4;
  ensure(size);
  const at = o.start + offset;
  o.buf.copyWithin(at + 1 + size, at + 1, o.pos);
  o.buf[at] = size === 2 ? 0xde : 0xdf;
  uint(at + 1, size, n);
  o.pos += size;
}

function writeString(s: string): void {
  const n = s.length;
  if (n >= NATIVE_MIN) return writeUtf8(s);
  // Most strings are ASCII: n bytes, so the header is known; anything else starts over below.
  const size = n <= 31 ? 1 : 2;
  ensure(size + n);
  const o = output;
  const { buf } = o;
  let p = o.pos + size;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return writeUtf8(s);
    buf[p++] = c;
  }
  if (size === 1) {
    buf[o.pos] = 0xa0 | n;
  } else {
    buf[o.pos] = 0xd9;
    buf[o.pos + 1] = n;
  }
  o.pos = p;
}

/** Any string: room for the longest encoding and its header, which shrinks to fit after. */
function writeUtf8(s: string): void {
  const max = s.length * 3;
  const reserved = max <= 31 ? 1 : max <= 0xff ? 2 : max <= 0xffff ? 3 : 5;
  ensure(reserved + max);
  const o = output;
  const { buf } = o;
  const start = o.pos + reserved;
  const stop = writeWtf8(s, buf, start);
  const len = stop - start;
  const size = len <= 31 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : 5;
  if (size < reserved) buf.copyWithin(o.pos + size, start, stop);
  if (size === 1) buf[o.pos] = 0xa0 | len;
  else buf[o.pos] = size === 2 ? 0xd9 : size === 3 ? 0xda : 0xdb;
  if (size > 1) uint(o.pos + 1, size - 1, len);
  o.pos += size + len;
}

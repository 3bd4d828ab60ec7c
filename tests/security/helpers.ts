// Shared helpers of the security tests: a seeded PRNG, a raw WebSocket peer that records what
// the server says, a journal that keeps a reference replay of every room, heap measurement, and
// a latency summary.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { seededRandom } from '../../src/sync/random.js';
import type { Journal, JournalRecord, LoadedRoom, RoomSnapshot } from '../../src/server/index.js';
import { MemoryJournal } from '../../src/server/index.js';

/** mulberry32: a small seeded PRNG (the same seed gives the same cases on every machine). */
export const prng = seededRandom;

/** Random choices over a PRNG. */
export class Rand {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `promise`, or undefined after `ms` (the timer is cleared either way). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: unknown;
  try {
    return await Promise.race([promise, new Promise<undefined>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer as Parameters<typeof clearTimeout>[0]);
  }
}

/** Polls `cond` every 5 ms until it holds; fails after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** `global.gc`, or one obtained by setting --expose-gc at run time; null if neither works. */
export function collector(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    return null;
  }
}

/** Heap in use after collecting garbage (several passes, letting finalizers and timers run). */
export async function settledHeap(gc: (() => void) | null): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(20);
  }
  return process.memoryUsage().heapUsed;
}

/** p50 / p99 / max of a list of milliseconds. */
export function percentiles(values: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? NaN };
}

/** A decoded server message (loosely typed: the tests check fields themselves). */
export type Msg = Record<string, unknown> & { type: string };

/** A raw lockstep peer over `ws`: sends any frame, decodes every answer, never reconnects. */
export class RawPeer {
  readonly ws: WebSocket;
  readonly messages: Msg[] = [];
  /** Frames that were not a decodable message object (must stay 0). */
  undecodable = 0;
  closeCode: number | null = null;
  readonly opened: Promise<boolean>;
  readonly closed: Promise<number>;
  private listeners: Array<(m: Msg) => void> = [];

  constructor(
    url: string,
    readonly protocol: 'lockstep.v1.json' | 'lockstep.v1.bin' | '',
    headers: Record<string, string> = {},
    options: { autoPong?: boolean; keep?: boolean } = {},
  ) {
    this.ws = new WebSocket(url, protocol ? [protocol] : [], { headers, autoPong: options.autoPong ?? true });
    const keep = options.keep ?? true;
    this.ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      let msg: unknown;
      try {
        msg = isBinary ? L.binaryCodec.decode(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)) : JSON.parse(buf.toString('utf8'));
      } catch {
        this.undecodable++;
        return;
      }
      if (typeof msg !== 'object' || msg === null || typeof (msg as Msg).type !== 'string') {
        this.undecodable++;
        return;
      }
      if (keep) this.messages.push(msg as Msg);
      for (const l of this.listeners) l(msg as Msg);
    });
    this.ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    this.opened = new Promise((resolve) => {
      this.ws.once('open', () => resolve(true));
      this.ws.once('close', () => resolve(false));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Calls `fn` with every message from now on; returns the unsubscribe function. */
  on(fn: (m: Msg) => void): () => void {
    this.listeners.push(fn);
    return () => (this.listeners = this.listeners.filter((l) => l !== fn));
  }

  /** Sends a frame if the socket is open (text for a string, binary for bytes). */
  send(frame: string | Uint8Array): void {
    if (this.open) this.ws.send(frame, { binary: typeof frame !== 'string' });
  }

  /** Sends a message in this peer's codec (binary for `lockstep.v1.bin`, JSON text otherwise). */
  sendMsg(msg: object): void {
    this.send(this.protocol === 'lockstep.v1.bin' ? (L.binaryCodec.encode(msg) as Uint8Array) : JSON.stringify(msg));
  }

  /** The first message matching `pred` (already received or arriving within `ms`), or null on close/timeout. */
  waitFor(pred: (m: Msg) => boolean, ms = 5000): Promise<Msg | null> {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), ms);
      const off = this.on((m) => {
        if (pred(m)) done(m);
      });
      const done = (m: Msg | null) => {
        clearTimeout(timer);
        off();
        resolve(m);
      };
      void this.closed.then(() => done(null));
    });
  }

  /** Says hello (optionally resuming) and resolves with the welcome, or null. */
  async hello(resume?: { clientId: string; token: string; version: number }): Promise<Msg | null> {
    if (!(await this.opened)) return null;
    this.sendMsg({ type: 'hello', v: 1, ...(resume ? { resume } : {}) });
    return this.waitFor((m) => m.type === 'welcome' || (m.type === 'error' && m.code === 'room_full'));
  }

  /** Resolves once the server answered a ping sent now (everything before it was read), or closed. */
  async settle(ms = 5000): Promise<void> {
    const t = Math.random();
    this.sendMsg({ type: 'ping', t });
    await this.waitFor((m) => m.type === 'pong' && m.t === t, ms);
  }
}

/**
 * A journal that passes everything to a MemoryJournal and keeps, per room, a reference Doc
 * replayed from the records appended — the "accepted transitions" a room's state must equal.
 * It checks that versions are contiguous and that no (origin, seq) is committed twice.
 */
export class ReferenceJournal implements Journal {
  private readonly inner = new MemoryJournal({ snapshotEvery: 200 });
  readonly snapshotEvery = 200;
  readonly rooms = new Map<string, { doc: L.Doc<object>; version: number; seqs: Set<string>; origins: Map<string, number> }>();
  /** Contract violations seen (must stay empty). */
  readonly problems: string[] = [];

  constructor(private readonly Root: new () => object) {}

  load(room: string): Promise<LoadedRoom> {
    if (!this.rooms.has(room)) this.rooms.set(room, { doc: new L.Doc(this.Root), version: 0, seqs: new Set(), origins: new Map() });
    return this.inner.load(room);
  }

  append(room: string, record: JournalRecord): Promise<void> {
    const ref = this.rooms.get(room);
    if (!ref) this.problems.push(`append to ${room} before load`);
    else {
      if (record.version !== ref.version + 1) this.problems.push(`${room}: version ${record.version} after ${ref.version}`);
      if (record.seq !== undefined) {
        const key = `${record.origin}/${record.seq}`;
        if (ref.seqs.has(key)) this.problems.push(`${room}: ${key} committed twice`);
        ref.seqs.add(key);
        ref.origins.set(record.origin, Math.max(ref.origins.get(record.origin) ?? 0, record.seq));
      }
      try {
        ref.doc.applyAll(JSON.parse(JSON.stringify(record.effects)) as L.Transition[], { validate: true, origin: record.origin });
      } catch (err) {
        this.problems.push(`${room}: effects of v${record.version} do not replay: ${(err as Error).message}`);
      }
      ref.version = record.version;
    }
    return this.inner.append(room, record);
  }

  snapshot(room: string, snap: RoomSnapshot): Promise<void> {
    return this.inner.snapshot(room, snap);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(room?: string): Promise<void> {
    return this.inner.close(room);
  }
}

/** A client WebSocket frame written by hand (masked, as RFC 6455 requires of clients). */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return Buffer.concat([head, mask, body]);
}

/**
 * A WebSocket opened by hand over a raw TCP socket: the handshake, then nothing automatic —
 * it answers no ping and reads only what the caller reads. Resolves once the server switched
 * protocols (status 101), or rejects with the status line it got instead.
 */
export async function rawSocket(
  port: number,
  path: string,
  protocol = 'lockstep.v1.json',
  headers: Record<string, string> = {},
): Promise<import('node:net').Socket> {
  const { connect } = await import('node:net');
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
      `${protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : ''}${extra}\r\n`,
  );
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (chunk: Buffer) => {
      got += chunk.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const rest = Buffer.from(got.slice(end + 4), 'latin1');
      if (rest.length) socket.unshift(rest);
      if (got.startsWith('HTTP/1.1 101')) resolve(socket);
      else reject(new Error(got.split('\r\n', 1)[0]));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
}

import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { LockstepError } from '../../src/errors.js';
import { journalConformance, hostileRoomIds, sampleRecord } from '../../src/server/journal/conformance.js';
import { crc32 } from '../../src/server/journal/crc32.js';
import { FileJournal } from '../../src/server/journal/FileJournal.js';
import { decodeFrame } from '../../src/server/journal/frame.js';
import type { JournalRecord } from '../../src/server/journal/Journal.js';
import { roomDirName, segmentName } from '../../src/server/journal/layout.js';
import { MemoryJournal, MemoryJournalStorage } from '../../src/server/journal/MemoryJournal.js';

const repo = resolve(__dirname, '../..');
let root: string;
let cases = 0;
/** A directory that does not exist yet, under this run's temp root. */
const freshDir = (): string => join(root, `case-${cases++}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lockstep-journal-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const versions = (records: JournalRecord[]): number[] => records.map((r) => r.version);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Appends versions `from..to` of room `r` in one journal, then closes it. */
async function write(dir: string, from: number, to: number, room = 'r'): Promise<void> {
  const journal = new FileJournal(dir);
  await journal.load(room);
  for (const v of range(from, to)) await journal.append(room, sampleRecord(v, room));
  await journal.close();
}

/** Loads room `room` with a new journal over `dir`, then closes it. */
async function load(dir: string, room = 'r') {
  const journal = new FileJournal(dir);
  try {
    return await journal.load(room);
  } finally {
    await journal.close();
  }
}

describe('MemoryJournal conformance', () => {
  for (const c of journalConformance) {
    it(c.name, async () => {
      const storage = new MemoryJournalStorage();
      await c.run(async () => new MemoryJournal({ storage }));
    });
  }
});

describe.each(['fsync', 'write'] as const)('FileJournal (%s) conformance', (durability) => {
  for (const c of journalConformance) {
    it(c.name, async () => {
      const dir = freshDir();
      await c.run(async () => new FileJournal(dir, { durability }));
    });
  }
});

describe('MemoryJournal failures', () => {
  it('failNext fails the room until it is loaded again', async () => {
    const journal = new MemoryJournal();
    await journal.load('r');
    await journal.append('r', sampleRecord(1));
    journal.failNext('append');
    await expect(journal.append('r', sampleRecord(2))).rejects.toMatchObject({ code: 'internal' });
    await expect(journal.append('r', sampleRecord(2))).rejects.toMatchObject({ code: 'internal' });
    expect(versions((await journal.load('r')).records)).toEqual([1]);
    await journal.append('r', sampleRecord(2));
  });
});

describe('FileJournal', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff));
    expect(crc32(bytes.subarray(300), crc32(bytes.subarray(0, 300)))).toBe(crc32(bytes));
    if ('crc32' in zlib) expect(crc32(bytes)).toBe((zlib as unknown as { crc32(b: Buffer): number }).crc32(bytes));
  });

  it('checks its options', () => {
    expect(new FileJournal(freshDir()).snapshotEvery).toBe(1000);
    expect(new FileJournal(freshDir(), { snapshotEvery: Infinity }).durability).toBe('fsync');
    expect(() => new FileJournal(freshDir(), { durability: 'none' as 'write' })).toThrow(LockstepError);
    expect(() => new FileJournal(freshDir(), { snapshotEvery: 0 })).toThrow(/snapshotEvery/);
    expect(() => new FileJournal('')).toThrow(/directory/);
  });

  it('keeps every room in its own directory inside the journal directory', async () => {
    const parent = freshDir();
    const dir = join(parent, 'journal');
    const journal = new FileJournal(dir);
    for (const room of hostileRoomIds) {
      await journal.load(room);
      await journal.append(room, sampleRecord(1, room));
    }
    await journal.close();
    expect(await readdir(parent)).toEqual(['journal']);
    const names = await readdir(dir);
    expect(names).toHaveLength(hostileRoomIds.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9_-]{1,32}-[0-9a-f]{32}$/);
    expect(names).toContain(roomDirName('../x'));
  });

  it('cuts a torn last record at every byte offset, keeping the records before it', async () => {
    const dir = freshDir();
    await write(dir, 1, 4);
    const segment = join(dir, roomDirName('r'), segmentName(1));
    const clean = (await stat(segment)).size;
    await write(dir, 5, 5);
    const full = await readFile(segment);
    for (let cut = clean; cut < full.length; cut++) {
      await writeFile(segment, full.subarray(0, cut));
      const loaded = await load(dir);
      expect(versions(loaded.records)).toEqual([1, 2, 3, 4]);
      if (cut === clean) expect(loaded.repaired).toBeUndefined();
      else expect(loaded.repaired).toEqual({ droppedBytes: cut - clean, reason: expect.stringMatching(/torn frame/) });
      expect((await stat(segment)).size).toBe(clean);
    }
    await write(dir, 5, 6);
    const again = await load(dir);
    expect(again.repaired).toBeUndefined();
    expect(versions(again.records)).toEqual(range(1, 6));
  });

  it('cuts a torn first write (segment header and record) at every byte offset', async () => {
    const dir = freshDir();
    await write(dir, 1, 1);
    const segment = join(dir, roomDirName('r'), segmentName(1));
    const full = await readFile(segment);
    for (let cut = 0; cut < full.length; cut++) {
      await writeFile(segment, full.subarray(0, cut));
      const loaded = await load(dir);
      expect(loaded.records).toEqual([]);
      expect(loaded.repaired?.droppedBytes ?? 0).toBeLessThanOrEqual(cut);
      await write(dir, 1, 1); // the room continues from scratch
      expect(versions((await load(dir)).records)).toEqual([1]);
    }
  }, 60_000); // an fsync per byte offset: slow on a busy disk

  it('stops at a flipped byte in the middle, reports it and truncates there', async () => {
    const dir = freshDir();
    await write(dir, 1, 10);
    const segment = join(dir, roomDirName('r'), segmentName(1));
    const full = await readFile(segment);
    const starts: number[] = [];
    for (let at = 0; at < full.length; ) {
      starts.push(at);
      const frame = decodeFrame(full, at);
      if (frame.problem !== undefined) throw new Error(frame.problem);
      at = frame.end;
    }
    const fifth = starts[5]!; // starts[0] is the segment header
    for (const offset of [0, 2, 5, 20]) {
      const damaged = Buffer.from(full);
      damaged[fifth + offset] ^= 0x5a;
      await writeFile(segment, damaged);
      const loaded = await load(dir);
      expect(versions(loaded.records)).toEqual([1, 2, 3, 4]);
      expect(loaded.repaired?.droppedBytes).toBe(full.length - fifth);
      expect(loaded.repaired?.reason).toContain(`${segmentName(1)} at byte ${fifth}`);
      expect((await stat(segment)).size).toBe(fifth);
      await writeFile(segment, full);
    }
  });

  it('refuses to load a room whose snapshot is damaged', async () => {
    const dir = freshDir();
    const journal = new FileJournal(dir);
    await journal.load('r');
    await journal.append('r', sampleRecord(1));
    await journal.snapshot('r', { version: 1, data: { big: 'x'.repeat(100) } });
    await journal.close();
    const file = join(dir, roomDirName('r'), 'snapshot');
    const bytes = await readFile(file);
    bytes[50] ^= 1;
    await writeFile(file, bytes);
    await expect(load(dir)).rejects.toMatchObject({ code: 'invalid_snapshot' });
  });

  it('compacts: a snapshot starts a new segment and deletes the ones behind it', async () => {
    const dir = freshDir();
    const roomDir = join(dir, roomDirName('r'));
    const journal = new FileJournal(dir);
    await journal.load('r');
    await Promise.all(range(1, 10).map((v) => journal.append('r', sampleRecord(v))));
    await journal.snapshot('r', { version: 10, data: 10 });
    expect(await readdir(roomDir)).toEqual(['snapshot']);
    await Promise.all(range(11, 15).map((v) => journal.append('r', sampleRecord(v))));
    await journal.snapshot('r', { version: 12, data: 12 }); // behind the head: 11..15 stay
    await journal.append('r', sampleRecord(16));
    expect((await readdir(roomDir)).sort()).toEqual([segmentName(11), segmentName(16), 'snapshot']);
    await journal.snapshot('r', { version: 16, data: 16 });
    expect(await readdir(roomDir)).toEqual(['snapshot']);
    await journal.close();
    expect(await load(dir)).toEqual({ snapshot: { version: 16, data: 16 }, records: [] });
  });

  it('treats leftovers of an interrupted snapshot or compaction as no damage', async () => {
    const dir = freshDir();
    const roomDir = join(dir, roomDirName('r'));
    await write(dir, 1, 10);
    const old = await readFile(join(roomDir, segmentName(1)));
    const journal = new FileJournal(dir);
    await journal.load('r');
    await journal.snapshot('r', { version: 10, data: 10 });
    await journal.append('r', sampleRecord(11));
    await journal.close();
    await writeFile(join(roomDir, segmentName(1)), old); // deletion never happened
    await writeFile(join(roomDir, 'snapshot.tmp'), 'half a snapshot'); // next snapshot never renamed
    const loaded = await load(dir);
    expect(loaded).toEqual({ snapshot: { version: 10, data: 10 }, records: [sampleRecord(11)] });
    expect((await readdir(roomDir)).sort()).toEqual([segmentName(11), 'snapshot']);
  });

  it('reports a missing segment and drops what follows it', async () => {
    const dir = freshDir();
    const roomDir = join(dir, roomDirName('r'));
    const journal = new FileJournal(dir);
    await journal.load('r');
    await Promise.all(range(1, 10).map((v) => journal.append('r', sampleRecord(v))));
    await journal.snapshot('r', { version: 5, data: 5 });
    await Promise.all(range(11, 20).map((v) => journal.append('r', sampleRecord(v))));
    await journal.close();
    const later = (await stat(join(roomDir, segmentName(11)))).size;
    await rm(join(roomDir, segmentName(1)));
    const loaded = await load(dir);
    expect(loaded.snapshot).toEqual({ version: 5, data: 5 });
    expect(loaded.records).toEqual([]);
    expect(loaded.repaired).toEqual({ droppedBytes: later, reason: expect.stringContaining('records 6 to 10 are missing') });
  });

  it('group-commits appends made in one tick or while an fsync is in flight', async () => {
    const journal = new FileJournal(freshDir());
    await journal.load('r');
    let syncedAtFirstAck = -1;
    const first = journal.append('r', sampleRecord(1)).then(() => (syncedAtFirstAck = journal.stats.syncs));
    await Promise.all([first, ...range(2, 300).map((v) => journal.append('r', sampleRecord(v)))]);
    expect(syncedAtFirstAck).toBe(1); // acknowledged only after the fsync
    expect(journal.stats).toMatchObject({ appends: 300, writes: 1, syncs: 1 });

    // 10 writers, each awaiting its own ack before its next append
    let next = 301;
    const writer = async (): Promise<void> => {
      for (let i = 0; i < 100; i++) await journal.append('r', sampleRecord(next++));
    };
    await Promise.all(range(1, 10).map(writer));
    const { appends, writes, syncs } = journal.stats;
    expect(appends).toBe(1300);
    expect(writes - 1).toBeLessThanOrEqual(120); // ~10 appends per write, not 1
    expect(syncs).toBe(writes);
    await journal.close();
    expect(versions((await load(journal.dir)).records)).toEqual(range(1, 1300));
  });

  it("acknowledges after the write with durability 'write', fsyncing on flush", async () => {
    const journal = new FileJournal(freshDir(), { durability: 'write' });
    await journal.load('r');
    for (const v of range(1, 50)) await journal.append('r', sampleRecord(v));
    expect(journal.stats.syncs).toBe(0);
    expect(journal.stats.writes).toBe(50);
    await journal.flush();
    expect(journal.stats.syncs).toBe(1);
    await journal.close();
  });

  it('fails a room whose write fails, until it is loaded again; other rooms go on', async () => {
    const dir = freshDir();
    const journal = new FileJournal(dir);
    await Promise.all([journal.load('bad'), journal.load('good')]);
    await mkdir(dir);
    await writeFile(join(dir, roomDirName('bad')), 'a file where the room directory belongs');
    const appends = range(1, 3).map((v) => journal.append('bad', sampleRecord(v, 'bad')));
    const good = journal.append('good', sampleRecord(1, 'good'));
    for (const append of appends) await expect(append).rejects.toMatchObject({ code: 'internal' });
    await expect(journal.append('bad', sampleRecord(4, 'bad'))).rejects.toBeInstanceOf(LockstepError);
    await expect(journal.flush('bad')).rejects.toMatchObject({ code: 'internal' });
    await good;
    await rm(join(dir, roomDirName('bad')));
    expect(await journal.load('bad')).toEqual({ snapshot: null, records: [] });
    await journal.append('bad', sampleRecord(1, 'bad'));
    await journal.close();
  });

  it('keeps every acknowledged append when the process is killed (SIGKILL)', async () => {
    const bundle = join(freshDir(), 'FileJournal.mjs');
    execFileSync(join(repo, 'node_modules/.bin/esbuild'), [
      join(repo, 'src/server/journal/FileJournal.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      `--outfile=${bundle}`,
      '--log-level=warning',
    ]);
    const dir = freshDir();
    let maxAcked = 0;
    for (let round = 0; round < 3; round++) {
      const acked = await runUntilKilled(bundle, dir, 1500);
      expect(acked.length).toBeGreaterThanOrEqual(1500);
      maxAcked = Math.max(maxAcked, ...acked);
      const loaded = await load(dir, 'crash');
      const base = loaded.snapshot?.version ?? 0;
      const head = loaded.records.length > 0 ? loaded.records[loaded.records.length - 1]!.version : base;
      expect(versions(loaded.records)).toEqual(range(base + 1, head));
      expect(head).toBeGreaterThanOrEqual(maxAcked);
      for (const r of loaded.records) expect(r.effects[0]!.op).toEqual({ type: 'counter/set', value: r.version });
      expect((await load(dir, 'crash')).repaired).toBeUndefined();
    }
  }, 60_000);
});

/**
 * Runs the crash child (appending as fast as it can, printing each acknowledged version), kills
 * it with SIGKILL once it printed `count` versions, and returns every version it printed.
 */
async function runUntilKilled(bundle: string, dir: string, count: number): Promise<number[]> {
  const child = spawn(process.execPath, [join(__dirname, 'fixtures/journalCrashChild.mjs'), bundle, dir, 'crash'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acked: number[] = [];
  let text = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    text += chunk;
    const lines = text.split('\n');
    text = lines.pop()!;
    for (const line of lines) acked.push(Number(line));
    if (acked.length >= count && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
  expect(text).toBe('');
  return acked;
}

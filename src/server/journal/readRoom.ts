/// <reference types="node" />
/**
 * Loading a room of the file journal: reads its snapshot and log segments, keeps the longest
 * valid, contiguous prefix of records, and cuts off what follows (truncating the segment where
 * the damage starts, deleting the segments after it). Leftovers of an interrupted snapshot or
 * compaction (temp files, segments wholly behind the snapshot) are removed silently: they are
 * not damage. See layout.ts for the files.
 */
import type { Buffer } from 'node:buffer';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LockstepError } from '../../errors.js';
import { decodeFrame } from './frame.js';
import type { Json } from '../../structures/machine.js';
import type { JournalRecord, JournalRepair, LoadedRoom, RoomSnapshot } from './Journal.js';
import { SEGMENT_FORMAT, SNAPSHOT_FILE, SNAPSHOT_FORMAT, TEMP_SUFFIX, segmentStart } from './layout.js';
import { syncDir } from './syncDir.js';

/** A log segment that was kept: its file name, first and last version, and size in bytes. */
export interface Segment {
  name: string;
  start: number;
  last: number;
  size: number;
}

/** A loaded room and what its writer needs to continue it. */
export interface RoomFiles {
  loaded: LoadedRoom;
  /** The kept segments, ascending; each holds records after the snapshot. */
  segments: Segment[];
  snapshotVersion: number;
  /** Version of the last record, else of the snapshot, else 0. */
  head: number;
  /** Counts of the fsyncs made while repairing (for the journal's stats). */
  syncs: number;
  dirSyncs: number;
}

/** Reads (and if needed repairs) the room `room` stored in the directory `roomDir`. */
export async function readRoom(roomDir: string, room: string): Promise<RoomFiles> {
  const result: RoomFiles = {
    loaded: { snapshot: null, records: [] },
    segments: [],
    snapshotVersion: 0,
    head: 0,
    syncs: 0,
    dirSyncs: 0,
  };
  let names: string[];
  try {
    names = await readdir(roomDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw err;
  }
  let dirChanged = false;
  const remove = async (name: string): Promise<void> => {
    await rm(join(roomDir, name), { force: true });
    dirChanged = true;
  };
  for (const name of names) if (name.endsWith(TEMP_SUFFIX)) await remove(name);

  const snapshot = names.includes(SNAPSHOT_FILE) ? await readSnapshot(join(roomDir, SNAPSHOT_FILE), room) : null;
  const base = snapshot?.version ?? 0;
  const starts = names
    .map((name) => ({ name, start: segmentStart(name) }))
    .filter((s): s is { name: string; start: number } => s.start !== undefined)
    .sort((a, b) => a.start - b.start);

  const records: JournalRecord[] = [];
  let repair: JournalRepair | undefined;
  for (let i = 0; i < starts.length; i++) {
    const { name, start } = starts[i]!;
    const next = starts[i + 1]?.start;
    if (repair || (records.length === 0 && next !== undefined && next <= base + 1)) {
      // after the damage, or wholly behind the snapshot (a compaction that was cut short)
      if (repair) repair.droppedBytes += (await stat(join(roomDir, name))).size;
      await remove(name);
      continue;
    }
    const bytes = await readFile(join(roomDir, name));
    const scan = scanSegment(bytes, room, start, base + records.length + 1, records);
    if (scan.problem !== undefined) {
      repair = { droppedBytes: bytes.length - scan.end, reason: `${name} at byte ${scan.end}: ${scan.problem}` };
    }
    if (scan.last < start || scan.last <= base) {
      await remove(name); // no records, or none after the snapshot
    } else {
      if (scan.end < bytes.length) {
        await truncate(join(roomDir, name), scan.end);
        result.syncs++;
      }
      result.segments.push({ name, start, last: scan.last, size: scan.end });
    }
  }
  if (dirChanged) {
    await syncDir(roomDir);
    result.dirSyncs++;
  }
  result.loaded = repair ? { snapshot, records, repaired: repair } : { snapshot, records };
  result.snapshotVersion = base;
  result.head = records.length > 0 ? records[records.length - 1]!.version : base;
  return result;
}

/**
 * Scans one segment, pushing onto `out` its records from version `from` on. Returns where the
 * valid part ends, the version of its last valid record (`start - 1` if none) and the problem
 * that stopped the scan, if any.
 */
function scanSegment(
  bytes: Buffer,
  room: string,
  start: number,
  from: number,
  out: JournalRecord[],
): { end: number; last: number; problem?: string } {
  if (bytes.length === 0) return { end: 0, last: start - 1 }; // created, never written
  if (start > from) return { end: 0, last: start - 1, problem: `records ${from} to ${start - 1} are missing` };
  const header = decodeFrame(bytes, 0);
  if (header.problem !== undefined) return { end: 0, last: start - 1, problem: `segment header: ${header.problem}` };
  const info = parse(header.json);
  if (info?.format !== SEGMENT_FORMAT) return { end: 0, last: start - 1, problem: 'not a journal segment' };
  if (info.room !== room) {
    throw new LockstepError('internal', `journal segment ${start} holds room ${JSON.stringify(info.room)}, not ${JSON.stringify(room)}`);
  }
  let end = header.end;
  let version = start;
  while (end < bytes.length) {
    const frame = decodeFrame(bytes, end);
    if (frame.problem !== undefined) return { end, last: version - 1, problem: frame.problem };
    const record = parse(frame.json);
    if (!isRecord(record)) return { end, last: version - 1, problem: 'malformed record' };
    if (record.version !== version) {
      return { end, last: version - 1, problem: `version ${record.version} where ${version} belongs` };
    }
    if (version >= from) out.push(record);
    version++;
    end = frame.end;
  }
  return { end, last: version - 1 };
}

/** Reads a snapshot file; throws `invalid_snapshot` when it is damaged (the room cannot load). */
async function readSnapshot(path: string, room: string): Promise<RoomSnapshot> {
  const bytes = await readFile(path);
  const frame = decodeFrame(bytes, 0);
  const snap = frame.problem === undefined && frame.end === bytes.length ? parse(frame.json) : undefined;
  const ok =
    snap !== undefined &&
    snap.format === SNAPSHOT_FORMAT &&
    snap.room === room &&
    Number.isSafeInteger(snap.version) &&
    (snap.version as number) >= 0 &&
    'data' in snap;
  if (!ok) {
    const problem = frame.problem ?? 'not a journal snapshot of this room';
    throw new LockstepError(
      'invalid_snapshot',
      `the journal snapshot ${path} of room ${JSON.stringify(room)} is damaged (${problem}); restore it from a backup`,
      { room, path, problem },
    );
  }
  return { version: snap.version as number, data: snap.data as Json };
}

/** Truncates the file at `path` to `size` bytes, durably. */
async function truncate(path: string, size: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(size);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A parsed JSON object, or `undefined` for invalid JSON and non-objects. */
function parse(json: string): { [key: string]: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { [key: string]: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: { [key: string]: unknown } | undefined): value is { [key: string]: unknown } & JournalRecord {
  return (
    value !== undefined &&
    Number.isSafeInteger(value.version) &&
    Number.isFinite(value.time) &&
    typeof value.origin === 'string' &&
    (value.seq === undefined || Number.isFinite(value.seq)) &&
    Array.isArray(value.effects)
  );
}

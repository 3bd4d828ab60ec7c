/// <reference types="node" />
/**
 * The writer of one loaded room of the file journal, with group commit. Calls are checked and
 * queued synchronously, in call order; one worker drains the queue. Every run of consecutive
 * appends in the queue (all those made within one event-loop turn, plus all those made while
 * the previous write or fsync was in flight, and by the writers it just acknowledged) becomes
 * one `write` and, with `durability: 'fsync'`, one `fdatasync`; their promises then settle in
 * order. A failed write fails the room: the
 * batch and everything queued behind it reject, and so does every later call, until the room is
 * loaded again (which cuts off whatever part of the batch reached the disk torn).
 */
import { Buffer } from 'node:buffer';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LockstepError } from '../../errors.js';
import { checkRecord, checkSnapshot, recordJson, toJson } from './checks.js';
import { encodeFrame } from './frame.js';
import type { JournalRecord, RoomSnapshot } from './Journal.js';
import { SEGMENT_FORMAT, SNAPSHOT_FILE, SNAPSHOT_FORMAT, TEMP_SUFFIX, segmentName } from './layout.js';
import type { RoomFiles, Segment } from './readRoom.js';
import { syncDir } from './syncDir.js';

/** Counters shared by every room of a journal. */
export interface JournalStats {
  /** Appends accepted. */
  appends: number;
  /** `write` calls on log segments (one per group-committed batch). */
  writes: number;
  /** Bytes written to log segments. */
  bytes: number;
  /** fsync/fdatasync of files (log batches, snapshots, repairs). */
  syncs: number;
  /** fsync of directories (segment and snapshot creation, compaction, repairs). */
  dirSyncs: number;
  /** Snapshots written. */
  snapshots: number;
}

/** Queued work: a record's frame, a snapshot's frame, or a flush barrier. */
type Work =
  | { kind: 'append'; frame: Buffer; version: number }
  | { kind: 'snapshot'; frame: Buffer; version: number }
  | { kind: 'flush' };

type Item = Work & { resolve: () => void; reject: (err: unknown) => void };

/** Writes one room; made by `FileJournal.load` from what {@link readRoom} found. */
export class RoomWriter {
  private readonly queue: Item[] = [];
  private working = false;
  private failure: LockstepError | null = null;
  private head: number;
  private snapshotVersion: number;
  private readonly segments: Segment[];
  /** The segment appended to, or `null`: the next batch starts a new one. */
  private tail: Segment | null;
  private handle: FileHandle | null = null;
  /** Written to the tail but not yet fsynced (`durability: 'write'`). */
  private dirty = false;

  constructor(
    private readonly roomDir: string,
    private readonly room: string,
    private readonly fsync: boolean,
    private readonly stats: JournalStats,
    files: RoomFiles,
  ) {
    this.head = files.head;
    this.snapshotVersion = files.snapshotVersion;
    this.segments = files.segments;
    this.tail = files.segments[files.segments.length - 1] ?? null;
  }

  /** Queues `record` (checked now); resolves once it is written (and fsynced). */
  append(record: JournalRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    checkRecord(this.room, record, this.head + 1);
    const frame = encodeFrame(recordJson(this.room, record));
    this.head = record.version;
    this.stats.appends++;
    return this.enqueue({ kind: 'append', frame, version: record.version });
  }

  /** Queues a snapshot (checked now); resolves once it is durable and the log compacted. */
  snapshot(snap: RoomSnapshot): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    checkSnapshot(this.room, snap, this.snapshotVersion, this.head);
    const json = toJson(this.room, { format: SNAPSHOT_FORMAT, room: this.room, version: snap.version, data: snap.data });
    this.snapshotVersion = snap.version;
    return this.enqueue({ kind: 'snapshot', frame: encodeFrame(json), version: snap.version });
  }

  /** Resolves once everything queued before is on disk. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.enqueue({ kind: 'flush' });
  }

  /** Flushes, then closes the open segment; rejects if the flush failed (the file is closed anyway). */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle?.close();
      this.handle = null;
    }
  }

  private enqueue(work: Work): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...work, resolve, reject });
      if (!this.working) {
        this.working = true;
        setImmediate(() => void this.work());
      }
    });
  }

  /**
   * Runs the next unit of the queue: a run of appends as one batch, or a snapshot or flush on
   * its own. The next unit starts in a later turn of the event loop, after the writers just
   * acknowledged had their turn to append again, so that they join the same batch.
   */
  private async work(): Promise<void> {
    let n = 0;
    while (n < this.queue.length && this.queue[n]!.kind === 'append') n++;
    const items = this.queue.splice(0, Math.max(n, 1));
    try {
      const first = items[0]!;
      if (first.kind === 'append') await this.writeBatch(items as Array<Item & { kind: 'append' }>);
      else if (first.kind === 'snapshot') await this.writeSnapshot(first.frame, first.version);
      else await this.sync();
    } catch (err) {
      this.fail(err, items);
      this.working = false;
      return;
    }
    for (const item of items) item.resolve();
    if (this.queue.length > 0) setImmediate(() => void this.work());
    else this.working = false;
  }

  private async writeBatch(batch: Array<Item & { kind: 'append' }>): Promise<void> {
    const frames = batch.map((item) => item.frame);
    if (this.tail === null) {
      this.tail = await this.createSegment(batch[0]!.version);
      frames.unshift(encodeFrame(JSON.stringify({ format: SEGMENT_FORMAT, room: this.room })));
    }
    this.handle ??= await open(join(this.roomDir, this.tail.name), 'r+');
    const bytes = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, this.tail.size + done);
      done += bytesWritten;
    }
    this.tail.size += bytes.length;
    this.tail.last = batch[batch.length - 1]!.version;
    this.stats.writes++;
    this.stats.bytes += bytes.length;
    this.dirty = true;
    if (this.fsync) await this.sync();
  }

  /** Creates the empty segment for version `start` and makes its directory entry durable. */
  private async createSegment(start: number): Promise<Segment> {
    await this.ensureRoomDir();
    const segment: Segment = { name: segmentName(start), start, last: start - 1, size: 0 };
    this.handle = await open(join(this.roomDir, segment.name), 'w');
    await this.syncDir(this.roomDir);
    this.segments.push(segment);
    return segment;
  }

  /**
   * Makes the log durable, writes the snapshot to a temp file, fsyncs it, renames it over the
   * old one and fsyncs the directory; then closes the tail (the next batch starts a new
   * segment) and deletes the segments wholly at or below the snapshot.
   */
  private async writeSnapshot(frame: Buffer, version: number): Promise<void> {
    await this.sync();
    await this.ensureRoomDir();
    const temp = join(this.roomDir, SNAPSHOT_FILE + TEMP_SUFFIX);
    const handle = await open(temp, 'w');
    try {
      await handle.write(frame, 0, frame.length, 0);
      await handle.sync();
      this.stats.syncs++;
    } finally {
      await handle.close();
    }
    await rename(temp, join(this.roomDir, SNAPSHOT_FILE));
    await this.syncDir(this.roomDir);
    this.stats.snapshots++;

    await this.handle?.close();
    this.handle = null;
    this.tail = null;
    const behind = this.segments.filter((s) => s.last <= version);
    if (behind.length === 0) return;
    for (const segment of behind) {
      await rm(join(this.roomDir, segment.name), { force: true });
      this.segments.splice(this.segments.indexOf(segment), 1);
    }
    await this.syncDir(this.roomDir);
  }

  private async sync(): Promise<void> {
    if (!this.dirty || !this.handle) return;
    await this.handle.datasync();
    this.dirty = false;
    this.stats.syncs++;
  }

  private async syncDir(path: string): Promise<void> {
    await syncDir(path);
    this.stats.dirSyncs++;
  }

  /** Creates the room's directory (and missing parents) and makes their entries durable. */
  private async ensureRoomDir(): Promise<void> {
    const created = await mkdir(this.roomDir, { recursive: true });
    if (created === undefined) return;
    for (let dir = this.roomDir; ; dir = dirname(dir)) {
      await this.syncDir(dirname(dir));
      if (dir === created) break;
    }
  }

  /** Fails the room: `items` and everything queued reject, and so will every later call. */
  private fail(err: unknown, items: Item[]): void {
    const message = err instanceof Error ? err.message : String(err);
    this.failure = new LockstepError(
      'internal',
      `journal write of room ${JSON.stringify(this.room)} failed (${message}); load the room again to continue`,
      { room: this.room, cause: message },
    );
    for (const item of [...items, ...this.queue.splice(0)]) item.reject(this.failure);
  }
}

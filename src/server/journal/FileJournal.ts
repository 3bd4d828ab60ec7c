/// <reference types="node" />
/**
 * FileJournal: the embedded, crash-safe default {@link Journal}. Per room, a directory with an
 * append-only log of checksummed records in segments, and the latest snapshot (layout.ts). Loads
 * cut off a torn or corrupt tail and report it (readRoom.ts); appends are group-committed
 * (RoomWriter.ts); a snapshot starts a new segment and deletes the ones behind it. Rooms are
 * independent: each has its own files, queue and worker.
 */
import { resolve as resolvePath, join } from 'node:path';
import { LockstepError } from '../../errors.js';
import { checkRoom, journalClosed, notLoaded } from './checks.js';
import type { Journal, JournalRecord, LoadedRoom, RoomSnapshot } from './Journal.js';
import { roomDirName } from './layout.js';
import { readRoom } from './readRoom.js';
import { RoomWriter, type JournalStats } from './RoomWriter.js';

export type { JournalStats } from './RoomWriter.js';

/** When an append is acknowledged. */
export type Durability = 'fsync' | 'write';

/** Options of a FileJournal. */
export interface FileJournalOptions {
  /**
   * `'fsync'` (default): an append resolves once its batch is fdatasync'ed, so it survives a
   * power loss. `'write'`: once it is written to the OS, so it survives a crash of the process
   * but not of the machine; `flush`, `close` and snapshots still fsync.
   */
  durability?: Durability;
  /** The {@link Journal.snapshotEvery} hint: versions between snapshots (default 1000). */
  snapshotEvery?: number;
}

/** The file journal: rooms in directories under `dir`, created on their first write. */
export class FileJournal implements Journal {
  /** The absolute directory holding the rooms. */
  readonly dir: string;
  /** When appends are acknowledged. */
  readonly durability: Durability;
  readonly snapshotEvery: number;
  /** Counters of appends, writes and fsyncs, across rooms (read-only for callers). */
  readonly stats: JournalStats = { appends: 0, writes: 0, bytes: 0, syncs: 0, dirSyncs: 0, snapshots: 0 };
  private readonly rooms = new Map<string, RoomWriter>();
  /** The pending load or close of each room: they run one at a time per room. */
  private readonly busy = new Map<string, Promise<unknown>>();
  private closing: Promise<void> | null = null;

  constructor(dir: string, options: FileJournalOptions = {}) {
    const { durability = 'fsync', snapshotEvery = 1000 } = options;
    if (typeof dir !== 'string' || dir === '') {
      throw new LockstepError('invalid_args', 'FileJournal needs the path of its directory');
    }
    if (durability !== 'fsync' && durability !== 'write') {
      throw new LockstepError('invalid_args', `durability must be 'fsync' or 'write', got ${String(durability)}`);
    }
    if (!(snapshotEvery > 0) || (!Number.isSafeInteger(snapshotEvery) && snapshotEvery !== Infinity)) {
      throw new LockstepError('invalid_args', `snapshotEvery must be a positive integer or Infinity, got ${snapshotEvery}`);
    }
    this.dir = resolvePath(dir);
    this.durability = durability;
    this.snapshotEvery = snapshotEvery;
  }

  async load(room: string): Promise<LoadedRoom> {
    this.checkOpen();
    checkRoom(room);
    return this.exclusive(room, async () => {
      await this.release(room).catch(() => undefined); // its appenders already got the error
      const roomDir = join(this.dir, roomDirName(room));
      const files = await readRoom(roomDir, room).catch((err: unknown) => {
        throw err instanceof LockstepError ? err : ioError(room, 'load', err);
      });
      this.stats.syncs += files.syncs;
      this.stats.dirSyncs += files.dirSyncs;
      this.rooms.set(room, new RoomWriter(roomDir, room, this.durability === 'fsync', this.stats, files));
      return files.loaded;
    });
  }

  async append(room: string, record: JournalRecord): Promise<void> {
    return this.writer(room).append(record);
  }

  async snapshot(room: string, snap: RoomSnapshot): Promise<void> {
    return this.writer(room).snapshot(snap);
  }

  async flush(room?: string): Promise<void> {
    this.checkOpen();
    if (room !== undefined) return this.rooms.get(room)?.flush();
    await Promise.all([...this.rooms.values()].map((writer) => writer.flush()));
  }

  async close(room?: string): Promise<void> {
    if (room !== undefined) {
      this.checkOpen();
      return this.exclusive(room, () => this.release(room));
    }
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    await Promise.allSettled(this.busy.values());
    const results = await Promise.allSettled([...this.rooms.keys()].map((room) => this.release(room)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The writer of a loaded room; throws `closed` or `invalid_args` (not loaded). */
  private writer(room: string): RoomWriter {
    this.checkOpen();
    checkRoom(room);
    const writer = this.rooms.get(room);
    if (!writer) throw notLoaded(room);
    return writer;
  }

  /** Flushes and closes the writer of `room`, if it is loaded. */
  private async release(room: string): Promise<void> {
    const writer = this.rooms.get(room);
    if (!writer) return;
    this.rooms.delete(room);
    await writer.close();
  }

  /** Runs `fn` after the room's pending load or close. */
  private exclusive<T>(room: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.busy.get(room) ?? Promise.resolve()).then(fn);
    const settled = run.catch(() => undefined);
    this.busy.set(room, settled);
    void settled.then(() => {
      if (this.busy.get(room) === settled) this.busy.delete(room);
    });
    return run;
  }

  private checkOpen(): void {
    if (this.closing) throw journalClosed();
  }
}

/** An I/O failure as a LockstepError (`internal`) naming the room and what was being done. */
function ioError(room: string, action: string, err: unknown): LockstepError {
  const message = err instanceof Error ? err.message : String(err);
  return new LockstepError('internal', `journal could not ${action} room ${JSON.stringify(room)}: ${message}`, {
    room,
    cause: message,
  });
}

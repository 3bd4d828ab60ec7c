/**
 * MemoryJournal: a {@link Journal} kept in memory, for tests. Everything is "durable" as soon as
 * it is called; promises still settle asynchronously, in call order. Journals that share one
 * {@link MemoryJournalStorage} see the same data, which is how a test "reopens" after `close`.
 * `failNext` makes the next call of an operation fail, to test how a host handles storage errors.
 */
import { LockstepError } from '../../errors.js';
import { checkRecord, checkRoom, checkSnapshot, journalClosed, notLoaded, recordJson, toJson } from './checks.js';
import type { Journal, JournalRecord, LoadedRoom, RoomSnapshot } from './Journal.js';

/** What a MemoryJournal keeps of one room: JSON text, so nothing is shared with callers. */
interface StoredRoom {
  snapshot: string | null;
  snapshotVersion: number;
  records: string[];
  /** Version of the last record, else of the snapshot, else 0. */
  head: number;
}

/** The storage behind MemoryJournals; share one between journals to reopen the same data. */
export class MemoryJournalStorage {
  /** Rooms by id (a Map, so every string is a safe key). */
  readonly rooms = new Map<string, StoredRoom>();
}

/** The operations {@link MemoryJournal.failNext} can make fail. */
export type MemoryJournalOp = 'load' | 'append' | 'snapshot' | 'flush';

/** Options of a MemoryJournal. */
export interface MemoryJournalOptions {
  /** Storage to use (default: a new, empty one). */
  storage?: MemoryJournalStorage;
  /** The {@link Journal.snapshotEvery} hint (default `Infinity`). */
  snapshotEvery?: number;
}

/** An in-memory journal for tests. */
export class MemoryJournal implements Journal {
  /** The storage this journal reads and writes. */
  readonly storage: MemoryJournalStorage;
  readonly snapshotEvery: number;
  /** Loaded rooms, with the error that failed each (sticky until the next load). */
  private readonly loaded = new Map<string, LockstepError | null>();
  private readonly failures = new Map<MemoryJournalOp, LockstepError>();
  private closed = false;

  constructor(options: MemoryJournalOptions = {}) {
    this.storage = options.storage ?? new MemoryJournalStorage();
    this.snapshotEvery = options.snapshotEvery ?? Infinity;
  }

  /**
   * Makes the next call of `op` reject with `error` (default: an `internal` error). A failed
   * `append` or `snapshot` stores nothing and fails its room until it is loaded again, as the
   * {@link Journal} contract says of a real store.
   */
  failNext(op: MemoryJournalOp, error = new LockstepError('internal', `simulated ${op} failure`)): void {
    this.failures.set(op, error);
  }

  load(room: string): Promise<LoadedRoom> {
    return this.run('load', () => {
      checkRoom(room);
      this.loaded.set(room, null);
      const stored = this.storage.rooms.get(room);
      return {
        snapshot: stored?.snapshot ? (JSON.parse(stored.snapshot) as RoomSnapshot) : null,
        records: stored ? stored.records.map((json) => JSON.parse(json) as JournalRecord) : [],
      };
    });
  }

  append(room: string, record: JournalRecord): Promise<void> {
    return this.run('append', () => {
      const stored = this.open(room);
      checkRecord(room, record, stored.head + 1);
      stored.records.push(recordJson(room, record));
      stored.head = record.version;
    }, room);
  }

  snapshot(room: string, snap: RoomSnapshot): Promise<void> {
    return this.run('snapshot', () => {
      const stored = this.open(room);
      checkSnapshot(room, snap, stored.snapshotVersion, stored.head);
      stored.snapshot = toJson(room, { version: snap.version, data: snap.data });
      // records always start right after the latest snapshot
      stored.records.splice(0, snap.version - stored.snapshotVersion);
      stored.snapshotVersion = snap.version;
    }, room);
  }

  flush(): Promise<void> {
    return this.run('flush', () => undefined);
  }

  close(room?: string): Promise<void> {
    if (room === undefined) {
      this.closed = true;
      this.loaded.clear();
      return Promise.resolve();
    }
    return this.run('close', () => {
      this.loaded.delete(room);
    });
  }

  /** The stored room behind a loaded `room`; throws when it is not loaded or has failed. */
  private open(room: string): StoredRoom {
    checkRoom(room);
    const failure = this.loaded.get(room);
    if (failure === undefined) throw notLoaded(room);
    if (failure) throw failure;
    let stored = this.storage.rooms.get(room);
    if (!stored) {
      stored = { snapshot: null, snapshotVersion: 0, records: [], head: 0 };
      this.storage.rooms.set(room, stored);
    }
    return stored;
  }

  /** Runs `fn` now (so calls take effect in order) and settles its result asynchronously. */
  private run<T>(op: MemoryJournalOp | 'close', fn: () => T, room?: string): Promise<T> {
    try {
      if (this.closed) throw journalClosed();
      const failure = op === 'close' ? undefined : this.failures.get(op);
      if (failure) {
        this.failures.delete(op as MemoryJournalOp);
        if (room !== undefined && this.loaded.get(room) === null) this.loaded.set(room, failure);
        throw failure;
      }
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

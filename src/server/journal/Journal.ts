/**
 * The persistence contract of a room host: a per-room, append-only sequence of committed
 * records plus an occasional snapshot. The sync layer appends every committed change and
 * acknowledges it to clients only once `append` resolved; on restart it loads the latest
 * snapshot and replays the records after it. {@link FileJournal} is the embedded default,
 * {@link MemoryJournal} serves tests, and `journalConformance` (conformance.ts) is the suite any
 * other store (SQL, Redis, S3, …) must pass.
 */
import type { Json, Transition } from '../../structures/machine.js';

/** One committed change of a room, as the authority ordered it. */
export interface JournalRecord {
  /** The room version this record produces: the previous record's version + 1. */
  version: number;
  /** Milliseconds since the epoch, stamped by the authority. */
  time: number;
  /** Who submitted it: a client id, or `'server'` for the authority's own changes. */
  origin: string;
  /** The author's sequence number (for exactly-once dedup), absent for server changes. */
  seq?: number;
  /** The effects that were applied. */
  effects: Transition[];
}

/**
 * A snapshot of a room at `version`. `data` is opaque to the journal (the sync layer chooses
 * it: state plus dedup table); it is stored as JSON and returned deep-equal.
 */
export interface RoomSnapshot {
  version: number;
  data: Json;
}

/** What `load` cut off because it was torn or corrupt. */
export interface JournalRepair {
  /** Bytes (or the store's unit of storage) that were dropped. */
  droppedBytes: number;
  /** Where and why: which file, at which offset, what was wrong. */
  reason: string;
}

/** The durable contents of a room. */
export interface LoadedRoom {
  /** The latest snapshot, or `null` when none was ever written. */
  snapshot: RoomSnapshot | null;
  /** Every record after the snapshot, ascending and contiguous from `snapshot.version + 1` (or 1). */
  records: JournalRecord[];
  /** Present when a torn or corrupt tail was cut off; everything before it was kept. */
  repaired?: JournalRepair;
}

/**
 * A store of rooms' records and snapshots. A correct implementation guarantees:
 *
 * - **Room ids are opaque.** Any JavaScript string is a room id (`''`, `'../x'`, `'a/b'`,
 *   `'__proto__'`, lone surrogates, 10,000 characters); distinct strings are distinct rooms
 *   whose data never mixes, and an id never reaches a file system path, object key or query
 *   unescaped.
 * - **Load first.** A room is opened by `load`, which returns its durable contents. `append` and
 *   `snapshot` on a room that is not loaded reject with `invalid_args`. Loading a room that is
 *   already loaded first flushes it and returns what is then durable.
 * - **Contiguous versions.** A room's *head* is the version of the last record appended (resolved
 *   or not), else of its latest snapshot, else 0. `append` accepts only `head + 1` and rejects any
 *   other version with `conflict`, storing nothing. `snapshot` accepts only a version between the
 *   latest snapshot's and the head (inclusive), else rejects with `conflict`.
 * - **Order.** Records are stored in the order `append` was called and its promises settle in
 *   that order; `snapshot`, `flush` and `close` take effect after every append called before them.
 * - **Acknowledged means durable.** Once `append` resolved, the record survives a crash of the
 *   process (and, where the store offers it, of the machine). After any crash, `load` returns a
 *   prefix of the appended sequence that contains every acknowledged record.
 * - **Failures are sticky.** When storing fails, that append rejects (`internal`), and so do all
 *   later appends and snapshots of the room until it is loaded again. A rejected record may or
 *   may not be present after that load, but never without every record before it.
 * - **Snapshots compact.** After `snapshot` resolved, `load` returns that snapshot (or a later
 *   one) and only the records after it; the store may discard the records at or below it.
 * - **Closed means closed.** After `close()` every call rejects with `closed`, except `close()`
 *   itself, which is idempotent. Everything resolved before survives into the next journal
 *   opened over the same storage.
 */
export interface Journal {
  /**
   * How many versions a room should grow past its latest snapshot before the host writes a new
   * one (`Infinity`: never). A hint: the journal cannot build snapshots, the host can.
   */
  readonly snapshotEvery: number;
  /** Opens `room` and returns its durable contents, repairing a torn or corrupt tail. */
  load(room: string): Promise<LoadedRoom>;
  /** Appends `record` (version `head + 1`); resolves once it is durable per the store's setting. */
  append(room: string, record: JournalRecord): Promise<void>;
  /** Stores `snap` durably; then the store may drop the room's records at or below its version. */
  snapshot(room: string, snap: RoomSnapshot): Promise<void>;
  /** Resolves when everything appended before the call (to `room`, or to every room) is on disk. */
  flush(room?: string): Promise<void>;
  /** With `room`: flushes and releases it (load it again to use it). Without: closes the journal. */
  close(room?: string): Promise<void>;
}

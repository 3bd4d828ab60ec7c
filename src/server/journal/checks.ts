/**
 * The argument checks every journal makes the same way, so that all of them refuse the same
 * calls with the same codes (see the contract on {@link Journal}).
 */
import { LockstepError } from '../../errors.js';
import type { JournalRecord, RoomSnapshot } from './Journal.js';

/** Throws `invalid_args` unless `room` is a string (any string is a valid room id). */
export function checkRoom(room: unknown): asserts room is string {
  if (typeof room !== 'string') {
    throw new LockstepError('invalid_args', `a room id must be a string, got ${typeof room}`);
  }
}

/** Throws `invalid_args` for a malformed record, `conflict` unless its version is `expected`. */
export function checkRecord(room: string, record: JournalRecord, expected: number): void {
  if (
    record === null ||
    typeof record !== 'object' ||
    !Number.isSafeInteger(record.version) ||
    !Number.isFinite(record.time) ||
    typeof record.origin !== 'string' ||
    (record.seq !== undefined && !Number.isFinite(record.seq)) ||
    !Array.isArray(record.effects)
  ) {
    throw new LockstepError(
      'invalid_args',
      'a journal record needs an integer version, a finite time, a string origin, an optional finite seq and an effects array',
      { room },
    );
  }
  if (record.version !== expected) {
    throw new LockstepError(
      'conflict',
      `journal of room ${JSON.stringify(room)} expects version ${expected}, got ${record.version}: versions must be contiguous`,
      { room, expected, got: record.version },
    );
  }
}

/** Throws `invalid_args` for a malformed snapshot, `conflict` unless `from <= version <= to`. */
export function checkSnapshot(room: string, snap: RoomSnapshot, from: number, to: number): void {
  if (
    snap === null ||
    typeof snap !== 'object' ||
    !Number.isSafeInteger(snap.version) ||
    ['undefined', 'function', 'symbol'].includes(typeof snap.data)
  ) {
    throw new LockstepError('invalid_args', 'a room snapshot needs an integer version and JSON data', { room });
  }
  if (snap.version < from || snap.version > to) {
    throw new LockstepError(
      'conflict',
      `a snapshot of room ${JSON.stringify(room)} must have a version from ${from} (latest snapshot) to ${to} (head), got ${snap.version}`,
      { room, from, to, got: snap.version },
    );
  }
}

/** The error of a call on a room that was not loaded. */
export function notLoaded(room: string): LockstepError {
  return new LockstepError('invalid_args', `room ${JSON.stringify(room)} is not loaded: call load(room) first`, {
    room,
  });
}

/** The error of a call on a closed journal. */
export function journalClosed(): LockstepError {
  return new LockstepError('closed', 'the journal is closed');
}

/**
 * The record as stored: only its own fields, `seq` only when present, serialized to JSON.
 * Throws `invalid_args` when the effects are not JSON.
 */
export function recordJson(room: string, record: JournalRecord): string {
  const { version, time, origin, seq, effects } = record;
  return toJson(room, seq === undefined ? { version, time, origin, effects } : { version, time, origin, seq, effects });
}

/** `JSON.stringify`, throwing `invalid_args` (not a TypeError) for what JSON cannot hold. */
export function toJson(room: string, value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new LockstepError('invalid_args', `cannot store a value of room ${JSON.stringify(room)} as JSON: ${String(err)}`, {
      room,
    });
  }
}

/// <reference types="node" />
/**
 * The on-disk layout of the file journal. Each room lives in its own directory under the
 * journal's directory:
 *
 * ```
 * <dir>/<roomDirName(room)>/
 *   snapshot                   latest snapshot: one frame {format, room, version, data}
 *   0000000000000001.log       a log segment, named after its first record's version:
 *   0000000000000421.log         a header frame {format, room}, then one frame per record
 *   snapshot.tmp               a snapshot being written (removed on load)
 * ```
 *
 * Frames are described in frame.ts. Segments hold contiguous versions, each segment starting
 * where the one before it ended. Writing a snapshot starts a new segment and deletes the
 * segments whose records are all at or below the snapshot's version.
 */
import { createHash } from 'node:crypto';

/** Format tag of a segment's header frame. */
export const SEGMENT_FORMAT = 'lockstep-journal-segment/1';
/** Format tag of a snapshot file. */
export const SNAPSHOT_FORMAT = 'lockstep-journal-snapshot/1';
/** File name of a room's snapshot. */
export const SNAPSHOT_FILE = 'snapshot';
/** Suffix of files being written (incomplete until renamed). */
export const TEMP_SUFFIX = '.tmp';

const SEGMENT_NAME = /^(\d{16})\.log$/;

/**
 * The directory name of `room`: a readable, lower-cased, sanitized prefix (`[a-z0-9_-]`, at most
 * 32 characters) and 128 bits of the SHA-256 of the id's UTF-16 code units. It never contains a
 * path separator or starts with a dot, stays short whatever the id's length, is distinct for
 * distinct ids (hashing UTF-16 keeps lone surrogates apart, which UTF-8 would merge) and for ids
 * that differ only in case (case-insensitive file systems).
 */
export function roomDirName(room: string): string {
  const readable = room
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, 32);
  const hash = createHash('sha256').update(room, 'utf16le').digest('hex').slice(0, 32);
  return `${readable || '_'}-${hash}`;
}

/** The file name of the segment whose first record has version `start`. */
export function segmentName(start: number): string {
  return `${String(start).padStart(16, '0')}.log`;
}

/** The first version of a segment file, or `undefined` when `name` is not a segment. */
export function segmentStart(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

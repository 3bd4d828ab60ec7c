/**
 * Starting a sync room: load its journal (the latest snapshot, then the records after it
 * replayed onto that state, a torn tail reported), or — for a room never written — run the
 * room type's `init`. The result is the state, version and dedup table the SyncServer restores,
 * so a client that resumes after a restart has its resent changes applied exactly once.
 */
import { LockstepError } from '../../errors.js';
import type { Json, Transition } from '../../structures/machine.js';
import { Doc } from '../../sync/Doc.js';
import type { SyncServerOptions } from '../../sync/SyncServer.js';
import type { LoadedRoom } from '../journal/Journal.js';
import { SyncRoom, type SyncRoomSettings, type SyncRoomSnapshot } from './SyncRoom.js';

/** How a new room starts: transitions applied (and journaled) as version 1, or a snapshot of the root. */
export type RoomInit = Transition[] | { snapshot: Json };

/** Loads (or initializes) a sync room. */
export async function openSyncRoom<T extends object>(
  Root: new () => T,
  init: ((roomId: string) => RoomInit | Promise<RoomInit>) | undefined,
  settings: SyncRoomSettings,
): Promise<SyncRoom<T>> {
  const { room, journal, logger } = settings;
  const key = `${room.type}/${room.id}`;
  const loaded = await journal.load(key);
  if (loaded.repaired) logger.log('warn', 'journal.repaired', { room: key, ...loaded.repaired });
  let restore = replay(Root, key, loaded);
  const start = !restore && init ? await init(room.id) : undefined;
  if (start && !Array.isArray(start)) {
    Doc.load(Root, start.snapshot); // throws invalid_snapshot before anything is stored
    const data: SyncRoomSnapshot = { state: start.snapshot, lastSeqs: {} };
    await journal.snapshot(key, { version: 0, data: data as unknown as Json });
    restore = { version: 0, snapshot: start.snapshot, lastSeqs: {} };
  }
  const syncRoom = new SyncRoom(Root, settings, restore);
  if (Array.isArray(start) && start.length) await syncRoom.apply(start);
  return syncRoom;
}

/** The journal's contents as a SyncServer `restore`, or undefined for a room never written. */
function replay<T extends object>(Root: new () => T, key: string, loaded: LoadedRoom): SyncServerOptions['restore'] {
  const { snapshot, records } = loaded;
  if (!snapshot && !records.length) return undefined;
  const data = snapshot?.data as Partial<SyncRoomSnapshot> | undefined;
  if (snapshot && (typeof data !== 'object' || data === null || !('state' in data) || typeof data.lastSeqs !== 'object' || data.lastSeqs === null)) {
    throw new LockstepError('invalid_snapshot', `the journal's snapshot of room ${key} is not a sync room snapshot { state, lastSeqs }`);
  }
  const doc = data ? Doc.load(Root, data.state) : new Doc(Root);
  const lastSeqs = new Map(Object.entries(data?.lastSeqs ?? {}));
  for (const r of records) {
    doc.applyAll(r.effects, { validate: false, clientId: r.origin, version: r.version, time: r.time });
    if (r.seq !== undefined) lastSeqs.set(r.origin, Math.max(lastSeqs.get(r.origin) ?? 0, r.seq));
  }
  const version = records.length ? (records[records.length - 1]?.version as number) : (snapshot?.version as number);
  const history = records.map((r) => ({ version: r.version, effects: r.effects, origin: r.origin, ...(r.seq === undefined ? {} : { seq: r.seq }) }));
  return { version, snapshot: doc.snapshot(), lastSeqs: Object.fromEntries(lastSeqs), history };
}

/**
 * RoomHost: the rooms of one server process, by `type/id`. A room starts when something first
 * needs it (a connection, an HTTP request), making its service — for a sync room that loads its
 * journal — and unloads after its idle grace. A room that is unloading finishes first; whoever
 * wants it then gets a freshly loaded one. At most `maxRooms` rooms are loaded at once: to start
 * another, the host unloads an idle one, or refuses with `server_full` when none is idle.
 */
import { LockstepError } from '../errors.js';
import { errorText } from './logger.js';
import { Room, type RoomSettings } from './Room.js';
import type { RoomRef, ServiceSpec } from './RoomService.js';

/** A loaded room as listed by {@link RoomHost.list}. */
export interface RoomInfo {
  type: string;
  id: string;
  connections: number;
}

interface Slot {
  readonly room: Room;
  readonly ready: Promise<void>;
  loaded: boolean;
  unloading: Promise<void> | null;
}

/** How many times `acquire` waits for an unloading room before giving up. */
const MAX_WAITS = 8;

/** The rooms of a server. */
export class RoomHost {
  private readonly slots = new Map<string, Slot>();
  private closed = false;

  constructor(
    private readonly specs: ReadonlyMap<string, ServiceSpec>,
    private readonly settings: Omit<RoomSettings, 'onIdle'>,
    /** Rooms loaded at once, at most. */
    private readonly maxRooms = Infinity,
  ) {}

  /** Loaded rooms (loading ones included). */
  get size(): number {
    return this.slots.size;
  }

  /** Connections across rooms. */
  get connections(): number {
    let n = 0;
    for (const s of this.slots.values()) n += s.room.connections;
    return n;
  }

  /** The loaded rooms. */
  list(): RoomInfo[] {
    return [...this.slots.values()].map(({ room }) => ({ ...room.ref, connections: room.connections }));
  }

  /** The room, loaded and retained (call `room.release()` when done); `closed` during shutdown. */
  async acquire(ref: RoomRef): Promise<Room> {
    const spec = this.specs.get(ref.type);
    if (!spec) throw new LockstepError('not_found', `no room type ${JSON.stringify(ref.type)}`);
    const key = `${ref.type}/${ref.id}`;
    for (let i = 0; i < MAX_WAITS; i++) {
      if (this.closed) break;
      let slot = this.slots.get(key);
      if (!slot) {
        if (this.slots.size >= this.maxRooms) {
          await this.makeRoom();
          continue;
        }
        slot = this.start(key, ref, spec);
      }
      if (slot.unloading) {
        await slot.unloading;
        continue;
      }
      await slot.ready;
      if (slot.unloading || this.slots.get(key) !== slot) continue;
      slot.room.retain();
      return slot.room;
    }
    throw new LockstepError('closed', this.closed ? 'the server is shutting down' : `room ${key} is busy unloading; retry`);
  }

  /** Waits for a room to unload (an idle one, unloaded now), or refuses with `server_full`. */
  private async makeRoom(): Promise<void> {
    let unloading: Slot | undefined;
    for (const slot of this.slots.values()) {
      if (slot.unloading) unloading ??= slot;
      else if (slot.loaded && slot.room.idle) return this.unload(slot); // the idle room loaded first
    }
    if (!unloading) {
      this.settings.metrics.capacityRefusals++;
      throw new LockstepError('server_full', `the server has its maximum of ${this.maxRooms} rooms in use; retry later`);
    }
    await unloading.unloading;
  }

  /** Unloads every room (their services make everything durable) and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.slots.values()].map((slot) => this.unload(slot)));
  }

  /** Unloads a room now, e.g. after its storage failed (the next user loads it afresh). */
  unloadRoom(ref: RoomRef): Promise<void> {
    const slot = this.slots.get(`${ref.type}/${ref.id}`);
    return slot ? this.unload(slot) : Promise.resolve();
  }

  private start(key: string, ref: RoomRef, spec: ServiceSpec): Slot {
    const room = new Room(ref, {
      ...this.settings,
      onIdle: (r) => {
        if (this.slots.get(key)?.room === r) void this.unload(this.slots.get(key) as Slot);
      },
    });
    const ready = (async () => {
      room.service = await spec.service(ref, room.ctx);
    })();
    const slot: Slot = { room, ready, loaded: false, unloading: null };
    this.slots.set(key, slot);
    ready.then(
      () => {
        slot.loaded = true;
        this.settings.metrics.roomsLoaded++;
        this.settings.logger.log('info', 'room.loaded', { room: key });
      },
      (err: unknown) => {
        if (this.slots.get(key) === slot) this.slots.delete(key);
        this.settings.logger.log('error', 'room.load_failed', { room: key, error: errorText(err) });
      },
    );
    return slot;
  }

  private unload(slot: Slot): Promise<void> {
    slot.unloading ??= (async () => {
      const key = slot.room.key;
      try {
        await slot.ready;
      } catch {
        return; // it never loaded; already forgotten
      }
      await slot.room.close();
      if (this.slots.get(key) === slot) this.slots.delete(key);
      this.settings.metrics.roomsUnloaded++;
      this.settings.logger.log('info', 'room.unloaded', { room: key });
    })();
    return slot.unloading;
  }
}

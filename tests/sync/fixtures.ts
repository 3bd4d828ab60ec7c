// Shared fixtures for the sync tests: a room that uses every primitive, and a network setup.
import * as L from '../../src/index.js';

@L.stateMachine()
export class Item {
  @L.field() title = new L.Atom('');
  @L.field() done = new L.Atom(false);
  @L.field() notes = new L.Text();
}

@L.stateMachine()
export class Room {
  @L.field() text = new L.Text();
  @L.field() count = new L.Counter({ min: 0, max: 40 });
  @L.field() atom = new L.Atom<L.Json>(null);
  @L.field() list = new L.List<number>();
  @L.field() items = L.List.of(Item);
  @L.field() map = new L.Map<number>();
  @L.field() tree = new L.Tree<string>();
  @L.field() seats = new L.Map<string>();
  @L.field() ticks = new L.Counter();

  /** Completes an item once; a second completion conflicts. */
  @L.transition({ args: [{ type: 'string' }] })
  complete(id: string) {
    const item = this.items.get(id);
    if (!item) throw new L.Conflict('not_found', `no item ${id}`);
    if (item.done.value) throw new L.Conflict('conflict', `item ${id} is already done`);
    item.done.set(true);
    this.count.add(1);
  }

  /** Moves a number from `list` into `map` atomically. */
  @L.transition({ args: [{ type: 'string' }] })
  take(id: string) {
    const v = this.list.get(id);
    if (v === undefined) throw new L.Conflict('not_found', `no number ${id}`);
    this.list.delete(id);
    this.map.set(id, v);
  }

  /** Appends '!' to the text and a random number to the list: Text and an id in one call. */
  @L.transition()
  shout() {
    this.text.insert(this.text.length, '!');
    this.list.push(Math.floor(L.context().random() * 1000));
  }

  @L.transition({ args: [{ type: 'string' }] })
  onJoin(clientId: string) {
    this.seats.set(clientId, 'seated');
  }

  @L.transition({ args: [{ type: 'string' }] })
  onLeave(clientId: string) {
    this.seats.delete(clientId);
  }

  @L.transition()
  tick() {
    this.ticks.add(1);
  }

  nextTimer() {
    return this.ticks.value < 3 ? { at: (this.ticks.value + 1) * 10_000, call: 'tick' } : null;
  }
}

export interface Setup {
  net: L.MemoryNetwork;
  server: L.SyncServer<Room>;
  clients: L.SyncClient<Room>[];
  transports: L.Transport[];
}

/** Options of {@link setup}. */
export interface SetupOptions {
  seed?: number;
  latency?: number | [number, number];
  resumeGrace?: number;
  dropConnectionRate?: number;
  persist?: (c: L.Committed) => void;
  undoLimit?: number;
}

/** A server and `n` clients on a seeded memory network. */
export function setup(n: number, options: SetupOptions = {}): Setup {
  const net = L.createMemoryNetwork({
    seed: options.seed ?? 1,
    latency: options.latency ?? 0,
    dropConnectionRate: options.dropConnectionRate ?? 0,
  });
  const server = new L.SyncServer(Room, {
    clock: net.clock,
    resumeGrace: options.resumeGrace ?? 1e12,
    seed: options.seed ?? 1,
    persist: options.persist,
  });
  net.listen((t) => void server.accept(t));
  const transports: L.Transport[] = [];
  const clients: L.SyncClient<Room>[] = [];
  for (let i = 0; i < n; i++) {
    const t = net.connect();
    transports.push(t);
    clients.push(new L.SyncClient(Room, t, { clock: net.clock, undoLimit: options.undoLimit }));
  }
  return { net, server, clients, transports };
}

/** Runs the network until quiet (timers included, so far-off ones fire). */
export function settle(s: Setup): void {
  s.net.runUntilQuiet();
}

/** {@link setup}, settled: every client welcomed and live. */
export function live(n: number, options: SetupOptions = {}): Setup {
  const s = setup(n, options);
  settle(s);
  return s;
}

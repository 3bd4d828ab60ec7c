// Capacity limits: rooms per process (an idle room makes way, else 503 `server_full`),
// connections per process, and the bounds on what a room remembers — its history (in bytes)
// and its dedup table (in clients) — so floods of big changes or of new sessions cannot pin
// memory.
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { Room } from '../sync/fixtures.js';
import { RawPeer, ReferenceJournal, until } from './helpers.js';

jest.setTimeout(30_000);

/** The HTTP status and error code of a refused WebSocket upgrade. */
function refusal(url: string): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['lockstep.v1.json']);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, code: (JSON.parse(body) as { error: { code: string } }).error.code });
        ws.terminate();
      });
    });
    ws.on('open', () => {
      ws.close();
      reject(new Error(`${url} opened`));
    });
    ws.on('error', () => undefined);
  });
}

describe('per process', () => {
  it('loads at most maxRooms rooms: an idle one is unloaded to make way, else server_full (503)', async () => {
    const journal = new ReferenceJournal(Room);
    const server = createServer({ rooms: { room: Room }, journal, maxRooms: 2, idleGrace: 60_000, logger: { log: () => undefined } });
    const { port } = await server.listen(0, '127.0.0.1');
    const url = (id: string) => `ws://127.0.0.1:${port}/rooms/room/${id}`;
    const one = L.connect(Room, url('one'), { WebSocket });
    const two = L.connect(Room, url('two'), { WebSocket });
    let three: L.SyncClient<Room> | undefined;
    try {
      await until(() => one.status === 'live' && two.status === 'live');
      one.state.list.push(1);
      await one.whenSynced();
      expect(await refusal(url('three'))).toEqual({ status: 503, code: 'server_full' });
      const view = await fetch(`http://127.0.0.1:${port}/rooms/room/three`);
      expect([view.status, ((await view.json()) as { error: { code: string } }).error.code]).toEqual([503, 'server_full']);
      expect(server.metrics.capacityRefusals).toBe(2);
      one.close(); // room one is idle now (loaded for another minute unless space is needed)
      await until(() => server.rooms.list().find((r) => r.id === 'one')?.connections === 0);
      three = L.connect(Room, url('three'), { WebSocket });
      await until(() => three?.status === 'live');
      expect(server.rooms.list().map((r) => r.id).sort()).toEqual(['three', 'two']);
      // Room one was unloaded properly: its data is all there when it comes back (after two leaves).
      two.close();
      await until(() => server.rooms.list().find((r) => r.id === 'two')?.connections === 0);
      const again = await fetch(`http://127.0.0.1:${port}/rooms/room/one`);
      expect(((await again.json()) as { list: number[] }).list).toEqual([1]);
      expect(journal.problems).toEqual([]);
    } finally {
      one.close();
      two.close();
      three?.close();
      await server.close();
    }
  });

  it('accepts at most maxConnections WebSockets (503 server_full before the upgrade)', async () => {
    const server = createServer({ rooms: { room: Room }, maxConnections: 3, logger: { log: () => undefined } });
    const { port } = await server.listen(0, '127.0.0.1');
    const url = `ws://127.0.0.1:${port}/rooms/room/r`;
    try {
      const peers = [0, 1, 2].map(() => new RawPeer(url, 'lockstep.v1.json'));
      expect(await Promise.all(peers.map((p) => p.opened))).toEqual([true, true, true]);
      expect(await refusal(url)).toEqual({ status: 503, code: 'server_full' });
      peers[0]?.ws.close();
      await peers[0]?.closed;
      await until(() => server.rooms.list()[0]?.connections === 2);
      const late = new RawPeer(url, 'lockstep.v1.json');
      expect(await late.opened).toBe(true);
      for (const p of [...peers, late]) p.ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('per room (SyncServer, simulated network)', () => {
  function room(limits: Partial<L.SyncLimits>) {
    const net = L.createMemoryNetwork({ seed: 5, latency: 1 });
    const server = new L.SyncServer(Room, { clock: net.clock, limits, resumeGrace: 100 });
    net.listen((t) => void server.accept(t));
    return { net, server };
  }

  it('keeps at most historyBytes of history: a client too far behind gets a snapshot', () => {
    const { net, server } = room({ historyBytes: 30_000 });
    const a = new L.SyncClient(Room, net.connect(), { clock: net.clock });
    net.advance(20);
    for (let i = 0; i < 10; i++) server.dispatch([{ path: ['atom'], op: { type: 'atom/set', value: `${i}`.repeat(10_000) } }]);
    net.advance(20);
    const welcomes: Array<Record<string, unknown>> = [];
    const probe = (version: number) => {
      const t = net.connect();
      t.listen({ message: (f) => welcomes.push(JSON.parse(f as string)), state: () => undefined });
      net.advance(5);
      t.send(JSON.stringify({ type: 'hello', v: 1, resume: { clientId: a.clientId, token: (a as unknown as { token: string }).token, version } }));
      net.advance(20);
      t.close();
    };
    const v = server.version;
    probe(v - 10); // ten big commits back: more than 30 KB, not kept
    probe(v - 1); // one back: kept
    expect(welcomes[0]).toHaveProperty('snapshot');
    expect(welcomes[0]).not.toHaveProperty('missed');
    expect((welcomes[1]?.missed as unknown[]).length).toBe(1);
  });

  it('forgets the least recently active clients past dedupEntries, never a connected one', () => {
    const { net, server } = room({ dedupEntries: 5 });
    const stay = new L.SyncClient(Room, net.connect(), { clock: net.clock });
    net.advance(20);
    stay.state.list.push(0);
    net.advance(20);
    for (let i = 0; i < 40; i++) {
      const t = net.connect();
      const c = new L.SyncClient(Room, t, { clock: net.clock });
      net.advance(10);
      c.state.list.push(i);
      net.advance(10);
      c.close();
      net.advance(200); // its session expires
    }
    const table = server.dedupTable();
    expect(Object.keys(table).length).toBeLessThanOrEqual(5);
    expect(table).toHaveProperty([stay.clientId as string]);
    expect(server.doc.state.list.length).toBe(41);
  });
});

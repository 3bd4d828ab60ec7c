// Isolation: a client of one room never receives anything of another — no change, no presence,
// no client id — even between rooms of the same id and different types, with both codecs,
// edits from clients and from the backend (POST), and presence.
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { Room } from '../sync/fixtures.js';
import { RawPeer, until, type Msg } from './helpers.js';

jest.setTimeout(30_000);

const ROOMS = ['room/i0', 'room/i1', 'other/i0', 'other/i2'];
const MARKER = /(?:room|other)\/i\d#/g;

it('sends each client only what belongs to its own room', async () => {
  const server = createServer({ rooms: { room: Room, other: Room }, logger: { log: () => undefined } });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = (key: string) => `ws://127.0.0.1:${port}/rooms/${key}`;
  const rooms = ROOMS.map((key, i) => ({
    key,
    clients: [L.connect(Room, url(key), { WebSocket }), L.connect(Room, url(key), { WebSocket, codec: L.jsonCodec })],
    recorder: new RawPeer(url(key), i % 2 ? 'lockstep.v1.bin' : 'lockstep.v1.json'),
  }));
  try {
    await until(() => rooms.every((r) => r.clients.every((c) => c.status === 'live')), 5000, 'clients live');
    await Promise.all(rooms.map((r) => r.recorder.hello()));
    for (let n = 0; n < 10; n++) {
      for (const r of rooms) {
        for (const c of r.clients) {
          const mark = `${r.key}#${n}`;
          c.state.map.set(mark, n);
          c.state.text.insert(0, mark);
          c.state.seats.set(mark, mark);
          c.presence.set({ at: mark });
        }
      }
    }
    for (const r of rooms) {
      const res = await fetch(`http://127.0.0.1:${port}/rooms/${r.key}/transitions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: ['atom'], op: { type: 'atom/set', value: `${r.key}#backend` } }),
      });
      expect(res.status).toBe(200);
    }
    await Promise.all(rooms.flatMap((r) => r.clients.map((c) => c.whenSynced())));
    for (const r of rooms) {
      const [a, b] = r.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
      await until(() => a.version === b.version && (a.doc.toJSON() as { atom: unknown }).atom === `${r.key}#backend`, 5000, `${r.key} quiet`);
      await until(() => r.recorder.messages.some((m) => m.type === 'apply' && m.version === a.version), 5000, `${r.key} recorder caught up`);
    }

    for (const r of rooms) {
      const ids = new Set(['server', ...r.clients.map((c) => c.clientId as string)]);
      const welcome = r.recorder.messages.find((m) => m.type === 'welcome') as Msg;
      ids.add(welcome.clientId as string);
      const seen = new Set<string>();
      for (const m of r.recorder.messages) {
        for (const mark of JSON.stringify(m).match(MARKER) ?? []) seen.add(mark);
        if (m.type === 'apply') expect(ids).toContain(m.origin);
        if (m.type === 'presence') expect(ids).toContain(m.clientId);
      }
      expect([...seen]).toEqual([`${r.key}#`]); // plenty of its own room's traffic, none of another's
      for (const c of r.clients) {
        const text = JSON.stringify(c.doc.toJSON());
        expect(new Set(text.match(MARKER))).toEqual(new Set([`${r.key}#`]));
        for (const peer of c.presence.peers().keys()) expect(ids).toContain(peer);
      }
      const view = await (await fetch(`http://127.0.0.1:${port}/rooms/${r.key}`)).text();
      expect(new Set(view.match(MARKER))).toEqual(new Set([`${r.key}#`]));
      expect(r.recorder.undecodable).toBe(0);
    }
  } finally {
    for (const r of rooms) {
      for (const c of r.clients) c.close();
      r.recorder.ws.close();
    }
    await server.close();
  }
});

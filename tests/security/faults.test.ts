// Faults on the wire: connections cut in the middle of a frame (or of the handshake) change
// nothing and leave nothing behind; peers that vanish without a close are dropped by the
// heartbeat, their presence and sessions go; a client whose connection went silent resumes by
// itself with its changes applied exactly once. (A server killed with SIGKILL mid-burst:
// tests/server/crash.test.ts.)
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { createServer, type ServerOptions, type SyncRoom } from '../../src/server/index.js';
import { Room } from '../sync/fixtures.js';
import { maskedFrame, rawSocket, ReferenceJournal, sleep, until } from './helpers.js';

jest.setTimeout(30_000);

async function start(options: Partial<ServerOptions> = {}) {
  const journal = new ReferenceJournal(Room);
  const errors: string[] = [];
  const server = createServer({
    rooms: { room: Room },
    journal,
    resumeGrace: 100,
    logger: { log: (level, event, fields) => void (level === 'error' && errors.push(`${event} ${JSON.stringify(fields)}`)) },
    ...options,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const sync = (id: string) => server.rooms.use('room', id, (s) => (s as SyncRoom<Room>).server);
  return { server, port, journal, errors, sync, url: (id: string) => `ws://127.0.0.1:${port}/rooms/room/${id}` };
}

const json = (msg: object) => Buffer.from(JSON.stringify(msg));
const sessions = (s: unknown) => (s as { sessions: Map<string, unknown> }).sessions.size;

it('cuts in the middle of a frame or of the handshake change nothing and leave nothing behind', async () => {
  const { server, port, journal, errors, sync, url } = await start();
  const good = L.connect(Room, url('cut'), { WebSocket });
  try {
    await until(() => good.status === 'live');
    const set = (key: string, seq: number) => json({ type: 'submit', seq, base: 0, transitions: [{ path: ['map'], op: { type: 'map/set', key, value: seq } }] });
    const keys = async () => Object.keys(((await sync('cut')).doc.toJSON() as { map: object }).map);
    for (let i = 0; i < 60; i++) {
      const whole = maskedFrame(1, set(`torn${i}`, 2));
      const cut = [1, 2, 5, whole.length - 1, Math.floor(whole.length / 2)][i % 5] as number;
      if (i % 6 === 5) {
        // cut during the HTTP upgrade itself
        const { connect } = await import('node:net');
        const s = connect(port, '127.0.0.1');
        s.on('error', () => undefined);
        s.write('GET /rooms/room/cut HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Up');
        await sleep(1);
        s.destroy();
        continue;
      }
      const socket: Socket = await rawSocket(port, '/rooms/room/cut');
      socket.write(maskedFrame(1, json({ type: 'hello', v: 1 })));
      socket.write(maskedFrame(1, set(`whole${i}`, 1))); // a whole frame: applied (once)
      await until(async () => (await keys()).includes(`whole${i}`), 5000, `whole${i} applied`);
      socket.write(whole.subarray(0, cut)); // a torn one: never applied
      await sleep(2);
      socket.destroy();
    }
    // Every whole submit was applied once; no torn one was.
    await sleep(50);
    expect((await keys()).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `whole${i}`).filter((_, i) => i % 6 !== 5).sort());
    await until(async () => (await sync('cut')).connectionCount === 1, 5000, 'torn connections gone');
    await until(async () => sessions(await sync('cut')) === 1, 5000, 'their sessions expired');
    good.state.list.push(1);
    await good.whenSynced();
    await until(async () => good.version === (await sync('cut')).version);
    expect(good.doc.snapshot()).toEqual((await sync('cut')).doc.snapshot());
    expect(journal.rooms.get('room/cut')?.doc.snapshot()).toEqual((await sync('cut')).doc.snapshot());
    expect(journal.problems).toEqual([]);
    expect(errors).toEqual([]);
    expect(server.rooms.list()).toEqual([{ type: 'room', id: 'cut', connections: 1 }]);
  } finally {
    good.close();
    await server.close();
  }
});

it('drops peers that vanish without a close: heartbeat, then their presence and sessions go', async () => {
  const { server, port, sync, url } = await start({ heartbeatInterval: 50 });
  const good = L.connect(Room, url('gone'), { WebSocket });
  try {
    await until(() => good.status === 'live');
    const peers = new Set<string>();
    good.on('presence', ({ clientId, data }) => (data === null ? peers.delete(clientId) : peers.add(clientId)));
    const sockets: Socket[] = [];
    for (let i = 0; i < 10; i++) {
      const socket = await rawSocket(port, '/rooms/room/gone');
      socket.write(maskedFrame(1, json({ type: 'hello', v: 1 })));
      socket.write(maskedFrame(1, json({ type: 'presence', data: { cursor: i } })));
      sockets.push(socket); // and from now on it says nothing, reads nothing, answers no ping
    }
    await until(() => peers.size === 10, 5000, 'their presence arrived');
    await until(() => server.metrics.heartbeatDrops === 10, 5000, 'heartbeat drops');
    await until(() => peers.size === 0, 5000, 'their presence cleared');
    await until(async () => (await sync('gone')).connectionCount === 1 && sessions(await sync('gone')) === 1, 5000, 'sessions expired');
    expect(good.status).toBe('live');
    for (const s of sockets) s.destroy();
  } finally {
    good.close();
    await server.close();
  }
});

it('a client whose connection went silent is dropped, comes back by itself and loses nothing', async () => {
  const { server, sync, url } = await start({ heartbeatInterval: 50, resumeGrace: 30_000 });
  const quiet = L.connect(Room, url('back'), { WebSocket, minDelay: 20, maxDelay: 100 });
  const other = L.connect(Room, url('back'), { WebSocket });
  try {
    await until(() => quiet.status === 'live' && other.status === 'live');
    const id = quiet.clientId;
    quiet.state.list.push(1);
    await quiet.whenSynced();
    // The network path goes dead: the client's socket stops reading (so it answers no ping).
    const socket = (quiet as unknown as { transport: { socket: { _socket: Socket } } }).transport.socket._socket;
    socket.pause();
    quiet.state.list.push(2); // made while the server cannot hear it
    other.state.list.push(3);
    await until(() => server.metrics.heartbeatDrops === 1, 5000, 'dropped by the heartbeat');
    socket.resume(); // the client notices the connection is gone and reconnects
    await until(() => quiet.status === 'live' && quiet.pendingCount === 0, 10_000, 'resumed');
    await other.whenSynced();
    await until(async () => quiet.version === (await sync('back')).version && other.version === quiet.version);
    expect(quiet.clientId).toBe(id);
    expect([...quiet.state.list].sort()).toEqual([1, 2, 3]);
    expect(quiet.doc.snapshot()).toEqual(other.doc.snapshot());
  } finally {
    quiet.close();
    other.close();
    await server.close();
  }
});

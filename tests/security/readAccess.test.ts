// Read access: a caller that is not authorized for a room learns nothing about it — not its
// state, not whether it exists or is loaded. The refusal for an existing room, a loaded one and
// one never written is byte-for-byte the same (WebSocket upgrade, GET view, POST), it happens
// before the room is loaded, and no refused caller ever receives a snapshot.
import { connect as tcp } from 'node:net';
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { LockstepError } from '../../src/errors.js';
import { createServer, type AuthRequest } from '../../src/server/index.js';
import { Room } from '../sync/fixtures.js';
import { ReferenceJournal, until } from './helpers.js';

jest.setTimeout(30_000);

/** Who may use which room (by id). */
const GRANTS: Record<string, string[]> = { alice: ['a'], bob: ['b'], mallory: [] };

const authenticate = ({ token, room }: AuthRequest) => {
  const rooms = token === undefined ? undefined : GRANTS[token];
  if (!rooms) return null; // 401: unknown caller
  if (!rooms.includes(room.id)) throw new LockstepError('forbidden', 'not allowed in this room'); // 403, whatever the room
  return { user: token };
};

/** Sends raw HTTP and returns the whole answer, minus its Date header. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcp(port, '127.0.0.1');
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (got += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(got.replace(/^Date: .*\r\n/im, '')));
    socket.write(request);
  });
}

const upgrade = (room: string, token?: string) =>
  `GET /rooms/room/${room} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
  `Sec-WebSocket-Protocol: lockstep.v1.json\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`;
const get = (room: string, token?: string) =>
  `GET /rooms/room/${room} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`;
const post = (room: string, token?: string) => {
  const body = JSON.stringify({ path: ['count'], op: { type: 'counter/add', n: 1 } });
  return (
    `POST /rooms/room/${room}/transitions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${body.length}\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n${body}`
  );
};

it('refuses callers identically for existing, loaded and never-written rooms, before loading anything', async () => {
  const journal = new ReferenceJournal(Room);
  const server = createServer({ rooms: { room: Room }, journal, authenticate, logger: { log: () => undefined } });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = (room: string) => `ws://127.0.0.1:${port}/rooms/room/${room}`;
  const alice = L.connect(Room, url('a'), { WebSocket, token: 'alice' });
  const bob = L.connect(Room, url('b'), { WebSocket, token: 'bob' });
  try {
    await until(() => alice.status === 'live' && bob.status === 'live');
    alice.state.atom.set('secret of a');
    bob.state.atom.set('secret of b');
    await Promise.all([alice.whenSynced(), bob.whenSynced()]);
    bob.close(); // room b: written, and (for a while) loaded with nobody in it
    const loadedBefore = server.rooms.list().map((r) => r.id).sort();
    expect(loadedBefore).toEqual(['a', 'b']);

    // [caller, rooms that must all look the same to it]
    const cases: Array<[string | undefined, string[]]> = [
      [undefined, ['a', 'b', 'never']],
      ['nobody', ['a', 'b', 'never']],
      ['mallory', ['a', 'b', 'never']],
      ['alice', ['b', 'never']],
    ];
    for (const [token, rooms] of cases) {
      for (const request of [upgrade, get, post]) {
        const answers = await Promise.all(rooms.map((room) => raw(port, request(room, token))));
        const status = Number(answers[0]?.split(' ', 2)[1]);
        expect(status).toBe(token === undefined || token === 'nobody' ? 401 : 403);
        for (const a of answers) {
          expect(a).toBe(answers[0]);
          expect(a).not.toMatch(/secret|snapshot|welcome|"version"/);
        }
      }
    }
    // Nothing was loaded, created or read for them.
    expect(server.rooms.list().map((r) => r.id).sort()).toEqual(loadedBefore);
    expect([...journal.rooms.keys()].sort()).toEqual(['room/a', 'room/b']);
    // The authorized caller still reads its room.
    const ok = await raw(port, get('a', 'alice'));
    expect(ok).toMatch(/^HTTP\/1\.1 200/);
    expect(ok).toContain('secret of a');
    expect(alice.doc.toJSON()).toMatchObject({ atom: 'secret of a' });
  } finally {
    alice.close();
    bob.close();
    await server.close();
  }
});

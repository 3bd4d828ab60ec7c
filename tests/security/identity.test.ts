// A client can only act as itself: its identity comes from `authenticate`, its client id from
// the server, and no message field (nor a stolen resume token, nor a token of another room, nor
// a call of a server-only hook) lets it act as another client, in another room, or as `server`.
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { createServer, type AuthRequest, type LockstepServer, type ServerOptions, type SyncRoom } from '../../src/server/index.js';
import { Room } from '../sync/fixtures.js';
import { RawPeer, sleep, until, type Msg } from './helpers.js';

jest.setTimeout(30_000);

type Identity = { user: string; login?: number };
let logins = 0;
const authenticate = ({ token }: AuthRequest): Identity | null => {
  if (token === 'alice' || token === 'mallory') return { user: token };
  if (token === 'alice-fresh') return { user: 'alice', login: ++logins }; // changes on every connection
  return null;
};

async function start(options: Partial<ServerOptions> = {}) {
  const server: LockstepServer = createServer({ rooms: { room: Room }, authenticate, logger: { log: () => undefined }, ...options });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = (room: string) => `ws://127.0.0.1:${port}/rooms/room/${room}`;
  const sync = (room: string) => server.rooms.use('room', room, (s) => (s as SyncRoom<Room>).server);
  return { server, port, url, sync };
}

const tokenOf = (c: L.SyncClient<Room>) => (c as unknown as { token: string }).token;
const mallory = (url: string, protocol: 'lockstep.v1.json' | 'lockstep.v1.bin' = 'lockstep.v1.json') =>
  new RawPeer(url, protocol, { authorization: 'Bearer mallory' });

describe('a client acts only as itself', () => {
  it.each(['lockstep.v1.json', 'lockstep.v1.bin'] as const)('a stolen resume token does not resume the session for another identity (%s)', async (protocol) => {
    const { server, url, sync } = await start();
    const alice = L.connect(Room, url('r'), { WebSocket, token: 'alice' });
    try {
      await until(() => alice.status === 'live');
      const id = alice.clientId as string;
      const peer = mallory(url('r'), protocol);
      const welcome = (await peer.hello({ clientId: id, token: tokenOf(alice), version: 0 })) as Msg;
      expect(welcome).toMatchObject({ type: 'welcome', resumed: false });
      expect(welcome.clientId).not.toBe(id);
      expect(welcome.token).not.toBe(tokenOf(alice));
      // Mallory's changes carry Mallory's id; Alice was not replaced and sees them as someone else's.
      peer.sendMsg({ type: 'submit', seq: 1, base: 0, transitions: [{ path: ['count'], op: { type: 'counter/add', n: 1 } }] });
      let origin: string | undefined;
      const off = alice.doc.subscribe((c) => (origin = c.origin));
      // Mallory hears of its own commit (an `ack`, or the `apply` when it was not on the latest state).
      const answer = (await peer.waitFor((m) => (m.type === 'apply' && m.origin !== 'server') || m.type === 'ack')) as Msg;
      expect(answer).toMatchObject(answer.type === 'ack' ? { seq: 1 } : { origin: welcome.clientId, seq: 1 });
      await until(() => alice.state.count.value === 1);
      off();
      expect(origin).toBe(welcome.clientId);
      expect(alice.status).toBe('live');
      expect(alice.clientId).toBe(id);
      // The same user on a new connection (a reloaded tab) does resume.
      const again = new RawPeer(url('r'), protocol, { authorization: 'Bearer alice' });
      expect(await again.hello({ clientId: id, token: tokenOf(alice), version: 1 })).toMatchObject({ resumed: true, clientId: id });
      again.ws.close();
      peer.ws.close();
      expect((await sync('r')).doc.state.count.value).toBe(1);
    } finally {
      alice.close();
      await server.close();
    }
  });

  it('binds tokens to identityKey, so identities that differ only in volatile fields still resume', async () => {
    const { server, url } = await start({ identityKey: (identity) => (identity as Identity).user });
    const alice = L.connect(Room, url('r'), { WebSocket, token: 'alice-fresh' });
    try {
      await until(() => alice.status === 'live');
      const peer = new RawPeer(url('r'), 'lockstep.v1.json', { authorization: 'Bearer alice-fresh' });
      expect(await peer.hello({ clientId: alice.clientId as string, token: tokenOf(alice), version: 0 })).toMatchObject({ resumed: true });
      peer.ws.close();
      const other = mallory(url('r'));
      expect(await other.hello({ clientId: alice.clientId as string, token: tokenOf(alice), version: 0 })).toMatchObject({ resumed: false });
      other.ws.close();
    } finally {
      alice.close();
      await server.close();
    }
  });

  it('refuses, with a clear error, an identity that cannot be keyed (cyclic) instead of hanging', async () => {
    const cyclic: Record<string, unknown> = { user: 'loop' };
    cyclic.self = cyclic;
    const { server, url } = await start({ authenticate: () => cyclic });
    try {
      const peer = new RawPeer(url('r'), 'lockstep.v1.json');
      await peer.hello();
      expect(await peer.closed).toBe(1008);
      expect(peer.messages.at(-1)).toMatchObject({ type: 'error', code: 'internal' });
    } finally {
      await server.close();
    }
  });

  it('a resume token of one room is worthless in another', async () => {
    const { server, url } = await start();
    const alice = L.connect(Room, url('one'), { WebSocket, token: 'alice' });
    try {
      await until(() => alice.status === 'live');
      const peer = new RawPeer(url('two'), 'lockstep.v1.json', { authorization: 'Bearer alice' });
      const welcome = await peer.hello({ clientId: alice.clientId as string, token: tokenOf(alice), version: 0 });
      expect(welcome).toMatchObject({ resumed: false });
      expect(welcome?.clientId).not.toBe(alice.clientId);
      peer.ws.close();
    } finally {
      alice.close();
      await server.close();
    }
  });

  it('refuses every message field that would name another client, room or origin, and server-only hooks', async () => {
    const { server, url, sync } = await start();
    const alice = L.connect(Room, url('r'), { WebSocket, token: 'alice' });
    try {
      await until(() => alice.status === 'live');
      const seats = () => (alice.doc.toJSON() as { seats: Record<string, string> }).seats;
      const peer = mallory(url('r'));
      const me = (await peer.hello()) as Msg;
      await until(async () => (await sync('r')).version === alice.version && alice.version > 0);
      const before = (await sync('r')).doc.snapshot();
      const version = (await sync('r')).version;
      const t = [{ path: ['count'], op: { type: 'counter/add', n: 1 } }];
      const bad: object[] = [
        { type: 'submit', seq: 1, base: version, transitions: t, origin: 'server' },
        { type: 'submit', seq: 2, base: version, transitions: t, clientId: alice.clientId },
        { type: 'submit', seq: 3, base: version, transitions: t, room: 'room/other' },
        { type: 'presence', data: { x: 1 }, clientId: alice.clientId },
        { type: 'hello', v: 1, resume: { clientId: 'server', token: tokenOf(alice), version: 0 } }, // this connection already has a session
      ];
      for (const m of bad) peer.sendMsg(m);
      await peer.settle();
      expect(peer.messages.filter((m) => m.type === 'error').map((m) => m.code)).toEqual(Array(bad.length).fill('invalid_message'));
      // Calling the join/leave hooks would seat or unseat another client: server only.
      peer.sendMsg({ type: 'submit', seq: 4, base: version, transitions: [{ path: [], op: { type: 'call', method: 'onLeave', args: [alice.clientId] } }] });
      peer.sendMsg({ type: 'submit', seq: 5, base: version, transitions: [{ path: [], op: { type: 'call', method: 'onJoin', args: ['intruder'] } }] });
      await peer.settle();
      expect(peer.messages.filter((m) => m.type === 'reject').map((m) => [m.seq, m.code])).toEqual([
        [4, 'forbidden'],
        [5, 'forbidden'],
      ]);
      expect((await sync('r')).doc.snapshot()).toEqual(before);
      expect(seats()).toHaveProperty([alice.clientId as string]);
      // A fresh connection cannot become client `server` either.
      const other = mallory(url('r'));
      const w = (await other.hello({ clientId: 'server', token: 'anything', version: 0 })) as Msg;
      expect(w.clientId).not.toBe('server');
      expect(w.resumed).toBe(false);
      other.ws.close();
      peer.ws.close();
      expect(me.clientId).not.toBe(alice.clientId);
    } finally {
      alice.close();
      await server.close();
    }
  });

  it('serves one session per connection: a second hello that is not a resume of it is refused', async () => {
    const { server, url, sync } = await start();
    try {
      const peer = mallory(url('r'));
      const first = (await peer.hello()) as Msg;
      for (let i = 0; i < 200; i++) peer.sendMsg({ type: 'hello', v: 1 });
      await peer.settle();
      expect(peer.messages.filter((m) => m.type === 'welcome')).toHaveLength(1);
      // A resume of its own session is how a client that saw a gap catches up: allowed.
      peer.sendMsg({ type: 'hello', v: 1, resume: { clientId: first.clientId, token: first.token, version: 0 } });
      await peer.waitFor((m) => m.type === 'welcome' && m.resumed === true);
      const s = (await sync('r')) as unknown as { sessions: Map<string, unknown> };
      expect(s.sessions.size).toBe(1);
      peer.ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('connections that misbehave are closed', () => {
  it('closes a connection that does not say hello within helloTimeout', async () => {
    const { server, url } = await start({ limits: { helloTimeout: 100 } });
    try {
      const peer = mallory(url('r'));
      expect(await peer.closed).toBe(1008);
      expect(peer.messages.at(-1)).toMatchObject({ type: 'error', code: 'invalid_message' });
      const ok = mallory(url('r'));
      expect(await ok.hello()).toMatchObject({ type: 'welcome' });
      await sleep(200);
      expect(ok.open).toBe(true);
      ok.ws.close();
    } finally {
      await server.close();
    }
  });

  it('closes a connection after `strikes` refused messages in a row, and not before', async () => {
    const { server, url } = await start({ limits: { strikes: 10 } });
    try {
      const peer = mallory(url('r'));
      await peer.hello();
      for (let i = 0; i < 9; i++) peer.send('not json');
      peer.sendMsg({ type: 'ping', t: 1 }); // understood: the run starts over
      for (let i = 0; i < 9; i++) peer.send('not json');
      await peer.settle();
      expect(peer.open).toBe(true);
      for (let i = 0; i < 10; i++) peer.send('not json');
      expect(await peer.closed).toBe(1008);
      expect(peer.messages.filter((m) => m.type === 'error')).toHaveLength(28);
    } finally {
      await server.close();
    }
  });
});

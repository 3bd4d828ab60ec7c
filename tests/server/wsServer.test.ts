// The room server's edges on 127.0.0.1: authentication and authorization, room ids and types,
// subprotocols, maxPayload, backpressure, heartbeats, the HTTP endpoints, metrics, per-room
// init and idle unloading.
import { request } from 'node:http';
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { LockstepError } from '../../src/errors.js';
import type { AuthRequest, Authorize } from '../../src/server/index.js';
import { MemoryJournal, MemoryJournalStorage } from '../../src/server/journal/MemoryJournal.js';
import { Board, client, refusal, start, until } from './wsFixtures.js';

const firstKey = L.keyBetween(null, null);

jest.setTimeout(30_000);

/** A raw WebSocket speaking lockstep.v1.json, with every message it received. */
async function rawJson(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}) {
  const ws = new WebSocket(url, ['lockstep.v1.json'], options);
  const messages: Array<Record<string, unknown>> = [];
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  ws.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

const identities = { 'tok-alice': { user: 'alice', writes: true }, 'tok-bob': { user: 'bob', writes: false } } as const;
const authenticate = ({ token, room }: AuthRequest) => {
  if (token === 'tok-banned' || room.id === 'private') throw new LockstepError('forbidden', 'not for you');
  return token ? (identities as Record<string, unknown>)[token] : null;
};
const authorize: Authorize = (identity, t) => (identity as { writes: boolean }).writes || t.path[0] !== 'count';

describe('authentication and authorization', () => {
  it('refuses before the upgrade with 401 and 403, and admits a valid token sent as a subprotocol', async () => {
    const seen: AuthRequest[] = [];
    const { server, ws } = await start({
      authenticate: (r) => {
        seen.push(r);
        return authenticate(r);
      },
      authorize,
    });
    const url = `${ws}/rooms/board/auth`;
    try {
      expect(await refusal(url, ['lockstep.v1.json'])).toBe(401);
      expect(await refusal(url, ['lockstep.v1.json', 'lockstep.token.bm9wZQ'])).toBe(401);
      expect(await refusal(url, ['lockstep.v1.json'], { authorization: 'Bearer tok-banned' })).toBe(403);
      expect(await refusal(`${ws}/rooms/board/private`, ['lockstep.v1.json'], { authorization: 'Bearer tok-alice' })).toBe(403);
      expect(server.metrics.authRefusals).toBe(4);
      expect(server.rooms.list()).toEqual([]); // refused before any room loaded

      const alice = client(url, { token: 'tok-alice' });
      const bob = client(url, { token: async () => 'tok-bob' });
      await until(() => alice.status === 'live' && bob.status === 'live');
      expect(seen.at(-1)).toMatchObject({ action: 'connect', room: { type: 'board', id: 'auth' } });
      expect(seen.map((r) => r.token)).toContain('tok-alice');
      const refused: string[] = [];
      bob.on('rejected', (r) => refused.push(r.code));
      bob.state.count.add(1); // bob may not touch the counter
      bob.state.todos.push('bob was here');
      alice.state.count.add(5);
      await Promise.all([alice.whenSynced(), bob.whenSynced()]);
      await until(() => bob.version === 2 && alice.version === 2);
      expect(refused).toEqual(['forbidden']);
      expect(bob.doc.toJSON()).toMatchObject({ count: 5, todos: ['bob was here'] });
      expect(server.metrics.rejects).toBe(1);
      alice.close();
      bob.close();
    } finally {
      await server.close();
    }
  });

  it('guards the HTTP room endpoints with the same hooks', async () => {
    const { server, http } = await start({ authenticate, authorize });
    const post = (token: string, body: unknown) =>
      fetch(`${http}/rooms/board/h/transitions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    try {
      expect((await fetch(`${http}/rooms/board/h`)).status).toBe(401);
      expect((await fetch(`${http}/rooms/board/h`, { headers: { authorization: 'Bearer tok-banned' } })).status).toBe(403);
      expect((await fetch(`${http}/rooms/board/h`, { headers: { authorization: 'Bearer tok-bob' } })).status).toBe(200);
      const add = { path: ['count'], op: { type: 'counter/add', n: 1 } };
      const denied = await post('tok-bob', add);
      expect(denied.status).toBe(403);
      expect(await denied.json()).toEqual({ error: { code: 'forbidden', message: 'not allowed to change /count' } });
      expect((await post('tok-alice', add)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('routing', () => {
  it('refuses unknown types (404), bad ids (400), other paths (404) and foreign subprotocols (400)', async () => {
    const { server, ws } = await start();
    try {
      expect(await refusal(`${ws}/rooms/nope/x`)).toBe(404);
      expect(await refusal(`${ws}/rooms/board/bad.id`)).toBe(400);
      expect(await refusal(`${ws}/rooms/board/${'x'.repeat(129)}`)).toBe(400);
      expect(await refusal(`${ws}/rooms/board/%41b`)).toBe(400);
      expect(await refusal(`${ws}/rooms/board`)).toBe(404);
      expect(await refusal(`${ws}/elsewhere`)).toBe(404);
      expect(await refusal(`${ws}/rooms/board/x`, ['lockstep.v2.bin'])).toBe(400);
      // No subprotocol at all: JSON, for curl-style debugging.
      const raw = await rawJson(`${ws}/rooms/board/x`);
      raw.ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('limits', () => {
  it('answers a frame over maxPayload with payload_too_large and a close, and keeps serving', async () => {
    const { server, ws } = await start({ maxPayload: 10_000 });
    const url = `${ws}/rooms/board/big`;
    try {
      const other = client(url);
      await until(() => other.status === 'live');
      const raw = await rawJson(url);
      raw.ws.send(JSON.stringify({ type: 'hello', v: 1 }));
      await until(() => raw.messages.length === 1);
      const big = { path: ['blob'], op: { type: 'atom/set', value: 'x'.repeat(12_000) } };
      raw.ws.send(JSON.stringify({ type: 'submit', seq: 1, base: 0, transitions: [big] }));
      expect(await raw.closed).toBe(1009);
      expect(raw.messages.at(-1)).toMatchObject({ type: 'error', code: 'payload_too_large' });
      // Far over: ws cuts the connection without reading the frame.
      const huge = await rawJson(url);
      huge.ws.send('x'.repeat(25_000));
      expect(await huge.closed).toBe(1009);
      expect(huge.messages).toEqual([]);
      expect(server.metrics.oversized).toBe(1);
      other.state.todos.push('still fine');
      await other.whenSynced();
      expect(other.doc.toJSON()).toMatchObject({ todos: ['still fine'], blob: null });
      other.close();
    } finally {
      await server.close();
    }
  });

  it('drops a client that stops reading instead of buffering for it', async () => {
    const { server, ws } = await start({ maxBufferedBytes: 256 * 1024, maxPayload: 200_000 });
    const url = `${ws}/rooms/board/slow`;
    try {
      const writer = client(url);
      const reader = client(url);
      const slow = await rawJson(url);
      slow.ws.send(JSON.stringify({ type: 'hello', v: 1 }));
      await until(() => writer.status === 'live' && reader.status === 'live' && slow.messages.length === 1);
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // stops reading
      const chunk = 'y'.repeat(100_000);
      for (let i = 0; i < 200 && server.metrics.backpressureDrops === 0; i++) {
        writer.state.blob.set(`${i}${chunk}`);
        await writer.whenSynced();
      }
      expect(server.metrics.backpressureDrops).toBe(1);
      await until(() => server.rooms.list()[0]?.connections === 2, 5000, 'slow client gone');
      await until(() => reader.version === writer.version);
      expect(reader.doc.toJSON()).toEqual(writer.doc.toJSON());
      slow.ws.terminate();
      writer.close();
      reader.close();
    } finally {
      await server.close();
    }
  });

  it('drops a peer that does not answer heartbeats', async () => {
    const { server, ws } = await start({ heartbeatInterval: 50 });
    const url = `${ws}/rooms/board/beat`;
    try {
      const alive = await rawJson(url);
      const dead = await rawJson(url, { autoPong: false });
      expect(await dead.closed).toBe(1006);
      expect(server.metrics.heartbeatDrops).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(alive.ws.readyState).toBe(WebSocket.OPEN);
      alive.ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('HTTP endpoints', () => {
  it('serves health, status, room views, backend transitions and metrics', async () => {
    const { server, http, ws } = await start({ maxPayload: 50_000 });
    const post = (body: string, room = 'h') =>
      fetch(`${http}/rooms/board/${room}/transitions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    try {
      expect(await (await fetch(`${http}/status`)).text()).toBe('ok');
      expect(await (await fetch(`${http}/healthz`)).json()).toMatchObject({ status: 'ok', rooms: 0, connections: 0 });
      const watcher = client(`${ws}/rooms/board/h`);
      await until(() => watcher.status === 'live');
      const ok = await post(JSON.stringify([{ path: ['todos'], op: { type: 'list/insert', id: 'srv1abcdefgh', key: firstKey, value: 'from backend' } }]));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ version: 1 });
      await until(() => watcher.version === 1);
      expect(watcher.doc.toJSON()).toMatchObject({ todos: ['from backend'] });
      const single = await post(JSON.stringify({ path: ['count'], op: { type: 'counter/add', n: 2 } }));
      expect(await single.json()).toEqual({ version: 2 });
      expect(await (await fetch(`${http}/rooms/board/h`)).json()).toEqual({ todos: ['from backend'], count: 2, notes: '', blob: null });

      const errors: Array<[Promise<Response>, number, string]> = [
        [post('not json'), 400, 'invalid_message'],
        [post('[]'), 400, 'invalid_message'],
        [post(JSON.stringify({ path: ['count'] })), 400, 'invalid_message'],
        [post(JSON.stringify({ path: ['count'], op: { type: 'counter/add', n: 1000 } })), 409, 'out_of_range'],
        [post(JSON.stringify({ path: ['nothing'], op: { type: 'counter/add', n: 1 } })), 409, 'not_found'],
        [post(JSON.stringify({ path: ['blob'], op: { type: 'atom/set', value: 'z'.repeat(60_000) } })), 413, 'payload_too_large'],
        [fetch(`${http}/rooms/nope/h`), 404, 'not_found'],
        [fetch(`${http}/rooms/board/bad!id`), 400, 'invalid_args'],
        [fetch(`${http}/rooms/board/h/transitions`), 405, 'invalid_args'],
        [fetch(`${http}/rooms/board/h`, { method: 'DELETE' }), 405, 'invalid_args'],
        [fetch(`${http}/nowhere`), 404, 'not_found'],
      ];
      for (const [res, status, code] of errors) {
        const r = await res;
        expect([r.status, ((await r.json()) as { error: { code: string } }).error.code]).toEqual([status, code]);
      }
      expect((await fetch(`${http}/rooms/board/h`)).status).toBe(200); // still serving

      const metrics = await (await fetch(`${http}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^lockstep_${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
      expect(value('rooms')).toBe(1);
      expect(value('connections')).toBe(1);
      expect(value('transitions_applied_total')).toBe(2);
      expect(value('bytes_sent_total')).toBeGreaterThan(0);
      expect(value('bytes_received_total')).toBeGreaterThan(0);
      expect(metrics).toContain('# TYPE lockstep_rejects_total counter');
      watcher.close();
    } finally {
      await server.close();
    }
  });

  it('refuses a chunked body over maxPayload with 413 without buffering it', async () => {
    const { server, http } = await start({ maxPayload: 1000 });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${http}/rooms/board/x/transitions`, { method: 'POST' }, (res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        });
        req.on('error', reject);
        let n = 0;
        const write = (): void => {
          while (n++ < 50) if (!req.write('x'.repeat(100))) return void req.once('drain', write);
          req.end();
        };
        write();
      });
      expect(status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it('passes unmatched requests to the fallback handler', async () => {
    const { server, http } = await start({ fallback: (_req, res) => res.end('static') });
    try {
      expect(await (await fetch(`${http}/index.html`)).text()).toBe('static');
    } finally {
      await server.close();
    }
  });
});

describe('room lifecycle', () => {
  it('starts rooms with init once, unloads idle rooms (snapshot written) and reloads them', async () => {
    const storage = new MemoryJournalStorage();
    const inits: string[] = [];
    const { server, ws } = await start({
      journal: new MemoryJournal({ storage }),
      idleGrace: 50,
      rooms: {
        board: {
          root: Board,
          init: (id) => {
            inits.push(id);
            return [{ path: ['todos'], op: { type: 'list/insert', id: 'welcome01', key: firstKey, value: `welcome to ${id}` } }];
          },
        },
        blank: Board,
      },
    });
    const clients: L.SyncClient<Board>[] = [];
    const join = (url: string) => {
      const c = client(url);
      clients.push(c);
      return c;
    };
    try {
      const a = join(`${ws}/rooms/board/life`);
      await until(() => a.status === 'live');
      expect(a.doc.toJSON()).toMatchObject({ todos: ['welcome to life'] });
      a.state.count.add(3);
      await a.whenSynced();
      a.close();
      await until(() => server.rooms.list().length === 0, 5000, 'unloaded');
      expect(storage.rooms.get('board/life')?.snapshot).toBeTruthy();
      const b = join(`${ws}/rooms/board/life`);
      await until(() => b.status === 'live');
      expect(b.doc.toJSON()).toMatchObject({ todos: ['welcome to life'], count: 3 });
      expect(b.version).toBe(2);
      expect(inits).toEqual(['life']);
      const c = join(`${ws}/rooms/blank/life`); // another type: another room
      await until(() => c.status === 'live');
      expect(c.doc.toJSON()).toMatchObject({ todos: [], count: 0 });
    } finally {
      for (const c of clients) c.close();
      await server.close();
    }
  });

  it('keeps rooms of one type apart and loads many at once', async () => {
    const { server, ws } = await start();
    try {
      const clients = Array.from({ length: 8 }, (_, i) => client(`${ws}/rooms/board/r${i % 4}`));
      await until(() => clients.every((c) => c.status === 'live'));
      clients.forEach((c, i) => c.state.todos.push(`item${i}`));
      await Promise.all(clients.map((c) => c.whenSynced()));
      await until(() => clients.every((c) => c.version === 2));
      expect(server.rooms.list().map((r) => r.id).sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
      for (let i = 0; i < 4; i++) {
        expect(clients[i]?.doc.toJSON()).toEqual(clients[i + 4]?.doc.toJSON());
        expect((clients[i]?.doc.toJSON() as { todos: string[] }).todos.sort()).toEqual([`item${i}`, `item${i + 4}`]);
      }
      for (const c of clients) c.close();
    } finally {
      await server.close();
    }
  });
});

describe('shutdown', () => {
  it('closes clients with 1001, refuses new ones meanwhile, and is idempotent', async () => {
    const { server, ws, http } = await start();
    const raw = await rawJson(`${ws}/rooms/board/bye`);
    const c = client(`${ws}/rooms/board/bye`);
    await until(() => c.status === 'live');
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    expect(await raw.closed).toBe(1001);
    await until(() => c.status === 'offline');
    c.close();
    await expect(fetch(`${http}/status`)).rejects.toThrow();
  });
});

it('L.connect accepts http(s) URLs and refuses other schemes', () => {
  expect(() => new L.WebSocketTransport('ftp://x/rooms/a/b', { WebSocket })).toThrow(/ws:\/\//);
  const t = new L.WebSocketTransport('http://127.0.0.1:1/rooms/a/b', { WebSocket });
  expect(t.url).toBe('ws://127.0.0.1:1/rooms/a/b');
  t.close();
});

// Sync rooms over real WebSockets on 127.0.0.1: SyncClients with both codecs converge, resume
// after the server drops their connection, and find their data (and their sessions) again after
// the server restarts on the same data directory.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { Board, client, start, tempDir, until } from './wsFixtures.js';

jest.setTimeout(30_000);

/** Every raw TCP socket the server accepts, to cut them like a network failure would. */
function sockets(server: { http: import('node:http').Server }): Socket[] {
  const list: Socket[] = [];
  server.http.on('connection', (s: Socket) => list.push(s));
  return list;
}

describe('sync rooms over WebSocket', () => {
  it.each([
    ['binary', L.binaryCodec],
    ['json', L.jsonCodec],
  ])('clients using the %s codec converge', async (_name, codec) => {
    const { server, ws } = await start();
    const url = `${ws}/rooms/board/converge`;
    const clients = [client(url, { codec }), client(url, { codec }), client(url)];
    try {
      await until(() => clients.every((c) => c.status === 'live'), 5000, 'all live');
      for (let i = 0; i < 20; i++) {
        const c = clients[i % 3] as L.SyncClient<Board>;
        c.state.todos.push(`t${i}`);
        c.state.count.add(1);
        c.state.notes.insert(0, String(i % 10));
      }
      await Promise.all(clients.map((c) => c.whenSynced()));
      await until(() => clients.every((c) => c.version === 60), 5000, 'version 60');
      const view = clients[0]?.doc.toJSON() as { todos: string[]; count: number; notes: string };
      for (const c of clients) expect(c.doc.toJSON()).toEqual(view);
      expect(view.todos).toHaveLength(20);
      expect(view.count).toBe(20);
      expect(view.notes).toHaveLength(20);
      expect(await server.rooms.use('board', 'converge', (s) => s.view?.())).toEqual(view);
    } finally {
      for (const c of clients) c.close();
      await server.close();
    }
  });

  it('negotiates the codec by subprotocol, binary first', async () => {
    const { server, ws } = await start();
    const url = `${ws}/rooms/board/codec`;
    const both = new L.WebSocketTransport(url, { WebSocket });
    const json = new L.WebSocketTransport(url, { WebSocket, codecs: [L.jsonCodec] });
    try {
      await until(() => both.state === 'open' && json.state === 'open');
      expect(both.protocol).toBe('lockstep.v1.bin');
      expect(json.protocol).toBe('lockstep.v1.json');
      const frames: L.Frame[] = [];
      json.listen({ message: (f) => frames.push(f), state: () => undefined });
      json.send(JSON.stringify({ type: 'ping', t: 7 }));
      await until(() => frames.length > 0);
      expect(typeof frames[0]).toBe('string');
      expect(JSON.parse(frames[0] as string)).toEqual({ type: 'pong', t: 7 });
    } finally {
      both.close();
      json.close();
      await server.close();
    }
  });

  it('clients resume after the server drops their connections; offline edits apply once', async () => {
    const { server, ws } = await start();
    const cut = sockets(server);
    const url = `${ws}/rooms/board/resume`;
    // A reconnect delay long enough that "both offline" is observable by polling.
    const a = client(url, { minDelay: 400, maxDelay: 800, random: () => 0.999 });
    const b = client(url, { codec: L.jsonCodec, minDelay: 400, maxDelay: 800, random: () => 0.999 });
    try {
      await until(() => a.status === 'live' && b.status === 'live');
      a.state.todos.push('before');
      await a.whenSynced();
      const id = a.clientId;
      const statuses: string[] = [];
      a.on('status', (s) => statuses.push(s));
      for (const s of cut) s.destroy(); // both connections fail at once
      await until(() => a.status !== 'live' && b.status !== 'live', 5000, 'offline');
      a.state.todos.push('offline-a');
      a.state.count.add(2);
      b.state.todos.push('offline-b');
      await until(() => a.status === 'live' && b.status === 'live', 5000, 'live again');
      await Promise.all([a.whenSynced(), b.whenSynced()]);
      await until(() => a.version === b.version && a.version === 4, 5000, 'version 4');
      expect(a.clientId).toBe(id); // resumed, not a new session
      expect(statuses).toContain('offline');
      expect(a.doc.toJSON()).toEqual(b.doc.toJSON());
      const view = a.doc.toJSON() as { todos: string[]; count: number };
      expect([...view.todos].sort()).toEqual(['before', 'offline-a', 'offline-b']);
      expect(view.count).toBe(2);
    } finally {
      a.close();
      b.close();
      await server.close();
    }
  });

  it('a restarted server on the same data dir has the data; clients resume on their own', async () => {
    const { dir, cleanup } = await tempDir();
    const first = await start({ dataDir: dir });
    let server = first.server;
    const ws = first.ws;
    const port = server.address()?.port as number;
    const url = `${ws}/rooms/board/restart`;
    const a = client(url);
    const b = client(url, { codec: L.jsonCodec });
    try {
      await until(() => a.status === 'live' && b.status === 'live');
      for (let i = 0; i < 10; i++) a.state.todos.push(`a${i}`);
      b.state.notes.insert(0, 'durable');
      await Promise.all([a.whenSynced(), b.whenSynced()]);
      const ids = [a.clientId, b.clientId];
      const closes: number[] = [];
      const watcher = new WebSocket(url, ['lockstep.v1.json']);
      watcher.on('close', (code) => closes.push(code));
      await new Promise((r) => watcher.once('open', r));
      await server.close();
      expect(closes).toEqual([1001]);
      await until(() => a.status === 'offline' && b.status === 'offline');
      a.state.todos.push('while-down'); // pending until the server is back
      ({ server } = await start({ dataDir: dir }, port));
      await until(() => a.status === 'live' && b.status === 'live', 10_000, 'live after restart');
      await Promise.all([a.whenSynced(), b.whenSynced()]);
      expect([a.clientId, b.clientId]).toEqual(ids); // the resume tokens survived the restart
      await until(() => a.version === b.version);
      const view = b.doc.toJSON() as { todos: string[]; notes: string };
      expect(view.todos).toEqual([...Array.from({ length: 10 }, (_, i) => `a${i}`), 'while-down']);
      expect(view.notes).toBe('durable');
      expect(a.doc.toJSON()).toEqual(view);
      expect(await server.rooms.use('board', 'restart', (s) => s.view?.())).toEqual(view);
    } finally {
      a.close();
      b.close();
      await server.close();
      await cleanup();
    }
  });
});

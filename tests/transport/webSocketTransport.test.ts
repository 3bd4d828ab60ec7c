// The client WebSocket transport against plain `ws` servers on 127.0.0.1: subprotocols and
// tokens, frames both ways, reconnecting with backoff, handshake timeouts, and a final close.
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { jsonCodec } from '../../src/sync/codec.js';
import type { Frame, TransportState } from '../../src/transport/Transport.js';
import { backoffDelay } from '../../src/transport/websocket/backoff.js';
import { tokenFromProtocols, tokenProtocol } from '../../src/transport/websocket/tokenProtocol.js';
import { WebSocketTransport } from '../../src/transport/websocket/WebSocketTransport.js';

jest.setTimeout(20_000);

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A `ws` server that selects the first offered subprotocol and records what it saw. */
async function wsServer(port = 0) {
  const offered: string[][] = [];
  const sockets: WebSocket[] = [];
  const received: Array<{ data: string; binary: boolean }> = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port, handleProtocols: (p) => [...p][0] ?? false });
  wss.on('connection', (ws, req) => {
    offered.push((req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()));
    sockets.push(ws);
    ws.on('message', (data, binary) => received.push({ data: binary ? Buffer.from(data as Buffer).toString('hex') : String(data), binary }));
  });
  await new Promise((r) => wss.once('listening', r));
  const close = () => new Promise<void>((resolve) => {
    for (const s of wss.clients) s.terminate();
    wss.close(() => resolve());
  });
  return { wss, port: (wss.address() as AddressInfo).port, offered, sockets, received, close };
}

function watch(t: WebSocketTransport) {
  const states: string[] = [];
  const frames: Frame[] = [];
  t.listen({ message: (f) => frames.push(f), state: (s: TransportState, reason) => states.push(reason ? `${s}: ${reason}` : s) });
  return { states, frames };
}

describe('backoff', () => {
  it('is full jitter under an exponential cap', () => {
    expect([0, 1, 2, 3, 10, 100].map((n) => backoffDelay(n, 100, 1000, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(5, 100, 1000, () => 0)).toBe(0);
  });
});

describe('token subprotocol', () => {
  it('round-trips any token and refuses malformed ones', () => {
    for (const token of ['abc', 'ü日本🎉 spaces/+=', 'x'.repeat(300), 'eyJhbGciOi.J9.x-_']) {
      const p = tokenProtocol(token);
      expect(p).toMatch(/^lockstep\.token\.[A-Za-z0-9_-]*$/);
      expect(tokenFromProtocols(['lockstep.v1.bin', p])).toBe(token);
    }
    expect(tokenFromProtocols(['lockstep.v1.bin'])).toBeUndefined();
    expect(tokenFromProtocols(['lockstep.token.a'])).toBeUndefined(); // not base64
    expect(tokenFromProtocols(['lockstep.token.a+b'])).toBeUndefined();
    expect(tokenFromProtocols(['lockstep.token.__8'])).toBeUndefined(); // not UTF-8
  });
});

describe('WebSocketTransport', () => {
  it('offers codecs and the token, uses the selected codec, and carries text and binary frames', async () => {
    const srv = await wsServer();
    const t = new WebSocketTransport(`ws://127.0.0.1:${srv.port}/rooms/a/b`, { WebSocket, token: 'secret' });
    const log = watch(t);
    try {
      await until(() => t.state === 'open');
      expect(srv.offered[0]).toEqual(['lockstep.v1.bin', 'lockstep.v1.json', tokenProtocol('secret')]);
      expect(t.protocol).toBe('lockstep.v1.bin');
      t.send(t.codec.encode({ type: 'ping', t: 1 }));
      t.send('text');
      expect(typeof t.bufferedAmount).toBe('number');
      await until(() => srv.received.length === 2);
      expect(srv.received).toEqual([
        { data: '82a474797065a470696e67a17401', binary: true },
        { data: 'text', binary: false },
      ]);
      srv.sockets[0]?.send('hi');
      srv.sockets[0]?.send(Buffer.from([0x81, 0xa1, 0x61, 0x01]));
      await until(() => log.frames.length === 2);
      expect(log.frames[0]).toBe('hi');
      expect(t.codec.decode(log.frames[1] as Frame)).toEqual({ a: 1 });
    } finally {
      t.close();
      await srv.close();
    }
  });

  it('goes offline when the connection is lost and reconnects, asking for the token again', async () => {
    const srv = await wsServer();
    let asked = 0;
    const t = new WebSocketTransport(`ws://127.0.0.1:${srv.port}/x`, {
      WebSocket,
      codecs: [jsonCodec],
      token: () => `t${++asked}`,
      minDelay: 10,
      maxDelay: 50,
    });
    const log = watch(t);
    try {
      await until(() => t.state === 'open');
      expect(t.protocol).toBe('lockstep.v1.json');
      srv.sockets[0]?.close(4001, 'go away');
      await until(() => srv.sockets.length === 2 && t.state === 'open');
      expect(log.states).toEqual(['open', 'offline: connection closed (4001: go away)', 'connecting', 'open']);
      expect(srv.offered[1]).toEqual(['lockstep.v1.json', tokenProtocol('t2')]);
    } finally {
      t.close();
      await srv.close();
    }
  });

  it('keeps retrying while no server listens, then connects', async () => {
    const probe = await wsServer();
    const port = probe.port;
    await probe.close();
    const t = new WebSocketTransport(`http://127.0.0.1:${port}/x`, { WebSocket, minDelay: 10, maxDelay: 40 });
    const log = watch(t);
    let srv: Awaited<ReturnType<typeof wsServer>> | null = null;
    try {
      await until(() => log.states.filter((s) => s.startsWith('offline')).length >= 3);
      srv = await wsServer(port);
      await until(() => t.state === 'open');
      expect(log.states.at(-1)).toBe('open');
    } finally {
      t.close();
      await srv?.close();
    }
  });

  it('abandons a handshake that hangs', async () => {
    const held: Socket[] = [];
    const tcp: TcpServer = createTcpServer((s) => held.push(s)); // accepts, never answers
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    const port = (tcp.address() as AddressInfo).port;
    const t = new WebSocketTransport(`ws://127.0.0.1:${port}/x`, { WebSocket, connectTimeout: 50, minDelay: 1000 });
    const log = watch(t);
    try {
      await until(() => log.states.length > 0);
      expect(log.states[0]).toBe('offline: connect timed out');
    } finally {
      t.close();
      for (const s of held) s.destroy();
      await new Promise((r) => tcp.close(r));
    }
  });

  it('close() is final: no reconnect, frames dropped', async () => {
    const srv = await wsServer();
    const t = new WebSocketTransport(`ws://127.0.0.1:${srv.port}/x`, { WebSocket, minDelay: 5, maxDelay: 5 });
    const log = watch(t);
    try {
      await until(() => t.state === 'open');
      t.close(1000, 'bye');
      t.close();
      t.send('dropped');
      await new Promise((r) => setTimeout(r, 100));
      expect(log.states).toEqual(['open', 'closed: bye']);
      expect(srv.sockets).toHaveLength(1);
      expect(srv.received).toEqual([]);
      expect(t.bufferedAmount).toBe(0);
    } finally {
      await srv.close();
    }
  });

  it('needs a WebSocket class on Node 20', () => {
    const g = globalThis as { WebSocket?: unknown };
    if (g.WebSocket) return; // Node ≥ 22 has one
    expect(() => new WebSocketTransport('ws://127.0.0.1:1/x')).toThrow(/WebSocket/);
  });
});

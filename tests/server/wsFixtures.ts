// Shared fixtures of the WebSocket server tests: a board room, a server on 127.0.0.1, clients
// over `ws`, and bounded waiting.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { createServer, type LockstepServer, type ServerOptions } from '../../src/server/index.js';
import { Board } from './fixtures/Board.js';

export { Board };

/** Starts a server on 127.0.0.1 with quiet logs; returns it and its base URLs. */
export async function start(
  options: Partial<ServerOptions> = {},
  listenPort = 0,
): Promise<{ server: LockstepServer; ws: string; http: string }> {
  const server = createServer({ rooms: { board: Board }, logger: { log: () => undefined }, ...options });
  const { port } = await server.listen(listenPort, '127.0.0.1');
  return { server, ws: `ws://127.0.0.1:${port}`, http: `http://127.0.0.1:${port}` };
}

/** A SyncClient of a Board over `ws`, reconnecting quickly. */
export function client(url: string, options: L.ConnectOptions = {}): L.SyncClient<Board> {
  return L.connect(Board, url, { WebSocket, minDelay: 20, maxDelay: 200, ...options });
}

/** Polls `cond` every 5 ms until it holds; fails after `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A fresh temporary directory, removed by `cleanup`. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-server-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Resolves with what a raw `ws` connection to `url` got instead of opening: the HTTP status. */
export function refusal(url: string, protocols?: string[], headers?: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      reject(new Error(`${url} opened`));
    });
    ws.on('error', () => undefined);
  });
}

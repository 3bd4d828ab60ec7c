// A child server process under load is killed with SIGKILL, then restarted on the same port and
// data directory: every change any client saw acknowledged is there, the clients resume on their
// own (same client ids) and their unacknowledged changes apply exactly once. Then SIGTERM shuts
// the server down gracefully (exit 0, clients told 1001) and a third start still has everything.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { client, tempDir, until, type Board } from './wsFixtures.js';

jest.setTimeout(60_000);

const repo = resolve(__dirname, '../..');

/** Bundles the child (dependencies stay external, resolved from the repo's node_modules). */
async function bundle(): Promise<string> {
  const dir = join(repo, 'node_modules/.cache/lockstep-tests');
  await mkdir(dir, { recursive: true });
  const out = join(dir, `serverChild-${process.pid}.mjs`);
  execFileSync(join(repo, 'node_modules/.bin/esbuild'), [
    join(__dirname, 'fixtures/serverChild.ts'),
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--packages=external',
    '--target=node20',
    `--outfile=${out}`,
    '--log-level=warning',
  ]);
  return out;
}

/** Starts the child; resolves with it once it printed its port. */
function spawnServer(script: string, dataDir: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [script, dataDir, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolvePort, reject) => {
    let text = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolvePort({ child, port: Number(text.trim()) });
    });
    child.once('exit', (code) => reject(new Error(`server child exited early (${code})`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

it('loses no acknowledged change when the server is killed, and clients resume by themselves', async () => {
  const script = await bundle();
  const { dir, cleanup } = await tempDir();
  let { child, port } = await spawnServer(script, dir, 0);
  const url = `ws://127.0.0.1:${port}/rooms/board/crash`;
  const clients = [client(url), client(url, { codec: L.jsonCodec }), client(url)];
  const acked = new Set<string>();
  const made: string[] = [];
  let writing = true;
  try {
    await until(() => clients.every((c) => c.status === 'live'));
    const ids = clients.map((c) => c.clientId);
    const write = async (c: L.SyncClient<Board>, name: string) => {
      for (let n = 0; writing && n < 10_000; n++) {
        const batch = [0, 1, 2].map((k) => `${name}-${n}-${k}`);
        for (const item of batch) {
          c.state.todos.push(item);
          made.push(item);
        }
        await c.whenSynced();
        if (writing) for (const item of batch) acked.add(item);
      }
    };
    const writers = clients.map((c, i) => write(c, `c${i}`));
    await until(() => acked.size >= 300, 30_000, '300 acknowledged');
    child.kill('SIGKILL');
    await exited(child);
    writing = false;
    const ackedAtKill = [...acked];
    await until(() => clients.every((c) => c.status === 'offline'));
    clients[0]?.state.todos.push('while-down');
    made.push('while-down');

    ({ child } = await spawnServer(script, dir, port));
    await until(() => clients.every((c) => c.status === 'live'), 10_000, 'live after restart');
    await Promise.all(writers);
    await Promise.all(clients.map((c) => c.whenSynced()));
    await until(() => clients.every((c) => c.version === clients[0]?.version));
    expect(clients.map((c) => c.clientId)).toEqual(ids);
    const todos = (clients[0]?.doc.toJSON() as { todos: string[] }).todos;
    for (const c of clients) expect(c.doc.toJSON()).toEqual(clients[0]?.doc.toJSON());
    expect(new Set(todos).size).toBe(todos.length); // nothing applied twice
    for (const item of ackedAtKill) expect(todos).toContain(item);
    expect([...todos].sort()).toEqual([...made].sort()); // unacknowledged changes were resent, once

    // Graceful: SIGTERM makes the server close its clients with 1001 and exit 0.
    const watcher = new WebSocket(url, ['lockstep.v1.json']);
    const closeCode = new Promise<number>((r) => watcher.once('close', (code) => r(code)));
    await new Promise((r) => watcher.once('open', r));
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(await closeCode).toBe(1001);
    ({ child } = await spawnServer(script, dir, port));
    await until(() => clients.every((c) => c.status === 'live'), 10_000, 'live after the graceful restart');
    expect((clients[1]?.doc.toJSON() as { todos: string[] }).todos).toEqual(todos);
  } finally {
    writing = false;
    for (const c of clients) c.close();
    child.kill('SIGKILL');
    await cleanup();
  }
});

it('loses nothing acknowledged across repeated SIGKILLs, in several rooms, for lists and text alike', async () => {
  const script = await bundle();
  const { dir, cleanup } = await tempDir();
  let { child, port } = await spawnServer(script, dir, 0);
  const rooms = ['k0', 'k1', 'k2'];
  const url = (room: string) => `ws://127.0.0.1:${port}/rooms/board/${room}`;
  const writers = rooms.flatMap((room) => [
    { room, name: `${room}b`, c: client(url(room)) },
    { room, name: `${room}j`, c: client(url(room), { codec: L.jsonCodec }) },
  ]);
  const acked = new Set<string>(); // list items and text tokens some client saw acknowledged
  const made: Record<string, string[]> = Object.fromEntries(rooms.map((r) => [r, []]));
  let writing = true;
  const refused: string[] = [];
  for (const w of writers) w.c.on('rejected', (r) => refused.push(`${w.name}: ${r.code}`));
  try {
    await until(() => writers.every((w) => w.c.status === 'live'), 10_000, 'all live');
    const ids = writers.map((w) => w.c.clientId);
    const next = new Map<string, number>();
    const write = async ({ room, name, c }: (typeof writers)[number]) => {
      for (let i = 0; writing && i < 10_000; i++) {
        const n = next.get(name) ?? 0;
        next.set(name, n + 1);
        const item = `${name}-${n}`;
        c.state.todos.push(item);
        // whole tokens at either end of the text, so concurrent ones never split each other
        c.state.notes.insert(n % 2 ? c.state.notes.length : 0, `<${item}>`);
        made[room]?.push(item);
        await c.whenSynced();
        if (writing) acked.add(item);
      }
    };
    const kill = async () => {
      child.kill('SIGKILL');
      await exited(child);
    };
    let running = writers.map(write);
    for (const round of [1, 2]) {
      const target = acked.size + 150;
      await until(() => acked.size >= target, 30_000, `150 more acknowledged (round ${round})`);
      await kill(); // mid-burst: every writer has a change in flight
      writing = false;
      await until(() => writers.every((w) => w.c.status === 'offline'), 10_000, 'offline');
      for (const w of writers) {
        // made while the server is down: acknowledged only after the restart
        const item = `${w.name}-down${round}`;
        w.c.state.todos.push(item);
        made[w.room]?.push(item);
      }
      ({ child } = await spawnServer(script, dir, port));
      await until(() => writers.every((w) => w.c.status === 'live'), 10_000, `live after restart ${round}`);
      await Promise.all(running);
      writing = true;
      running = writers.map(write);
    }
    writing = false;
    await Promise.all(running);
    await Promise.all(writers.map((w) => w.c.whenSynced()));
    expect(refused).toEqual([]);
    expect(writers.map((w) => w.c.clientId)).toEqual(ids);
    for (const room of rooms) {
      const view = (await (await fetch(`http://127.0.0.1:${port}/rooms/board/${room}`)).json()) as { todos: string[]; notes: string };
      const mine = writers.filter((w) => w.room === room);
      await until(() => mine.every((w) => JSON.stringify(w.c.doc.toJSON()) === JSON.stringify(view)), 10_000, `${room} converged`);
      expect(new Set(view.todos).size).toBe(view.todos.length); // nothing applied twice
      expect([...view.todos].sort()).toEqual([...(made[room] ?? [])].sort()); // nothing lost, acknowledged or not
      for (const item of acked) {
        if (!item.startsWith(room)) continue;
        expect(view.todos).toContain(item);
        expect(view.notes.split(`<${item}>`)).toHaveLength(2); // its text token, exactly once
      }
    }
  } finally {
    writing = false;
    for (const w of writers) w.c.close();
    child.kill('SIGKILL');
    await cleanup();
  }
});

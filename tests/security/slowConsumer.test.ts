// Slow consumers: clients that stop reading (a raw socket that completed the handshake and said
// hello, then never reads) must not grow the server's memory without bound, nor slow the room
// for everyone else. A writer changes the room at a steady pace; readers measure how long each
// change takes to reach them, before and while slow clients are connected. The slow ones are
// dropped once their unsent output passes `maxBufferedBytes`, which is never exceeded by more
// than a frame, and the others' p99 stays within a generous factor of what it was.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import * as L from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { Room } from '../sync/fixtures.js';
import { maskedFrame, percentiles, rawSocket, sleep, until } from './helpers.js';

jest.setTimeout(60_000);

const MAX_BUFFERED = 512 * 1024;
const PAD = 'x'.repeat(16 * 1024);
const READERS = 6;
const SLOW = 3;

it('drops clients that stop reading, keeps memory bounded and the room fast for the others', async () => {
  const server = createServer({ rooms: { room: Room }, maxBufferedBytes: MAX_BUFFERED, logger: { log: () => undefined } });
  const { port } = await server.listen(0, '127.0.0.1');
  const serverSockets: Socket[] = [];
  server.http.on('connection', (s: Socket) => serverSockets.push(s));
  const url = `ws://127.0.0.1:${port}/rooms/room/slow`;
  const writer = L.connect(Room, url, { WebSocket });
  const readers = Array.from({ length: READERS }, (_, i) => L.connect(Room, url, { WebSocket, codec: i % 2 ? L.jsonCodec : L.binaryCodec }));
  let phase: 'warmup' | 'before' | 'during' = 'warmup';
  const latency = { before: [] as number[], during: [] as number[] };
  for (const r of readers) {
    r.on('change', ({ local }) => {
      const at = (r.state.atom.value as { t?: number } | null)?.t;
      if (!local && typeof at === 'number' && phase !== 'warmup') latency[phase].push(Date.now() - at);
    });
  }
  let writing = true;
  const write = (async () => {
    for (let n = 0; writing && n < 100_000; n++) {
      writer.state.atom.set({ t: Date.now(), n, pad: PAD });
      await sleep(10);
    }
  })();
  let sampling = true;
  let peakBuffered = 0;
  let peakExternal = 0;
  const sample = (async () => {
    while (sampling) {
      for (const s of serverSockets) peakBuffered = Math.max(peakBuffered, s.writableLength);
      peakExternal = Math.max(peakExternal, process.memoryUsage().arrayBuffers);
      await sleep(5);
    }
  })();
  const slow: Socket[] = [];
  try {
    await until(() => writer.status === 'live' && readers.every((r) => r.status === 'live'), 5000, 'clients live');
    await sleep(500);
    phase = 'before';
    await sleep(2000);
    const externalBefore = process.memoryUsage().arrayBuffers;
    peakBuffered = 0;
    phase = 'during';
    for (let i = 0; i < SLOW; i++) {
      const s = await rawSocket(port, '/rooms/room/slow');
      s.write(maskedFrame(1, Buffer.from(JSON.stringify({ type: 'hello', v: 1 }))));
      slow.push(s); // paused since the handshake: it never reads again
    }
    await until(() => server.metrics.backpressureDrops === SLOW, 40_000, 'slow clients dropped');
    await sleep(500);
    writing = false;
    await write;
    sampling = false;
    await sample;
    await Promise.all([writer, ...readers].map((c) => c.whenSynced()));
    await until(() => readers.every((r) => r.version === writer.version), 5000, 'readers caught up');

    const before = percentiles(latency.before);
    const during = percentiles(latency.during);
    // eslint-disable-next-line no-console
    console.log(
      `slow consumers: p50/p99 before ${before.p50}/${before.p99} ms (n=${before.n}), during ${during.p50}/${during.p99} ms (n=${during.n}); ` +
        `peak unsent ${(peakBuffered / 1024).toFixed(0)} KiB per socket (limit ${MAX_BUFFERED / 1024}); ` +
        `external memory +${((peakExternal - externalBefore) / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(server.metrics.backpressureDrops).toBe(SLOW);
    expect(server.rooms.list()[0]?.connections).toBe(1 + READERS);
    expect(peakBuffered).toBeLessThan(MAX_BUFFERED + 64 * 1024); // the limit, plus at most one frame
    expect(peakExternal - externalBefore).toBeLessThan(64 * 2 ** 20);
    expect(during.n).toBeGreaterThan(50);
    expect(during.p99).toBeLessThan(Math.max(4 * before.p99, before.p99 + 100));
    for (const r of readers) expect(r.doc.snapshot()).toEqual(writer.doc.snapshot());
  } finally {
    writing = false;
    sampling = false;
    for (const s of slow) s.destroy();
    writer.close();
    for (const r of readers) r.close();
    await server.close();
  }
});

// A seeded protocol fuzzer against a real server on 127.0.0.1: hostile connections (both codecs,
// and none) send random bytes, broken frames, wrong types, hostile keys, deep nesting, huge
// numbers, invalid ops, replayed seqs, other clients' ids and tokens and oversize frames, mixed
// with valid submits. After every batch: a well-behaved client in each room still gets its
// changes through; each room's state equals a reference replay of the transitions it accepted
// (the journal's records, applied to a fresh Doc), and so do the well-behaved client and the
// HTTP view; nothing is committed twice or in another client's name; no hook failed; no object
// prototype was polluted; and at the end the heap is back near its baseline.
//
// Replay a run with `SEED=n npx jest tests/security/protocolFuzz`; `FUZZ_BATCHES=200` runs longer.
// (The seed fixes every case sent; how concurrent connections interleave is up to the network.)
import * as L from '../../src/index.js';
import { createServer, type LockstepServer, type SyncRoom } from '../../src/server/index.js';
import { Room } from '../sync/fixtures.js';
import { fuzzCase, type FuzzContext } from './fuzzCases.js';
import { collector, prng, Rand, RawPeer, ReferenceJournal, settledHeap, until, within, type Msg } from './helpers.js';
import { WebSocket } from 'ws';

const SEED = process.env.SEED ? Number(process.env.SEED) : 20261123;
const BATCHES = Number(process.env.FUZZ_BATCHES ?? 16);
const CONNECTIONS = 10;
const CASES = 50; // per connection at most (a server may close a hostile one sooner)
const ROOMS = ['f0', 'f1', 'f2'];
const MAX_PAYLOAD = 64 * 1024;
const PROTOCOLS = ['lockstep.v1.json', 'lockstep.v1.bin', ''] as const;
const KNOWN = new Set(['welcome', 'apply', 'ack', 'reject', 'presence', 'pong', 'error']);

jest.setTimeout(120_000);

type Identity = { user: string };

interface Good {
  room: string;
  client: L.SyncClient<Room>;
  rejected: string[];
}

it(`keeps every room whole under hostile input (seed ${SEED}, ${BATCHES} batches)`, async () => {
  // eslint-disable-next-line no-console
  console.log(`protocol fuzz: SEED=${SEED} FUZZ_BATCHES=${BATCHES}`);
  const journal = new ReferenceJournal(Room);
  const errorLogs: string[] = [];
  const server: LockstepServer = createServer({
    rooms: { room: Room },
    journal,
    logger: { log: (level, event, fields) => void (level === 'error' && errorLogs.push(`${event} ${JSON.stringify(fields)}`)) },
    authenticate: ({ token }) => (token === 'alice' || token === 'mallory' ? { user: token } : null),
    authorize: (identity, t) => !((identity as Identity).user === 'mallory' && t.path[0] === 'ticks'),
    maxPayload: MAX_PAYLOAD,
    resumeGrace: 50,
    history: 500,
    limits: { snapshotBytes: 256 * 1024 },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = (room: string) => `ws://127.0.0.1:${port}/rooms/room/${room}`;
  const serverOf = (room: string) => server.rooms.use('room', room, (s) => (s as SyncRoom<Room>).server);
  const goods: Good[] = ROOMS.map((room, i) => {
    const client = L.connect(Room, url(room), { WebSocket, token: 'alice', codec: i % 2 ? L.jsonCodec : L.binaryCodec, minDelay: 20, maxDelay: 200 });
    const good: Good = { room, client, rejected: [] };
    client.on('rejected', (r) => good.rejected.push(`${r.code}: ${r.message}`));
    return good;
  });
  const goodIds = new Set<string>();
  const stolen: string[] = [];
  const kinds = new Map<string, number>();
  const gc = collector();
  let baseline = 0;
  try {
    await until(() => goods.every((g) => g.client.status === 'live'), 10_000, 'well-behaved clients live');
    for (const g of goods) goodIds.add(g.client.clientId as string);
    const victims = goods.map((g) => ({ clientId: g.client.clientId as string, token: (g.client as unknown as { token: string }).token }));

    for (let batch = 0; batch < BATCHES; batch++) {
      const plan = new Rand(prng(SEED * 1000 + batch));
      const peers = Array.from({ length: CONNECTIONS }, (_, i) => {
        const room = plan.pick(ROOMS);
        const protocol = plan.pick(PROTOCOLS);
        return { i, room, protocol, peer: new RawPeer(url(room), protocol, { authorization: 'Bearer mallory' }, { keep: false }) };
      });
      await Promise.all(
        peers.map(async ({ i, peer, protocol }) => {
          const rand = new Rand(prng((SEED ^ 0x5bd1e995) + batch * 7919 + i));
          const cx: FuzzContext = { rand, codec: protocol === 'lockstep.v1.bin' ? 'bin' : 'json', seq: 1, version: 0, ids: [], victims, maxPayload: MAX_PAYLOAD };
          let lastApply = 0;
          peer.on((m: Msg) => {
            if (!KNOWN.has(m.type)) stolen.push(`unknown message type ${m.type}`);
            if (m.type === 'welcome') {
              if (goodIds.has(m.clientId as string)) stolen.push(`mallory was welcomed as ${String(m.clientId)}`);
              cx.version = m.version as number;
              cx.seq = (m.lastSeq as number) + 1;
              lastApply = m.version as number;
            }
            if (m.type === 'apply' || m.type === 'ack') {
              if ((m.version as number) <= lastApply) stolen.push(`${m.type} v${String(m.version)} after v${lastApply}`);
              lastApply = m.version as number;
              cx.version = Math.max(cx.version, m.version as number);
            }
          });
          if (!(await peer.opened)) return;
          if (rand.chance(0.9)) await peer.hello();
          for (let n = 0; n < CASES && peer.open; n++) {
            const c = fuzzCase(cx);
            kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
            for (const f of c.frames) peer.send(f);
            if (n % 10 === 9) await peer.settle(3000);
          }
          await peer.settle(3000);
          const end = rand.int(0, 2);
          if (end === 0) peer.ws.close();
          else if (end === 1) peer.ws.terminate();
          else {
            // cut mid-frame: the header of a 4 KiB binary frame, 3 bytes of it, then gone
            const socket = (peer.ws as unknown as { _socket: import('node:net').Socket })._socket;
            socket.write(Buffer.from([0x82, 0xfe, 0x10, 0x00, 1, 2, 3, 4, 5, 6, 7]));
            socket.destroy();
          }
          await peer.closed;
        }),
      );

      // The server still serves: each well-behaved client's change goes through.
      await Promise.all(
        goods.map(async (g) => {
          g.client.state.list.insert(0, batch);
          await within(g.client.whenSynced(), 10_000);
          expect(g.client.pendingCount).toBe(0);
        }),
      );
      // Hostile sessions expire (resumeGrace 50 ms) and leave; then every room is quiet and equal.
      for (const g of goods) {
        await until(async () => (await serverOf(g.room)).connectionCount === 1, 5000, `${g.room}: hostile connections gone`);
        await until(async () => {
          const s = await serverOf(g.room);
          return (s as unknown as { sessions: Map<string, unknown> }).sessions.size === 1;
        }, 5000, `${g.room}: hostile sessions expired`);
        await until(async () => {
          const s = await serverOf(g.room);
          return g.client.version === s.version && journal.rooms.get(`room/${g.room}`)?.version === s.version;
        }, 5000, `${g.room}: quiet`);
        const s = await serverOf(g.room);
        const ref = journal.rooms.get(`room/${g.room}`);
        expect(ref?.doc.snapshot()).toEqual(s.doc.snapshot());
        expect(g.client.doc.snapshot()).toEqual(s.doc.snapshot());
        const view = await fetch(`http://127.0.0.1:${port}/rooms/room/${g.room}`, { headers: { authorization: 'Bearer alice' } });
        expect(await view.json()).toEqual(JSON.parse(JSON.stringify(s.doc.toJSON())));
        // Nobody committed in the well-behaved client's name.
        expect(ref?.origins.get(g.client.clientId as string) ?? 0).toBeLessThanOrEqual(g.client.lastSeq);
      }
      expect(journal.problems).toEqual([]);
      expect(stolen).toEqual([]);
      expect(errorLogs).toEqual([]);
      expect(goods.flatMap((g) => g.rejected)).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
      if (batch === 1) baseline = await settledHeap(gc);
    }

    const heap = await settledHeap(gc);
    const grown = (heap - baseline) / 2 ** 20;
    const bound = gc ? 40 : 120;
    // eslint-disable-next-line no-console
    console.log(`protocol fuzz: ${[...kinds.values()].reduce((a, b) => a + b, 0)} cases ${JSON.stringify(Object.fromEntries(kinds))}; heap ${grown.toFixed(1)} MiB over baseline (gc ${gc ? 'on' : 'off'})`);
    expect(grown).toBeLessThan(bound);
    expect(server.metrics.transitions).toBeGreaterThan(BATCHES * 10); // the fuzz got real changes in
  } finally {
    for (const g of goods) g.client.close();
    await server.close();
  }
});

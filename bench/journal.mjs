// Journal benchmark: acknowledged appends per second of the FileJournal, with group commit.
//
//   npm run build && node bench/journal.mjs
//
// Each scenario runs `writers` writers per room; each writer keeps `inFlight` appends
// outstanding and awaits its own acknowledgements (a writer is a client whose transitions
// the room commits). The room host snapshots every 1,000 versions (a 10 KB state), as
// FileJournal's `snapshotEvery` asks, so compaction is part of the cost. Environment:
// BENCH_MS (duration per scenario, default 2000), BENCH_DIR (where to write, default the OS
// temp dir: put it on the disk you want to measure).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../dist/server/journal/FileJournal.js';

const DURATION = Number(process.env.BENCH_MS ?? 2000);
const BASE = process.env.BENCH_DIR ?? tmpdir();
const TARGET = 10_000;

const scenarios = [
  { durability: 'fsync', rooms: 1, writers: 1, inFlight: 1 },
  { durability: 'fsync', rooms: 1, writers: 10, inFlight: 1 },
  { durability: 'fsync', rooms: 1, writers: 10, inFlight: 16 },
  { durability: 'fsync', rooms: 10, writers: 10, inFlight: 4 },
  { durability: 'write', rooms: 1, writers: 1, inFlight: 1 },
  { durability: 'write', rooms: 1, writers: 10, inFlight: 16 },
];

/** A typical committed change: one List insert of a todo item. */
function record(version, writer) {
  return {
    version,
    time: Date.now(),
    origin: `client-${writer}`,
    seq: version,
    effects: [
      {
        path: ['todos'],
        op: { type: 'list/insert', id: `k${version.toString(36)}`, key: 'a0V', value: { text: 'buy oat milk', done: false } },
      },
    ],
  };
}

const state = { todos: 'x'.repeat(10_000) };

async function run({ durability, rooms, writers, inFlight }) {
  const dir = await mkdtemp(join(BASE, 'lockstep-bench-journal-'));
  const journal = new FileJournal(dir, { durability });
  const heads = new Map();
  for (let r = 0; r < rooms; r++) heads.set(`room-${r}`, { next: 1, snapshot: 0 });
  await Promise.all([...heads.keys()].map((room) => journal.load(room)));

  const latencies = [];
  let acks = 0;
  const start = performance.now();
  const deadline = start + DURATION;
  async function lane(room, writer) {
    const head = heads.get(room);
    while (performance.now() < deadline) {
      const version = head.next++;
      const t0 = performance.now();
      await journal.append(room, record(version, writer));
      latencies.push(performance.now() - t0);
      acks++;
      if (version - head.snapshot >= journal.snapshotEvery) {
        head.snapshot = version;
        await journal.snapshot(room, { version, data: state });
      }
    }
  }
  const lanes = [];
  for (const room of heads.keys()) {
    for (let w = 0; w < writers; w++) for (let i = 0; i < inFlight; i++) lanes.push(lane(room, w));
  }
  await Promise.all(lanes);
  const elapsed = (performance.now() - start) / 1000;
  await journal.close();
  await rm(dir, { recursive: true, force: true });

  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const { appends, writes, syncs, bytes } = journal.stats;
  return {
    durability,
    rooms,
    'writers/room': writers,
    'in flight': inFlight,
    'acks/s': Math.round(acks / elapsed),
    'appends/write': +(appends / writes).toFixed(1),
    'fsyncs/s': Math.round(syncs / elapsed),
    'MB/s': +(bytes / elapsed / 1e6).toFixed(1),
    'p50 ms': +pct(0.5).toFixed(2),
    'p99 ms': +pct(0.99).toFixed(2),
  };
}

console.log(`FileJournal, ${DURATION} ms per scenario, in ${BASE}, Node ${process.version}`);
const rows = [];
for (const scenario of scenarios) rows.push(await run(scenario));
console.table(rows);

const main = rows.find((r) => r.durability === 'fsync' && r.rooms === 1 && r['writers/room'] === 10 && r['in flight'] === 16);
const verdict = main['acks/s'] >= TARGET ? 'meets' : 'MISSES';
console.log(`fsync, 1 room, 10 writers x 16 in flight: ${main['acks/s']} acknowledged appends/s (${verdict} the target of ${TARGET}/s)`);

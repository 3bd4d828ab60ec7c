// A soak test client process (started by scripts/soak.mjs over IPC): SyncClients of SoakRoom
// over `ws` on 127.0.0.1, each editing at a human rate (1–3 edits/s, Text and List mixed) for
// the given time. It measures ack latency (a change until the client is synced) and delivery
// latency (a list item's creation, stamped in its value, until another client of its room sees
// it; all clients of a room live in the same process, so they share a clock), then checks that
// every client of its rooms holds exactly the server's JSON view.
import { WebSocket } from 'ws';
import * as L from '../../dist/index.js';
import { seededRandom } from '../../dist/sync/random.js';
import { SoakRoom } from './room.mjs';
import { Histogram } from './stats.mjs';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** mulberry32 (the library's). */
const prng = seededRandom;

async function within(promise, ms) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((r) => (timer = setTimeout(() => r('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const acks = new Histogram();
const deliveries = new Histogram();
const errors = {};
const count = (what) => (errors[what] = (errors[what] ?? 0) + 1);
let edits = 0;

function join(port, room, tag) {
  const c = L.connect(SoakRoom, `ws://127.0.0.1:${port}/rooms/soak/${room}`, { WebSocket, minDelay: 100, maxDelay: 2000 });
  let wasLive = false;
  c.on('status', (s) => {
    if (s === 'live') wasLive = true;
    else if (s === 'offline' && wasLive) count('disconnects');
  });
  c.on('rejected', (r) => count(`rejected:${r.code}`));
  c.on('error', (e) => count(`error:${e.code}`));
  c.on('change', ({ effects, local }) => {
    if (local) return;
    for (const e of effects) {
      const v = e.op.type === 'list/insert' ? e.op.value : undefined;
      if (typeof v !== 'string' || v.startsWith(`${tag}-`)) continue;
      const t = Number(v.slice(v.indexOf('|') + 1));
      if (Number.isFinite(t)) deliveries.add(now() - t);
    }
  });
  return { c, room, tag, n: 0 };
}

function edit(client, rand) {
  const { c } = client;
  const items = c.state.items;
  const notes = c.state.notes;
  const roll = rand();
  const t0 = now();
  if (roll < 0.55) {
    const ids = items.length > 60 && roll < 0.15 ? items.ids() : null;
    if (ids) items.delete(ids[Math.floor(rand() * ids.length)]);
    else items.insert(Math.floor(rand() * (items.length + 1)), `${client.tag}-${client.n++}|${now()}`);
  } else if (notes.length > 3000) {
    notes.delete(Math.floor(rand() * (notes.length - 20)), 20);
  } else {
    notes.insert(Math.floor(rand() * (notes.length + 1)), 'abcdefgh '.slice(0, 1 + Math.floor(rand() * 4)));
  }
  edits++;
  void c.whenSynced().then(() => acks.add(now() - t0));
}

async function run({ port, rooms, seconds, seed, rampMs }) {
  const rand = prng(seed);
  const clients = [];
  for (const [room, n] of rooms) {
    for (let i = 0; i < n; i++) {
      clients.push(join(port, room, `${room}.${i}`));
      await sleep(rampMs);
    }
  }
  const live = await within(
    (async () => {
      while (!clients.every((x) => x.c.status === 'live')) await sleep(50);
    })(),
    120_000,
  );
  process.send({ ready: live !== 'timeout', connected: clients.filter((x) => x.c.status === 'live').length });
  await new Promise((resolve) => process.once('message', resolve)); // go
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      const rate = 1 + 2 * rand(); // edits per second, this client
      await sleep(rand() * 1000);
      while (Date.now() < end) {
        edit(client, rand);
        await sleep(((0.5 + rand()) * 1000) / rate);
      }
    }),
  );
  process.send({ stopped: true, edits });
  // Quiet: every change answered, every client of a room at one version; then compare with the server.
  if ((await within(Promise.all(clients.map((x) => x.c.whenSynced())), 60_000)) === 'timeout') count('unsynced at the end');
  const convergence = { rooms: 0, converged: 0, mismatched: [] };
  for (const [room] of rooms) {
    const mine = clients.filter((x) => x.room === room).map((x) => x.c);
    convergence.rooms++;
    let ok = false;
    for (let attempt = 0; attempt < 20 && !ok; attempt++) {
      if (attempt) await sleep(250);
      if (!mine.every((c) => c.version === mine[0].version && c.pendingCount === 0)) continue;
      const view = JSON.stringify(await (await fetch(`http://127.0.0.1:${port}/rooms/soak/${room}`)).json());
      ok = mine.every((c) => JSON.stringify(c.doc.toJSON()) === view);
    }
    if (ok) convergence.converged++;
    else convergence.mismatched.push(room);
  }
  for (const x of clients) x.c.close();
  process.send({ report: { edits, acks, deliveries, errors, convergence } });
  process.disconnect();
}

process.on('disconnect', () => process.exit(0));
process.once('message', (m) => {
  run(m).catch((err) => {
    console.error(err);
    process.exit(1);
  });
});

// WebSocket fan-out benchmark on loopback: a lockstep room server against a raw `ws` broadcast
// server doing the same fan-out with the same frames.
//
//   npm run build && node bench/ws.mjs [--ms 3000] [--only fanout-100,rate-100]
//
// Three processes per case: this one (orchestrator), the server, and one process holding every
// client. Clients are raw `ws` sockets that decode each frame with lockstep's binary codec, so
// client cost is the same on both sides:
//   lockstep — clients speak lockstep.v1.bin: `hello`, then the publishers `submit` an
//     `atom/set` of { t, pad }; the room commits it (journal in memory, or FileJournal with
//     fsync) and broadcasts `apply` to every client, the publisher included.
//   raw      — the publisher sends the very bytes of such an `apply`; the server sends them on
//     to every client of the room, the publisher included.
// A saturating publisher keeps `window` changes in flight (its own echo frees a slot). A
// delivery is one `apply` frame received by one client; latency is from the publisher's send
// to each receipt (same process, same clock). The durable case counts changes acknowledged
// to their publishers by an fsync'ed room.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';

const self = fileURLToPath(import.meta.url);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const PAD = 'x'.repeat(64);

// ---- server process: `node ws.mjs server <raw|memory|fsync> [dataDir]`
async function server(kind, dataDir) {
  if (kind === 'raw') {
    const rooms = new Map();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    wss.on('connection', (ws, req) => {
      let room = rooms.get(req.url);
      if (!room) rooms.set(req.url, (room = new Set()));
      room.add(ws);
      ws.on('close', () => room.delete(ws));
      ws.on('message', (data, isBinary) => {
        for (const peer of room) peer.send(data, { binary: isBinary });
      });
    });
    await new Promise((r) => wss.once('listening', r));
    return wss.address().port;
  }
  const L = await import('../dist/index.js');
  const { createServer, FileJournal } = await import('../dist/server/index.js');
  const Bench = L.defineStateMachine({ name: 'Bench', fields: { value: () => new L.Atom(null) } });
  const s = createServer({
    rooms: { bench: Bench },
    ...(kind === 'fsync' ? { journal: new FileJournal(dataDir, { durability: 'fsync', snapshotEvery: 1e9 }) } : {}),
    limits: { submitRate: 1e9, submitBurst: 1e9, clients: 1e6 },
    logger: { log: () => undefined },
  });
  return (await s.listen(0, '127.0.0.1')).port;
}

// ---- clients process: `node ws.mjs clients <json>`
async function clients({ port, kind, clients: n, publishers, window, rate, ms }) {
  const { binaryCodec } = await import('../dist/index.js');
  const url = `ws://127.0.0.1:${port}/rooms/bench/r1`;
  const lockstep = kind !== 'raw';
  let measuring = false;
  let deliveries = 0;
  let acks = 0;
  const latencies = [];
  const conns = [];
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(url, lockstep ? ['lockstep.v1.bin'] : [], { perMessageDeflate: false });
    const c = { ws, id: String(i), version: 0, seq: 0, inflight: 0, sentAt: new Map() };
    await new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => {
        if (!lockstep) return resolve();
        ws.send(binaryCodec.encode({ type: 'hello', v: 1 }));
        ws.once('message', (data) => {
          const welcome = binaryCodec.decode(new Uint8Array(data));
          c.id = welcome.clientId;
          c.version = welcome.version;
          resolve();
        });
      });
    });
    ws.on('message', (data) => {
      const msg = binaryCodec.decode(new Uint8Array(data));
      // The publisher hears of its own change as an `ack` when nothing came between (or as
      // the `apply` otherwise); everyone else gets the `apply`.
      const own = msg.type === 'ack' || (msg.type === 'apply' && msg.origin === c.id);
      if (msg.type !== 'apply' && msg.type !== 'ack') return;
      c.version = msg.version;
      const sent = own ? c.sentAt.get(msg.seq) : msg.effects[0].op.value.t;
      if (own) c.sentAt.delete(msg.seq);
      if (measuring) {
        deliveries++;
        latencies.push(performance.now() - sent);
      }
      if (own) {
        c.inflight--;
        if (measuring) acks++;
        if (window) publish(c);
      }
    });
    conns.push(c);
  }
  function publish(c) {
    while (c.inflight < window) send(c);
  }
  function send(c) {
    c.inflight++;
    const t = performance.now();
    const transitions = [{ path: ['value'], op: { type: 'atom/set', value: { t, pad: PAD } } }];
    const seq = ++c.seq;
    c.sentAt.set(seq, t);
    const msg = lockstep
      ? { type: 'submit', seq, base: c.version, transitions }
      : { type: 'apply', version: c.version + 1, effects: transitions, origin: c.id, seq };
    c.ws.send(binaryCodec.encode(msg));
  }
  const pubs = conns.slice(0, publishers);
  const timers = [];
  if (window) for (const c of pubs) publish(c);
  else {
    pubs.forEach((c, i) => {
      setTimeout(() => timers.push(setInterval(() => send(c), 1000 / rate)), (i * 1000) / rate / pubs.length);
    });
  }
  await new Promise((r) => setTimeout(r, 500)); // warm-up
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  for (const t of timers) clearInterval(t);
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  for (const c of conns) c.ws.terminate();
  return { deliveriesPerSec: deliveries / seconds, acksPerSec: acks / seconds, p50: q(0.5), p99: q(0.99) };
}

// ---- orchestrator
function child(args, onLine) {
  const p = spawn(process.execPath, [self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  p.stdout.setEncoding('utf8');
  p.stdout.on('data', (chunk) => {
    text += chunk;
    const lines = text.split('\n');
    text = lines.pop();
    for (const line of lines) onLine(line);
  });
  return p;
}

async function runCase(kind, scenario, ms) {
  const dir = kind === 'fsync' ? mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'lockstep-ws-')) : '';
  let srv;
  try {
    const port = await new Promise((resolve, reject) => {
      srv = child(['server', kind, dir], (line) => resolve(Number(line)));
      srv.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    });
    return await new Promise((resolve, reject) => {
      const c = child(['clients', JSON.stringify({ port, kind, ms, ...scenario })], (line) => resolve(JSON.parse(line)));
      c.once('exit', (code) => code && reject(new Error(`clients exited (${code})`)));
    });
  } finally {
    srv?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const SCENARIOS = {
  'fanout-1': { clients: 1, publishers: 1, window: 32 },
  'fanout-10': { clients: 10, publishers: 1, window: 32 },
  'fanout-100': { clients: 100, publishers: 1, window: 32 },
  'rate-100': { clients: 100, publishers: 100, rate: 10 },
  durable: { clients: 2, publishers: 2, window: 256 },
};

async function main() {
  const ms = Number(arg('ms', process.env.BENCH_MS ?? 3000));
  const only = arg('only', Object.keys(SCENARIOS).join(',')).split(',');
  const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
  console.log('| scenario | server | deliveries/s | acked changes/s | p50 ms | p99 ms | vs raw |');
  console.log('|---|---|---|---|---|---|---|');
  for (const name of only) {
    const scenario = SCENARIOS[name];
    const kinds = name === 'durable' ? ['memory', 'fsync'] : ['raw', 'memory', 'fsync'];
    let raw = NaN;
    for (const kind of kinds) {
      const r = await runCase(kind, scenario, ms);
      if (kind === 'raw') raw = r.deliveriesPerSec;
      const label = kind === 'raw' ? 'raw ws' : `lockstep (${kind === 'memory' ? 'memory journal' : 'fsync journal'})`;
      const ratio = kind === 'raw' || !Number.isFinite(raw) ? '' : `${Math.round((100 * r.deliveriesPerSec) / raw)}%`;
      console.log(`| ${name} | ${label} | ${fmt(r.deliveriesPerSec)} | ${kind === 'raw' ? '' : fmt(r.acksPerSec)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${ratio} |`);
    }
  }
}

const [role, a, b] = process.argv.slice(2);
if (role === 'server') server(a, b).then((port) => console.log(port));
else if (role === 'clients') clients(JSON.parse(a)).then((r) => console.log(JSON.stringify(r)));
else await main();

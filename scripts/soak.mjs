// The soak test (a load script, not a unit test):
//
//   npm run soak -- --clients 1000 --rooms 100 --seconds 60 [--workers 3] [--seed 1] [--history n] [--json]
//
// Loopback only and bounded: it starts the room server in its own process (scripts/soak/
// server.mjs: durable file journal with fsync in a temporary directory) and the clients in
// worker processes (scripts/soak/clients.mjs), every client editing its room at a human rate
// (1–3 edits/s, Text and List mixed) for `--seconds`. Then it reports throughput, ack and
// delivery latency (p50/p99), the server's RSS (idle, loaded, peak, end), errors, and whether
// every client of every room ends up equal to the server's HTTP JSON view. It stops by itself,
// after at most `seconds + 300` s, and exits non-zero when a room did not converge.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Histogram } from './soak/stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const clients = arg('clients', 1000);
const roomCount = arg('rooms', 100);
const seconds = arg('seconds', 60);
const seed = arg('seed', 1);
const history = arg('history', 0); // the server's `history` option (0: its default)
const workers = arg('workers', Math.max(1, Math.min(4, Math.ceil(clients / 350))));
const asJson = process.argv.includes('--json');
for (const [name, v, max, min = 1] of [['clients', clients, 20_000], ['rooms', roomCount, 10_000], ['seconds', seconds, 3600], ['workers', workers, 16], ['history', history, 1e6, 0]]) {
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
}
if (!existsSync(join(here, '../dist/server/index.js'))) throw new Error('build first: npm run build (npm run soak does)');

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
const log = (...a) => !asJson && console.log(...a);
const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-soak-'));
const children = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});
const hardStop = setTimeout(() => {
  console.error(`soak: still running after ${seconds + 300} s; stopping`);
  for (const c of children) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(2);
}, (seconds + 300) * 1000);

function child(script, args) {
  const c = spawn(process.execPath, ['--expose-gc', join(here, script), ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(c);
  return c;
}
const next = (c, pred = () => true) =>
  new Promise((resolve, reject) => {
    const done = () => {
      c.off('message', on);
      c.off('exit', exit);
    };
    const on = (m) => {
      if (!pred(m)) return;
      done();
      resolve(m);
    };
    const exit = (code) => {
      done();
      reject(new Error(`${c.spawnargs[1]} exited (${code})`));
    };
    c.on('message', on);
    c.on('exit', exit);
  });
let asked = 0;
const ask = (c, cmd) => {
  const id = ++asked;
  c.send({ cmd, id });
  return next(c, (m) => m.id === id);
};

const server = child('soak/server.mjs', history ? [dataDir, String(history)] : [dataDir]);
const { port } = await next(server);
const idle = await ask(server, 'stats-gc');

// Rooms spread over the workers; clients spread over the rooms (all of a room in one worker).
const perRoom = Array.from({ length: roomCount }, (_, i) => Math.floor(clients / roomCount) + (i < clients % roomCount ? 1 : 0));
const plans = Array.from({ length: workers }, () => []);
perRoom.forEach((n, i) => n && plans[i % workers].push([`r${i}`, n]));
const procs = plans.filter((p) => p.length).map((rooms, w) => {
  const c = child('soak/clients.mjs', []);
  c.send({ port, rooms, seconds, seed: seed * 1000 + w, rampMs: Math.max(1, Math.round((workers * 1000) / 400)) });
  return c;
});
log(`soak: ${clients} clients in ${roomCount} rooms, ${procs.length} client processes, ${seconds} s, server on 127.0.0.1:${port}`);
const connectStart = Date.now();
const ready = await Promise.all(procs.map((c) => next(c, (m) => 'ready' in m)));
const connected = ready.reduce((n, r) => n + r.connected, 0);
log(`soak: ${connected} clients live after ${((Date.now() - connectStart) / 1000).toFixed(1)} s`);
const loaded = await ask(server, 'stats-gc');

const stopped = procs.map((c) => next(c, (m) => m.stopped));
const reports = procs.map((c) => next(c, (m) => m.report));
const started = Date.now();
for (const c of procs) c.send({ go: true });
const samples = [];
const sampler = setInterval(() => {
  void ask(server, 'stats').then((s) => {
    samples.push(s);
    if (samples.length % 10 === 0) log(`  t=${((Date.now() - started) / 1000).toFixed(0)} s  rss ${mib(s.rss)}  transitions ${s.metrics.transitions}  connections ${s.connections}`);
  });
}, 1000);
await Promise.all(stopped);
const elapsed = (Date.now() - started) / 1000;
clearInterval(sampler);
const end = await ask(server, 'stats');
const endHeap = (await ask(server, 'stats-gc')).heapUsed;
const results = (await Promise.all(reports)).map((m) => m.report);
await ask(server, 'close');
clearTimeout(hardStop);
rmSync(dataDir, { recursive: true, force: true });

const acks = new Histogram();
const deliveries = new Histogram();
const errors = {};
const convergence = { rooms: 0, converged: 0, mismatched: [] };
let edits = 0;
for (const r of results) {
  edits += r.edits;
  acks.merge(r.acks);
  deliveries.merge(r.deliveries);
  for (const [k, n] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + n;
  convergence.rooms += r.convergence.rooms;
  convergence.converged += r.convergence.converged;
  convergence.mismatched.push(...r.convergence.mismatched);
}
const m0 = loaded.metrics;
const m1 = end.metrics;
const summary = {
  clients,
  connected,
  rooms: roomCount,
  seconds: Number(elapsed.toFixed(1)),
  edits,
  committedPerSecond: Math.round((m1.transitions - m0.transitions) / elapsed),
  deliveriesPerSecond: Math.round(deliveries.n / elapsed),
  ackMs: { p50: acks.quantile(0.5), p99: acks.quantile(0.99), max: acks.quantile(1) },
  deliveryMs: { p50: deliveries.quantile(0.5), p99: deliveries.quantile(0.99), max: deliveries.quantile(1) },
  serverRss: { idle: idle.rss, loaded: loaded.rss, peak: Math.max(end.peakRss, ...samples.map((s) => s.peakRss)), end: end.rss },
  serverHeapAfterGc: { idle: idle.heapUsed, loaded: loaded.heapUsed, end: endHeap },
  serverBytesOutPerSecond: Math.round((m1.bytesOut - m0.bytesOut) / elapsed),
  serverCpu: Number(((end.cpu.user + end.cpu.system - loaded.cpu.user - loaded.cpu.system) / 1e6 / elapsed).toFixed(2)),
  errors: { ...errors, serverRejects: m1.rejects, serverErrors: m1.errors, backpressureDrops: m1.backpressureDrops, heartbeatDrops: m1.heartbeatDrops, ...end.events },
  convergence,
};
if (asJson) console.log(JSON.stringify(summary, null, 2));
else {
  const { ackMs: a, deliveryMs: d, serverRss: rss } = summary;
  console.log(`
soak results (${summary.seconds} s, ${connected}/${clients} clients, ${roomCount} rooms)
  edits made            ${edits} (${Math.round(edits / elapsed)}/s); committed ${summary.committedPerSecond}/s
  deliveries            ${summary.deliveriesPerSecond}/s (list items seen by other clients)
  ack latency           p50 ${a.p50} ms  p99 ${a.p99} ms  max ${a.max} ms
  delivery latency      p50 ${d.p50} ms  p99 ${d.p99} ms  max ${d.max} ms
  server RSS            idle ${mib(rss.idle)}, loaded ${mib(rss.loaded)}, peak ${mib(rss.peak)}, end ${mib(rss.end)}
  server heap after GC  idle ${mib(summary.serverHeapAfterGc.idle)}, loaded ${mib(summary.serverHeapAfterGc.loaded)}, end ${mib(summary.serverHeapAfterGc.end)}
  server sent           ${mib(summary.serverBytesOutPerSecond)}/s; server CPU ${Math.round(summary.serverCpu * 100)}% of one core
  errors and refusals   ${JSON.stringify(summary.errors)}
  convergence           ${convergence.converged}/${convergence.rooms} rooms equal to the server's view${convergence.mismatched.length ? ` — NOT: ${convergence.mismatched.join(', ')}` : ''}`);
}
if (convergence.converged !== convergence.rooms || connected !== clients) process.exitCode = 1;

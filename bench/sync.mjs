// Sync benchmark: a real editing trace typed by client A and received by client B, end to end.
//
//   npm run build && node bench/sync.mjs [--runs 5] [--trace automerge-paper] [--only lockstep-json,lockstep-bin,yjs]
//
// lockstep: A and B are SyncClients of one SyncServer over the seeded memory transport with zero
// latency, speaking JSON (`lockstep-json`) or the binary codec (`lockstep-bin`); every edit is
// its own transition, and the network runs until quiet after each edit (A applies it
// optimistically and submits it, the server validates and commits it, B gets the `apply` and A
// the `ack`). Yjs: doc A's update events are applied to doc B, one transaction per edit. Each
// (implementation, run) is a fresh Node process; the parent prints medians, edits per second,
// bytes per edit on the wire and the ratio of lockstep's rate to Yjs's.
//
// Traces (traces/, copied from josephg/editing-traces; see traces/NOTICE.md), CC BY 4.0
// (https://creativecommons.org/licenses/by/4.0/): automerge-paper — Martin Kleppmann and
// Alastair R. Beresford (automerge/automerge-perf); seph-blog1 — Joseph Gentle.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

function loadTrace(name) {
  const url = new URL(`../traces/${name}.json.gz`, import.meta.url);
  const trace = JSON.parse(gunzipSync(readFileSync(url)).toString('utf8'));
  const patches = [];
  for (const txn of trace.txns) for (const p of txn.patches) patches.push(p);
  return { end: trace.endContent, patches };
}

/** lockstep end to end with the given codec (`json`: `lockstep.v1.json`, `bin`: `lockstep.v1.bin`). */
async function lockstep({ patches }, codecName) {
  const L = await import('../dist/index.js');
  const { binaryCodec } = await import('../dist/transport/binary/binaryCodec.js');
  const codec = codecName === 'bin' ? binaryCodec : L.jsonCodec;
  const Root = L.defineStateMachine({ name: 'Notes', fields: { text: () => new L.Text() } });
  const net = L.createMemoryNetwork({ seed: 1, latency: 0 });
  const server = new L.SyncServer(Root, { codec, clock: net.clock, limits: { submitRate: 1e9, submitBurst: 1e9 } });
  net.listen((t) => void server.accept(t));
  const a = new L.SyncClient(Root, net.connect(), { codec, clock: net.clock });
  const b = new L.SyncClient(Root, net.connect(), { codec, clock: net.clock });
  net.runUntilQuiet();
  const before = net.stats().bytesDelivered;
  const t0 = performance.now();
  const text = a.state.text;
  for (const [pos, del, ins] of patches) {
    if (del && ins) text.replace(pos, del, ins);
    else if (del) text.delete(pos, del);
    else text.insert(pos, ins);
    net.runUntilQuiet();
  }
  const ms = performance.now() - t0;
  const st = net.stats();
  // Bytes per edit, all directions: A → server (submit), server → B (apply), server → A (ack or apply).
  return { ms, text: b.state.text.toString(), wire: (st.bytesDelivered - before) / patches.length, server: server.doc.state.text.toString() };
}

const impls = {
  'lockstep-json': (trace) => lockstep(trace, 'json'),
  'lockstep-bin': (trace) => lockstep(trace, 'bin'),
  async yjs({ patches }) {
    const Y = await import('yjs');
    const docA = new Y.Doc();
    const docB = new Y.Doc();
    let bytes = 0;
    docA.on('update', (u) => {
      bytes += u.byteLength;
      Y.applyUpdate(docB, u);
    });
    const ta = docA.getText('text');
    const t0 = performance.now();
    for (const [pos, del, ins] of patches) {
      docA.transact(() => {
        if (del) ta.delete(pos, del);
        if (ins) ta.insert(pos, ins);
      });
    }
    const ms = performance.now() - t0;
    return { ms, text: docB.getText('text').toString(), wire: bytes / patches.length };
  },
};

async function child(impl, traceName) {
  const trace = loadTrace(traceName);
  const r = await impls[impl](trace);
  if (r.text !== trace.end || (r.server !== undefined && r.server !== trace.end)) {
    throw new Error(`${impl}: the result does not match endContent`);
  }
  process.stdout.write(JSON.stringify({ ms: r.ms, wire: r.wire, edits: trace.patches.length }));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
  const runs = Number(opt('runs', 5));
  const traceName = opt('trace', 'automerge-paper');
  const only = opt('only', 'lockstep-json,lockstep-bin,yjs').split(',');
  const results = {};
  for (let i = 0; i < runs; i++) {
    for (const impl of only) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', impl, traceName], {
        maxBuffer: 1 << 20,
      });
      (results[impl] ??= []).push(JSON.parse(out.toString()));
    }
  }
  console.log(`\nSync end to end, ${traceName}, median of ${runs} fresh processes (run order interleaved)\n`);
  console.log('| implementation | ms | edits/s | bytes/edit on the wire |');
  console.log('|---|---|---|---|');
  const rate = {};
  for (const impl of only) {
    const rs = results[impl];
    const ms = median(rs.map((r) => r.ms));
    rate[impl] = rs[0].edits / (ms / 1000);
    console.log(`| ${impl} | ${ms.toFixed(0)} | ${Math.round(rate[impl]).toLocaleString('en')} | ${median(rs.map((r) => r.wire)).toFixed(1)} |`);
  }
  for (const impl of ['lockstep-json', 'lockstep-bin']) {
    if (rate[impl] && rate.yjs) console.log(`\n${impl} / Yjs end-to-end rate: ${(rate[impl] / rate.yjs).toFixed(2)}× (target ≥ 4×)`);
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main();

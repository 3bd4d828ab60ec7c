// Text benchmark: replays real editing traces through lockstep's Text and through the peers a
// user would pick instead, each (implementation, trace) run in a fresh Node process.
//
//   npm run build && node bench/text.mjs [--runs 5] [--ot-runs 1] [--only rope,doc] [--trace seph-blog1]
//
// Rows: the naive JS string replay (`s = s.slice(0, pos) + ins + s.slice(pos + del)`), Yjs
// `Y.Text`, ot-text-unicode `type.apply` on a string, lockstep's bare Rope, and lockstep's Text
// through `doc.apply` (schema validation, effects with deleted text and exact inverse
// included). Each child loads the trace, collects garbage, times the replay, checks the result
// against `endContent`, then reports the heap retained by the finished document. The parent
// prints medians and each row's speed relative to the naive string. ot-text-unicode copies
// the whole document on every edit (~50 s per run of automerge-paper here), so it runs
// `--ot-runs` times (default 1) instead of `--runs`.
//
// Traces (traces/, copied from josephg/editing-traces; see traces/NOTICE.md), CC BY 4.0
// (https://creativecommons.org/licenses/by/4.0/): automerge-paper — Martin Kleppmann and
// Alastair R. Beresford (automerge/automerge-perf); seph-blog1 — Joseph Gentle.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const TRACES = ['automerge-paper', 'seph-blog1'];
const IMPLS = {
  naive: 'naive JS string',
  yjs: 'Yjs Y.Text',
  ot: 'ot-text-unicode type.apply',
  rope: 'lockstep Rope (bare)',
  doc: 'lockstep Text via doc.apply',
  trusted: 'lockstep Text via doc.apply, validate: false',
};

function loadTrace(name) {
  const url = new URL(`../traces/${name}.json.gz`, import.meta.url);
  const trace = JSON.parse(gunzipSync(readFileSync(url)).toString('utf8'));
  const patches = [];
  for (const txn of trace.txns) for (const p of txn.patches) patches.push(p);
  return { start: trace.startContent, end: trace.endContent, patches };
}

/**
 * Each entry loads what it needs and returns the timed replay, which returns the finished
 * document (kept alive for the heap figure) and a way to read its text.
 */
const replays = {
  async naive({ start, patches }) {
    return () => {
      let s = start;
      for (const [pos, del, ins] of patches) s = s.slice(0, pos) + ins + s.slice(pos + del);
      return { keep: s, text: () => s };
    };
  },
  async yjs({ start, patches }) {
    const Y = await import('yjs');
    return () => {
      const doc = new Y.Doc();
      const t = doc.getText('text');
      if (start) t.insert(0, start);
      for (const [pos, del, ins] of patches) {
        if (del) t.delete(pos, del);
        if (ins) t.insert(pos, ins);
      }
      return { keep: doc, text: () => t.toString() };
    };
  },
  async ot({ start, patches }) {
    const { type } = (await import('ot-text-unicode')).default;
    return () => {
      let s = start;
      for (const [pos, del, ins] of patches) s = type.apply(s, editOps(pos, del, ins));
      return { keep: s, text: () => s };
    };
  },
  async rope({ start, patches }) {
    const { Rope } = await import('../dist/structures/text/Rope.js');
    return () => {
      const rope = new Rope(start);
      for (const [pos, del, ins] of patches) {
        if (del) rope.delete(pos, del);
        if (ins) rope.insert(pos, ins);
      }
      return { keep: rope, text: () => rope.toString() };
    };
  },
  doc: (trace) => docReplay(trace, undefined),
  trusted: (trace) => docReplay(trace, { validate: false }),
};

/** Text in a Doc, every edit one `doc.apply` (its effects and inverse are built and dropped). */
async function docReplay({ start, patches }, options) {
  const { Doc, Text, defineStateMachine } = await import('../dist/index.js');
  const Pad = defineStateMachine({ fields: { text: () => new Text(start) } });
  return () => {
    const doc = new Doc(Pad);
    for (const [pos, del, ins] of patches) doc.apply({ path: ['text'], op: { type: 'text/edit', ops: editOps(pos, del, ins) } }, options);
    return { keep: doc, text: () => doc.state.text.toString() };
  };
}

/** The text op of one trace patch (array literals, as `Text.replace` builds it). */
function editOps(pos, del, ins) {
  if (del === 0) return pos ? [pos, ins] : [ins];
  const d = { d: del };
  if (ins === '') return pos ? [pos, d] : [d];
  return pos ? [pos, ins, d] : [ins, d];
}

async function child(impl, name) {
  const trace = loadTrace(name);
  const replay = await replays[impl](trace);
  globalThis.gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let result = replay();
  const ms = performance.now() - t0;
  const { user, system } = process.cpuUsage(cpu0);
  if (result.text() !== trace.end) throw new Error(`${impl} on ${name} did not reach endContent`);
  // Retained heap: the live heap with the finished document minus the heap once it is dropped.
  globalThis.gc();
  const withDoc = process.memoryUsage().heapUsed;
  result = null;
  globalThis.gc();
  const heap = withDoc - process.memoryUsage().heapUsed;
  process.stdout.write(JSON.stringify({ ms, cpu: (user + system) / 1000, heap, edits: trace.patches.length }));
}

function arg(flag, fallback) {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function parent() {
  const runs = Number(arg('--runs', 5));
  const otRuns = Number(arg('--ot-runs', 1));
  const only = arg('--only', Object.keys(IMPLS).join(',')).split(',');
  const traces = arg('--trace', TRACES.join(',')).split(',');
  const impls = Object.keys(IMPLS).filter((k) => (only.includes(k) || k === 'naive') && !(k === 'ot' && otRuns < 1));
  const self = fileURLToPath(import.meta.url);
  console.log(`Node ${process.version}; ${runs} runs per row (ot-text-unicode: ${otRuns}, it copies the whole text per edit), each in a fresh process, run order interleaved.`);
  const results = {};
  for (const name of traces) {
    const samples = Object.fromEntries(impls.map((k) => [k, []]));
    for (let r = 0; r < runs; r++) {
      for (const impl of impls) {
        if (impl === 'ot' && r >= otRuns) continue;
        const out = execFileSync(process.execPath, ['--expose-gc', self, '--child', impl, name], { encoding: 'utf8', maxBuffer: 1 << 20 });
        samples[impl].push(JSON.parse(out));
      }
    }
    const edits = samples.naive[0].edits;
    const naive = { ms: median(samples.naive.map((s) => s.ms)), cpu: median(samples.naive.map((s) => s.cpu)) };
    console.log(`\n${name}: ${fmt(edits)} edits`);
    console.log('| implementation | runs | median ms (min–max) | median CPU ms | edits/s | retained heap | vs naive string (wall / CPU) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const impl of impls) {
      const ms = samples[impl].map((s) => s.ms);
      const m = { ms: median(ms), cpu: median(samples[impl].map((s) => s.cpu)) };
      const heap = median(samples[impl].map((s) => s.heap));
      results[`${name}/${impl}`] = m;
      console.log(
        `| ${IMPLS[impl]} | ${ms.length} | ${fmt(m.ms, 1)} (${fmt(Math.min(...ms))}–${fmt(Math.max(...ms))}) | ${fmt(m.cpu, 1)} | ` +
          `${fmt(edits / (m.ms / 1000))} | ${fmt(heap / 1048576, 2)} MB | ${fmt(naive.ms / m.ms, 1)}× / ${fmt(naive.cpu / m.cpu, 1)}× |`,
      );
    }
  }
  const ap = (impl) => results[`automerge-paper/${impl}`];
  if (ap('naive') && ap('rope') && ap('doc') && ap('yjs')) {
    const ratio = (a, b) => `${fmt(ap(a).ms / ap(b).ms, 1)}× wall, ${fmt(ap(a).cpu / ap(b).cpu, 1)}× CPU`;
    console.log('\nTargets on automerge-paper (ratios of medians):');
    console.log(`  bare rope ≥ 15× faster than naive string: ${ratio('naive', 'rope')}`);
    console.log(`  doc path  ≥ 8× faster than naive string:  ${ratio('naive', 'doc')}`);
    console.log(`  doc path  ≥ 15× faster than Yjs:          ${ratio('yjs', 'doc')}`);
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await parent();

// Codec micro-benchmark: lockstep.v1.bin (`binaryCodec`) against `JSON.stringify` / `JSON.parse`
// on the protocol messages that dominate traffic, and on two large ones.
//
//   npm run build && node bench/codec.mjs [--rounds 7] [--n 100000] [--only submit,apply]
//
// Each kind has a pool of 10,000 distinct messages (large kinds: 8) made with a seeded PRNG:
// positions, inserted text, client ids, list ids and keys differ from message to message, so a
// decoder's caches see what a server sees, not one message over and over. A round times, for
// every kind in turn, each operation over `n` messages of its pool (large kinds: `n / 500`),
// JSON and binary back to back; the table shows medians over the rounds of µs per message and
// of each round's speed-up (robust when other jobs share the machine). Inputs are prepared
// before timing: JSON text for `JSON.parse`, frames for `decode`. The speed-ups compare with
// `JSON.parse` of a string; "JSON from UTF-8" is what a JSON text frame costs as it arrives
// (`Buffer#toString`, then `JSON.parse`, as the `ws` transport does), for reference.
import { jsonEqual } from '../dist/structures/json.js';
import { seededRandom } from '../dist/sync/random.js';
import { binaryCodec } from '../dist/transport/binary/binaryCodec.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ROUNDS = Number(arg('rounds', 7));
const N = Number(arg('n', 100_000));
const only = arg('only', '')?.split(',').filter(Boolean);

const rnd = seededRandom(42);
const int = (n) => Math.floor(rnd() * n);
const pick = (xs) => xs[int(xs.length)];
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const word = (n, alphabet = ALNUM) => Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join('');
const clients = Array.from({ length: 40 }, () => `c${word(9).toLowerCase()}`);
const typed = () => pick(['!', 'a', 'e', ' ', 'the ', 'é', 'and', '\n', 'lockstep', word(1 + int(6))]);
const text = (n) => {
  let s = '';
  while (s.length < n) s += rnd() < 0.02 ? pick(['é', '—', 'ü', '😀', '\n']) : word(1 + int(9), 'abcdefghijklmnopqrstuvwxyz') + ' ';
  return s.slice(0, n);
};
const todo = () => ({ title: `todo ${word(4 + int(20), 'abcdefghij klmnop')}`, done: rnd() < 0.5 });

const KINDS = {
  submit: (i) => ({ type: 'submit', seq: i + 1, base: i, transitions: [{ path: ['text'], op: { type: 'text/edit', ops: [int(5000), typed()] } }] }),
  apply: (i) => ({
    type: 'apply',
    version: 1000 + i,
    effects: [{ path: ['text'], op: { type: 'text/edit', ops: [int(5000), typed(), { d: word(1 + int(4)) }] } }],
    origin: pick(clients),
    seq: 1 + int(500),
  }),
  ack: (i) => ({ type: 'ack', seq: 1 + int(500), version: 1000 + i }),
  presence: () => ({ type: 'presence', clientId: pick(clients), data: { cursor: int(5000) } }),
  'atom/set': (i) => ({
    type: 'apply',
    version: 1000 + i,
    effects: [{ path: ['settings'], op: { type: 'atom/set', value: { color: pick(['red', 'teal', '#a0b1c2']), size: int(40), bold: rnd() < 0.5 } } }],
    origin: pick(clients),
    seq: 1 + int(500),
  }),
  'list/insert': (i) => ({
    type: 'submit',
    seq: i + 1,
    base: 1000 + i,
    transitions: [{ path: ['todos'], op: { type: 'list/insert', id: word(12), key: `a${word(1 + int(5))}`, value: todo() } }],
  }),
  'text 100 KB': (i) => ({ type: 'submit', seq: i + 1, base: i, transitions: [{ path: ['text'], op: { type: 'text/edit', ops: [int(1000), text(100_000)] } }] }),
  'snapshot 10k': (i) => ({
    type: 'welcome',
    v: 1,
    clientId: pick(clients),
    token: word(43),
    version: 20_000 + i,
    seed: int(2 ** 32),
    resumed: false,
    snapshot: { title: 'Board', todos: Array.from({ length: 10_000 }, () => [word(12), `a${word(1 + int(5))}`, todo()]) },
    lastSeq: 0,
    rejected: [],
    presence: {},
  }),
};
const LARGE = new Set(['text 100 KB', 'snapshot 10k']);

const cases = Object.entries(KINDS)
  .filter(([kind]) => !only?.length || only.includes(kind))
  .map(([kind, make]) => {
    const large = LARGE.has(kind);
    const messages = Array.from({ length: large ? 8 : 10_000 }, (_, i) => make(i));
    const texts = messages.map((m) => JSON.stringify(m));
    const utf8 = texts.map((t) => Buffer.from(t));
    const frames = messages.map((m) => binaryCodec.encode(m));
    messages.forEach((m, i) => {
      // (A record decodes with its fields in the record's order.)
      if (!jsonEqual(binaryCodec.decode(frames[i]), JSON.parse(texts[i]))) throw new Error(`${kind}: binary round trip differs from JSON`);
    });
    const avg = (xs, size) => Math.round(xs.reduce((a, x) => a + size(x), 0) / xs.length);
    const bytes = { json: avg(texts, (t) => Buffer.byteLength(t)), bin: avg(frames, (f) => f.length) };
    return { kind, messages, texts, utf8, frames, n: large ? Math.max(1, Math.round(N / 500)) : N, bytes, t: { je: [], jd: [], ju: [], be: [], bd: [] }, ratio: { enc: [], dec: [] } };
  });

let sink = 0;
/** µs per call of `fn` over `n` items of `pool`, cycling. */
function time(pool, n, fn) {
  const start = process.hrtime.bigint();
  for (let i = 0, j = 0; i < n; i++, j = j + 1 === pool.length ? 0 : j + 1) sink ^= fn(pool[j]) === undefined ? 1 : 0;
  return Number(process.hrtime.bigint() - start) / 1e3 / n;
}
const ops = {
  je: (c) => time(c.messages, c.n, JSON.stringify),
  jd: (c) => time(c.texts, c.n, JSON.parse),
  ju: (c) => time(c.utf8, c.n, (b) => JSON.parse(b.toString('utf8'))),
  be: (c) => time(c.messages, c.n, binaryCodec.encode),
  bd: (c) => time(c.frames, c.n, binaryCodec.decode),
};

for (let round = 0; round <= ROUNDS; round++) {
  for (const c of cases) {
    // JSON and binary of one direction run back to back, in alternating order, so a change of
    // load on the machine hits both alike: each round gives a ratio, the table their median.
    const order = round % 2 ? ['be', 'je', 'bd', 'jd', 'ju'] : ['je', 'be', 'jd', 'bd', 'ju'];
    const us = {};
    for (const name of order) {
      globalThis.gc?.();
      us[name] = ops[name](c);
    }
    if (round === 0) continue; // warm-up
    for (const name of order) c.t[name].push(us[name]);
    c.ratio.enc.push(us.je / us.be);
    c.ratio.dec.push(us.jd / us.bd);
  }
  process.stderr.write(`round ${round}/${ROUNDS}\r`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (us) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));
console.log(
  `Node ${process.versions.node}, ${ROUNDS} interleaved rounds of ${N.toLocaleString('en')} messages (large kinds: ${Math.max(1, Math.round(N / 500))}): ` +
    'medians of µs per message, and of the per-round speed-ups (JSON time / binary time)\n',
);
console.log('| message | bytes JSON | bytes bin | JSON.stringify | bin encode | encode speed-up | JSON.parse | bin decode | decode speed-up | JSON from UTF-8 |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const c of cases) {
  const [je, jd, ju, be, bd] = ['je', 'jd', 'ju', 'be', 'bd'].map((k) => median(c.t[k]));
  const [enc, dec] = [median(c.ratio.enc), median(c.ratio.dec)].map((r) => `${r.toFixed(2)}×`);
  console.log(`| ${c.kind} | ${c.bytes.json} | ${c.bytes.bin} | ${fmt(je)} | ${fmt(be)} | ${enc} | ${fmt(jd)} | ${fmt(bd)} | ${dec} | ${fmt(ju)} |`);
}
if (sink === 2) console.log(''); // keeps the results observable

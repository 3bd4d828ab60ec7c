// The seeded convergence fuzz: N clients make random changes of every kind through a lossy,
// laggy memory network; at quiescence every replica must equal the server, nothing may be
// pending, every seq a client made must be committed once or refused once, and the server's
// committed effects must replay to its state. A failure names its seed: SEED=n replays it.
import * as L from '../../src/index.js';
import { seededRandom } from '../../src/sync/random.js';
import { Room, setup } from './fixtures.js';

function rand(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[int(xs.length)] : undefined);
  return { next, int, pick };
}

const WORDS = ['a', 'bc', 'hello ', 'é', '😀', 'x\u0301', 'zz', '\n'];

function randomChange(c: L.SyncClient<Room>, r: ReturnType<typeof rand>): void {
  const s = c.state;
  const anyId = <T>(ids: T[]) => r.pick(ids) ?? ('missing' as T);
  const textEdit = (t: L.Text) => {
    const len = t.length;
    if (len && r.next() < 0.35) t.delete(r.int(len), 1 + r.int(Math.min(4, len)));
    else t.insert(r.int(len + 1), r.pick(WORDS) as string);
  };
  switch (r.int(20)) {
    case 0:
    case 1:
    case 2:
      return textEdit(s.text);
    case 3:
      return s.count.add(r.int(9) - 3);
    case 4:
      return s.atom.set(r.next() < 0.5 ? { n: r.int(100) } : [r.int(5), 'x']);
    case 5:
      return void s.list.insert(r.int(s.list.length + 1), r.int(1000));
    case 6:
      return s.list.delete(anyId(s.list.ids()));
    case 7:
      return s.list.move(anyId(s.list.ids()), r.int(s.list.length + 1));
    case 8:
      return void s.items.push({ title: `t${r.int(100)}` });
    case 9:
      return s.complete(anyId(s.items.ids()));
    case 10: {
      const item = s.items.get(anyId(s.items.ids()));
      return item ? textEdit(item.notes) : undefined;
    }
    case 11: {
      const item = s.items.get(anyId(s.items.ids()));
      return item?.title.set(`r${r.int(50)}`);
    }
    case 12:
      return s.items.delete(anyId(s.items.ids()));
    case 13:
      return s.map.set(r.pick(['a', 'b', '__proto__', 'constructor']) as string, r.int(10));
    case 14:
      return s.map.delete(r.pick(['a', 'b', '__proto__', 'constructor']) as string);
    case 15: {
      const all = treeIds(s.tree);
      const parent = r.next() < 0.4 ? null : (r.pick(all) ?? null);
      return void s.tree.insert(parent, r.int(s.tree.children(parent).length + 1), `n${r.int(99)}`);
    }
    case 16: {
      const all = treeIds(s.tree);
      const id = r.pick(all);
      if (!id) return;
      const parent = r.next() < 0.3 ? null : (r.pick(all) ?? null);
      return s.tree.move(id, parent, r.int(s.tree.children(parent).length + 1));
    }
    case 17:
      return s.tree.delete(anyId(treeIds(s.tree)));
    case 18:
      return r.next() < 0.5 ? s.take(anyId(s.list.ids())) : s.shout();
    default:
      if (r.next() < 0.5) c.undo();
      else c.redo();
  }
}

function treeIds(t: L.Tree<string>): string[] {
  const out: string[] = [];
  const walk = (p: string | null) => {
    for (const id of t.children(p)) {
      out.push(id);
      walk(id);
    }
  };
  walk(null);
  return out;
}

/** What one run did (so a test can check the fuzz exercises something). */
export interface FuzzStats {
  clients: number;
  commits: number;
  refusals: number;
  cuts: number;
}

/** One fuzz run; throws with the seed in the message when an invariant breaks. */
export function runFuzz(seed: number): FuzzStats {
  const r = rand(seed);
  const n = 2 + r.int(7);
  const log: L.Committed[] = [];
  const s = setup(n, {
    seed,
    latency: [0, 1 + r.int(60)],
    dropConnectionRate: r.next() < 0.4 ? 0.003 : 0,
    persist: (c) => void log.push(c),
  });
  const refused = s.clients.map(() => new Set<number>());
  s.clients.forEach((c, i) =>
    c.on('rejected', (e) => {
      if (e.seq !== undefined) {
        if (refused[i]!.has(e.seq)) throw new Error(`seq ${e.seq} refused twice`);
        refused[i]!.add(e.seq);
      }
    }),
  );
  s.net.advance(50);
  const steps = 40 + r.int(120);
  for (let i = 0; i < steps; i++) {
    const ci = r.int(n);
    const c = s.clients[ci] as L.SyncClient<Room>;
    const roll = r.next();
    if (roll < 0.03) s.net.cut(s.transports[ci] as L.Transport);
    else if (roll < 0.05) s.net.partition(s.transports[ci] as L.Transport, r.int(3000));
    else {
      try {
        randomChange(c, r);
      } catch (err) {
        if (!(err instanceof L.LockstepError)) throw err; // a local refusal is fine; a crash is not
      }
    }
    if (r.next() < 0.5) s.net.advance(r.int(40));
  }
  s.net.advance(10_000);
  s.net.runUntilQuiet();
  const want = s.server.doc.snapshot();
  s.clients.forEach((c, i) => {
    if (c.pendingCount !== 0) throw new Error(`client ${i} still has ${c.pendingCount} pending`);
    // Byte for byte: the same keys in the same order on every replica.
    expect({ client: i, state: JSON.stringify(c.doc.snapshot()) }).toEqual({ client: i, state: JSON.stringify(want) });
    // Every seq this client made was committed exactly once or refused exactly once.
    const committed = log.filter((e) => e.origin === c.clientId).map((e) => e.seq as number);
    if (new Set(committed).size !== committed.length) throw new Error(`client ${i}: a seq was committed twice`);
    for (let q = 1; q <= c.lastSeq; q++) {
      const fates = (committed.includes(q) ? 1 : 0) + (refused[i]!.has(q) ? 1 : 0);
      if (fates !== 1) throw new Error(`client ${i}: seq ${q} was committed/refused ${fates} times`);
    }
  });
  // The committed effects alone reproduce the server's state.
  const replay = new L.Doc(Room);
  for (const e of log) replay.applyAll(e.effects, { validate: false });
  expect(replay.snapshot()).toEqual(want);
  return { clients: n, commits: log.length, refusals: refused.reduce((a, r) => a + r.size, 0), cuts: s.net.stats().cuts };
}

/** The seeds to run: SEED=n runs one; FUZZ_RUNS=N (default 300) runs N from FUZZ_FROM (default 1). */
export function fuzzSeeds(): number[] {
  if (process.env.SEED) return [Number(process.env.SEED)];
  const runs = Number(process.env.FUZZ_RUNS ?? 300);
  const from = Number(process.env.FUZZ_FROM ?? 1);
  return Array.from({ length: runs }, (_, i) => from + i);
}

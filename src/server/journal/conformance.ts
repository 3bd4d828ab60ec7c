/**
 * The conformance suite every {@link Journal} must pass, framework-agnostic: each case is a
 * function that throws an `Error` with a clear message on failure. Run every case with a fresh,
 * empty storage; within one case, `open` must return a new journal over that same storage each
 * time it is called (the case closes one before opening the next), so the suite can check what
 * survives a close. With Jest:
 *
 * ```ts
 * for (const c of journalConformance) {
 *   it(c.name, () => c.run(async () => new FileJournal(dirOfThisCase)));
 * }
 * ```
 */
import { LockstepError, type ErrorCode } from '../../errors.js';
import type { Json } from '../../structures/machine.js';
import type { Journal, JournalRecord, LoadedRoom } from './Journal.js';

/** One case of the suite. */
export interface JournalConformanceCase {
  name: string;
  run(open: () => Promise<Journal>): Promise<void>;
}

/** Room ids that would escape or collide in a naive store. */
export const hostileRoomIds: readonly string[] = [
  '', '.', '..', '../x', '../../etc/passwd', 'a/b', 'a\\b', '/abs', 'C:\\x', 'a/../../b', '~', '-rf',
  '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'CON', 'nul', 'snapshot', '0000000000000001.log',
  'Room', 'room', 'ROOM', 'ü日本🎉', 'é', 'e\u0301', '\u0000', '\n', ' ', 'a ', '*?<>|"',
  '\ud800', '\udc00', '\ufffd', 'x'.repeat(10_000),
];

/** A record of version `version` whose content identifies it and its room. */
export function sampleRecord(version: number, room = 'r'): JournalRecord {
  const record: JournalRecord = {
    version,
    time: 1_700_000_000_000 + version,
    origin: version % 5 === 0 ? 'server' : `client-${version % 3}`,
    effects: [{ path: ['items', `k${version}`], op: { type: 'atom/set', value: { room, version, text: 'ü🎉' } } }],
  };
  if (version % 5 !== 0) record.seq = version * 7;
  return record;
}

const records = (from: number, to: number, room = 'r'): JournalRecord[] =>
  Array.from({ length: to - from + 1 }, (_, i) => sampleRecord(from + i, room));

/** The suite. */
export const journalConformance: readonly JournalConformanceCase[] = [
  {
    name: 'an unknown room loads empty',
    run: (open) =>
      using(open, async (j) => {
        expectLoaded(await j.load('never-written'), null, [], 'a room nobody wrote');
      }),
  },
  {
    name: 'records load in append order, also after reopening',
    async run(open) {
      await using(open, async (j) => {
        expectLoaded(await j.load('r'), null, [], 'a new room');
        await Promise.all(records(1, 50).map((r) => j.append('r', r)));
        for (const r of records(51, 60)) await j.append('r', r);
        expectLoaded(await j.load('r'), null, records(1, 60), 'the room reloaded by the same journal');
      });
      await using(open, async (j) => expectLoaded(await j.load('r'), null, records(1, 60), 'the room after reopening'));
    },
  },
  {
    name: 'records round-trip exactly',
    async run(open) {
      const written: JournalRecord[] = [
        { version: 1, time: 0, origin: 'server', effects: [] },
        { version: 2, time: 1.5, origin: 'c\u0000\ud800"\\', seq: 0, effects: [{ path: [], op: { type: 'x' } }] },
        {
          version: 3,
          time: -1,
          origin: '',
          seq: 2 ** 40,
          effects: [{ path: ['__proto__', 'ü'], op: { type: 'atom/set', value: JSON.parse('{"__proto__":[null,true,1e-9,"é"]}') } }],
        },
      ];
      await using(open, async (j) => {
        await j.load('r');
        for (const r of written) await j.append('r', r);
      });
      await using(open, async (j) => {
        const loaded = await j.load('r');
        expectLoaded(loaded, null, written, 'records of every shape');
        check(!('seq' in loaded.records[0]!), 'a record appended without seq loads without a seq field');
      });
    },
  },
  {
    name: 'append refuses a version that does not follow the head, storing nothing',
    async run(open) {
      await using(open, async (j) => {
        await j.load('r');
        await expectReject(j.append('r', sampleRecord(2)), 'conflict', 'append of version 2 to an empty room');
        await expectReject(j.append('r', sampleRecord(0)), 'conflict', 'append of version 0');
        await j.append('r', sampleRecord(1));
        await expectReject(j.append('r', sampleRecord(1)), 'conflict', 'append of version 1 twice');
        await expectReject(j.append('r', sampleRecord(3)), 'conflict', 'append skipping version 2');
        await j.append('r', sampleRecord(2));
      });
      await using(open, async (j) => {
        expectLoaded(await j.load('r'), null, records(1, 2), 'the room after refused appends');
        await expectReject(j.append('r', sampleRecord(4)), 'conflict', 'append skipping a version after reopening');
        await j.append('r', sampleRecord(3));
      });
    },
  },
  {
    name: 'append and snapshot refuse what cannot round-trip, storing nothing',
    async run(open) {
      const bad: Array<[string, unknown]> = [
        ['a fractional version', { ...sampleRecord(1), version: 1.5 }],
        ['a NaN time', { ...sampleRecord(1), time: NaN }],
        ['an infinite seq', { ...sampleRecord(1), seq: Infinity }],
        ['a numeric origin', { ...sampleRecord(1), origin: 7 }],
        ['effects that are not an array', { ...sampleRecord(1), effects: {} }],
        ['no record', null],
      ];
      await using(open, async (j) => {
        await j.load('r');
        for (const [what, record] of bad) {
          await expectReject(j.append('r', record as JournalRecord), 'invalid_args', `append of a record with ${what}`);
        }
        await expectReject(j.snapshot('r', { version: 0, data: undefined as unknown as Json }), 'invalid_args', 'a snapshot without data');
        await expectReject(j.snapshot('r', { version: 0, data: (() => 1) as unknown as Json }), 'invalid_args', 'a snapshot of a function');
        await j.append('r', sampleRecord(1));
      });
      await using(open, async (j) => expectLoaded(await j.load('r'), null, records(1, 1), 'the room'));
    },
  },
  {
    name: 'append and snapshot need a loaded room',
    run: (open) =>
      using(open, async (j) => {
        await expectReject(j.append('r', sampleRecord(1)), 'invalid_args', 'append before load');
        await expectReject(j.snapshot('r', { version: 0, data: null }), 'invalid_args', 'snapshot before load');
        await j.load('r');
        await j.append('r', sampleRecord(1));
      }),
  },
  {
    name: 'concurrent appends resolve in call order; a snapshot after the appends before it',
    run: (open) =>
      using(open, async (j) => {
        await j.load('r');
        const settled: string[] = [];
        const track = (label: string, p: Promise<void>): Promise<void> => p.then(() => void settled.push(label));
        const all = [
          ...records(1, 100).map((r) => track(String(r.version), j.append('r', r))),
          track('snapshot', j.snapshot('r', { version: 60, data: 'at 60' })),
          ...records(101, 200).map((r) => track(String(r.version), j.append('r', r))),
        ];
        await Promise.all(all);
        const appends = settled.filter((s) => s !== 'snapshot').map(Number);
        equal(appends, records(1, 200).map((r) => r.version), 'versions in the order their appends resolved');
        check(settled.indexOf('snapshot') > settled.indexOf('100'), 'the snapshot settled before an earlier append');
        expectLoaded(await j.load('r'), { version: 60, data: 'at 60' }, records(61, 200), 'the room');
      }),
  },
  {
    name: 'flush resolves after every earlier append',
    run: (open) =>
      using(open, async (j) => {
        await Promise.all([j.load('a'), j.load('b')]);
        let done = 0;
        for (const r of records(1, 20)) {
          void j.append('a', r).then(() => done++);
          void j.append('b', r).then(() => done++);
        }
        await j.flush();
        check(done === 40, `flush() resolved before ${40 - done} of 40 earlier appends`);
        void j.append('a', sampleRecord(21)).then(() => done++);
        await j.flush('a');
        check(done === 41, 'flush(room) resolved before an earlier append to that room');
      }),
  },
  {
    name: 'load returns the latest snapshot and only the records after it',
    async run(open) {
      await using(open, async (j) => {
        await j.load('r');
        for (const r of records(1, 10)) await j.append('r', r);
        await j.snapshot('r', { version: 10, data: { upTo: 10 } });
        for (const r of records(11, 15)) await j.append('r', r);
        expectLoaded(await j.load('r'), { version: 10, data: { upTo: 10 } }, records(11, 15), 'the room reloaded');
      });
      await using(open, async (j) => {
        expectLoaded(await j.load('r'), { version: 10, data: { upTo: 10 } }, records(11, 15), 'the room reopened');
        await expectReject(j.append('r', sampleRecord(17)), 'conflict', 'append skipping a version after a snapshot');
        await j.append('r', sampleRecord(16));
      });
    },
  },
  {
    name: 'a snapshot behind the head keeps the records after it',
    async run(open) {
      await using(open, async (j) => {
        await j.load('r');
        await Promise.all(records(1, 10).map((r) => j.append('r', r)));
        await j.snapshot('r', { version: 6, data: 6 });
        await j.append('r', sampleRecord(11));
      });
      await using(open, async (j) => expectLoaded(await j.load('r'), { version: 6, data: 6 }, records(7, 11), 'the room'));
    },
  },
  {
    name: 'snapshot refuses versions past the head or behind the latest snapshot',
    run: (open) =>
      using(open, async (j) => {
        await j.load('r');
        await expectReject(j.snapshot('r', { version: 1, data: null }), 'conflict', 'a snapshot past the head');
        await j.snapshot('r', { version: 0, data: 'initial' });
        await Promise.all(records(1, 5).map((r) => j.append('r', r)));
        await j.snapshot('r', { version: 4, data: 4 });
        await expectReject(j.snapshot('r', { version: 3, data: 3 }), 'conflict', 'a snapshot behind the latest one');
        await expectReject(j.snapshot('r', { version: 6, data: 6 }), 'conflict', 'a snapshot past the head');
        await j.snapshot('r', { version: 4, data: 'again' });
        expectLoaded(await j.load('r'), { version: 4, data: 'again' }, records(5, 5), 'the room');
      }),
  },
  {
    name: 'repeated snapshots compact the log, across reopenings',
    async run(open) {
      let head = 0;
      for (let round = 0; round < 6; round++) {
        await using(open, async (j) => {
          const loaded = await j.load('r');
          const base = round === 0 ? null : { version: head - ((round - 1) % 2) * 3, data: { round: round - 1 } };
          expectLoaded(loaded, base, records((base?.version ?? 0) + 1, head), `the room in round ${round}`);
          await Promise.all(records(head + 1, head + 25).map((r) => j.append('r', r)));
          head += 25;
          await j.snapshot('r', { version: head - (round % 2) * 3, data: { round } });
          await j.flush('r');
        });
      }
    },
  },
  {
    name: 'snapshot data is opaque JSON',
    async run(open) {
      const data: Json = JSON.parse(
        '{"__proto__":{"polluted":true},"constructor":[1,{"prototype":null}],"ü🎉":"\\ud800","n":[1.5,-0.0001,1e300],"e":{},"a":[]}',
      ) as Json;
      await using(open, async (j) => {
        await j.load('r');
        await j.snapshot('r', { version: 0, data });
      });
      await using(open, async (j) => {
        const loaded = await j.load('r');
        expectLoaded(loaded, { version: 0, data }, [], 'the room');
        const got = loaded.snapshot!.data as { [key: string]: Json };
        check(Object.prototype.hasOwnProperty.call(got, '__proto__'), 'a "__proto__" key came back as a prototype');
        check(({} as { polluted?: boolean }).polluted === undefined, 'loading a snapshot polluted Object.prototype');
      });
    },
  },
  {
    name: 'rooms are isolated',
    async run(open) {
      const rooms = Array.from({ length: 20 }, (_, i) => `room-${i}`);
      await using(open, async (j) => {
        await Promise.all(rooms.map((room) => j.load(room)));
        const writes: Promise<void>[] = [];
        for (let v = 1; v <= 15; v++) {
          for (const [i, room] of rooms.entries()) if (v <= 5 + i) writes.push(j.append(room, sampleRecord(v, room)));
        }
        await Promise.all(writes);
        await Promise.all(rooms.filter((_, i) => i % 3 === 0).map((room) => j.snapshot(room, { version: 4, data: room })));
      });
      await using(open, async (j) => {
        for (const [i, room] of rooms.entries()) {
          const snap = i % 3 === 0 ? { version: 4, data: room } : null;
          expectLoaded(await j.load(room), snap, records((snap?.version ?? 0) + 1, Math.min(15, 5 + i), room), room);
        }
      });
    },
  },
  {
    name: 'hostile room ids are distinct rooms',
    async run(open) {
      await using(open, async (j) => {
        for (const [i, room] of hostileRoomIds.entries()) {
          await j.load(room);
          for (let v = 1; v <= 1 + (i % 3); v++) await j.append(room, sampleRecord(v, room));
          if (i % 4 === 0) await j.snapshot(room, { version: 1, data: room });
        }
      });
      await using(open, async (j) => {
        for (const [i, room] of hostileRoomIds.entries()) {
          const snap = i % 4 === 0 ? { version: 1, data: room } : null;
          expectLoaded(await j.load(room), snap, records((snap?.version ?? 0) + 1, 1 + (i % 3), room), `room ${JSON.stringify(room).slice(0, 40)}`);
        }
      });
    },
  },
  {
    name: 'loading an open room returns everything appended to it',
    run: (open) =>
      using(open, async (j) => {
        await j.load('r');
        const pending = records(1, 30).map((r) => j.append('r', r));
        expectLoaded(await j.load('r'), null, records(1, 30), 'the room loaded again while appends were pending');
        await Promise.all(pending);
        await j.append('r', sampleRecord(31));
      }),
  },
  {
    name: 'close(room) releases the room; load resumes it',
    run: (open) =>
      using(open, async (j) => {
        await Promise.all([j.load('a'), j.load('b')]);
        void j.append('a', sampleRecord(1));
        await j.append('b', sampleRecord(1));
        await j.close('a');
        await expectReject(j.append('a', sampleRecord(2)), 'invalid_args', 'append to a released room');
        await j.append('b', sampleRecord(2));
        expectLoaded(await j.load('a'), null, records(1, 1), 'the released room loaded again');
        await j.append('a', sampleRecord(2));
      }),
  },
  {
    name: 'reopening after close preserves everything',
    async run(open) {
      const j1 = await open();
      await Promise.all(['a', 'b', 'c'].map((room) => j1.load(room)));
      const writes = records(1, 40).flatMap((r) => [j1.append('a', r), j1.append('b', sampleRecord(r.version, 'b'))]);
      writes.push(j1.snapshot('b', { version: 40, data: 'b40' }));
      void j1.append('c', sampleRecord(1, 'c'));
      await j1.close(); // closing flushes what is pending
      await Promise.all(writes);
      await using(open, async (j) => {
        expectLoaded(await j.load('a'), null, records(1, 40), 'room a');
        expectLoaded(await j.load('b'), { version: 40, data: 'b40' }, [], 'room b');
        expectLoaded(await j.load('c'), null, records(1, 1, 'c'), 'room c');
      });
    },
  },
  {
    name: 'a closed journal refuses every call but close',
    async run(open) {
      const j = await open();
      await j.load('r');
      await j.append('r', sampleRecord(1));
      await j.close();
      await expectReject(j.load('r'), 'closed', 'load after close');
      await expectReject(j.append('r', sampleRecord(2)), 'closed', 'append after close');
      await expectReject(j.snapshot('r', { version: 1, data: 1 }), 'closed', 'snapshot after close');
      await expectReject(j.flush(), 'closed', 'flush after close');
      await j.close();
    },
  },
];

/** Opens a journal, runs `fn`, and closes the journal (also when `fn` throws). */
async function using(open: () => Promise<Journal>, fn: (journal: Journal) => Promise<void>): Promise<void> {
  const journal = await open();
  try {
    await fn(journal);
  } finally {
    await journal.close();
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`journal conformance: ${message}`);
}

/** JSON with sorted keys, so that equal values compare equal whatever a store does to key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

function equal(actual: unknown, expected: unknown, what: string): void {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) throw new Error(`journal conformance: ${what}: expected ${e.slice(0, 500)}, got ${a.slice(0, 500)}`);
}

function expectLoaded(
  loaded: LoadedRoom,
  snapshot: LoadedRoom['snapshot'],
  expected: JournalRecord[],
  what: string,
): void {
  check(loaded.repaired === undefined, `${what}: a clean room was reported repaired (${loaded.repaired?.reason})`);
  equal(loaded.snapshot, snapshot, `${what}: snapshot`);
  equal(
    loaded.records.map((r) => r.version),
    expected.map((r) => r.version),
    `${what}: versions of the records`,
  );
  equal(loaded.records, expected, `${what}: records`);
}

async function expectReject(promise: Promise<unknown>, code: ErrorCode, what: string): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof LockstepError)) {
      throw new Error(`journal conformance: ${what}: rejected with ${String(err)}, not a LockstepError`);
    }
    check(err.code === code, `${what}: rejected with code ${err.code} (${err.message}), expected ${code}`);
    return;
  }
  throw new Error(`journal conformance: ${what}: resolved, expected a rejection with code ${code}`);
}

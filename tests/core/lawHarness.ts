/**
 * Shared helpers of the core property tests: arbitraries for JSON values with hostile keys, and
 * `checkLaws`, which runs a sequence of steps on a doc and checks the machine laws after each:
 *
 *  (a) applying the inverse (as one `applyAll`, or with `apply` one by one) restores `snapshot()`;
 *  (b) the `patches` of every change turn the previous `toJSON()` into the new one;
 *  (c) `Doc.load(C, JSON round trip of snapshot())` equals the doc;
 *  (d) the effects, replayed on a fresh doc, reproduce the state;
 *  (e) a step that throws leaves the snapshot and JSON view unchanged, and notifies no one.
 *
 * Seeds: `SEED=n` replays a run (fast-check prints the seed and path of a failure); `RUNS=n`
 * changes the number of runs.
 */
import fc from 'fast-check';
import { applyPatch, deepClone } from 'fast-json-patch';
import { isDeepStrictEqual as jsonEqual } from 'node:util';
import * as L from '../../src/index.js';

/** fast-check parameters, honouring SEED and RUNS. */
export function fcParams(numRuns = 100): fc.Parameters<unknown> {
  const params: fc.Parameters<unknown> = { numRuns: Number(process.env.RUNS ?? numRuns) };
  if (process.env.SEED !== undefined) params.seed = Number(process.env.SEED);
  return params;
}

/** Keys that break naive code: prototype names, JSON pointer escapes, the empty string. */
export const hostileKey = fc.constantFrom('a', 'b', '__proto__', 'constructor', 'prototype', 'x/y', 'm~0', '');

const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 6 }),
);

/** JSON values whose objects use {@link hostileKey}s (as own data properties, like JSON.parse). */
export const jsonValue: fc.Arbitrary<L.Json> = fc.letrec<{ value: L.Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 3 }).map((es) => Object.fromEntries(es) as L.Json),
  ),
})).value;

/** JSON pointers, some valid for typical values, some not, some hostile. */
export const pointer = fc.constantFrom('', '/a', '/b', '/0', '/1', '/-', '/a/0', '/a/b', '/__proto__', '/constructor', '/constructor/prototype', '/x~1y', '/m~00');

/** RFC 6902 operations, most of which do not apply to a random value. */
export const patchOps = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('add' as const), path: pointer, value: jsonValue }),
    fc.record({ op: fc.constant('remove' as const), path: pointer }),
    fc.record({ op: fc.constant('replace' as const), path: pointer, value: jsonValue }),
    fc.record({ op: fc.constant('move' as const), from: pointer, path: pointer }),
    fc.record({ op: fc.constant('copy' as const), from: pointer, path: pointer }),
    fc.record({ op: fc.constant('test' as const), path: pointer, value: jsonValue }),
  ),
  { minLength: 1, maxLength: 3 },
);

/** Numbers for counters: small integers, exact-integer edge cases, fractions, huge values. */
export const counterNumber = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc.constantFrom(0.5, -0.5, 0.1, -0, 2 ** 52, -(2 ** 52), 2 ** 53, Number.MAX_SAFE_INTEGER, 1e308, -1e308),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** One step of a run: a transition given to `doc.apply`, or a call on the live state. */
export type Step<S> =
  | { t: L.Transition; label?: string }
  | { run: (state: S) => void; label: string };

/** How inverses are applied in law (a). */
export type UndoMode = 'applyAll' | 'each';

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * A JSON value in a canonical form for `expect(...).toEqual`: objects become sorted entry lists.
 * Jest's own equality cannot be used on raw values here: it reads `.constructor`, which is data
 * for an object with a `constructor` key. Key order is left out: a Map's JSON view lists its keys
 * in insertion order, which an inverse does not restore (a deleted key comes back last).
 */
export function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') {
    return { entries: Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]) };
  }
  return v;
}

/** Expects two JSON values to be equal (see {@link canon}). */
export function expectSameJson(actual: unknown, expected: unknown): void {
  expect(canon(actual)).toEqual(canon(expected));
}

/** A deep copy whose objects have no prototype, so `__proto__` is an ordinary key in them. */
function bare(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(bare);
  if (v !== null && typeof v === 'object') {
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(v)) out[k] = bare((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/**
 * `prev` patched with fast-json-patch, as a user mirrors a doc. fast-json-patch writes keys with
 * `obj[key] = value`, which for a `__proto__` key on a plain object sets its prototype instead of
 * adding a key; for patches that touch such a key the mirror is made of prototype-less objects.
 */
export function patched(prev: L.Json, patches: readonly L.PatchOp[]): unknown {
  const touchesProto = patches.some((p) => p.path.split('/').includes('__proto__'));
  if (!touchesProto) return applyPatch(deepClone(prev), patches as never, true, true, false).newDocument;
  const safe = patches.map((p) => ('value' in p ? { ...p, value: bare(p.value) } : p));
  return applyPatch(bare(prev), safe as never, true, true, false).newDocument;
}

/** How many steps were applied and refused (to show a generator is not vacuous). */
export interface LawStats {
  applied: number;
  refused: number;
  codes: Record<string, number>;
}

/** Runs `steps` on a fresh doc of `Root`, checking laws (a)–(e) after each. Returns the doc. */
export function checkLaws<S extends object>(
  Root: new () => S,
  steps: readonly Step<S>[],
  undo: UndoMode,
  stats: LawStats = { applied: 0, refused: 0, codes: {} },
): L.Doc<S> {
  const doc = new L.Doc(Root);
  const initial = clone(doc.snapshot());
  const log: L.DocApplied[] = [];

  // (b): every change's patches, applied to the previous JSON view, give the new one.
  let mirror = clone(doc.toJSON());
  const patchErrors: unknown[] = [];
  let notified = 0;
  doc.subscribe((change) => {
    notified++;
    const next = patched(mirror, change.patches);
    const actual = clone(doc.toJSON());
    if (!jsonEqual(canon(next), canon(actual))) patchErrors.push({ effects: change.effects, patches: change.patches, next, actual });
    mirror = actual;
  });

  // Calls on the live state go through the doc's dispatcher: record what they applied.
  let captured: L.DocApplied | null = null;
  doc.setDispatcher((t) => {
    captured = doc.apply(t);
  });

  for (const step of steps) {
    const before = clone(doc.snapshot());
    const beforeJson = clone(doc.toJSON());
    const notifiedBefore = notified;
    captured = null;
    let res: L.DocApplied | null = null;
    try {
      if ('t' in step) {
        res = doc.apply(step.t);
      } else {
        step.run(doc.state);
        res = captured;
      }
    } catch (err) {
      // (e): refused, nothing changed, nobody told; and always a LockstepError.
      if (!(err instanceof L.LockstepError)) throw err;
      stats.refused++;
      stats.codes[err.code] = (stats.codes[err.code] ?? 0) + 1;
      expectSameJson(doc.snapshot(), before);
      expectSameJson(doc.toJSON(), beforeJson);
      expect(notified).toBe(notifiedBefore);
      continue;
    }
    if (!res) continue; // a live call that found nothing to do
    stats.applied++;
    const after = clone(doc.snapshot());

    // (a): the inverse restores the snapshot exactly.
    if (undo === 'applyAll') doc.applyAll(res.inverse);
    else for (const t of res.inverse) doc.apply(t);
    expectSameJson(doc.snapshot(), before);

    // The effects bring it back (and are valid ops themselves).
    doc.applyAll(res.effects);
    expectSameJson(doc.snapshot(), after);
    log.push(clone(res));
  }
  expect(patchErrors).toEqual([]);
  const final = clone(doc.snapshot());

  // (c): a snapshot survives JSON and loads into an equal doc.
  const loaded = L.Doc.load(Root, JSON.parse(JSON.stringify(doc.snapshot())));
  expectSameJson(loaded.snapshot(), final);
  expectSameJson(clone(loaded.toJSON()), clone(doc.toJSON()));

  // (d): the effects, replayed on a fresh doc (validated, and trusted), reproduce the state.
  for (const validate of [true, false]) {
    const fresh = new L.Doc(Root);
    for (const entry of log) fresh.applyAll(clone(entry.effects), { validate });
    expectSameJson(fresh.snapshot(), final);
  }

  // (a) over the whole run (on a copy, so the doc is returned as it is): every inverse, newest
  // first, gives back the initial state.
  const copy = L.Doc.load(Root, final);
  for (let i = log.length - 1; i >= 0; i--) copy.applyAll((log[i] as L.DocApplied).inverse);
  expectSameJson(copy.snapshot(), initial);
  return doc;
}

/** Runs `checkLaws` as a fast-check property over step sequences. */
export function lawProperty<S extends object>(
  Root: new () => S,
  step: fc.Arbitrary<Step<S>>,
  options: { numRuns?: number; maxSteps?: number } = {},
): LawStats {
  const stats: LawStats = { applied: 0, refused: 0, codes: {} };
  const params = fcParams(options.numRuns ?? 100);
  fc.assert(
    fc.property(fc.array(step, { maxLength: options.maxSteps ?? 25, size: 'max' }), fc.constantFrom<UndoMode>('applyAll', 'each'), (steps, undo) => {
      checkLaws(Root, steps, undo, stats);
    }),
    params,
  );
  if (process.env.LAW_STATS) console.log(Root.name, JSON.stringify(stats));
  // Not vacuous: on average several steps per run applied, and some refused.
  expect(stats.applied).toBeGreaterThan(3 * (params.numRuns ?? 100));
  expect(stats.refused).toBeGreaterThan(0);
  return stats;
}

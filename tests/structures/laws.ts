/**
 * The laws every container must keep over any sequence of actions (DESIGN.md §9): patches turn
 * the previous JSON view into the next, a refused op changes nothing, `load(snapshot())`
 * round-trips, effects replayed on a fresh machine reproduce the state, and the inverses,
 * applied newest first (each step's in order), restore every earlier snapshot exactly.
 */
import { applyPatch, deepClone } from 'fast-json-patch';
import { LockstepError } from '../../src/errors.js';
import type { Json, Machine } from '../../src/structures/machine.js';
import { ctxOf } from './helpers.js';
import { Recorder } from './recorder.js';

/** Runs `actions` on a machine made by `make` and checks the laws; returns the final machine. */
export function checkLaws<M extends Machine>(make: () => M, actions: ((m: M) => void)[]): M {
  const ctx = ctxOf(2);
  const m = make();
  const rec = new Recorder(m);
  const befores: Json[] = [];
  for (const act of actions) {
    const before = m.snapshot();
    const json = m.toJSON();
    const count = rec.steps.length;
    try {
      act(m);
    } catch (err) {
      if (!(err instanceof LockstepError)) throw err;
      expect(m.snapshot()).toEqual(before);
      continue;
    }
    if (rec.steps.length === count) continue;
    befores.push(before);
    expect(applyPatch(deepClone(json), rec.last.patches, true).newDocument).toEqual(m.toJSON());
  }
  const snapshot = m.snapshot();

  const copy = make();
  copy.load(JSON.parse(JSON.stringify(snapshot)));
  expect(copy.snapshot()).toEqual(snapshot);
  expect(copy.toJSON()).toEqual(m.toJSON());

  const replay = make();
  for (const step of rec.steps) for (const e of step.effects) replay.apply(e.op, ctx);
  expect(replay.snapshot()).toEqual(snapshot);

  for (let i = rec.steps.length - 1; i >= 0; i--) {
    for (const t of rec.steps[i]!.inverse) m.apply(t.op, ctx);
    expect(m.snapshot()).toEqual(befores[i]);
  }
  return m;
}

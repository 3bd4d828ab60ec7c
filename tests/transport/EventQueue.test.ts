import fc from 'fast-check';
import { EventQueue, type ScheduledEvent } from '../../src/transport/memory/EventQueue.js';

/** A step of a run: schedule an event `delay` ms from now, cancel the k-th scheduled one, or run the next. */
type Step = { kind: 'at'; delay: number } | { kind: 'cancel'; k: number } | { kind: 'run' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('at' as const), delay: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('cancel' as const), k: fc.nat(200) }),
  fc.record({ kind: fc.constant('run' as const) }),
);

describe('EventQueue', () => {
  it('runs live events in order of (time, insertion), at their time, and never a cancelled one', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const queue = new EventQueue();
        const ran: number[] = [];
        const events: ScheduledEvent[] = [];
        // The model: live events as [time, id], in the order they must run.
        let live: Array<[number, number]> = [];
        const runNext = (): void => {
          const before = ran.length;
          queue.runNext();
          const next = live.shift();
          expect(ran.slice(before)).toEqual(next ? [next[1]] : []);
          if (next) expect(queue.now).toBe(next[0]);
        };
        for (const s of steps) {
          if (s.kind === 'at') {
            const id = events.length;
            const time = queue.now + s.delay;
            events.push(queue.at(time, (x: number) => ran.push(x), id));
            live.push([time, id]);
            live.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          } else if (s.kind === 'cancel') {
            const e = events[s.k % Math.max(1, events.length)];
            if (!e) continue;
            queue.cancel(e);
            live = live.filter(([, id]) => id !== events.indexOf(e));
          } else {
            runNext();
          }
          expect(queue.size).toBe(live.length);
        }
        while (live.length > 0) runNext();
        expect(queue.nextTime()).toBe(Infinity);
      }),
      { numRuns: 300 },
    );
  });
});

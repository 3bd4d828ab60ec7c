/**
 * A dispatcher for detached machines in tests: mutation methods (`list.push(…)`) apply through
 * it with a patch sink, and it records each op's effects, inverse and patches.
 */
import type { Applied, ApplyContext, Dispatcher, Machine, Op, PatchOp, Path } from '../../src/structures/machine.js';
import { ctxOf } from './helpers.js';

/** One applied op with what it produced. */
export interface Step extends Applied {
  op: Op;
  patches: PatchOp[];
}

/** Attaches to `machine` as its root dispatcher and records every applied op. */
export class Recorder implements Dispatcher {
  readonly steps: Step[] = [];
  readonly ctx: ApplyContext;
  running: ApplyContext | null = null;

  constructor(
    readonly machine: Machine,
    seed = 1,
  ) {
    this.ctx = ctxOf(seed);
    machine.owner = { dispatcher: this };
  }

  dispatch(path: Path, op: Op): void {
    if (path.length !== 0) throw new Error('the recorder only handles ops at its machine');
    this.apply(op);
  }

  /** Applies `op` to the machine with a sink; records and returns the step. */
  apply(op: Op): Step {
    const patches: PatchOp[] = [];
    this.running = this.ctx;
    try {
      const res = this.machine.apply(op, this.ctx, { prefix: '', ops: patches });
      const step = { ...res, op, patches };
      this.steps.push(step);
      return step;
    } finally {
      this.running = null;
    }
  }

  /** The last recorded step. */
  get last(): Step {
    return this.steps[this.steps.length - 1] as Step;
  }
}

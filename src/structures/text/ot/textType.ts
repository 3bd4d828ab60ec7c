/**
 * The text OT type of lockstep, in the style of ot-text-unicode.
 *
 * Op format. An op is an array of components that walk the document from position 0:
 *   - a positive integer n: retain (skip) n code units unchanged;
 *   - a non-empty string s: insert s at the current position;
 *   - `{d: n}`: delete the next n code units;
 *   - `{d: 'text'}`: delete the next 'text'.length code units, which must be 'text' — the
 *     content form that `invert` needs and that Text's effects carry.
 * The rest of the document after the last component is retained. Positions and lengths count
 * UTF-16 code units (as JavaScript strings and browser selections do); an op that would cut a
 * surrogate pair in two is `invalid_op`, and inserted text must be well-formed UTF-16.
 *
 * Normal form (every function here returns it): no trailing retain, adjacent components of one
 * kind merged, and between two retains the insert comes before the delete —
 * `[3, 'hi', {d: 2}]`, never `[3, {d: 2}, 'hi']`. Merging a count delete with a content delete
 * gives a count delete.
 *
 * Errors: malformed ops throw `LockstepError('invalid_op')`; an op that runs past the end of
 * the document throws `Conflict('out_of_range')`.
 */
import { apply } from './apply.js';
import { checkOp, validOp } from './checkOp.js';
import { compose } from './compose.js';
import { invert, invertWithDoc } from './invert.js';
import { transform, type Side } from './transform.js';
import { transformPosition } from './transformPosition.js';
import type { TextOp } from './TextOp.js';

export type { Delete, Insert, Retain, TextComponent, TextOp } from './TextOp.js';
export type { Side };

/** The text OT type: pure functions over strings and ops. */
export interface TextType {
  readonly name: 'lockstep-text';
  /** `op` checked (`invalid_op` when it is none) and in normal form. */
  normalize(op: unknown): TextOp;
  /** `doc` changed by `op`. */
  apply(doc: string, op: TextOp): string;
  /** One op equivalent to `a` then `b`. */
  compose(a: TextOp, b: TextOp): TextOp;
  /** `op` rewritten to apply after `other`; 'left' puts `op`'s inserts first on a tie. */
  transform(op: TextOp, other: TextOp, side: Side): TextOp;
  /** The op undoing `op` (deletes must carry their content). */
  invert(op: TextOp): TextOp;
  /** The op undoing `op` applied to `doc`. */
  invertWithDoc(op: TextOp, doc: string): TextOp;
  /** Where a cursor at `pos` ends up after `op` (`stickToEnd`: after an insert at `pos`). */
  transformPosition(pos: number, op: TextOp, stickToEnd?: boolean): number;
  /** True when `op` changes nothing. */
  isNoop(op: TextOp): boolean;
  /** Throws `invalid_op` (or `out_of_range` past `docLength`) unless `op` is a valid op. */
  checkOp(op: unknown, docLength?: number): asserts op is TextOp;
}

/** The text OT type (see the op format above). */
export const textType: TextType = {
  name: 'lockstep-text',
  normalize: (op) => validOp(op),
  apply,
  compose,
  transform,
  invert,
  invertWithDoc,
  transformPosition,
  isNoop(op) {
    checkOp(op);
    return op.every((c) => typeof c === 'number');
  },
  checkOp,
};

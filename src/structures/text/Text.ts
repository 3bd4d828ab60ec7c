/**
 * Text: a collaborative string edited with OT ops (`text/edit {ops}`, format in
 * `ot/textType.ts`), stored in a Rope so an edit costs O(log n + edit size). JSON view: the
 * string. Effects carry the deleted text (`{d: 'text'}`), so inverses are exact. Conflicts:
 * `out_of_range` (the op runs past the end), `invalid_op` (malformed, cuts a surrogate pair, or
 * a content delete that does not match the text).
 */
import { Conflict, LockstepError } from '../../errors.js';
import { appliedSelf, badSnapshot, BaseMachine, type Applied, type Json, type Op, type PatchSink } from '../machine.js';
import { ownSchema, type JsonSchema } from '../schema.js';
import { loneSurrogate, validOp } from './ot/checkOp.js';
import type { TextOp } from './ot/TextOp.js';
import { Rope } from './Rope.js';

/** The op of a Text. */
export interface TextEditOp {
  type: 'text/edit';
  ops: TextOp;
}

/**
 * JSON Schema of Text ops (the shape only; `apply` checks the rest against the text). One
 * schema per component, each keyword applying to one type, validates faster than `anyOf`.
 */
export const textOpSchema: JsonSchema = ownSchema({
  type: 'object',
  properties: {
    type: { const: 'text/edit' },
    // The components are checked by `apply` itself (validOp), with messages that say which one
    // is wrong and why; checking them here too would only do the work twice.
    ops: { type: 'array' },
  },
  required: ['type', 'ops'],
  additionalProperties: false,
});

/** The op replacing `count` code units at `pos` with `text` (array literals: typing makes many). */
function editOps(pos: number, count: number, text: string): TextOp {
  if (count === 0) return pos ? [pos, text] : [text];
  const d = { d: count };
  if (text === '') return pos ? [pos, d] : [d];
  return pos ? [pos, text, d] : [text, d];
}

/** Throws the `invalid_op` of an op of another type. */
function notTextEdit(type: unknown): never {
  const problem = `a text takes 'text/edit' ops, not ${JSON.stringify(String(type).slice(0, 40))}`;
  throw new LockstepError('invalid_op', problem, { problem, path: [] });
}

/** Writes the patch of an edit: a `replace` of the string, built only if a listener reads it (during its call). */
function patchReplace(sink: PatchSink, rope: Rope): void {
  sink.ops.push({
    op: 'replace',
    path: sink.prefix,
    get value() {
      return rope.toString();
    },
  });
}

/** The reason `s` cannot be a Text's content, or null. */
function badContent(s: unknown): string | null {
  if (typeof s !== 'string') return `expected a string, got ${s === null ? 'null' : typeof s}`;
  const at = loneSurrogate(s);
  return at < 0 ? null : `unpaired surrogate at index ${at}; text must be well-formed UTF-16`;
}

/** A collaborative string. */
export class Text extends BaseMachine {
  readonly kind = 'text';
  get opSchema(): JsonSchema {
    return textOpSchema;
  }
  private rope: Rope;

  /** Exactly what {@link textOpSchema} accepts: `type` and an `ops` array, no other enumerable key. */
  opShaped(op: Op): boolean {
    const o = op as { type?: unknown; ops?: unknown };
    if (o.type !== 'text/edit' || !Array.isArray(o.ops)) return false;
    for (const k in o) if (k !== 'type' && k !== 'ops') return false;
    return true;
  }

  constructor(initial = '') {
    super();
    const problem = badContent(initial);
    if (problem) throw new LockstepError('invalid_definition', `text initial value: ${problem}`);
    this.rope = new Rope(initial);
  }

  /** Length in UTF-16 code units. */
  get length(): number {
    return this.rope.length;
  }

  /** The whole text (cached until the next edit). */
  toString(): string {
    return this.rope.toString();
  }

  /** The text in [from, to) (clamped to the text), in O(log n + to − from). */
  slice(from = 0, to = this.rope.length): string {
    return this.rope.slice(from, to);
  }

  /** Inserts `text` at `pos`. */
  insert(pos: number, text: string): void {
    this.replace(pos, 0, text);
  }

  /** Deletes `count` code units at `pos`. */
  delete(pos: number, count: number): void {
    this.replace(pos, count, '');
  }

  /** Replaces `count` code units at `pos` with `text`: one transition. */
  replace(pos: number, count: number, text: string): void {
    if (!Number.isSafeInteger(pos) || !Number.isSafeInteger(count) || typeof text !== 'string') {
      throw new LockstepError('invalid_args', 'text edits take an integer position, an integer count and a string');
    }
    const len = this.rope.length;
    if (pos < 0 || count < 0 || pos + count > len) {
      throw new Conflict('out_of_range', `cannot edit [${pos}, ${pos + count}) of a text of length ${len}`, { pos, count, length: len });
    }
    if (!count && !text) return;
    this.edit(editOps(pos, count, text));
  }

  /** Applies an OT op (see `textType`) as one transition. */
  edit(ops: TextOp): void {
    this.submit({ type: 'text/edit', ops });
  }

  apply(raw: TextEditOp | { type: string }, _ctx: unknown, sink?: PatchSink): Applied {
    const op = raw as TextEditOp;
    if (op.type !== 'text/edit') notTextEdit(op.type);
    const ops = validOp(op.ops, this.rope.length);
    const inverse: TextOp = new Array(ops.length);
    const done = this.rope.applyOp(ops, inverse);
    if (sink) patchReplace(sink, this.rope);
    // An op already in its effect's form (inserts, content deletes) is its own effect.
    const effect: Op = done === op.ops ? (raw as Op) : { type: 'text/edit', ops: done };
    return appliedSelf(effect, { type: 'text/edit', ops: inverse });
  }

  toJSON(): Json {
    return this.rope.toString();
  }

  snapshot(): Json {
    return this.rope.toString();
  }

  load(snapshot: unknown): void {
    const problem = badContent(snapshot);
    if (problem) badSnapshot('text', problem);
    this.rope = new Rope(snapshot as string);
  }

  init(value: unknown): void {
    const problem = badContent(value);
    if (problem) throw new Conflict('invalid_value', `a text needs a string: ${problem}`, { problem, path: [] });
    this.rope = new Rope(value as string);
  }
}

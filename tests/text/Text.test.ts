/**
 * Text as a machine (detached from any doc): reads and writes, effects with deleted content,
 * exact inverses, patches, snapshots, and refusals that change nothing.
 */
import fc from 'fast-check';
import { LockstepError } from '../../src/errors.js';
import { detachedContext, type Op, type PatchOp } from '../../src/structures/machine.js';
import { assertSchema, compileSchema } from '../../src/structures/schema.js';
import { Text, textOpSchema, type TextEditOp } from '../../src/structures/text/Text.js';
import { loneSurrogate } from '../../src/structures/text/ot/checkOp.js';
import { textType, type TextOp } from '../../src/structures/text/ot/textType.js';
import { ASTRAL, opOn, text } from './gen.js';

const edit = (ops: TextOp): TextEditOp => ({ type: 'text/edit', ops });

/** Expects `fn` to throw a LockstepError with `code` and leave `t` as it was. */
function refused(t: Text, code: string, fn: () => void): LockstepError {
  const before = t.toString();
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(LockstepError);
  expect((caught as LockstepError).code).toBe(code);
  expect(t.toString()).toBe(before);
  expect(t.length).toBe(before.length);
  return caught as LockstepError;
}

describe('Text', () => {
  test('reads and writes', () => {
    const t = new Text('hello world');
    expect(t.kind).toBe('text');
    expect(t.length).toBe(11);
    expect(t.slice(6, 11)).toBe('world');
    t.insert(5, ',');
    t.delete(0, 1);
    t.replace(0, 0, 'H');
    t.replace(7, 5, 'there');
    expect(t.toString()).toBe('Hello, there');
    t.edit([5, { d: 1 }, 6, '!']);
    expect(t.toString()).toBe('Hello there!');
    t.insert(3, '');
    expect(t.toJSON()).toBe('Hello there!');
    expect(t.snapshot()).toBe('Hello there!');
  });

  test('apply gives effects with deleted content and an exact inverse', () => {
    const t = new Text('abcdef');
    const res = t.apply(edit([1, { d: 2 }, 'XY', 2, { d: 1 }]), detachedContext);
    expect(t.toString()).toBe('aXYdef'.slice(0, 3) + 'de');
    expect(res.effects).toEqual([{ path: [], op: edit([1, 'XY', { d: 'bc' }, 2, { d: 'f' }]) }]);
    expect(res.inverse).toEqual([{ path: [], op: edit([1, 'bc', { d: 'XY' }, 2, 'f']) }]);
    t.apply(res.inverse[0]!.op, detachedContext);
    expect(t.toString()).toBe('abcdef');
  });

  test('random ops apply like textType.apply and their inverses restore the text', () => {
    fc.assert(
      fc.property(
        text(ASTRAL, 30).chain((doc) => fc.record({ doc: fc.constant(doc), op: opOn(doc, ASTRAL) })),
        ({ doc, op }) => {
          const t = new Text(doc);
          const { effects, inverse } = t.apply(edit(op), detachedContext);
          expect(t.toString()).toBe(textType.apply(doc, op));
          expect(loneSurrogate(t.toString())).toBe(-1);
          expect(textType.apply(doc, (effects[0]!.op as unknown as TextEditOp).ops)).toBe(t.toString());
          t.apply(inverse[0]!.op, detachedContext);
          expect(t.toString()).toBe(doc);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('patches go to the sink only when one is given', () => {
    const t = new Text('ab');
    const ops: PatchOp[] = [];
    t.apply(edit([1, 'x']), detachedContext, { prefix: '/notes', ops });
    expect(ops).toEqual([{ op: 'replace', path: '/notes', value: 'axb' }]);
    t.apply(edit(['y']), detachedContext);
    expect(ops).toHaveLength(1);
  });

  test('surrogate pairs, emoji and combining marks are never cut', () => {
    const t = new Text('a😀e\u0301👩‍💻');
    refused(t, 'invalid_op', () => t.insert(2, 'x'));
    refused(t, 'invalid_op', () => t.delete(1, 1));
    refused(t, 'invalid_op', () => t.delete(2, 2));
    refused(t, 'invalid_op', () => t.insert(0, '\uD83D'));
    refused(t, 'invalid_op', () => t.edit(['\uDE00x']));
    t.insert(3, '🎉');
    t.delete(1, 2);
    expect(t.toString()).toBe('a🎉e\u0301👩‍💻');
    t.delete(4, 1); // a combining mark is a character of its own
    expect(t.toString()).toBe('a🎉e👩‍💻');
    expect(textType.apply('😀', [2, 'x'])).toBe('😀x');
    expect(() => textType.apply('😀', [1, 'x'])).toThrow(/surrogate pair/);
    // A text that held no surrogate until a pair was typed into it still guards the pair.
    const plain = new Text('ab');
    plain.insert(1, '😀');
    refused(plain, 'invalid_op', () => plain.insert(2, 'x'));
    refused(plain, 'invalid_op', () => plain.delete(2, 1));
  });

  test('edits at any UTF-16 position either keep the text well-formed or are refused', () => {
    const edit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), del: fc.nat({ max: 3 }), ins: text(ASTRAL, 2) });
    fc.assert(
      fc.property(text(ASTRAL, 20), fc.array(edit, { maxLength: 10 }), (doc, edits) => {
        const t = new Text(doc);
        for (const { at, del, ins } of edits) {
          const pos = Math.floor(at * t.length);
          const count = Math.min(del, t.length - pos);
          const before = t.toString();
          try {
            t.replace(pos, count, ins);
          } catch (err) {
            expect((err as LockstepError).code).toBe('invalid_op');
            expect(t.toString()).toBe(before);
            continue;
          }
          expect(t.toString()).toBe(before.slice(0, pos) + ins + before.slice(pos + count));
          expect(loneSurrogate(t.toString())).toBe(-1);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('bad ops are refused with clear messages and change nothing', () => {
    const t = new Text('hello');
    expect(refused(t, 'out_of_range', () => t.insert(6, 'x')).message).toMatch(/length 5/);
    refused(t, 'out_of_range', () => t.delete(3, 3));
    refused(t, 'out_of_range', () => t.delete(-1, 1));
    refused(t, 'invalid_args', () => t.insert(1.5, 'x'));
    const apply = (ops: unknown) => () => t.apply(edit(ops as TextOp), detachedContext);
    expect(refused(t, 'out_of_range', apply([4, { d: 2 }])).message).toBe('the text op spans 6 characters but the text has only 5');
    refused(t, 'out_of_range', apply([6]));
    expect(refused(t, 'invalid_op', apply([0, 'x'])).message).toBe('text op component 0 is a retain of 0; retains must be positive integers');
    expect(refused(t, 'invalid_op', apply([1, ''])).message).toBe('text op component 1 is an empty insert; leave it out');
    expect(refused(t, 'invalid_op', apply([{ d: 0 }])).message).toMatch(/delete count must be a positive integer/);
    expect(refused(t, 'invalid_op', apply([{ d: 1, x: 1 }])).message).toMatch(/a delete is exactly/);
    expect(refused(t, 'invalid_op', apply([null])).message).toMatch(/component 0 is null; expected a retain/);
    expect(refused(t, 'invalid_op', apply('abc')).message).toBe('a text op must be an array of components, got string');
    expect(refused(t, 'invalid_op', apply([{ d: 'HE' }])).message).toBe(`the text op deletes "HE" at 0 but the text there is "he"`);
    refused(t, 'invalid_op', () => t.apply({ type: 'counter/add' }, detachedContext));
    refused(t, 'invalid_op', () => t.edit([0, 'x'])); // detached edits are schema-checked first
    expect(t.toString()).toBe('hello');
  });

  test('op schema checks the shape; apply checks every component', () => {
    for (const ops of [[], [1, 'a', { d: 2 }, { d: 'x' }]]) assertSchema(textOpSchema, edit(ops), 'invalid_op', 'op');
    for (const bad of [{ type: 'text/edit' }, { type: 'text/edit', ops: 'x' }, { ...edit([]), x: 1 }]) {
      expect(() => assertSchema(textOpSchema, bad, 'invalid_op', 'op')).toThrow(LockstepError);
    }
    const t = new Text('hello');
    for (const ops of [[0], [''], [{ d: 0 }], [1.5], [{ d: 1, x: 1 }], [{}]]) {
      refused(t, 'invalid_op', () => t.apply(edit(ops as unknown as TextOp), detachedContext));
    }
    expect(t.toString()).toBe('hello');
  });

  test('the fast shape check accepts exactly what the op schema accepts', () => {
    const valid = compileSchema(textOpSchema);
    const t = new Text();
    const inherited = Object.assign(Object.create({ extra: 1 }) as object, edit([1, 'a']));
    const hidden = Object.defineProperty(edit(['a']), 'extra', { value: 1, enumerable: false });
    const fixed = [edit([]), inherited, hidden, { type: 'text/edit', ops: [], __proto__: null }, [], { 0: 'text/edit' }];
    const key = fc.constantFrom('type', 'ops', 'x', '__proto__', 'constructor');
    const value = fc.oneof(fc.constantFrom('text/edit', 'text/edi', ['a'], [], null, undefined, 1), fc.jsonValue());
    const op = fc.oneof(fc.constant(null), fc.dictionary(key, value, { maxKeys: 4 }), fc.record({ type: value, ops: value }));
    fc.assert(
      fc.property(fc.oneof(op, fc.constantFrom(...fixed)), (o) => {
        if (o === null || typeof o !== 'object') return;
        expect(t.opShaped(o as Op)).toBe(valid(o));
      }),
      { numRuns: 3000 },
    );
  });

  test('snapshot, load and init', () => {
    const t = new Text('x'.repeat(5000));
    const copy = new Text();
    copy.load(t.snapshot());
    expect(copy.toString()).toBe(t.toString());
    expect(() => copy.load(42)).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    expect(() => copy.load('a\uD800')).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    refused(copy, 'invalid_value', () => copy.init(null));
    copy.init("fresh");
    expect(copy.toString()).toBe('fresh');
    expect(() => new Text('\uDC00')).toThrow(expect.objectContaining({ code: 'invalid_definition' }));
  });
});

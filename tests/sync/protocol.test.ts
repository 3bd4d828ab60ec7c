// The fast check of a submit (`submitShaped`) never accepts what the schema refuses, and
// accepts the submits clients send, so the schema runs only to explain a refusal.
import fc from 'fast-check';
import { compileSchema, type JsonSchema } from '../../src/structures/schema.js';
import { clientMessageSchema, LIMITS, submitShaped, validateClientMessage } from '../../src/sync/protocol.js';
import { LockstepError } from '../../src/errors.js';

const branch = (clientMessageSchema.oneOf as JsonSchema[]).find((b) => (b.properties as { type: { const: string } }).type.const === 'submit')!;
const schemaValid = compileSchema(branch);

/** Mostly `good`, sometimes `bad`: a submit with one thing wrong is what the check must notice. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
const segment = mostly(fc.oneof(fc.string({ maxLength: 8 }), fc.constant('x'.repeat(LIMITS.segmentLength)), fc.constant('😀'.repeat(600))), fc.oneof(fc.constant('x'.repeat(LIMITS.segmentLength + 1)), anything));
const opType = mostly(fc.oneof(fc.constantFrom('text/edit', 'set', ''), fc.constant('t'.repeat(LIMITS.opTypeLength)), fc.constant('😀'.repeat(40))), fc.oneof(fc.constant('t'.repeat(LIMITS.opTypeLength + 1)), anything));
const int = (min: number) => mostly(fc.integer({ min, max: Number.MAX_SAFE_INTEGER }), fc.oneof(fc.constantFrom(min - 1, 1.5, -0, NaN, Infinity, Number.MAX_SAFE_INTEGER + 2), fc.string({ maxLength: 2 })));
const op = mostly(fc.record({ type: opType, ops: anything }, { requiredKeys: ['type'] }), fc.oneof(fc.record({ ops: anything }), fc.array(anything), anything));
const path = mostly(fc.array(segment, { maxLength: 3 }), fc.oneof(fc.constant(new Array(LIMITS.pathDepth + 1).fill('a')), fc.constant([, 'a'] as unknown[]), anything));
const transition = mostly(fc.record({ path, op }), fc.oneof(fc.record({ path, op, more: anything }), fc.record({ path }), fc.array(anything), anything));
const transitions = mostly(fc.array(transition, { minLength: 1, maxLength: 3 }), fc.oneof(fc.constant([]), fc.constant(new Array(LIMITS.transitionsPerSubmit + 1).fill({ path: [], op: { type: 'x' } })), anything));
const submit = mostly(
  fc.record({ type: fc.constant('submit'), seq: int(1), base: int(0), transitions }),
  fc.record({ type: fc.constant('submit'), seq: int(1), base: int(0), transitions, more: anything }, { requiredKeys: ['type', 'seq', 'base', 'transitions'] }),
);
const typical = fc.record({
  type: fc.constant('submit'),
  seq: fc.integer({ min: 1, max: 1e9 }),
  base: fc.nat(),
  transitions: fc.array(fc.record({ path: fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }), op: fc.record({ type: fc.constantFrom('text/edit', 'list/insert'), ops: anything }) }), { minLength: 1, maxLength: 4 }),
});

describe('submit fast check', () => {
  it('accepts nothing the schema refuses', () => {
    fc.assert(
      fc.property(submit, (m) => {
        if (submitShaped(m as Record<string, unknown>)) expect(schemaValid(m)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts the submits clients send', () => {
    fc.assert(fc.property(typical, (m) => expect(submitShaped(m)).toBe(true)), { numRuns: 1000 });
  });

  it('leaves refusals to the schema, with its message', () => {
    const inherited = Object.assign(Object.create({ extra: 1 }) as object, { type: 'submit', seq: 1, base: 0, transitions: [{ path: [], op: { type: 'x' } }] });
    expect(submitShaped(inherited as Record<string, unknown>)).toBe(false);
    expect(() => validateClientMessage(inherited)).toThrow(LockstepError);
    expect(() => validateClientMessage({ type: 'submit', seq: 0, base: 0, transitions: [{ path: [], op: { type: 'x' } }] })).toThrow(/submit message/);
  });
});

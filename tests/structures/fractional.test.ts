import * as fc from 'fast-check';
import { LockstepError } from '../../src/errors.js';
import { DIGITS, isValidKey, keyBetween } from '../../src/structures/fractional.js';
import { fcParams } from './helpers.js';

/** keyBetween(a, b), checked: valid and strictly between. */
function between(a: string | null, b: string | null): string {
  const k = keyBetween(a, b);
  if (!isValidKey(k) || (a !== null && !(a < k)) || (b !== null && !(k < b))) {
    throw new Error(`keyBetween(${a}, ${b}) = ${k}: not a valid key strictly between`);
  }
  return k;
}

/** Any valid key: a head letter, its integer digits, and a fraction not ending in 0. */
const digitArb = fc.integer({ min: 0, max: 61 }).map((i) => DIGITS[i] as string);
const keyArb = fc
  .tuple(
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'.split('')),
    fc.array(digitArb, { maxLength: 26, minLength: 26 }),
    fc.array(digitArb, { maxLength: 6 }),
    fc.integer({ min: 1, max: 61 }).map((i) => DIGITS[i] as string),
    fc.boolean(),
  )
  .map(([head, digits, frac, last, withFrac]) => {
    const n = head >= 'a' ? head.charCodeAt(0) - 96 : 91 - head.charCodeAt(0);
    return head + digits.slice(0, n).join('') + (withFrac ? frac.join('') + last : '');
  })
  .filter((k) => k !== 'A' + '0'.repeat(26));

describe('fractional keys', () => {
  it('digits sort as plain JavaScript strings', () => {
    expect([...DIGITS].sort().join('')).toBe(DIGITS);
    expect(DIGITS).toHaveLength(62);
  });

  it('starts in the middle and appends, prepends, splits', () => {
    const first = between(null, null);
    const after = between(first, null);
    const before = between(null, first);
    between(before, first);
    between(first, after);
  });

  it('always finds a key strictly between two random keys', () => {
    fc.assert(
      fc.property(keyArb, keyArb, (x, y) => {
        expect(isValidKey(x)).toBe(true);
        fc.pre(x !== y);
        const [a, b] = x < y ? [x, y] : [y, x];
        between(a, b);
        between(null, a);
        between(b, null);
      }),
      fcParams(2000),
    );
  });

  it('stays between its neighbours under random insert positions', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 300 }), (positions) => {
        const keys: string[] = [];
        for (const p of positions) {
          const i = p % (keys.length + 1);
          keys.splice(i, 0, between(keys[i - 1] ?? null, keys[i] ?? null));
        }
        expect([...keys].sort()).toEqual(keys);
      }),
      fcParams(200),
    );
  });

  it('stays strictly between after 10,000 inserts at one spot', () => {
    const low = between(null, null);
    let high = between(low, null);
    for (let i = 0; i < 10_000; i++) high = between(low, high);
    let lo2 = low;
    const hi2 = between(low, null);
    for (let i = 0; i < 10_000; i++) lo2 = between(lo2, hi2);
  });

  it('grows logarithmically over 10,000 appends and 10,000 prepends', () => {
    let last: string | null = null;
    for (let i = 0; i < 10_000; i++) last = between(last, null);
    expect((last as string).length).toBeLessThanOrEqual(4);
    let first: string | null = null;
    for (let i = 0; i < 10_000; i++) first = between(null, first);
    expect((first as string).length).toBeLessThanOrEqual(4);
  });

  it('works at the ends of the integer range', () => {
    const largest = 'z' + 'z'.repeat(26);
    const smallestWithFraction = 'A' + '0'.repeat(26) + '1';
    let k = largest;
    for (let i = 0; i < 100; i++) k = between(k, null);
    k = smallestWithFraction;
    for (let i = 0; i < 100; i++) k = between(null, k);
    between('Zz', 'a0');
    between('az', 'b00');
  });

  it('rejects invalid keys', () => {
    for (const bad of ['', 'a', 'b0', 'a00', 'a0!', '0a', 'Z', 'A' + '0'.repeat(26), 'a0 ', 'é0', 12, null, undefined]) {
      expect(isValidKey(bad)).toBe(false);
    }
    for (const good of ['a0', 'Zz', 'b00', 'a0V', 'A' + '0'.repeat(26) + '1', 'z' + 'z'.repeat(26)]) {
      expect(isValidKey(good)).toBe(true);
    }
    expect(() => keyBetween('a00', null)).toThrow(LockstepError);
    expect(() => keyBetween(null, 'x')).toThrow(/not a fractional index key/);
    expect(() => keyBetween('a1', 'a1')).toThrow(/not ascending/);
    expect(() => keyBetween('a2', 'a1')).toThrow(/not ascending/);
  });
});

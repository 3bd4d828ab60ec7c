/**
 * Fractional index keys: base-62 strings (digits `0-9A-Za-z`, in the order JavaScript compares
 * strings) such that a key strictly between any two keys always exists. List items and Tree
 * siblings are ordered by them.
 *
 * A key is an integer part followed by a fraction:
 * - the integer part is a head letter and as many digits as the head says: `a` takes 1 digit,
 *   `b` 2, … `z` 26; `Z` takes 1, `Y` 2, … `A` 26. The integers run from `A000…0` (smallest)
 *   through `Zz`, `a0` up to `zzz…z`, so adding one at the ends grows a key logarithmically;
 * - the fraction is zero or more digits, never ending in `0` (so every position has exactly
 *   one spelling and there is always room below it).
 * The smallest integer without a fraction is not a key: nothing could go before it.
 */
import { LockstepError } from '../errors.js';

/** The 62 digits, in ascending order. */
export const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const LAST = DIGITS.length - 1;
const SMALLEST_INTEGER = 'A' + '0'.repeat(26);
const BASE62 = /^[0-9A-Za-z]+$/;

function digit(c: string): number {
  const code = c.charCodeAt(0);
  return code <= 57 ? code - 48 : code <= 90 ? code - 55 : code - 61;
}

/** Digits after the head letter `head`, or 0 when `head` is no head letter. */
function integerDigits(head: string): number {
  if (head >= 'a' && head <= 'z') return head.charCodeAt(0) - 96;
  if (head >= 'A' && head <= 'Z') return 91 - head.charCodeAt(0);
  return 0;
}

/** True when `k` is a well-formed key. */
export function isValidKey(k: unknown): k is string {
  if (typeof k !== 'string' || !BASE62.test(k)) return false;
  const n = integerDigits(k[0] as string);
  if (n === 0 || k.length <= n) return false;
  if (k.length > n + 1 && k[k.length - 1] === '0') return false;
  return k !== SMALLEST_INTEGER;
}

function integerPart(k: string): string {
  return k.slice(0, integerDigits(k[0] as string) + 1);
}

/** The next integer, or null after the largest one. */
function increment(int: string): string | null {
  const head = int[0] as string;
  const digits = int.slice(1).split('');
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digit(digits[i] as string);
    if (d < LAST) {
      digits[i] = DIGITS[d + 1] as string;
      return head + digits.join('');
    }
    digits[i] = '0';
  }
  // every digit carried over: the next head letter, whose integers have one digit more (a…z)
  // or one digit fewer (A…Z)
  if (head === 'z') return null;
  if (head === 'Z') return 'a0';
  const next = String.fromCharCode(head.charCodeAt(0) + 1);
  return next + '0'.repeat(integerDigits(next));
}

/** The previous integer, or null before the smallest one. */
function decrement(int: string): string | null {
  const head = int[0] as string;
  const digits = int.slice(1).split('');
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digit(digits[i] as string);
    if (d > 0) {
      digits[i] = DIGITS[d - 1] as string;
      return head + digits.join('');
    }
    digits[i] = DIGITS[LAST] as string;
  }
  if (head === 'A') return null;
  if (head === 'a') return 'Zz';
  const prev = String.fromCharCode(head.charCodeAt(0) - 1);
  return prev + (DIGITS[LAST] as string).repeat(integerDigits(prev));
}

function digitAt(s: string, i: number): number {
  return i < s.length ? digit(s[i] as string) : 0;
}

/**
 * A fraction strictly between fractions `a` and `b` (`null`: one whole), not ending in `0`.
 * Both are digit strings after the point; `a` may be empty; `a < b`.
 */
function midpoint(a: string, b: string | null): string {
  let i = 0;
  if (b !== null) while ((a[i] ?? '0') === b[i]) i++;
  let out = b === null ? '' : b.slice(0, i);
  const da = digitAt(a, i);
  const db = b === null ? DIGITS.length : digit(b[i] as string);
  if (db - da > 1) return out + DIGITS[(da + db) >> 1];
  // adjacent digits: b's digit alone when b goes on after it (above a, below b) …
  if (b !== null && b.length > i + 1) return out + b[i];
  // … otherwise a's digit, then something above the rest of a (past any run of top digits)
  out += DIGITS[da];
  for (i++; digitAt(a, i) === LAST; i++) out += DIGITS[LAST];
  return out + DIGITS[(digitAt(a, i) + DIGITS.length) >> 1];
}

function check(k: string | null, name: string): void {
  if (k !== null && !isValidKey(k)) {
    throw new LockstepError('invalid_op', `${name} ${JSON.stringify(k)} is not a fractional index key`);
  }
}

/**
 * A key strictly between `a` and `b` (`null`: open end). Appending (`keyBetween(last, null)`)
 * and prepending grow keys logarithmically; inserting again and again at one spot grows them
 * by about one character per six inserts. `invalid_op` when a bound is malformed or `a >= b`.
 */
export function keyBetween(a: string | null, b: string | null): string {
  check(a, 'lower bound');
  check(b, 'upper bound');
  if (a !== null && b !== null && a >= b) {
    throw new LockstepError('invalid_op', `no key between ${JSON.stringify(a)} and ${JSON.stringify(b)}: not ascending`);
  }
  if (a === null) {
    if (b === null) return 'a0';
    const ib = integerPart(b);
    const fb = b.slice(ib.length);
    if (ib === SMALLEST_INTEGER) return ib + midpoint('', fb);
    return fb === '' ? (decrement(ib) as string) : ib;
  }
  const ia = integerPart(a);
  const fa = a.slice(ia.length);
  if (b !== null) {
    const ib = integerPart(b);
    if (ia === ib) return ia + midpoint(fa, b.slice(ib.length));
  }
  const next = increment(ia);
  if (next !== null && (b === null || next < b)) return next;
  return ia + midpoint(fa, null);
}

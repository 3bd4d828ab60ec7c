/**
 * Validation of text ops: `checkOp` checks the shape (and, given a document length, the span),
 * `validOp` does the same and returns the op in normal form, and `checkOn` checks an op
 * against the document it is about to change (the Rope checks as it applies, with the same
 * conflicts).
 */
import { Conflict, LockstepError } from '../../../errors.js';
import { normalize } from './normalize.js';
import { dlen, isHigh, isLow, type TextOp } from './TextOp.js';

const LONE_SURROGATE = /\p{Cs}/u;

/** The index of the first unpaired surrogate in `s`, or -1 when `s` is well-formed UTF-16. */
export function loneSurrogate(s: string): number {
  // Most text has no surrogates at all: scan for one before running the regex.
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xf800) === 0xd800) return s.search(LONE_SURROGATE);
  return -1;
}

/** Error details in the shape the machine tree extends with the path (see `nested`). */
function details(problem: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { ...extra, problem, path: [] };
}

function invalid(i: number, problem: string): never {
  const message = `text op component ${i} ${problem}`;
  throw new LockstepError('invalid_op', message, details(message, { index: i }));
}

function checkString(s: string, i: number, what: 'insert' | 'delete'): void {
  if (s === '') invalid(i, `is an empty ${what}; leave it out`);
  const at = loneSurrogate(s);
  if (at >= 0) invalid(i, `is ${what === 'insert' ? 'an insert' : 'a delete'} with an unpaired surrogate at index ${at}; text must be well-formed UTF-16`);
}

/**
 * Throws `invalid_op` unless `op` is an array of retains (positive integers), inserts
 * (non-empty, well-formed strings) and deletes (`{d: n}` or `{d: 'text'}`); given `docLength`,
 * throws `Conflict('out_of_range')` when its retains and deletes run past the end.
 */
export function checkOp(op: unknown, docLength?: number): asserts op is TextOp {
  scan(op, docLength);
}

/** `checkOp`, then the op in normal form (`op` itself when it already is). */
export function validOp(op: unknown, docLength?: number): TextOp {
  return scan(op, docLength) ? (op as TextOp) : normalize(op as TextOp);
}

/** Checks `op` like `checkOp`; returns whether it is in normal form. */
function scan(op: unknown, docLength: number | undefined): boolean {
  if (!Array.isArray(op)) notAnArray(op);
  let span = 0;
  // Kind of the previous component (1 retain, 2 insert, 3 delete) and whether the op is normal.
  let prev = 0;
  let normal = true;
  for (let i = 0; i < op.length; i++) {
    const c: unknown = op[i];
    let kind: number;
    if (typeof c === 'number' && Number.isSafeInteger(c) && c > 0) {
      span += c;
      kind = 1;
    } else if (typeof c === 'string' && c !== '' && loneSurrogate(c) < 0) {
      kind = 2;
    } else {
      const n = deleteSpan(c);
      if (n < 0) badComponent(c, i);
      span += n;
      kind = 3;
    }
    if (kind === prev || (prev === 3 && kind === 2)) normal = false;
    prev = kind;
  }
  if (docLength !== undefined && span > docLength) outOfRange(span, docLength);
  return normal && prev !== 1;
}

/** Throws the `invalid_op` of an op that is not an array. */
function notAnArray(op: unknown): never {
  const message = `a text op must be an array of components, got ${op === null ? 'null' : typeof op}`;
  throw new LockstepError('invalid_op', message, details(message, {}));
}

/** The span of `c` if it is a valid delete (`{d: n}` or `{d: 'text'}`), else -1. */
function deleteSpan(c: unknown): number {
  if (c === null || typeof c !== 'object' || Array.isArray(c) || !('d' in c)) return -1;
  for (const key in c) if (key !== 'd') return -1;
  const d = (c as { d: unknown }).d;
  if (typeof d === 'number') return Number.isSafeInteger(d) && d > 0 ? d : -1;
  return typeof d === 'string' && d !== '' && loneSurrogate(d) < 0 ? d.length : -1;
}

/** Throws the `invalid_op` that says what is wrong with component `i`, `c` (which is not valid). */
function badComponent(c: unknown, i: number): never {
  if (typeof c === 'number') invalid(i, `is a retain of ${c}; retains must be positive integers`);
  if (typeof c === 'string') checkString(c, i, 'insert');
  else if (c !== null && typeof c === 'object' && !Array.isArray(c) && 'd' in c) {
    for (const key in c) if (key !== 'd') invalid(i, `has keys ${JSON.stringify(Object.keys(c))}; a delete is exactly {d: n} or {d: 'text'}`);
    const d = (c as { d: unknown }).d;
    if (typeof d === 'number') invalid(i, `deletes ${d} characters; a delete count must be a positive integer`);
    if (typeof d === 'string') checkString(d, i, 'delete');
    else invalid(i, `is a delete of ${d === null ? 'null' : typeof d}; use {d: n} or {d: 'text'}`);
  }
  invalid(i, `is ${c === null ? 'null' : Array.isArray(c) ? 'an array' : `a ${typeof c}`}; expected a retain (positive integer), an insert (non-empty string) or a delete ({d: n} or {d: 'text'})`);
}

function outOfRange(span: number, length: number): never {
  const message = `the text op spans ${span} characters but the text has only ${length}`;
  throw new Conflict('out_of_range', message, details(message, { span, length }));
}

/** True when position `p` of `doc` falls between the halves of a surrogate pair. */
function splitsPair(doc: string, p: number): boolean {
  return p > 0 && p < doc.length && isLow(doc.charCodeAt(p)) && isHigh(doc.charCodeAt(p - 1));
}

/** The conflict of an op that cuts position `p`, between the halves of a surrogate pair. */
export function cutPairConflict(p: number): Conflict {
  const message = `the text op cuts position ${p}, between the two halves of a surrogate pair; positions must fall between whole characters`;
  return new Conflict('invalid_op', message, details(message, { position: p }));
}

/** The conflict of a content delete of `expected` at `at` where the text is `actual`. */
export function mismatchConflict(expected: string, actual: string, at: number): Conflict {
  const message = `the text op deletes ${quote(expected)} at ${at} but the text there is ${quote(actual)}`;
  return new Conflict('invalid_op', message, details(message, { position: at }));
}

function checkCut(doc: string, p: number): void {
  if (splitsPair(doc, p)) throw cutPairConflict(p);
}

function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/**
 * Checks a valid op in normal form against `doc`, whose span `checkOp(op, doc.length)` already
 * checked: `Conflict('invalid_op')` when it would split a surrogate pair or a content delete
 * does not match the text it deletes.
 */
export function checkOn(op: TextOp, doc: string): void {
  let at = 0;
  for (let i = 0; i < op.length; i++) {
    const c = op[i]!;
    if (typeof c === 'number') {
      at += c;
      continue;
    }
    checkCut(doc, at);
    if (typeof c === 'string') continue;
    const n = dlen(c);
    if (typeof c.d === 'string') {
      const actual = doc.slice(at, at + n);
      if (actual !== c.d) throw mismatchConflict(c.d, actual, at);
    }
    at += n;
    checkCut(doc, at);
  }
}

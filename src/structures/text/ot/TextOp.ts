/**
 * The types of a text op (format: see `textType.ts`) and small helpers over its components.
 */

/** Skip this many UTF-16 code units of the input unchanged (a positive integer). */
export type Retain = number;
/** Insert this non-empty string at the current position. */
export type Insert = string;
/** Delete `d` code units, given as a count or as the deleted text itself (needed to invert). */
export interface Delete {
  d: number | string;
}
/** One component of a text op. */
export type TextComponent = Retain | Insert | Delete;
/** A text op: a list of components walking the document from its start. */
export type TextOp = TextComponent[];

/** How many code units a delete removes. */
export function dlen(c: Delete): number {
  return typeof c.d === 'number' ? c.d : c.d.length;
}

/** True for a UTF-16 high (leading) surrogate. */
export function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** True for a UTF-16 low (trailing) surrogate. */
export function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

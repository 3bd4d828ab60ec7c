/**
 * The one edit that turns a textarea's old value into its new one: a common prefix, a common
 * suffix and what changed between them. The caret settles ties: typing "a" into "a|a" is an
 * insert at 1, not at 2. Never cuts a surrogate pair.
 */

/** Replace `del` code units at `pos` with `ins`. */
export interface TextEdit {
  pos: number;
  del: number;
  ins: string;
}

import { isHigh, isLow, type TextOp } from './ot/TextOp.js';

/** The edit from `before` to `after` (null if equal); `caret` is where the caret is in `after`, if known. */
export function textDiff(before: string, after: string, caret = after.length): TextEdit | null {
  if (before === after) return null;
  const byCaret = diffWithin(before, after, Math.max(0, after.length - caret));
  const plain = diffWithin(before, after, after.length);
  // Typing ends at the caret, so prefer the caret's reading unless it is a larger edit.
  return plain.del + plain.ins.length < byCaret.del + byCaret.ins.length ? plain : byCaret;
}

/** Common suffix (at most `maxSuffix` long) first, then common prefix. */
function diffWithin(before: string, after: string, maxSuffix: number): TextEdit {
  const shorter = Math.min(before.length, after.length);
  let suffix = 0;
  const suffixBound = Math.min(shorter, maxSuffix);
  while (suffix < suffixBound && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && isLow(before.charCodeAt(before.length - suffix))) suffix--;
  let prefix = 0;
  const prefixBound = shorter - suffix;
  while (prefix < prefixBound && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHigh(before.charCodeAt(prefix - 1))) prefix--;
  return { pos: prefix, del: before.length - prefix - suffix, ins: after.slice(prefix, after.length - suffix) };
}

/** The edit as a Text op (an empty op when there is none). */
export function editOp(edit: TextEdit | null): TextOp {
  if (!edit) return [];
  const op: TextOp = [];
  if (edit.pos) op.push(edit.pos);
  if (edit.ins) op.push(edit.ins);
  if (edit.del) op.push({ d: edit.del });
  return op;
}

/**
 * The Text parts of rebasing. Only raw `text/edit` ops need transforming: every other op
 * (List ids, Map keys, Counter adds, `call`s re-run by the server) means the same thing on any
 * state. See docs/ARCHITECTURE.md "Rebase".
 */
import type { Transition } from '../structures/machine.js';
import { textType, type TextOp } from '../structures/text/ot/textType.js';

/** The op type name of Text edits. */
export const TEXT_EDIT = 'text/edit';

/**
 * A Map key for a path: `/` and the segment for the common one-segment path, its JSON array
 * otherwise (which starts with `[`, so the two forms never meet).
 */
export function pathKey(path: readonly string[]): string {
  return path.length === 1 ? '/' + (path[0] as string) : JSON.stringify(path);
}

/** True when `t` is a Text edit. */
export function isTextEdit(t: Transition): boolean {
  return t.op.type === TEXT_EDIT;
}

/** The Text edits in `ts`, composed per path (keyed by {@link pathKey}). */
export function textEditsByPath(ts: readonly Transition[]): Map<string, { path: string[]; ops: TextOp }> {
  const out = new Map<string, { path: string[]; ops: TextOp }>();
  for (const t of ts) {
    if (t.op.type !== TEXT_EDIT) continue;
    const k = pathKey(t.path);
    const prev = out.get(k);
    const ops = t.op.ops as TextOp;
    out.set(k, { path: t.path, ops: prev ? textType.compose(prev.ops, ops) : ops });
  }
  return out;
}

/**
 * True when `effect` replaced the Text at `path` or one of its ancestors (a Map entry set anew,
 * a List or Tree item inserted with that id): a Text edit made before it cannot be carried over.
 */
export function replacesAncestor(effect: Transition, path: readonly string[]): boolean {
  const n = effect.path.length;
  if (n >= path.length) return false;
  for (let i = 0; i < n; i++) if (effect.path[i] !== path[i]) return false;
  const seg = path[n];
  const op = effect.op as { type: string; key?: unknown; id?: unknown };
  return (op.type === 'map/set' && op.key === seg) || ((op.type === 'list/insert' || op.type === 'tree/insert') && op.id === seg);
}

/** True when two paths are equal. */
export function samePath(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Transforms the Text edits in `ts` over one transition that was committed before them. */
export function transformOver(ts: Transition[], committed: Transition): Transition[] {
  if (committed.op.type !== TEXT_EDIT) return ts;
  return ts.map((t) =>
    t.op.type === TEXT_EDIT && samePath(t.path, committed.path)
      ? { path: t.path, op: { type: TEXT_EDIT, ops: textType.transform(t.op.ops as TextOp, committed.op.ops as TextOp, 'left') } }
      : t,
  );
}

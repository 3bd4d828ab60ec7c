/**
 * Turns the patches a change collected into plain RFC 6902 operations. Values some machines
 * provide lazily (a Text's string) are read now, so call it while handling the change.
 */
import type { Json, PatchOp } from '../structures/machine.js';

/** Plain RFC 6902 operations for a change's patches (lazy values materialized). */
export function toJsonPatch(patches: readonly PatchOp[]): PatchOp[] {
  return patches.map((p) => ('value' in p ? { op: p.op, path: p.path, value: p.value as Json } : { ...p }));
}

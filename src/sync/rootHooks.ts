/**
 * What a root state machine may expose to its server: `onJoin(clientId)` / `onLeave(clientId)`
 * transitions and `nextTimer()`, a transition the server fires at a time with no user input.
 */
import { machineOf, type Json, type Transition } from '../structures/machine.js';
import { StructNode } from '../decorators/StructNode.js';

/** A timer a root asks for: call the transition `call` with `args` at time `at` (ms). */
export interface Timer {
  at: number;
  call: string;
  args?: Json[];
}

/** Which join/leave transitions the root declares. */
export function rootTransitions(state: object): { onJoin: boolean; onLeave: boolean } {
  const node = machineOf(state);
  const ts = node instanceof StructNode ? node.info.transitions : undefined;
  return { onJoin: !!ts?.has('onJoin'), onLeave: !!ts?.has('onLeave') };
}

/** The root's next timer, if it has a `nextTimer()` method and wants one. */
export function nextTimerOf(state: object): Timer | null {
  const fn = (state as { nextTimer?: () => Timer | null }).nextTimer;
  if (typeof fn !== 'function') return null;
  const t = fn.call(state);
  if (!t || typeof t.at !== 'number' || !Number.isFinite(t.at) || typeof t.call !== 'string') return null;
  return t;
}

/**
 * True for a transition only the server may make: a call of the root's `onJoin` or `onLeave`,
 * whose argument names a client — a client submitting it would act for another client.
 */
export function isServerOnly(t: Transition): boolean {
  const method = (t.op as { method?: unknown }).method;
  return t.path.length === 0 && t.op.type === 'call' && (method === 'onJoin' || method === 'onLeave');
}

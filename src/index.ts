/**
 * lockstep — shared application state for real-time apps. The public API; browser-safe.
 * Import it as a namespace (`import * as L from 'lockstep'`) so `L.Map` does not shadow `Map`.
 */
import './decorators/metadata.js';

export { LockstepError, Conflict, type ErrorCode } from './errors.js';
export type {
  Json,
  Path,
  Op,
  Transition,
  Effect,
  ApplyContext,
  Applied,
  PatchOp,
  Machine,
} from './structures/machine.js';
export type { JsonSchema } from './structures/schema.js';
export { context } from './structures/Applier.js';
export { Atom, type AtomOp, type AtomOptions } from './structures/atom/Atom.js';
export { Counter, type CounterOp, type CounterOptions } from './structures/counter/Counter.js';
export { Map, type MapOp } from './structures/map/Map.js';
export { stateMachine } from './decorators/stateMachine.js';
export { field } from './decorators/field.js';
export { transition } from './decorators/transition.js';
export { defineStateMachine, type FieldSpec, type TransitionSpec } from './decorators/defineStateMachine.js';
export type { FieldOptions, TransitionOptions } from './decorators/metadata.js';
export type { CallOp } from './decorators/StructNode.js';
export { Doc, type DocApplyOptions, type DocChange, type DocListener, type DocApplied } from './sync/Doc.js';
export { toJsonPatch } from './sync/toJsonPatch.js';

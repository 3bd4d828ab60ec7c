/**
 * The only module that touches `Symbol.metadata` and reflect-metadata. Field and transition
 * declarations are stored per class and inherited: a subclass adds its own, its parent is
 * unchanged. Under TC39 decorators they live in the class's `Symbol.metadata` object (which
 * inherits from the parent's); under `experimentalDecorators` in a WeakMap keyed by class.
 */
import 'reflect-metadata';
import type { JsonSchema } from '../structures/schema.js';

// Node 20 has no Symbol.metadata: without it TypeScript and esbuild give decorators no
// `context.metadata`. Installing it here, before any user class is defined, is the shim.
(Symbol as { metadata: symbol }).metadata ??= Symbol.for('Symbol.metadata');

/** Options of `@field()`. */
export interface FieldOptions {
  /** A JSON Schema enforced on every value of an Atom field. */
  schema?: JsonSchema;
}

/** Options of `@transition()`. */
export interface TransitionOptions {
  /** One JSON Schema per argument; arguments are validated before the method runs. */
  args?: JsonSchema[];
}

/** A declared field. */
export interface FieldInfo {
  name: string;
  options: FieldOptions;
  /** The `design:type` the compiler emitted, when it did (a hint only). */
  designType?: unknown;
}

/** A declared transition: the original method body and its options. */
export interface TransitionInfo {
  name: string;
  options: TransitionOptions;
  body: (...args: unknown[]) => unknown;
}

/** Everything declared on one class (inherited declarations included). */
export interface ClassInfo {
  fields: FieldInfo[];
  transitions: globalThis.Map<string, TransitionInfo>;
}

interface Own {
  fields: FieldInfo[];
  transitions: TransitionInfo[];
}

const OWN = Symbol('lockstep.declarations');
const byClass = new WeakMap<object, Own>();
const merged = new WeakMap<object, ClassInfo | null>();

function ownIn(holder: Record<symbol, unknown>): Own {
  if (!Object.prototype.hasOwnProperty.call(holder, OWN)) {
    Object.defineProperty(holder, OWN, { value: { fields: [], transitions: [] }, enumerable: false });
  }
  return holder[OWN] as Own;
}

/** Where a decorator records a declaration: a TC39 metadata object, or a class (experimental). */
export type DeclarationTarget = { metadata: object } | { ctor: object };

function ownOf(target: DeclarationTarget): Own {
  if ('metadata' in target) return ownIn(target.metadata as Record<symbol, unknown>);
  let own = byClass.get(target.ctor);
  if (!own) byClass.set(target.ctor, (own = { fields: [], transitions: [] }));
  return own;
}

/** Records a field declaration. */
export function declareField(target: DeclarationTarget, name: string, options: FieldOptions): void {
  const designType =
    'ctor' in target
      ? Reflect.getMetadata?.('design:type', (target.ctor as { prototype: object }).prototype, name)
      : undefined;
  ownOf(target).fields.push({ name, options, designType });
}

/** Records a transition declaration. */
export function declareTransition(target: DeclarationTarget, info: TransitionInfo): void {
  ownOf(target).transitions.push(info);
}

function ownDeclarations(ctor: object): Own | undefined {
  const meta = (ctor as Record<symbol, unknown>)[Symbol.metadata as symbol] as Record<symbol, unknown> | undefined;
  const fromMeta =
    meta && Object.prototype.hasOwnProperty.call(meta, OWN) ? (meta[OWN] as Own) : undefined;
  return fromMeta ?? byClass.get(ctor);
}

/** Everything declared on `ctor` and its ancestors (parents first), or null for a plain class. */
export function classInfo(ctor: object): ClassInfo | null {
  if (merged.has(ctor)) return merged.get(ctor) as ClassInfo | null;
  const chain: Own[] = [];
  for (let c: object | null = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const own = ownDeclarations(c);
    if (own) chain.unshift(own);
  }
  let info: ClassInfo | null = null;
  if (chain.length) {
    info = { fields: [], transitions: new globalThis.Map() };
    for (const own of chain) {
      for (const f of own.fields) {
        const at = info.fields.findIndex((x) => x.name === f.name);
        if (at >= 0) info.fields[at] = f;
        else info.fields.push(f);
      }
      for (const t of own.transitions) info.transitions.set(t.name, t);
    }
  }
  merged.set(ctor, info);
  return info;
}

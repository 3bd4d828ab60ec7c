/**
 * Tree<T>: a forest of nodes holding JSON values or machines of one kind. Siblings are ordered
 * by (fractional key, id), each parent's children in their own counted B-tree.
 * JSON view: the roots, `{id, value, children}` each; snapshot: `[id, parent, key,
 * valueOrSnapshot][]`, parents before children.
 *
 * Ops: `tree/insert {id, parent, key, value | snapshot}`, `tree/move {id, parent, key}`,
 * `tree/delete {id}` (the whole subtree; its inverse is the inserts that rebuild it, parents
 * first). Conflicts: `not_found` (node or parent), `duplicate_id`, `cycle` (a node moved under
 * itself or a descendant); malformed ids or keys are `invalid_op`.
 */
import { Conflict } from '../../errors.js';
import { checkId, checkKey, idSchema, invalidOp, keySchema, makeItem, opVariant } from '../checks.js';
import { ItemKind, jsonItems, type ItemFactory } from '../items.js';
import {
  appliedSelf,
  BaseMachine,
  machineOf,
  type Applied,
  type ApplyContext,
  type Json,
  type Machine,
  type Op,
  type PatchSink,
} from '../machine.js';
import { OrderTree } from '../order/OrderTree.js';
import { placeAt } from '../order/placeAt.js';
import { ownSchema, type JsonSchema } from '../schema.js';
import { treeFromSnapshot, treeFromView, type TreeParts } from './buildTree.js';
import { TreeNode } from './TreeNode.js';

const JsMap = globalThis.Map;

/** Ops of a Tree. */
export type TreeOp =
  | { type: 'tree/insert'; id: string; parent: string | null; key: string; value: Json }
  | { type: 'tree/insert'; id: string; parent: string | null; key: string; snapshot: Json }
  | { type: 'tree/move'; id: string; parent: string | null; key: string }
  | { type: 'tree/delete'; id: string };

/** A node of a Tree's JSON view. */
export type TreeNodeView = { id: string; value: Json; children: TreeNodeView[] };

const parent: JsonSchema = { type: ['string', 'null'], pattern: idSchema.pattern };

/** JSON Schema of Tree ops (the variants exclude each other, so `anyOf` stops at the match). */
export const treeOpSchema: JsonSchema = ownSchema({
  anyOf: [
    opVariant('tree/insert', { id: idSchema, parent, key: keySchema, value: {} }),
    opVariant('tree/insert', { id: idSchema, parent, key: keySchema, snapshot: {} }),
    opVariant('tree/move', { id: idSchema, parent, key: keySchema }),
    opVariant('tree/delete', { id: idSchema }),
  ],
});

/**
 * A replicated tree. `T` is what a node holds (a JSON type, or the machine class of
 * `Tree.of`); `V` is what `insert` takes (the JSON view of a machine item).
 */
export class Tree<T = Json, V = T> extends BaseMachine {
  readonly kind = 'tree';
  private roots = new OrderTree<TreeNode<T>>();
  private nodes = new JsMap<string, TreeNode<T>>();

  constructor(private readonly items: ItemKind<T> = jsonItems as ItemKind<T>) {
    super();
  }

  /** A Tree whose nodes hold machines made by `kind` (a machine class or a factory). */
  static of<T>(kind: ItemFactory<T>): Tree<T, Json> {
    return new Tree<T, Json>(new ItemKind(kind));
  }

  get opSchema(): JsonSchema {
    return treeOpSchema;
  }

  /** Number of nodes. */
  get size(): number {
    return this.nodes.size;
  }

  /** The value (or machine) of node `id`. */
  get(id: string): T | undefined {
    return this.nodes.get(id)?.value;
  }

  /** True when node `id` exists. */
  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** The parent of node `id` (null for a root), or undefined when there is no such node. */
  parent(id: string): string | null | undefined {
    const node = this.nodes.get(id);
    return node ? (node.parent?.id ?? null) : undefined;
  }

  /** The ids of the children of `id` (null: the roots), in order; `not_found` for an unknown id. */
  children(id: string | null): string[] {
    const out: string[] = [];
    this.kidsOf(this.parentNode(id)).forEach((n) => out.push(n.id));
    return out;
  }

  /** Inserts `value` so it lands at `index` among the children of `parentId`; returns its id. */
  insert(parentId: string | null, index: number, value: V): string {
    const siblings = this.kidsOf(this.parentNode(parentId));
    const { key, id } = placeAt(siblings, index, { ctx: this.currentContext() });
    this.submit({ type: 'tree/insert', id, parent: parentId, key, value: value as Json });
    return id;
  }

  /** Moves node `id` (with its subtree) so it lands at `index` among the children of `parentId`. */
  move(id: string, parentId: string | null, index: number): void {
    const node = this.find(id);
    const parent = this.parentNode(parentId);
    if (parent?.isWithin(node)) throw this.cycle(node, parent);
    const skip = parent === node.parent ? node : undefined;
    const { key } = placeAt(this.kidsOf(parent), index, { id, skip });
    this.submit({ type: 'tree/move', id, parent: parentId, key });
  }

  /** Removes node `id` and everything below it. */
  delete(id: string): void {
    this.submit({ type: 'tree/delete', id });
  }

  apply(raw: Op, ctx: ApplyContext, sink?: PatchSink): Applied {
    const op = raw as TreeOp;
    switch (op.type) {
      case 'tree/insert':
        return this.applyInsert(op, ctx, sink);
      case 'tree/move':
        return this.applyMove(op, sink);
      case 'tree/delete':
        return this.applyDelete(op.id, sink);
      default:
        return invalidOp(`a tree has no op ${JSON.stringify(raw.type)}`);
    }
  }

  private applyInsert(op: Extract<TreeOp, { type: 'tree/insert' }>, ctx: ApplyContext, sink?: PatchSink): Applied {
    checkId(op.id);
    checkKey(op.key);
    const parent = this.parentNode(op.parent);
    if (this.nodes.has(op.id)) throw new Conflict('duplicate_id', `the tree already has a node ${op.id}`, { id: op.id });
    const node = new TreeNode(op.id, op.key, makeItem(this.items, op, ctx), parent);
    this.items.attach(node.value, this, op.id);
    this.kidsOf(parent, true).insert(node);
    this.nodes.set(op.id, node);
    if (sink) {
      const value = { id: node.id, value: this.items.json(node.value), children: [] };
      sink.ops.push({ op: 'add', path: this.patchPath(sink, node), value });
    }
    return appliedSelf(this.insertOp(node), { type: 'tree/delete', id: op.id });
  }

  private applyMove(op: Extract<TreeOp, { type: 'tree/move' }>, sink?: PatchSink): Applied {
    const node = this.find(op.id);
    checkKey(op.key);
    const parent = this.parentNode(op.parent);
    if (parent?.isWithin(node)) throw this.cycle(node, parent);
    const undo: Op = { type: 'tree/move', id: node.id, parent: node.parent?.id ?? null, key: node.key };
    const from = sink ? this.patchPath(sink, node) : '';
    const sameParent = parent === node.parent;
    this.unlink(node);
    node.key = op.key;
    node.parent = parent;
    this.kidsOf(parent, true).insert(node);
    if (sink) {
      // Among the same siblings a JSON Patch `move` is safe. Across parents, fast-json-patch
      // would resolve the target path before removing `from` (RFC 6902 resolves it after),
      // so the subtree is removed and added instead.
      const path = this.patchPath(sink, node);
      if (sameParent) sink.ops.push({ op: 'move', from, path });
      else sink.ops.push({ op: 'remove', path: from }, { op: 'add', path, value: this.views([node])[0] as TreeNodeView });
    }
    return appliedSelf({ type: 'tree/move', id: node.id, parent: op.parent, key: op.key }, undo);
  }

  private applyDelete(id: string, sink?: PatchSink): Applied {
    const node = this.find(id);
    const removed = node.subtree();
    const inverse = removed.map((n) => ({ path: [], op: this.insertOp(n) }));
    if (sink) sink.ops.push({ op: 'remove', path: this.patchPath(sink, node) });
    this.unlink(node);
    for (const n of removed) {
      this.nodes.delete(n.id);
      this.items.detach(n.value);
    }
    return { effects: [{ path: [], op: { type: 'tree/delete', id } }], inverse };
  }

  /** The `tree/insert` op that recreates `node` where it is. */
  private insertOp(node: TreeNode<T>): Op {
    return { type: 'tree/insert', id: node.id, parent: node.parent?.id ?? null, key: node.key, ...this.items.content(node.value) };
  }

  private cycle(node: TreeNode<T>, parent: TreeNode<T>): Conflict {
    return new Conflict('cycle', `cannot move ${node.id} under ${parent.id}: it is the node itself or below it`, {
      id: node.id,
      parent: parent.id,
    });
  }

  private find(id: string, what = 'node'): TreeNode<T> {
    const node = this.nodes.get(id);
    if (node) return node;
    checkId(id, what);
    throw new Conflict('not_found', `the tree has no ${what} ${id}`, { id });
  }

  /** The node under which to put something: null for the roots. */
  private parentNode(id: string | null): TreeNode<T> | null {
    return id === null ? null : this.find(id, 'parent');
  }

  /** The children of `parent` (null: the roots); with `create`, made when missing. */
  private kidsOf(parent: TreeNode<T> | null, create = false): OrderTree<TreeNode<T>> {
    if (!parent) return this.roots;
    return create ? parent.ownKids() : (parent.kids ?? new OrderTree<TreeNode<T>>());
  }

  /** Takes `node` out of its siblings (dropping an emptied children structure). */
  private unlink(node: TreeNode<T>): void {
    const siblings = this.kidsOf(node.parent);
    siblings.remove(node);
    if (node.parent && siblings.size === 0) node.parent.kids = null;
  }

  /** JSON pointer tokens of `node` in the JSON view. */
  private tokens(node: TreeNode<T>): string[] {
    const out: string[] = [];
    for (let n: TreeNode<T> | null = node; n; n = n.parent) {
      out.push(String(this.kidsOf(n.parent).indexOf(n)));
      if (n.parent) out.push('children');
    }
    return out.reverse();
  }

  private patchPath(sink: PatchSink, node: TreeNode<T>): string {
    return `${sink.prefix}/${this.tokens(node).join('/')}`;
  }

  child(segment: string): Machine | undefined {
    return this.items.machines ? machineOf(this.nodes.get(segment)?.value) : undefined;
  }

  pointer(segment: string): string[] {
    return [...this.tokens(this.find(segment)), 'value'];
  }

  toJSON(): Json {
    const roots: TreeNode<T>[] = [];
    this.roots.forEach((n) => roots.push(n));
    return this.views(roots);
  }

  /** The JSON views of `nodes` and everything below them. */
  private views(nodes: TreeNode<T>[]): TreeNodeView[] {
    const out: TreeNodeView[] = [];
    const queue: [TreeNode<T>, TreeNodeView[]][] = nodes.map((n) => [n, out]);
    for (let i = 0; i < queue.length; i++) {
      const [node, into] = queue[i] as [TreeNode<T>, TreeNodeView[]];
      const children: TreeNodeView[] = [];
      into.push({ id: node.id, value: this.items.json(node.value), children });
      node.kids?.forEach((k) => queue.push([k, children]));
    }
    return out;
  }

  snapshot(): Json {
    const out: Json[] = [];
    this.roots.forEach((root) => {
      for (const n of root.subtree()) out.push([n.id, n.parent?.id ?? null, n.key, this.items.snapshot(n.value)]);
    });
    return out;
  }

  load(snapshot: unknown): void {
    this.replace(treeFromSnapshot(this.items, snapshot));
  }

  init(value: unknown, ctx: ApplyContext): void {
    this.replace(treeFromView(this.items, value, ctx));
  }

  private replace(built: TreeParts<T>): void {
    for (const node of built.nodes.values()) this.items.attach(node.value, this, node.id);
    this.roots = built.roots;
    this.nodes = built.nodes;
  }
}

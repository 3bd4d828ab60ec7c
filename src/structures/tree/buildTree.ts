/**
 * Builds the nodes of a Tree from a snapshot (`load`) or a JSON view (`init`), checking all of
 * it; the Tree swaps them in only when complete, so a bad input changes nothing.
 */
import { Conflict } from '../../errors.js';
import { loadItem } from '../checks.js';
import { isValidKey, keyBetween } from '../fractional.js';
import { isValidId, newId } from '../ids.js';
import type { ItemKind } from '../items.js';
import { badSnapshot, nested, type ApplyContext } from '../machine.js';
import { OrderTree } from '../order/OrderTree.js';
import { TreeNode } from './TreeNode.js';
import type { TreeNodeView } from './Tree.js';

const JsMap = globalThis.Map;

/** The roots and the id index of a tree being built. */
export class TreeParts<T> {
  readonly roots = new OrderTree<TreeNode<T>>();
  readonly nodes = new JsMap<string, TreeNode<T>>();

  /** Adds a node under `parentId` (which must be in already). */
  add(id: string, parentId: string | null, key: string, value: T): void {
    const parent = parentId === null ? null : (this.nodes.get(parentId) as TreeNode<T>);
    const node = new TreeNode(id, key, value, parent);
    (parent ? parent.ownKids() : this.roots).insert(node);
    this.nodes.set(id, node);
  }
}

/** The nodes of a snapshot (`[id, parent, key, valueOrSnapshot][]`); `invalid_snapshot` when bad. */
export function treeFromSnapshot<T>(items: ItemKind<T>, snapshot: unknown): TreeParts<T> {
  if (!Array.isArray(snapshot)) badSnapshot('tree', 'expected an array of [id, parent, key, value] entries');
  const built = new TreeParts<T>();
  snapshot.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry) || entry.length !== 4) badSnapshot('tree', `entry ${i} is not [id, parent, key, value]`);
    const [id, parentId, key, content] = entry as unknown[];
    if (!isValidId(id)) badSnapshot('tree', `entry ${i} has an invalid id ${JSON.stringify(id)}`);
    if (built.nodes.has(id)) badSnapshot('tree', `entry ${i} repeats the id ${id}`);
    if (parentId !== null && !(isValidId(parentId) && built.nodes.has(parentId))) {
      badSnapshot('tree', `entry ${i} names a parent ${JSON.stringify(parentId)} that does not come before it`);
    }
    if (!isValidKey(key)) badSnapshot('tree', `entry ${i} has an invalid key ${JSON.stringify(key)}`);
    built.add(id, parentId, key, loadItem(items, id, content));
  });
  return built;
}

/**
 * The nodes of a JSON view (`{id?, value, children?}[]`, ids made when missing, increasing keys
 * among siblings); `invalid_value` when bad.
 */
export function treeFromView<T>(items: ItemKind<T>, value: unknown, ctx: ApplyContext): TreeParts<T> {
  const built = new TreeParts<T>();
  const queue: [unknown, string | null, string][] = [];
  const enqueue = (views: unknown, parentId: string | null, where: string): void => {
    if (!Array.isArray(views)) throw new Conflict('invalid_value', `${where || 'a tree'} needs an array of nodes`, { path: [] });
    views.forEach((v, i) => queue.push([v, parentId, `${where}/${i}`]));
  };
  enqueue(value, null, '');
  let key: string | null = null;
  let lastParent: string | null | undefined;
  for (const [view, parentId, where] of queue) {
    if (view === null || typeof view !== 'object' || !('value' in view)) {
      throw new Conflict('invalid_value', `the tree node at ${where} needs {value, children?, id?}`, { path: [] });
    }
    const { id = newId(ctx), value: content, children = [] } = view as Partial<TreeNodeView>;
    if (!isValidId(id) || built.nodes.has(id)) {
      throw new Conflict('invalid_value', `the tree node at ${where} has an invalid or repeated id`, { path: [] });
    }
    key = parentId === lastParent ? keyBetween(key, null) : keyBetween(null, null);
    lastParent = parentId;
    built.add(id, parentId, key, nested(id, () => items.make(content, false, ctx)).value);
    enqueue(children, id, `${where}/children`);
  }
  return built;
}

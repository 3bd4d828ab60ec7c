/** One node of a Tree: id, fractional key among its siblings, value, parent and children. */
import type { Entry, OrderNode } from '../order/OrderNode.js';
import { OrderTree } from '../order/OrderTree.js';

/** A Tree node, as held by its parent's (or the roots') order tree. */
export class TreeNode<T> implements Entry {
  leaf: OrderNode<Entry> | null = null;
  /** The children in order; null while there are none. */
  kids: OrderTree<TreeNode<T>> | null = null;

  constructor(
    readonly id: string,
    public key: string,
    readonly value: T,
    public parent: TreeNode<T> | null,
  ) {}

  /** The children, made on first use. */
  ownKids(): OrderTree<TreeNode<T>> {
    return (this.kids ??= new OrderTree<TreeNode<T>>());
  }

  /** True when `this` is `node` or lies below it. */
  isWithin(node: TreeNode<T>): boolean {
    for (let n: TreeNode<T> | null = this; n; n = n.parent) if (n === node) return true;
    return false;
  }

  /** This node and everything below it, parents before children. */
  subtree(): TreeNode<T>[] {
    const out: TreeNode<T>[] = [this];
    for (let i = 0; i < out.length; i++) (out[i] as TreeNode<T>).kids?.forEach((k) => out.push(k));
    return out;
  }
}

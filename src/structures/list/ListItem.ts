/** One item of a List: its id, fractional key and value (a JSON value or a machine). */
import type { Entry, OrderNode } from '../order/OrderNode.js';

/** A List item, as held by the List's order tree. */
export class ListItem<T> implements Entry {
  leaf: OrderNode<Entry> | null = null;

  constructor(
    readonly id: string,
    public key: string,
    readonly value: T,
  ) {}
}

/** TextCursor: a position in a Text that follows edits (local and remote) as they are applied. */
import type { Transition } from '../structures/machine.js';
import { textType, type TextOp } from '../structures/text/ot/textType.js';
import { samePath, TEXT_EDIT } from './textRebase.js';

/** A cursor in the Text at `path`. */
export class TextCursor {
  constructor(
    readonly path: string[],
    private pos: number,
    private readonly onDispose: () => void,
    /** Whether an insert exactly at the cursor goes before it (the cursor sticks to the end). */
    readonly stickToEnd = false,
  ) {}

  /** The current position (UTF-16 code units). */
  get position(): number {
    return this.pos;
  }

  /** Moves the cursor (after the user moved it). */
  set(position: number): void {
    this.pos = position;
  }

  /** @internal Follows edits that changed the state. */
  transform(effects: readonly Transition[]): void {
    for (const e of effects) {
      if (e.op.type === TEXT_EDIT && samePath(e.path, this.path)) {
        this.pos = textType.transformPosition(this.pos, e.op.ops as TextOp, this.stickToEnd);
      }
    }
  }

  /** @internal The whole state was replaced. */
  reset(): void {
    this.pos = 0;
  }

  /** Stops following edits. */
  dispose(): void {
    this.onDispose();
  }
}

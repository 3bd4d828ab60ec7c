/** The bounded counter: − and + buttons; going past 0 or 10 is refused, and the refusal shown. */
import type { SyncClient } from 'lockstep';
import type { Board } from '../Board.js';
import { byId } from './dom.js';
import { attempt } from './toasts.js';

/** Wires the buttons; returns the function that redraws the value. */
export function bindCounter(client: SyncClient<Board>): () => void {
  const value = byId('counter-value');
  byId('counter-minus').addEventListener('click', () => attempt(() => client.state.counter.add(-1)));
  byId('counter-plus').addEventListener('click', () => attempt(() => client.state.counter.add(1)));
  return () => {
    value.textContent = String(client.state.counter.value);
  };
}

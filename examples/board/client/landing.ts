/** The landing page: makes a new board with a random id and opens it (its link is the one to share). */
import { byId } from './dom.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random board id: 12 characters of [A-Za-z0-9] (about 71 bits). */
export function newBoardId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let id = '';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

/** Shows the landing page. */
export function startLanding(problem?: string): void {
  byId('landing').hidden = false;
  if (problem) byId('landing-problem').textContent = problem;
  byId('new-board').addEventListener('click', () => location.assign(`/b/${newBoardId()}`));
}

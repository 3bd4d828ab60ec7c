/**
 * The browser entry of the board demo (bundled by build.mjs): `/b/<id>` or `/?room=<id>` opens
 * a board, anything else the landing page.
 */
import { startBoard } from './boardView.js';
import { startLanding } from './landing.js';

const ROOM_ID = /^[A-Za-z0-9_-]{1,128}$/;

function roomOfPage(): string | null {
  const match = /^\/b\/([^/]+)\/?$/.exec(location.pathname);
  if (!match) return new URLSearchParams(location.search).get('room');
  try {
    return decodeURIComponent(match[1] as string);
  } catch {
    return '';
  }
}

const id = roomOfPage();
if (id !== null && ROOM_ID.test(id)) {
  const client = startBoard(id);
  (globalThis as { board?: unknown }).board = client; // for poking at it in the console
} else {
  startLanding(id === null ? undefined : 'A board id is 1–128 letters, digits, _ or -. Start a new board instead:');
}

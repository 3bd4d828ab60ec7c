/**
 * The URL layout of rooms: `/rooms/:type/:id` (WebSocket, and `GET` for the JSON view) and
 * `/rooms/:type/:id/transitions` (`POST`). Room ids are `[A-Za-z0-9_-]{1,128}` — safe in URLs,
 * file names and logs without escaping.
 */

/** What a valid room id looks like. */
export const ROOM_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A path under `/rooms/`, not yet validated. */
export interface RoomRoute {
  type: string;
  id: string;
  /** `'transitions'` for the POST endpoint, `null` for the room itself. */
  action: 'transitions' | null;
}

/** The room route of a request path (query ignored), or null when it is not one. */
export function parseRoomPath(url: string | undefined): RoomRoute | null {
  const path = (url ?? '/').split('?', 1)[0] as string;
  const parts = path.split('/');
  if (parts[0] !== '' || parts[1] !== 'rooms') return null;
  const [type, id, action] = parts.slice(2);
  if (type === undefined || id === undefined) return null;
  if (parts.length === 4) return { type, id, action: null };
  if (parts.length === 5 && action === 'transitions') return { type, id, action };
  return null;
}

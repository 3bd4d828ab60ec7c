/** Who this tab is: a name and a colour, kept for the tab's session, shown to the others. */

const ANIMALS = ['Otter', 'Heron', 'Lynx', 'Badger', 'Falcon', 'Marten', 'Ibex', 'Puffin', 'Wombat', 'Gecko'];
const COLORS = ['#d9480f', '#2b8a3e', '#1864ab', '#862e9c', '#c2255c', '#087f5b', '#e67700', '#5f3dc4'];

/** This tab's name and colour. */
export interface Identity {
  name: string;
  color: string;
}

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T;
}

/** The identity of this tab (made once per tab session). */
export function identity(): Identity {
  const saved = sessionStorage.getItem('lockstep-board-identity');
  if (saved) {
    try {
      const parsed = JSON.parse(saved) as Identity;
      if (typeof parsed.name === 'string' && typeof parsed.color === 'string') return parsed;
    } catch {
      // made again below
    }
  }
  return saveIdentity({ name: `${pick(ANIMALS)} ${Math.floor(Math.random() * 90) + 10}`, color: pick(COLORS) });
}

/** Keeps `who` for this tab; returns it. */
export function saveIdentity(who: Identity): Identity {
  sessionStorage.setItem('lockstep-board-identity', JSON.stringify(who));
  return who;
}

/** Toasts: short notices in a corner, for refused changes and connection trouble. */
import { byId, h } from './dom.js';

const SHOW_MS = 6000;
const MAX_SHOWN = 5;

/** Shows a notice with a code (`out_of_range`, …) and a message. */
export function toast(code: string, message: string): void {
  const box = byId('toasts');
  const el = h('div', { class: 'toast', role: 'alert', 'data-code': code }, h('strong', {}, code), ' ', message);
  box.append(el);
  while (box.children.length > MAX_SHOWN) box.firstElementChild?.remove();
  setTimeout(() => el.remove(), SHOW_MS);
}

/** Runs a change; if it is refused at once (the local state already refuses it), says why. */
export function attempt(change: () => void): void {
  try {
    change();
  } catch (err) {
    const e = err as { code?: string; message?: string };
    toast(e.code ?? 'error', e.message ?? String(err));
  }
}

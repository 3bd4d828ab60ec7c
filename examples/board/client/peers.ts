/**
 * The other people on the board, from presence: a list (name, and where their caret is in the
 * notes) and a caret marker per person drawn over the notes. A peer's caret is a TextCursor,
 * so it follows edits made after the peer last reported it.
 */
import type { Json, SyncClient, TextCursor } from 'lockstep';
import type { Board } from '../Board.js';
import { h } from './dom.js';

/** What each tab publishes as its presence. */
export interface PeerInfo {
  name: string;
  color: string;
  /** Caret position in the notes, or null when the notes do not have the focus. */
  caret: number | null;
}

interface Peer {
  info: PeerInfo;
  cursor: TextCursor;
}

/** Presence from the network, made safe to show. */
function readInfo(data: Json): PeerInfo {
  const d = (typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {}) as Record<string, Json>;
  const name = typeof d.name === 'string' && d.name.trim() ? d.name.slice(0, 40) : 'someone';
  const color = typeof d.color === 'string' && /^#[0-9a-f]{6}$/i.test(d.color) ? d.color : '#868e96';
  const caret = typeof d.caret === 'number' && Number.isSafeInteger(d.caret) && d.caret >= 0 ? d.caret : null;
  return { name, color, caret };
}

/** The peers of one board view. */
export class Peers {
  private readonly peers = new Map<string, Peer>();

  constructor(
    private readonly client: SyncClient<Board>,
    private readonly list: HTMLElement,
    private readonly mirror: HTMLElement,
    private readonly area: HTMLTextAreaElement,
  ) {
    area.addEventListener('scroll', () => this.syncScroll());
  }

  /** A presence update (`data` null: the peer left). */
  update(clientId: string, data: Json | null): void {
    const peer = this.peers.get(clientId);
    if (data === null) {
      peer?.cursor.dispose();
      this.peers.delete(clientId);
      return;
    }
    const info = readInfo(data);
    if (peer) {
      peer.info = info;
      peer.cursor.set(info.caret ?? 0);
    } else {
      this.peers.set(clientId, { info, cursor: this.client.cursor(['notes'], info.caret ?? 0) });
    }
  }

  /** Draws the list and the carets. */
  render(me: PeerInfo): void {
    const text = this.client.state.notes.toString();
    const items = [this.item(me, text, true)];
    for (const { info, cursor } of this.peers.values()) items.push(this.item({ ...info, caret: info.caret === null ? null : cursor.position }, text, false));
    this.list.replaceChildren(...items);
    this.drawCarets(text);
  }

  private item(info: PeerInfo, text: string, isMe: boolean): HTMLLIElement {
    const where = info.caret === null ? 'not in the notes' : lineAndColumn(text, Math.min(info.caret, text.length));
    return h(
      'li',
      { class: isMe ? 'peer me' : 'peer', 'data-peer-name': info.name },
      h('span', { class: 'dot', style: `background:${info.color}` }),
      h('span', { class: 'peer-name' }, isMe ? `${info.name} (you)` : info.name),
      h('span', { class: 'peer-where' }, where),
    );
  }

  /** The mirror holds the same text as the textarea, invisible, with a marker at each caret. */
  private drawCarets(text: string): void {
    const marks = [...this.peers.values()]
      .filter((p) => p.info.caret !== null)
      .map((p) => ({ at: Math.min(p.cursor.position, text.length), info: p.info }))
      .sort((a, b) => a.at - b.at);
    const nodes: Node[] = [];
    let at = 0;
    for (const m of marks) {
      nodes.push(document.createTextNode(text.slice(at, m.at)));
      nodes.push(
        h('span', { class: 'caret', style: `border-color:${m.info.color}`, 'data-peer-name': m.info.name }, h('span', { class: 'caret-label', style: `background:${m.info.color}` }, m.info.name)),
      );
      at = m.at;
    }
    nodes.push(document.createTextNode(`${text.slice(at)}\u200b`)); // a final newline still gets its line
    this.mirror.replaceChildren(...nodes);
    this.syncScroll();
  }

  private syncScroll(): void {
    this.mirror.scrollTop = this.area.scrollTop;
    this.mirror.scrollLeft = this.area.scrollLeft;
  }
}

function lineAndColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column}`;
}

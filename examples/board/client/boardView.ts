/**
 * One board: connects to `/rooms/board/<id>` on this server and wires every part of the page
 * to the client — todos, notes, peers, counter, connection status, undo, and a toast for every
 * refused change (`rejected`).
 */
import * as L from 'lockstep';
import { Board } from '../Board.js';
import { bindCounter } from './counter.js';
import { byId } from './dom.js';
import { identity, saveIdentity } from './identity.js';
import { bindNotes } from './notes.js';
import { Peers, type PeerInfo } from './peers.js';
import { bindTodos } from './todos.js';
import { attempt, toast } from './toasts.js';

const STATUS_TEXT: Record<L.SyncStatus, string> = {
  connecting: 'connecting…',
  syncing: 'syncing…',
  live: 'live',
  offline: 'offline — reconnecting',
  closed: 'closed',
};

/** Shows board `roomId`; returns its client. */
export function startBoard(roomId: string): L.SyncClient<Board> {
  byId('board').hidden = false;
  const link = `${location.origin}/b/${roomId}`;
  byId<HTMLInputElement>('share-link').value = link;
  byId('copy-link').addEventListener('click', () => void copy(link));
  document.title = `Board ${roomId} — lockstep`;

  const client = L.connect(Board, `/rooms/board/${roomId}`);
  let me = identity();
  const nameInput = byId<HTMLInputElement>('my-name');
  nameInput.value = me.name;

  const drawTodos = bindTodos(client);
  const drawCounter = bindCounter(client);
  const peers = new Peers(client, byId('peer-list'), byId('notes-mirror'), byId<HTMLTextAreaElement>('notes'));
  const publish = () => {
    const info: PeerInfo = { ...me, caret: notes.caret() };
    client.presence.set(info);
    peers.render(info);
  };
  const notes = bindNotes(client, byId<HTMLTextAreaElement>('notes'), publish);

  const status = byId('status');
  const pending = byId('pending');
  const undo = byId<HTMLButtonElement>('undo');
  const redo = byId<HTMLButtonElement>('redo');
  const drawMeta = () => {
    status.dataset.status = client.status;
    status.textContent = STATUS_TEXT[client.status];
    const n = client.pendingCount;
    pending.textContent = n ? `${n} change${n === 1 ? '' : 's'} not yet confirmed` : 'all changes saved';
    if (n) void client.whenSynced().then(drawMeta);
    undo.disabled = !client.canUndo;
    redo.disabled = !client.canRedo;
  };
  const drawAll = () => {
    drawTodos();
    drawCounter();
    notes.refresh();
    peers.render({ ...me, caret: notes.caret() });
    drawMeta();
  };

  client.on('change', drawAll);
  client.on('status', (s) => {
    drawAll();
    if (s === 'live') publish();
  });
  client.on('presence', ({ clientId, data }) => {
    peers.update(clientId, data);
    peers.render({ ...me, caret: notes.caret() });
  });
  client.on('rejected', ({ code, message }) => toast(code, `refused: ${message}`));
  client.on('error', ({ code, message }) => toast(code, message));
  undo.addEventListener('click', () => attempt(() => client.undo()));
  redo.addEventListener('click', () => attempt(() => client.redo()));
  nameInput.addEventListener('change', () => {
    const name = nameInput.value.trim().slice(0, 40);
    if (!name) return;
    me = saveIdentity({ ...me, name });
    publish();
  });
  drawAll();
  return client;
}

async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast('copied', 'the link is on the clipboard');
  } catch {
    byId<HTMLInputElement>('share-link').select();
  }
}

/**
 * Binds the notes textarea to the board's Text. Input events become minimal `replace` edits
 * (textDiff); remote changes are written back with the caret and selection kept where they
 * belong — two TextCursors follow every edit, local or remote, so the caret stays put when
 * someone types before it. While an IME composes, remote changes wait until it is done.
 */
import { textDiff, type SyncClient, type TextCursor } from 'lockstep';
import type { Board } from '../Board.js';

import { attempt } from './toasts.js';

const PATH = ['notes'];

/** The binding: call `refresh` after any change of the state. */
export interface NotesBinding {
  /** Shows the Text's current content, keeping the caret. */
  refresh(): void;
  /** Where this user's caret is, or null when the notes do not have the focus. */
  caret(): number | null;
}

/** Binds `area` to `client.state.notes`; `onCaret` is called when the caret moves. */
export function bindNotes(client: SyncClient<Board>, area: HTMLTextAreaElement, onCaret: () => void): NotesBinding {
  const text = () => client.state.notes;
  const start = client.cursor(PATH, 0);
  const end = client.cursor(PATH, 0);
  /** What the textarea showed after the last sync with the Text. */
  let shown = '';
  let composing: { anchor: TextCursor; at: number } | null = null;

  const syncSelection = () => {
    if (composing) return;
    start.set(area.selectionStart);
    end.set(area.selectionEnd);
    onCaret();
  };

  const refresh = () => {
    if (composing) return; // written back at compositionend
    const model = text().toString();
    if (model === area.value) {
      shown = model;
      return;
    }
    const scroll = area.scrollTop;
    const direction = area.selectionDirection;
    area.value = model;
    shown = model;
    area.setSelectionRange(Math.min(start.position, model.length), Math.min(end.position, model.length), direction);
    area.scrollTop = scroll;
    onCaret();
  };

  /** Sends what the user changed since `shown`; `shift` moves it (remote edits during a composition). */
  const commit = (shift = 0) => {
    const collapsed = area.selectionStart === area.selectionEnd;
    const edit = textDiff(shown, area.value, collapsed ? area.selectionEnd : area.value.length);
    shown = area.value;
    if (edit) {
      const length = text().length;
      const pos = Math.min(Math.max(0, edit.pos + shift), length);
      attempt(() => text().replace(pos, Math.min(edit.del, length - pos), edit.ins));
    }
    start.set(area.selectionStart + shift);
    end.set(area.selectionEnd + shift);
    refresh(); // a refused or shifted edit: show what the Text holds
    syncSelection();
  };

  area.addEventListener('input', (event) => {
    if (composing || (event as InputEvent).isComposing) return;
    commit();
  });
  area.addEventListener('compositionstart', () => {
    syncSelection();
    composing = { anchor: client.cursor(PATH, area.selectionStart), at: area.selectionStart };
  });
  area.addEventListener('compositionend', () => {
    if (!composing) return;
    const { anchor, at } = composing;
    composing = null;
    const shift = anchor.position - at;
    anchor.dispose();
    commit(shift);
  });
  for (const type of ['keyup', 'mouseup', 'select', 'focus', 'blur']) area.addEventListener(type, syncSelection);
  document.addEventListener('selectionchange', () => {
    if (document.activeElement === area) syncSelection();
  });

  refresh();
  return {
    refresh,
    caret: () => (document.activeElement === area ? end.position : null),
  };
}

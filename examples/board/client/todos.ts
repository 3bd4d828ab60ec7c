/**
 * The todo list: add (a push), complete and reopen (transitions of the Board, atomic with the
 * count of completed todos), reorder (a move) and delete (a transition).
 */
import type { SyncClient } from 'lockstep';
import type { Board } from '../Board.js';
import { byId, h } from './dom.js';
import { attempt } from './toasts.js';

/** Wires the add form; returns the function that redraws the list. */
export function bindTodos(client: SyncClient<Board>): () => void {
  const board = () => client.state;
  const form = byId<HTMLFormElement>('todo-form');
  const input = byId<HTMLInputElement>('todo-title');
  const list = byId<HTMLUListElement>('todo-list');
  const summary = byId('todo-summary');

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const title = input.value.trim();
    if (!title) return;
    attempt(() => board().todos.push({ title, done: false }));
    input.value = '';
  });

  list.addEventListener('click', (event) => {
    const target = event.target as HTMLElement;
    const id = target.closest('li')?.dataset.id;
    if (!id) return;
    const todos = board().todos;
    const index = todos.indexOf(id);
    if (target.matches('.todo-done')) {
      const done = todos.get(id)?.done.value;
      attempt(() => (done ? board().reopen(id) : board().complete(id)));
    } else if (target.matches('.todo-up') && index > 0) {
      attempt(() => todos.move(id, index - 1));
    } else if (target.matches('.todo-down') && index >= 0 && index < todos.length - 1) {
      attempt(() => todos.move(id, index + 1));
    } else if (target.matches('.todo-delete')) {
      attempt(() => board().remove(id));
    }
    draw(); // a refused change leaves nothing to redraw, but the checkbox already flipped
  });

  function draw(): void {
    const { todos, completed } = board();
    const items: HTMLLIElement[] = [];
    for (const id of todos.ids()) {
      const todo = todos.get(id);
      if (!todo) continue;
      const box = h('input', { type: 'checkbox', class: 'todo-done', 'aria-label': 'done' });
      box.checked = todo.done.value;
      items.push(
        h(
          'li',
          { 'data-id': id, class: todo.done.value ? 'todo done' : 'todo' },
          box,
          h('span', { class: 'todo-text' }, todo.title.value),
          h('button', { type: 'button', class: 'todo-up', title: 'move up' }, '↑'),
          h('button', { type: 'button', class: 'todo-down', title: 'move down' }, '↓'),
          h('button', { type: 'button', class: 'todo-delete', title: 'delete' }, '✕'),
        ),
      );
    }
    list.replaceChildren(...items);
    summary.textContent = todos.length ? `${completed.value} of ${todos.length} done` : 'nothing to do yet';
  }
  return draw;
}

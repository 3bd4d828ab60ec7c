/**
 * The state of a board, shared by the server (examples/board/server.ts) and the browser
 * (client/main.ts): a todo list, a count of the completed todos, shared notes and a bounded
 * counter. Completing, reopening and removing a todo are transitions — each one atomic, so the
 * count of completed todos can never disagree with the list.
 */
import * as L from 'lockstep';

/** One todo. */
@L.stateMachine()
export class Todo {
  @L.field({ schema: { type: 'string', maxLength: 200 } }) title = new L.Atom('');
  @L.field() done = new L.Atom(false);
}

/** A collaborative board. */
@L.stateMachine()
export class Board {
  @L.field() todos = L.List.of(Todo);
  /** How many todos are done: kept in step with the list by the transitions below. */
  @L.field() completed = new L.Counter({ min: 0 });
  @L.field() notes = new L.Text();
  /** A counter the server keeps between 0 and 10: going past a bound is refused. */
  @L.field() counter = new L.Counter({ min: 0, max: 10 });

  /** Marks a todo done. */
  @L.transition({ args: [{ type: 'string' }] })
  complete(id: string): void {
    const todo = this.find(id);
    if (todo.done.value) throw new L.Conflict('conflict', 'that todo is already done');
    todo.done.set(true);
    this.completed.add(1);
  }

  /** Marks a done todo as not done. */
  @L.transition({ args: [{ type: 'string' }] })
  reopen(id: string): void {
    const todo = this.find(id);
    if (!todo.done.value) throw new L.Conflict('conflict', 'that todo is not done');
    todo.done.set(false);
    this.completed.add(-1);
  }

  /** Deletes a todo (and uncounts it if it was done). */
  @L.transition({ args: [{ type: 'string' }] })
  remove(id: string): void {
    if (this.find(id).done.value) this.completed.add(-1);
    this.todos.delete(id);
  }

  private find(id: string): Todo {
    const todo = this.todos.get(id);
    if (!todo) throw new L.Conflict('not_found', 'that todo was deleted by someone else');
    return todo;
  }
}

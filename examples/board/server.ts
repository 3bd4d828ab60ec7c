/**
 * The server options of the board demo: `lockstep serve` loads the compiled module
 * (examples/board/dist/server.js, built by build.mjs) and serves `/rooms/board/:id`.
 */
import type { ServerOptions } from 'lockstep/server';
import { Board } from './Board.js';

const options: ServerOptions = {
  rooms: { board: Board },
};

export default options;

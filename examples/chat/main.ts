/**
 * The chat example's server: `node examples/chat/start.mjs`, then in a browser console
 * `ws = new WebSocket('ws://127.0.0.1:8081/rooms/chat/lobby', 'chat.v1');
 *  ws.onmessage = (e) => console.log(e.data); ws.send('hello')`.
 */
import { closeOnSignals, createServer, jsonLogger } from '../../src/server/index.js';
import { chatRoom } from './chatRoom.js';

const logger = jsonLogger({ level: 'info' });
const server = createServer({ rooms: { chat: chatRoom() }, logger });
const port = Number(process.env.PORT ?? 8081);
const { address } = await server.listen(port, process.env.HOST ?? '127.0.0.1');
closeOnSignals(server, { logger });
console.log(`chat: ws://${address}:${port}/rooms/chat/<room> (subprotocol chat.v1)`);

// The raw-service example: a chat room on the room host, over real WebSockets.
import { WebSocket } from 'ws';
import { chatRoom, type ChatEvent } from '../../examples/chat/chatRoom.js';
import { refusal, start, until } from './wsFixtures.js';

jest.setTimeout(20_000);

async function join(url: string) {
  const ws = new WebSocket(url, 'chat.v1');
  const events: ChatEvent[] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data)) as ChatEvent));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  await until(() => events.length > 0, 5000, 'welcome');
  return { ws, events };
}

it('runs a chat room: welcome, history, broadcast to all but one, leave, timer', async () => {
  const { server, ws: base } = await start({ rooms: { chat: chatRoom({ quietAfter: 50, historySize: 2 }) } });
  const url = `${base}/rooms/chat/lobby`;
  try {
    const ann = await join(url);
    expect(ann.events).toEqual([{ type: 'welcome', you: '1', present: [] }]);
    ann.ws.send('  hello  ');
    ann.ws.send('');
    ann.ws.send(Buffer.from('binary is ignored'));
    ann.ws.send('second');
    ann.ws.send('third');
    const heard = (events: ChatEvent[]) => events.filter((e) => e.type !== 'quiet'); // the timer may fire any time
    await until(() => heard(ann.events).length === 4);
    const bob = await join(url);
    await until(() => bob.events.length >= 3 && heard(ann.events).length === 5);
    expect(bob.events.slice(0, 3)).toEqual([
      { type: 'welcome', you: '2', present: ['1'] },
      { type: 'said', who: '1', text: 'second' },
      { type: 'said', who: '1', text: 'third' },
    ]);
    expect(heard(ann.events).slice(1)).toEqual([
      { type: 'said', who: '1', text: 'hello' },
      { type: 'said', who: '1', text: 'second' },
      { type: 'said', who: '1', text: 'third' },
      { type: 'joined', who: '2' }, // the newcomer does not hear its own join
    ]);
    bob.ws.send('hi');
    await until(() => bob.events.at(-1)?.type === 'quiet' && ann.events.at(-1)?.type === 'quiet', 5000, 'quiet');
    expect(heard(bob.events).at(-1)).toEqual({ type: 'said', who: '2', text: 'hi' });
    bob.ws.close();
    await until(() => ann.events.some((e) => e.type === 'left'));
    expect(ann.events.filter((e) => e.type === 'left')).toEqual([{ type: 'left', who: '2' }]);
    expect(await refusal(url, ['lockstep.v1.json'])).toBe(400); // the chat speaks chat.v1 only
    expect((await fetch(`${base.replace('ws:', 'http:')}/rooms/chat/lobby`)).status).toBe(404); // no JSON view
    ann.ws.close();
  } finally {
    await server.close();
  }
});

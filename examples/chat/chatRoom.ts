/**
 * A chat room as a raw room service — the layer under lockstep's sync rooms, in the style of
 * Stateroom. Clients speak the subprotocol `chat.v1`: they send lines of text; the room sends
 * JSON events. Newcomers get the recent lines, everyone else hears who joined and left, and
 * when nobody has said anything for `quietAfter` ms the room says so (its timer).
 */
import type { RoomClient, RoomContext, ServiceSpec } from '../../src/server/index.js';

/** What the room sends, one JSON object per text frame. */
export type ChatEvent =
  | { type: 'welcome'; you: string; present: string[] }
  | { type: 'joined' | 'left'; who: string }
  | { type: 'said'; who: string; text: string }
  | { type: 'quiet' };

/** Options of {@link chatRoom}. */
export interface ChatOptions {
  /** Lines replayed to a newcomer (default 50). */
  historySize?: number;
  /** Milliseconds of silence before the room says `quiet` (default 60,000). */
  quietAfter?: number;
  /** Longest line kept (default 500 characters). */
  maxLine?: number;
}

/** The chat room type, for `createServer({ rooms: { chat: chatRoom() } })`. */
export function chatRoom(options: ChatOptions = {}): ServiceSpec {
  const { historySize = 50, quietAfter = 60_000, maxLine = 500 } = options;
  return {
    protocols: ['chat.v1'],
    service() {
      const history: string[] = [];
      const event = (e: ChatEvent) => JSON.stringify(e);
      return {
        connect(ctx: RoomContext, client: RoomClient) {
          const present = ctx.clients().map((c) => c.id).filter((id) => id !== client.id);
          ctx.send(client, event({ type: 'welcome', you: client.id, present }));
          for (const line of history) ctx.send(client, line);
          ctx.broadcast(event({ type: 'joined', who: client.id }), client); // all but the newcomer
        },
        message(ctx, client, frame) {
          if (typeof frame !== 'string') return; // text only
          const text = frame.trim().slice(0, maxLine);
          if (!text) return;
          const line = event({ type: 'said', who: client.id, text });
          history.push(line);
          if (history.length > historySize) history.shift();
          ctx.broadcast(line);
          ctx.setTimer(quietAfter);
        },
        disconnect(ctx, client) {
          ctx.broadcast(event({ type: 'left', who: client.id }));
        },
        timer(ctx) {
          ctx.broadcast(event({ type: 'quiet' }));
        },
      };
    },
  };
}

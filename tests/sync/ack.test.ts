// The short `ack` a server sends the author instead of its `apply`: used only when the author's
// optimistic effects are certainly the server's, and never at the cost of convergence.
import * as L from '../../src/index.js';
import { seededRandom } from '../../src/sync/random.js';

@L.stateMachine()
class Pad {
  @L.field() text = new L.Text();
  @L.field() locked = new L.Text();
  @L.field() count = new L.Counter();
  @L.field() stamp = new L.Atom(0);

  /** Reads the clock: the client's guess of the time is never the server's. */
  @L.transition()
  touch() {
    this.stamp.set(L.context().time);
  }
}

/** A card whose app default (a fresh id) is not in the JSON view a client inserts. */
@L.stateMachine()
class Card {
  @L.field() title = new L.Atom('');
  @L.field() uid = new L.Atom(globalThis.crypto.randomUUID());
}

@L.stateMachine()
class Board {
  @L.field() lists = L.List.of(() => new L.List<string>());
  @L.field() cards = L.List.of(Card);
  @L.field() count = new L.Counter();
}

/** A transport that records the type (and seq) of every frame the server sends to it. */
function recorded(inner: L.Transport, log: string[]): L.Transport {
  return {
    get state() {
      return inner.state;
    },
    send: (frame) => inner.send(frame),
    close: (code, reason) => inner.close(code, reason),
    listen: (handlers) =>
      inner.listen({
        message(frame) {
          const m = JSON.parse(frame as string) as { type: string; seq?: number };
          if (m.type === 'apply' || m.type === 'ack') log.push(`${m.type}${m.seq ?? ''}`);
          handlers.message(frame);
        },
        state: (s, why) => handlers.state(s, why),
      }),
  };
}

/** A server for `Root` on a memory network. */
function serve<T extends object>(Root: new () => T, options: L.SyncServerOptions = {}) {
  const net = L.createMemoryNetwork({ seed: 7 });
  const server = new L.SyncServer(Root, { clock: net.clock, ...options });
  net.listen((t) => void server.accept(t));
  return { net, server };
}

function room() {
  const { net, server } = serve(Pad, { authorize: (_identity, t) => t.path[0] !== 'locked' });
  const log: string[] = [];
  const a = new L.SyncClient(Pad, recorded(net.connect(), log), { clock: net.clock });
  const b = new L.SyncClient(Pad, net.connect(), { clock: net.clock });
  net.runUntilQuiet();
  return { net, server, a, b, log };
}

describe('ack', () => {
  it('confirms a change made on the latest state with an ack; the others get the apply', () => {
    const { net, server, a, b, log } = room();
    for (const ch of 'hello') {
      a.state.text.insert(a.state.text.length, ch);
      net.runUntilQuiet();
    }
    expect(log).toEqual(['ack1', 'ack2', 'ack3', 'ack4', 'ack5']);
    expect(a.pendingCount).toBe(0);
    expect(a.version).toBe(server.version);
    expect(b.state.text.toString()).toBe('hello');
    expect(a.doc.snapshot()).toEqual(server.doc.snapshot());
  });

  it('sends the apply when the change was made before the author saw the latest commit', () => {
    const { net, server, a, b, log } = room();
    b.state.text.insert(0, 'b');
    a.state.text.insert(0, 'a'); // made on version 0; the server commits it after b's
    net.runUntilQuiet();
    expect(log).toEqual(['apply1', 'apply1']);
    expect(a.doc.snapshot()).toEqual(server.doc.snapshot());
    expect(b.doc.snapshot()).toEqual(server.doc.snapshot());
  });

  it('sends the apply for pipelined changes (the first one was still pending under the second)', () => {
    const { net, server, a, log } = room();
    a.state.count.add(1);
    a.state.count.add(2); // based on version 0 too: the server is at 1 when it gets there
    net.runUntilQuiet();
    expect(log).toEqual(['ack1', 'apply2']);
    expect(a.doc.snapshot()).toEqual(server.doc.snapshot());
  });

  it('after a refusal, sends the apply for the change that was applied on top of the refused one', () => {
    const { net, server, a, b, log } = room();
    a.state.locked.insert(0, 'no'); // refused by authorize
    a.state.text.insert(0, 'yes'); // other Text: sent at once, base 0, on top of the refused change
    net.runUntilQuiet();
    expect(log).toEqual(['apply2']);
    expect(a.state.locked.toString()).toBe('');
    expect(a.doc.snapshot()).toEqual(server.doc.snapshot());
    expect(b.doc.snapshot()).toEqual(server.doc.snapshot());
    a.state.text.insert(3, '!');
    net.runUntilQuiet();
    expect(log).toEqual(['apply2', 'ack3']);
  });

  it('never acks a call: app code may read the clock, which the client only guesses', () => {
    const { net, server, a, log } = room();
    net.advance(5_000);
    a.state.touch();
    net.runUntilQuiet();
    expect(log).toEqual(['apply1']);
    expect(server.doc.state.stamp.value).toBe(net.clock.now());
    expect(a.state.stamp.value).toBe(server.doc.state.stamp.value);
  });

  it('never acks an op that builds machines from a value (their ids and app defaults are the server\'s)', () => {
    const { net, server } = serve(Board);
    const log: string[] = [];
    const a = new L.SyncClient(Board, recorded(net.connect(), log), { clock: net.clock });
    net.runUntilQuiet();
    a.state.cards.push({ title: 'x' }); // the server's Card gets its own uid
    a.state.lists.push(['x', 'y']); // nested items get ids from the server's seed
    net.runUntilQuiet();
    expect(log).toEqual(['apply1', 'apply2']);
    expect(a.doc.snapshot()).toEqual(server.doc.snapshot());
  });

  it('re-applies pending changes with the versions the server will use (offline insert of nested items)', () => {
    const { net, server } = serve(Board);
    const raw = net.connect();
    const a = new L.SyncClient(Board, raw, { clock: net.clock });
    const b = new L.SyncClient(Board, net.connect(), { clock: net.clock });
    net.runUntilQuiet();
    net.partition(raw, 1000);
    net.advance(1);
    a.state.lists.push(['x', 'y']); // made offline at version 0
    b.state.count.add(1); // committed as version 1 meanwhile
    net.advance(2000);
    net.runUntilQuiet();
    expect(a.doc.snapshot()).toEqual(server.doc.snapshot());
    // Both keep working on the same items.
    const inner = b.state.lists.at(0) as L.List<string>;
    inner.delete(inner.ids()[0] as string); // an id A must have too
    net.runUntilQuiet();
    expect(a.pendingCount).toBe(0);
    expect(a.doc.snapshot()).toEqual(server.doc.snapshot());
  });

  it('sends the apply to a client that did not say it understands ack', () => {
    const { net } = serve(Pad);
    const peer = net.connect();
    const got: string[] = [];
    peer.listen({ message: (f) => got.push((JSON.parse(f as string) as { type: string }).type), state: () => undefined });
    net.runUntilQuiet();
    peer.send(JSON.stringify({ type: 'hello', v: 1 }));
    net.runUntilQuiet();
    peer.send(JSON.stringify({ type: 'submit', seq: 1, base: 0, transitions: [{ path: ['count'], op: { type: 'counter/add', n: 1 } }] }));
    net.runUntilQuiet();
    expect(got).toEqual(['welcome', 'apply']);
  });

  it('converges under random latency, acks or not (seeded)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const net = L.createMemoryNetwork({ seed, latency: [0, 30] });
      const server = new L.SyncServer(Pad, { clock: net.clock });
      net.listen((t) => void server.accept(t));
      const logs: string[][] = [[], [], []];
      const cs = logs.map((log) => new L.SyncClient(Pad, recorded(net.connect(), log), { clock: net.clock }));
      net.runUntilQuiet();
      const rand = seededRandom(seed);
      for (let i = 0; i < 200; i++) {
        const c = cs[Math.floor(rand() * cs.length)] as L.SyncClient<Pad>;
        const t = c.state.text;
        if (rand() < 0.3 && t.length > 0) t.delete(Math.floor(rand() * t.length), 1);
        else if (rand() < 0.5) c.state.count.add(1);
        else t.insert(Math.floor(rand() * (t.length + 1)), String.fromCharCode(97 + Math.floor(rand() * 26)));
        net.advance(Math.floor(rand() * 20));
      }
      net.runUntilQuiet();
      const acks = logs.flat().filter((m) => m.startsWith('ack')).length;
      try {
        expect(acks).toBeGreaterThan(0);
        for (const c of cs) {
          expect(c.pendingCount).toBe(0);
          expect(c.doc.snapshot()).toEqual(server.doc.snapshot());
        }
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`);
      }
    }
  });
});

import { LockstepError } from '../../src/errors.js';
import { realClock } from '../../src/sync/Clock.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../src/transport/memory/MemoryNetwork.js';
import type { Frame, Transport, TransportState } from '../../src/transport/Transport.js';
import { seededRandom } from '../../src/sync/random.js';

/** What one end saw: its frames and state changes, each with the virtual time. */
interface Log {
  frames: Frame[];
  times: number[];
  states: string[];
}

function record(net: MemoryNetwork, transport: Transport, onMessage?: (frame: Frame) => void): Log {
  const log: Log = { frames: [], times: [], states: [] };
  transport.listen({
    message: (frame) => {
      log.frames.push(frame);
      log.times.push(net.clock.now());
      onMessage?.(frame);
    },
    state: (state: TransportState, reason?: string) => {
      log.states.push(reason === undefined ? state : `${state}: ${reason}`);
    },
  });
  return log;
}

/** A server that records each accepted transport. */
function serve(net: MemoryNetwork, onMessage?: (t: Transport, frame: Frame) => void): { transports: Transport[]; logs: Log[] } {
  const server = { transports: [] as Transport[], logs: [] as Log[] };
  net.listen((t) => {
    server.transports.push(t);
    server.logs.push(record(net, t, onMessage && ((frame) => onMessage(t, frame))));
  });
  return server;
}

const states = (log: Log): string[] => log.states.map((s) => s.split(':')[0]!);

describe('memory network: delivery', () => {
  test('each direction arrives in order, each frame within the latency range', () => {
    const net = createMemoryNetwork({ seed: 7, latency: [0, 50] });
    const sentAt: number[] = [];
    const server = serve(net, (t, frame) => t.send(`echo ${String(frame)}`));
    const client = net.connect();
    const log = record(net, client);
    net.runUntilQuiet();
    expect(client.state).toBe('open');
    const rand = seededRandom(1);
    for (let i = 0; i < 300; i++) {
      client.send(`m${i}`);
      sentAt.push(net.clock.now());
      net.advance(rand() * 20);
    }
    net.runUntilQuiet();
    const received = server.logs[0]!;
    expect(received.frames).toEqual(sentAt.map((_, i) => `m${i}`));
    expect(log.frames).toEqual(sentAt.map((_, i) => `echo m${i}`));
    const delays = received.times.map((t, i) => t - sentAt[i]!);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(50);
    }
    expect(new Set(delays.map((d) => Math.round(d))).size).toBeGreaterThan(20);
    expect(net.stats()).toMatchObject({ framesDelivered: 600, toServer: { frames: 300 }, toClient: { frames: 300 }, cuts: 0, framesLost: 0 });
  });

  test('nothing is delivered synchronously, even with zero latency', () => {
    const net = createMemoryNetwork({ seed: 1 });
    const server = serve(net);
    const client = net.connect();
    const log = record(net, client);
    expect(client.state).toBe('connecting');
    expect(server.transports).toHaveLength(0);
    net.advance(0);
    expect(client.state).toBe('open');
    expect(log.states).toEqual(['open']);
    client.send('a');
    expect(server.logs[0]!.frames).toEqual([]);
    expect(net.pending()).toBe(1);
    net.advance(0);
    expect(server.logs[0]!.frames).toEqual(['a']);
    expect(net.clock.now()).toBe(0);
  });

  test('bytes are counted in UTF-8; binary frames are copied; bufferedAmount counts what is in flight', () => {
    const net = createMemoryNetwork({ seed: 1, latency: 5 });
    const server = serve(net);
    const client = net.connect();
    net.runUntilQuiet();
    const bytes = new Uint8Array([1, 2, 3]);
    client.send('aé😀\ud800'); // 1 + 2 + 4 + 3
    client.send(bytes);
    expect(client.bufferedAmount).toBe(13);
    bytes[0] = 9;
    net.runUntilQuiet();
    expect(client.bufferedAmount).toBe(0);
    expect(server.logs[0]!.frames).toEqual(['aé😀\ud800', new Uint8Array([1, 2, 3])]);
    expect(net.stats()).toMatchObject({ bytesDelivered: 13, toServer: { frames: 2, bytes: 13 } });
    expect(new TextEncoder().encode('aé😀\ud800').length).toBe(10);
    expect(() => client.send({} as unknown as Frame)).toThrow(LockstepError);
  });

  test('delivers every binary frame intact, small ones sharing buffers and large ones alone', () => {
    const net = createMemoryNetwork({ seed: 2, latency: [0, 3] });
    const server = serve(net);
    const client = net.connect();
    net.runUntilQuiet();
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 600; i++) {
      const n = i % 50 === 0 ? 3000 : (i * 37) % 700; // some larger than a shared slot, some empty
      const frame = new Uint8Array(n).map((_, j) => (i * 31 + j) & 0xff);
      sent.push(frame.slice());
      client.send(frame);
      frame.fill(0); // the sender reuses its buffer
    }
    net.runUntilQuiet();
    const got = server.logs[0]!.frames as Uint8Array[];
    expect(got).toHaveLength(sent.length);
    got.forEach((f, i) => expect(Buffer.from(f.buffer, f.byteOffset, f.byteLength).equals(Buffer.from(sent[i] as Uint8Array))).toBe(true));
  });

  test('moves a lot of frames through the queue', () => {
    const net = createMemoryNetwork({ seed: 3 });
    let count = 0;
    serve(net, (t, frame) => t.send(frame));
    const client = net.connect();
    client.listen({ message: () => count++, state: () => {} });
    net.runUntilQuiet();
    for (let i = 0; i < 100_000; i++) {
      client.send('{"t":"submit","seq":1}');
      if (i % 100 === 99) net.runUntilQuiet();
    }
    net.runUntilQuiet();
    expect(count).toBe(100_000);
  });
});

describe('memory network: determinism', () => {
  /** A busy scenario: three clients, random sends, latency, drops and a partition; returns the trace. */
  function scenario(seed: number): string[] {
    const trace: string[] = [];
    const net = createMemoryNetwork({ seed, latency: [1, 30], dropConnectionRate: 0.05, reconnectDelay: [5, 40] });
    let accepted = 0;
    net.listen((t) => {
      const id = accepted++;
      t.listen({
        message: (frame) => {
          trace.push(`${net.clock.now()} s${id} < ${String(frame)}`);
          t.send(`ack ${String(frame)}`);
        },
        state: (state, reason) => trace.push(`${net.clock.now()} s${id} ${state} ${reason ?? ''}`),
      });
    });
    const clients = [0, 1, 2].map((i) => {
      const c = net.connect();
      c.listen({
        message: (frame) => trace.push(`${net.clock.now()} c${i} < ${String(frame)}`),
        state: (state, reason) => trace.push(`${net.clock.now()} c${i} ${state} ${reason ?? ''}`),
      });
      return c;
    });
    const rand = seededRandom(99); // the test's own choices do not depend on the network seed
    for (let step = 0; step < 200; step++) {
      clients[step % 3]!.send(`f${step}`);
      if (step === 100) net.partition(clients[1]!, 200);
      net.advance(rand() * 10);
    }
    net.runUntilQuiet();
    trace.push(JSON.stringify(net.stats()));
    return trace;
  }

  test('the same seed gives the same trace; another seed a different one', () => {
    const a = scenario(42);
    expect(a.length).toBeGreaterThan(300);
    expect(scenario(42)).toEqual(a);
    expect(scenario(43)).not.toEqual(a);
  });
});

describe('memory network: cuts and reconnects', () => {
  test('a cut loses what is in flight; the client reconnects with a new server transport', () => {
    const net = createMemoryNetwork({ seed: 5, latency: 10, reconnectDelay: 20 });
    const server = serve(net);
    const client = net.connect();
    const log = record(net, client);
    net.runUntilQuiet();
    const first = server.transports[0]!;
    client.send('lost 1');
    client.send('lost 2');
    first.send('lost 3');
    net.advance(5);
    expect(client.bufferedAmount).toBeGreaterThan(0);
    net.cut(client);
    expect(client.state).toBe('offline');
    expect(first.state).toBe('closed');
    expect(client.bufferedAmount).toBe(0);
    client.send('dropped'); // offline
    net.runUntilQuiet();
    expect(server.transports).toHaveLength(2);
    const second = server.transports[1]!;
    expect(second).not.toBe(first);
    expect(client.state).toBe('open');
    expect(second.state).toBe('open');
    expect(server.logs[0]!.frames).toEqual([]);
    expect(log.frames).toEqual([]);
    expect(log.states).toEqual(['open', 'offline: connection cut', 'connecting', 'open']);
    expect(server.logs[0]!.states).toEqual(['closed: connection cut']);
    // reconnect = delay 20 + handshake 10
    expect(net.clock.now()).toBe(15 + 30);
    client.send('after');
    first.send('into the void');
    net.runUntilQuiet();
    expect(server.logs[1]!.frames).toEqual(['after']);
    expect(log.frames).toEqual([]);
    expect(net.stats()).toMatchObject({ connections: 2, cuts: 1, framesLost: 3, framesDropped: 2, framesDelivered: 1 });
  });

  test('a partition cuts and refuses reconnects until it ends', () => {
    const net = createMemoryNetwork({ seed: 11, latency: [1, 5], reconnectDelay: [10, 50] });
    const server = serve(net);
    const client = net.connect();
    const log = record(net, client);
    const other = net.connect();
    net.runUntilQuiet();
    const start = net.clock.now();
    net.partition(client, 1000);
    net.advance(990);
    expect(server.transports).toHaveLength(2);
    expect(client.state).not.toBe('open');
    expect(other.state).toBe('open');
    expect(log.states.filter((s) => s === 'offline: connection refused: partitioned').length).toBeGreaterThan(5);
    net.runUntilQuiet();
    expect(server.transports).toHaveLength(3);
    expect(client.state).toBe('open');
    expect(net.clock.now()).toBeGreaterThanOrEqual(start + 1000);
    expect(log.states[1]).toBe('offline: partitioned');
    expect(states(log).at(-1)).toBe('open');
    expect(net.stats().cuts).toBe(1);
  });

  test('a partition of a connecting client refuses its handshake', () => {
    const net = createMemoryNetwork({ seed: 2, latency: 10 });
    const server = serve(net);
    const client = net.connect();
    const log = record(net, client);
    net.partition(client, 100);
    net.advance(99);
    expect(server.transports).toHaveLength(0);
    net.runUntilQuiet();
    expect(server.transports).toHaveLength(1);
    expect(log.states[0]).toBe('offline: connection refused: partitioned');
    expect(net.stats().cuts).toBe(0);
  });

  test('dropConnectionRate cuts connections at random; clients keep reconnecting', () => {
    const net = createMemoryNetwork({ seed: 3, latency: [0, 3], dropConnectionRate: 0.1 });
    const server = serve(net, (t, frame) => t.send(frame));
    const client = net.connect();
    const log = record(net, client);
    for (let i = 0; i < 500; i++) {
      client.send(`p${i}`);
      net.advance(5);
    }
    net.runUntilQuiet();
    const { cuts, connections, framesDelivered } = net.stats();
    expect(cuts).toBeGreaterThan(10);
    expect(connections).toBe(cuts + 1);
    expect(server.transports).toHaveLength(connections);
    expect(log.states.filter((s) => s === 'offline: connection dropped')).toHaveLength(cuts);
    expect(framesDelivered).toBeGreaterThan(100);
    for (const t of server.transports.slice(0, -1)) expect(t.state).toBe('closed');
  });

  test('every delivered frame cuts at rate 1', () => {
    const net = createMemoryNetwork({ seed: 3, dropConnectionRate: 1, reconnectDelay: 1 });
    const server = serve(net);
    const client = net.connect();
    net.runUntilQuiet();
    client.send('a');
    client.send('b');
    net.runUntilQuiet();
    expect(server.logs[0]!.frames).toEqual(['a']);
    expect(net.stats()).toMatchObject({ cuts: 1, framesLost: 1, connections: 2 });
  });

  test('a client with no server keeps trying; listen lets it in', () => {
    const net = createMemoryNetwork({ seed: 4, reconnectDelay: 10 });
    const client = net.connect();
    const log = record(net, client);
    net.advance(25);
    expect(log.states).toEqual([
      'offline: connection refused: no server is listening',
      'connecting',
      'offline: connection refused: no server is listening',
      'connecting',
      'offline: connection refused: no server is listening',
    ]);
    const server = serve(net);
    net.runUntilQuiet();
    expect(server.transports).toHaveLength(1);
    expect(client.state).toBe('open');
  });

  test('cut and partition accept only this network’s client transports', () => {
    const net = createMemoryNetwork({ seed: 1 });
    const foreign = createMemoryNetwork({ seed: 1 }).connect();
    let serverSide: Transport | undefined;
    net.listen((t) => (serverSide = t));
    net.connect();
    net.runUntilQuiet();
    expect(() => net.cut(foreign)).toThrow(LockstepError);
    expect(() => net.cut(serverSide!)).toThrow(LockstepError);
    expect(() => net.partition(foreign, 10)).toThrow(LockstepError);
  });
});

describe('memory network: close', () => {
  test('client close is final: the server sees closed after what was sent before', () => {
    const net = createMemoryNetwork({ seed: 6, latency: [1, 20] });
    const server = serve(net);
    const client = net.connect();
    const log = record(net, client);
    net.runUntilQuiet();
    server.transports[0]!.send('never arrives');
    client.send('last words');
    client.close(1000, 'bye');
    expect(client.state).toBe('closed');
    client.send('dropped');
    client.close();
    net.runUntilQuiet();
    expect(server.logs[0]!.frames).toEqual(['last words']);
    expect(server.logs[0]!.states).toEqual(['closed: closed by the client (1000 bye)']);
    expect(log.states).toEqual(['open', 'closed: bye']);
    expect(log.frames).toEqual([]);
    net.cut(client);
    net.partition(client, 10);
    net.advance(1000);
    expect(client.state).toBe('closed');
    expect(server.transports).toHaveLength(1);
    expect(net.pending()).toBe(0);
    expect(net.stats()).toMatchObject({ connections: 1, cuts: 0, framesLost: 1, framesDropped: 1 });
  });

  test('closing while offline or connecting cancels the reconnect', () => {
    const net = createMemoryNetwork({ seed: 6, latency: 5 });
    const server = serve(net);
    const early = net.connect();
    early.close();
    const late = net.connect();
    net.runUntilQuiet();
    net.cut(late);
    late.close();
    net.runUntilQuiet();
    expect(server.transports).toHaveLength(1);
    expect(early.state).toBe('closed');
    expect(late.state).toBe('closed');
    expect(net.pending()).toBe(0);
  });

  test('a server close is a lost connection to the client, which reconnects', () => {
    const net = createMemoryNetwork({ seed: 8, latency: 3, reconnectDelay: 10 });
    const server = serve(net);
    const client = net.connect();
    const log = record(net, client);
    net.runUntilQuiet();
    const first = server.transports[0]!;
    client.send('lost in flight');
    first.send('before close');
    first.close(4001, 'unauthorized');
    expect(first.state).toBe('closed');
    first.send('dropped');
    net.runUntilQuiet();
    expect(log.frames).toEqual(['before close']);
    expect(log.states).toEqual(['open', 'offline: closed by the server (4001 unauthorized)', 'connecting', 'open']);
    expect(server.logs[0]!.frames).toEqual([]);
    expect(server.logs[0]!.states).toEqual(['closed: unauthorized']);
    expect(server.transports).toHaveLength(2);
    expect(net.stats()).toMatchObject({ cuts: 0, framesLost: 1, framesDropped: 1 });
  });
});

describe('memory network: time', () => {
  test('timers run in (time, insertion) order; clearTimeout cancels; advance stops at its end', () => {
    const net = createMemoryNetwork({ seed: 1 });
    const order: string[] = [];
    const { clock } = net;
    clock.setTimeout(() => order.push('b@10'), 10);
    clock.setTimeout(() => order.push('a@5'), 5);
    const cancelled = clock.setTimeout(() => order.push('never'), 7);
    clock.setTimeout(() => {
      order.push('c@10');
      clock.setTimeout(() => order.push('d@10'), 0);
      clock.setTimeout(() => order.push('e@30'), 20);
    }, 10);
    clock.clearTimeout(cancelled);
    clock.clearTimeout(cancelled);
    clock.clearTimeout('not a handle');
    expect(net.pending()).toBe(3);
    expect(net.advance(12)).toBe(4);
    expect(order).toEqual(['a@5', 'b@10', 'c@10', 'd@10']);
    expect(clock.now()).toBe(12);
    expect(net.pending()).toBe(1);
    expect(net.runUntilQuiet()).toBe(1);
    expect(clock.now()).toBe(30);
    expect(net.pending()).toBe(0);
  });

  test('runUntilQuiet terminates when work runs out and detects a livelock', () => {
    const net = createMemoryNetwork({ seed: 1, latency: [0, 2] });
    serve(net, (t, frame) => t.send(frame));
    const client = net.connect();
    client.listen({ message: (frame) => client.send(frame), state: () => {} });
    net.runUntilQuiet();
    expect(net.pending()).toBe(0);
    client.send('ping');
    expect(() => net.runUntilQuiet(1000)).toThrow(expect.objectContaining({ code: 'internal', message: expect.stringContaining('livelock') }));
    expect(net.pending()).toBeGreaterThan(0);
    client.close();
    net.runUntilQuiet();
    expect(net.pending()).toBe(0);
  });

  test('a self-rescheduling zero-delay timer is a livelock for advance too', () => {
    const net = createMemoryNetwork({ seed: 1 });
    const again = (): void => void net.clock.setTimeout(again, 0);
    again();
    expect(() => net.advance(1, 500)).toThrow(LockstepError);
  });

  test('advance and runUntilQuiet cannot be called from inside an event', () => {
    const net = createMemoryNetwork({ seed: 1 });
    let error: unknown;
    net.clock.setTimeout(() => {
      try {
        net.advance(1);
      } catch (err) {
        error = err;
      }
    }, 1);
    net.runUntilQuiet();
    expect(error).toBeInstanceOf(LockstepError);
  });

  test('options are validated', () => {
    const bad: unknown[] = [
      {},
      { seed: NaN },
      { seed: 1, latency: -1 },
      { seed: 1, latency: [5, 1] },
      { seed: 1, latency: [1] },
      { seed: 1, reconnectDelay: 'soon' },
      { seed: 1, dropConnectionRate: 2 },
    ];
    for (const options of bad) expect(() => createMemoryNetwork(options as { seed: number })).toThrow(LockstepError);
    const net = createMemoryNetwork({ seed: 1 });
    expect(() => net.advance(-1)).toThrow(LockstepError);
    expect(() => net.partition(net.connect(), NaN)).toThrow(LockstepError);
  });

  test('realClock uses the wall clock', async () => {
    const before = Date.now();
    expect(realClock.now()).toBeGreaterThanOrEqual(before);
    await new Promise<void>((resolve) => realClock.setTimeout(resolve, 1));
    let fired = false;
    realClock.clearTimeout(realClock.setTimeout(() => (fired = true), 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fired).toBe(false);
  });
});

import * as L from '../../src/index.js';
import { Room } from './fixtures.js';

function room(limits: Partial<L.SyncLimits>) {
  const net = L.createMemoryNetwork({ seed: 3, latency: 1 });
  const server = new L.SyncServer(Room, { clock: net.clock, limits });
  net.listen((t) => void server.accept(t));
  const join = () => {
    const c = new L.SyncClient(Room, net.connect(), { clock: net.clock, presenceThrottle: 0 });
    net.advance(20);
    return c;
  };
  return { net, server, join };
}

describe('server limits', () => {
  it('refuses submits over the rate with rate_limited, then disconnects a client that keeps at it', () => {
    const { net, server, join } = room({ submitRate: 10, submitBurst: 5, strikes: 20 });
    const a = join();
    const codes: string[] = [];
    a.on('rejected', (r) => codes.push(r.code));
    for (let i = 0; i < 8; i++) a.state.count.add(1);
    net.advance(20);
    expect(server.doc.state.count.value).toBe(5);
    expect(codes).toEqual(['rate_limited', 'rate_limited', 'rate_limited']);
    expect(a.state.count.value).toBe(5);
    net.advance(1000); // the bucket refills
    a.state.count.add(1);
    net.advance(20);
    expect(server.doc.state.count.value).toBe(6);
    const statuses: string[] = [];
    a.on('status', (s) => statuses.push(s));
    for (let i = 0; i < 40; i++) a.state.list.push(i);
    net.advance(20);
    expect(statuses).toContain('offline');
  });

  it('refuses presence that is too large, and keeps the connection', () => {
    const { net, join } = room({ presenceBytes: 50 });
    const a = join();
    const b = join();
    const errors: string[] = [];
    a.on('error', (e) => errors.push(e.code));
    a.presence.set({ name: 'x'.repeat(100) });
    net.advance(20);
    expect(errors).toEqual(['too_large']);
    expect(b.presence.peers().size).toBe(0);
    a.presence.set({ name: 'ann' });
    net.advance(20);
    expect([...b.presence.peers().values()]).toEqual([{ name: 'ann' }]);
  });

  it('refuses a change that would grow the room past its size limit, changing nothing', () => {
    const { net, server, join } = room({ snapshotBytes: 2000 });
    const a = join();
    const codes: string[] = [];
    a.on('rejected', (r) => codes.push(r.code));
    a.state.text.insert(0, 'y'.repeat(500));
    net.advance(20);
    const before = server.doc.snapshot();
    a.state.text.insert(0, 'x'.repeat(2000));
    net.advance(20);
    expect(codes).toEqual(['too_large']);
    expect(server.doc.snapshot()).toEqual(before);
    expect(a.doc.snapshot()).toEqual(before);
    a.state.text.delete(0, 400); // shrinking is always allowed
    a.state.list.push(1);
    net.advance(20);
    expect(server.doc.state.list.length).toBe(1);
    expect(() => server.dispatch([{ path: ['atom'], op: { type: 'atom/set', value: 'z'.repeat(3000) } }])).toThrow(/size limit/);
  });

  it('turns away clients past the room maximum', () => {
    const { net, join } = room({ clients: 2 });
    const a = join();
    const b = join();
    const c = new L.SyncClient(Room, net.connect(), { clock: net.clock });
    const errors: string[] = [];
    c.on('error', (e) => errors.push(e.code));
    net.advance(20);
    expect(a.status).toBe('live');
    expect(b.status).toBe('live');
    expect(c.status).not.toBe('live');
    expect(errors).toContain('room_full');
  });

  it('refuses locally a change too large to send, instead of resending it forever', () => {
    const { net, server } = room({});
    const a = new L.SyncClient(Room, net.connect(), { clock: net.clock, maxMessageBytes: 2000 });
    net.advance(20);
    const refusals: Array<{ code: string; seq?: number }> = [];
    a.on('rejected', (r) => refusals.push(r));
    a.state.text.insert(0, 'é'.repeat(1200)); // 2,400 bytes of UTF-8, though only 1,200 UTF-16 units
    a.state.count.add(1);
    net.advance(50);
    expect(refusals.map((r) => r.code)).toEqual(['payload_too_large']);
    expect(a.state.text.toString()).toBe('');
    expect(server.doc.state.count.value).toBe(1);
    expect(a.pendingCount).toBe(0);
    expect(a.doc.snapshot()).toEqual(server.doc.snapshot());
  });
});


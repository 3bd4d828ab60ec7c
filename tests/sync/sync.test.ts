import * as L from '../../src/index.js';
import { live, Room, settle, setup } from './fixtures.js';

const text = (c: L.SyncClient<Room>) => c.state.text.toString();

describe('SyncClient + SyncServer', () => {
  it('applies local changes at once and converges every client with the server', () => {
    const s = live(3, { latency: [5, 40] });
    const [a, b, c] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>, L.SyncClient<Room>];
    a.state.count.add(2);
    expect(a.state.count.value).toBe(2); // optimistic
    expect(b.state.count.value).toBe(0);
    b.state.list.push(7);
    c.state.map.set('k', 1);
    settle(s);
    for (const x of s.clients) expect(x.doc.snapshot()).toEqual(s.server.doc.snapshot());
    expect(s.server.doc.toJSON()).toMatchObject({ count: 2, list: [7], map: { k: 1 } });
    expect(s.clients.every((x) => x.pendingCount === 0 && x.status === 'live')).toBe(true);
  });

  it('merges two clients typing at the same spot', () => {
    const s = live(2, { latency: [10, 30] });
    const [a, b] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
    a.state.text.insert(0, 'hello world');
    settle(s);
    for (const ch of 'abc') a.state.text.insert(a.state.text.length - 6 + 0, ch);
    for (const ch of 'XYZ') b.state.text.insert(5, ch);
    settle(s);
    expect(text(a)).toBe(text(b));
    expect(text(a)).toBe(s.server.doc.state.text.toString());
    expect(text(a)).toMatch(/^hello/);
    expect(text(a).replace(/[abcXYZ]/g, '')).toBe('hello world');
    expect([...text(a)].filter((ch) => 'abcXYZ'.includes(ch)).sort().join('')).toBe('XYZabc');
  });

  it('reports a refusal while two more transitions are queued behind it, and keeps those', () => {
    const s = live(2, { latency: 20 });
    const [a, b] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
    a.state.items.push({ title: 'one' });
    settle(s);
    const id = a.state.items.ids()[0] as string;
    b.state.complete(id); // reaches the server first
    s.net.advance(5);
    const refusals: Array<{ code: string; seq?: number }> = [];
    a.on('rejected', (r) => refusals.push(r));
    a.state.complete(id); // will be refused: already done
    a.state.count.add(5);
    a.state.list.push(1);
    expect(a.state.count.value).toBe(6); // optimistic: 1 (own complete) + 5
    settle(s);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.code).toBe('conflict');
    expect(a.state.count.value).toBe(6); // 1 from b's complete + 5
    expect(a.doc.snapshot()).toEqual(s.server.doc.snapshot());
    expect(b.doc.snapshot()).toEqual(s.server.doc.snapshot());
  });

  it('applies a transition exactly once when its ack is lost and it is resent after reconnect', () => {
    const s = live(1, { latency: 10 });
    const a = s.clients[0] as L.SyncClient<Room>;
    const v0 = s.server.version;
    a.state.count.add(3);
    s.net.advance(15); // the server has applied it; the ack is in flight
    expect(s.server.version).toBe(v0 + 1);
    s.net.cut(s.transports[0] as L.Transport);
    s.net.advance(1);
    expect(a.status).not.toBe('live');
    settle(s);
    expect(a.status).toBe('live');
    expect(s.server.doc.state.count.value).toBe(3);
    expect(a.state.count.value).toBe(3);
    expect(a.pendingCount).toBe(0);
  });

  it('keeps changes made offline and sends them on reconnect', async () => {
    const s = live(2, { latency: 5 });
    const [a, b] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
    s.net.partition(s.transports[0] as L.Transport, 1000);
    a.state.text.insert(0, 'offline ');
    a.state.text.insert(8, 'edits');
    a.state.list.push(1);
    b.state.text.insert(0, '!');
    s.net.advance(100);
    expect(a.status).not.toBe('live');
    expect(a.pendingCount).toBeGreaterThan(0);
    settle(s);
    await a.whenSynced();
    expect(text(a)).toBe(text(b));
    expect(text(a).replace('!', '')).toBe('offline edits');
  });

  it('fires timers with origin server, and seats and unseats clients', () => {
    const s = live(2, { resumeGrace: 5000 });
    const ids = s.clients.map((c) => c.clientId as string);
    expect(s.server.doc.state.ticks.value).toBe(3); // three timers, fired by settle's virtual time
    for (const c of s.clients) expect(c.state.ticks.value).toBe(3);
    expect(new Set(s.server.doc.state.seats.keys())).toEqual(new Set(ids));
    s.clients[1]!.close();
    settle(s);
    expect(s.server.doc.state.seats.keys()).toEqual([ids[0]]);
    expect(s.clients[0]!.state.seats.keys()).toEqual([ids[0]]);
  });

  it('does not unseat a client on a brief drop', () => {
    const s = live(1, { resumeGrace: 5000, latency: 5 });
    const id = s.clients[0]!.clientId;
    s.net.cut(s.transports[0] as L.Transport);
    s.net.advance(1000);
    expect(s.clients[0]!.status).toBe('live');
    expect(s.clients[0]!.clientId).toBe(id);
    expect(s.server.doc.state.seats.has(id as string)).toBe(true);
  });

  it('undoes only its own change, after remote edits', () => {
    const s = live(2, { latency: 5 });
    const [a, b] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
    a.state.text.insert(0, 'hello');
    settle(s);
    b.state.text.insert(0, 'XX');
    b.state.text.insert(7, 'YY');
    settle(s);
    expect(text(a)).toBe('XXhelloYY');
    expect(a.undo()).toBe(true);
    settle(s);
    expect(text(a)).toBe('XXYY');
    expect(text(b)).toBe('XXYY');
    expect(a.redo()).toBe(true);
    settle(s);
    expect(text(b)).toBe('XXhelloYY');
    expect(b.canUndo).toBe(true);
    expect(a.canUndo).toBe(true);
  });

  it('keeps the newest undoLimit steps and no more', () => {
    const s = setup(1, { undoLimit: 5 });
    const { net, server } = s;
    const a = s.clients[0] as L.SyncClient<Room>;
    net.runUntilQuiet();
    for (let i = 1; i <= 300; i++) {
      a.state.atom.set(i);
      net.runUntilQuiet();
    }
    for (let i = 300; i > 295; i--) {
      expect(a.undo()).toBe(true);
      net.runUntilQuiet();
      expect(server.doc.state.atom.value).toBe(i - 1);
    }
    expect(a.canUndo).toBe(false);
    expect(a.undo()).toBe(false);
    expect(a.redo()).toBe(true);
    net.runUntilQuiet();
    expect(server.doc.state.atom.value).toBe(296);
  });

  it('skips and reports an undo that no longer applies', () => {
    const s = live(2);
    const [a, b] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
    const id = a.state.list.push(1);
    settle(s);
    b.state.list.delete(id);
    settle(s);
    const refusals: string[] = [];
    a.on('rejected', (r) => refusals.push(r.code));
    expect(a.undo()).toBe(false);
    expect(refusals).toEqual(['not_found']);
  });

  it('relays presence and removes it on disconnect', () => {
    const s = live(2, { latency: 3 });
    const [a, b] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
    a.presence.set({ name: 'ann', cursor: 3 });
    settle(s);
    expect(b.presence.peers().get(a.clientId as string)).toEqual({ name: 'ann', cursor: 3 });
    const seen: Array<L.Json | null> = [];
    b.on('presence', (p) => seen.push(p.data));
    a.close();
    settle(s);
    expect(b.presence.peers().size).toBe(0);
    expect(seen).toEqual([null]);
    expect(JSON.stringify(s.server.doc.toJSON())).not.toContain('ann');
  });

  it('keeps a text cursor in place across remote edits', () => {
    const s = live(2);
    const [a, b] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
    a.state.text.insert(0, 'abcdef');
    settle(s);
    const cur = a.cursor(['text'], 3);
    b.state.text.insert(0, '12');
    b.state.text.delete(6, 2);
    settle(s);
    expect(text(a)).toBe('12abcd');
    expect(cur.position).toBe(5);
    cur.dispose();
  });

  it('answers malformed messages with an error and changes nothing', () => {
    const s = live(1);
    const raw = s.net.connect();
    const replies: L.Json[] = [];
    raw.listen({ message: (f) => replies.push(JSON.parse(f as string)), state: () => undefined });
    settle(s);
    let before = s.server.doc.snapshot();
    const bad = [
      'not json',
      '[]',
      '{"type":"submit","seq":1,"base":0,"transitions":[]}', // before hello
      '{"type":"hello","v":"1"}',
      '{"type":"nope"}',
      '{"type":"ping"}',
    ];
    for (const f of bad) raw.send(f);
    settle(s);
    expect(s.server.doc.snapshot()).toEqual(before);
    raw.send('{"type":"hello","v":1}');
    settle(s);
    before = s.server.doc.snapshot(); // the raw client joined (and was seated)
    const bad2 = [
      { type: 'submit', seq: 'x', base: 0, transitions: [] },
      { type: 'submit', seq: 1, base: 0, transitions: [{ path: 'count', op: { type: 'counter/add', n: 1 } }] },
      { type: 'submit', seq: 1, base: 0, transitions: [{ path: ['count'], op: { type: 'counter/add', n: 1 } }], extra: 1 },
      { type: 'presence' },
      { type: 'ping', t: 'x' },
      { type: 'hello' },
      { type: 'welcome', clientId: 'server' },
      { type: 'submit', seq: 2, base: 0, transitions: [{ path: ['count'], op: { type: 'counter/add', n: '1' } }] },
      { type: 'submit', seq: 3, base: 99, transitions: [{ path: ['count'], op: { type: 'counter/add', n: 1 } }] },
      { type: 'submit', seq: 4, base: 0, transitions: [{ path: ['__proto__'], op: { type: 'counter/add', n: 1 } }] },
    ];
    for (const m of bad2) raw.send(JSON.stringify(m));
    settle(s);
    const kinds = replies.map((r) => (r as { type: string }).type);
    expect(kinds.filter((k) => k === 'error')).toHaveLength(6 + 7);
    expect(kinds.filter((k) => k === 'reject')).toHaveLength(3);
    expect(s.server.doc.snapshot()).toEqual(before);
    // The server still serves the others.
    s.clients[0]!.state.count.add(1);
    settle(s);
    expect(s.server.doc.state.count.value).toBe(1);
  });

  it('carries Text typed offline over a snapshot resync to the right place', () => {
    const net = L.createMemoryNetwork({ seed: 9, latency: 5 });
    const server = new L.SyncServer(Room, { clock: net.clock, history: 2 });
    net.listen((t) => void server.accept(t));
    const ta = net.connect();
    const a = new L.SyncClient(Room, ta, { clock: net.clock });
    const b = new L.SyncClient(Room, net.connect(), { clock: net.clock });
    a.state.text.insert(0, 'hello');
    net.advance(100);
    net.partition(ta, 500);
    a.state.text.insert(5, ' world');
    b.state.text.insert(0, 'BBB');
    for (let i = 0; i < 3; i++) b.state.count.add(1); // past the one commit the server keeps
    net.advance(2000);
    net.runUntilQuiet();
    expect(text(a)).toBe('BBBhello world');
    expect(text(b)).toBe('BBBhello world');
    expect(a.doc.snapshot()).toEqual(server.doc.snapshot());
  });

  it('holds an undo that edits Text while its own earlier Text change is in flight', () => {
    const s = live(1, { latency: 20 });
    const a = s.clients[0] as L.SyncClient<Room>;
    a.state.text.insert(0, 'hello');
    settle(s);
    const refusals: string[] = [];
    a.on('rejected', (r) => refusals.push(`${r.code}: ${r.message}`));
    a.state.shout(); // in flight: 'hello!' and a number
    a.state.text.insert(0, '> ');
    expect(a.undo()).toBe(true); // undoes the '> ' (a multi-op entry would be undo of shout)
    expect(a.undo()).toBe(true); // undoes shout: Text and List in one entry, while shout is in flight
    settle(s);
    expect(refusals).toEqual([]);
    expect(text(a)).toBe('hello');
    expect(s.server.doc.state.text.toString()).toBe('hello');
    expect(s.server.doc.state.list.length).toBe(0);
  });

  it("undoes a call whose server effects differed from the client's guess (Text included)", () => {
    const s = live(2, { latency: 10 });
    const [a, b] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
    a.state.text.insert(0, 'hello');
    settle(s);
    a.state.shout(); // the server draws its own random number: the effects differ
    b.state.text.insert(0, 'b:');
    settle(s);
    expect(text(a)).toBe('b:hello!');
    expect(a.undo()).toBe(true);
    settle(s);
    expect(text(b)).toBe('b:hello');
    expect(b.state.list.length).toBe(0);
  });

  it('refuses writes through a machine that a rebase rebuilt, instead of losing them', () => {
    const s = live(2, { latency: 10 });
    const [a, b] = s.clients as [L.SyncClient<Room>, L.SyncClient<Room>];
    s.net.partition(s.transports[0] as L.Transport, 100);
    const id = a.state.items.push({ title: 'mine' });
    const held = a.state.items.get(id) as { title: L.Atom<string> };
    b.state.count.add(1); // a remote commit: a's pending insert will be rolled back and re-applied
    s.net.advance(400);
    expect(a.state.count.value).toBe(1);
    expect(() => held.title.set('edited')).toThrow(/no longer in its doc/);
    a.state.items.get(id)!.title.set('edited');
    settle(s);
    expect(s.server.doc.state.items.get(id)!.title.value).toBe('edited');
  });
});


/**
 * Text inside a Doc: as a decorated field, through defineStateMachine, as a Map item, inside a
 * @transition (rolled back on a throw), with patches, and replaying both editing traces
 * through `doc.apply` to their endContent (trace attribution in ./traces.ts).
 */
import { applyPatch, deepClone } from 'fast-json-patch';
import * as L from '../../src/index.js';
import { loadTrace, TRACES } from './traces.js';

@L.stateMachine()
class Note {
  @L.field() body = new L.Text('hello');
  @L.field() edits = new L.Counter();

  @L.transition({ args: [{ type: 'string' }] })
  append(s: string) {
    this.body.insert(this.body.length, s);
    this.edits.add(1);
    if (s === '!') throw new L.Conflict('conflict', 'no shouting');
  }
}

const Pad = L.defineStateMachine({ fields: { text: () => new L.Text(), notes: () => L.Map.of(L.Text) } });

describe('Text in a Doc', () => {
  test('mutations on the live state, with effects, inverse and patches', () => {
    const doc = new L.Doc(Note);
    let mirror = doc.toJSON();
    const seen: L.DocChange[] = [];
    doc.subscribe((c) => {
      seen.push(c);
      mirror = applyPatch(deepClone(mirror), c.patches, true, true, false).newDocument;
    });
    doc.state.body.insert(5, ' world');
    doc.state.body.replace(0, 1, 'H');
    expect(doc.state.body.toString()).toBe('Hello world');
    expect(mirror).toEqual(doc.toJSON());
    expect(seen[1]!.effects).toEqual([{ path: ['body'], op: { type: 'text/edit', ops: ['H', { d: 'h' }] } }]);
    const res = doc.apply({ path: ['body'], op: { type: 'text/edit', ops: [6, { d: 5 }, 'there'] } });
    expect(res.inverse).toEqual([{ path: ['body'], op: { type: 'text/edit', ops: [6, 'world', { d: 'there' }] } }]);
    doc.apply(res.inverse[0]!);
    expect(doc.toJSON()).toEqual({ body: 'Hello world', edits: 0 });
    expect(mirror).toEqual(doc.toJSON());
  });

  test('a @transition edits text atomically and rolls back on a throw', () => {
    const doc = new L.Doc(Note);
    doc.state.append('?');
    expect(doc.toJSON()).toEqual({ body: 'hello?', edits: 1 });
    expect(() => doc.state.append('!')).toThrow(L.Conflict);
    expect(doc.toJSON()).toEqual({ body: 'hello?', edits: 1 });
  });

  test('refused ops name the path and change nothing', () => {
    const doc = new L.Doc(Pad);
    doc.state.text.insert(0, '😀');
    for (const ops of [[1, 'x'], [3, 'x'], [{ d: 'no' }], ['\uD800']]) {
      expect(() => doc.apply({ path: ['text'], op: { type: 'text/edit', ops } })).toThrow(L.LockstepError);
    }
    expect(doc.toJSON()).toEqual({ text: '😀', notes: {} });
  });

  test('Text as a Map item, snapshots round-trip', () => {
    const doc = new L.Doc(Pad);
    doc.state.notes.set('a', 'first');
    doc.state.notes.get('a')!.insert(5, ' note');
    doc.apply({ path: ['notes', 'a'], op: { type: 'text/edit', ops: [{ d: 1 }, 'F'] } });
    expect(doc.toJSON()).toEqual({ text: '', notes: { a: 'First note' } });
    const copy = L.Doc.load(Pad, JSON.parse(JSON.stringify(doc.snapshot())));
    expect(copy.toJSON()).toEqual(doc.toJSON());
    expect(() => L.Doc.load(Pad, { text: 7, notes: {} })).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
  });

  test.each(TRACES)('trace %s replays through doc.apply to endContent', (name) => {
    const trace = loadTrace(name);
    const doc = new L.Doc(Pad);
    for (const { patches } of trace.txns) {
      for (const [pos, del, ins] of patches) {
        const ops: L.TextOp = [];
        if (pos) ops.push(pos);
        if (ins) ops.push(ins);
        if (del) ops.push({ d: del });
        doc.apply({ path: ['text'], op: { type: 'text/edit', ops } });
      }
    }
    expect(doc.state.text.toString() === trace.endContent).toBe(true);
  });
});

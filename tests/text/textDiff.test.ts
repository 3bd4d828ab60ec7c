// The board demo's textarea diff (examples/board/client/textDiff.ts): applying the edit always
// gives the new value, typing is read at the caret, and surrogate pairs are never cut.
import fc from 'fast-check';
import { textDiff, type TextEdit } from '../../src/structures/text/textDiff.js';

const applyEdit = (s: string, e: TextEdit | null) => (e ? s.slice(0, e.pos) + e.ins + s.slice(e.pos + e.del) : s);
/** True when position `i` of `s` falls between the halves of a surrogate pair. */
const cuts = (s: string, i: number) => /[\uD800-\uDBFF]/.test(s[i - 1] ?? '') && /[\uDC00-\uDFFF]/.test(s[i] ?? '');

describe('textDiff', () => {
  it('turns the old value into the new one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.nat(), (before, after, caret) => {
        const edit = textDiff(before, after, caret % (after.length + 1));
        expect(applyEdit(before, edit)).toBe(after);
        if (edit) expect([cuts(before, edit.pos), cuts(before, edit.pos + edit.del)]).toEqual([false, false]);
      }),
      { numRuns: 500 },
    );
  });

  it('reads typing and deleting at the caret', () => {
    expect(textDiff('aa', 'aaa', 2)).toEqual({ pos: 1, del: 0, ins: 'a' });
    expect(textDiff('aaa', 'aa', 1)).toEqual({ pos: 1, del: 1, ins: '' });
    expect(textDiff('hello world', 'hello there', 11)).toEqual({ pos: 6, del: 5, ins: 'there' });
    expect(textDiff('abc', 'Xabc', 4)).toEqual({ pos: 0, del: 0, ins: 'X' }); // the caret elsewhere: still minimal
    expect(textDiff('same', 'same')).toBeNull();
  });

  it('never cuts a surrogate pair', () => {
    // '😀' and '😃' share their high surrogate: the edit must replace the whole character.
    expect(textDiff('a😀b', 'a😃b', 3)).toEqual({ pos: 1, del: 2, ins: '😃' });
    expect(textDiff('😀', '😀😀', 4)).toEqual({ pos: 2, del: 0, ins: '😀' });
  });
});

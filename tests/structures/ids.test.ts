import { ID_LENGTH, isValidId, newId } from '../../src/structures/ids.js';
import { ctxOf } from './helpers.js';

describe('ids', () => {
  it('makes valid, distinct random ids outside a transition', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const id = newId(null);
      expect(id).toHaveLength(ID_LENGTH);
      expect(isValidId(id)).toBe(true);
      seen.add(id);
    }
    expect(seen.size).toBe(10_000);
  });

  it('makes the same ids from the same seeded context', () => {
    const a = ctxOf(7);
    const b = ctxOf(7);
    const ids = Array.from({ length: 5 }, () => newId(a));
    expect(Array.from({ length: 5 }, () => newId(b))).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
  });

  it('validates ids', () => {
    for (const good of ['a', 'A-z_9', 'x'.repeat(64)]) expect(isValidId(good)).toBe(true);
    for (const bad of ['', 'x'.repeat(65), 'a b', 'a/b', '__proto__!', 'é', 1, null]) expect(isValidId(bad)).toBe(false);
  });
});

/** docs/ERRORS.md documents every error code of src/errors.ts, once, and nothing else. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

it('docs/ERRORS.md has one row per ErrorCode', () => {
  const source = readFileSync(resolve(root, 'src/errors.ts'), 'utf8');
  const union = /export type ErrorCode =([\s\S]*?);/.exec(source)?.[1] ?? '';
  const codes = [...union.matchAll(/\|\s*'([a-z_]+)'/g)].map((m) => m[1]).sort();
  expect(codes.length).toBeGreaterThan(10);
  const doc = readFileSync(resolve(root, 'docs/ERRORS.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]).sort();
  expect(rows).toEqual(codes);
});

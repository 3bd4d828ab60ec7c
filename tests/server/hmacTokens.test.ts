// Resume tokens: HMAC-SHA256 under a secret that is created once, durably, in the data dir.
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hmacTokens, loadSecret } from '../../src/server/hmacTokens.js';
import { tempDir } from './wsFixtures.js';

it('creates the secret once (mode 0600) and reads it back', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const sub = join(dir, 'data');
    const [a, b] = await Promise.all([loadSecret(sub), loadSecret(sub)]); // racing creators agree
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(a.length).toBe(32);
    expect((await stat(join(sub, 'secret'))).mode & 0o777).toBe(0o600);
    expect(Buffer.from(await loadSecret(sub)).equals(Buffer.from(a))).toBe(true);
    await writeFile(join(sub, 'secret'), 'not hex\n');
    await expect(loadSecret(sub)).rejects.toMatchObject({ code: 'invalid_args' });
  } finally {
    await cleanup();
  }
});

it('issues tokens that verify for the same room and client only', () => {
  const secret = Buffer.alloc(32, 7);
  const room = hmacTokens(secret, 'board/a');
  const token = room.issue('c1');
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(room.verify('c1', token)).toBe(true);
  expect(hmacTokens(Buffer.from(secret), 'board/a').verify('c1', token)).toBe(true); // another process
  expect(room.verify('c2', token)).toBe(false);
  expect(hmacTokens(secret, 'board/b').verify('c1', token)).toBe(false);
  expect(hmacTokens(Buffer.alloc(32, 8), 'board/a').verify('c1', token)).toBe(false);
  expect(room.verify('c1', `${token}x`)).toBe(false);
  expect(room.verify('c1', '')).toBe(false);
});

/**
 * Resume tokens that survive a restart: a token is the HMAC-SHA256 of the room and the client
 * id under a server secret, so any process holding the secret verifies it and nothing needs to
 * be stored per client. The secret lives in `<dataDir>/secret` (created once, durably, mode
 * 0600) or is given in the options. Losing it would make resuming clients start new sessions,
 * and their resent changes could then apply twice — hence the fsyncs.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LockstepError } from '../errors.js';
import type { TokenIssuer } from '../sync/tokens.js';
import { syncDir } from './journal/syncDir.js';

/** Tokens for the clients of one room (`scope`), keyed by `secret`. */
export function hmacTokens(secret: Uint8Array, scope: string): TokenIssuer {
  const issue = (clientId: string): string =>
    createHmac('sha256', secret).update(scope).update('\0').update(clientId).digest('base64url');
  return {
    issue,
    verify(clientId, token) {
      const want = Buffer.from(issue(clientId));
      const got = Buffer.from(token);
      return got.length === want.length && timingSafeEqual(got, want);
    },
  };
}

/** The server secret in `dir/secret`, created (32 random bytes, hex) when missing. */
export async function loadSecret(dir: string): Promise<Uint8Array> {
  const file = join(dir, 'secret');
  const read = async () => {
    const hex = (await readFile(file, 'utf8')).trim();
    if (!/^([0-9a-f]{2}){16,}$/.test(hex)) {
      throw new LockstepError('invalid_args', `${file} does not hold a hex secret of at least 16 bytes; delete it to make a new one`);
    }
    return Buffer.from(hex, 'hex');
  };
  try {
    return await read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Durably, and atomically with respect to other processes: write and fsync a temporary file,
  // link it into place (fails if another process got there first), fsync the directory.
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(`${randomBytes(32).toString('hex')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp);
  }
  await syncDir(dir);
  return read();
}

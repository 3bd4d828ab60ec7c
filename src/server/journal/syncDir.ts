/// <reference types="node" />
/**
 * fsync of a directory, which makes the creation, rename or removal of its entries durable.
 */
import { open } from 'node:fs/promises';

/**
 * Fsyncs the directory at `path`. Windows cannot open a directory (and makes entries durable
 * without it), and some file systems refuse to fsync one (`EINVAL`): both are skipped.
 */
export async function syncDir(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
  } finally {
    await handle.close();
  }
}

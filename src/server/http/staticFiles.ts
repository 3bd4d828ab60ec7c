/// <reference types="node" />
/**
 * staticFiles(dir): the smallest static-file handler, for the server's `fallback` option (the
 * CLI's `--static`). GET and HEAD only; the path is decoded, normalised and must stay inside
 * `dir` (after symlinks too); dotfiles are never served; content types come from a short table
 * of web extensions. Client-side routes (`/b/<id>`) may fall back to one page (`index.html`).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { LockstepError } from '../../errors.js';
import { sendError } from './respond.js';

/** Content types by file extension. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/** Options of {@link staticFiles}. */
export interface StaticFilesOptions {
  /** The file a directory path serves (default `index.html`). */
  index?: string;
  /**
   * A file (relative to the directory) served for GET paths that match no file and have no
   * extension — a single-page app's routes. Default: none (404).
   */
  fallback?: string;
}

/** A request handler serving the files under `dir`. */
export function staticFiles(dir: string, options: StaticFilesOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(dir);
  const { index = 'index.html', fallback } = options;
  const realRoot = realpath(root).catch(() => root);
  return (req, res) => {
    serve(req, res, root, realRoot, index, fallback).catch(() => {
      if (!res.headersSent) sendError(res, new LockstepError('internal', 'could not read the file'), 500);
      else res.destroy();
    });
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  realRoot: Promise<string>,
  index: string,
  fallback: string | undefined,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, new LockstepError('invalid_args', 'static files answer GET and HEAD only'), 405, { allow: 'GET, HEAD' });
  }
  const segments = pathSegments(req.url);
  if (!segments) return notFound(res, req.url);
  let file = await findFile(root, await realRoot, segments, index);
  if (!file && fallback && !extname(segments[segments.length - 1] ?? '')) file = await findFile(root, await realRoot, [fallback], index);
  if (!file) return notFound(res, req.url);
  res.writeHead(200, {
    'content-type': TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': file.size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') return void res.end();
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(file.path);
    stream.once('error', fail);
    res.once('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(res);
  });
}

/** The decoded path segments of a URL; null when one is unsafe (`..`, a dotfile, a separator, NUL). */
function pathSegments(url: string | undefined): string[] | null {
  const path = (url ?? '/').split(/[?#]/, 1)[0] as string;
  const out: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg.startsWith('.') || /[\\/\0]/.test(seg)) return null;
    out.push(seg);
  }
  return out;
}

/** The regular file at `segments` under `root` (a directory gives its index), if it stays inside. */
async function findFile(root: string, realRoot: string, segments: string[], index: string): Promise<{ path: string; size: number } | null> {
  let path = join(root, ...segments);
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    let info = await stat(path);
    if (info.isDirectory()) {
      path = join(path, index);
      info = await stat(path);
    }
    if (!info.isFile()) return null;
    const real = await realpath(path);
    if (!real.startsWith(realRoot + sep)) return null;
    return { path: real, size: info.size };
  } catch {
    return null;
  }
}

function notFound(res: ServerResponse, url: string | undefined): void {
  const path = (url ?? '/').split('?', 1)[0];
  sendError(res, new LockstepError('not_found', `no file at ${path}`), 404);
}

// staticFiles (the CLI's --static): content types, HEAD, GET only, no way out of the directory
// (.., encoded .. and slashes, dotfiles, symlinks), directory index and the single-page fallback.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staticFiles } from '../../src/server/http/staticFiles.js';

let base: string;
let server: Server;
let port: number;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'lockstep-static-'));
  const root = join(base, 'public');
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<p>home</p>');
  writeFileSync(join(root, 'app.js'), 'export {};');
  writeFileSync(join(root, 'style.css'), 'p{}');
  writeFileSync(join(root, 'docs', 'index.html'), '<p>docs</p>');
  writeFileSync(join(root, 'a b.txt'), 'spaced');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(base, 'secret.txt'), 'outside');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
  server = createServer(staticFiles(root, { fallback: 'index.html' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(base, { recursive: true, force: true });
});

/** A raw request (the path is sent exactly as given, unnormalised). */
function get(path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('staticFiles', () => {
  it('serves files with their content types', async () => {
    expect(await get('/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<p>home</p>' });
    expect(await get('/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'export {};' });
    expect(await get('/style.css?v=2')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await get('/docs/')).toMatchObject({ status: 200, body: '<p>docs</p>' });
    expect(await get('/a%20b.txt')).toMatchObject({ status: 200, body: 'spaced' });
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    expect(await get('/app.js', 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect((await get('/app.js', 'POST')).status).toBe(405);
    expect((await get('/app.js', 'DELETE')).status).toBe(405);
  });

  it('never leaves its directory', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/docs/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/link.txt', '/.env', '/%00', '/%E0%A4%A']) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toContain('outside');
      expect(res.body).not.toContain('SECRET');
    }
  });

  it('falls back to the page for client-side routes only', async () => {
    expect(await get('/b/abc123')).toMatchObject({ status: 200, body: '<p>home</p>' });
    expect((await get('/missing.js')).status).toBe(404);
  });
});

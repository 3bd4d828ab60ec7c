#!/usr/bin/env node
/**
 * The `lockstep` command: `lockstep serve <module>` loads the module, takes its default export
 * (the {@link ServerOptions}, or a function returning them) and runs {@link createServer} with
 * the command line's port, host, data directory and static files, until SIGTERM or SIGINT.
 * See `lockstep --help` (cliArgs.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LockstepError } from '../errors.js';
import { parseCli, USAGE, type CliCommand } from './cliArgs.js';
import { closeOnSignals } from './closeOnSignals.js';
import { createServer } from './createServer.js';
import { staticFiles } from './http/staticFiles.js';
import { defaultLogger } from './logger.js';
import type { ServerOptions } from './ServerOptions.js';

type Serve = Extract<CliCommand, { command: 'serve' }>;

/** Runs the command line; resolves once the server listens (or the command is done). */
async function main(argv: readonly string[]): Promise<void> {
  const cmd = parseCli(argv);
  if (cmd.command === 'help') return void process.stdout.write(`${USAGE}\n`);
  if (cmd.command === 'version') return void process.stdout.write(`${version()}\n`);
  await serve(cmd);
}

async function serve(cmd: Serve): Promise<void> {
  const options = withFlags(await loadOptions(cmd.module), cmd);
  const logger = options.logger ?? defaultLogger();
  const server = createServer({ ...options, logger });
  closeOnSignals(server, { logger });
  let address;
  try {
    address = await server.listen(cmd.port, cmd.host);
  } catch (err) {
    await server.close().catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new LockstepError('invalid_args', `port ${cmd.port} on ${cmd.host} is in use: stop the other server or pass --port`);
    if (code === 'EADDRNOTAVAIL') throw new LockstepError('invalid_args', `${cmd.host} is not an address of this machine (--host)`);
    throw err;
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/`;
  const storage = cmd.memory ? 'in memory only' : options.journal ? 'in the module’s journal' : `in ${resolve(options.dataDir as string)}`;
  const rooms = Object.keys(options.rooms).map((type) => `ws://${host}:${address.port}/rooms/${type}/<id>`);
  process.stdout.write(`lockstep: rooms at ${rooms.join(', ')}; data ${storage}\n`);
  process.stdout.write(cmd.static ? `lockstep: open ${url}\n` : `lockstep: serving at ${url}\n`);
}

/** The default export of the options module, checked. */
async function loadOptions(module: string): Promise<ServerOptions> {
  const url = pathToFileURL(resolve(module)).href;
  let loaded: { default?: unknown };
  try {
    loaded = (await import(url)) as { default?: unknown };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(resolve(module))) {
      throw new LockstepError('invalid_args', `no module at ${resolve(module)} (a JavaScript file; compile TypeScript first)`);
    }
    throw err;
  }
  let options = loaded.default;
  if (typeof options === 'function') options = await (options as () => unknown)();
  const rooms = (options as { rooms?: unknown } | null | undefined)?.rooms;
  if (typeof options !== 'object' || options === null || typeof rooms !== 'object' || rooms === null) {
    throw new LockstepError('invalid_args', `${module} must export default the server options: export default { rooms: { board: Board } }`);
  }
  return options as ServerOptions;
}

/** The module's options with the command line's data directory and static files. */
function withFlags(options: ServerOptions, cmd: Serve): ServerOptions {
  const out: ServerOptions = { ...options };
  if (cmd.memory) {
    delete out.dataDir;
    delete out.journal;
  } else if (cmd.data !== undefined) {
    out.dataDir = cmd.data;
  } else if (out.dataDir === undefined && !out.journal) {
    out.dataDir = './data';
  }
  if (cmd.static !== undefined) out.fallback = staticFiles(cmd.static, { fallback: 'index.html' });
  return out;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const usage = err instanceof LockstepError && err.code === 'invalid_args';
  process.stderr.write(`lockstep: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(usage ? 2 : 1);
});

/**
 * The command line of `lockstep`: `lockstep serve <module> [--port 8080] [--host 127.0.0.1]
 * [--data ./data] [--static <dir>]`, `lockstep --help`, `lockstep --version`. Parsing only
 * (pure, so it is tested without starting anything); cli.ts runs the result.
 */
import { LockstepError } from '../errors.js';

/** What the command line asks for. */
export type CliCommand =
  | { command: 'help' }
  | { command: 'version' }
  | {
      command: 'serve';
      /** The options module (its default export is the server options). */
      module: string;
      port: number;
      host: string;
      /** The data directory; undefined: the module's, else `./data`. */
      data: string | undefined;
      /** Keep rooms in memory only (no journal on disk). */
      memory: boolean;
      /** A directory of static files to serve too. */
      static: string | undefined;
    };

/** The help text. */
export const USAGE = `Usage: lockstep serve <module> [options]

Serves the rooms of <module> (JavaScript), whose default export is the server
options ({ rooms: { board: Board }, authenticate, authorize, ... }) or a function
returning them.

Options:
  --port <n>       port to listen on (default 8080; 0 picks a free one)
  --host <addr>    address to listen on (default 127.0.0.1)
  --data <dir>     where rooms are journaled (default: the module's dataDir, else ./data)
  --memory         keep rooms in memory only, nothing on disk
  --static <dir>   also serve the files in <dir> (paths without an extension that match
                   no file get <dir>/index.html, for client-side routes)
  -h, --help       this text
  -v, --version    the version

Logs are JSON lines on stderr; LOCKSTEP_LOG=debug|info|warn|error|silent sets the level.
SIGTERM or SIGINT shuts down gracefully (journals flushed, clients closed with 1001).`;

const VALUE_FLAGS = new Set(['--port', '--host', '--data', '--static']);

/** Parses `argv` (without `node` and the script); throws `invalid_args` with a helpful message. */
export function parseCli(argv: readonly string[]): CliCommand {
  const flags = new Map<string, string>();
  const bools = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return { command: 'help' };
    if (arg === '-v' || arg === '--version') return { command: 'version' };
    if (arg === '--memory') {
      bools.add(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new LockstepError('invalid_args', `${name} needs a value`);
      flags.set(name, value);
    } else if (arg.startsWith('-')) {
      throw new LockstepError('invalid_args', `unknown option ${arg} (see lockstep --help)`);
    } else {
      positional.push(arg);
    }
  }
  const [command, module, ...extra] = positional;
  if (command === undefined) return { command: 'help' };
  if (command !== 'serve') throw new LockstepError('invalid_args', `unknown command ${JSON.stringify(command)}: the command is serve`);
  if (module === undefined) throw new LockstepError('invalid_args', 'lockstep serve needs the module of the server options: lockstep serve ./server.js');
  if (extra.length) throw new LockstepError('invalid_args', `unexpected argument ${JSON.stringify(extra[0])}`);
  const port = Number(flags.get('--port') ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LockstepError('invalid_args', `--port must be an integer from 0 to 65535, got ${flags.get('--port')}`);
  const memory = bools.has('--memory');
  if (memory && flags.has('--data')) throw new LockstepError('invalid_args', '--memory and --data exclude each other');
  return {
    command: 'serve',
    module,
    port,
    host: flags.get('--host') ?? '127.0.0.1',
    data: flags.get('--data'),
    memory,
    static: flags.get('--static'),
  };
}

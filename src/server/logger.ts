/// <reference types="node" />
/**
 * Structured logs: one JSON object per line with `time`, `level`, `event` and fields. The server
 * logs rooms, connection ids, reasons and sizes — never tokens, secrets, identities, headers or
 * query strings. Plug in any logger (pino, winston) through the one-method {@link Logger}.
 */

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the server's logs go. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Options of {@link jsonLogger}. */
export interface JsonLoggerOptions {
  /** The lowest level written (default `info`; `silent` writes nothing). */
  level?: LogLevel | 'silent';
  /** Where each line goes (default: stderr). */
  write?: (line: string) => void;
}

/** A logger writing JSON lines. */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  return {
    log(level, event, fields) {
      if (RANK[level] < min) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
    },
  };
}

/**
 * The default logger: JSON lines on stderr at the level in `LOCKSTEP_LOG` (debug, info, warn,
 * error, silent); `info` by default, `silent` under a test runner (`NODE_ENV=test`).
 */
export function defaultLogger(): Logger {
  const env = process.env.LOCKSTEP_LOG;
  const level = env && env in RANK ? (env as LogLevel | 'silent') : process.env.NODE_ENV === 'test' ? 'silent' : 'info';
  return jsonLogger({ level });
}

/** The message of anything thrown, for a log field. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/// <reference types="node" />
/**
 * Graceful shutdown on SIGTERM / SIGINT: the first signal closes the server (stop accepting,
 * make every room durable, close clients with 1001) and exits; a second one, while that runs,
 * kills the process as usual.
 */
import { errorText, type Logger } from './logger.js';

/** Options of {@link closeOnSignals}. */
export interface CloseOnSignalsOptions {
  /** Signals to handle (default SIGTERM and SIGINT). */
  signals?: NodeJS.Signals[];
  /** Exit the process once closed (default true; code 0, or 1 if closing failed). */
  exit?: boolean;
  logger?: Logger;
}

/** Closes `server` on the first signal; returns a function that removes the handlers. */
export function closeOnSignals(server: { close(): Promise<void> }, options: CloseOnSignalsOptions = {}): () => void {
  const { signals = ['SIGTERM', 'SIGINT'], exit = true, logger } = options;
  const remove = () => {
    for (const s of signals) process.off(s, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    remove();
    logger?.log('info', 'server.signal', { signal });
    server.close().then(
      () => {
        if (exit) process.exit(0);
      },
      (err: unknown) => {
        logger?.log('error', 'server.close_failed', { error: errorText(err) });
        if (exit) process.exit(1);
      },
    );
  }
  for (const s of signals) process.on(s, onSignal);
  return remove;
}

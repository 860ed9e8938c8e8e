/**
 * During a Redis outage ioredis reconnects every few seconds and every attempt emits an `error`:
 * one structured line per interval says the same without flooding the logs (requests meanwhile
 * answer 503; the worker waits). Without any listener BullMQ prints each error with its stack.
 */
const LOG_INTERVAL_MS = 10_000;

export interface ConnectionErrorFields {
  err: { message: string; code?: string };
}

/** Listens to `source`'s `error` events and passes at most one per 10 s to `log`. */
export function logConnectionErrors(
  source: { on(event: 'error', listener: (error: Error) => void): unknown },
  log: (fields: ConnectionErrorFields) => void,
): void {
  let lastLogged = -Infinity;
  source.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < LOG_INTERVAL_MS) return;
    lastLogged = now;
    log({ err: { message: error.message, code: (error as NodeJS.ErrnoException).code } });
  });
}

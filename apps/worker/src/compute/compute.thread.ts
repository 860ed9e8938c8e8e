import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import { computeReportFromDatabase, type ComputeRequest } from './report-computation';
import type { ThreadMessage, ThreadRequest, ThreadSettings } from './compute-protocol';

/**
 * Worker-thread entry: loads the window and runs the engine off the main thread, so the worker's
 * event loop stays free for BullMQ lock renewal, progress writes and health probes while the
 * engine runs (house style; issue 4). The thread lives as long as the worker and serves one
 * report at a time; it keeps its own small PostgreSQL pool (a plain `pg` pool: the loader needs
 * nothing else), so only parameters go in and only the 14 k-row result comes out.
 */

const settings = workerData as ThreadSettings;
const pool = new Pool({ connectionString: settings.databaseUrl, max: 1, ...settings.poolSettings });
// An idle client losing its server (PostgreSQL restarted) must not kill the thread.
pool.on('error', () => undefined);
// Nor a checked-out one: a session ended between two queries of the window read emits 'error' on
// its client, which the pool does not listen to then, and the thread crashed ("Connection
// terminated unexpectedly" when PostgreSQL was stopped mid-report, issue 6). The read itself
// fails with the error anyway, so the event only needs a listener.
pool.on('connect', (client) => client.on('error', () => undefined));

function post(message: ThreadMessage): void {
  parentPort!.postMessage(message);
}

parentPort!.on('message', (request: ThreadRequest) => {
  if (request.type === 'close') {
    void pool.end().finally(() => process.exit(0));
    return;
  }
  const { runId } = request;
  const computeRequest: ComputeRequest = { asOf: request.asOf, method: request.method };
  computeReportFromDatabase(pool, computeRequest, (stage) => post({ type: 'stage', runId, stage }))
    .then((result) => {
      const transfer = Object.values(result.columns).flatMap((column) => (column instanceof Float64Array ? [column.buffer as ArrayBuffer] : []));
      parentPort!.postMessage({ type: 'done', runId, result } satisfies ThreadMessage, transfer);
    })
    .catch((error: unknown) => {
      const err = error instanceof Error ? error : new Error(String(error));
      post({
        type: 'failed',
        runId,
        error: { name: err.name, message: err.message, code: (err as NodeJS.ErrnoException).code },
      });
    });
});

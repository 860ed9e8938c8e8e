import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import { reportBuffers } from '@store-uptime/uptime';
import { computeReportFromDatabase, type ComputeRequest } from './report-computation';
import type { ThreadMessage, ThreadRequest, ThreadSettings } from './compute-protocol';

/**
 * Worker-thread entry: loads the window and runs the engine off the main thread, so the worker's
 * event loop stays free for BullMQ lock renewal, progress writes and health probes while the
 * engine runs (a blocked loop misses lock renewals and BullMQ runs the report twice). The thread
 * lives as long as the worker and serves one report at a time; it keeps its own small PostgreSQL
 * pool (a plain `pg` pool: the loader needs nothing else), so only parameters go in, and only the
 * report's arrays come out, transferred rather than copied.
 */

if (!parentPort) throw new Error('compute.thread.js runs as a worker thread (see compute-runner.ts), not on its own');
const port = parentPort;
const settings = workerData as ThreadSettings;
const pool = new Pool({ ...settings.poolSettings, connectionString: settings.databaseUrl, max: 1 });
// An idle client losing its server (PostgreSQL restarted) must not kill the thread.
pool.on('error', () => undefined);
// Nor a checked-out one: a session ended between two queries of the window read emits 'error' on
// its client, which the pool does not listen to then, and the thread crashed ("Connection
// terminated unexpectedly" when PostgreSQL was stopped mid-report). The read itself fails with
// the error anyway, so the event only needs a listener.
pool.on('connect', (client) => client.on('error', () => undefined));

function post(message: ThreadMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

port.on('message', (request: ThreadRequest) => {
  if (request.type === 'close') {
    // End the pool's sessions properly (PostgreSQL sees a goodbye, not a dropped socket), then go.
    void pool.end().finally(() => process.exit(0));
    return;
  }
  const { runId } = request;
  const computeRequest: ComputeRequest = { asOf: request.asOf, method: request.method, ...(request.shard ? { shard: request.shard } : {}) };
  computeReportFromDatabase(pool, computeRequest, (stage) => post({ type: 'stage', runId, stage }))
    .then((result) => post({ type: 'done', runId, result }, reportBuffers(result.report)))
    .catch((error: unknown) => {
      const err = error instanceof Error ? error : new Error(String(error));
      post({ type: 'failed', runId, error: { name: err.name, message: err.message, code: (err as NodeJS.ErrnoException).code } });
    });
});

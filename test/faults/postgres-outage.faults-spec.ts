import { killAllNow, sleep } from '../../scripts/faults/processes';
import { createNamespace, type Namespace } from '../../scripts/faults/namespace';
import { PrivatePostgres } from '../../scripts/faults/private-postgres';
import {
  call,
  ensureBuilt,
  eventually,
  expectCompleteAfterRetry,
  holdInputTables,
  recordMeasurement,
  reportRows,
  reportStatus,
  startPatientAndImpatientApis,
  startWorker,
  trigger,
  waitFinished,
  waitHeldReports,
  type RunningApi,
  type RunningWorker,
} from './support/harness';

const PROBLEM = /^application\/problem\+json/;

/**
 * PostgreSQL stopped during a report. A private cluster (initdb in a temporary directory,
 * its own port) is shut down (`-m fast`: every session ended) while a report reads its window;
 * the worker must retry with backoff and finish once it is back, or fail with the reason.
 */
describe('PostgreSQL stopped during a report', () => {
  let pg: PrivatePostgres;
  let ns: Namespace;
  /** Patient and impatient retries (startPatientAndImpatientApis). */
  let api: RunningApi;
  let apiShort: RunningApi;
  let worker: RunningWorker;

  beforeAll(async () => {
    ensureBuilt();
    pg = await PrivatePostgres.create();
    ns = await createNamespace({ label: 'pg', postgresServer: pg.url });
    const shared = { REPORT_SWEEP_SECONDS: '1', REPORT_LOST_AFTER_SECONDS: '2', DB_TIMEOUT_MS: '1000' };
    [[api, apiShort], worker] = await Promise.all([
      startPatientAndImpatientApis((policy) => ns.env({ ...shared, ...policy })),
      startWorker(ns.env(shared)),
    ]);
  });

  afterAll(async () => {
    await Promise.all([worker?.process.stop('SIGKILL'), api?.process.stop('SIGKILL'), apiShort?.process.stop('SIGKILL')]);
    if (pg && !pg.running) await pg.start().catch(() => undefined);
    await ns?.cleanup();
    await pg?.destroy();
    killAllNow();
  });

  async function triggerHeld(target: RunningApi): Promise<{ id: string; hold: { release(): Promise<void> } }> {
    const hold = await holdInputTables(ns.database.url);
    const id = await trigger(target.url);
    await waitHeldReports(ns.database.url, 1);
    return { id, hold };
  }

  it('retries with backoff and completes the report, correct, once PostgreSQL is back', async () => {
    const { id, hold } = await triggerHeld(api);
    const stoppedAt = Date.now();
    await pg.stop('SIGINT');
    await hold.release();

    // The API: a trigger needs the database → 503 at once; a status read is served from Redis.
    const refused = await call('POST', `${api.url}/reports`, {});
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    expect(refused.body.detail).toMatch(/database/);
    expect(refused.ms).toBeLessThan(3_000);
    expect((await reportStatus(api.url, id)).status).toBe('Running');
    expect((await call('GET', `${api.url}/health/ready`)).status).toBe(503);

    // Attempts fail while it is down (each one logged, BullMQ backs off between them).
    await worker.process.waitForLine(new RegExp(`${id}.*attempt failed; BullMQ will retry|attempt failed; BullMQ will retry.*${id}`), 10_000);
    await sleep(Math.max(0, 3_000 - (Date.now() - stoppedAt)));
    const restartedAt = Date.now();
    await pg.start();

    await waitFinished(api.url, [id], 60_000);
    const recoveryMs = Date.now() - restartedAt;
    const row = await expectCompleteAfterRetry(api.url, ns.database.url, id);
    expect(worker.process.running).toBe(true);
    // The compute thread survives its session being ended (it used to crash and be replaced).
    expect(worker.process.output).not.toMatch(/compute thread crashed/);
    // The API recovers without a restart too.
    await eventually(() => call('POST', `${api.url}/reports`, {}), (a) => a.status === 202, 15_000, 'a trigger accepted again');
    recordMeasurement('PostgreSQL stopped (fast shutdown) mid-report, back after ~3 s', {
      outageMs: restartedAt - stoppedAt,
      recoveryMs,
      attempts: row.attempts,
      lost: 0,
    });
  }, 120_000);

  it('fails the report with the reason once the attempts run out, and the row agrees when PostgreSQL is back', async () => {
    const { id, hold } = await triggerHeld(apiShort);
    const stoppedAt = Date.now();
    await pg.stop('SIGINT');
    await hold.release();

    // Redis knows the outcome: the client gets Failed with the reason while the database is still down.
    const failed = await eventually(() => reportStatus(apiShort.url, id), (s) => s.status === 'Failed', 30_000, 'Failed');
    const failedMs = Date.now() - stoppedAt;
    const reason = (failed as { error: string }).error;
    expect(reason).toMatch(/PostgreSQL|report record/);
    expect(reason).not.toMatch(/\n\s+at /); // no stack trace
    expect(reason).not.toMatch(/127\.0\.0\.1|:\d{4,5}\b/); // nor an internal address

    const restartedAt = Date.now();
    await pg.start();
    // The sweep brings the durable row in line (the worker could not write it while PostgreSQL was down).
    const row = await eventually(
      async () => (await reportRows(ns.database.url)).find((r) => r.id === id)!,
      (r) => r.status === 'failed',
      20_000,
      'the row marked failed',
    );
    const rowSyncedMs = Date.now() - restartedAt;
    expect(row.error).toBe(reason);
    const details = await call('GET', `${apiShort.url}/reports/${id}`);
    expect(details.body).toMatchObject({ status: 'failed', error: reason });
    recordMeasurement('PostgreSQL stopped for good (until the attempts run out)', { failedMs, rowSyncedMs, lost: 0, reason });
  }, 90_000);
});

import { killAllNow } from '../../scripts/faults/processes';
import { createNamespace, listKeys, type Namespace } from '../../scripts/faults/namespace';
import { triggerConcurrently, waitAllFinished } from '../../scripts/faults/load';
import { expectedReportCsv } from '../e2e/support/fixture-data';
import { call, ensureBuilt, recordMeasurement, reportStatus, startApi, startWorker, type RunningApi, type RunningWorker } from './support/harness';

/** How many concurrent triggers the suite fires; `npm run bench:load` fires 1,000. */
const TRIGGERS = Number(process.env.FAULTS_LOAD_TRIGGERS ?? 200);

/**
 * Load: many concurrent triggers against the real apps → exactly that many reports,
 * every one Complete, none computed twice. The fixture is small (8 stores), so each report is
 * fast and the queue, the database rows and S3 are what is exercised.
 */
describe(`${TRIGGERS} concurrent triggers`, () => {
  let ns: Namespace;
  let api: RunningApi;
  let worker: RunningWorker;

  beforeAll(async () => {
    ensureBuilt();
    ns = await createNamespace({ label: 'load' });
    const env = ns.env({ TRIGGER_RATE_LIMIT: '0', WORKER_CONCURRENCY: '4', LOG_LEVEL: 'warn' });
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
  });

  afterAll(async () => {
    await Promise.all([worker?.process.stop('SIGKILL'), api?.process.stop('SIGKILL')]);
    await ns?.cleanup();
    killAllNow();
  });

  it('make exactly as many reports, every one Complete, none duplicated', async () => {
    const fired = await triggerConcurrently(api.url, TRIGGERS);
    expect(fired.statuses).toEqual({ 200: TRIGGERS });
    expect(new Set(fired.ids).size).toBe(TRIGGERS);

    const done = await waitAllFinished(ns.database.url, TRIGGERS, fired.startedAt, 120_000);
    expect(done).toMatchObject({ rows: TRIGGERS, byStatus: { complete: TRIGGERS }, startedTwice: 0 });
    // One CSV per report, and the worker counted each report once.
    const keys = await listKeys(ns.bucket);
    expect(new Set(keys)).toEqual(new Set(fired.ids.map((id) => `reports/${id}.csv`)));
    const metrics = await call('GET', `${worker.url}/metrics`);
    expect(metrics.text).toMatch(new RegExp(`report_jobs_total\\{outcome="complete"\\} ${TRIGGERS}\\b`));
    expect(metrics.text).not.toMatch(/report_jobs_total\{outcome="(retry|failed|requeued)"\} [1-9]/);

    // Clients see it too; a sample of the CSVs is exactly the engine's.
    const expected = expectedReportCsv();
    for (const id of fired.ids.slice(0, 5)) {
      const status = await reportStatus(api.url, id);
      expect(status.status).toBe('Complete');
      expect((await call('GET', (status as { url: string }).url)).text).toBe(expected);
    }
    recordMeasurement(`load: ${TRIGGERS} concurrent triggers`, {
      triggersPerSecond: Math.round(TRIGGERS / fired.seconds),
      completionsPerSecond: Math.round(TRIGGERS / done.seconds),
      triggerSeconds: fired.seconds,
      allCompleteSeconds: done.seconds,
      lost: TRIGGERS - (done.byStatus.complete ?? 0),
    });
  }, 180_000);
});

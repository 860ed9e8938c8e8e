import { killAllNow } from '../../scripts/faults/processes';
import { createNamespace, listKeys, type Namespace } from '../../scripts/faults/namespace';
import { expectedReportCsv } from '../e2e/support/fixture-data';
import {
  call,
  ensureBuilt,
  eventually,
  holdInputTables,
  recordMeasurement,
  reportRows,
  reportStatus,
  startApi,
  startWorker,
  trigger,
  waitFinished,
  waitHeldReports,
  type RunningApi,
  type RunningWorker,
} from './support/harness';

/**
 * Workers die. Real worker processes (`node dist/apps/worker/src/main.js`) on the
 * machine's PostgreSQL, Redis and S3; each report is held mid-run (holdInputTables) so the signal
 * lands while the report is being computed, not before or after it.
 */
describe('a worker process stopped in the middle of a report', () => {
  let ns: Namespace;
  let api: RunningApi;
  const workers: RunningWorker[] = [];
  let expectedCsv: string;

  beforeAll(async () => {
    ensureBuilt();
    ns = await createNamespace({ label: 'crash' });
    api = await startApi(ns.env());
    expectedCsv = expectedReportCsv();
  });

  afterAll(async () => {
    await Promise.all([...workers.map((w) => w.process.stop('SIGKILL')), api?.process.stop('SIGKILL')]);
    killAllNow();
    await ns?.cleanup();
  });

  async function worker(overrides: Record<string, string> = {}, label = 'worker'): Promise<RunningWorker> {
    const started = await startWorker(ns.env(overrides), label);
    workers.push(started);
    return started;
  }

  /** Triggers a report while the input tables are held, and returns the worker that started it. */
  async function triggerHeld(candidates: RunningWorker[]) {
    const hold = await holdInputTables(ns.database.url);
    const id = await trigger(api.url);
    const [name] = await waitHeldReports(ns.database.url, 1, candidates.map((w) => w.process.name));
    const runner = candidates.find((w) => w.process.name === name);
    if (!runner) throw new Error(`the held report runs in ${name}, not one of ${candidates.map((w) => w.process.name).join(', ')}`);
    return { hold, id, runner };
  }

  async function expectCorrectCsv(id: string): Promise<void> {
    const status = await reportStatus(api.url, id);
    expect(status.status).toBe('Complete');
    const download = await call('GET', (status as { url: string }).url);
    expect(download.status).toBe(200);
    expect(download.text).toBe(expectedCsv);
  }

  it('SIGTERM within the drain deadline: the worker finishes the report, then exits', async () => {
    const draining = await worker({ WORKER_DRAIN_SECONDS: '30' }, 'worker-drain');
    const { hold, id } = await triggerHeld([draining]);

    const signalled = Date.now();
    draining.process.signal('SIGTERM');
    // Still draining: it must not exit while its report runs.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(draining.process.running).toBe(true);
    expect((await reportStatus(api.url, id)).status).toBe('Running');

    await hold.release();
    const exit = await draining.process.exited;
    const exitMs = Date.now() - signalled;
    expect(exit.signal).not.toBe('SIGKILL');
    await expectCorrectCsv(id);
    const row = (await reportRows(ns.database.url)).find((r) => r.id === id)!;
    expect(row).toMatchObject({ status: 'complete', attempts: 1 });
    expect(draining.process.output).toMatch(/"msg":"worker drained"/);
    recordMeasurement('worker SIGTERM, report finishes within the drain deadline', { exitMs, lost: 0 });
  });

  it('SIGTERM past the drain deadline: the report is handed back and another worker completes it', async () => {
    const leaving = await worker({ WORKER_DRAIN_SECONDS: '1' }, 'worker-leaving');
    const { hold, id } = await triggerHeld([leaving]);

    const signalled = Date.now();
    leaving.process.signal('SIGTERM');
    const exit = await leaving.process.exited;
    const exitMs = Date.now() - signalled;
    expect(exit.signal).not.toBe('SIGKILL');
    expect(exitMs).toBeLessThan(10_000);
    expect(leaving.process.output).toMatch(/handed back to the queue/);
    // Handed back, not failed: the row is queued again and the client still sees Running.
    expect((await reportRows(ns.database.url)).find((r) => r.id === id)).toMatchObject({ status: 'queued' });
    expect((await reportStatus(api.url, id)).status).toBe('Running');

    await worker({}, 'worker-replacement');
    expect(await waitHeldReports(ns.database.url, 1, ['worker-replacement'])).toEqual(['worker-replacement']);
    await hold.release();
    await waitFinished(api.url, [id], 30_000);
    const recoveryMs = Date.now() - signalled;
    await expectCorrectCsv(id);
    expect((await reportRows(ns.database.url)).find((r) => r.id === id)).toMatchObject({ status: 'complete', attempts: 2 });
    recordMeasurement('worker SIGTERM past the drain deadline (hand-back)', { exitMs, recoveryMs, lost: 0 });
  });

  it('SIGKILL: another worker takes the stalled report over and completes it correctly', async () => {
    // Two workers ready (the replacement above and one more); whichever starts the report is killed.
    await worker({}, 'worker-second');
    const candidates = workers.filter((w) => w.process.running);
    expect(candidates).toHaveLength(2);
    const { hold, id, runner } = await triggerHeld(candidates);
    const survivor = candidates.find((w) => w !== runner)!;

    const killedAt = Date.now();
    runner.process.signal('SIGKILL');
    expect((await runner.process.exited).signal).toBe('SIGKILL');
    await hold.release();
    expect((await reportStatus(api.url, id)).status).toBe('Running');

    const final = await waitFinished(api.url, [id], 90_000, 250);
    const recoveryMs = Date.now() - killedAt;
    expect(final.get(id)?.status).toBe('Complete');
    await expectCorrectCsv(id);
    expect(survivor.process.lines.some((l) => l.includes(id) && l.includes('"msg":"report complete"'))).toBe(true);
    // One report, one object, started twice (the killed run and the takeover).
    const rows = await reportRows(ns.database.url);
    expect(rows.find((r) => r.id === id)).toMatchObject({ status: 'complete', attempts: 2 });
    expect((await listKeys(ns.bucket)).filter((key) => key.includes(id))).toEqual([`reports/${id}.csv`]);
    recordMeasurement('worker SIGKILL mid-report (stalled-job takeover)', { recoveryMs, lost: 0 });
  }, 120_000);

  it('fails a report that kills every worker it runs on, with a reason, instead of leaving it Running', async () => {
    for (const w of workers) await w.process.stop('SIGKILL');
    // Short locks so the two stalls are detected in seconds (production: 20 s lock, 10 s checks).
    const fast = { WORKER_LOCK_MS: '3000', WORKER_STALLED_INTERVAL_MS: '1000' };
    const first = await worker(fast, 'worker-doomed-1');
    const { hold, id } = await triggerHeld([first]);
    const second = await worker(fast, 'worker-doomed-2');
    const killedAt = Date.now();
    first.process.signal('SIGKILL');
    // The second worker takes the stalled report over (it blocks on the held tables too)…
    await waitHeldReports(ns.database.url, 1, ['worker-doomed-2']);
    second.process.signal('SIGKILL');
    await second.process.exited;
    // …and dies as well; a third worker's stalled check gives up on the report.
    await worker(fast, 'worker-doomed-3');
    const failed = await eventually(() => reportStatus(api.url, id), (s) => s.status !== 'Running', 30_000, 'the report leaving Running');
    const failedMs = Date.now() - killedAt;
    await hold.release();
    expect(failed).toEqual({ status: 'Failed', error: expect.stringMatching(/stopped repeatedly/) });
    const row = await eventually(
      async () => (await reportRows(ns.database.url)).find((r) => r.id === id)!,
      (r) => r.status === 'failed',
      10_000,
      'the row marked failed',
    );
    expect(row.error).toMatch(/stopped repeatedly/);
    recordMeasurement('worker killed twice on the same report (crash loop)', { failedMs, lost: 0 });
  }, 90_000);

  it('leaves no report unfinished', async () => {
    const rows = await reportRows(ns.database.url);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.filter((r) => r.status !== 'complete' && r.status !== 'failed')).toEqual([]);
    expect(rows.filter((r) => r.status === 'failed')).toHaveLength(1);
  });

});

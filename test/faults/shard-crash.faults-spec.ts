import { killAllNow } from '../../scripts/faults/processes';
import { createNamespace, listKeys, type Namespace } from '../../scripts/faults/namespace';
import { expectedReportCsv } from '../e2e/support/fixture-data';
import {
  call,
  ensureBuilt,
  holdInputTables,
  recordMeasurement,
  reportRows,
  reportStatus,
  startApi,
  startWorker,
  waitFinished,
  waitHeldReports,
  type RunningApi,
  type RunningWorker,
} from './support/harness';

/**
 * A worker dies while it computes one shard of a fanned-out report. Real worker processes on the
 * machine's PostgreSQL, Redis and S3; the fixture's 8 stores in shards of 3. The poll table is
 * held, so each worker's shard waits in its window read when the kill lands (the parent's plan
 * reads only `polled_stores`, with as_of given, so the report has fanned out by then).
 */
describe('a worker killed in the middle of a shard', () => {
  let ns: Namespace;
  let api: RunningApi;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    ensureBuilt();
    ns = await createNamespace({ label: 'shard-crash' });
    api = await startApi(ns.env());
  });

  afterAll(async () => {
    await Promise.all([...workers.map((w) => w.process.stop('SIGKILL')), api?.process.stop('SIGKILL')]);
    killAllNow();
    await ns?.cleanup();
  });

  it('SIGKILL: the other worker takes that shard over alone and the report completes with the right CSV', async () => {
    // Short locks so the stall is seen in seconds (production: 20 s lock, 10 s checks).
    const env = ns.env({ REPORT_SHARD_STORES: '3', WORKER_LOCK_MS: '3000', WORKER_STALLED_INTERVAL_MS: '1000' });
    for (const label of ['worker-a', 'worker-b']) workers.push(await startWorker(env, label));
    const asOf = '2023-01-25T18:00:00Z';

    const hold = await holdInputTables(ns.database.url);
    const answer = await call('POST', `${api.url}/reports`, { as_of: asOf, method: 'hourly' });
    expect(answer.status).toBe(202);
    const id = answer.body.id as string;
    // One shard each, both waiting for the poll table; the third shard waits in the queue.
    const held = await waitHeldReports(ns.database.url, 2, ['worker-a', 'worker-b']);
    expect(new Set(held)).toEqual(new Set(['worker-a', 'worker-b']));
    const [victim, survivor] = workers;

    const killedAt = Date.now();
    victim.process.signal('SIGKILL');
    expect((await victim.process.exited).signal).toBe('SIGKILL');
    await hold.release();

    const final = await waitFinished(api.url, [id], 60_000, 250);
    const recoveryMs = Date.now() - killedAt;
    expect(final.get(id)?.status).toBe('Complete');
    const download = await call('GET', (final.get(id) as { url: string }).url);
    expect(download.text).toBe(expectedReportCsv({ asOf: new Date(asOf) }));

    // All three shards stored by the survivor (its own, the queued one, the victim's taken over);
    // none twice, and the report itself was never restarted (one attempt).
    const stored = survivor.process.lines.filter((line) => line.includes(id) && line.includes('"msg":"shard stored"'));
    expect(stored).toHaveLength(3);
    expect(survivor.process.lines.some((line) => line.includes(id) && line.includes('"msg":"report complete"'))).toBe(true);
    expect((await reportRows(ns.database.url)).find((row) => row.id === id)).toMatchObject({ status: 'complete', attempts: 1 });
    // One object left: the CSV (the parts were removed after assembly).
    expect((await listKeys(ns.bucket)).filter((key) => key.includes(id))).toEqual([`reports/${id}.csv`]);
    expect((await reportStatus(api.url, id)).status).toBe('Complete');
    recordMeasurement('worker SIGKILL mid-shard (stalled shard taken over)', { recoveryMs, lost: 0 });
  }, 120_000);
});

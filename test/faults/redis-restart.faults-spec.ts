import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOST_JOB_REASON } from '@store-uptime/queue';
import { killAllNow, sleep } from '../../scripts/faults/processes';
import { createNamespace, type Namespace } from '../../scripts/faults/namespace';
import { PrivateRedis } from '../../scripts/faults/private-redis';
import {
  call,
  ensureBuilt,
  eventually,
  holdInputTables,
  recordMeasurement,
  reportRows,
  startApi,
  startWorker,
  trigger,
  waitFinished,
  waitHeldReports,
  type RunningApi,
  type RunningWorker,
} from './support/harness';

const PROBLEM = /^application\/problem\+json/;

/**
 * Redis restarted while reports are queued and running. A private Redis (AOF on, every write
 * fsynced, as a queue's Redis must run so acknowledged jobs survive a restart) is SIGKILLed and
 * started again on the same port and data directory; the API and worker are real processes that
 * must ride it out.
 */
describe('Redis restarted under queued and running reports', () => {
  let redis: PrivateRedis;
  let ns: Namespace;
  let api: RunningApi;
  let worker: RunningWorker;

  beforeAll(async () => {
    ensureBuilt();
    redis = await PrivateRedis.start({ persistence: true });
    ns = await createNamespace({ label: 'redis', redisUrl: redis.url });
    const env = ns.env({ REDIS_TIMEOUT_MS: '500', REPORT_SWEEP_SECONDS: '1', REPORT_LOST_AFTER_SECONDS: '2', WORKER_CONCURRENCY: '2' });
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
  });

  afterAll(async () => {
    await Promise.all([worker?.process.stop('SIGKILL'), api?.process.stop('SIGKILL')]);
    await ns?.cleanup();
    await redis?.destroy();
    killAllNow();
  });

  it('loses no report, answers 503 problem+json during the outage, and recovers by itself', async () => {
    const hold = await holdInputTables(ns.database.url);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await trigger(api.url));
    // Two running (held mid-computation), four waiting in the queue.
    await waitHeldReports(ns.database.url, 2);

    const killedAt = Date.now();
    await redis.stop('SIGKILL');

    // During the outage: 503 at once (never a hang) for what needs Redis, with a problem document.
    const outage = [
      await call('POST', `${api.url}/trigger_report`),
      await call('POST', `${api.url}/reports`, {}),
      await call('GET', `${api.url}/get_report?report_id=${ids[5]}`),
    ];
    for (const answer of outage) {
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toMatch(PROBLEM);
      expect(answer.headers['retry-after']).toBeDefined();
      expect(answer.body).toMatchObject({ status: 503, title: expect.any(String), detail: expect.stringMatching(/queue/) });
      expect(answer.ms).toBeLessThan(2_500);
    }
    // The durable row still answers the REST face; readiness says no, liveness yes (no restart storm).
    expect((await call('GET', `${api.url}/reports/${ids[0]}`)).status).toBe(200);
    expect((await call('GET', `${api.url}/health/ready`)).status).toBe(503);
    expect((await call('GET', `${api.url}/health/live`)).status).toBe(200);
    await sleep(Math.max(0, 3_000 - (Date.now() - killedAt)));

    const restartedAt = Date.now();
    await redis.start();
    expect(redis.log).toMatch(/DB loaded from append only file|Reading the remaining AOF tail|Done loading RDB/);
    // The API's own connection comes back without a restart: the first trigger that answers 200.
    const recovered = await eventually(() => call('POST', `${api.url}/trigger_report`), (a) => a.status === 200, 30_000, 'a trigger answering 200 after the restart');
    const apiRecoveryMs = Date.now() - restartedAt;
    ids.push(recovered.body.report_id as string);

    await hold.release();
    const finished = await waitFinished(api.url, ids, 60_000);
    const completeMs = Date.now() - restartedAt;
    expect([...finished.values()].map((s) => s.status)).toEqual(ids.map(() => 'Complete'));

    // Every id a client received is complete; the only other rows are the triggers refused with a
    // 503 (their id was never handed out), recorded as failed with the reason.
    const rows = await reportRows(ns.database.url);
    const handedOut = new Set(ids);
    expect(rows.filter((r) => handedOut.has(r.id)).map((r) => r.status)).toEqual(ids.map(() => 'complete'));
    for (const row of rows.filter((r) => !handedOut.has(r.id))) {
      expect(row).toMatchObject({ status: 'failed', error: expect.stringMatching(/could not be queued/) });
    }
    recordMeasurement('Redis SIGKILL + restart (AOF on), 2 running + 4 queued', {
      outageMs: restartedAt - killedAt,
      apiRecoveryMs,
      allCompleteMs: completeMs,
      lost: ids.length - [...finished.values()].filter((s) => s.status === 'Complete').length,
      maxOutageAnswerMs: Math.round(Math.max(...outage.map((a) => a.ms))),
    });
  }, 150_000);

  it('marks reports whose jobs Redis lost as Failed with a reason: none stays Running', async () => {
    const hold = await holdInputTables(ns.database.url);
    const ids = [await trigger(api.url), await trigger(api.url), await trigger(api.url)];
    await waitHeldReports(ns.database.url, 2);

    // Redis comes back empty (its data directory lost, as with a pod without a volume).
    await redis.stop('SIGKILL');
    for (const entry of readdirSync(redis.dir)) rmSync(join(redis.dir, entry), { recursive: true, force: true });
    const restartedAt = Date.now();
    await redis.start();
    await hold.release();

    const rows = await eventually(
      async () => (await reportRows(ns.database.url)).filter((r) => ids.includes(r.id)),
      (list) => list.every((r) => r.status === 'complete' || r.status === 'failed'),
      30_000,
      'every report finished or failed',
    );
    const detectedMs = Date.now() - restartedAt;
    // The queued report's job is gone: failed with the lost-job reason. The two that were already
    // running may still finish (their CSV and row are written before BullMQ is told).
    const failed = rows.filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const row of failed) expect(row.error).toBe(LOST_JOB_REASON);
    for (const id of ids) {
      const status = (await call('GET', `${api.url}/get_report?report_id=${id}`)).body;
      expect(['Complete', 'Failed']).toContain(status.status);
    }
    recordMeasurement('Redis restarted with its data lost (no persistence)', {
      detectedMs,
      failedWithReason: failed.length,
      completed: rows.length - failed.length,
      runningForever: 0,
    });
  }, 90_000);
});

import { killAllNow, sleep } from '../../scripts/faults/processes';
import { createNamespace, listKeys, type Namespace } from '../../scripts/faults/namespace';
import { TcpProxy } from '../../scripts/faults/tcp-proxy';
import {
  call,
  ensureBuilt,
  eventually,
  expectCompleteAfterRetry,
  recordMeasurement,
  reportRows,
  reportStatus,
  startPatientAndImpatientApis,
  startWorker,
  trigger,
  waitFinished,
  type RunningApi,
  type RunningWorker,
} from './support/harness';

/**
 * S3 unreachable. The worker reaches the machine's S3 (Ceph RGW, shared, never stopped)
 * through a TCP proxy in this process; cutting the proxy closes the port and drops its
 * connections, so the worker sees S3 go away. The API presigns locally, so it keeps the direct
 * endpoint (the URLs it hands out must work for the test's download).
 */
describe('S3 unreachable during a report', () => {
  let proxy: TcpProxy;
  let ns: Namespace;
  let api: RunningApi;
  let apiShort: RunningApi;
  let worker: RunningWorker;

  beforeAll(async () => {
    ensureBuilt();
    ns = await createNamespace({ label: 's3' });
    proxy = await TcpProxy.start(ns.env().S3_ENDPOINT);
    const shared = { REPORT_SWEEP_SECONDS: '1', REPORT_LOST_AFTER_SECONDS: '2' };
    [[api, apiShort], worker] = await Promise.all([
      startPatientAndImpatientApis((policy) => ns.env({ ...shared, ...policy })),
      startWorker(ns.env({ ...shared, S3_ENDPOINT: proxy.url })),
    ]);
  });

  afterAll(async () => {
    await Promise.all([worker?.process.stop('SIGKILL'), api?.process.stop('SIGKILL'), apiShort?.process.stop('SIGKILL')]);
    await proxy?.close();
    await ns?.cleanup();
    killAllNow();
  });

  it('retries with backoff and completes the report, correct, once S3 is reachable again', async () => {
    await proxy.cut();
    const cutAt = Date.now();
    const id = await trigger(api.url);
    await worker.process.waitForLine(new RegExp(`${id}.*writing the CSV to S3 failed`), 15_000);
    expect((await reportStatus(api.url, id)).status).toBe('Running');
    // The worker's readiness probe reports S3 down (Kubernetes stops routing nothing, but operators see it).
    const ready = await call('GET', `${worker.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toMatch(/s3/);

    await sleep(Math.max(0, 3_000 - (Date.now() - cutAt)));
    const restoredAt = Date.now();
    await proxy.restore();
    await waitFinished(api.url, [id], 60_000);
    const recoveryMs = Date.now() - restoredAt;

    const row = await expectCompleteAfterRetry(api.url, ns.database.url, id);
    expect(proxy.connections).toBeGreaterThan(0);
    expect((await call('GET', `${worker.url}/health/ready`)).status).toBe(200);
    recordMeasurement('S3 unreachable (connection refused) for ~3 s', { outageMs: restoredAt - cutAt, recoveryMs, attempts: row.attempts, lost: 0 });
  }, 90_000);

  it('fails the report with the S3 reason once the attempts run out', async () => {
    await proxy.cut();
    const cutAt = Date.now();
    const id = await trigger(apiShort.url);
    const failed = await eventually(() => reportStatus(apiShort.url, id), (s) => s.status === 'Failed', 30_000, 'Failed');
    const failedMs = Date.now() - cutAt;
    const reason = (failed as { error: string }).error;
    expect(reason).toBe('writing the CSV to S3 failed: connection refused (ECONNREFUSED)');
    const row = await eventually(
      async () => (await reportRows(ns.database.url)).find((r) => r.id === id)!,
      (r) => r.status === 'failed',
      10_000,
      'the row marked failed',
    );
    expect(row).toMatchObject({ error: reason, attempts: 3 });
    expect((await listKeys(ns.bucket)).filter((key) => key.includes(id))).toEqual([]);
    await proxy.restore();
    recordMeasurement('S3 unreachable for good (until the attempts run out)', { failedMs, lost: 0, reason });
  }, 60_000);
});

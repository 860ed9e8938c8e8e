import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { createApiApp } from '../../apps/api/src/api-app';
import { createWorkerApp } from '../../apps/worker/src/worker-app';
import { ReportSweeperService } from '../../apps/worker/src/reports/report-sweeper.service';
import { LOST_JOB_REASON, QUEUES } from '@store-uptime/queue';
import { ensureBuilt } from '../faults/support/harness';
import { expectedReportCsv } from './support/fixture-data';
import { COMPILED_THREAD_ENTRY, createTestKey, createTestNamespace, httpGet, pollUntil, withKey, type TestNamespace } from './support/test-services';

/**
 * The service end to end: the API and the worker as Nest apps in this process, on this machine's
 * real PostgreSQL, Redis and S3 (Ceph RGW), each in a namespace of this run. The worker computes
 * in its real worker thread (the compiled dist/ entry, built first if stale), as in production.
 */

const PROBLEM = /^application\/problem\+json/;
const ID = /^[0-9a-f]{32}$/;

type Server = Parameters<typeof withKey>[0];

describe('store-uptime service (API + worker, end to end)', () => {
  // These specs are about reports, not access (test/e2e/access.e2e-spec.ts): an admin key.
  let adminKey: string;
  const keyed = (target: Parameters<typeof withKey>[0]) => withKey(target, adminKey);
  let ns: TestNamespace;
  let api: INestApplication;
  let server: Server;
  let worker: INestApplication | undefined;
  const extraApps: INestApplication[] = [];
  const envBefore = { ...process.env };

  beforeAll(async () => {
    ensureBuilt();
    ns = await createTestNamespace();
    adminKey = await createTestKey(ns.database.url, { name: 'e2e', owner: 'e2e', scopes: ['admin'] });
    api = await createApiApp({ env: ns.env(), ignoreEnvFile: true, shutdownHooks: false });
    await api.init();
    server = api.getHttpServer() as Server;
  });

  afterAll(async () => {
    for (const app of [...extraApps, worker, api]) await app?.close().catch(() => undefined);
    await ns?.cleanup();
    // ConfigModule copies validated values into process.env; leave it as we found it.
    for (const key of Object.keys(process.env)) if (!(key in envBefore)) delete process.env[key];
    Object.assign(process.env, envBefore);
  });

  const workerOptions = (overrides: Record<string, string> = {}, computeThreadEntry = COMPILED_THREAD_ENTRY) => ({
    env: ns.env(overrides),
    ignoreEnvFile: true,
    shutdownHooks: false,
    computeThreadEntry,
  });

  async function startWorker(overrides: Record<string, string> = {}): Promise<INestApplication> {
    const app = await createWorkerApp(workerOptions(overrides));
    await app.init();
    return app;
  }

  async function startApi(overrides: Record<string, string>): Promise<Server> {
    const app = await createApiApp({ env: ns.env(overrides), ignoreEnvFile: true, shutdownHooks: false });
    await app.init();
    extraApps.push(app);
    return app.getHttpServer() as Server;
  }

  const getReport = async (target: Server, id: string) => (await keyed(target).get('/get_report').query({ report_id: id })).body as Record<string, unknown>;

  describe('a report from trigger to CSV', () => {
    let reportId: string;

    it('answers a trigger at once with a new id and reports it Running while no worker runs', async () => {
      const trigger = await keyed(server).post('/trigger_report').expect(200);
      expect(trigger.body).toEqual({ report_id: expect.stringMatching(ID) });
      reportId = trigger.body.report_id as string;

      const status = await keyed(server).get('/get_report').query({ report_id: reportId }).expect(200);
      expect(status.body).toEqual({ status: 'Running', progress: 0 });
    });

    it('completes once a worker runs, and the presigned CSV is the one the spec gives for the fixture', async () => {
      worker = await startWorker();
      const seen = new Set<string>();
      const final = await pollUntil(
        () => getReport(server, reportId),
        (body) => {
          seen.add(String(body.status));
          return body.status !== 'Running';
        },
      );
      expect(final).toEqual({ status: 'Complete', url: expect.stringContaining(`/reports/${reportId}.csv`) });
      expect(seen.has('Running')).toBe(true);

      const download = await httpGet(final.url as string);
      expect(download.status).toBe(200);
      const csv = download.text;
      expect(csv).toBe(expectedReportCsv());
      expect(csv.split('\n')[0]).toBe(
        'store_id,uptime_last_hour,uptime_last_day,uptime_last_week,downtime_last_hour,downtime_last_day,downtime_last_week',
      );
      expect(csv.trim().split('\n')).toHaveLength(1 + 8);
    });

    it('answers the same through POST /get_report', async () => {
      const response = await keyed(server).post('/get_report').send({ report_id: reportId }).expect(200);
      expect(response.body).toEqual({ status: 'Complete', url: expect.any(String) });
    });

    it('records the report durably: counts, times, attempts', async () => {
      const details = await keyed(server).get(`/reports/${reportId}`).expect(200);
      expect(details.body).toMatchObject({
        id: reportId,
        status: 'complete',
        progress: 1,
        parameters: { as_of: null, method: 'hourly' },
        counts: { stores: 8, polls_after_now: 0 },
        now_used: '2023-01-25T18:13:22.479Z',
        // The fixture has a store without a zone row and one on Mars: both computed in America/Chicago.
        warnings: [
          { code: 'stores_without_zone', count: 1 },
          { code: 'invalid_zone', count: 1 },
        ],
        error: null,
        attempts: 1,
        links: { self: `/reports/${reportId}`, download: `/reports/${reportId}/download` },
      });
      expect(Date.parse(details.body.finished_at)).toBeGreaterThanOrEqual(Date.parse(details.body.started_at));
    });

    it('still answers Complete with a fresh URL after Redis dropped the job', async () => {
      const queue = api.get<Queue>(getQueueToken(QUEUES.reports));
      await queue.remove(reportId);
      expect(await queue.getJob(reportId)).toBeUndefined();

      // Another API instance (no cached URL) must answer from the reports table.
      const otherApi = await startApi({ REDIS_PREFIX: ns.prefix('other') });
      const body = await getReport(otherApi, reportId);
      expect(body.status).toBe('Complete');
      const download = await httpGet(body.url as string);
      expect(download.status).toBe(200);
      expect(download.text).toBe(expectedReportCsv());
    });

    it('refuses a presigned URL whose signature was changed', async () => {
      const body = await getReport(server, reportId);
      const url = new URL(body.url as string);
      const signature = url.searchParams.get('X-Amz-Signature')!;
      url.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
      const response = await httpGet(url);
      expect(response.status).toBe(403);
    });
  });

  describe('the REST face', () => {
    it('triggers with parameters (202 + Location), and redirects the download to the CSV of those parameters', async () => {
      const asOf = '2023-01-24T12:00:00.000Z';
      const accepted = await keyed(server).post('/reports').send({ as_of: asOf, method: 'step' }).expect(202);
      const id = accepted.body.id as string;
      expect(accepted.body).toEqual({ id: expect.stringMatching(ID), status: 'queued', links: { self: `/reports/${id}`, download: `/reports/${id}/download` } });
      expect(accepted.headers.location).toBe(`/reports/${id}`);

      const details = await pollUntil(
        async () => (await keyed(server).get(`/reports/${id}`).expect(200)).body as Record<string, unknown>,
        (body) => body.status === 'complete' || body.status === 'failed',
      );
      expect(details).toMatchObject({ status: 'complete', parameters: { as_of: asOf, method: 'step' }, now_used: asOf });

      const redirect = await keyed(server).get(`/reports/${id}/download`).expect(302);
      const location = redirect.headers.location;
      expect(location).toContain(`/reports/${id}.csv`);
      const csv = (await httpGet(location)).text;
      expect(csv).toBe(expectedReportCsv({ asOf: new Date(asOf), method: 'step' }));
    });

    it('completes a report over no polls with stores 0 and a no_polls warning, never a silent success', async () => {
      const asOf = '2020-01-01T00:00:00.000Z'; // before every poll of the fixture
      const accepted = await keyed(server).post('/reports').send({ as_of: asOf }).expect(202);
      const id = accepted.body.id as string;
      const details = await pollUntil(
        async () => (await keyed(server).get(`/reports/${id}`).expect(200)).body as Record<string, unknown>,
        (body) => body.status === 'complete' || body.status === 'failed',
      );
      expect(details).toMatchObject({ status: 'complete', counts: { stores: 0 }, now_used: asOf, warnings: [{ code: 'no_polls', count: 0 }] });
      const redirect = await keyed(server).get(`/reports/${id}/download`).expect(302);
      expect((await httpGet(redirect.headers.location)).text.trim().split('\n')).toHaveLength(1);
    });

    it('serves the OpenAPI document and the echo route', async () => {
      const docs = await keyed(server).get('/docs-json').expect(200);
      expect(Object.keys(docs.body.paths as object)).toEqual(
        expect.arrayContaining(['/trigger_report', '/get_report', '/reports', '/reports/{id}', '/reports/{id}/download']),
      );
      await keyed(server).get('/docs').expect(200);
      const echo = await keyed(server).get('/echo/hello%20there').expect(200);
      expect(echo.text).toBe('hello there');
      expect(echo.headers['content-type']).toMatch(/^text\/plain/);
    });
  });

  describe('errors are problem+json', () => {
    const unknownId = 'f'.repeat(32);

    it.each([
      ['GET /get_report with an unknown id', 404, () => keyed(server).get('/get_report').query({ report_id: unknownId })],
      ['GET /reports/:id with an unknown id', 404, () => keyed(server).get(`/reports/${unknownId}`)],
      ['GET /reports/:id/download with an unknown id', 404, () => keyed(server).get(`/reports/${unknownId}/download`)],
      ['POST /get_report with an unknown id', 404, () => keyed(server).post('/get_report').send({ report_id: unknownId })],
      ['an unknown route', 404, () => keyed(server).get('/no/such/route')],
      ['GET /get_report with a malformed id', 400, () => keyed(server).get('/get_report').query({ report_id: 'xyz' })],
      ['GET /get_report with an upper-case id', 400, () => keyed(server).get('/get_report').query({ report_id: unknownId.toUpperCase() })],
      ['GET /get_report without an id', 400, () => keyed(server).get('/get_report')],
      ['GET /get_report with the id twice', 400, () => keyed(server).get(`/get_report?report_id=${unknownId}&report_id=${unknownId}`)],
      ['POST /get_report with a number for the id', 400, () => keyed(server).post('/get_report').send({ report_id: 42 })],
      ['GET /reports/:id with a malformed id', 400, () => keyed(server).get('/reports/not-an-id')],
      ['POST /reports with an unknown method', 400, () => keyed(server).post('/reports').send({ method: 'weekly' })],
      ['POST /reports with a non-ISO as_of', 400, () => keyed(server).post('/reports').send({ as_of: 'yesterday' })],
      ['POST /reports with an as_of without a zone', 400, () => keyed(server).post('/reports').send({ as_of: '2023-01-24T12:00:00' })],
      ['POST /reports with an unknown field', 400, () => keyed(server).post('/reports').send({ asOf: '2023-01-24T12:00:00Z' })],
      ['POST /reports with a JSON array', 400, () => keyed(server).post('/reports').send([1, 2])],
      ['POST /reports with broken JSON', 400, () => keyed(server).post('/reports').set('content-type', 'application/json').send('{"method":')],
      ['POST /reports with an oversized body', 413, () => keyed(server).post('/reports').send({ method: 'x'.repeat(100_000) })],
    ])('%s → %i', async (_name, status, send) => {
      const response = await send();
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), instance: expect.stringMatching(/^\//) });
    });

    it('lists each invalid parameter', async () => {
      const response = await keyed(server).post('/reports').send({ method: 'weekly', as_of: 'soon' }).expect(400);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'method' }), expect.objectContaining({ path: 'as_of' })]),
      );
    });

    it('answers 409 for the download of a report that is not complete', async () => {
      // An API on a queue no worker consumes: the report stays queued.
      const idle = await startApi({ REDIS_PREFIX: ns.prefix('idle') });
      const { body } = await keyed(idle).post('/reports').send({}).expect(202);
      const response = await keyed(idle).get(`/reports/${body.id}/download`).expect(409);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect((await keyed(idle).get(`/reports/${body.id}`).expect(200)).body.status).toBe('queued');
    });

    it('limits triggers per client across the trigger routes (429 with Retry-After)', async () => {
      const limited = await startApi({ TRIGGER_RATE_LIMIT: '2', REDIS_PREFIX: ns.prefix('limited') });
      await keyed(limited).post('/trigger_report').expect(200);
      await keyed(limited).post('/reports').send({}).expect(202);
      const refused = await keyed(limited).get('/trigger_report').expect(429);
      expect(refused.headers['content-type']).toMatch(PROBLEM);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Status reads are not limited.
      await keyed(limited).get('/get_report').query({ report_id: 'f'.repeat(32) }).expect(404);
    });

    it('answers 503 at once, never hangs, when Redis is unreachable', async () => {
      const cut = await startApi({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_TIMEOUT_MS: '500' });
      const started = Date.now();
      const response = await keyed(cut).post('/trigger_report');
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body.detail).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
      expect(Date.now() - started).toBeLessThan(3_000);
      await keyed(cut).get('/health/ready').expect(503);
      await keyed(cut).get('/health/live').expect(200);
    });
  });

  describe('reports that can no longer finish', () => {
    async function insertOrphan(status: 'queued' | 'running'): Promise<string> {
      const id = Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
      const client = new Client({ connectionString: ns.database.url });
      await client.connect();
      await client.query(`INSERT INTO reports (id, status, method, created_at) VALUES ($1, $2, 'hourly', now() - interval '1 hour')`, [id, status]);
      await client.end();
      return id;
    }

    it('answers Failed with a reason when the job of a running report has vanished', async () => {
      const id = await insertOrphan('running');
      expect(await getReport(server, id)).toEqual({ status: 'Failed', error: LOST_JOB_REASON });
      const details = await keyed(server).get(`/reports/${id}`).expect(200);
      expect(details.body).toMatchObject({ status: 'failed', error: LOST_JOB_REASON });
    });

    it('is found by the worker sweep too', async () => {
      const id = await insertOrphan('queued');
      const swept = await worker!.get(ReportSweeperService).sweepOnce();
      expect(swept.failed).toBeGreaterThanOrEqual(1);
      const details = await keyed(server).get(`/reports/${id}`).expect(200);
      expect(details.body).toMatchObject({ status: 'failed', error: LOST_JOB_REASON });
    });

    it('ends as Failed with the S3 reason when the worker has wrong S3 credentials', async () => {
      const prefix = ns.prefix('bad-s3');
      const badApi = await startApi({ REDIS_PREFIX: prefix });
      const badWorker = await createWorkerApp(workerOptions({ REDIS_PREFIX: prefix, S3_SECRET_ACCESS_KEY: 'not-the-secret', S3_BUCKET: `${ns.bucket}-bad` }));
      await badWorker.init();
      extraApps.push(badWorker);

      const { body } = await keyed(badApi).post('/trigger_report').expect(200);
      const final = await pollUntil(() => getReport(badApi, body.report_id as string), (b) => b.status !== 'Running', 20_000);
      expect(final.status).toBe('Failed');
      expect(final.error).toMatch(/^writing the CSV to S3 failed: .*(SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId|403)/);
      const details = await keyed(badApi).get(`/reports/${body.report_id}`).expect(200);
      expect(details.body).toMatchObject({ status: 'failed', attempts: 2 });
    });
  });

  describe('operations', () => {
    it('keeps Bull Board behind basic auth', async () => {
      await keyed(server).get('/admin/queues').expect(401).expect('www-authenticate', /Basic/);
      await keyed(server).get('/admin/queues').auth('operator', 'wrong-password').expect(401);
      const ok = await keyed(server).get('/admin/queues').auth('operator', 'correct-horse-battery').expect(200);
      expect(ok.text).toContain('<!DOCTYPE html>');
      const queues = await keyed(server).get('/admin/queues/api/queues').auth('operator', 'correct-horse-battery').expect(200);
      expect(JSON.stringify(queues.body)).toContain(QUEUES.reports);
    });

    it('refuses to start a worker whose compute thread is not built, instead of computing on its main thread', async () => {
      const starting = createWorkerApp(workerOptions({ REDIS_PREFIX: ns.prefix('no-thread') }, '/no/such/dist/compute.thread.js'));
      await expect(starting).rejects.toThrow(/COMPUTE_MODE=thread needs the compiled compute thread .*npm run build/);
    });

    it('does not mount Bull Board without credentials', async () => {
      const bare = await startApi({ BULL_BOARD_USER: '', BULL_BOARD_PASSWORD: '' });
      await keyed(bare).get('/admin/queues').expect(404);
    });

    it('reports ready and exposes metrics on both apps', async () => {
      const ready = await keyed(server).get('/health/ready').expect(200);
      expect(ready.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
      const metrics = await keyed(server).get('/metrics').expect(200);
      expect(metrics.text).toContain('reports_triggered_total');
      expect(metrics.text).toContain('report_queue_jobs');

      const workerServer = worker!.getHttpServer() as Server;
      const workerReady = await keyed(workerServer).get('/health/ready').expect(200);
      expect(workerReady.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' }, s3: { status: 'up' } });
      await keyed(workerServer).get('/health/live').expect(200);
      const workerMetrics = await keyed(workerServer).get('/metrics').expect(200);
      expect(workerMetrics.text).toMatch(/report_jobs_total\{outcome="complete"\} [1-9]/);
    });

    it('sets security headers', async () => {
      const response = await keyed(server).get('/echo/x').expect(200);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBeDefined();
      expect(response.headers['x-powered-by']).toBeUndefined();
    });
  });
});

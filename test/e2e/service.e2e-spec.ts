import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import createClient from 'openapi-fetch';
import supertest from 'supertest';
import { createApiApp } from '../../apps/api/src/api-app';
import { createWorkerApp } from '../../apps/worker/src/worker-app';
import { ReportSweeperService } from '../../apps/worker/src/reports/report-sweeper.service';
import { LOST_JOB_REASON, QUEUES } from '@store-uptime/queue';
import { ensureBuilt } from '../faults/support/harness';
import type { paths } from './support/api-types';
import { contractMiddleware, contractRequest } from './support/contract-client';
import { expectedReportCsv } from './support/fixture-data';
import { OpenApiContract } from '../../scripts/openapi/openapi-contract';
import { COMPILED_THREAD_ENTRY, createTestKey, createTestNamespace, httpGet, pollUntil, type TestNamespace } from './support/test-services';

/**
 * The service end to end: the API and the worker as Nest apps in this process, on this machine's
 * real PostgreSQL, Redis and S3 (Ceph RGW), each in a namespace of this run. The worker computes
 * in its real worker thread (the compiled dist/ entry, built first if stale), as in production.
 * Every answer the specs receive is checked against the OpenAPI document the API serves
 * (support/openapi-contract.ts): status, media type, headers and body.
 */

const PROBLEM = /^application\/problem\+json/;
const ID = /^[0-9a-f]{32}$/;

type Server = Parameters<typeof supertest>[0];

let contract: OpenApiContract | undefined;
// These specs are about reports, not access (test/e2e/access.e2e-spec.ts): every request carries an admin key.
let adminKey: string | undefined;
const request = contractRequest(() => contract, () => adminKey);

describe('store-uptime service (API + worker, end to end)', () => {
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
    // Listening (supertest reuses the port), so the typed client can reach it over HTTP too.
    await api.listen(0, '127.0.0.1');
    server = api.getHttpServer() as Server;
    contract = new OpenApiContract((await supertest(server).get('/docs-json').expect(200)).body as ConstructorParameters<typeof OpenApiContract>[0]);
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

  /**
   * The same status read answered by the fast lane and by the Nest route (a form the lane leaves to
   * Express: a trailing slash, an empty query parameter), compared whole: status, body byte for
   * byte, every header but those of the connection and the moment.
   */
  async function expectLaneAnswersAsNest(target: Server, id: string): Promise<void> {
    const transient = new Set(['date', 'connection', 'keep-alive']);
    const answer = async (path: string) => {
      const response = await supertest(target).get(path).set('Authorization', `Bearer ${adminKey}`);
      const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !transient.has(name)));
      return { status: response.status, headers, text: response.text };
    };
    for (const [lane, nest] of [
      [`/reports/${id}`, `/reports/${id}/`],
      [`/get_report?report_id=${id}`, `/get_report?report_id=${id}&`],
    ]) {
      const [fromLane, fromNest] = [await answer(lane), await answer(nest)];
      expect({ path: lane, ...fromLane }).toEqual({ path: lane, ...fromNest });
    }
  }

  const getReport = async (target: Server, id: string) => (await request(target).get('/get_report').query({ report_id: id })).body as Record<string, unknown>;

  describe('a report from trigger to CSV', () => {
    let reportId: string;

    it('answers a trigger at once with a new id and reports it Running while no worker runs', async () => {
      const trigger = await request(server).post('/trigger_report').expect(200);
      expect(trigger.body).toEqual({ report_id: expect.stringMatching(ID) });
      reportId = trigger.body.report_id as string;

      const status = await request(server).get('/get_report').query({ report_id: reportId }).expect(200);
      expect(status.body).toEqual({ status: 'Running', progress: 0 });
      await expectLaneAnswersAsNest(server, reportId);
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
      const response = await request(server).post('/get_report').send({ report_id: reportId }).expect(200);
      expect(response.body).toEqual({ status: 'Complete', url: expect.any(String) });
    });

    it('records the report durably: counts, times, attempts', async () => {
      const details = await request(server).get(`/reports/${reportId}`).expect(200);
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
      await expectLaneAnswersAsNest(server, reportId);
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
      const accepted = await request(server).post('/reports').send({ as_of: asOf, method: 'step' }).expect(202);
      const id = accepted.body.id as string;
      expect(accepted.body).toEqual({ id: expect.stringMatching(ID), status: 'queued', links: { self: `/reports/${id}`, download: `/reports/${id}/download` } });
      expect(accepted.headers.location).toBe(`/reports/${id}`);

      const details = await pollUntil(
        async () => (await request(server).get(`/reports/${id}`).expect(200)).body as Record<string, unknown>,
        (body) => body.status === 'complete' || body.status === 'failed',
      );
      expect(details).toMatchObject({ status: 'complete', parameters: { as_of: asOf, method: 'step' }, now_used: asOf });

      const redirect = await request(server).get(`/reports/${id}/download`).expect(302);
      const location = redirect.headers.location;
      expect(location).toContain(`/reports/${id}.csv`);
      const csv = (await httpGet(location)).text;
      expect(csv).toBe(expectedReportCsv({ asOf: new Date(asOf), method: 'step' }));
    });

    it('completes a report over no polls with stores 0 and a no_polls warning, never a silent success', async () => {
      const asOf = '2020-01-01T00:00:00.000Z'; // before every poll of the fixture
      const accepted = await request(server).post('/reports').send({ as_of: asOf }).expect(202);
      const id = accepted.body.id as string;
      const details = await pollUntil(
        async () => (await request(server).get(`/reports/${id}`).expect(200)).body as Record<string, unknown>,
        (body) => body.status === 'complete' || body.status === 'failed',
      );
      expect(details).toMatchObject({ status: 'complete', counts: { stores: 0 }, now_used: asOf, warnings: [{ code: 'no_polls', count: 0 }] });
      const redirect = await request(server).get(`/reports/${id}/download`).expect(302);
      expect((await httpGet(redirect.headers.location)).text.trim().split('\n')).toHaveLength(1);
    });

    it('serves the OpenAPI document and the echo route', async () => {
      const docs = await request(server).get('/docs-json').expect(200);
      expect(Object.keys(docs.body.paths as object)).toEqual(
        expect.arrayContaining(['/trigger_report', '/get_report', '/reports', '/reports/{id}', '/reports/{id}/download']),
      );
      await request(server).get('/docs').expect(200);
      const echo = await request(server).get('/echo/hello%20there').expect(200);
      expect(echo.text).toBe('hello there');
      expect(echo.headers['content-type']).toMatch(/^text\/plain/);
    });
  });

  describe('the client generated from the document (openapi-typescript + openapi-fetch)', () => {
    it('triggers, polls until complete and downloads the CSV, every answer as documented', async () => {
      const address = (api.getHttpServer() as { address(): { port: number } }).address();
      const client = createClient<paths>({ baseUrl: `http://127.0.0.1:${address.port}`, headers: { authorization: `Bearer ${adminKey}` } });
      client.use(contractMiddleware(contract!));

      const asOf = '2023-01-24T18:00:00.000Z';
      const accepted = await client.POST('/reports', { body: { as_of: asOf, method: 'hourly' } });
      expect(accepted.response.status).toBe(202);
      const id = accepted.data!.id;
      expect(accepted.response.headers.get('location')).toBe(`/reports/${id}`);

      const details = await pollUntil(
        async () => (await client.GET('/reports/{id}', { params: { path: { id } } })).data!,
        (body) => body.status === 'complete' || body.status === 'failed',
      );
      expect(details).toMatchObject({ id, status: 'complete', parameters: { as_of: asOf, method: 'hourly' }, now_used: asOf });

      // The 302 is declared with its Location: a client that does not follow it reads the link.
      const redirect = await client.GET('/reports/{id}/download', { params: { path: { id } }, redirect: 'manual', parseAs: 'text' });
      expect(redirect.response.status).toBe(302);
      const location = redirect.response.headers.get('location')!;
      const csv = (await httpGet(location)).text;
      expect(csv).toBe(expectedReportCsv({ asOf: new Date(asOf), method: 'hourly' }));

      // The original routes through the same client.
      const compat = await client.GET('/get_report', { params: { query: { report_id: id } } });
      expect(compat.data).toEqual({ status: 'Complete', url: expect.stringContaining(`/reports/${id}.csv`) });
    });
  });

  describe('strict inputs', () => {
    const id = 'f'.repeat(32);

    it.each([
      ['GET /get_report (the status fast lane form)', () => request(server).get(`/get_report?report_id=${id}&verbose=1`), ['verbose']],
      ['GET /reports/:id', () => request(server).get(`/reports/${id}?fields=all&x=1`), ['fields', 'x']],
      ['POST /reports', () => request(server).post('/reports?method=step').send({}), ['method']],
      ['GET /health/live', () => request(server).get('/health/live?probe=1'), ['probe']],
    ])('refuses unknown query parameters, listing them: %s', async (_name, send, unknown) => {
      const response = await send();
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.errors).toEqual(unknown.map((name) => ({ path: name, message: 'unknown query parameter' })));
    });

    it.each([
      ['POST /reports with text', () => request(server).post('/reports').set('content-type', 'text/plain').send('{"method":"step"}')],
      ['POST /reports with a form', () => request(server).post('/reports').type('form').send({ method: 'step' })],
      ['POST /get_report with text', () => request(server).post('/get_report').set('content-type', 'text/plain').send(`{"report_id":"${id}"}`)],
      ['POST /trigger_report with a form', () => request(server).post('/trigger_report').type('form').send({ x: '1' })],
    ])('answers 415 for a body that is not JSON: %s', async (_name, send) => {
      const response = await send();
      expect(response.status).toBe(415);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.detail).toMatch(/must be application\/json/);
    });

    it('still takes a POST without a body', async () => {
      await request(server).post('/trigger_report').expect(200);
      await request(server).post('/reports').expect(202);
    });
  });

  describe('errors are problem+json', () => {
    const unknownId = 'f'.repeat(32);

    it.each([
      ['GET /get_report with an unknown id', 404, () => request(server).get('/get_report').query({ report_id: unknownId })],
      ['GET /reports/:id with an unknown id', 404, () => request(server).get(`/reports/${unknownId}`)],
      ['GET /reports/:id/download with an unknown id', 404, () => request(server).get(`/reports/${unknownId}/download`)],
      ['POST /get_report with an unknown id', 404, () => request(server).post('/get_report').send({ report_id: unknownId })],
      ['an unknown route', 404, () => request(server).get('/no/such/route')],
      ['GET /get_report with a malformed id', 400, () => request(server).get('/get_report').query({ report_id: 'xyz' })],
      ['GET /get_report with an upper-case id', 400, () => request(server).get('/get_report').query({ report_id: unknownId.toUpperCase() })],
      ['GET /get_report without an id', 400, () => request(server).get('/get_report')],
      ['GET /get_report with the id twice', 400, () => request(server).get(`/get_report?report_id=${unknownId}&report_id=${unknownId}`)],
      ['POST /get_report with a number for the id', 400, () => request(server).post('/get_report').send({ report_id: 42 })],
      ['GET /reports/:id with a malformed id', 400, () => request(server).get('/reports/not-an-id')],
      ['POST /reports with an unknown method', 400, () => request(server).post('/reports').send({ method: 'weekly' })],
      ['POST /reports with a non-ISO as_of', 400, () => request(server).post('/reports').send({ as_of: 'yesterday' })],
      ['POST /reports with an as_of without a zone', 400, () => request(server).post('/reports').send({ as_of: '2023-01-24T12:00:00' })],
      ['POST /reports with an unknown field', 400, () => request(server).post('/reports').send({ asOf: '2023-01-24T12:00:00Z' })],
      ['POST /reports with a JSON array', 400, () => request(server).post('/reports').send([1, 2])],
      ['POST /reports with broken JSON', 400, () => request(server).post('/reports').set('content-type', 'application/json').send('{"method":')],
      ['POST /reports with an oversized body', 413, () => request(server).post('/reports').send({ method: 'x'.repeat(100_000) })],
    ])('%s → %i', async (_name, status, send) => {
      const response = await send();
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), instance: expect.stringMatching(/^\//) });
    });

    it('lists each invalid parameter', async () => {
      const response = await request(server).post('/reports').send({ method: 'weekly', as_of: 'soon' }).expect(400);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'method' }), expect.objectContaining({ path: 'as_of' })]),
      );
    });

    it('answers 409 for the download of a report that is not complete', async () => {
      // An API on a queue no worker consumes: the report stays queued.
      const idle = await startApi({ REDIS_PREFIX: ns.prefix('idle') });
      const { body } = await request(idle).post('/reports').send({}).expect(202);
      const response = await request(idle).get(`/reports/${body.id}/download`).expect(409);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect((await request(idle).get(`/reports/${body.id}`).expect(200)).body.status).toBe('queued');
    });

    it('limits triggers per client across the trigger routes (429 with Retry-After)', async () => {
      const limited = await startApi({ TRIGGER_RATE_LIMIT: '2', REDIS_PREFIX: ns.prefix('limited') });
      await request(limited).post('/trigger_report').expect(200);
      await request(limited).post('/reports').send({}).expect(202);
      const refused = await request(limited).get('/trigger_report').expect(429);
      expect(refused.headers['content-type']).toMatch(PROBLEM);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Status reads are not limited.
      await request(limited).get('/get_report').query({ report_id: 'f'.repeat(32) }).expect(404);
    });

    it('answers 503 at once, never hangs, when Redis is unreachable', async () => {
      const cut = await startApi({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_TIMEOUT_MS: '500' });
      const started = Date.now();
      const response = await request(cut).post('/trigger_report');
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body.detail).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
      expect(Date.now() - started).toBeLessThan(3_000);
      await request(cut).get('/health/ready').expect(503);
      await request(cut).get('/health/live').expect(200);
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
      const details = await request(server).get(`/reports/${id}`).expect(200);
      expect(details.body).toMatchObject({ status: 'failed', error: LOST_JOB_REASON });
    });

    it('is found by the worker sweep too', async () => {
      const id = await insertOrphan('queued');
      const swept = await worker!.get(ReportSweeperService).sweepOnce();
      expect(swept.failed).toBeGreaterThanOrEqual(1);
      const details = await request(server).get(`/reports/${id}`).expect(200);
      expect(details.body).toMatchObject({ status: 'failed', error: LOST_JOB_REASON });
    });

    it('ends as Failed with the S3 reason when the worker has wrong S3 credentials', async () => {
      const prefix = ns.prefix('bad-s3');
      const badApi = await startApi({ REDIS_PREFIX: prefix });
      const badWorker = await createWorkerApp(workerOptions({ REDIS_PREFIX: prefix, S3_SECRET_ACCESS_KEY: 'not-the-secret', S3_BUCKET: `${ns.bucket}-bad` }));
      await badWorker.init();
      extraApps.push(badWorker);

      const { body } = await request(badApi).post('/trigger_report').expect(200);
      const final = await pollUntil(() => getReport(badApi, body.report_id as string), (b) => b.status !== 'Running', 20_000);
      expect(final.status).toBe('Failed');
      expect(final.error).toMatch(/^writing the CSV to S3 failed: .*(SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId|403)/);
      const details = await request(badApi).get(`/reports/${body.report_id}`).expect(200);
      expect(details.body).toMatchObject({ status: 'failed', attempts: 2 });
    });
  });

  describe('operations', () => {
    it('keeps Bull Board behind basic auth', async () => {
      await request(server).get('/admin/queues').expect(401).expect('www-authenticate', /Basic/);
      await request(server).get('/admin/queues').auth('operator', 'wrong-password').expect(401);
      const ok = await request(server).get('/admin/queues').auth('operator', 'correct-horse-battery').expect(200);
      expect(ok.text).toContain('<!DOCTYPE html>');
      const queues = await request(server).get('/admin/queues/api/queues').auth('operator', 'correct-horse-battery').expect(200);
      expect(JSON.stringify(queues.body)).toContain(QUEUES.reports);
    });

    it('refuses to start a worker whose compute thread is not built, instead of computing on its main thread', async () => {
      const starting = createWorkerApp(workerOptions({ REDIS_PREFIX: ns.prefix('no-thread') }, '/no/such/dist/compute.thread.js'));
      await expect(starting).rejects.toThrow(/COMPUTE_MODE=thread needs the compiled compute thread .*npm run build/);
    });

    it('does not mount Bull Board without credentials', async () => {
      const bare = await startApi({ BULL_BOARD_USER: '', BULL_BOARD_PASSWORD: '' });
      await request(bare).get('/admin/queues').expect(404);
    });

    it('reports ready and exposes metrics on both apps', async () => {
      const ready = await request(server).get('/health/ready').expect(200);
      expect(ready.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
      const metrics = await request(server).get('/metrics').expect(200);
      expect(metrics.text).toContain('reports_triggered_total');
      expect(metrics.text).toContain('report_queue_jobs');

      const workerServer = worker!.getHttpServer() as Server;
      const workerReady = await request(workerServer).get('/health/ready').expect(200);
      expect(workerReady.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' }, s3: { status: 'up' } });
      await request(workerServer).get('/health/live').expect(200);
      const workerMetrics = await request(workerServer).get('/metrics').expect(200);
      expect(workerMetrics.text).toMatch(/report_jobs_total\{outcome="complete"\} [1-9]/);
    });

    it('counts status polls of every form in /metrics, by route pattern and status', async () => {
      const unknown = 'e'.repeat(32);
      await request(server).get(`/reports/${unknown}`).expect(404);
      await request(server).get(`/get_report?report_id=${unknown}`).expect(404);
      await request(server).post('/get_report').send({ report_id: unknown }).expect(404);
      const metrics = (await request(server).get('/metrics').expect(200)).text;
      const count = (method: string, route: string) =>
        Number(new RegExp(`^http_request_duration_seconds_count\\{method="${method}",route="${route}",status="404"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
      expect(count('GET', '/reports/:id')).toBeGreaterThanOrEqual(1);
      expect(count('GET', '/get_report')).toBeGreaterThanOrEqual(1);
      expect(count('POST', '/get_report')).toBeGreaterThanOrEqual(1);
      // Never by id: a label per report would grow without bound.
      expect(metrics).not.toContain(unknown);
    });

    it('sets security headers', async () => {
      const response = await request(server).get('/echo/x').expect(200);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBeDefined();
      expect(response.headers['x-powered-by']).toBeUndefined();
    });
  });
});

import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import type supertest from 'supertest';
import type { OpenApiContract } from '../../scripts/openapi/openapi-contract';
import { createApiApp } from '../../apps/api/src/api-app';
import { createWorkerApp } from '../../apps/worker/src/worker-app';
import { ReportPipelineService } from '../../apps/worker/src/reports/report-pipeline.service';
import { ReportSweeperService } from '../../apps/worker/src/reports/report-sweeper.service';
import { REPORT_STORAGE } from '../../apps/worker/src/tokens';
import { QUEUES, REPORT_CANCELLED_REASON } from '@store-uptime/queue';
import type { ReportStorage } from '@store-uptime/storage';
import { ensureBuilt } from '../faults/support/harness';
import { expectedReportCsv } from './support/fixture-data';
import { contractRequest, loadContract } from './support/contract-client';
import { COMPILED_THREAD_ENTRY, createTestKey, createTestNamespace, httpGet, pollUntil, type TestNamespace } from './support/test-services';

/**
 * The report lifecycle end to end, on the real services (as service.e2e-spec.ts): cancel, races
 * between a cancel, a second worker and the sweep and the report's own completion, idempotency
 * keys, the listing and retention. After every race the row, the BullMQ job and S3 must agree.
 *
 * RACE_RUNS repeats each race (default 3, a few seconds in CI); `RACE_RUNS=50` is the proof run.
 */

const RACE_RUNS = Number(process.env.RACE_RUNS ?? 3);
const PROBLEM = /^application\/problem\+json/;

type Server = Parameters<typeof supertest>[0];

// Every answer is checked against the OpenAPI document the API serves (support/contract-client.ts).
let contract: OpenApiContract | undefined;
// These specs are about reports, not access (test/e2e/access.e2e-spec.ts): every request carries an admin key.
let adminKey: string | undefined;
const request = contractRequest(() => contract, () => adminKey);

describe('report lifecycle (API + workers, end to end)', () => {
  let ns: TestNamespace;
  let api: INestApplication;
  let server: Server;
  let worker: INestApplication;
  let queue: Queue;
  let storage: ReportStorage;
  let db: Client;
  const apps: INestApplication[] = [];
  const envBefore = { ...process.env };

  const workerApp = async (overrides: Record<string, string> = {}) => {
    const app = await createWorkerApp({ env: ns.env(overrides), ignoreEnvFile: true, shutdownHooks: false, computeThreadEntry: COMPILED_THREAD_ENTRY });
    await app.init();
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    ensureBuilt();
    ns = await createTestNamespace();
    adminKey = await createTestKey(ns.database.url, { name: 'e2e', owner: 'e2e', scopes: ['admin'] });
    api = await createApiApp({ env: ns.env({ TRIGGER_RATE_LIMIT: '0' }), ignoreEnvFile: true, shutdownHooks: false });
    await api.init();
    apps.push(api);
    server = api.getHttpServer() as Server;
    contract = await loadContract(server);
    worker = await workerApp();
    queue = api.get<Queue>(getQueueToken(QUEUES.reports));
    storage = worker.get<ReportStorage>(REPORT_STORAGE);
    await storage.ensureBucket();
    db = new Client({ connectionString: ns.database.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await ns?.cleanup();
    for (const key of Object.keys(process.env)) if (!(key in envBefore)) delete process.env[key];
    Object.assign(process.env, envBefore);
  });

  const trigger = async () => (await request(server).post('/reports').send({}).expect(202)).body.id as string;
  const details = async (id: string) => (await request(server).get(`/reports/${id}`).expect(200)).body as Record<string, unknown>;
  const row = async (id: string) => (await db.query<{ status: string; s3_key: string | null }>(`SELECT status, s3_key FROM reports WHERE id = $1`, [id])).rows[0];
  const rowsOf = async (id: string) => (await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM report_rows WHERE report_id = $1`, [id])).rows[0].count;

  /** The job once BullMQ is done with it (null: removed from the queue). */
  async function settledJob(id: string, timeoutMs = 20_000) {
    const job = await pollUntil(
      () => queue.getJob(id),
      (j) => !j || j.finishedOn !== undefined,
      timeoutMs,
      20,
    );
    if (job && job.finishedOn === undefined) throw new Error(`job ${id} still unfinished after ${timeoutMs} ms`);
    return job ?? null;
  }

  /** Row, job and S3 tell the same story: complete with its CSV, or cancelled without a trace. */
  async function expectAgreement(id: string, expected?: 'complete' | 'cancelled') {
    const job = await settledJob(id);
    const { status } = (await row(id));
    if (expected) expect(status).toBe(expected);
    const key = `reports/${id}.csv`;
    if (status === 'complete') {
      expect(job?.returnvalue).toMatchObject({ s3Key: key });
      expect((await httpGet((await request(server).get(`/reports/${id}/download`).expect(302)).headers.location)).text).toBe(expectedReportCsv());
      expect(await rowsOf(id)).toBe(expectedReportCsv().trim().split('\n').length - 1);
    } else {
      expect(status).toBe('cancelled');
      // Removed while queued, or failed for good with the cancel reason.
      if (job) expect(job.failedReason).toBe(REPORT_CANCELLED_REASON);
      expect(await storage.exists(key)).toBe(false);
      expect(await storage.openUploads(key)).toBe(0);
      // Rows written before the cancel landed go with the CSV.
      expect(await rowsOf(id)).toBe(0);
      expect((await request(server).get('/get_report').query({ report_id: id }).expect(200)).body).toEqual({ status: 'Cancelled' });
    }
    return status;
  }

  describe('cancel', () => {
    it('stops a running report: its thread is stopped mid-read, no CSV is left, Cancelled everywhere', async () => {
      // The window read waits on this lock, so the report is certainly running when cancelled.
      const lock = new Client({ connectionString: ns.database.url });
      await lock.connect();
      try {
        await lock.query('BEGIN');
        await lock.query('LOCK TABLE store_status IN ACCESS EXCLUSIVE MODE');
        const id = await trigger();
        await pollUntil(() => details(id), (d) => d.status === 'running', 10_000, 20);
        const cancel = await request(server).post(`/reports/${id}/cancel`).expect(202);
        expect(cancel.body).toMatchObject({ id, status: 'cancelled' });
        // The job ends while its window read is still blocked: the thread was stopped, not finished.
        // (How fast is measured by npm run smoke:lifecycle, not here.)
        const job = await settledJob(id, 10_000);
        expect(job?.failedReason).toBe(REPORT_CANCELLED_REASON);
        await lock.query('ROLLBACK');
        await expectAgreement(id, 'cancelled');
        expect(await details(id)).toMatchObject({ status: 'cancelled', error: null });
      } finally {
        await lock.end();
      }
    });

    it('removes a queued report from the queue, answers 202 again, and refuses a finished one with 409', async () => {
      const idleApi = await createApiApp({ env: ns.env({ REDIS_PREFIX: ns.prefix('idle') }), ignoreEnvFile: true, shutdownHooks: false });
      await idleApi.init();
      apps.push(idleApi);
      const idle = idleApi.getHttpServer() as Server;
      const id = (await request(idle).post('/trigger_report').expect(200)).body.report_id as string;
      await request(idle).post(`/reports/${id}/cancel`).expect(202);
      expect(await idleApi.get<Queue>(getQueueToken(QUEUES.reports)).getJob(id)).toBeUndefined();
      await request(idle).post(`/reports/${id}/cancel`).expect(202);
      expect((await request(idle).get('/get_report').query({ report_id: id }).expect(200)).body).toEqual({ status: 'Cancelled' });
      const download = await request(idle).get(`/reports/${id}/download`).expect(409);
      expect(download.body).toMatchObject({ type: 'urn:store-uptime:problem:report-cancelled' });

      const done = await trigger();
      await expectAgreement(done, 'complete');
      const refused = await request(server).post(`/reports/${done}/cancel`).expect(409);
      expect(refused.headers['content-type']).toMatch(PROBLEM);
      expect(refused.body).toMatchObject({ type: 'urn:store-uptime:problem:report-finished', status: 409, detail: expect.stringContaining('complete') });
      await request(server).post(`/reports/${'0'.repeat(32)}/cancel`).expect(404);
      await request(server).post('/reports/nope/cancel').expect(400);
    });
  });

  describe('races (row, job and S3 agree at the end, every time)', () => {
    it(`cancel against complete, ${RACE_RUNS} times at random moments`, async () => {
      const seen = new Set<string>();
      for (let run = 0; run < RACE_RUNS; run++) {
        const id = await trigger();
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 400));
        const cancel = await request(server).post(`/reports/${id}/cancel`);
        expect([202, 409]).toContain(cancel.status);
        const status = await expectAgreement(id, cancel.status === 202 ? 'cancelled' : 'complete');
        seen.add(status);
      }
      expect(seen.size).toBeGreaterThan(0);
    });

    it(`two workers completing one report, ${RACE_RUNS} times`, async () => {
      const second = await workerApp({ REDIS_PREFIX: ns.prefix('second') });
      const pipeline = second.get(ReportPipelineService);
      for (let run = 0; run < RACE_RUNS; run++) {
        const id = await trigger();
        // The second worker runs the same report as if it had taken the job over after a stall.
        const result = await pipeline.run({ data: { reportId: id, asOf: null, method: 'hourly' }, attempt: 2, updateProgress: async () => undefined });
        expect(result.s3Key).toBe(`reports/${id}.csv`);
        await expectAgreement(id, 'complete');
      }
    });

    it(`the sweep against a live worker, ${RACE_RUNS} times`, async () => {
      const sweeper = worker.get(ReportSweeperService);
      for (let run = 0; run < RACE_RUNS; run++) {
        const id = await trigger();
        // Old enough for the lost-job rule: only the live job protects it.
        await db.query(`UPDATE reports SET created_at = now() - interval '1 hour' WHERE id = $1`, [id]);
        let swept = 0;
        for (;;) {
          swept += (await sweeper.sweepOnce()).failed;
          const job = await queue.getJob(id);
          if (!job || job.finishedOn !== undefined) break;
        }
        expect(swept).toBe(0);
        await expectAgreement(id, 'complete');
      }
    });
  });

  describe('idempotency keys', () => {
    it('returns the first answer for a replay, refuses other parameters, and holds for simultaneous requests', async () => {
      const key = `lifecycle-${Date.now()}`;
      const first = await request(server).post('/reports').set('Idempotency-Key', key).send({ method: 'step' }).expect(202);
      const replay = await request(server).post('/reports').set('Idempotency-Key', key).send({ method: 'step' }).expect(200);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers.location).toBe(first.headers.location);
      const other = await request(server).post('/reports').set('Idempotency-Key', key).send({ method: 'hourly' }).expect(409);
      expect(other.body).toMatchObject({ type: 'urn:store-uptime:problem:idempotency-key-reused', status: 409 });

      const legacyKey = `${key}-legacy`;
      const bodies = await Promise.all(Array.from({ length: 8 }, () => request(server).post('/trigger_report').set('Idempotency-Key', legacyKey).expect(200)));
      expect(new Set(bodies.map((b) => b.body.report_id)).size).toBe(1);
      expect(bodies.filter((b) => b.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    });

    it.each([
      ['empty', ''],
      ['with a space', 'two words'],
      ['longer than 255', 'k'.repeat(256)],
      ['non-ASCII', 'clé'],
    ])('refuses a key %s with 400', async (_label, key) => {
      const response = await request(server).post('/reports').set('Idempotency-Key', key).send({}).expect(400);
      expect(response.body.errors).toEqual([{ path: 'Idempotency-Key', message: expect.stringContaining('visible ASCII') }]);
    });
  });

  describe('listing', () => {
    it('pages newest first through every report with a next link, and filters', async () => {
      const all: string[] = [];
      let next: string | null = '/reports?limit=3';
      while (next) {
        const page: { body: { items: { id: string; created_at: string }[]; next: string | null } } = await request(server).get(next).expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        all.push(...page.body.items.map((r) => r.id));
        next = page.body.next;
      }
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM reports ORDER BY created_at DESC, id DESC`);
      expect(all).toEqual(rows.map((r) => r.id));

      const cancelled = await request(server).get('/reports').query({ status: 'cancelled', method: 'hourly', limit: 100 }).expect(200);
      expect(cancelled.body.items.length).toBeGreaterThan(0);
      for (const item of cancelled.body.items) expect(item).toMatchObject({ status: 'cancelled', parameters: { method: 'hourly' } });
      const none = await request(server).get('/reports').query({ created_after: '2100-01-01T00:00:00Z' }).expect(200);
      expect(none.body).toEqual({ items: [], next: null });
    });

    it('answers 400 listing each bad field', async () => {
      const response = await request(server)
        .get('/reports')
        .query({ status: 'done', method: 'weekly', limit: '0', created_after: 'yesterday', cursor: 'xyz', colour: 'red' })
        .expect(400);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      const paths = (response.body.errors as { path: string }[]).map((e) => e.path).sort();
      expect(paths).toEqual(['colour', 'created_after', 'cursor', 'limit', 'method', 'status']);
    });
  });

  describe('the OpenAPI document', () => {
    type Operation = { summary?: string; description?: string; parameters?: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, { example?: unknown; examples?: unknown }> }> };

    it.each([
      ['post', '/reports', ['200', '202', '400', '401', '403', '409', '413', '415', '429', '500', '503']],
      ['get', '/reports', ['200', '400', '401', '403', '500', '503']],
      ['post', '/reports/{id}/cancel', ['202', '400', '401', '403', '404', '409', '413', '415', '500', '503']],
      ['get', '/reports/{id}/download', ['200', '302', '400', '401', '403', '404', '409', '410', '500', '503']],
      ['get', '/reports/{id}/stores', ['200', '400', '401', '403', '404', '409', '410', '500', '503']],
      ['get', '/get_report', ['200', '400', '401', '403', '404', '410', '500', '503']],
      ['post', '/trigger_report', ['200', '400', '401', '403', '409', '413', '415', '429', '500', '503']],
    ])('documents %s %s with a summary, a description and an example of every answer', async (method, path, statuses) => {
      const document = (await request(server).get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, Operation>> };
      const operation = document.paths[path]?.[method];
      expect(operation?.summary).toBeTruthy();
      expect(operation?.description).toBeTruthy();
      expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(statuses);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === '302') continue;
        const [type, content] = Object.entries(response.content ?? {})[0] ?? [];
        // The download's 200 is its JSON Lines form.
        const answers = Number(status) >= 400 ? 'application/problem+json' : path === '/reports/{id}/download' ? 'application/x-ndjson' : 'application/json';
        expect([status, type]).toEqual([status, answers]);
        expect([status, content?.example ?? content?.examples]).toEqual([status, expect.anything()]);
      }
      if (method === 'post' && path !== '/reports/{id}/cancel') {
        expect(operation?.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
      }
    });
  });

  describe('retention', () => {
    it('expires a complete report past REPORT_RETENTION_DAYS: CSV deleted, 410 on download and legacy status', async () => {
      const id = await trigger();
      await expectAgreement(id, 'complete');
      await db.query(`UPDATE reports SET created_at = now() - interval '31 days' WHERE id = $1`, [id]);
      // Redis keeps finished jobs one day; a 31-day-old report has none left.
      await queue.remove(id);
      const { expired } = await worker.get(ReportSweeperService).sweepOnce();
      expect(expired).toBeGreaterThanOrEqual(1);
      expect(await storage.exists(`reports/${id}.csv`)).toBe(false);
      expect(await rowsOf(id)).toBe(0);
      // An API reuses a finished report's details for up to 60 s, never past the report's retention
      // age; the UPDATE above fakes that age instead of waiting 30 days, which the API that read the
      // report when it was new cannot see. An API started now reads the row, as any would by then.
      const later = await createApiApp({ env: ns.env({ TRIGGER_RATE_LIMIT: '0' }), ignoreEnvFile: true, shutdownHooks: false });
      await later.init();
      apps.push(later);
      const laterServer = later.getHttpServer() as Server;
      expect((await request(laterServer).get(`/reports/${id}`).expect(200)).body).toMatchObject({ status: 'expired' });
      for (const path of [`/reports/${id}/download`, `/get_report?report_id=${id}`]) {
        const gone = await request(laterServer).get(path).expect(410);
        expect(gone.headers['content-type']).toMatch(PROBLEM);
        expect(gone.body).toMatchObject({ type: 'urn:store-uptime:problem:report-expired', status: 410 });
      }
      await request(laterServer).post(`/reports/${id}/cancel`).expect(409);
    });
  });
});

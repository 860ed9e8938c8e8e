import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import type supertest from 'supertest';
import type { OpenApiContract } from '../../scripts/openapi/openapi-contract';
import { createApiApp } from '../../apps/api/src/api-app';
import { createWorkerApp } from '../../apps/worker/src/worker-app';
import { ensureBuilt } from '../faults/support/harness';
import { standardWebhookProblem, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { contractRequest, loadContract } from './support/contract-client';
import { COMPILED_THREAD_ENTRY, createTestKey, createTestNamespace, pollUntil, type TestNamespace } from './support/test-services';

type Server = Parameters<typeof supertest>[0];
type Body = Record<string, unknown>;

/** Nine attempts about 0.4 s apart: the whole schedule in a few seconds. */
const SHORT_SCHEDULE = Array.from({ length: 8 }, () => '0.4').join(',');
const ATTEMPTS = 9;

let contract: OpenApiContract | undefined;
let adminKey: string | undefined;
// Every answer is checked against the served OpenAPI document; the admin key unless a test sets another.
const request = contractRequest(() => contract, () => adminKey);

/**
 * Signed webhooks end to end on the real services: the API registers endpoints and callbacks,
 * the worker delivers through its own queue to a real HTTP receiver on 127.0.0.1, and every
 * signature is checked by a verifier written from the Standard Webhooks spec with node:crypto
 * (test/support/webhook-receiver.ts), not by the package the service signs with.
 */
describe('webhooks (API + worker, end to end)', () => {
  let ns: TestNamespace;
  let server: Server;
  let strictServer: Server;
  let db: Client;
  const apps: INestApplication[] = [];
  const receivers: WebhookReceiver[] = [];
  const envBefore = { ...process.env };

  beforeAll(async () => {
    ensureBuilt();
    ns = await createTestNamespace();
    adminKey = await createTestKey(ns.database.url, { name: 'e2e', owner: 'ops', scopes: ['admin'] });
    const api = await createApiApp({ env: ns.env({ TRIGGER_RATE_LIMIT: '0', WEBHOOK_ALLOW_PRIVATE: 'true' }), ignoreEnvFile: true, shutdownHooks: false });
    await api.init();
    apps.push(api);
    server = api.getHttpServer() as Server;
    contract = await loadContract(server);
    // The same service with the default address rule: 127.0.0.1 is refused.
    const strict = await createApiApp({ env: ns.env({ TRIGGER_RATE_LIMIT: '0', WEBHOOK_ALLOW_PRIVATE: 'false' }), ignoreEnvFile: true, shutdownHooks: false });
    await strict.init();
    apps.push(strict);
    strictServer = strict.getHttpServer() as Server;
    const worker = await createWorkerApp({
      env: ns.env({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_SECONDS: SHORT_SCHEDULE, WEBHOOK_TIMEOUT_MS: '2000' }),
      ignoreEnvFile: true,
      shutdownHooks: false,
      computeThreadEntry: COMPILED_THREAD_ENTRY,
    });
    await worker.init();
    apps.push(worker);
    db = new Client({ connectionString: ns.database.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    for (const receiver of receivers) await receiver.close().catch(() => undefined);
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await ns?.cleanup();
    for (const key of Object.keys(process.env)) if (!(key in envBefore)) delete process.env[key];
    Object.assign(process.env, envBefore);
  });

  let owners = 0;
  /** A key of a new owner: endpoints hear about their own owner's reports only, so each test has its own. */
  const ownerKey = async (scopes: ('reports:read' | 'reports:write')[] = ['reports:read', 'reports:write']) =>
    createTestKey(ns.database.url, { name: 'e2e', owner: `owner-${++owners}-${Date.now()}`, scopes });
  const receiver = async (port = 0) => {
    const started = await startWebhookReceiver(port);
    receivers.push(started);
    return started;
  };
  const auth = (key: string) => `Bearer ${key}`;
  const register = async (key: string, url: string, events = ['report.completed', 'report.failed', 'report.cancelled']) =>
    (await request(server).post('/webhooks').set('Authorization', auth(key)).send({ url, events }).expect(201)).body as Body & { id: string; secret: string };
  const trigger = async (key: string, body: Body = {}) => (await request(server).post('/reports').set('Authorization', auth(key)).send(body).expect(202)).body as Body & { id: string };
  const details = async (key: string, id: string) => (await request(server).get(`/reports/${id}`).set('Authorization', auth(key)).expect(200)).body as Body;
  const deliveries = async (key: string, endpointId: string) =>
    ((await request(server).get(`/webhooks/${endpointId}/deliveries`).set('Authorization', auth(key)).expect(200)).body as { items: Body[] }).items;
  const untilComplete = (key: string, id: string) => pollUntil(() => details(key, id), (d) => d.status === 'complete', 30_000, 20);

  it("registers an endpoint, shows its secret once, and hides it from another owner (404), not from admin", async () => {
    const acme = await ownerKey();
    const globex = await ownerKey();
    const created = await register(acme, 'https://hooks.example.com/acme', ['report.completed']);
    expect(created).toMatchObject({ url: 'https://hooks.example.com/acme', events: ['report.completed'], links: { deliveries: `/webhooks/${created.id}/deliveries` } });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const listed = (await request(server).get('/webhooks').set('Authorization', auth(acme)).expect(200)).body as { items: Body[] };
    expect(listed.items.map((item) => item.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(((await request(server).get('/webhooks').set('Authorization', auth(globex)).expect(200)).body as { items: Body[] }).items).toEqual([]);
    expect(((await request(server).get('/webhooks').expect(200)).body as { items: Body[] }).items.map((item) => item.id)).toContain(created.id);

    await request(server).delete(`/webhooks/${created.id}`).set('Authorization', auth(globex)).expect(404);
    await request(server).get(`/webhooks/${created.id}/deliveries`).set('Authorization', auth(globex)).expect(404);
    await request(server).get('/webhooks/not-an-id/deliveries').set('Authorization', auth(acme)).expect(400);
    await request(server).post('/webhooks').set('Authorization', auth(await ownerKey(['reports:read']))).send({ url: 'https://hooks.example.com/', events: ['report.failed'] }).expect(403);
    for (const body of [{ url: 'ftp://hooks.example.com/', events: ['report.completed'] }, { url: 'https://hooks.example.com/', events: ['report.started'] }, { url: 'https://hooks.example.com/', events: [] }, { url: 'https://hooks.example.com/' }]) {
      await request(server).post('/webhooks').set('Authorization', auth(acme)).send(body).expect(400);
    }
    await request(server).delete(`/webhooks/${created.id}`).set('Authorization', auth(acme)).expect(204);
    await request(server).get(`/webhooks/${created.id}/deliveries`).set('Authorization', auth(acme)).expect(404);
  });

  it('delivers report.completed within 2 s of Complete, signed, with the report exactly as GET /reports/{id} shows it', async () => {
    const key = await ownerKey();
    const hook = await receiver();
    const endpoint = await register(key, hook.url);
    const { id } = await trigger(key);
    const [delivery] = await hook.waitFor(1);
    const report = await untilComplete(key, id);
    // The report's finished_at is PostgreSQL's clock, on this machine like the receiver's.
    const afterComplete = delivery.receivedAt - Date.parse(report.finished_at as string);
    expect(afterComplete).toBeLessThan(2_000);
    expect(standardWebhookProblem(endpoint.secret, delivery.headers, delivery.body)).toBeNull();
    const payload = JSON.parse(delivery.body) as Body;
    expect(payload).toEqual({ type: 'report.completed', timestamp: expect.any(String) as string, data: report });
    expect(delivery.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    const attempts = await pollUntil(() => deliveries(key, endpoint.id), (items) => items.length === 1, 5_000, 50);
    expect(attempts).toEqual([
      expect.objectContaining({ webhook_id: delivery.headers['webhook-id'], event: 'report.completed', report_id: id, attempt: 1, status_code: 200, response_excerpt: 'ok', error: null, outcome: 'delivered', delivery_status: 'delivered' }),
    ]);
  });

  it("signs a report's callback_url with the callback_secret of its trigger answer (shown again only to an Idempotency-Key replay)", async () => {
    const key = await ownerKey();
    const hook = await receiver();
    const body = { callback_url: hook.url };
    const idempotencyKey = `cb-${Date.now()}`;
    const triggered = (await request(server).post('/reports').set('Authorization', auth(key)).set('Idempotency-Key', idempotencyKey).send(body).expect(202)).body as Body;
    expect(triggered.callback_secret).toMatch(/^whsec_/);
    const replayed = await request(server).post('/reports').set('Authorization', auth(key)).set('Idempotency-Key', idempotencyKey).send(body).expect(200);
    expect(replayed.body).toEqual(triggered);
    const [delivery] = await hook.waitFor(1);
    expect(standardWebhookProblem(triggered.callback_secret as string, delivery.headers, delivery.body)).toBeNull();
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'report.completed', data: { id: triggered.id, status: 'complete' } });
    expect((await details(key, triggered.id as string)).callback_secret).toBeUndefined();
    const plain = await trigger(key);
    expect(plain.callback_secret).toBeUndefined();
  });

  it('delivers report.cancelled when the API cancels a report', async () => {
    const key = await ownerKey();
    const hook = await receiver();
    const endpoint = await register(key, hook.url, ['report.cancelled']);
    // The window read waits on this lock, so the report is still running when it is cancelled.
    const lock = new Client({ connectionString: ns.database.url });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE store_status IN ACCESS EXCLUSIVE MODE');
      const { id } = await trigger(key);
      await request(server).post(`/reports/${id}/cancel`).set('Authorization', auth(key)).expect(202);
      const [delivery] = await hook.waitFor(1, 10_000);
      expect(standardWebhookProblem(endpoint.secret, delivery.headers, delivery.body)).toBeNull();
      expect(JSON.parse(delivery.body)).toMatchObject({ type: 'report.cancelled', data: { id, status: 'cancelled' } });
    } finally {
      await lock.query('ROLLBACK');
      await lock.end();
    }
  });

  it('keeps trying while the receiver is down, and delivers once when it is back; the report completes meanwhile', async () => {
    const key = await ownerKey();
    const probe = await receiver();
    const { port } = probe;
    await probe.close();
    const endpoint = await register(key, `http://127.0.0.1:${port}/hook`, ['report.completed']);
    const { id } = await trigger(key);
    expect((await untilComplete(key, id)).status).toBe('complete');
    const refused = await pollUntil(() => deliveries(key, endpoint.id), (items) => items.length >= 2, 20_000, 50);
    for (const attempt of refused) expect(attempt).toMatchObject({ status_code: null, outcome: 'retrying', delivery_status: 'pending', error: expect.stringMatching(/^ECONNREFUSED/) as string });

    const hook = await receiver(port);
    const [delivery] = await hook.waitFor(1, 20_000);
    expect(standardWebhookProblem(endpoint.secret, delivery.headers, delivery.body)).toBeNull();
    const attempts = await pollUntil(() => deliveries(key, endpoint.id), (items) => items[0]?.outcome === 'delivered', 5_000, 50);
    expect(new Set(attempts.map((attempt) => attempt.webhook_id))).toEqual(new Set([delivery.headers['webhook-id']]));
    expect(attempts[0]).toMatchObject({ status_code: 200, delivery_status: 'delivered', attempt: attempts.length });
    // Delivered means done: no attempt after the 2xx (the schedule would have sent one within 0.5 s).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(hook.received).toHaveLength(1);
  });

  it('records every attempt against a receiver that answers 500, then marks the delivery failed', async () => {
    const key = await ownerKey();
    const hook = await receiver();
    hook.answer = () => ({ status: 500, body: 'Internal Server Error: database is down' });
    const endpoint = await register(key, hook.url, ['report.completed']);
    await trigger(key);
    const attempts = await pollUntil(() => deliveries(key, endpoint.id), (items) => items[0]?.delivery_status === 'failed', 30_000, 100);
    expect(attempts).toHaveLength(ATTEMPTS);
    expect(attempts.map((attempt) => attempt.attempt)).toEqual(Array.from({ length: ATTEMPTS }, (_, index) => ATTEMPTS - index));
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['failed', ...Array.from({ length: ATTEMPTS - 1 }, () => 'retrying')]);
    for (const attempt of attempts) expect(attempt).toMatchObject({ status_code: 500, response_excerpt: 'Internal Server Error: database is down', delivery_status: 'failed' });
    expect(hook.received).toHaveLength(ATTEMPTS);
    // One message: one webhook-id on every attempt, each signed afresh (its own timestamp).
    expect(new Set(hook.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([attempts[0].webhook_id]));
    for (const received of hook.received) expect(standardWebhookProblem(endpoint.secret, received.headers, received.body)).toBeNull();
  });

  it('refuses 127.0.0.1 and a name resolving to it without WEBHOOK_ALLOW_PRIVATE: 400 at registration and for a callback_url', async () => {
    const key = await ownerKey();
    const strict = contractRequest(() => contract, () => key);
    for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://[::1]:9/hook', 'http://169.254.169.254/latest']) {
      const answer = await strict(strictServer).post('/webhooks').send({ url, events: ['report.completed'] }).expect(400);
      expect((answer.body as { errors: Body[] }).errors).toEqual([{ path: 'url', message: expect.stringMatching(/a private, loopback or link-local address$/) as string }]);
    }
    const refused = await strict(strictServer).post('/reports').send({ callback_url: 'http://127.0.0.1:9/hook' }).expect(400);
    expect((refused.body as { errors: Body[] }).errors[0]).toMatchObject({ path: 'callback_url' });
    expect(((await strict(strictServer).get('/webhooks').expect(200)).body as { items: Body[] }).items).toEqual([]);
    const { rows } = await db.query(`SELECT count(*)::int AS count FROM reports r JOIN api_keys k ON k.owner = r.owner WHERE k.key_id = $1`, [key.slice(8, 16)]);
    expect(rows[0]).toEqual({ count: 0 });
  });
});

import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { databaseUrlFromEnv, dataSourceOptionsFromUrl } from '../data-source-options';
import { migrateUp } from '../migrate';
import { createTempDatabase, type TempDatabase } from '../../../../test/support/temp-database';
import { ReportsRepository } from '../reports/reports.repository';
import { WebhooksRepository } from './webhooks.repository';

const newId = () => randomBytes(16).toString('hex');
const OUTCOME = { s3Key: 'reports/x.csv', storesCount: 3, pollsAfterNow: 0, nowUsed: new Date('2023-01-25T18:00:00Z'), warnings: [] };

/** The outbox written with a report's final status, and the webhook tables' one owner, on real PostgreSQL. */
describe('WebhooksRepository and the outbox on PostgreSQL', () => {
  let database: TempDatabase;
  let dataSource: DataSource;
  let reports: ReportsRepository;
  let webhooks: WebhooksRepository;

  beforeAll(async () => {
    database = await createTempDatabase(databaseUrlFromEnv());
    dataSource = await new DataSource(dataSourceOptionsFromUrl(database.url)).initialize();
    await migrateUp(dataSource);
    reports = new ReportsRepository(dataSource);
    webhooks = new WebhooksRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const endpoint = (owner: string | null, events: string[]) =>
    webhooks.createEndpoint({ id: newId(), owner, url: 'https://hooks.example.com/x', events, secret: 'whsec_c2VjcmV0' });
  const running = async (owner: string | null, callback: { url: string; secret: string } | null = null) => {
    const id = newId();
    await reports.create({ id, asOf: null, method: 'hourly', owner, callback });
    await reports.start(id, 0.05);
    return id;
  };
  const messagesOf = async (reportId: string) =>
    dataSource.query<{ id: string; event: string; endpoint_id: string | null; status: string }[]>(
      `SELECT id, event, endpoint_id, status FROM webhook_messages WHERE report_id = $1 ORDER BY endpoint_id NULLS LAST`,
      [reportId],
    );

  it("writes one message per subscribed endpoint of the report's owner, and one for its callback, with the completion itself", async () => {
    const subscribed = await endpoint('acme', ['report.completed', 'report.failed']);
    await endpoint('acme', ['report.cancelled']);
    await endpoint('globex', ['report.completed']);
    const id = await running('acme', { url: 'https://hooks.example.com/cb', secret: 'whsec_Y2I=' });
    expect(await messagesOf(id)).toEqual([]);
    expect(await reports.complete(id, OUTCOME)).toBe(true);
    const messages = await messagesOf(id);
    expect(messages.map(({ event, endpoint_id, status }) => ({ event, endpoint_id, status }))).toEqual([
      { event: 'report.completed', endpoint_id: subscribed.id, status: 'pending' },
      { event: 'report.completed', endpoint_id: null, status: 'pending' },
    ]);
    for (const message of messages) expect(message.id).toMatch(/^msg_[0-9a-f]{32}$/);
    // A refused second completion writes nothing more.
    expect(await reports.complete(id, OUTCOME)).toBe(false);
    expect(await messagesOf(id)).toHaveLength(2);
    // The callback is sent with its own URL and secret, the endpoint's with its own.
    const callback = await webhooks.messageToSend(messages[1].id);
    expect(callback).toMatchObject({ url: 'https://hooks.example.com/cb', secret: 'whsec_Y2I=', event: 'report.completed', status: 'pending' });
    expect(callback?.report).toMatchObject({ id, status: 'complete', storesCount: 3 });
  });

  it('writes the failed and cancelled events the same way (the lost-job rule and the API cancel included)', async () => {
    const owner = `o${newId().slice(0, 8)}`;
    const all = await endpoint(owner, ['report.completed', 'report.failed', 'report.cancelled']);
    const failed = await running(owner);
    await reports.fail(failed, 'boom');
    const cancelled = await running(owner);
    await reports.cancel(cancelled);
    const lost = newId();
    await dataSource.query(`INSERT INTO reports (id, owner, created_at) VALUES ($1, $2, now() - interval '1 hour')`, [lost, owner]);
    await reports.failLost(lost, 'lost', 60);
    expect((await messagesOf(failed)).map((m) => [m.event, m.endpoint_id])).toEqual([['report.failed', all.id]]);
    expect((await messagesOf(cancelled)).map((m) => [m.event, m.endpoint_id])).toEqual([['report.cancelled', all.id]]);
    expect((await messagesOf(lost)).map((m) => [m.event, m.endpoint_id])).toEqual([['report.failed', all.id]]);
  });

  it('derives the message id from (event, report, target), so a receiver can tell duplicates apart from new events', async () => {
    const id = await running(null, { url: 'https://hooks.example.com/cb', secret: 'whsec_Y2I=' });
    await reports.complete(id, OUTCOME);
    const [message] = await messagesOf(id);
    const [expected] = await dataSource.query<{ id: string }[]>(
      `SELECT 'msg_' || left(encode(sha256(convert_to('report.completed:' || $1 || ':callback', 'UTF8')), 'hex'), 32) AS id`,
      [id],
    );
    expect(message.id).toBe(expected.id);
  });

  it('hands unqueued messages to the relay once marked, records attempts, and ends the message on its final one', async () => {
    const owner = `o${newId().slice(0, 8)}`;
    const target = await endpoint(owner, ['report.completed']);
    const id = await running(owner);
    await reports.complete(id, OUTCOME);
    const [message] = await messagesOf(id);
    expect(await webhooks.unqueuedMessages(10_000)).toContain(message.id);
    await webhooks.markQueued([message.id]);
    expect(await webhooks.unqueuedMessages(10_000)).not.toContain(message.id);

    const at = new Date('2026-12-02T10:00:00Z');
    expect(await webhooks.recordAttempt(message.id, { attemptedAt: at, durationMs: 12, statusCode: 500, responseExcerpt: 'down', error: null, outcome: 'retrying' })).toBe(1);
    expect(await webhooks.recordAttempt(message.id, { attemptedAt: new Date(at.getTime() + 1000), durationMs: 9, statusCode: 200, responseExcerpt: 'ok', error: null, outcome: 'delivered' })).toBe(2);
    const deliveries = await webhooks.deliveries(target.id);
    expect(deliveries.map((d) => [d.attempt, d.statusCode, d.outcome, d.messageStatus, d.reportId])).toEqual([
      [2, 200, 'delivered', 'delivered', id],
      [1, 500, 'retrying', 'delivered', id],
    ]);
    // Finished: a duplicate job finds nothing to send.
    expect((await webhooks.messageToSend(message.id))?.status).toBe('delivered');
  });

  it('lists endpoints per owner (all for admin) and deletes one with its messages and attempts', async () => {
    const owner = `o${newId().slice(0, 8)}`;
    const target = await endpoint(owner, ['report.failed']);
    const id = await running(owner);
    await reports.fail(id, 'boom');
    const [message] = await messagesOf(id);
    await webhooks.recordAttempt(message.id, { attemptedAt: new Date(), durationMs: 1, statusCode: null, responseExcerpt: null, error: 'ECONNREFUSED', outcome: 'retrying' });
    expect((await webhooks.listEndpoints(owner)).map((e) => e.id)).toEqual([target.id]);
    expect((await webhooks.listEndpoints(undefined)).map((e) => e.id)).toContain(target.id);
    expect(await webhooks.deleteEndpoint(target.id)).toBe(true);
    expect(await webhooks.deleteEndpoint(target.id)).toBe(false);
    expect(await messagesOf(id)).toEqual([]);
    expect(await dataSource.query(`SELECT 1 FROM webhook_attempts WHERE message_id = $1`, [message.id])).toEqual([]);
    expect(await webhooks.messageToSend(message.id)).toBeNull();
  });

  it('deletes messages and callbacks past retention, and keeps the younger ones', async () => {
    const old = await running(null, { url: 'https://hooks.example.com/old', secret: 'whsec_b2xk' });
    await reports.complete(old, OUTCOME);
    const young = await running(null, { url: 'https://hooks.example.com/new', secret: 'whsec_bmV3' });
    await reports.complete(young, OUTCOME);
    await dataSource.query(`UPDATE webhook_messages SET created_at = now() - interval '31 days' WHERE report_id = $1`, [old]);
    await dataSource.query(`UPDATE reports SET created_at = now() - interval '31 days' WHERE id = $1`, [old]);
    expect(await webhooks.deleteOlderThan(30 * 86_400)).toBe(1);
    expect(await messagesOf(old)).toEqual([]);
    expect(await reports.callbackSecret(old)).toBeNull();
    expect(await messagesOf(young)).toHaveLength(1);
    expect(await reports.callbackSecret(young)).toBe('whsec_bmV3');
  });
});

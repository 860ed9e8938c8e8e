import { killAllNow } from '../../scripts/faults/processes';
import { createNamespace, type Namespace } from '../../scripts/faults/namespace';
import { standardWebhookProblem, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { call, ensureBuilt, eventually, startApi, startWorker, trigger, type RunningApi, type RunningWorker } from './support/harness';

/**
 * A worker process SIGKILLed while a webhook delivery is in flight (the receiver holds the
 * request open): the delivery's job stalls, another worker takes it over once its lock has
 * expired, and the receiver gets it again with the same webhook-id (at-least-once; the id lets
 * the receiver drop the duplicate). Real worker processes on the machine's PostgreSQL and Redis.
 */
describe('a worker killed in the middle of a webhook delivery', () => {
  let ns: Namespace;
  let api: RunningApi;
  let receiver: WebhookReceiver;
  const workers: RunningWorker[] = [];
  // A short lock so the takeover comes within seconds (lock + stalled interval), not the default ~40 s.
  const workerEnv = () => ns.env({ WEBHOOK_ALLOW_PRIVATE: 'true', WORKER_LOCK_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000', WEBHOOK_TIMEOUT_MS: '30000' });

  beforeAll(async () => {
    ensureBuilt();
    ns = await createNamespace({ label: 'hookkill' });
    // API_AUTH=off (the harness's default): endpoints and reports are the anonymous admin's.
    api = await startApi(ns.env({ WEBHOOK_ALLOW_PRIVATE: 'true' }));
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await Promise.all([...workers.map((w) => w.process.stop('SIGKILL')), api?.process.stop('SIGKILL')]);
    await receiver?.close();
    killAllNow();
    await ns?.cleanup();
  });

  it('delivers it again from another worker, with the same webhook-id and a valid signature', async () => {
    const registered = await call('POST', `${api.url}/webhooks`, { url: receiver.url, events: ['report.completed'] });
    expect(registered.status).toBe(201);
    const { id: endpointId, secret } = registered.body as { id: string; secret: string };
    // The first request is held open (the worker is mid-delivery when it dies); later ones get 200.
    receiver.answer = (_request, index) => (index === 0 ? 'hold' : { status: 200, body: 'ok' });

    const first = await startWorker(workerEnv(), 'worker-first');
    workers.push(first);
    const reportId = await trigger(api.url);
    await receiver.waitFor(1, 60_000);
    await first.process.stop('SIGKILL');

    const second = await startWorker(workerEnv(), 'worker-second');
    workers.push(second);
    const [held, redelivered] = await receiver.waitFor(2, 60_000);
    expect(redelivered.headers['webhook-id']).toBe(held.headers['webhook-id']);
    for (const request of [held, redelivered]) {
      expect(standardWebhookProblem(secret, request.headers, request.body)).toBeNull();
      expect(JSON.parse(request.body)).toMatchObject({ type: 'report.completed', data: { id: reportId, status: 'complete' } });
    }
    // The killed attempt never got to be recorded; the one that delivered it is.
    const deliveries = await eventually(
      async () => (await call('GET', `${api.url}/webhooks/${endpointId}/deliveries`)).body as { items: { outcome: string; webhook_id: string; delivery_status: string }[] },
      (body) => body.items.some((item) => item.outcome === 'delivered'),
      10_000,
      'the delivery recorded',
    );
    expect(deliveries.items).toEqual([expect.objectContaining({ webhook_id: held.headers['webhook-id'], outcome: 'delivered', delivery_status: 'delivered' })]);
    expect(receiver.received).toHaveLength(2);
  });
});

/**
 * `npm run smoke:webhooks`: signed webhooks checked from outside, on a running service (the API at
 * SMOKE_API_URL, default http://localhost:3000, with SMOKE_API_KEY or npm start's local key). It
 * starts its own receiver on 127.0.0.1, so the service must allow private targets
 * (WEBHOOK_ALLOW_PRIVATE=true: npm start sets it), and:
 *
 * 1. registers an endpoint, triggers a report, polls it until Complete and measures how long after
 *    Complete its webhook arrived (target: under 2 s), checking the signature with a verifier
 *    written from the Standard Webhooks spec (node:crypto, not the package the service uses) and
 *    the payload against GET /reports/{id};
 * 2. the same with a per-report callback_url, verified with the trigger's callback_secret;
 * 3. an outage: an endpoint whose receiver is down; once the first attempt has failed (recorded
 *    in GET /webhooks/{id}/deliveries), the receiver comes up and the retry delivers it, once;
 * 4. deletes the endpoints it made.
 *
 * Every check prints one line; the exit code is 1 when any failed.
 */
import { standardWebhookProblem, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../../test/support/webhook-receiver';
import { smokeApiKey } from './smoke-key';

const API = (process.env.SMOKE_API_URL ?? 'http://localhost:3000').replace(/\/$/, '');
/** The first retry comes 5 s (±20 %) after a failed attempt with the default schedule. */
const OUTAGE_DEADLINE_MS = 30_000;

let failures = 0;

function check(ok: boolean, what: string, detail = ''): boolean {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
  return ok;
}

type Body = Record<string, unknown>;

async function call(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${API}${path}`, {
    method,
    redirect: 'manual',
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Body) : {} };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `done` or the deadline; the last value either way. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

const aboutReport = (id: string) => (request: ReceivedWebhook) => (JSON.parse(request.body) as { data?: { id?: string } }).data?.id === id;

async function deliveredOnComplete(key: string, receiver: WebhookReceiver, endpoints: string[]): Promise<void> {
  const registered = await call('POST', '/webhooks', key, { url: receiver.url, events: ['report.completed', 'report.failed'] });
  if (!check(registered.status === 201, 'POST /webhooks → 201 with a whsec_ secret', `${registered.status} ${registered.status === 400 ? JSON.stringify(registered.body.detail) : ''}`)) return;
  endpoints.push(registered.body.id as string);
  const secret = registered.body.secret as string;
  check(/^whsec_[A-Za-z0-9+/=]+$/.test(secret), 'the secret is in the Standard Webhooks form');

  const triggered = await call('POST', '/reports', key, {});
  const id = triggered.body.id as string;
  const report = await until(() => call('GET', `/reports/${id}`, key), (answer) => ['complete', 'failed'].includes(answer.body.status as string), 120_000);
  const seenComplete = Date.now();
  if (!check(report.body.status === 'complete', `report ${id} complete`, String(report.body.status))) return;
  const delivery = await until(async () => receiver.received.find(aboutReport(id)), (found) => found !== undefined, 10_000, 10);
  if (!check(delivery !== undefined, 'its webhook arrived') || !delivery) return;
  const afterFinished = delivery.receivedAt - Date.parse(report.body.finished_at as string);
  check(afterFinished < 2_000, 'delivered within 2 s of Complete', `${afterFinished} ms after finished_at; ${delivery.receivedAt - seenComplete} ms after this poll saw Complete`);
  check(standardWebhookProblem(secret, delivery.headers, delivery.body) === null, 'the signature verifies (independent HMAC-SHA256 check)', standardWebhookProblem(secret, delivery.headers, delivery.body) ?? '');
  const payload = JSON.parse(delivery.body) as Body;
  check(payload.type === 'report.completed' && JSON.stringify(payload.data) === JSON.stringify(report.body), 'the payload is {type, timestamp, data} with data = GET /reports/{id}');
}

async function deliveredToCallback(key: string, receiver: WebhookReceiver): Promise<void> {
  // The same receiver also hears the owner's endpoint (/hook) about this report, signed with that
  // endpoint's secret: only the delivery to the callback's own path is the callback.
  const url = receiver.url.replace('/hook', '/callback');
  const triggered = await call('POST', '/reports', key, { callback_url: url });
  if (!check(triggered.status === 202 && typeof triggered.body.callback_secret === 'string', 'POST /reports with a callback_url → 202 with a callback_secret', String(triggered.status))) return;
  const id = triggered.body.id as string;
  const delivery = await until(async () => receiver.received.find((r) => r.path === '/callback' && aboutReport(id)(r)), (found) => found !== undefined, 120_000);
  if (!check(delivery !== undefined, 'the callback arrived') || !delivery) return;
  const problem = standardWebhookProblem(triggered.body.callback_secret as string, delivery.headers, delivery.body);
  check(problem === null, 'the callback signature verifies with callback_secret', problem ?? '');
}

async function deliveredAfterOutage(key: string, endpoints: string[]): Promise<void> {
  const probe = await startWebhookReceiver();
  const { port } = probe;
  await probe.close();
  const registered = await call('POST', '/webhooks', key, { url: `http://127.0.0.1:${port}/hook`, events: ['report.completed'] });
  if (!check(registered.status === 201, 'POST /webhooks for a receiver that is down → 201')) return;
  const endpoint = registered.body.id as string;
  endpoints.push(endpoint);
  const triggered = await call('POST', '/reports', key, {});
  const id = triggered.body.id as string;
  const refused = await until(() => call('GET', `/webhooks/${endpoint}/deliveries`, key), (answer) => ((answer.body.items as Body[] | undefined) ?? []).length > 0, 120_000, 100);
  const first = (refused.body.items as Body[])[0];
  if (!check(first?.status_code === null && first.outcome === 'retrying', 'the first attempt failed and was recorded', `${String(first?.error)}`)) return;
  const receiver = await startWebhookReceiver(port);
  const upAt = Date.now();
  try {
    const delivery = await until(async () => receiver.received.find(aboutReport(id)), (found) => found !== undefined, OUTAGE_DEADLINE_MS, 20);
    if (!check(delivery !== undefined, 'delivered once the receiver was back', delivery ? `${delivery.receivedAt - upAt} ms after it came up` : `nothing in ${OUTAGE_DEADLINE_MS} ms`) || !delivery) return;
    check(standardWebhookProblem(registered.body.secret as string, delivery.headers, delivery.body) === null, 'its signature verifies');
    const attempts = await until(() => call('GET', `/webhooks/${endpoint}/deliveries`, key), (answer) => (answer.body.items as Body[])[0]?.outcome === 'delivered', 5_000);
    const items = attempts.body.items as Body[];
    check(items[0]?.delivery_status === 'delivered' && new Set(items.map((item) => item.webhook_id)).size === 1, 'recorded: attempts of one webhook-id, the last delivered', `${items.length} attempts`);
    await sleep(1_000);
    check(receiver.received.filter(aboutReport(id)).length === 1, 'delivered once');
  } finally {
    await receiver.close();
  }
}

async function main(): Promise<boolean> {
  console.log(`smoke:webhooks against ${API}`);
  const key = smokeApiKey();
  const receiver = await startWebhookReceiver();
  const endpoints: string[] = [];
  try {
    await deliveredOnComplete(key, receiver, endpoints);
    await deliveredToCallback(key, receiver);
    await deliveredAfterOutage(key, endpoints);
  } finally {
    for (const id of endpoints) await call('DELETE', `/webhooks/${id}`, key).catch(() => undefined);
    await receiver.close();
  }
  return failures === 0;
}

main().then(
  (ok) => {
    console.log(ok ? 'smoke:webhooks passed' : `smoke:webhooks: ${failures} check(s) failed`);
    process.exitCode = ok ? 0 : 1;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);

/**
 * `npm run smoke:lifecycle`: the report lifecycle checked from outside, on a running service (the
 * API at SMOKE_API_URL, default http://localhost:3000, with its workers), as a client would:
 *
 * 1. cancels running reports (and a queued one) and times cancel → Cancelled;
 * 2. replays Idempotency-Keys (same parameters → the same report, other parameters → 409,
 *    simultaneous requests → one report);
 * 3. pages through the listing and checks its order, its filters and its 400;
 * 4. expires a report: waits for retention to delete its CSV, then expects 410 on download and
 *    legacy status. The service must run with a short retention for this, e.g.
 *      REPORT_RETENTION_DAYS=0.0005 REPORT_SWEEP_SECONDS=5 npm start      (0.0005 days = 43 s)
 *
 * Every check prints one line; the exit code is 1 when any failed. Options (environment):
 * SMOKE_API_URL, SMOKE_CANCELS (running reports to cancel, default 3), SMOKE_EXPIRE_TIMEOUT_S (180).
 */
import { randomBytes } from 'node:crypto';

const API = (process.env.SMOKE_API_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const CANCELS = Number(process.env.SMOKE_CANCELS ?? 3);
const EXPIRE_TIMEOUT_MS = Number(process.env.SMOKE_EXPIRE_TIMEOUT_S ?? 180) * 1000;

let failures = 0;

function check(ok: boolean, what: string, detail = ''): boolean {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
  return ok;
}

/** The fields of the service's JSON answers this script reads (each checked where it is used). */
interface Body {
  status?: string | number;
  id?: string;
  report_id?: string;
  type?: string;
  items?: { id: string; created_at: string; status: string }[];
  next?: string | null;
  errors?: { path: string }[];
}

interface Answer {
  status: number;
  headers: Headers;
  body: Body;
}

async function call(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(path.startsWith('http') ? path : `${API}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  let body: Body = {};
  try {
    body = text ? (JSON.parse(text) as Body) : {};
  } catch {
    // not JSON (a redirect, a CSV): no fields to read
  }
  return { status: response.status, headers: response.headers, body };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

const isProblem = (answer: Answer, status: number, type: string) =>
  answer.status === status && (answer.headers.get('content-type') ?? '').startsWith('application/problem+json') && answer.body.type === `urn:store-uptime:problem:${type}`;

const trigger = async (body: object = {}) => (await call('POST', '/reports', { body })).body.id ?? '';
const legacyStatus = async (id: string): Promise<Body> => (await call('GET', `/get_report?report_id=${id}`)).body;

async function cancelRunning(): Promise<number[]> {
  console.log('\n# cancel');
  const times: number[] = [];
  for (let tries = 0; times.length < CANCELS && tries < CANCELS * 5; tries++) {
    const id = await trigger();
    const seen = await until(() => call('GET', `/reports/${id}`), (a) => a.body.status !== 'queued', 30_000, 10);
    if (seen.body.status !== 'running') continue; // finished before it could be caught running: try another
    const started = Date.now();
    const cancel = await call('POST', `/reports/${id}/cancel`);
    if (cancel.status === 409) continue; // completed between the read and the cancel
    check(cancel.status === 202 && cancel.body.status === 'cancelled', 'a running report: POST cancel → 202 cancelled', `${cancel.status}`);
    const legacy = await until(() => legacyStatus(id), (b) => b.status !== 'Running', 10_000, 10);
    const ms = Date.now() - started;
    times.push(ms);
    check(legacy.status === 'Cancelled', `  /get_report answers {"status":"Cancelled"}`, `${ms} ms after the cancel`);
    check(ms <= 2_000, '  stopped within 2 s', `${ms} ms`);
    check(isProblem(await call('GET', `/reports/${id}/download`), 409, 'report-cancelled'), '  download → 409 problem+json');
    check((await call('POST', `/reports/${id}/cancel`)).status === 202, '  cancelling again → 202 (idempotent)');
  }
  check(times.length === CANCELS, `caught and cancelled ${CANCELS} running reports`, `${times.length}`);

  // A burst so the last one waits in the queue behind the others.
  const burst = await Promise.all(Array.from({ length: 6 }, () => trigger()));
  const last = burst.at(-1)!;
  const queued = await call('POST', `/reports/${last}/cancel`);
  check(queued.status === 202 || queued.status === 409, 'a queued report: POST cancel → 202', `${queued.status} (409 only if it already finished)`);
  if (queued.status === 202) {
    const legacy = await until(() => legacyStatus(last), (b) => b.status !== 'Running', 10_000);
    check(legacy.status === 'Cancelled', '  /get_report answers Cancelled');
  }
  const complete = await until(() => call('GET', `/reports/${burst[0]}`), (a) => ['complete', 'failed'].includes(String(a.body.status)), 60_000, 100);
  check(complete.body.status === 'complete', 'a report left alone completes');
  check(isProblem(await call('POST', `/reports/${burst[0]}/cancel`), 409, 'report-finished'), '  cancelling it → 409 problem+json');
  return times;
}

async function idempotency(): Promise<void> {
  console.log('\n# idempotency keys');
  const key = `smoke-${randomBytes(8).toString('hex')}`;
  const first = await call('POST', '/reports', { body: { method: 'step' }, headers: { 'Idempotency-Key': key } });
  check(first.status === 202, 'POST /reports with a new key → 202', `${first.status}`);
  const replay = await call('POST', '/reports', { body: { method: 'step' }, headers: { 'Idempotency-Key': key } });
  check(replay.status === 200 && JSON.stringify(replay.body) === JSON.stringify(first.body), 'the same key and parameters → 200, the first body', `${replay.status}`);
  check(replay.headers.get('idempotent-replayed') === 'true', '  with Idempotent-Replayed: true');
  const other = await call('POST', '/reports', { body: { method: 'hourly' }, headers: { 'Idempotency-Key': key } });
  check(isProblem(other, 409, 'idempotency-key-reused'), 'the same key, other parameters → 409 problem+json', `${other.status}`);
  const legacyKey = `${key}-legacy`;
  const legacy = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/trigger_report', { headers: { 'Idempotency-Key': legacyKey } })));
  const ids = new Set(legacy.map((a) => a.body.report_id));
  check(legacy.every((a) => a.status === 200) && ids.size === 1, '5 simultaneous POST /trigger_report with one key → one report', `${ids.size} ids`);
  const bad = await call('POST', '/reports', { body: {}, headers: { 'Idempotency-Key': 'two words' } });
  check(isProblem(bad, 400, 'invalid-request'), 'a key with a space → 400 problem+json');
  // Cancelled so they do not keep the workers busy.
  for (const id of [first.body.id, ...ids]) if (typeof id === 'string') await call('POST', `/reports/${id}/cancel`);
}

async function listing(): Promise<void> {
  console.log('\n# listing');
  const seen: { id: string; created_at: string }[] = [];
  let next: string | null = '/reports?limit=7';
  let pages = 0;
  while (next && pages < 50) {
    const page = await call('GET', next);
    if (!check(page.status === 200, `page ${pages + 1}`, `${page.status}`)) break;
    seen.push(...(page.body.items ?? []));
    next = page.body.next ?? null;
    pages++;
  }
  const ordered = seen.every((r, i) => i === 0 || (seen[i - 1]?.created_at ?? '')  >= r.created_at);
  check(ordered, `newest first over ${seen.length} reports in ${pages} pages`);
  check(new Set(seen.map((r) => r.id)).size === seen.length, '  no report twice');
  const cancelled = await call('GET', '/reports?status=cancelled&limit=100');
  const items = cancelled.body.items ?? [];
  check(cancelled.status === 200 && items.length > 0 && items.every((r) => r.status === 'cancelled'), 'status=cancelled lists only cancelled reports');
  const bad = await call('GET', '/reports?status=done&limit=500&created_before=soon');
  const fields = (bad.body.errors ?? []).map((e) => e.path).sort().join(',');
  check(isProblem(bad, 400, 'invalid-request') && fields === 'created_before,limit,status', 'bad filters → 400 listing each field', fields);
}

async function expiry(): Promise<void> {
  console.log('\n# retention');
  const id = await trigger();
  const done = await until(() => call('GET', `/reports/${id}`), (a) => ['complete', 'failed', 'expired'].includes(String(a.body.status)), 60_000, 100);
  check(done.body.status === 'complete', 'a new report completes');
  const download = await call('GET', `/reports/${id}/download`);
  const url = download.headers.get('location');
  check(download.status === 302 && url !== null, '  its download redirects to the CSV');
  console.log(`     waiting up to ${EXPIRE_TIMEOUT_MS / 1000} s for retention (REPORT_RETENTION_DAYS) and the sweep (REPORT_SWEEP_SECONDS)…`);
  const expired = await until(() => call('GET', `/reports/${id}`), (a) => a.body.status === 'expired', EXPIRE_TIMEOUT_MS, 1_000);
  if (!check(expired.body.status === 'expired', 'the report expired', `status ${expired.body.status}`)) {
    console.log('     (start the service with e.g. REPORT_RETENTION_DAYS=0.0005 REPORT_SWEEP_SECONDS=5 for this step)');
    return;
  }
  check(isProblem(await call('GET', `/reports/${id}/download`), 410, 'report-expired'), '  download → 410 problem+json');
  check(isProblem(await call('GET', `/get_report?report_id=${id}`), 410, 'report-expired'), '  /get_report → 410 problem+json');
  if (url) check((await call('GET', url)).status >= 400, '  the CSV is gone from S3 (its old presigned URL fails)');
  check(isProblem(await call('POST', `/reports/${id}/cancel`), 409, 'report-finished'), '  cancel → 409');
}

async function main(): Promise<void> {
  console.log(`smoke:lifecycle against ${API}`);
  const ready = await call('GET', '/health/ready').catch(() => null);
  if (!check(ready?.status === 200, 'the API is ready')) {
    process.exitCode = 1;
    return;
  }
  const times = await cancelRunning();
  await idempotency();
  await listing();
  await expiry();
  const sorted = [...times].sort((a, b) => a - b);
  if (sorted.length) console.log(`\ncancel → Cancelled: ${sorted.map((t) => `${t} ms`).join(', ')} (max ${sorted.at(-1)} ms)`);
  console.log(failures === 0 ? '\nsmoke:lifecycle: every answer as expected' : `\nsmoke:lifecycle: ${failures} check(s) failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

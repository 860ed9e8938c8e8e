import { appendFileSync } from 'node:fs';
import { Client } from 'pg';
import { expectedReportCsv } from '../../e2e/support/fixture-data';
import { freePort, httpRequest, sleep, startApp, waitForHttpOk, type HttpAnswer, type ManagedProcess } from '../../../scripts/faults/processes';

/**
 * Shared pieces of the fault-injection, load, fuzz and security specs: the built apps as child
 * processes, report polling over HTTP, a lock that holds a report in the middle of its run, and
 * the measurements docs/reliability.md quotes.
 */

export { ensureBuilt } from '../../support/ensure-built';

export interface RunningApi {
  process: ManagedProcess;
  url: string;
}

export interface RunningWorker {
  process: ManagedProcess;
  url: string;
}

export async function startApi(env: Record<string, string>, label = 'api'): Promise<RunningApi> {
  const port = await freePort();
  // These specs are about outages, input and leaks, not access: keys are off unless a spec asks
  // (the access rules have their own e2e spec and smoke:access).
  const process = startApp('api', { API_AUTH: 'off', ...env, PORT: String(port) }, label);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttpOk(`${url}/health/live`, process);
  return { process, url };
}

/**
 * Starts a worker whose PostgreSQL sessions carry `application_name=<label>` (a libpq URL
 * parameter both pg and TypeORM pass on), so pg_stat_activity tells which worker is running a
 * held report without relying on its log output.
 */
export async function startWorker(env: Record<string, string>, label = 'worker'): Promise<RunningWorker> {
  const port = await freePort();
  const databaseUrl = new URL(env.DATABASE_URL);
  databaseUrl.searchParams.set('application_name', label);
  const process = startApp('worker', { ...env, DATABASE_URL: databaseUrl.toString(), WORKER_PORT: String(port) }, label);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttpOk(`${url}/health/live`, process);
  return { process, url };
}

/**
 * Two APIs on one namespace that differ only in their retry policy, for outages: patient (8
 * attempts, 0.5 s doubling, ≈ 64 s in all: outlasts the outage) and impatient (3 attempts, 0.2 s
 * doubling: they run out during it).
 */
export function startPatientAndImpatientApis(env: (overrides: Record<string, string>) => Record<string, string>): Promise<[RunningApi, RunningApi]> {
  return Promise.all([
    startApi(env({ REPORT_JOB_ATTEMPTS: '8', REPORT_JOB_BACKOFF_MS: '500' }), 'api'),
    startApi(env({ REPORT_JOB_ATTEMPTS: '3', REPORT_JOB_BACKOFF_MS: '200' }), 'api-short'),
  ]);
}

export interface Answer extends HttpAnswer {
  body: Record<string, unknown>;
  /** Milliseconds from sending to the complete answer. */
  ms: number;
}

export async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const answer = await httpRequest(url, {
    method,
    headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: payload,
  });
  let parsed: Record<string, unknown> = {};
  try {
    parsed = answer.text ? (JSON.parse(answer.text) as Record<string, unknown>) : {};
  } catch {
    // not JSON (HTML, plain text)
  }
  return { ...answer, body: parsed, ms: performance.now() - started };
}

export async function trigger(api: string): Promise<string> {
  const answer = await call('POST', `${api}/trigger_report`);
  if (answer.status !== 200) throw new Error(`trigger answered ${answer.status}: ${answer.text}`);
  return answer.body.report_id as string;
}

export type CompatStatus = { status: 'Running'; progress: number } | { status: 'Complete'; url: string } | { status: 'Failed'; error: string };

export async function reportStatus(api: string, id: string): Promise<CompatStatus> {
  const answer = await call('GET', `${api}/get_report?report_id=${id}`);
  if (answer.status !== 200) throw new Error(`get_report answered ${answer.status}: ${answer.text}`);
  return answer.body as unknown as CompatStatus;
}

/**
 * The report ended Complete with the CSV the spec gives for the fixture, after at least one failed
 * attempt; returns its row.
 */
export async function expectCompleteAfterRetry(api: string, databaseUrl: string, id: string): Promise<ReportRow> {
  const status = await reportStatus(api, id);
  expect(status.status).toBe('Complete');
  expect((await call('GET', (status as { url: string }).url)).text).toBe(expectedReportCsv());
  const row = (await reportRows(databaseUrl)).find((r) => r.id === id)!;
  expect(row.status).toBe('complete');
  expect(row.attempts).toBeGreaterThanOrEqual(2);
  return row;
}

/** Polls until every report is Complete or Failed; throws at the deadline naming those still running. */
export async function waitFinished(api: string, ids: string[], timeoutMs: number, everyMs = 200): Promise<Map<string, CompatStatus>> {
  const finished = new Map<string, CompatStatus>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const id of ids) {
      if (finished.has(id)) continue;
      const status = await reportStatus(api, id).catch(() => null);
      if (status && status.status !== 'Running') finished.set(id, status);
    }
    if (finished.size === ids.length) return finished;
    if (Date.now() > deadline) {
      const open = ids.filter((id) => !finished.has(id));
      throw new Error(`${open.length} of ${ids.length} reports still not finished after ${timeoutMs} ms: ${open.slice(0, 5).join(', ')}`);
    }
    await sleep(everyMs);
  }
}

/** Polls `read` until `done` holds; throws at the deadline with the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(last)}${lastError ? `, error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}` : ''})`);
    }
    await sleep(everyMs);
  }
}

/**
 * Holds a report in the middle of its run, deterministically: an ACCESS EXCLUSIVE lock on the
 * poll table makes the worker's window read (it takes ACCESS SHARE first, report-window.ts) wait
 * inside the compute step, with the job active and its lock renewed, until `release()`.
 */
export async function holdInputTables(databaseUrl: string): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // the server may go away under the lock (PostgreSQL fault test)
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE store_status IN ACCESS EXCLUSIVE MODE');
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** The application_name (worker label) of each session waiting for a lock in `databaseUrl`'s database. */
async function lockWaitingWorkers(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT application_name AS name FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() ORDER BY name`,
    );
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

/**
 * Waits until `count` reports sit in their window read behind holdInputTables and returns the
 * workers running them. Only sessions of `among` count when given: the backend of a worker that
 * was just killed keeps waiting on the lock (PostgreSQL notices the closed socket only when the
 * lock is granted).
 */
export async function waitHeldReports(databaseUrl: string, count: number, among?: string[], timeoutMs = 20_000): Promise<string[]> {
  const relevant = async () => (await lockWaitingWorkers(databaseUrl)).filter((name) => !among || among.includes(name));
  return eventually(relevant, (names) => names.length >= count, timeoutMs, `${count} report(s) held mid-run${among ? ` by ${among.join(' or ')}` : ''}`);
}

export interface ReportRow {
  id: string;
  status: string;
  error: string | null;
  attempts: number;
  s3_key: string | null;
}

export async function reportRows(databaseUrl: string): Promise<ReportRow[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<ReportRow>('SELECT id, status, error, attempts, s3_key FROM reports ORDER BY created_at');
    return rows;
  } finally {
    await client.end();
  }
}

/**
 * Figures for docs/reliability.md: with FAULTS_MEASUREMENTS=<file> every measurement is appended
 * there as a JSON line (`npm run test:faults` leaves it off; the doc says how it was measured).
 */
export function recordMeasurement(fault: string, figures: Record<string, unknown>): void {
  const file = process.env.FAULTS_MEASUREMENTS;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ fault, ...figures, at: new Date().toISOString() })}\n`);
}

export { sleep };

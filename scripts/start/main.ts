/**
 * `npm start` (scripts/start/start.sh builds dist/ when stale, then runs this): the whole system
 * on this machine, and its main job done once.
 *
 *   ports → services (scripts/services/ensure-services.sh, as the tests) → database (created if
 *   missing, never `postgres`) → migrations → sample week (first start only) → API + 2 workers →
 *   ready → one report → reports/<id>.csv → summary and where everything is → logs until Ctrl-C.
 *
 * Every address comes from libs/config/src/local-services.ts with the usual overrides (PORT,
 * WORKER_PORT, DATABASE_URL, REDIS_URL, REDIS_PREFIX, S3_*). Ctrl-C (or SIGTERM) stops the three
 * processes it started within 10 s; the services stay up (they are this machine's, shared with the
 * tests, whether they were running before or ensure-services.sh started them).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { databaseName, describeDatabaseUrl, localServices, maintenanceDatabaseUrl } from '@store-uptime/config';
import { apiKeyId, apiKeyMatches, ApiKeysRepository, dataSourceOptionsFromUrl, DEFAULT_POLL_RETENTION_DAYS, describeConnectError, ingestFiles, maintainPolls, migrateUp } from '@store-uptime/db';
import { SAMPLE_WEEK, withSampleWeekPolls } from '../../apps/cli/src/sample-week';
import { formatLogLine } from './log-lines';
import { summarizeReportCsv } from './report-summary';

const REPO_ROOT = join(__dirname, '..', '..', '..');
/** Development-only Bull Board login of this local run (the API refuses passwords under 8 characters). */
const LOCAL_BULL_BOARD = { user: 'admin', password: 'store-uptime-local' };
/** The workers' drain on Ctrl-C: short, so that stopping stays under 10 s in all. */
const LOCAL_DRAIN_SECONDS = 5;
const STOP_DEADLINE_MS = 9_000;
const READY_TIMEOUT_MS = 90_000;
const REPORT_TIMEOUT_MS = 10 * 60_000;
/**
 * The local admin key: made on first start, reused after (gitignored; the only place its plaintext
 * lives, the database keeps its SHA-256). Made again when the database no longer accepts it.
 */
const LOCAL_KEY_FILE = join(REPO_ROOT, '.store-uptime', 'local-key');

/** A failure that is fully described by its message (one line, no stack). */
class StartError extends Error {}

const startedAt = performance.now();
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Runs one stage and prints it with its time: `[start] migrations: up to date (0.2 s)`. */
async function stage<T>(name: string, work: () => Promise<{ value: T; note: string }>): Promise<T> {
  const began = performance.now();
  const { value, note } = await work();
  say(`[start] ${name}: ${note} (${seconds(began)})`);
  return value;
}

interface Settings {
  apiPort: number;
  workerPorts: [number, number];
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  s3: ReturnType<typeof localServices>['s3'];
  bullBoard: { user: string; password: string };
}

function port(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const text = env[key]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65_534) throw new StartError(`${key} must be a port number, not "${text}"`);
  return value;
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const services = localServices(env);
  const workerPort = port(env, 'WORKER_PORT', 3001);
  if (databaseName(services.databaseUrl) === 'postgres') {
    throw new StartError('DATABASE_URL names the postgres maintenance database; npm start keeps its data in a database of its own (default store_uptime)');
  }
  return {
    apiPort: port(env, 'PORT', 3000),
    // The second worker's probes listen on the next port.
    workerPorts: [workerPort, workerPort + 1],
    databaseUrl: services.databaseUrl,
    redisUrl: services.redisUrl,
    redisPrefix: services.redisPrefix,
    s3: services.s3,
    bullBoard: { user: env.BULL_BOARD_USER?.trim() || LOCAL_BULL_BOARD.user, password: env.BULL_BOARD_PASSWORD?.trim() || LOCAL_BULL_BOARD.password },
  };
}

/** Free means nothing listens on it, on any interface (the apps listen on all of them). */
async function assertPortFree(value: number, what: string): Promise<void> {
  const server = createServer();
  const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    server.once('error', resolve);
    server.listen(value, () => resolve(null));
  });
  if (error === null) {
    await new Promise((resolve) => server.close(resolve));
    return;
  }
  const setting = what.split(',')[0];
  throw new StartError(
    error.code === 'EADDRINUSE' ? `port ${value} (${what}) is already in use: stop what uses it, or set ${setting} to another port` : `port ${value} (${what}): ${error.message}`,
  );
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new StartError(`cannot reach ${describeDatabaseUrl(url)}: ${describeConnectError(error, url)}`);
  }
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function ensureDatabase(url: string): Promise<{ value: null; note: string }> {
  const name = databaseName(url);
  const created = await withClient(maintenanceDatabaseUrl(url), async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  });
  return { value: null, note: `${describeDatabaseUrl(url)}${created ? ', created' : ', exists'}` };
}

async function ensureLocalKey(url: string): Promise<{ value: string; note: string }> {
  const dataSource = new DataSource(dataSourceOptionsFromUrl(url));
  await dataSource.initialize();
  try {
    const keys = new ApiKeysRepository(dataSource);
    const saved = existsSync(LOCAL_KEY_FILE) ? readFileSync(LOCAL_KEY_FILE, 'utf8').trim() : null;
    const savedId = saved === null ? null : apiKeyId(saved);
    if (saved !== null && savedId !== null) {
      const row = await keys.findByKeyId(savedId);
      if (row && row.revokedAt === null && apiKeyMatches(saved, row.hash)) {
        return { value: saved, note: `reusing the local admin key ${savedId} (${relative(process.cwd(), LOCAL_KEY_FILE)})` };
      }
    }
    const { key, record } = await keys.create({ name: 'npm start', owner: 'local', scopes: ['admin'] });
    mkdirSync(join(REPO_ROOT, '.store-uptime'), { recursive: true });
    writeFileSync(LOCAL_KEY_FILE, `${key}\n`, { mode: 0o600 });
    return { value: key, note: `created the local admin key ${record.keyId}, saved to ${relative(process.cwd(), LOCAL_KEY_FILE)}` };
  } finally {
    await dataSource.destroy();
  }
}

async function migrate(url: string): Promise<{ value: null; note: string }> {
  const dataSource = new DataSource(dataSourceOptionsFromUrl(url));
  await dataSource.initialize();
  try {
    const applied = await migrateUp(dataSource);
    return { value: null, note: applied.length ? `applied ${applied.join(', ')}` : 'up to date' };
  } finally {
    await dataSource.destroy();
  }
}

/**
 * `npm run db:maintain` once per start: partitions ahead of the data, retention. A long-running
 * installation runs it daily (the Kubernetes CronJob); a local one is restarted often enough.
 */
async function maintainHistory(url: string): Promise<{ value: null; note: string }> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const retentionDays = Number(process.env.POLL_RETENTION_DAYS?.trim() || DEFAULT_POLL_RETENTION_DAYS);
    const result = await maintainPolls(pool, { retentionDays });
    return {
      value: null,
      note: `poll partitions made: ${result.created.length}, dropped past ${retentionDays} days: ${result.dropped.length}`,
    };
  } finally {
    await pool.end();
  }
}

/** The sample week on first start; any polls already there are reused, untouched. */
async function loadSampleData(url: string): Promise<{ value: null; note: string }> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query<{ polls: string; stores: string }>(
      `SELECT (SELECT count(*) FROM store_status) AS polls, (SELECT count(DISTINCT store_id) FROM store_status) AS stores`,
    );
    const polls = Number(rows[0].polls);
    if (polls > 0) {
      return { value: null, note: `reusing the ${polls.toLocaleString('en-US')} polls of ${Number(rows[0].stores).toLocaleString('en-US')} stores already in the database (drop it to load the sample week again)` };
    }
    const loaded = await withSampleWeekPolls(async (pollsPath, generated) => {
      const result = await ingestFiles(pool, { polls: pollsPath, hours: SAMPLE_WEEK.hours, timezones: SAMPLE_WEEK.timezones }, { replace: true });
      return { generated, result };
    });
    return {
      value: null,
      note:
        `loaded the sample week: ${loaded.result.files.find((f) => f.kind === 'polls')!.rowsLoaded.toLocaleString('en-US')} generated polls ` +
        `(seed ${SAMPLE_WEEK.seed}) for ${loaded.generated.stores.toLocaleString('en-US')} stores, hours and time zones from data/sample/`,
    };
  } finally {
    await pool.end();
  }
}

interface App {
  name: string;
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

const apps: App[] = [];

function startApp(name: string, entry: string, env: NodeJS.ProcessEnv, url: string): App {
  // Own process group: a terminal's Ctrl-C reaches only this process, which then stops each app
  // with exactly one SIGTERM (a second signal would cut a worker's drain short).
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', entry)], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      const text = formatLogLine(name, line);
      if (text !== null) say(text);
    });
  }
  const exited = once(child, 'exit').then(() => undefined);
  const app = { name, child, url, exited };
  apps.push(app);
  return app;
}

async function waitReady(app: App, deadline: number): Promise<void> {
  let exited = false;
  void app.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new StartError(`${app.name} exited during start (its log is above)`);
    try {
      const response = await fetch(`${app.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new StartError(`${app.name} was not ready within ${READY_TIMEOUT_MS / 1000} s (its log is above)`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface ReportDetails {
  id: string;
  status: string;
  error: string | null;
  counts: { stores: number | null };
  warnings: { code: string; count: number }[];
}

async function runReport(api: string, key: string): Promise<{ value: { id: string; details: ReportDetails; csvPath: string; csv: string }; note: string }> {
  const authorization = { authorization: `Bearer ${key}` };
  const accepted = await fetch(`${api}/reports`, { method: 'POST', headers: { 'content-type': 'application/json', ...authorization }, body: '{}' });
  if (accepted.status !== 202) throw new StartError(`POST /reports answered ${accepted.status}: ${await accepted.text()}`);
  const { id } = (await accepted.json()) as { id: string };
  const deadline = Date.now() + REPORT_TIMEOUT_MS;
  let details: ReportDetails;
  for (;;) {
    details = (await (await fetch(`${api}/reports/${id}`, { headers: authorization })).json()) as ReportDetails;
    if (details.status === 'complete') break;
    if (details.status === 'failed') throw new StartError(`report ${id} failed: ${details.error}`);
    if (Date.now() > deadline) throw new StartError(`report ${id} did not finish within ${REPORT_TIMEOUT_MS / 60_000} min`);
    // Each read is one access-log line of the API; once a second keeps the terminal readable.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  // The download route redirects to a presigned S3 URL; fetch follows it, as a browser would.
  const download = await fetch(`${api}/reports/${id}/download`, { headers: authorization });
  if (!download.ok) throw new StartError(`downloading report ${id} answered ${download.status}`);
  const csv = await download.text();
  const csvPath = join(REPO_ROOT, 'reports', `${id}.csv`);
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  writeFileSync(csvPath, csv);
  return { value: { id, details, csvPath, csv }, note: `report ${id} complete, downloaded to ${relative(process.cwd(), csvPath)}` };
}

function printSummary(settings: Settings, key: string, report: { id: string; details: ReportDetails; csvPath: string; csv: string }): void {
  const summary = summarizeReportCsv(report.csv);
  const api = `http://localhost:${settings.apiPort}`;
  const hours = (h: number) => h.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const lines = [
    '',
    `Report ${report.id}: ${relative(process.cwd(), report.csvPath)}`,
    `  stores: ${summary.stores.toLocaleString('en-US')}`,
    summary.weekUptimeShare === null
      ? '  fleet uptime last week: no business hours in the week'
      : `  fleet uptime last week: ${(summary.weekUptimeShare * 100).toFixed(1)} % of business hours (${hours(summary.weekUpHours)} h up, ${hours(summary.weekDownHours)} h down)`,
    `  most downtime last week:`,
    ...summary.mostDowntime.map((s, i) => `    ${i + 1}. store ${s.storeId}: ${hours(s.downHours)} h down, ${hours(s.upHours)} h up`),
    ...(report.details.warnings.length ? [`  warnings: ${report.details.warnings.map((w) => `${w.code} ${w.count}`).join(', ')} (docs/service.md)`] : []),
    '',
    'Where everything is:',
    `  API           ${api}`,
    `  OpenAPI docs  ${api}/docs`,
    `  Bull Board    ${api}/admin/queues  (user ${settings.bullBoard.user}, password ${settings.bullBoard.password}; local only)`,
    `  workers       http://localhost:${settings.workerPorts[0]}/metrics, http://localhost:${settings.workerPorts[1]}/metrics`,
    `  database      ${describeDatabaseUrl(settings.databaseUrl)}`,
    `  S3 bucket     ${settings.s3.bucket} at ${settings.s3.endpoint}`,
    `  API key       ${key}  (admin, local only; in ${relative(process.cwd(), LOCAL_KEY_FILE)}; npm run keys -- --help)`,
    `  next report   curl -s -X POST -H "Authorization: Bearer ${key}" ${api}/trigger_report`,
    `                curl -s -H "Authorization: Bearer ${key}" "${api}/get_report?report_id=<report_id>"`,
    '',
    `Ready in ${seconds(startedAt)}. Logs follow; Ctrl-C stops the API and the workers (PostgreSQL, Redis and S3 keep running).`,
    '',
  ];
  say(lines.join('\n'));
}

let stopping: Promise<void> | null = null;

/** SIGTERM to each app still running, SIGKILL to any left after the deadline; the services stay. */
function stopApps(reason: string): Promise<void> {
  stopping ??= (async () => {
    const began = performance.now();
    const running = apps.filter((app) => app.child.exitCode === null && app.child.signalCode === null);
    if (running.length) say(`[start] ${reason}: stopping ${running.map((app) => app.name).join(', ')}`);
    for (const app of running) app.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_DEADLINE_MS)));
    if ((await Promise.race([Promise.all(running.map((app) => app.exited)), deadline])) === 'late') {
      for (const app of running) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
      await Promise.all(running.map((app) => app.exited));
    }
    clearTimeout(timer);
    if (running.length) say(`[start] stopped in ${seconds(began)}; PostgreSQL, Redis and S3 keep running`);
  })();
  return stopping;
}

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  await stage('ports', async () => {
    await assertPortFree(settings.apiPort, 'PORT, the API');
    await assertPortFree(settings.workerPorts[0], 'WORKER_PORT, worker 1');
    await assertPortFree(settings.workerPorts[1], 'WORKER_PORT + 1, worker 2');
    return { value: null, note: `API ${settings.apiPort}, workers ${settings.workerPorts.join(' and ')} are free` };
  });
  await stage('services', async () => {
    // The same script as `npm test`: reuses running services, starts or installs missing ones.
    const result = spawnSync('bash', [join(REPO_ROOT, 'scripts/services/ensure-services.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new StartError('scripts/services/ensure-services.sh failed (its output is above)');
    return { value: null, note: 'PostgreSQL, Redis and S3 are up' };
  });
  await stage('database', () => ensureDatabase(settings.databaseUrl));
  await stage('migrations', () => migrate(settings.databaseUrl));
  await stage('data', () => loadSampleData(settings.databaseUrl));
  await stage('history', () => maintainHistory(settings.databaseUrl));
  const key = await stage('API key', () => ensureLocalKey(settings.databaseUrl));

  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: settings.databaseUrl,
    REDIS_URL: settings.redisUrl,
    REDIS_PREFIX: settings.redisPrefix,
    S3_ENDPOINT: settings.s3.endpoint,
    S3_REGION: settings.s3.region,
    S3_BUCKET: settings.s3.bucket,
    S3_ACCESS_KEY_ID: settings.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: settings.s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: process.env.S3_FORCE_PATH_STYLE?.trim() || 'true',
    // Everything runs on this machine, webhook receivers included (npm run smoke:webhooks starts one
    // on 127.0.0.1): private targets are allowed here unless set; deployments keep the default, false.
    WEBHOOK_ALLOW_PRIVATE: process.env.WEBHOOK_ALLOW_PRIVATE?.trim() || 'true',
    // The AWS SDK's notice that its 2027 releases need Node 22, once per app: the README states
    // the Node versions this project supports; three copies of the notice bury the first log lines.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true',
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  await stage('apps', async () => {
    const api = startApp('api', 'apps/api/src/main.js', { ...shared, PORT: String(settings.apiPort), BULL_BOARD_USER: settings.bullBoard.user, BULL_BOARD_PASSWORD: settings.bullBoard.password }, `http://127.0.0.1:${settings.apiPort}`);
    const workers = settings.workerPorts.map((workerPort, i) =>
      startApp(`worker-${i + 1}`, 'apps/worker/src/main.js', { ...shared, WORKER_PORT: String(workerPort), WORKER_DRAIN_SECONDS: process.env.WORKER_DRAIN_SECONDS ?? String(LOCAL_DRAIN_SECONDS) }, `http://127.0.0.1:${workerPort}`),
    );
    await Promise.all([api, ...workers].map((app) => waitReady(app, deadline)));
    return { value: null, note: `API (pid ${api.child.pid}) and 2 workers (pids ${workers.map((w) => w.child.pid).join(', ')}) are ready` };
  });
  const report = await stage('report', () => runReport(`http://127.0.0.1:${settings.apiPort}`, key));
  printSummary(settings, key, report);

  // From here on the apps run until Ctrl-C; one that stops by itself ends npm start too.
  await Promise.race(apps.map((app) => app.exited.then(() => app)));
  const gone = apps.find((app) => app.child.exitCode !== null || app.child.signalCode !== null);
  await stopApps(`${gone?.name ?? 'an app'} stopped`);
  process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    void stopApps(signal === 'SIGINT' ? 'Ctrl-C' : signal).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}
// Whatever ends this process (an uncaught error included), no app is left behind.
process.on('exit', () => {
  for (const app of apps) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
});

main().catch(async (error: unknown) => {
  process.stderr.write(`npm start: ${error instanceof StartError ? error.message : (error as Error).stack ?? String(error)}\n`);
  await stopApps('start failed');
  process.exit(1);
});

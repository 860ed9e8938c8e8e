import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { localServices, maintenanceDatabaseUrl } from '@store-uptime/config';
import { QUEUES, workerConnection } from '@store-uptime/queue';
import { deleteBucketAndObjects } from '../../scripts/faults/namespace';
import { summarizeReportCsv } from '../../scripts/start/report-summary';
import { httpGet, pollUntil } from '../e2e/support/test-services';

/**
 * `npm start` for real, as a user runs it: a child process on free ports, with a database, Redis
 * prefix and bucket of this run (so it never meets another run or the developer's own), on this
 * machine's services. It must print a downloaded report whose CSV is the one `report:csv --sample`
 * computes from files, answer a second trigger through the printed curl, and leave no process
 * behind after Ctrl-C.
 */

const REPO = join(__dirname, '..', '..');
const services = localServices(process.env, 'TEST_');

function listenOn(port: number): Promise<Server | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(port, () => resolve(server));
  });
}

/** A port p with p and p + 1 free (the second worker takes WORKER_PORT + 1). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const servers = [await listenOn(port), await listenOn(port + 1)];
    for (const server of servers) server?.close();
    if (servers.every(Boolean)) return port;
  }
}

class NpmStart {
  readonly output: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    // Its own process group, as a terminal's foreground job: Ctrl-C is SIGINT to the whole group.
    this.child = spawn('npm', ['start'], { cwd: REPO, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
  }

  get text(): string {
    return this.output.join('');
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const match = this.text.match(pattern);
      if (match) return match;
      if (exited || Date.now() > deadline) throw new Error(`npm start never printed ${pattern}${exited ? ' (it exited)' : ''}:\n${this.text.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  ctrlC(): void {
    process.kill(-this.child.pid!, 'SIGINT');
  }

  /** Cleanup after a failed test: the whole group, if any of it is left. */
  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
}

/** Every process on this machine whose environment carries this run's Redis prefix. */
function processesOfRun(prefix: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`REDIS_PREFIX=${prefix}`)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

describe('npm start', () => {
  const run = randomBytes(4).toString('hex');
  const database = `store_uptime_start_${run}`;
  const prefix = `start-${run}`;
  const bucket = `su-start-${run}`;
  const databaseUrl = (() => {
    const url = new URL(services.databaseUrl);
    url.pathname = `/${database}`;
    return url.toString();
  })();
  const started: NpmStart[] = [];
  const csvFiles: string[] = [];

  const envFor = (apiPort: number, workerPort: number) => ({
    PORT: String(apiPort),
    WORKER_PORT: String(workerPort),
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: prefix,
    S3_ENDPOINT: services.s3.endpoint,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: services.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
  });

  afterAll(async () => {
    for (const start of started) start.kill();
    for (const file of csvFiles) rmSync(file, { force: true });
    const queue = new Queue(QUEUES.reports, { connection: workerConnection(services.redisUrl), prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await deleteBucketAndObjects(bucket);
    const admin = new Client({ connectionString: maintenanceDatabaseUrl(services.databaseUrl) });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).finally(() => admin.end());
  });

  it('brings up the system, prints a downloaded report equal to report:csv --sample, answers a second trigger and stops on Ctrl-C', async () => {
    const apiPort = await freePortPair();
    const workerPort = await freePortPair();
    const start = new NpmStart(envFor(apiPort, workerPort));
    started.push(start);

    const [, stores] = await start.waitFor(/stores: ([\d,]+)\n/, 240_000);
    await start.waitFor(/Ready in [\d.]+ s\./, 10_000);
    const text = start.text;
    expect(text).toContain(`database "${database}"`);
    expect(text).toMatch(/\[start\] data: loaded the sample week: 1,793,906 generated polls \(seed 1\)/);
    for (const stage of ['build', 'ports', 'services', 'database', 'migrations', 'data', 'history', 'apps', 'report']) {
      expect(text).toMatch(new RegExp(`\\[start\\] ${stage}: .*\\(\\d+\\.\\d s\\)`));
    }
    // Readable logs: one line per entry, prefixed by the process, never raw JSON.
    expect(text).toMatch(/ worker-[12] +INFO +ReportPipeline: report complete /);
    expect(text).not.toMatch(/^\{"level"/m);

    // The downloaded CSV is the engine's report of the same sample week computed from files.
    const [, id, csvPath] = text.match(/Report ([0-9a-f]{32}): (reports\/[0-9a-f]{32}\.csv)/)!;
    csvFiles.push(join(REPO, csvPath));
    const csv = readFileSync(join(REPO, csvPath), 'utf8');
    const scratch = mkdtempSync(join(tmpdir(), 'npm-start-spec-'));
    try {
      const fromFiles = spawnSync('node', ['dist/apps/cli/src/report-csv.js', '--sample', '--out', join(scratch, 'report.csv')], { cwd: REPO, encoding: 'utf8' });
      expect(fromFiles.status).toBe(0);
      expect(csv).toBe(readFileSync(join(scratch, 'report.csv'), 'utf8'));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }

    // The summary says what the file says.
    const summary = summarizeReportCsv(csv);
    expect(Number(stores.replace(/,/g, ''))).toBe(summary.stores);
    expect(text).toContain(`fleet uptime last week: ${(summary.weekUptimeShare! * 100).toFixed(1)} % of business hours`);
    for (const [i, store] of summary.mostDowntime.entries()) expect(text).toContain(`${i + 1}. store ${store.storeId}: `);
    expect(text).toContain(`Bull Board    http://localhost:${apiPort}/admin/queues  (user admin, password store-uptime-local`);

    // A second report through the printed curl commands' URLs.
    const [, key, trigger] = text.match(/curl -s -X POST -H "Authorization: Bearer (su_live_[\w-]+)" (http:\/\/localhost:\d+\/trigger_report)/)!;
    const statusUrl = text.match(/curl -s -H "Authorization: Bearer su_live_[\w-]+" "(http:\/\/localhost:\d+\/get_report\?report_id=)<report_id>"/)![1];
    // The printed key is the saved one; without it the API refuses.
    expect(readFileSync(join(REPO, '.store-uptime', 'local-key'), 'utf8').trim()).toBe(key);
    expect((await fetch(trigger, { method: 'POST' })).status).toBe(401);
    const authorization = { authorization: `Bearer ${key}` };
    const triggered = (await (await fetch(trigger, { method: 'POST', headers: authorization })).json()) as { report_id: string };
    expect(triggered.report_id).not.toBe(id);
    const final = await pollUntil(
      async () => (await (await fetch(`${statusUrl}${triggered.report_id}`, { headers: authorization })).json()) as { status: string; url?: string },
      (body) => body.status !== 'Running',
      120_000,
      500,
    );
    expect(final.status).toBe('Complete');
    expect((await httpGet(final.url!)).text).toBe(csv);

    // Ctrl-C: everything it started is gone within 10 s.
    const [, apiPid, worker1, worker2] = text.match(/API \(pid (\d+)\) and 2 workers \(pids (\d+), (\d+)\)/)!.map(Number);
    const stopping = Date.now();
    start.ctrlC();
    const code = await start.exited;
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(code).not.toBe(0);
    expect(start.text).toMatch(/\[start\] stopped in [\d.]+ s; PostgreSQL, Redis and S3 keep running/);
    for (const pid of [apiPid, worker1, worker2]) expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(processesOfRun(prefix)).toEqual([]);
  }, 360_000);

  it('reuses the loaded data on a second start and says so', async () => {
    const start = new NpmStart(envFor(await freePortPair(), await freePortPair()));
    started.push(start);
    await start.waitFor(/Ready in [\d.]+ s\./, 180_000);
    expect(start.text).toContain('[start] data: reusing the 1,793,906 polls of 14,127 stores already in the database');
    expect(start.text).toContain(`[start] database: database "${database}" on `);
    const [, csvPath] = start.text.match(/Report [0-9a-f]{32}: (reports\/[0-9a-f]{32}\.csv)/)!;
    csvFiles.push(join(REPO, csvPath));
    expect(existsSync(join(REPO, csvPath))).toBe(true);
    start.ctrlC();
    await start.exited;
    expect(processesOfRun(prefix)).toEqual([]);
  }, 240_000);

  it('refuses a port already in use in one line naming it', async () => {
    const busy = createServer().listen(0);
    await once(busy, 'listening');
    const port = (busy.address() as { port: number }).port;
    try {
      const start = new NpmStart({ ...envFor(port, await freePortPair()) });
      started.push(start);
      expect(await start.exited).toBe(1);
      const lines = start.text.split('\n').filter((line) => line.startsWith('npm start:'));
      expect(lines).toEqual([`npm start: port ${port} (PORT, the API) is already in use: stop what uses it, or set PORT to another port`]);
      expect(start.text).not.toContain('[start] services');
    } finally {
      busy.close();
    }
  }, 60_000);
});

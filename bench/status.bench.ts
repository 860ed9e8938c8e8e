/**
 * `npm run bench:status`: status reads of both routes, `GET /get_report?report_id=…` and
 * `GET /reports/{id}`, over many different reports: --complete reports computed for real (on the
 * small end-to-end fixture, so 300 of them take seconds, not an hour) and --running reports queued
 * while the queue is paused (each read of one is a Redis read of its own job). Each request asks
 * for the next id, round robin, so no answer is one cached id. Target: ≥ 5,000 reads/s with
 * p99 < 20 ms on each route. Also counts the access-log lines the reads wrote (target: none; they
 * are counted in /metrics, whose request counts for the two routes are printed too).
 *
 * Runs the built apps as separate processes on this machine's PostgreSQL, Redis and S3, in a
 * database, Redis prefix and bucket of its own that it removes afterwards.
 *
 *   npm run build && npm run bench:status [-- --complete 300 --running 200 --seconds 10 --connections 50]
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { localServices } from '@store-uptime/config';
import { ApiKeysRepository, dataSourceOptionsFromUrl, ingestFiles, migrateUp } from '@store-uptime/db';
import { QUEUES, workerConnection } from '@store-uptime/queue';
import { createTempDatabase } from '../test/support/temp-database';
import { deleteBucketAndObjects, FIXTURE_FILES } from '../scripts/faults/namespace';
import { benchAppEnv, freePort, sleep, startApp, stop, waitReady } from './bench-apps';
import { describeReads, statusReads } from './status-reads';

const { values } = parseArgs({
  options: {
    complete: { type: 'string', default: '300' },
    running: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
});

const benchServices = localServices(process.env, 'BENCH_');
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** The bench's API key (made in main): every request carries it, as a real client's does. */
let authorization: Record<string, string> = {};

async function trigger(api: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, count - ids.length) }, async () => {
        const answer = await fetch(`${api}/reports`, { method: 'POST', headers: authorization });
        if (answer.status !== 202) throw new Error(`trigger answered ${answer.status}: ${await answer.text()}`);
        return ((await answer.json()) as { id: string }).id;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

async function waitComplete(api: string, ids: string[]): Promise<void> {
  let left = [...ids];
  const deadline = Date.now() + 10 * 60_000;
  while (left.length > 0) {
    if (Date.now() > deadline) throw new Error(`${left.length} reports not complete after 10 minutes`);
    const states = await Promise.all(left.map(async (id) => ((await (await fetch(`${api}/reports/${id}`, { headers: authorization })).json()) as { status: string }).status));
    const failed = states.filter((state) => state === 'failed').length;
    if (failed > 0) throw new Error(`${failed} reports failed`);
    left = left.filter((_id, i) => states[i] !== 'complete');
    if (left.length > 0) await sleep(500);
  }
}

async function main(): Promise<void> {
  const run = randomBytes(4).toString('hex');
  const database = await createTempDatabase(benchServices.databaseUrl, 'uptime_bench');
  const prefix = `bench-status-${run}`;
  const bucket = `su-bench-${run}`;
  const logDir = mkdtempSync(join(tmpdir(), 'bench-status-'));
  const children: ChildProcess[] = [];
  try {
    const dataSource = new DataSource(dataSourceOptionsFromUrl(database.url));
    await dataSource.initialize();
    await migrateUp(dataSource);
    const { key } = await new ApiKeysRepository(dataSource).create({ name: 'bench', owner: 'bench', scopes: ['reports:read', 'reports:write'] });
    authorization = { authorization: `Bearer ${key}` };
    await dataSource.destroy();
    const pool = new Pool({ connectionString: database.url });
    await ingestFiles(pool, FIXTURE_FILES);
    await pool.end();

    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const env = {
      // info: the access log is on, as in production; the reads below must not write to it.
      ...benchAppEnv(benchServices, { databaseUrl: database.url, redisPrefix: prefix, bucket, logLevel: 'info' }),
      PORT: String(apiPort),
      WORKER_PORT: String(workerPort),
      WORKER_CONCURRENCY: '2',
      TRIGGER_RATE_LIMIT: '0',
    };
    children.push(startApp('api', env, logDir), startApp('worker', env));
    const api = `http://127.0.0.1:${apiPort}`;
    await Promise.all([waitReady(`${api}/health/ready`), waitReady(`http://127.0.0.1:${workerPort}/health/ready`)]);

    let started = performance.now();
    const complete = await trigger(api, Number(values.complete));
    await waitComplete(api, complete);
    console.log(`${complete.length} reports complete in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Reports in flight: pause the queue so their jobs wait (status queued / Running).
    const queue = new Queue(QUEUES.reports, { connection: workerConnection(benchServices.redisUrl), prefix });
    await queue.pause();
    started = performance.now();
    const running = await trigger(api, Number(values.running));
    console.log(`${running.length} reports queued in ${((performance.now() - started) / 1000).toFixed(1)} s (queue paused)`);
    // The triggers' own log lines may still be on their way to the file.
    await sleep(1_000);
    const logBefore = readFileSync(join(logDir, 'api.log'), 'utf8').split('\n').length;

    const options = { connections: Number(values.connections), seconds: Number(values.seconds), headers: authorization };
    const mixed = [...complete, ...running];
    const routes = [
      ['GET /get_report', (id: string) => `/get_report?report_id=${id}`],
      ['GET /reports/{id}', (id: string) => `/reports/${id}`],
    ] as const;
    // Both routes over the same ids one after the other, so a change in the machine's load between
    // two measurements skews the comparison of the routes as little as it can.
    for (const [label, ids] of [['complete', complete], ['running', running], ['mixed', mixed]] as const) {
      for (const [route, path] of routes) {
        const figures = await statusReads(api, ids, path, options);
        console.log(`${describeReads(`${route}, ${label}`, ids.length, figures, options)}; load ${load()}`);
      }
    }

    const written = readFileSync(join(logDir, 'api.log'), 'utf8').split('\n').slice(logBefore - 1).filter((line) => line !== '');
    const logLines = written.length;
    for (const line of written.slice(0, 3)) console.log(`  written: ${line.slice(0, 300)}`);
    const metrics = await (await fetch(`${api}/metrics`)).text();
    const counted = (route: string) =>
      metrics
        .split('\n')
        .filter((line) => line.startsWith('http_request_duration_seconds_count{') && line.includes(`route="${route}"`))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    console.log(
      `access-log lines written during the reads: ${logLines}; /metrics counts ${counted('/get_report').toLocaleString('en-US')} GET /get_report ` +
        `and ${counted('/reports/:id').toLocaleString('en-US')} GET /reports/{id} requests`,
    );
    await queue.obliterate({ force: true });
    await queue.close();
  } finally {
    for (const child of children) await stop(child);
    const cleanupQueue = new Queue(QUEUES.reports, { connection: workerConnection(benchServices.redisUrl), prefix });
    await cleanupQueue.obliterate({ force: true }).catch(() => undefined);
    await cleanupQueue.close();
    await deleteBucketAndObjects(bucket);
    await database.drop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
